"""The cell loop of the built-in recurrent cells (``_rnn_ops.run_cell``, used
wherever PyTorch's fused kernel does not compute the Keras configuration):
against the generic per-step loop any cell runs on, against NumPy, against
finite differences, and under ``torch.compile``."""
import numpy as np
import pytest
import torch

from keras.engine.base_layer import Layer
from keras.engine.sequential import Sequential
from keras.layers import _rnn_ops
from keras.layers.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNNCell
from keras.layers.wrappers import Bidirectional
from tests.layers import test_recurrent as ref

CELLS = {'lstm': LSTMCell, 'gru': GRUCell, 'simple': SimpleRNNCell}


class Delegate(Layer):
    """A custom cell computing what ``cell`` computes: RNN runs it with the
    generic loop (one ``cell.call`` per step, masks applied per step)."""

    def __init__(self, cell, **kwargs):
        super(Delegate, self).__init__(**kwargs)
        self.inner = cell
        self.state_size = cell.state_size
        self.output_size = cell.output_size

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, states, training=None):
        return self.inner.call(inputs, states, training=training)


def _cell(kind, seed=0, **kwargs):
    cell = CELLS[kind](4, **kwargs)
    cell.build((None, 3))
    rng = np.random.RandomState(seed)
    cell.set_weights([rng.uniform(-.7, .7, w.shape).astype('float32')
                      for w in cell.get_weights()])
    return cell


def _run(layer, cell, x, mask, initial, training):
    cell.reset_dropout_mask()
    cell.reset_recurrent_dropout_mask()
    torch.manual_seed(7)  # the same dropout masks for both loops
    x = torch.tensor(x, requires_grad=True)
    states = None if initial is None else [torch.tensor(s, requires_grad=True)
                                           for s in initial]
    out = layer(x, mask=mask, training=training, initial_state=states)
    loss = sum(((o * (i + 2.)) ** 2).sum() for i, o in enumerate(out))
    wrt = list(cell.weights) + [x] + (states or [])
    return [o.detach() for o in out], torch.autograd.grad(loss, wrt)


CASES = [
    ('lstm', {'recurrent_activation': 'hard_sigmoid'}, 'holes', {'go_backwards': True}),
    ('lstm', {'implementation': 1, 'recurrent_dropout': .3, 'dropout': .2}, 'pre', {}),
    ('lstm', {'recurrent_activation': 'softmax', 'activation': 'relu'}, None, {}),
    ('gru', {}, 'empty_row', {'zero_output_for_mask': True}),
    ('gru', {'recurrent_dropout': .3}, 'middle_run', {'return_sequences': False}),
    ('gru', {'reset_after': True, 'recurrent_activation': 'hard_sigmoid'}, 'holes', {}),
    ('gru', {'reset_after': True, 'use_bias': False, 'implementation': 1,
             'recurrent_dropout': .3}, None, {'go_backwards': True}),
    ('simple', {'activation': 'elu', 'recurrent_dropout': .3}, 'holes', {}),
]


@pytest.mark.parametrize('kind, cell_kwargs, mask_name, rnn_kwargs', CASES)
@pytest.mark.parametrize('initial', [False, True])
def test_cell_loop_equals_generic_loop(kind, cell_kwargs, mask_name, rnn_kwargs, initial):
    cell = _cell(kind, **cell_kwargs)
    options = dict({'return_sequences': True, 'return_state': True}, **rnn_kwargs)
    fast, generic = RNN(cell, **options), RNN(Delegate(cell), **options)
    x = ref._x()
    mask = None if mask_name is None else torch.as_tensor(np.array(ref.MASKS[mask_name], bool))
    n = 2 if kind == 'lstm' else 1
    states = [ref._x((3, 4), 10 + i) for i in range(n)] if initial else None
    got, got_grads = _run(fast, cell, x, mask, states, True)
    want, want_grads = _run(generic, cell, x, mask, states, True)
    for a, b in zip(got + list(got_grads), want + list(want_grads)):
        assert torch.isfinite(a).all()
        scale = max(1., float(b.abs().max()))
        np.testing.assert_allclose(ref._np(a) / scale, ref._np(b) / scale, atol=1e-6)


def test_gate_activation_that_mixes_entries_is_applied_per_gate(monkeypatch):
    def softmax(v):
        e = np.exp(v - v.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)
    monkeypatch.setitem(ref._ACT, 'softmax', softmax)
    x = ref._x()
    for name in ('lstm', 'gru', 'gru_after'):
        layer = ref._layer(name, return_sequences=True, recurrent_activation='softmax')
        want, _ = ref.np_rnn(ref._kind(name), x, layer.get_weights(),
                             dict(ref.KINDS[name][1], recurrent_activation='softmax'))
        np.testing.assert_allclose(ref._np(layer(torch.as_tensor(x))), want, atol=2e-5)


