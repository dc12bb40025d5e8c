"""The RNN cell protocol (``keras.layers._cell_protocol``): a subclass of a
built-in cell that overrides ``call`` runs its own ``call`` (compared with a
hand loop over that ``call``); one that changes only ``build`` or
``get_config`` keeps the fast path; one that changes a half of the step runs
its halves, not PyTorch's kernel; such models save and load with
``custom_objects``."""
import numpy as np
import pytest
import torch

from keras.engine.input_layer import Input
from keras.engine.training import Model
from keras.layers import _cell_protocol
from keras.layers.convolutional_recurrent import ConvLSTM2DCell, ConvRNN2D
from keras.layers.recurrent import RNN, GRUCell, LSTMCell, SimpleRNNCell
from keras.models import load_model


def _layer_norm(z, eps=1e-3):
    mean = z.mean(dim=-1, keepdim=True)
    return (z - mean) / torch.sqrt(z.var(dim=-1, unbiased=False, keepdim=True) + eps)


class LNLSTMCell(LSTMCell):
    """The layer-normalized LSTM pattern: its own weights and its own ``call``."""

    def build(self, input_shape):
        super(LNLSTMCell, self).build(input_shape)
        self.gamma = self.add_weight(shape=(4 * self.units,), name='gamma',
                                     initializer='ones')

    def call(self, inputs, states, training=None):
        h, c = states
        z = _layer_norm(torch.matmul(inputs, self.kernel) +
                        torch.matmul(h, self.recurrent_kernel)) * self.gamma + self.bias
        i, f, g, o = z.chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, [h, c]


class ScaledGRUCell(GRUCell):
    def call(self, inputs, states, training=None):
        h, new_states = super(ScaledGRUCell, self).call(inputs, states, training=training)
        return 0.5 * h, [0.5 * s for s in new_states]


class LeakySimpleRNNCell(SimpleRNNCell):
    def call(self, inputs, states, training=None):
        prev = states[0]
        h = torch.tanh(torch.matmul(inputs, self.kernel) +
                       torch.matmul(prev, self.recurrent_kernel) + self.bias)
        h = 0.7 * h + 0.3 * prev
        return h, [h]


class NamedLSTMCell(LSTMCell):
    """Changes only ``build`` and ``get_config``: the fast path stays."""

    def build(self, input_shape):
        super(NamedLSTMCell, self).build(input_shape)

    def get_config(self):
        return dict(super(NamedLSTMCell, self).get_config(), note_free=True)

    @classmethod
    def from_config(cls, config):
        config.pop('note_free', None)
        return cls(**config)


class NamedGRUCell(GRUCell):
    def get_config(self):
        return super(NamedGRUCell, self).get_config()


class NamedSimpleRNNCell(SimpleRNNCell):
    def build(self, input_shape):
        super(NamedSimpleRNNCell, self).build(input_shape)


class DampedLSTMCell(LSTMCell):
    """Changes the recurrent half only: PyTorch's LSTM kernel is not its math."""

    def _make_recurrent_step(self):
        step = super(DampedLSTMCell, self)._make_recurrent_step()
        return lambda z, states: [0.5 * s for s in step(z, states)]


def _x(shape=(3, 6, 4), seed=1):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype('float32')


def _built(cell, x, **kwargs):
    layer = RNN(cell, return_sequences=True, return_state=True, **kwargs)
    layer(torch.as_tensor(x))
    rng = np.random.RandomState(3)
    layer.set_weights([rng.uniform(-.6, .6, w.shape).astype('float32')
                       for w in layer.get_weights()])
    return layer


def _hand_loop(cell, x, go_backwards=False):
    """Run ``cell.call`` step by step: ``(outputs, final_states)``."""
    x = torch.as_tensor(x)
    sizes = cell.state_size if hasattr(cell.state_size, '__len__') else [cell.state_size]
    states = [torch.zeros(x.shape[0], n) for n in sizes]
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs = []
    with torch.no_grad():
        for t in steps:
            output, states = cell.call(x[:, t], states, training=False)
            outputs.append(output)
    return torch.stack(outputs, dim=1).numpy(), [s.numpy() for s in states]


def _run(layer, x):
    with torch.no_grad():
        result = layer(torch.as_tensor(x), training=False)
    return [r.numpy() for r in result]


