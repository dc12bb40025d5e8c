"""Old weight layouts converted on load (keras.saving.legacy_weights), on synthetic arrays."""
import numpy as np
import pytest
import torch

from keras.saving import legacy_weights as lw


def _fake(kind, shapes, **attrs):
    """A stand-in layer of class ``kind`` whose weights have ``shapes``."""
    cls = type(kind, (object,), {})
    layer = cls()
    layer.name = kind.lower()
    layer.weights = [torch.zeros(s) for s in shapes]
    for k, v in attrs.items():
        setattr(layer, k, v)
    return layer


def _rand(*shape, seed=0):
    return np.random.RandomState(seed + len(shape)).rand(*shape).astype('float32')


def test_convert_kernel_flips_spatial_axes():
    k = np.arange(2 * 3 * 4 * 5, dtype='float32').reshape(2, 3, 4, 5)
    out = lw.convert_kernel(k)
    np.testing.assert_array_equal(out, k[::-1, ::-1, :, :])
    np.testing.assert_array_equal(lw.convert_kernel(out), k)
    with pytest.raises(ValueError, match='Invalid kernel shape'):
        lw.convert_kernel(np.zeros((2, 3)))


def test_theano_backend_kernels_flipped():
    layer = _fake('Conv2D', [(3, 3, 2, 4), (4,)], data_format='channels_last')
    k, b = _rand(3, 3, 2, 4), _rand(4)
    out = lw.preprocess_weights_for_loading(layer, [k, b], '2.2.4', 'theano')
    np.testing.assert_array_equal(out[0], k[::-1, ::-1])
    np.testing.assert_array_equal(out[1], b)
    same = lw.preprocess_weights_for_loading(layer, [k, b], '2.2.4', 'tensorflow')
    np.testing.assert_array_equal(same[0], k)


def test_theano_ordered_kernel_transposed():
    # (filters, stack, rows, cols) loaded into a (rows, cols, stack, filters) kernel
    layer = _fake('Conv2D', [(3, 2, 5, 4), (4,)], data_format='channels_last')
    old = _rand(4, 5, 3, 2)
    out = lw.preprocess_weights_for_loading(layer, [old, _rand(4)], '2.0.0', 'tensorflow')
    np.testing.assert_array_equal(out[0], np.transpose(old, (2, 3, 1, 0)))


def test_keras1_conv2d_channels_first():
    layer = _fake('Conv2D', [(3, 5, 2, 4), (4,)], data_format='channels_first')
    old = _rand(4, 2, 3, 5)
    out = lw.preprocess_weights_for_loading(layer, [old, _rand(4)], '1', None)
    np.testing.assert_array_equal(out[0], np.transpose(old, (2, 3, 1, 0)))


def test_keras1_conv2d_transpose():
    last = _fake('Conv2DTranspose', [(3, 3, 4, 2)], data_format='channels_last')
    old = _rand(3, 3, 2, 4)
    out = lw.preprocess_weights_for_loading(last, [old], '1', None)
    np.testing.assert_array_equal(out[0], np.transpose(old, (0, 1, 3, 2)))
    first = _fake('Conv2DTranspose', [(3, 5, 4, 2)], data_format='channels_first')
    old = _rand(4, 2, 3, 5)
    out = lw.preprocess_weights_for_loading(first, [old], '1', None)
    np.testing.assert_array_equal(out[0], np.transpose(old, (2, 3, 0, 1)))


def test_keras1_conv3d_channels_first():
    layer = _fake('Conv3D', [(2, 3, 4, 5, 6)], data_format='channels_first')
    old = _rand(6, 5, 2, 3, 4)
    out = lw.preprocess_weights_for_loading(layer, [old], '1', None)
    np.testing.assert_array_equal(out[0], np.transpose(old, (2, 3, 4, 1, 0)))


