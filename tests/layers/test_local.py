"""Locally-connected layers against naive NumPy loops, for the three kernel
implementations."""
import itertools
import warnings

import numpy as np
import pytest
import torch

from keras.layers import local
from keras.layers.local import LocallyConnected1D, LocallyConnected2D
from keras.utils.test_utils import layer_test


def _rand(shape, seed):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype('float32')


def _out_len(n, k, s, padding):
    return -(-n // s) if padding == 'same' else -(-(n - k + 1) // s)


def _split(x_shape, data_format):
    if data_format == 'channels_first':
        return list(x_shape[2:]), x_shape[1]
    return list(x_shape[1:-1]), x_shape[-1]


def _to_last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == 'channels_first' else x


def _finish(out_last, bias, data_format):
    """Channels-last ``(b, out..., f)`` result -> layout of ``data_format``, plus
    the bias as Keras adds it (a raw reshape for channels_first)."""
    if data_format == 'channels_first':
        out = np.moveaxis(out_last, -1, 1)
        if bias is not None:
            out = out + bias.reshape((1, bias.shape[-1]) + bias.shape[:-1])
        return out
    return out_last + (bias if bias is not None else 0.)


def _np_impl1(x, kernel, bias, ksize, strides, data_format):
    sizes, _ = _split(x.shape, data_format)
    outs = [_out_len(n, k, s, 'valid') for n, k, s in zip(sizes, ksize, strides)]
    filters = kernel.shape[-1]
    out = np.zeros((x.shape[0],) + tuple(outs) + (filters,), dtype='float64')
    for p, pos in enumerate(itertools.product(*[range(o) for o in outs])):
        window = tuple(slice(o * s, o * s + k) for o, s, k in zip(pos, strides, ksize))
        if data_format == 'channels_first':
            patch = x[(slice(None), slice(None)) + window]       # (b, c, k...)
        else:
            patch = x[(slice(None),) + window + (slice(None),)]  # (b, k..., c)
        out[(slice(None),) + pos] = patch.reshape(x.shape[0], -1) @ kernel[p]
    return _finish(out, bias, data_format)


def _connected(n, k, s, padding, o):
    """Inputs feeding output ``o`` (tf.keras conv_connected_inputs rule)."""
    left = k // 2
    center = o * s + (left if padding == 'valid' else 0)
    return range(max(0, center - left), min(n, center + k - left))


def _np_mask(sizes, ksize, strides, padding):
    outs = [_out_len(n, k, s, padding) for n, k, s in zip(sizes, ksize, strides)]
    mask = np.zeros(tuple(sizes) + tuple(outs), dtype=bool)
    for o in itertools.product(*[range(v) for v in outs]):
        ranges = [_connected(n, k, s, padding, oo)
                  for n, k, s, oo in zip(sizes, ksize, strides, o)]
        for i in itertools.product(*ranges):
            mask[i + o] = True
    return mask, outs


def _np_impl2(x, kernel, bias, ksize, strides, padding, data_format):
    sizes, channels = _split(x.shape, data_format)
    mask, outs = _np_mask(sizes, ksize, strides, padding)
    n = len(sizes)
    if data_format == 'channels_first':  # (c, in..., f, out...) -> (in..., c, out..., f)
        kernel = np.moveaxis(np.moveaxis(kernel, 0, n), n + 1, -1)
    xl = _to_last(x, data_format)
    out = np.zeros((x.shape[0],) + tuple(outs) + (kernel.shape[-1],), dtype='float64')
    for i in itertools.product(*[range(v) for v in sizes]):
        for o in itertools.product(*[range(v) for v in outs]):
            if mask[i + o]:
                out[(slice(None),) + o] += xl[(slice(None),) + i] @ kernel[i + (slice(None),) + o]
    return _finish(out, bias, data_format)


def _np_impl3_indices(sizes, channels, outs, filters, ksize, strides, padding, data_format):
    idxs = []
    mask, _ = _np_mask(sizes, ksize, strides, padding)
    for o in itertools.product(*[range(v) for v in outs]):
        for i in itertools.product(*[range(v) for v in sizes]):
            if not mask[i + o]:
                continue
            for c in range(channels):
                for f in range(filters):
                    if data_format == 'channels_first':
                        oi = np.ravel_multi_index((f,) + o, (filters,) + tuple(outs))
                        ii = np.ravel_multi_index((c,) + i, (channels,) + tuple(sizes))
                    else:
                        oi = np.ravel_multi_index(o + (f,), tuple(outs) + (filters,))
                        ii = np.ravel_multi_index(i + (c,), tuple(sizes) + (channels,))
                    idxs.append((int(oi), int(ii)))
    return sorted(idxs)


def _np_impl3(x, kernel, bias, ksize, strides, padding, data_format, filters):
    sizes, channels = _split(x.shape, data_format)
    outs = [_out_len(n, k, s, padding) for n, k, s in zip(sizes, ksize, strides)]
    idxs = _np_impl3_indices(sizes, channels, outs, filters, ksize, strides, padding,
                             data_format)
    dense = np.zeros((filters * int(np.prod(outs)), channels * int(np.prod(sizes))))
    for value, (oi, ii) in zip(kernel, idxs):
        dense[oi, ii] = value
    flat = x.reshape(x.shape[0], -1) @ dense.T
    if data_format == 'channels_first':
        out_last = np.moveaxis(flat.reshape((x.shape[0], filters) + tuple(outs)), 1, -1)
    else:
        out_last = flat.reshape((x.shape[0],) + tuple(outs) + (filters,))
    return _finish(out_last, bias, data_format)


CASES = [  # (cls, input shape, kernel_size, strides, data_format)
    (LocallyConnected1D, (2, 7, 3), (3,), (1,), 'channels_last'),
    (LocallyConnected1D, (2, 8, 2), (2,), (3,), 'channels_last'),
    (LocallyConnected1D, (2, 3, 7), (3,), (2,), 'channels_first'),
    (LocallyConnected2D, (2, 5, 6, 3), (2, 3), (1, 2), 'channels_last'),
    (LocallyConnected2D, (2, 3, 5, 4), (3, 2), (2, 1), 'channels_first'),
]


def _layer(cls, ksize, strides, data_format, **kwargs):
    return cls(4, ksize, strides=strides, data_format=data_format, **kwargs)


def _set_random(layer, x_shape, seed=1):
    layer.build(x_shape)
    weights = [_rand(w.shape, seed + i) for i, w in enumerate(layer.weights)]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize('cls, shape, ksize, strides, data_format', CASES)
def test_implementation_1_numbers(cls, shape, ksize, strides, data_format):
    x = _rand(shape, 0)
    layer = _layer(cls, ksize, strides, data_format)
    kernel, bias = _set_random(layer, shape)
    sizes, channels = _split(shape, data_format)
    outs = [_out_len(n, k, s, 'valid') for n, k, s in zip(sizes, ksize, strides)]
    assert kernel.shape == (int(np.prod(outs)), int(np.prod(ksize)) * channels, 4)
    out = layer(torch.from_numpy(x)).detach().numpy()
    expected = _np_impl1(x, kernel, bias, ksize, strides, data_format)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('padding', ['valid', 'same'])
@pytest.mark.parametrize('cls, shape, ksize, strides, data_format', CASES)
def test_implementations_2_and_3_numbers(cls, shape, ksize, strides, data_format, padding):
    x = _rand(shape, 0)
    layer2 = _layer(cls, ksize, strides, data_format, implementation=2, padding=padding)
    kernel2, bias2 = _set_random(layer2, shape)
    out2 = layer2(torch.from_numpy(x)).detach().numpy()
    expected2 = _np_impl2(x, kernel2, bias2, ksize, strides, padding, data_format)
    np.testing.assert_allclose(out2, expected2, rtol=1e-5, atol=1e-5)
    layer3 = _layer(cls, ksize, strides, data_format, implementation=3, padding=padding)
    kernel3, bias3 = _set_random(layer3, shape)
    assert kernel3.ndim == 1
    out3 = layer3(torch.from_numpy(x)).detach().numpy()
    expected3 = _np_impl3(x, kernel3, bias3, ksize, strides, padding, data_format, 4)
    np.testing.assert_allclose(out3, expected3, rtol=1e-5, atol=1e-5)


def _impl1_to_impl2(kernel1, shape, ksize, strides, data_format, filters):
    """Place each position's patch weights into the dense (in..., c, out..., f) kernel."""
    sizes, channels = _split(shape, data_format)
    outs = [_out_len(n, k, s, 'valid') for n, k, s in zip(sizes, ksize, strides)]
    dense = np.zeros(tuple(sizes) + (channels,) + tuple(outs) + (filters,), dtype='float32')
    for p, o in enumerate(itertools.product(*[range(v) for v in outs])):
        if data_format == 'channels_first':
            w = kernel1[p].reshape((channels,) + tuple(ksize) + (filters,))
            w = np.moveaxis(w, 0, len(ksize))  # -> (k..., c, f)
        else:
            w = kernel1[p].reshape(tuple(ksize) + (channels, filters))
        for offset in itertools.product(*[range(k) for k in ksize]):
            i = tuple(oo * s + d for oo, s, d in zip(o, strides, offset))
            dense[i + (slice(None),) + o + (slice(None),)] = w[offset]
    if data_format == 'channels_first':  # -> (c, in..., f, out...)
        n = len(sizes)
        dense = np.moveaxis(np.moveaxis(dense, n, 0), -1, n + 1)
    return dense


@pytest.mark.parametrize('cls, shape, ksize, strides, data_format', CASES)
def test_three_implementations_compute_the_same_function(cls, shape, ksize, strides,
                                                         data_format):
    x = torch.from_numpy(_rand(shape, 0))
    layer1 = _layer(cls, ksize, strides, data_format)
    kernel1, bias = _set_random(layer1, shape)
    layer2 = _layer(cls, ksize, strides, data_format, implementation=2)
    layer2.build(shape)
    dense = _impl1_to_impl2(kernel1, shape, ksize, strides, data_format, 4)
    layer2.set_weights([dense, bias])
    layer3 = _layer(cls, ksize, strides, data_format, implementation=3)
    layer3.build(shape)
    in_size = int(np.prod(shape[1:]))
    matrix = dense.reshape(in_size, -1).T  # (out, in)
    values = np.array([matrix[o, i] for o, i in layer3.kernel_idxs], dtype='float32')
    layer3.set_weights([values, bias])
    out1 = layer1(x).detach().numpy()
    np.testing.assert_allclose(layer2(x).detach().numpy(), out1, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer3(x).detach().numpy(), out1, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('cls, kwargs, shape', [
    (LocallyConnected1D, {'filters': 3, 'kernel_size': 2}, (2, 5, 3)),
    (LocallyConnected1D, {'filters': 3, 'kernel_size': 2, 'implementation': 3,
                          'padding': 'same', 'activation': 'relu'}, (2, 5, 3)),
    (LocallyConnected2D, {'filters': 3, 'kernel_size': (2, 2), 'strides': 2}, (2, 5, 4, 2)),
    (LocallyConnected2D, {'filters': 2, 'kernel_size': 3, 'data_format': 'channels_first',
                          'implementation': 2, 'use_bias': False}, (2, 2, 4, 5)),
])
def test_layer_test(cls, kwargs, shape):
    layer_test(cls, kwargs=kwargs, input_shape=shape)


def test_kernel_shapes_of_implementations_2():
    l1 = LocallyConnected1D(4, 2, implementation=2)
    l1.build((None, 5, 3))
    assert tuple(l1.kernel.shape) == (5, 3, 4, 4)
    l2 = LocallyConnected2D(4, 2, implementation=2, data_format='channels_first')
    l2.build((None, 3, 5, 6))
    assert tuple(l2.kernel.shape) == (3, 5, 6, 4, 4, 5)
    assert tuple(l2.bias.shape) == (4, 5, 4)
    assert (l2.output_row, l2.output_col) == (4, 5)


def test_configs():
    config = LocallyConnected1D(4, 3, name='lc').get_config()
    assert sorted(config) == sorted([
        'name', 'trainable', 'dtype', 'filters', 'kernel_size', 'strides', 'padding',
        'activation', 'use_bias', 'kernel_initializer', 'bias_initializer',
        'kernel_regularizer', 'bias_regularizer', 'activity_regularizer',
        'kernel_constraint', 'bias_constraint'])
    assert config['kernel_size'] == (3,) and config['strides'] == (1,)
    config2 = LocallyConnected2D(4, 3, implementation=2).get_config()
    assert config2['data_format'] == 'channels_last' and config2['implementation'] == 2
    assert 'implementation' not in LocallyConnected2D(4, 3).get_config()
    again = LocallyConnected2D.from_config(config2)
    assert again.implementation == 2 and again.kernel_size == (3, 3)


def test_errors():
    with pytest.raises(ValueError, match='only "valid"'):
        LocallyConnected2D(2, 3, padding='same')
    with pytest.raises(ValueError, match='implementation'):
        LocallyConnected1D(2, 3, implementation=4)
    with pytest.raises(ValueError, match='fully-defined'):
        LocallyConnected2D(2, 3).build((None, None, 4, 3))
    with pytest.raises(ValueError, match='<= 0'):
        LocallyConnected1D(2, 5).build((None, 3, 2))


def test_keras1_arguments():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        l2 = LocallyConnected2D(8, 3, 3, border_mode='valid', subsample=(2, 2),
                                dim_ordering='th')
        l1 = LocallyConnected1D(nb_filter=4, filter_length=3, subsample_length=2,
                                input_dim=5, input_length=9)
    assert len(caught) == 2
    assert l2.kernel_size == (3, 3) and l2.strides == (2, 2)
    assert l2.data_format == 'channels_first'
    assert (l1.filters, l1.kernel_size, l1.strides) == (4, (3,), (2,))
    assert l1.batch_input_shape == (None, 9, 5)
    with pytest.raises(ValueError, match='positional'):
        LocallyConnected2D(8, 3, 3, strides=2)


def test_module_exports():
    assert local.__all__ == ['LocallyConnected1D', 'LocallyConnected2D']
