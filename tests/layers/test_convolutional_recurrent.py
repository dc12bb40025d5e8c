"""keras.layers.convolutional_recurrent (ConvLSTM2D) against a NumPy ConvLSTM
(naive convolutions with TensorFlow's 'same' padding) and Keras 2.3.1's shape,
weight, state and config rules."""
import json
import warnings

import numpy as np
import pytest
import torch

from keras import backend as K
from keras.engine.input_layer import Input
from keras.engine.sequential import Sequential
from keras.engine.training import Model
from keras.layers.convolutional_recurrent import (ConvLSTM2D, ConvLSTM2DCell, ConvRecurrent2D,
                                                  ConvRNN2D)
from keras.utils.test_utils import layer_test


def _data(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype('float32')


def _np_conv2d(x, kernel, strides=(1, 1), padding='valid', dilation=(1, 1)):
    """NHWC convolution, kernel (kh, kw, in, out), TensorFlow padding rule."""
    _, rows, cols, _ = x.shape
    kh, kw = kernel.shape[:2]
    eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    if padding == 'same':
        out_r, out_c = -(-rows // strides[0]), -(-cols // strides[1])
        ph = max((out_r - 1) * strides[0] + eh - rows, 0)
        pw = max((out_c - 1) * strides[1] + ew - cols, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        out_r, out_c = (rows - eh) // strides[0] + 1, (cols - ew) // strides[1] + 1
    out = np.zeros((x.shape[0], out_r, out_c, kernel.shape[3]), 'float64')
    for i in range(out_r):
        for j in range(out_c):
            r, c = i * strides[0], j * strides[1]
            patch = x[:, r:r + eh:dilation[0], c:c + ew:dilation[1], :]
            out[:, i, j] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out


def _hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0., 1.)


def _np_conv_lstm(x, kernel, recurrent, bias, strides=(1, 1), padding='valid',
                  dilation=(1, 1), go_backwards=False, mask=None, states=None,
                  dropout_masks=None, recurrent_masks=None):
    """channels_last reference; returns (outputs per step, h, c)."""
    n = recurrent.shape[2]
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    h = c = None
    if states is not None:
        h, c = states
    outputs, out = [], None
    for t in steps:
        xt = x[:, t]
        zs = []
        for g in range(4):
            xg = xt if dropout_masks is None else xt * dropout_masks[g]
            zs.append(_np_conv2d(xg, kernel[..., g * n:(g + 1) * n], strides, padding,
                                 dilation) + bias[g * n:(g + 1) * n])
        if h is None:
            h = np.zeros(zs[0].shape)
            c = np.zeros(zs[0].shape)
            out = np.zeros(zs[0].shape)
        elif out is None:
            out = np.zeros(h.shape)
        for g in range(4):
            hg = h if recurrent_masks is None else h * recurrent_masks[g]
            zs[g] = zs[g] + _np_conv2d(hg, recurrent[..., g * n:(g + 1) * n], padding='same')
        i, f, o = _hard_sigmoid(zs[0]), _hard_sigmoid(zs[1]), _hard_sigmoid(zs[3])
        c_new = f * c + i * np.tanh(zs[2])
        h_new = o * np.tanh(c_new)
        keep = True if mask is None else mask[:, t][:, None, None, None]
        h, c = np.where(keep, h_new, h), np.where(keep, c_new, c)
        out = np.where(keep, h_new, out)
        outputs.append(out)
    return np.stack(outputs, 1), h, c


def _to_first(a):
    """channels_last (b, t, r, c, ch) or (b, r, c, ch) -> channels_first."""
    return np.moveaxis(a, -1, 2 if a.ndim == 5 else 1)


def _random_weights(layer, seed=1):
    weights = [_data(*w.shape, seed=seed + i) * 0.5 for i, w in enumerate(layer.get_weights())]
    layer.set_weights(weights)
    return weights


def test_layer_test():
    layer_test(ConvLSTM2D, kwargs={'filters': 2, 'kernel_size': (2, 2), 'padding': 'same',
                                   'return_sequences': True},
               input_shape=(2, 3, 4, 4, 2))
    layer_test(ConvLSTM2D, kwargs={'filters': 2, 'kernel_size': 3,
                                   'data_format': 'channels_first'},
               input_shape=(2, 2, 1, 5, 5))


@pytest.mark.parametrize('options', [
    dict(padding='valid'),
    dict(padding='same'),
    dict(padding='same', kernel_size=(2, 2)),
    dict(padding='same', strides=(2, 1)),
    dict(padding='valid', dilation_rate=(2, 1)),
    dict(padding='valid', go_backwards=True),
])
def test_numbers_channels_last(options):
    options = dict(options)
    kernel_size = options.pop('kernel_size', (3, 3))
    layer = ConvLSTM2D(3, kernel_size, return_sequences=True, **options)
    x = _data(2, 3, 6, 5, 2)
    out = layer(torch.from_numpy(x))
    w = _random_weights(layer)
    out = layer(torch.from_numpy(x)).detach().numpy()
    expected, _, _ = _np_conv_lstm(x, *w, strides=options.get('strides', (1, 1)),
                                   padding=options['padding'],
                                   dilation=options.get('dilation_rate', (1, 1)),
                                   go_backwards=options.get('go_backwards', False))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    assert tuple(out.shape) == (2,) + layer.compute_output_shape((None,) + x.shape[1:])[1:]


def test_numbers_channels_first_and_return_state():
    x = _data(2, 3, 5, 6, 2)
    layer = ConvLSTM2D(2, (3, 2), padding='same', data_format='channels_first',
                       return_state=True)
    inp = Input((3, 2, 5, 6))
    outputs = layer(inp)
    assert [o.shape for o in outputs] == [(None, 2, 5, 6)] * 3
    model = Model(inp, outputs)
    w = _random_weights(layer)
    got = model.predict(_to_first(x))
    seq, h, c = _np_conv_lstm(x, *w, padding='same')
    np.testing.assert_allclose(got[0], _to_first(seq[:, -1]), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[1], _to_first(h), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[2], _to_first(c), rtol=1e-4, atol=1e-5)


def test_weights_shapes_order_and_unit_forget_bias():
    layer = ConvLSTM2D(4, (3, 2), input_shape=(None, 5, 5, 3))
    model = Sequential([layer])
    kernel, recurrent, bias = model.get_weights()
    assert kernel.shape == (3, 2, 3, 16) and recurrent.shape == (3, 2, 4, 16)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    assert [w._keras_name.split('/')[-1] for w in layer.weights] == \
        ['kernel:0', 'recurrent_kernel:0', 'bias:0']
    no_bias = ConvLSTM2D(2, 3, use_bias=False)
    no_bias.build((None, 2, 5, 5, 1))
    assert len(no_bias.weights) == 2
    plain = ConvLSTM2D(2, 3, unit_forget_bias=False, bias_initializer='ones')
    plain.build((None, 2, 5, 5, 1))
    np.testing.assert_array_equal(plain.get_weights()[2], np.ones(8))


def test_mask_keeps_previous_state():
    x = _data(2, 4, 4, 4, 1)
    mask = np.array([[True, True, False, False], [True, False, True, True]])
    layer = ConvLSTM2D(2, 3, padding='same', return_sequences=True)
    layer(torch.from_numpy(x))
    w = _random_weights(layer)
    got = layer(torch.from_numpy(x), mask=torch.from_numpy(mask)).detach().numpy()
    expected, _, _ = _np_conv_lstm(x, *w, padding='same', mask=mask)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_dropout_masks_follow_keras_semantics():
    x = _data(2, 3, 4, 4, 2)
    layer = ConvLSTM2D(2, 3, padding='same', return_sequences=True, dropout=0.4,
                       recurrent_dropout=0.3)
    layer(torch.from_numpy(x))
    w = _random_weights(layer)
    test_out = layer(torch.from_numpy(x), training=False).detach().numpy()
    expected, _, _ = _np_conv_lstm(x, *w, padding='same')
    np.testing.assert_allclose(test_out, expected, rtol=1e-4, atol=1e-5)
    train_out = layer(torch.from_numpy(x), training=True).detach().numpy()
    cell = layer.cell
    dp = [m.numpy() for m in cell._dropout_mask]
    rec = [m.numpy() for m in cell._recurrent_dropout_mask]
    assert len(dp) == 4 and dp[0].shape == (2, 4, 4, 2) and rec[0].shape == (2, 4, 4, 2)
    assert set(np.unique(dp[0])) <= {0., np.float32(1. / 0.6)} and not np.array_equal(dp[0], dp[1])
    expected, _, _ = _np_conv_lstm(x, *w, padding='same', dropout_masks=dp,
                                   recurrent_masks=rec)
    np.testing.assert_allclose(train_out, expected, rtol=1e-4, atol=1e-5)


def test_initial_state_symbolic():
    x = _data(2, 3, 4, 4, 1)
    h0, c0 = _data(2, 4, 4, 2, seed=5), _data(2, 4, 4, 2, seed=6)
    inp, s1, s2 = Input((3, 4, 4, 1)), Input((4, 4, 2)), Input((4, 4, 2))
    layer = ConvLSTM2D(2, 3, padding='same', return_sequences=True)
    y = layer(inp, initial_state=[s1, s2])
    assert y.shape == (None, 3, 4, 4, 2)
    model = Model([inp, s1, s2], y)
    w = _random_weights(layer)
    expected, _, _ = _np_conv_lstm(x, *w, padding='same', states=(h0, c0))
    np.testing.assert_allclose(model.predict([x, h0, c0]), expected, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match='state_size'):
        ConvLSTM2D(3, 3, padding='same')(inp, initial_state=[s1, s2])


def test_stateful_carry_and_reset():
    x = _data(2, 2, 4, 4, 1)
    layer = ConvLSTM2D(2, 3, stateful=True, batch_input_shape=(2, 2, 4, 4, 1))
    model = Sequential([layer])
    w = _random_weights(layer)
    first = model.predict(x, batch_size=2)
    _, h, c = _np_conv_lstm(x, *w)
    np.testing.assert_allclose(first, h, rtol=1e-4, atol=1e-5)
    second = model.predict(x, batch_size=2)
    _, h2, _ = _np_conv_lstm(x, *w, states=(h, c))
    np.testing.assert_allclose(second, h2, rtol=1e-4, atol=1e-5)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-5, atol=1e-6)
    layer.reset_states([h, c])
    np.testing.assert_allclose(model.predict(x, batch_size=2), h2, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match='expected shape'):
        layer.reset_states([np.zeros((2, 4, 4, 2)), np.zeros((2, 2, 2, 2))])
    unknown = ConvLSTM2D(2, 3, stateful=True)
    with pytest.raises(ValueError, match='batch size'):
        unknown(Input((2, 4, 4, 1)))


def test_training_reduces_loss():
    x, y = _data(4, 3, 5, 5, 1), _data(4, 3, 3, 2) * 0.5
    model = Sequential([ConvLSTM2D(2, 3, input_shape=(3, 5, 5, 1))])
    model.compile('adam', 'mse')
    first = model.train_on_batch(x, y)
    for _ in range(5):
        last = model.train_on_batch(x, y)
    assert last < first


def test_config_keys_round_trip_and_tf_keras_keys():
    layer = ConvLSTM2D(3, (3, 2), padding='same', return_sequences=True,
                       kernel_regularizer='l2', activity_regularizer='l1', name='clstm')
    config = layer.get_config()
    expected_keys = {'name', 'trainable', 'dtype', 'return_sequences', 'return_state',
                     'go_backwards', 'stateful', 'unroll', 'filters', 'kernel_size', 'strides',
                     'padding', 'data_format', 'dilation_rate', 'activation',
                     'recurrent_activation', 'use_bias', 'kernel_initializer',
                     'recurrent_initializer', 'bias_initializer', 'unit_forget_bias',
                     'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
                     'activity_regularizer', 'kernel_constraint', 'recurrent_constraint',
                     'bias_constraint', 'dropout', 'recurrent_dropout'}
    assert set(config) == expected_keys
    assert config['recurrent_activation'] == 'hard_sigmoid' and config['kernel_size'] == (3, 2)
    clone = ConvLSTM2D.from_config(json.loads(json.dumps(config)))
    assert clone.get_config()['kernel_size'] == (3, 2) and clone.filters == 3
    tf_config = dict(json.loads(json.dumps(config)), time_major=False)
    assert ConvLSTM2D.from_config(tf_config).padding == 'same'
    assert layer.kernel_regularizer is layer.cell.kernel_regularizer


def test_conv_rnn2d_with_cell_and_errors():
    cell = ConvLSTM2DCell(2, 3, padding='same')
    layer = ConvRNN2D(cell, return_sequences=True)
    inp = Input((3, 4, 4, 1))
    assert layer(inp).shape == (None, 3, 4, 4, 2)
    config = layer.get_config()
    assert config['cell']['class_name'] == 'ConvLSTM2DCell'
    assert ConvRNN2D.from_config(config).cell.filters == 2
    with pytest.raises(TypeError, match='Unrolling'):
        ConvLSTM2D(2, 3, unroll=True)
    with pytest.raises(TypeError, match='stack'):
        ConvRNN2D([cell, cell])
    with pytest.raises(ValueError, match='ndim=5'):
        ConvLSTM2D(2, 3)(Input((3, 4, 4)))
    with pytest.raises(ValueError, match='padding'):
        ConvLSTM2D(2, 3, padding='causal')


def test_cell_call_one_step():
    cell = ConvLSTM2DCell(2, 3, padding='same')
    x = _data(2, 4, 4, 1)
    cell.build(x.shape)
    w = _random_weights(cell)
    h0, c0 = _data(2, 4, 4, 2, seed=3), _data(2, 4, 4, 2, seed=4)
    out, (h, c) = cell.call(torch.from_numpy(x), [torch.from_numpy(h0), torch.from_numpy(c0)])
    _, h_ref, c_ref = _np_conv_lstm(x[:, None], *w, padding='same', states=(h0, c0))
    np.testing.assert_allclose(out.detach().numpy(), h_ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c.detach().numpy(), c_ref, rtol=1e-4, atol=1e-5)


def test_keras1_arguments():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = ConvLSTM2D(nb_filter=4, nb_row=3, nb_col=2, border_mode='same',
                           inner_activation='sigmoid', dim_ordering='tf',
                           forget_bias_init='one', input_shape=(None, 5, 5, 1))
    assert any('Keras 2' in str(w.message) for w in caught)
    assert layer.filters == 4 and layer.kernel_size == (3, 2) and layer.padding == 'same'
    assert layer.get_config()['recurrent_activation'] == 'sigmoid' and layer.unit_forget_bias
    with pytest.warns(UserWarning, match="kernel_size"):
        positional = ConvLSTM2D(4, 3, 3)
    assert positional.kernel_size == (3, 3)


# ------------------------------------------------- Keras 1's ConvRecurrent2D base
class _Keras1ConvRNN(ConvRecurrent2D):
    """A Keras 1 style convolutional RNN: ``h = tanh(conv(x, W) + conv(h, U))``."""

    def build(self, input_shape):
        channels = input_shape[-1]
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, self.filters),
                                      name='kernel')
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, self.filters), name='recurrent_kernel')
        self.states = [None]
        self.built = True
        if self.stateful:
            self.reset_states()

    def step(self, inputs, states):
        x = K.conv2d(inputs, self.kernel, padding=self.padding)
        h = K.conv2d(states[0], self.recurrent_kernel, padding='same')
        output = K.tanh(x + h)
        return output, [output]


