"""keras.layers.wrappers (TimeDistributed, Bidirectional) against NumPy
references and Keras 2.3.1's shape, mask, weight-order and config rules."""
import json

import numpy as np
import pytest
import torch

from keras import layers
from keras.engine.base_layer import collect_call_losses
from keras.engine.input_layer import Input
from keras.engine.sequential import Sequential
from keras.engine.training import Model
from keras.layers.wrappers import Bidirectional, TimeDistributed
from keras.utils.test_utils import layer_test


def _data(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype('float32')


def _relu(x):
    return np.maximum(x, 0)


# ------------------------------------------------------------- TimeDistributed
def test_time_distributed_layer_test():
    layer_test(TimeDistributed, kwargs={'layer': layers.Dense(2)}, input_shape=(3, 4, 5))
    layer_test(TimeDistributed, kwargs={'layer': layers.Dense(2, activation='relu')},
               input_shape=(2, 3, 4, 5))


def test_time_distributed_dense_numbers():
    x = _data(3, 4, 5)
    td = TimeDistributed(layers.Dense(2), input_shape=(4, 5))
    model = Sequential([td])
    kernel, bias = model.get_weights()
    assert kernel.shape == (5, 2) and bias.shape == (2,)
    np.testing.assert_allclose(model.predict(x), x @ kernel + bias, rtol=1e-5, atol=1e-6)
    assert model.output_shape == (None, 4, 2)


def test_time_distributed_conv2d_and_unknown_steps():
    x = _data(2, 3, 5, 5, 1)
    conv = layers.Conv2D(2, (1, 1), use_bias=False)
    inp = Input((None, 5, 5, 1))
    y = TimeDistributed(conv)(inp)
    assert y.shape == (None, None, 5, 5, 2)
    out = Model(inp, y).predict(x)
    kernel = conv.get_weights()[0][0, 0]
    np.testing.assert_allclose(out, x @ kernel, rtol=1e-5, atol=1e-6)


def test_time_distributed_whole_model_seed():
    inputs = Input(shape=(784,))
    model = Model(inputs, layers.Dense(10, activation='softmax')(inputs))
    sequences = Input(shape=(20, 784))
    processed = TimeDistributed(model)(sequences)
    assert processed.shape == (None, 20, 10)
    outer = Model(sequences, processed)
    x = _data(2, 20, 784)
    w, b = model.get_weights()
    logits = x @ w + b
    expected = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    np.testing.assert_allclose(outer.predict(x), expected, rtol=1e-4, atol=1e-6)
    outer.compile('sgd', 'categorical_crossentropy')
    outer.fit(x, expected, verbose=0)


def test_time_distributed_sequential_inner_and_tf_keras_config():
    inner = Sequential([layers.Dense(6, activation='relu', input_shape=(3,)), layers.Dense(2)],
                       name='inner_td')
    inp = Input((5, 3))
    model = Model(inp, TimeDistributed(inner)(inp))
    w1, b1, w2, b2 = model.get_weights()
    x = _data(4, 5, 3)
    expected = _relu(x @ w1 + b1) @ w2 + b2
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-5, atol=1e-6)
    config = model.layers[1].get_config()
    assert config['layer']['class_name'] == 'Sequential'
    assert config['layer']['config']['name'] == 'inner_td'
    # tf.keras adds 'module' / 'registered_name' to the nested layer dict
    tf_style = json.loads(json.dumps(config))
    tf_style['layer'] = dict(tf_style['layer'], module='keras', registered_name=None)
    clone = TimeDistributed.from_config(tf_style)
    assert tf_style['layer']['class_name'] == 'Sequential'  # caller's dict left alone
    clone_model = Model(inp, clone(inp))
    clone_model.set_weights(model.get_weights())
    np.testing.assert_allclose(clone_model.predict(x), expected, rtol=1e-5, atol=1e-6)
    recovered = Model.from_config(model.get_config())
    recovered.set_weights(model.get_weights())
    np.testing.assert_allclose(recovered.predict(x), expected, rtol=1e-5, atol=1e-6)