@pytest.mark.parametrize('cls, base, kwargs', [
    (LNLSTMCell, LSTMCell, {}),
    (ScaledGRUCell, GRUCell, {'reset_after': True}),
    (LeakySimpleRNNCell, SimpleRNNCell, {}),
])
@pytest.mark.parametrize('go_backwards', [False, True])
def test_a_subclass_that_overrides_call_runs_its_call(cls, base, kwargs, go_backwards):
    x = _x()
    layer = _built(cls(5, **kwargs), x, go_backwards=go_backwards)
    assert layer._cell_path == _cell_protocol.GENERIC
    got = _run(layer, x)
    want_sequence, want_states = _hand_loop(layer.cell, x, go_backwards)
    np.testing.assert_allclose(got[0], want_sequence, rtol=1e-5, atol=1e-6)
    for g, w in zip(got[1:], want_states):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    plain = _built(base(5, **kwargs), x, go_backwards=go_backwards)
    plain.set_weights(layer.get_weights()[:len(plain.get_weights())])
    assert not np.allclose(_run(plain, x)[0], got[0], atol=1e-3)


@pytest.mark.parametrize('cls, base, kwargs', [
    (NamedLSTMCell, LSTMCell, {}),
    (NamedGRUCell, GRUCell, {'reset_after': True}),
    (NamedSimpleRNNCell, SimpleRNNCell, {}),
])
def test_a_subclass_that_changes_only_build_or_config_keeps_the_fused_path(cls, base, kwargs):
    x = _x()
    layer = _built(cls(5, **kwargs), x)
    assert layer._cell_path == _cell_protocol.FUSED
    plain = _built(base(5, **kwargs), x)
    assert plain._cell_path == _cell_protocol.FUSED
    plain.set_weights(layer.get_weights())
    got = _run(layer, x)
    for g, w in zip(got, _run(plain, x)):
        np.testing.assert_array_equal(g, w)
    want_sequence, want_states = _hand_loop(layer.cell, x)
    np.testing.assert_allclose(got[0], want_sequence, rtol=1e-5, atol=1e-6)
    for g, w in zip(got[1:], want_states):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_a_subclass_that_changes_a_half_runs_its_halves_not_the_kernel():
    x = _x()
    layer = _built(DampedLSTMCell(5), x)
    assert layer._cell_path == _cell_protocol.PROJECTED
    got = _run(layer, x)
    want_sequence, want_states = _hand_loop(layer.cell, x)
    np.testing.assert_allclose(got[0], want_sequence, rtol=1e-5, atol=1e-6)
    for g, w in zip(got[1:], want_states):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_the_path_is_chosen_once_at_build():
    layer = _built(LNLSTMCell(3), _x())
    layer.cell.__class__ = LSTMCell  # a class change after build is not looked at again
    assert layer._cell_path == _cell_protocol.GENERIC


class ShiftedConvLSTM2DCell(ConvLSTM2DCell):
    def call(self, inputs, states, training=None):
        h, new_states = super(ShiftedConvLSTM2DCell, self).call(inputs, states, training)
        return h + 1., [new_states[0] + 1., new_states[1]]


def test_a_conv_lstm_cell_subclass_that_overrides_call_runs_its_call():
    x = _x((2, 3, 5, 5, 2))
    layer = ConvRNN2D(ShiftedConvLSTM2DCell(3, (3, 3), padding='same'), return_sequences=True)
    with torch.no_grad():
        got = layer(torch.as_tensor(x), training=False).numpy()
    assert layer._cell_path == _cell_protocol.GENERIC
    states = [torch.zeros(2, 5, 5, 3), torch.zeros(2, 5, 5, 3)]
    want = []
    with torch.no_grad():
        for t in range(3):
            h, states = layer.cell.call(torch.as_tensor(x[:, t]), states, training=False)
            want.append(h.numpy())
    np.testing.assert_allclose(got, np.stack(want, axis=1), rtol=1e-5, atol=1e-5)
    plain = ConvRNN2D(ConvLSTM2DCell(3, (3, 3), padding='same'), return_sequences=True)
    plain(torch.as_tensor(x))
    assert plain._cell_path == _cell_protocol.PROJECTED


@pytest.mark.parametrize('cls', [LNLSTMCell, NamedLSTMCell])
def test_a_model_with_a_cell_subclass_saves_and_loads(cls, tmp_path):
    x = _x()
    inputs = Input((None, 4))
    model = Model(inputs, RNN(cls(5))(inputs))
    rng = np.random.RandomState(4)
    model.set_weights([rng.uniform(-.6, .6, w.shape).astype('float32')
                       for w in model.get_weights()])
    path = str(tmp_path / 'model.h5')
    model.save(path)
    loaded = load_model(path, custom_objects={cls.__name__: cls})
    assert type(loaded.layers[-1].cell) is cls
    assert loaded.layers[-1]._cell_path == model.layers[-1]._cell_path
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6, atol=1e-6)