def test_keras1_conv_recurrent_base_class():
    layer = _Keras1ConvRNN(3, (3, 3), padding='same', return_sequences=True, return_state=True)
    assert (layer.strides, layer.dilation_rate, layer.data_format) == \
        ((1, 1), (1, 1), 'channels_last')
    x = Input((4, 5, 6, 2))
    out, state = layer(x)
    assert out.shape == (None, 4, 5, 6, 3) and state.shape == (None, 5, 6, 3)
    data = _data(2, 4, 5, 6, 2)
    got = Model(x, [out, state]).predict(data)
    kernel, recurrent = layer.get_weights()
    h, want = np.zeros((2, 5, 6, 3), 'float32'), []
    for t in range(4):
        h = np.tanh(_np_conv2d(data[:, t], kernel, padding='same') +
                    _np_conv2d(h, recurrent, padding='same'))
        want.append(h)
    np.testing.assert_allclose(got[0], np.stack(want, 1), atol=1e-5)
    np.testing.assert_allclose(got[1], h, atol=1e-5)
    config = layer.get_config()
    for key, value in (('filters', 3), ('kernel_size', (3, 3)), ('padding', 'same'),
                       ('return_sequences', True), ('go_backwards', False), ('stateful', False),
                       ('return_state', True), ('unroll', False)):
        assert config[key] == value, key