def test_time_distributed_weights_and_trainable():
    dense = layers.Dense(3)
    td = TimeDistributed(dense)
    td.build((None, 4, 2))
    assert [tuple(w.shape) for w in td.weights] == [(2, 3), (3,)]
    td.trainable = False
    assert not dense.trainable and td.trainable_weights == [] and len(td.weights) == 2
    frozen = layers.Dense(3)
    frozen.trainable = False
    td2 = TimeDistributed(frozen)
    td2.build((None, 4, 2))
    assert td2.trainable_weights == [] and len(td2.non_trainable_weights) == 2
    td3 = TimeDistributed(layers.Dense(3), trainable=False)
    assert not td3.layer.trainable


def test_time_distributed_needs_rank_3():
    with pytest.raises(ValueError, match='rank >= 3'):
        TimeDistributed(layers.Dense(2))(Input((4,)))
    with pytest.raises(ValueError, match='Keras layer'):
        TimeDistributed('dense')


def test_time_distributed_training_flag_reaches_dropout():
    td = TimeDistributed(layers.Dropout(0.5))
    x = torch.ones(4, 3, 50)
    np.testing.assert_array_equal(td(x, training=False).numpy(), x.numpy())
    out = td(x, training=True).numpy()
    assert set(np.unique(out)) <= {0., 2.} and (out == 0).any()


def test_time_distributed_activity_regularizer_counted_once():
    dense = layers.Dense(2, activity_regularizer='l1', kernel_initializer='ones')
    td = TimeDistributed(dense)
    x = torch.ones(2, 3, 4)
    with collect_call_losses() as losses:
        y = td(x)
    assert len(losses) == 1
    np.testing.assert_allclose(float(losses[0].detach()), 0.01 * np.abs(y.detach().numpy()).sum(),
                               rtol=1e-6)


def test_time_distributed_mask_passes_through_dense():
    inp = Input((4,))
    emb = layers.Embedding(10, 3, mask_zero=True)(inp)
    y = TimeDistributed(layers.Dense(2))(emb)
    assert y._keras_mask is not None and y._keras_mask.shape == (None, 4)
    td = TimeDistributed(layers.Dense(2))
    x = torch.zeros(2, 4, 3)
    mask = torch.tensor([[True, False, True, True], [False, False, True, True]])
    np.testing.assert_array_equal(td.compute_mask(x, mask).numpy(), mask.numpy())
    assert td.compute_mask(x, None) is None