def test_keras1_conv1d_layouts():
    layer = _fake('Conv1D', [(3, 2, 4), (4,)], kernel_size=(3,), filters=4)
    v11 = _rand(3, 1, 2, 4)  # Keras 1.1: (length, 1, input_dim, filters)
    out = lw.preprocess_weights_for_loading(layer, [v11, _rand(4)], '1', None)
    np.testing.assert_array_equal(out[0], v11[:, 0])
    v10 = _rand(4, 2, 3, 1)  # Keras 1.0: (filters, input_dim, length, 1)
    out = lw.preprocess_weights_for_loading(layer, [v10, _rand(4)], '1', None)
    np.testing.assert_array_equal(out[0], np.transpose(v10, (2, 3, 1, 0))[:, 0])


def test_keras1_lstm_gates():
    units, dim = 3, 2
    layer = _fake('LSTM', [(dim, 4 * units), (units, 4 * units), (4 * units,)])
    gates = {}
    arrays = []
    for g in 'icfo':  # Keras 1 stored W_i, U_i, b_i, W_c, U_c, b_c, W_f, ..., b_o
        gates[g] = [_rand(dim, units, seed=ord(g)), _rand(units, units, seed=ord(g)),
                    _rand(units, seed=ord(g))]
        arrays += gates[g]
    out = lw.preprocess_weights_for_loading(layer, arrays, '1', None)
    assert len(out) == 3
    for k in range(3):
        np.testing.assert_array_equal(out[k], np.concatenate([gates[g][k] for g in 'ifco'], -1))


def test_keras1_gru_gates():
    units, dim = 3, 2
    layer = _fake('GRU', [(dim, 3 * units), (units, 3 * units), (3 * units,)], reset_after=False)
    arrays = []
    for g in range(3):  # z, r, h
        arrays += [_rand(dim, units, seed=g), _rand(units, units, seed=g), _rand(units, seed=g)]
    out = lw.preprocess_weights_for_loading(layer, arrays, '1', None)
    for k in range(3):
        np.testing.assert_array_equal(out[k], np.concatenate(arrays[k::3], -1))


def test_keras1_convlstm2d_channels_first():
    f, s = 2, 3
    layer = _fake('ConvLSTM2D', [(3, 3, s, 4 * f), (3, 3, f, 4 * f), (4 * f,)],
                  data_format='channels_first')
    arrays = []
    for g in range(4):  # i, c, f, o in the (filters, stack, rows, cols) layout
        arrays += [_rand(f, s, 3, 3, seed=g), _rand(f, f, 3, 3, seed=g), _rand(f, seed=g)]
    out = lw.preprocess_weights_for_loading(layer, arrays, '1', None)

    def merged(k):  # each gate to (rows, cols, stack, filters), then i, f, c, o
        return np.concatenate([np.transpose(arrays[3 * g + k], (2, 3, 1, 0))
                               for g in (0, 2, 1, 3)], axis=-1)
    np.testing.assert_array_equal(out[0], merged(0))
    np.testing.assert_array_equal(out[1], merged(1))
    assert out[0].shape == (3, 3, s, 4 * f) and out[1].shape == (3, 3, f, 4 * f)
    np.testing.assert_array_equal(out[2], np.concatenate(arrays[2::3][:1] + [arrays[8],
                                                         arrays[5], arrays[11]], -1))


@pytest.mark.parametrize('data_format', ['channels_first', 'channels_last'])
def test_keras1_convlstm2d_gates_already_in_rows_cols_in_out_layout(data_format):
    f, s = 5, 6
    layer = _fake('ConvLSTM2D', [(3, 3, s, 4 * f), (3, 3, f, 4 * f), (4 * f,)],
                  data_format=data_format)
    kernel, recurrent, bias = _rand(3, 3, s, 4 * f), _rand(3, 3, f, 4 * f), _rand(4 * f)
    arrays = []
    for g in (0, 2, 1, 3):  # Keras 1 stored the gates as i, c, f, o
        arrays += [w[..., g * f:(g + 1) * f] for w in (kernel, recurrent, bias)]
    out = lw.preprocess_weights_for_loading(layer, arrays, '1', None)
    for got, expected in zip(out, (kernel, recurrent, bias)):
        np.testing.assert_array_equal(got, expected)