def test_keras1_conv_recurrent_shapes_and_states():
    valid = _Keras1ConvRNN(4, 3, strides=2, data_format='channels_first')
    assert valid.compute_output_shape((None, 7, 2, 9, 11)) == (None, 4, 4, 5)
    valid.return_sequences = True
    assert valid.compute_output_shape((None, 7, 2, 9, 11)) == (None, 7, 4, 4, 5)
    stateful = _Keras1ConvRNN(3, (3, 3), padding='same', stateful=True,
                              batch_input_shape=(2, 4, 5, 6, 2))
    model = Sequential([stateful])
    assert [tuple(s.shape) for s in stateful.states] == [(2, 5, 6, 3)]
    data = _data(2, 4, 5, 6, 2)
    first = model.predict(data, batch_size=2)
    carried = model.predict(data, batch_size=2)
    assert not np.allclose(first, carried)
    model.reset_states()
    np.testing.assert_allclose(model.predict(data, batch_size=2), first, atol=1e-6)
    with pytest.raises(ValueError, match='divided by the batch size'):
        model.predict(_data(3, 4, 5, 6, 2), batch_size=3)
    with pytest.raises(ValueError, match='ndim=5'):
        _Keras1ConvRNN(3, 3)(Input((4, 5, 2)))


def test_legacy_names_are_the_same_classes():
    from keras import layers
    from keras.legacy import layers as legacy
    from keras.layers import convolutional_recurrent
    assert legacy.ConvRecurrent2D is layers.ConvRecurrent2D is ConvRecurrent2D
    assert legacy.Recurrent is convolutional_recurrent.Recurrent is layers.Recurrent
    assert not issubclass(ConvLSTM2D, ConvRecurrent2D)  # 2.3.1's ConvLSTM2D is a ConvRNN2D