def test_time_distributed_mask_reduced_and_inner_masks():
    x = np.zeros((2, 3, 4, 2), dtype='float32')
    x[0, 1, 2] = 1.
    x[1, 0, :] = 1.
    td = TimeDistributed(layers.Masking())
    inner_mask = td.compute_mask(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(inner_mask, np.any(x != 0, axis=-1))
    # inner layer gives no mask, input mask 3D: reduced with any() to (batch, time)
    flat_td = TimeDistributed(layers.Flatten())
    mask = torch.from_numpy(np.any(x != 0, axis=-1))
    with pytest.raises(TypeError, match='does not support masking'):
        flat_td.compute_mask(torch.from_numpy(x), mask)
    dense_td = TimeDistributed(layers.Dense(2))
    out = dense_td.compute_mask(torch.from_numpy(x), mask).numpy()
    np.testing.assert_array_equal(out, np.any(x != 0, axis=-1))
    pool_td = TimeDistributed(layers.GlobalAveragePooling1D())
    out = pool_td.compute_mask(torch.from_numpy(x), mask).numpy()
    np.testing.assert_array_equal(out, np.any(x != 0, axis=(2, 3)))
    # the mask reaches the inner layer's call: masked average over the inner steps
    y = pool_td(torch.from_numpy(x), mask=mask).numpy()
    m = mask.numpy()[..., None].astype('float32')
    with np.errstate(invalid='ignore'):
        expected = (x * m).sum(2) / m.sum(2)  # all-masked steps give NaN, as in Keras
    np.testing.assert_allclose(y, expected, rtol=1e-6)


# --------------------------------------------------------------- Bidirectional
def _sigmoid(x):
    return 1. / (1. + np.exp(-x))


def _np_lstm(x, kernel, recurrent, bias, mask=None, h=None, c=None):
    """Keras LSTM (sigmoid gates, i f c o); masked steps keep state and output.
    Returns (outputs per step, h, c)."""
    batch, steps, _ = x.shape
    u = recurrent.shape[0]
    h = np.zeros((batch, u), 'float32') if h is None else h
    c = np.zeros((batch, u), 'float32') if c is None else c
    out = np.zeros((batch, u), 'float32')
    outputs = []
    for t in range(steps):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f = _sigmoid(z[:, :u]), _sigmoid(z[:, u:2 * u])
        c_new = f * c + i * np.tanh(z[:, 2 * u:3 * u])
        h_new = _sigmoid(z[:, 3 * u:]) * np.tanh(c_new)
        keep = np.ones((batch, 1), bool) if mask is None else mask[:, t:t + 1]
        h, c = np.where(keep, h_new, h), np.where(keep, c_new, c)
        out = np.where(keep, h_new, out)
        outputs.append(out)
    return np.stack(outputs, 1), h, c


def _bidir_reference(x, weights, mask=None):
    fw, bw = weights[:3], weights[3:]
    seq_f, hf, cf = _np_lstm(x, *fw, mask=mask)
    rev_mask = None if mask is None else mask[:, ::-1]
    seq_b, hb, cb = _np_lstm(x[:, ::-1], *bw, mask=rev_mask)
    return seq_f, seq_b[:, ::-1], (hf, cf, hb, cb)


@pytest.mark.parametrize('mode', ['concat', 'sum', 'mul', 'ave'])
def test_bidirectional_layer_test(mode):
    layer_test(Bidirectional, kwargs={'layer': layers.LSTM(3), 'merge_mode': mode},
               input_shape=(2, 4, 3))


@pytest.mark.parametrize('mode, merge', [
    ('concat', lambda a, b: np.concatenate([a, b], -1)), ('sum', lambda a, b: a + b),
    ('mul', lambda a, b: a * b), ('ave', lambda a, b: (a + b) / 2)])
def test_bidirectional_lstm_numbers(mode, merge):
    x = _data(3, 5, 4)
    seq = Sequential([Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=mode,
                                    input_shape=(5, 4))])
    fwd, bwd, _ = _bidir_reference(x, seq.get_weights())
    np.testing.assert_allclose(seq.predict(x), merge(fwd, bwd), rtol=1e-4, atol=1e-5)
    last = Sequential([Bidirectional(layers.LSTM(3), merge_mode=mode, input_shape=(5, 4))])
    fwd, bwd, _ = _bidir_reference(x, last.get_weights())
    # the backward layer's last output is its state after reading the sequence reversed
    np.testing.assert_allclose(last.predict(x), merge(fwd[:, -1], bwd[:, 0]), rtol=1e-4,
                               atol=1e-5)


def test_bidirectional_merge_none_returns_two_outputs():
    inp = Input((4, 2))
    outs = Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=None)(inp)
    assert isinstance(outs, list) and [o.shape for o in outs] == [(None, 4, 3)] * 2
    model = Model(inp, outs)
    x = _data(2, 4, 2)
    fwd, bwd, _ = _bidir_reference(x, model.get_weights())
    got = model.predict(x)
    np.testing.assert_allclose(got[0], fwd, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[1], bwd, rtol=1e-4, atol=1e-5)


def test_bidirectional_weights_order_names_and_initial_weights():
    layer = Bidirectional(layers.LSTM(2, name='enc'), name='bi')
    layer.build((None, 3, 4))
    names = [w._keras_name for w in layer.weights]
    assert names == ['bi/forward_enc/kernel:0', 'bi/forward_enc/recurrent_kernel:0',
                     'bi/forward_enc/bias:0', 'bi/backward_enc/kernel:0',
                     'bi/backward_enc/recurrent_kernel:0', 'bi/backward_enc/bias:0']
    assert layer.forward_layer.name == 'forward_enc' and layer.backward_layer.go_backwards
    assert not layer.forward_layer.go_backwards
    given = [np.full(w.shape, i, 'float32') for i, w in enumerate(layer.get_weights())]
    seeded = Bidirectional(layers.LSTM(2), weights=given, input_shape=(3, 4))
    model = Sequential([seeded])
    for a, b in zip(model.get_weights(), given):
        np.testing.assert_array_equal(a, b)