def test_keras1_dense_embedding_batchnorm_pass_through():
    for kind, shapes in [('Dense', [(3, 2), (2,)]), ('Embedding', [(10, 4)]),
                         ('BatchNormalization', [(4,)] * 4)]:
        layer = _fake(kind, shapes)
        arrays = [_rand(*s, seed=i) for i, s in enumerate(shapes)]
        out = lw.preprocess_weights_for_loading(layer, arrays, '1', None)
        for a, b in zip(arrays, out):
            np.testing.assert_array_equal(a, b)


def _cudnn_lstm_reference(kernel, recurrent, n_gates):
    """Keras -> CuDNN per gate: input kernel transposed and laid out again in the
    same shape (C order), recurrent kernel transposed."""
    ks = [k.T.reshape(k.shape, order='C') for k in np.hsplit(kernel, n_gates)]
    rs = [r.T for r in np.hsplit(recurrent, n_gates)]
    return np.hstack(ks), np.hstack(rs)


def test_lstm_cudnn_round_trip():
    units, dim = 3, 2
    shapes = [(dim, 4 * units), (units, 4 * units)]
    lstm = _fake('LSTM', shapes + [(4 * units,)])
    cudnn = _fake('CuDNNLSTM', shapes + [(8 * units,)])
    k, r, b = _rand(dim, 4 * units), _rand(units, 4 * units), _rand(4 * units)
    to_cudnn = lw.preprocess_weights_for_loading(cudnn, [k, r, b], '2.2.4', 'tensorflow')
    np.testing.assert_allclose(to_cudnn[2], np.concatenate([b / 2, b / 2]))
    back = lw.preprocess_weights_for_loading(lstm, to_cudnn, '2.2.4', 'tensorflow')
    for a, c in zip([k, r, b], back):
        np.testing.assert_allclose(a, c, rtol=1e-6)
    ck, cr = _cudnn_lstm_reference(k, r, 4)
    np.testing.assert_array_equal(to_cudnn[0], ck)
    np.testing.assert_array_equal(to_cudnn[1], cr)
    # A CuDNN file: separate input/recurrent biases add up.
    b8 = _rand(8 * units)
    out = lw.preprocess_weights_for_loading(lstm, [k, r, b8], '2.2.4', 'tensorflow')
    np.testing.assert_allclose(out[2], b8[:4 * units] + b8[4 * units:])
    np.testing.assert_array_equal(out[1], np.hstack([x.T for x in np.hsplit(r, 4)]))
    first_gate = k[:, :units]
    np.testing.assert_array_equal(out[0][:, :units],
                                  first_gate.T.reshape(first_gate.shape, order='F'))


def test_gru_cudnn_conversions():
    units, dim = 3, 2
    shapes = [(dim, 3 * units), (units, 3 * units)]
    gru_after = _fake('GRU', shapes + [(2, 3 * units)], reset_after=True)
    gru_before = _fake('GRU', shapes + [(3 * units,)], reset_after=False)
    cudnn = _fake('CuDNNGRU', shapes + [(6 * units,)])
    k, r, b = _rand(dim, 3 * units), _rand(units, 3 * units), _rand(2, 3 * units)
    to_cudnn = lw.preprocess_weights_for_loading(cudnn, [k, r, b], '2.2.4', 'tensorflow')
    assert to_cudnn[2].shape == (6 * units,)
    back = lw.preprocess_weights_for_loading(gru_after, to_cudnn, '2.2.4', 'tensorflow')
    for a, c in zip([k, r, b], back):
        np.testing.assert_array_equal(a, c)
    with pytest.raises(ValueError, match='not compatible'):
        lw.preprocess_weights_for_loading(gru_before, to_cudnn, '2.2.4', 'tensorflow')
    with pytest.raises(ValueError, match='Invalid bias shape'):
        lw.preprocess_weights_for_loading(gru_after, [k, r, _rand(5)], '2.2.4', 'tensorflow')


