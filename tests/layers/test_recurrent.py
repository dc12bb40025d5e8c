"""SimpleRNN, LSTM, GRU, RNN(cell) and the cells against NumPy versions of
Keras 2.3.1's cell equations; fused-kernel and Python-loop paths against each
other; masks, states, dropout, configs and the seeds' uses."""
import warnings

import numpy as np
import pytest
import torch

from keras import backend as K
from keras.engine.base_layer import Layer
from keras.engine.input_layer import Input
from keras.engine.sequential import Sequential
from keras.engine.training import Model
from keras.layers import recurrent
from keras.layers.core import Dense, Masking
from keras.layers.recurrent import (GRU, LSTM, RNN, GRUCell, LSTMCell, Recurrent, SimpleRNN,
                                    SimpleRNNCell, StackedRNNCells)
from keras.utils.test_utils import layer_test


# --------------------------------------------------------------- NumPy reference
def _sigmoid(x):
    return 1. / (1. + np.exp(-x))


_ACT = {'tanh': np.tanh, 'sigmoid': _sigmoid, 'linear': lambda x: x,
        'hard_sigmoid': lambda x: np.clip(0.2 * x + 0.5, 0., 1.),
        'relu': lambda x: np.maximum(x, 0.)}


def _np_step(kind, x, states, w, cfg, dp, rdp):
    """One step of Keras 2.3.1's cells (implementation 1 form, per-gate masks)."""
    act = _ACT[cfg.get('activation', 'tanh')]
    ract = _ACT[cfg.get('recurrent_activation', 'sigmoid')]
    kernel, rec = w[0], w[1]
    u = rec.shape[0]
    bias = w[2] if len(w) > 2 else None
    h = states[0]

    def xg(g):
        xx = x * (dp[g] if len(dp) > 1 else dp[0]) if dp else x
        b = 0. if bias is None else (bias[0] if cfg.get('reset_after') else bias)[g * u:(g + 1) * u]
        return xx @ kernel[:, g * u:(g + 1) * u] + b

    def hg(g, state=None):
        hh = h if state is None else state
        hh = hh * (rdp[g] if len(rdp) > 1 else rdp[0]) if rdp else hh
        return hh @ rec[:, g * u:(g + 1) * u]

    if kind == 'simple':
        out = act(xg(0) + hg(0))
        return out, [out]
    if kind == 'lstm':
        i, f, o = ract(xg(0) + hg(0)), ract(xg(1) + hg(1)), ract(xg(3) + hg(3))
        c = f * states[1] + i * act(xg(2) + hg(2))
        out = o * act(c)
        return out, [out, c]
    rb = (lambda g: 0. if bias is None else bias[1][g * u:(g + 1) * u])
    z = ract(xg(0) + hg(0) + (rb(0) if cfg.get('reset_after') else 0.))
    r = ract(xg(1) + hg(1) + (rb(1) if cfg.get('reset_after') else 0.))
    if cfg.get('reset_after'):
        cand = act(xg(2) + r * (hg(2) + rb(2)))
    else:
        h_h = h * (rdp[-1] if rdp else 1.)
        cand = act(xg(2) + (r * h_h) @ rec[:, 2 * u:])
    carry = h * rdp[0] if rdp and len(rdp) == 1 else h  # 2.3.1's implementation 2
    out = z * carry + (1 - z) * cand
    return out, [out]


def np_rnn(kind, x, w, cfg=None, mask=None, go_backwards=False, states=None, dp=None,
           rdp=None):
    """``(outputs (batch, time, units), final_states)`` as Keras 2.3.1 computes them."""
    cfg = cfg or {}
    x = x.astype('float64')
    w = [a.astype('float64') for a in w]
    u = w[1].shape[0]
    n = 2 if kind == 'lstm' else 1
    states = [np.zeros((x.shape[0], u))] * n if states is None else list(states)
    outs, prev = [], np.zeros((x.shape[0], u))
    for t in (range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])):
        out, new = _np_step(kind, x[:, t], states, w, cfg, dp, rdp)
        if mask is not None:
            m = mask[:, t][:, None].astype(bool)
            out = np.where(m, out, prev)
            new = [np.where(m, a, b) for a, b in zip(new, states)]
        prev, states = out, new
        outs.append(out)
    return np.stack(outs, 1), states