@pytest.mark.parametrize('cls, kwargs', [
    (LSTM, {'recurrent_activation': 'hard_sigmoid'}),
    (GRU, {}),
    (GRU, {'reset_after': True, 'activation': 'relu'}),
])
def test_gradients_match_finite_differences(cls, kwargs):
    layer = cls(3, return_sequences=True, dtype='float64', **kwargs)
    layer.build((None, None, 2))
    rng = np.random.RandomState(0)
    layer.set_weights([rng.uniform(-.8, .8, w.shape) for w in layer.get_weights()])
    x = torch.tensor(rng.uniform(-1, 1, (2, 4, 2)), requires_grad=True)
    h0 = torch.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True)
    states = [h0, h0 * .5] if cls is LSTM else [h0]
    mask = torch.tensor([[1, 0, 1, 1], [0, 1, 1, 0]], dtype=torch.bool)
    assert torch.autograd.gradcheck(
        lambda x, h0: layer(x, mask=mask, initial_state=[h0, h0 * .5][:len(states)]),
        (x, h0))


def test_bidirectional_and_stateful_on_the_cell_loop():
    x = ref._x((3, 5, 3))
    mask = np.array(ref.MASKS['holes'], bool)
    layer = Bidirectional(LSTM(4, recurrent_activation='hard_sigmoid',
                               return_sequences=True), merge_mode='concat')
    out = ref._np(layer(torch.as_tensor(x), mask=torch.as_tensor(mask)))
    cfg = {'recurrent_activation': 'hard_sigmoid'}
    w = layer.get_weights()
    fw, _ = ref.np_rnn('lstm', x, w[:3], cfg, mask)
    bw, _ = ref.np_rnn('lstm', x, w[3:], cfg, mask, go_backwards=True)
    np.testing.assert_allclose(out, np.concatenate([fw, bw[:, ::-1]], -1), atol=2e-5)

    model = Sequential([GRU(4, stateful=True, return_sequences=True,
                            batch_input_shape=(3, 5, 3))])
    a, b = model.predict(x, batch_size=3), model.predict(x[:, ::-1], batch_size=3)
    want, _ = ref.np_rnn('gru', np.concatenate([x, x[:, ::-1]], 1), model.get_weights())
    np.testing.assert_allclose(np.concatenate([a, b], 1), want, atol=2e-5)


def test_loop_runner_keeps_long_loops_out_of_compiled_graphs(monkeypatch):
    assert _rnn_ops.loop_runner(_rnn_ops.run_cell, 500) is _rnn_ops.run_cell  # eager
    monkeypatch.setattr(_rnn_ops, 'compiling', lambda: True)
    monkeypatch.delenv(_rnn_ops.UNROLL_STEPS_ENV, raising=False)
    assert _rnn_ops.loop_runner(_rnn_ops.run_cell, 32) is _rnn_ops.run_cell
    eager = _rnn_ops.loop_runner(_rnn_ops.run_cell, 33)
    assert eager is not _rnn_ops.run_cell
    assert _rnn_ops.loop_runner(_rnn_ops.run_loop, 33) not in (eager, _rnn_ops.run_loop)
    assert _rnn_ops.loop_runner(_rnn_ops.run_cell, 33, unroll=True) is _rnn_ops.run_cell
    monkeypatch.setenv(_rnn_ops.UNROLL_STEPS_ENV, '100')
    assert _rnn_ops.loop_runner(_rnn_ops.run_cell, 100) is _rnn_ops.run_cell
    monkeypatch.setenv(_rnn_ops.UNROLL_STEPS_ENV, 'many')
    with pytest.raises(ValueError, match='KERAS_RNN_UNROLL_STEPS must be a whole number'):
        _rnn_ops.loop_runner(_rnn_ops.run_cell, 100)


@pytest.mark.parametrize('unroll', [False, pytest.param(True, marks=pytest.mark.slow)])
def test_compiled_equals_eager(monkeypatch, unroll):
    monkeypatch.setenv(_rnn_ops.UNROLL_STEPS_ENV, '2')  # 4 steps: eager loop unless unroll
    layer = LSTM(4, recurrent_activation='hard_sigmoid', unroll=unroll,
                 return_sequences=True)
    layer.build((None, 4, 3))
    x = torch.as_tensor(ref._x((3, 4, 3)))
    mask = torch.as_tensor(np.array(ref.MASKS['holes'], bool)[:, :4])

    def step(x):
        loss = (layer(x, mask=mask) ** 2).sum()
        return loss, torch.autograd.grad(loss, list(layer.weights))
    compiled = torch.compile(step, backend='aot_eager', dynamic=False)
    for (a, b) in zip([step(x)[0]] + list(step(x)[1]),
                      [compiled(x)[0]] + list(compiled(x)[1])):
        np.testing.assert_allclose(ref._np(a), ref._np(b), rtol=1e-6, atol=1e-6)