def test_bidirectional_return_state_and_initial_state():
    x = _data(2, 4, 3)
    inp = Input((4, 3))
    outputs = Bidirectional(layers.LSTM(2, return_state=True))(inp)
    assert len(outputs) == 5 and outputs[0].shape == (None, 4)
    assert [o.shape for o in outputs[1:]] == [(None, 2)] * 4
    model = Model(inp, outputs)
    got = model.predict(x)
    fwd, bwd, states = _bidir_reference(x, model.get_weights())
    np.testing.assert_allclose(got[0], np.concatenate([fwd[:, -1], bwd[:, 0]], -1),
                               rtol=1e-4, atol=1e-5)
    for value, expected in zip(got[1:], states):
        np.testing.assert_allclose(value, expected, rtol=1e-4, atol=1e-5)
    # feed those states back in as symbolic initial states
    state_inputs = [Input((2,)) for _ in range(4)]
    layer = Bidirectional(layers.LSTM(2, return_sequences=True))
    y = layer(inp, initial_state=state_inputs)
    assert y.shape == (None, 4, 4)
    model2 = Model([inp] + state_inputs, y)
    init = [_data(2, 2, seed=s) for s in range(4)]
    w = model2.get_weights()
    seq_f, _, _ = _np_lstm(x, *w[:3], h=init[0], c=init[1])
    seq_b, _, _ = _np_lstm(x[:, ::-1], *w[3:], h=init[2], c=init[3])
    np.testing.assert_allclose(model2.predict([x] + init),
                               np.concatenate([seq_f, seq_b[:, ::-1]], -1), rtol=1e-4,
                               atol=1e-5)
    clone = Model.from_config(model2.get_config())
    clone.set_weights(w)
    np.testing.assert_allclose(clone.predict([x] + init), model2.predict([x] + init),
                               rtol=1e-6)
    with pytest.raises(ValueError, match='even number'):
        Bidirectional(layers.LSTM(2))(inp, initial_state=state_inputs[:3])


def test_bidirectional_masks():
    ids = np.array([[3, 1, 2, 0, 0], [4, 4, 0, 0, 0]])
    inp = Input((5,))
    emb = layers.Embedding(6, 3, mask_zero=True)(inp)
    seq = Bidirectional(layers.LSTM(2, return_sequences=True))(emb)
    assert seq._keras_mask is not None and seq._keras_mask.shape == (None, 5)
    last = Bidirectional(layers.LSTM(2))(emb)
    assert last._keras_mask is None
    split = Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=None)(emb)
    assert all(s._keras_mask is not None for s in split)
    model = Model(inp, [seq, last])
    weights = model.get_weights()
    vectors = weights[0][ids]
    mask = ids != 0
    got_seq, got_last = model.predict(ids)
    fwd, bwd, _ = _bidir_reference(vectors, weights[1:7], mask=mask)
    np.testing.assert_allclose(got_seq, np.concatenate([fwd, bwd], -1), rtol=1e-4, atol=1e-5)
    fwd, bwd, (hf, _, hb, _) = _bidir_reference(vectors, weights[7:13], mask=mask)
    np.testing.assert_allclose(got_last, np.concatenate([hf, hb], -1), rtol=1e-4, atol=1e-5)


def test_bidirectional_config_round_trip_and_backward_layer():
    layer = Bidirectional(layers.LSTM(3, return_sequences=True, name='enc'), merge_mode='sum')
    config = layer.get_config()
    assert sorted(config) == ['dtype', 'layer', 'merge_mode', 'name', 'trainable']
    assert config['layer']['config']['name'] == 'enc'
    clone = Bidirectional.from_config(config)
    assert clone.merge_mode == 'sum' and clone.forward_layer.name == 'forward_enc'
    backward = layers.GRU(3, go_backwards=True, return_sequences=True, name='back')
    mixed = Bidirectional(layers.LSTM(3, return_sequences=True), backward_layer=backward)
    config = mixed.get_config()
    assert config['backward_layer']['class_name'] == 'GRU'
    again = Bidirectional.from_config(json.loads(json.dumps(config)))
    assert isinstance(again.backward_layer, layers.GRU)
    assert again.backward_layer.name == 'backward_back'
    inp = Input((4, 2))
    model = Model(inp, again(inp))
    assert model.output_shape == (None, 4, 6)
    assert [w.shape for w in model.get_weights()][3:] == [(2, 9), (3, 9), (9,)]