KINDS = {'lstm': (LSTM, {}), 'gru': (GRU, {}), 'gru_after': (GRU, {'reset_after': True}),
         'simple': (SimpleRNN, {})}


def _kind(name):
    return name.split('_')[0]


def _layer(name, seed=0, input_dim=3, **kwargs):
    cls, base = KINDS[name]
    layer = cls(4, **dict(base, **kwargs))
    layer.build((None, None, input_dim))
    rng = np.random.RandomState(seed)
    layer.set_weights([rng.uniform(-.7, .7, w.shape).astype('float32')
                       for w in layer.get_weights()])
    return layer


def _x(shape=(3, 5, 3), seed=1):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype('float32')


def _np(t):
    return t.detach().cpu().numpy()


def _loop_only(layer):
    layer.cell._fused_kernel = lambda: None  # force the Python time loop
    return layer


MASKS = {
    'post': [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]],
    'pre': [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1], [0, 0, 0, 0, 1]],
    'middle_run': [[0, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 1, 1]],
    'holes': [[1, 0, 1, 0, 1], [1, 1, 1, 1, 1], [0, 1, 1, 1, 1]],
    'empty_row': [[0, 0, 0, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]],
}


# ------------------------------------------------------------------- numbers
@pytest.mark.parametrize('name', sorted(KINDS))
@pytest.mark.parametrize('cfg', [{}, {'go_backwards': True}, {'use_bias': False},
                                 {'recurrent_activation': 'hard_sigmoid'},
                                 {'activation': 'relu'}, {'implementation': 1}])
def test_matches_numpy(name, cfg):
    if _kind(name) == 'simple' and ('recurrent_activation' in cfg or 'implementation' in cfg):
        pytest.skip('SimpleRNN has no gates')
    go_backwards = cfg.pop('go_backwards', False)
    layer = _layer(name, return_sequences=True, return_state=True,
                   go_backwards=go_backwards, **cfg)
    x = _x()
    out = layer(torch.as_tensor(x))
    ref_cfg = dict(KINDS[name][1], **cfg)
    seq, states = np_rnn(_kind(name), x, layer.get_weights(), ref_cfg, go_backwards=go_backwards)
    np.testing.assert_allclose(_np(out[0]), seq, atol=2e-5)
    for got, want in zip(out[1:], states):
        np.testing.assert_allclose(_np(got), want, atol=2e-5)
    loop = _loop_only(_layer(name, return_sequences=True, go_backwards=go_backwards, **cfg))
    np.testing.assert_allclose(_np(loop(torch.as_tensor(x))), seq, atol=2e-5)


@pytest.mark.parametrize('name', sorted(KINDS))
@pytest.mark.parametrize('mask_name', sorted(MASKS))
@pytest.mark.parametrize('go_backwards', [False, True])
def test_masks_keep_previous_state_and_output(name, mask_name, go_backwards):
    mask = np.array(MASKS[mask_name], dtype=bool)
    x = _x()
    seq, states = np_rnn(_kind(name), x, _layer(name).get_weights(), KINDS[name][1], mask,
                         go_backwards)
    for force_loop in (False, True):
        layer = _layer(name, return_sequences=True, return_state=True,
                       go_backwards=go_backwards)
        if force_loop:
            _loop_only(layer)
        out = layer(torch.as_tensor(x), mask=torch.as_tensor(mask))
        np.testing.assert_allclose(_np(out[0]), seq, atol=2e-5)
        for got, want in zip(out[1:], states):
            np.testing.assert_allclose(_np(got), want, atol=2e-5)