def test_bidirectional_halves_converted_separately():
    units, dim = 2, 3
    shapes = [(dim, 4 * units), (units, 4 * units), (4 * units,)]
    layer = _fake('Bidirectional', [s for s in shapes] * 2,
                  forward_layer=_fake('LSTM', shapes), backward_layer=_fake('LSTM', shapes))
    fwd = [_rand(*s, seed=1) for s in shapes]
    bwd_cudnn = [_rand(dim, 4 * units, seed=2), _rand(units, 4 * units, seed=2),
                 _rand(8 * units, seed=2)]
    out = lw.preprocess_weights_for_loading(layer, fwd + bwd_cudnn, '2.2.4', 'tensorflow')
    assert len(out) == 6
    for a, c in zip(fwd, out[:3]):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_allclose(out[5], bwd_cudnn[2][:4 * units] + bwd_cudnn[2][4 * units:])


def test_time_distributed_inner_layer_converted():
    inner = _fake('Conv2D', [(3, 3, 2, 4), (4,)], data_format='channels_last')
    layer = _fake('TimeDistributed', [(3, 3, 2, 4), (4,)], layer=inner)
    k = _rand(3, 3, 2, 4)
    out = lw.preprocess_weights_for_loading(layer, [k, _rand(4)], '2.1.0', 'theano')
    np.testing.assert_array_equal(out[0], k[::-1, ::-1])


def test_nested_model_orders():
    from keras.layers import BatchNormalization, Dense
    from keras.models import Sequential
    inner = Sequential([Dense(4, input_shape=(3,), name='d_a'),
                        BatchNormalization(name='bn'), Dense(2, name='d_b')])
    by_layer = [w for layer in inner.layers for w in layer.weights]
    values = {id(w): _rand(*w.shape, seed=i) for i, w in enumerate(inner.weights)}
    names = [w._keras_name for w in by_layer]
    # tf.keras writes sublayer by sublayer; Keras 2.3.1 trainable weights first.
    out = lw.preprocess_weights_for_loading(inner, [values[id(w)] for w in by_layer],
                                            '2.21.0', 'tensorflow', weight_names=names)
    for w, v in zip(inner.weights, out):
        np.testing.assert_array_equal(v, values[id(w)])
    out = lw.preprocess_weights_for_loading(inner, [values[id(w)] for w in inner.weights],
                                            '2.3.1', 'tensorflow')
    for w, v in zip(inner.weights, out):
        np.testing.assert_array_equal(v, values[id(w)])


@pytest.mark.parametrize('pair', ['lstm', 'gru', 'bidirectional'])
def test_cudnn_files_load_into_plain_layers(tmp_path, pair):
    """A CuDNN layer's weights file gives the plain layer the same outputs (and back)."""
    from keras import layers
    from keras.models import Sequential
    make = {'lstm': (lambda: layers.CuDNNLSTM(3), lambda: layers.LSTM(3)),
            'gru': (lambda: layers.CuDNNGRU(3), lambda: layers.GRU(3, reset_after=True)),
            'bidirectional': (lambda: layers.Bidirectional(layers.CuDNNLSTM(3)),
                              lambda: layers.Bidirectional(layers.LSTM(3)))}[pair]
    x = np.random.RandomState(0).rand(2, 5, 4).astype('float32')
    for src_fn, dst_fn in (make, make[::-1]):
        src, dst = Sequential([src_fn()]), Sequential([dst_fn()])
        src.build((None, 5, 4))
        dst.build((None, 5, 4))
        rng = np.random.RandomState(1)
        src.set_weights([rng.uniform(-.5, .5, w.shape).astype('float32')
                         for w in src.get_weights()])
        path = str(tmp_path / 'w.h5')
        src.save_weights(path)
        dst.load_weights(path)
        np.testing.assert_allclose(dst.predict(x), src.predict(x), rtol=1e-5, atol=1e-6)