def test_bidirectional_argument_errors():
    with pytest.raises(ValueError, match='merge mode'):
        Bidirectional(layers.LSTM(2), merge_mode='max')
    with pytest.raises(ValueError, match='recurrent layer'):
        Bidirectional(layers.Dense(2))
    with pytest.raises(ValueError, match='go_backwards'):
        Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match='return_sequences'):
        Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True,
                                                                 return_sequences=True))


def test_bidirectional_stateful_and_reset():
    model = Sequential([Bidirectional(layers.LSTM(2, stateful=True, return_sequences=True),
                                      batch_input_shape=(2, 3, 4))])
    x = _data(2, 3, 4)
    first = model.predict(x, batch_size=2)
    second = model.predict(x, batch_size=2)
    assert not np.allclose(first, second)
    w = model.get_weights()
    # forward direction continues from the carried state
    _, hf, cf = _np_lstm(x, *w[:3])
    seq_f, _, _ = _np_lstm(x, *w[:3], h=hf, c=cf)
    np.testing.assert_allclose(second[..., :2], seq_f, rtol=1e-4, atol=1e-5)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-6)
    assert model.layers[0].stateful and len(model.layers[0].states) == 4


def test_bidirectional_trainable_and_training():
    layer = Bidirectional(layers.LSTM(2))
    layer.build((None, 3, 2))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 6
    assert not layer.forward_layer.trainable and not layer.backward_layer.trainable
    frozen = Bidirectional(layers.LSTM(2), trainable=False)
    assert not frozen.forward_layer.trainable
    model = Sequential([Bidirectional(layers.LSTM(4, return_sequences=True),
                                      input_shape=(5, 3)),
                        Bidirectional(layers.LSTM(4)), layers.Dense(2)])
    assert model.output_shape == (None, 2)
    model.compile('rmsprop', 'mse')
    before = [w.copy() for w in model.get_weights()]
    model.fit(_data(8, 5, 3), _data(8, 2), verbose=0)
    assert not np.allclose(before[0], model.get_weights()[0])


class _ConstantCell(layers.Layer):
    """h = tanh(x K + h + constant): a Keras 2 custom cell taking constants."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super(_ConstantCell, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name='kernel', shape=(input_shape[0][-1], self.units))
        self.built = True

    def call(self, inputs, states, constants=None):
        h = torch.tanh(inputs @ self.kernel + states[0] + constants[0])
        return h, [h]

    def get_config(self):
        config = super(_ConstantCell, self).get_config()
        config['units'] = self.units
        return config


def test_bidirectional_constants_and_inner_input_shape():
    from keras.utils.generic_utils import CustomObjectScope
    x, const = Input((3, 2)), Input((2,))
    with CustomObjectScope({'_ConstantCell': _ConstantCell}):
        layer = Bidirectional(layers.RNN(_ConstantCell(2)), merge_mode='sum')
        model = Model([x, const], layer(x, constants=const))
        assert layer.get_config()['num_constants'] == 1
        data = [_data(2, 3, 2), _data(2, 2, seed=1)]
        kf, kb = model.get_weights()
        expected = 0.
        for kernel, seq in ((kf, data[0]), (kb, data[0][:, ::-1])):
            h = np.zeros((2, 2))
            for t in range(3):
                h = np.tanh(seq[:, t] @ kernel + h + data[1])
            expected = expected + h
        np.testing.assert_allclose(model.predict(data), expected, rtol=1e-5, atol=1e-6)
        clone = Model.from_config(model.get_config())
        clone.set_weights(model.get_weights())
        np.testing.assert_allclose(clone.predict(data), expected, rtol=1e-5, atol=1e-6)
    model = Sequential([Bidirectional(layers.LSTM(2, input_shape=(3, 4)))])
    assert model.output_shape == (None, 4)


def test_time_distributed_records_its_inner_input_per_call():
    from keras import backend as K
    from keras.utils.generic_utils import object_list_uid
    inputs = Input((5, 2))
    wrapper = TimeDistributed(layers.Dense(3))
    wrapper(inputs)
    uid = object_list_uid(inputs)
    assert list(wrapper._input_map) == [uid]
    inner = wrapper._input_map[uid]
    assert K.int_shape(inner) == (None, 2)
    x = np.random.rand(4, 5, 2).astype('float32')
    np.testing.assert_allclose(K.function([inputs], [inner])([x])[0], x.reshape(20, 2))