@pytest.mark.parametrize('name', ['lstm', 'gru_after'])
def test_fused_and_loop_gradients_agree(name):
    x = torch.as_tensor(_x())
    mask = torch.as_tensor(np.array(MASKS['pre'], dtype=bool))
    grads = []
    for force_loop in (False, True):
        layer = _layer(name, return_sequences=True)
        if force_loop:
            _loop_only(layer)
        (layer(x, mask=mask) ** 2).sum().backward()
        grads.append([_np(w.grad) for w in layer.weights])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.parametrize('name', ['lstm', 'gru', 'gru_after'])
def test_implementations_1_and_2_agree(name):
    x = torch.as_tensor(_x())
    a = _layer(name, implementation=1, return_sequences=True)(x)
    b = _layer(name, implementation=2, return_sequences=True)(x)
    np.testing.assert_allclose(_np(a), _np(b), atol=1e-6)


@pytest.mark.parametrize('name', sorted(KINDS))
@pytest.mark.parametrize('implementation', [1, 2])
@pytest.mark.parametrize('rates', [(0.4, 0.), (0.4, 0.3)])
def test_dropout_masks_drawn_once_per_sequence(name, implementation, rates):
    extra = {} if _kind(name) == 'simple' else {'implementation': implementation}
    layer = _layer(name, return_sequences=True, dropout=rates[0], recurrent_dropout=rates[1],
                   **extra)
    x = _x()
    out = layer(torch.as_tensor(x), training=True)
    dp = [_np(m) for m in layer.cell._dropout_mask]
    rdp = None if not rates[1] else [_np(m) for m in layer.cell._recurrent_dropout_mask]
    n_masks = 4 if _kind(name) == 'lstm' else 3
    assert len(dp) == (n_masks if implementation == 1 and extra else 1)
    assert dp[0].shape == (3, 3)
    assert np.all(np.isclose(dp[0], 0.) | np.isclose(dp[0], 1 / 0.6))
    seq, _ = np_rnn(_kind(name), x, layer.get_weights(), KINDS[name][1], dp=dp, rdp=rdp)
    np.testing.assert_allclose(_np(out), seq, atol=2e-5)
    # test phase: no dropout at all
    plain = np_rnn(_kind(name), x, layer.get_weights(), KINDS[name][1])[0]
    np.testing.assert_allclose(_np(layer(torch.as_tensor(x), training=False)), plain,
                               atol=2e-5)


# ----------------------------------------------------------- weights, configs
def test_weight_shapes_order_and_names():
    expected = {'lstm': [(3, 16), (4, 16), (16,)], 'gru': [(3, 12), (4, 12), (12,)],
                'gru_after': [(3, 12), (4, 12), (2, 12)], 'simple': [(3, 4), (4, 4), (4,)]}
    for name, shapes in expected.items():
        cls, kwargs = KINDS[name]
        layer = cls(4, name='rnn_%s' % name, **kwargs)
        layer.build((None, 5, 3))
        assert [tuple(w.shape) for w in layer.weights] == shapes
        assert [w._keras_name for w in layer.weights] == [
            'rnn_%s/kernel:0' % name, 'rnn_%s/recurrent_kernel:0' % name, 'rnn_%s/bias:0' % name]
    lstm = LSTM(3)
    lstm.build((None, 2, 5))
    np.testing.assert_array_equal(lstm.get_weights()[2], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    lstm = LSTM(3, unit_forget_bias=False, recurrent_initializer='identity')
    lstm.build((None, 2, 5))
    np.testing.assert_array_equal(lstm.get_weights()[2], np.zeros(12))
    np.testing.assert_array_equal(lstm.get_weights()[1], np.tile(np.eye(3), (1, 4)))


def test_kernels_reach_the_fused_kernel_without_copies():
    """Kernels live in PyTorch's (gates * units, input) memory order; values,
    set_weights, gradients and optimizer slots keep the Keras shapes."""
    model = Sequential([LSTM(4, return_sequences=True, input_shape=(5, 3)), GRU(2)])
    model.compile('adam', 'mse')
    lstm, gru = model.layers
    for cell in (lstm.cell, gru.cell):
        assert tuple(cell.kernel.shape) == (cell.kernel.shape[0], cell._n_gates * cell.units)
        assert cell.kernel.t().is_contiguous() and cell.recurrent_kernel.t().is_contiguous()
    values = [np.random.RandomState(i).uniform(-.5, .5, w.shape).astype('float32')
              for i, w in enumerate(model.get_weights())]
    model.set_weights(values)
    for got, want in zip(model.get_weights(), values):
        assert got.flags['C_CONTIGUOUS']
        np.testing.assert_array_equal(got, want)
    weights = lstm.cell._torch_weights()
    assert all(w.is_contiguous() for w in weights[:2])
    assert weights[0].data_ptr() == lstm.cell.kernel.data_ptr()  # a view, not a copy
    x, y = np.ones((8, 5, 3), 'float32'), np.zeros((8, 2), 'float32')
    model.train_on_batch(x, y)
    assert lstm.cell.kernel.t().is_contiguous()
    assert not np.allclose(model.get_weights()[0], values[0])


_RNN_KEYS = ['name', 'trainable', 'dtype', 'return_sequences', 'return_state', 'go_backwards',
             'stateful', 'unroll', 'units', 'activation']
_WEIGHT_KEYS = ['kernel_initializer', 'recurrent_initializer', 'bias_initializer']
_REG_KEYS = ['kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
             'activity_regularizer', 'kernel_constraint', 'recurrent_constraint',
             'bias_constraint', 'dropout', 'recurrent_dropout']


def test_get_config_keys_are_keras_2_3_1():
    assert list(SimpleRNN(2).get_config()) == _RNN_KEYS + ['use_bias'] + _WEIGHT_KEYS + _REG_KEYS
    assert list(GRU(2).get_config()) == _RNN_KEYS + ['recurrent_activation', 'use_bias'] + \
        _WEIGHT_KEYS + _REG_KEYS + ['implementation', 'reset_after']
    assert list(LSTM(2).get_config()) == _RNN_KEYS + ['recurrent_activation', 'use_bias'] + \
        _WEIGHT_KEYS + ['unit_forget_bias'] + _REG_KEYS + ['implementation']
    config = LSTM(2).get_config()
    assert config['recurrent_activation'] == 'sigmoid' and config['implementation'] == 2
    assert GRU(2).get_config()['reset_after'] is False
    rnn_config = RNN(LSTMCell(2)).get_config()
    assert rnn_config['cell']['class_name'] == 'LSTMCell'
    assert 'num_constants' not in rnn_config


def test_from_tf_keras_config_and_cell_attributes():
    config = dict(GRU(5, reset_after=True).get_config(), time_major=False, name='g')
    layer = GRU.from_config(config)
    assert layer.units == 5 and layer.reset_after and layer.name == 'g'
    assert layer.recurrent_activation is layer.cell.recurrent_activation
    rnn = RNN.from_config(RNN(StackedRNNCells([LSTMCell(3), GRUCell(2)])).get_config())
    assert rnn.cell.state_size == (3, 3, 2) and rnn.cell.output_size == 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert LSTM.from_config(dict(LSTM(2).get_config(), implementation=0)).implementation == 1
    assert not caught


def test_time_major_matches_batch_major():
    x = _x()
    a = _layer('gru_after', return_sequences=True)(torch.as_tensor(x))
    tm = _layer('gru_after', return_sequences=True, time_major=True)
    b = tm(torch.as_tensor(x).transpose(0, 1))
    np.testing.assert_allclose(_np(b.transpose(0, 1)), _np(a), atol=1e-6)
    assert tm.compute_output_shape((5, None, 3)) == (5, None, 4)
    assert tm.get_config()['time_major'] is True


@pytest.mark.parametrize('cls, kwargs', [
    (LSTM, {'units': 3, 'return_sequences': True}),
    (GRU, {'units': 3, 'reset_after': True, 'go_backwards': True}),
    (GRU, {'units': 3, 'recurrent_activation': 'hard_sigmoid', 'implementation': 1}),
    (SimpleRNN, {'units': 3, 'return_sequences': True, 'use_bias': False}),
])
def test_layer_test(cls, kwargs):
    layer_test(cls, kwargs=kwargs, input_shape=(2, 4, 3))


def test_regularizers_and_constraints():
    layer = LSTM(2, kernel_regularizer='l2', recurrent_regularizer='l1', bias_regularizer='l2',
                 kernel_constraint='non_neg')
    layer.build((None, 3, 2))
    kernel, rec, bias = layer.get_weights()
    losses = [float(t.detach()) for t in layer.regularization_losses()]
    np.testing.assert_allclose(losses, [0.01 * (kernel ** 2).sum(), 0.01 * np.abs(rec).sum(),
                                        0.01 * (bias ** 2).sum()], rtol=1e-5)
    model = Sequential([Input(shape=(3, 2))._keras_history[0], layer])
    model.compile('sgd', 'mse')
    model.train_on_batch(np.ones((2, 3, 2)), np.ones((2, 2)))
    assert layer.get_weights()[0].min() >= 0


# ---------------------------------------------------------- call arguments
def test_return_state_and_masks_in_a_model():
    x = Input((5, 3))
    masked = Masking(0.)(x)
    out, h, c = LSTM(4, return_sequences=True, return_state=True)(masked)
    assert out._keras_mask is not None and h._keras_mask is None and c._keras_mask is None
    last = LSTM(4)(masked)
    assert last._keras_mask is None
    model = Model(x, [out, h, c, last])
    data = _x()
    data[1, 3:] = 0.
    outs = model.predict(data)
    np.testing.assert_allclose(outs[0][:, -1], outs[1], atol=1e-6)
    np.testing.assert_allclose(outs[0][1, 3], outs[0][1, 2], atol=1e-6)  # masked: repeats


def test_symbolic_initial_state_and_config_round_trip():
    x, h, c = Input((5, 3)), Input((4,)), Input((4,))
    lstm = LSTM(4, return_sequences=True)
    model = Model([x, h, c], lstm(x, initial_state=[h, c]))
    assert len(lstm.input_spec) == 1
    data = [_x(), _x((3, 4), 2), _x((3, 4), 3)]
    got = model.predict(data)
    want, _ = np_rnn('lstm', data[0], lstm.get_weights(), states=data[1:])
    np.testing.assert_allclose(got, want, atol=2e-5)
    again = Model.from_config(model.get_config())
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(data), got, atol=1e-6)
    eager = lstm(torch.as_tensor(data[0]), initial_state=[torch.as_tensor(d) for d in data[1:]])
    np.testing.assert_allclose(_np(eager), got, atol=1e-6)
    with pytest.raises(ValueError, match='states but was passed'):
        lstm(torch.as_tensor(data[0]), initial_state=[torch.as_tensor(data[1])])
    with pytest.raises(ValueError, match='mix of Keras tensors'):
        LSTM(4)(x, initial_state=[h, torch.zeros(3, 4)])


class MinimalRNNCell(Layer):
    """The Keras 2 documentation's custom cell, as written."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super(MinimalRNNCell, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer='uniform', name='kernel')
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer='uniform', name='recurrent_kernel')
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        h = K.dot(inputs, self.kernel)
        output = h + K.dot(prev_output, self.recurrent_kernel)
        return output, [output]


class ConstantCell(MinimalRNNCell):
    def build(self, input_shape):
        super(ConstantCell, self).build(input_shape[0])

    def call(self, inputs, states, constants=None):
        output, _ = super(ConstantCell, self).call(inputs, states)
        output = output + constants[0]
        return output, [output]

    def get_config(self):
        return dict(super(ConstantCell, self).get_config(), units=self.units)


def test_custom_cell_stacked_cells_and_constants():
    x = Input((None, 5))
    y = RNN(MinimalRNNCell(3))(x)
    stacked = RNN([MinimalRNNCell(3), MinimalRNNCell(2)], return_state=True)
    outs = stacked(x)
    model = Model(x, [y] + outs)
    assert model.output_shape == [(None, 3), (None, 2), (None, 3), (None, 2)]
    data = _x((2, 4, 5))
    got = model.predict(data)
    k, r = model.layers[1].get_weights()
    h = np.zeros((2, 3))
    for t in range(4):
        h = data[:, t] @ k + h @ r
    np.testing.assert_allclose(got[0], h, rtol=1e-5)
    # constants: symbolic, in the config, and reloaded
    c = Input((3,))
    layer = RNN(ConstantCell(3))
    cmodel = Model([x, c], layer(x, constants=c))
    assert layer.get_config()['num_constants'] == 1
    const = _x((2, 3), 4)
    k, r = layer.get_weights()
    h = np.zeros((2, 3))
    for t in range(4):
        h = data[:, t] @ k + h @ r + const
    np.testing.assert_allclose(cmodel.predict([data, const]), h, rtol=1e-5)
    again = Model.from_config(cmodel.get_config(), custom_objects={'ConstantCell': ConstantCell})
    again.set_weights(cmodel.get_weights())
    np.testing.assert_allclose(again.predict([data, const]), h, rtol=1e-5)
    plain = RNN(MinimalRNNCell(3))
    plain(torch.as_tensor(data))
    with pytest.raises(ValueError, match='does not support constants'):
        plain(torch.as_tensor(data), constants=[torch.as_tensor(const)])


def test_stacked_lstm_cells_equal_two_lstm_layers():
    first, second = _layer('lstm', return_sequences=True), _layer('lstm', seed=3, input_dim=4)
    rnn = RNN(StackedRNNCells([LSTMCell(4), LSTMCell(4)]), return_state=True)
    rnn.build((None, None, 3))
    rnn.set_weights(first.get_weights() + second.get_weights())
    x = torch.as_tensor(_x())
    out = rnn(x)
    np.testing.assert_allclose(_np(out[0]), _np(second(first(x))), atol=1e-6)
    assert len(out) == 5
    assert recurrent.SimpleRNNCell is SimpleRNNCell


class Keras1Recurrent(Recurrent):
    """A Keras 1 style layer: weights in build, math in step, a constant."""

    def __init__(self, units, **kwargs):
        self.units = units
        super(Keras1Recurrent, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name='kernel')
        self.states = [None]
        self.built = True
        if self.stateful:
            self.reset_states()

    def get_constants(self, inputs, training=None):
        return [torch.ones(1) * 0.5]

    def step(self, inputs, states):
        output = K.dot(inputs, self.kernel) + states[0] * states[1]
        return output, [output]


def test_keras1_recurrent_base_class():
    x = Input((4, 3))
    layer = Keras1Recurrent(2, return_sequences=True, return_state=True)
    out, state = layer(x)
    assert out.shape == (None, 4, 2) and state.shape == (None, 2)
    model = Model(x, [out, state])
    data = _x((2, 4, 3))
    got = model.predict(data)
    k = layer.get_weights()[0]
    h, want = np.zeros((2, 2)), []
    for t in range(4):
        h = data[:, t] @ k + 0.5 * h
        want.append(h)
    np.testing.assert_allclose(got[0], np.stack(want, 1), rtol=1e-5)
    np.testing.assert_allclose(got[1], h, rtol=1e-5)
    assert layer.get_config()['implementation'] == 0
    stateful = Keras1Recurrent(2, stateful=True, batch_input_shape=(2, 4, 3))
    seq = Sequential([stateful])
    stateful.set_weights([k])
    np.testing.assert_allclose(seq.predict(data, batch_size=2), h, rtol=1e-5)
    for t in range(4):
        h = data[:, t] @ k + 0.5 * h
    np.testing.assert_allclose(seq.predict(data, batch_size=2), h, rtol=1e-5)  # carried
    seq.reset_states()
    np.testing.assert_allclose(seq.predict(data, batch_size=2), got[1], rtol=1e-5)
    with pytest.raises(NotImplementedError):
        Recurrent().step(None, None)


# ------------------------------------------------------------------ stateful
def test_stateful_carries_resets_and_sets_states():
    model = Sequential()
    model.add(LSTM(4, stateful=True, return_sequences=True, batch_input_shape=(3, 5, 3)))
    layer = model.layers[0]
    first, second = _x(), _x(seed=2)
    state_tensor = layer.states[0]
    a = model.predict(first, batch_size=3)
    b = model.predict(second, batch_size=3)
    assert layer.states[0] is state_tensor  # updated in place
    w = layer.get_weights()
    want, _ = np_rnn('lstm', np.concatenate([first, second], 1), w)
    np.testing.assert_allclose(np.concatenate([a, b], 1), want, atol=2e-5)
    model.reset_states()
    np.testing.assert_allclose(model.predict(first, batch_size=3), a, atol=1e-6)
    h0, c0 = _x((3, 4), 5), _x((3, 4), 6)
    layer.reset_states([h0, c0])
    want, _ = np_rnn('lstm', first, w, states=[h0, c0])
    np.testing.assert_allclose(model.predict(first, batch_size=3), want, atol=2e-5)
    with pytest.raises(ValueError, match='expected shape=\\(3, 4\\), found shape=\\(2, 4\\)'):
        layer.reset_states([h0[:2], c0])
    with pytest.raises(ValueError, match='expects 2 states'):
        layer.reset_states([h0])
    with pytest.raises(ValueError, match='batch size of 3'):
        layer(torch.as_tensor(first[:2]))


def test_stateful_errors():
    with pytest.raises(ValueError, match='needs to know its batch size'):
        Sequential([LSTM(2, stateful=True, input_shape=(3, 2))])
    with pytest.raises(AttributeError, match='must be stateful'):
        LSTM(2).reset_states()
    with pytest.raises(ValueError, match='Cannot unroll'):
        Model(*(lambda x: (x, LSTM(2, unroll=True)(x)))(Input((None, 2))))


# ---------------------------------------------------------------- Keras 1
def test_keras1_spellings_with_one_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = LSTM(output_dim=3, inner_activation='hard_sigmoid', init='glorot_normal',
                     inner_init='orthogonal', forget_bias_init='one', W_regularizer='l2',
                     U_regularizer='l2', b_regularizer='l1', dropout_W=0.1, dropout_U=0.2,
                     consume_less='gpu', input_dim=4, input_length=6)
    assert len(caught) == 1 and 'Keras 2 API' in str(caught[0].message)
    config = layer.get_config()
    assert config['units'] == 3 and config['recurrent_activation'] == 'hard_sigmoid'
    assert config['kernel_initializer']['config']['distribution'] in ('normal',
                                                                      'truncated_normal')
    assert config['unit_forget_bias'] and config['dropout'] == 0.1
    assert config['recurrent_dropout'] == 0.2 and config['implementation'] == 2
    assert config['bias_regularizer']['config']['l1'] > 0
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = Sequential([LSTM(32, input_dim=64, input_length=10)])
        assert model.input_shape == (None, 10, 64)
        assert GRU(2, input_dim=3).batch_input_shape == (None, None, 3)
        assert SimpleRNN(2, consume_less='mem').get_config()['units'] == 2
        with pytest.warns(UserWarning, match='implementation=0'):
            assert LSTM(2, implementation=0).implementation == 1


# -------------------------------------------------------------------- seeds
def test_seed_stacked_and_stateful_lstm_train():
    dim, steps, classes, batch = 4, 3, 3, 4
    x = _x((16, steps, dim))
    y = np.eye(classes)[np.arange(16) % classes]
    for stateful in (False, True):
        model = Sequential()
        first = {'batch_input_shape': (batch, steps, dim)} if stateful else \
            {'input_shape': (steps, dim)}
        model.add(LSTM(5, return_sequences=True, stateful=stateful, **first))
        model.add(LSTM(5, return_sequences=True, stateful=stateful))
        model.add(LSTM(5, stateful=stateful))
        model.add(Dense(classes, activation='softmax'))
        model.compile(loss='categorical_crossentropy', optimizer='rmsprop',
                      metrics=['accuracy'])
        before = [w.copy() for w in model.get_weights()]
        history = model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0,
                            validation_data=(x[:8], y[:8]))
        assert 'val_loss' in history.history
        assert any(np.abs(a - b).max() > 0 for a, b in zip(before, model.get_weights()))


def test_seed_shared_lstm_and_masked_training():
    a, b = Input((4, 3)), Input((4, 3))
    shared = LSTM(5)
    ea, eb = shared(a), shared(b)
    assert shared.get_output_at(0) is ea and shared.get_output_at(1) is eb
    model = Model([a, b], Dense(1, activation='sigmoid')(ea))
    model.compile('rmsprop', 'binary_crossentropy')
    model.fit([_x((6, 4, 3)), _x((6, 4, 3), 2)], np.ones((6, 1)), epochs=1, verbose=0)
    x = Input((4, 3))
    masked = Model(x, GRU(3, reset_after=True)(Masking(0.)(x)))
    masked.compile('sgd', 'mse')
    data = _x((6, 4, 3))
    data[:3, :2] = 0.  # pre-padding: the packed fused kernel, with gradients
    assert np.isfinite(masked.train_on_batch(data, np.ones((6, 3))))


@pytest.mark.parametrize('layer_class', [SimpleRNN, GRU, LSTM])
def test_initial_state_given_as_variables(layer_class):
    n_states = 2 if layer_class is LSTM else 1
    batch, units = 4, 3
    values = [np.random.rand(batch, units).astype('float32') for _ in range(n_states)]
    inputs = Input((5, 2))
    layer = layer_class(units)
    model = Model(inputs, layer(inputs, initial_state=[K.variable(v) for v in values]))
    x = np.random.rand(batch, 5, 2).astype('float32')
    expected = layer_class(units, weights=layer.get_weights())(
        torch.as_tensor(x), initial_state=[torch.as_tensor(v) for v in values])
    np.testing.assert_allclose(model.predict(x), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    model.compile('adam', 'mse')
    model.fit(x, np.zeros((batch, units)), epochs=1, verbose=0)


def test_custom_call_without_constants_gets_symbolic_initial_state():
    class Scaled(LSTM):
        def call(self, inputs, scale=1., mask=None, training=None, initial_state=None):
            if isinstance(inputs, list):
                inputs = [inputs[0] * scale] + inputs[1:]
            else:
                inputs = inputs * scale
            return super(Scaled, self).call(inputs, mask, training, initial_state)

    inputs = Input((3, 2))
    seq, h, c = Scaled(2, return_sequences=True, return_state=True)(inputs)
    second = Scaled(2)
    out = second(seq, scale=2., initial_state=[h, c])
    model = Model(inputs, out)
    x = np.random.rand(2, 3, 2).astype('float32')
    first = Model(inputs, [seq, h, c]).predict(x)
    plain = LSTM(2, weights=second.get_weights())
    expected = plain(torch.as_tensor(first[0] * 2.),
                     initial_state=[torch.as_tensor(first[1]), torch.as_tensor(first[2])])
    np.testing.assert_allclose(model.predict(x), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
