import itertools

import numpy as np
import pytest

from keras import backend as K

RNG = np.random.RandomState(3)


def _close(a, b):
    np.testing.assert_allclose(K.eval(a), b, rtol=1e-4, atol=1e-5)


def _tf_same_pads(sizes, kernel, strides, dilation):
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        out = -(-n // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def np_conv(x, kernel, strides, padding, dilation):
    """Channels_last N-D convolution, looping over kernel offsets."""
    nd = x.ndim - 2
    k = kernel.shape[:nd]
    if padding == 'same':
        pads = _tf_same_pads(x.shape[1:-1], k, strides, dilation)
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    outs = [(n - (kk - 1) * d - 1) // s + 1
            for n, kk, s, d in zip(x.shape[1:-1], k, strides, dilation)]
    result = np.zeros((x.shape[0],) + tuple(outs) + (kernel.shape[-1],))
    for offset in itertools.product(*[range(kk) for kk in k]):
        index = [slice(None)]
        for o, n, s, d in zip(offset, outs, strides, dilation):
            index.append(slice(o * d, o * d + (n - 1) * s + 1, s))
        result += np.tensordot(x[tuple(index)], kernel[offset], axes=([-1], [0]))
    return result


def np_pool(x, pool, strides, padding, mode):
    nd = x.ndim - 2
    x = x.astype('float64')
    if padding == 'same':
        pads = _tf_same_pads(x.shape[1:-1], pool, strides, (1,) * nd)
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=np.nan)
    outs = [(n - p) // s + 1 for n, p, s in zip(x.shape[1:-1], pool, strides)]
    result = np.zeros((x.shape[0],) + tuple(outs) + (x.shape[-1],))
    for pos in itertools.product(*[range(n) for n in outs]):
        window = x[(slice(None),) + tuple(slice(p * s, p * s + q)
                                          for p, s, q in zip(pos, strides, pool))]
        flat = window.reshape(x.shape[0], -1, x.shape[-1])
        fn = np.nanmax if mode == 'max' else np.nanmean
        result[(slice(None),) + pos] = fn(flat, axis=1)
    return result


def test_same_padding_puts_the_extra_entry_at_the_end():
    x = np.arange(1., 6.).reshape(1, 5, 1).astype('f')
    k = np.ones((2, 1, 1), 'f')
    _close(K.conv1d(x, k, strides=2, padding='same'), np.array([3., 7., 5.]).reshape(1, 3, 1))


@pytest.mark.parametrize('padding', ['valid', 'same'])
@pytest.mark.parametrize('strides,dilation', [(1, 1), (2, 1), (1, 2)])
def test_conv1d(padding, strides, dilation):
    x = RNG.randn(2, 7, 3).astype('f')
    k = RNG.randn(3, 3, 4).astype('f')
    _close(K.conv1d(x, k, strides=strides, padding=padding, dilation_rate=dilation),
           np_conv(x, k, (strides,), padding, (dilation,)))
    _close(K.conv1d(x.transpose(0, 2, 1), k, strides, padding, 'channels_first', dilation),
           np_conv(x, k, (strides,), padding, (dilation,)).transpose(0, 2, 1))


def test_conv1d_causal():
    x = RNG.randn(1, 5, 2).astype('f')
    k = RNG.randn(2, 2, 3).astype('f')
    padded = np.pad(x, ((0, 0), (2, 0), (0, 0)))
    _close(K.conv1d(x, k, padding='causal', dilation_rate=2),
           np_conv(padded, k, (1,), 'valid', (2,)))
    with pytest.raises(ValueError):
        K.conv1d(x, k, padding='causal', data_format='channels_first')
    with pytest.raises(ValueError):
        K.conv1d(x, k, padding='full')


@pytest.mark.parametrize('padding', ['valid', 'same'])
@pytest.mark.parametrize('strides,dilation', [((1, 1), (1, 1)), ((2, 2), (1, 1)),
                                              ((2, 1), (1, 1)), ((1, 1), (2, 2))])
def test_conv2d(padding, strides, dilation):
    x = RNG.randn(2, 6, 5, 3).astype('f')
    k = RNG.randn(3, 2, 3, 4).astype('f')
    expected = np_conv(x, k, strides, padding, dilation)
    _close(K.conv2d(x, k, strides, padding, 'channels_last', dilation), expected)
    _close(K.conv2d(x.transpose(0, 3, 1, 2), k, strides, padding, 'channels_first', dilation),
           expected.transpose(0, 3, 1, 2))


@pytest.mark.parametrize('padding,strides', [('valid', (1, 1, 1)), ('same', (2, 2, 1))])
def test_conv3d(padding, strides):
    x = RNG.randn(1, 4, 5, 3, 2).astype('f')
    k = RNG.randn(2, 3, 2, 2, 3).astype('f')
    _close(K.conv3d(x, k, strides, padding), np_conv(x, k, strides, padding, (1, 1, 1)))


def np_depthwise(x, k, strides, padding, dilation):
    outs = []
    for c in range(x.shape[-1]):
        for m in range(k.shape[-1]):
            outs.append(np_conv(x[..., c:c + 1], k[..., c:c + 1, m:m + 1],
                                strides, padding, dilation))
    return np.concatenate(outs, axis=-1)


@pytest.mark.parametrize('padding,strides', [('valid', (1, 1)), ('same', (2, 2))])
def test_depthwise_and_separable_conv2d(padding, strides):
    x = RNG.randn(2, 5, 5, 3).astype('f')
    dk = RNG.randn(3, 3, 3, 2).astype('f')
    pk = RNG.randn(1, 1, 6, 4).astype('f')
    depth = np_depthwise(x, dk, strides, padding, (1, 1))
    _close(K.depthwise_conv2d(x, dk, strides, padding), depth)
    _close(K.separable_conv2d(x, dk, pk, strides, padding), np.tensordot(depth, pk[0, 0], 1))
    _close(K.depthwise_conv2d(x.transpose(0, 3, 1, 2), dk, strides, padding, 'channels_first'),
           depth.transpose(0, 3, 1, 2))


def test_separable_conv1d():
    x = RNG.randn(2, 7, 2).astype('f')
    dk = RNG.randn(3, 2, 2).astype('f')
    pk = RNG.randn(1, 4, 3).astype('f')
    depth = np_depthwise(x[:, :, None, :], dk[:, None], (2, 1), 'same', (1, 1))[:, :, 0]
    _close(K.separable_conv1d(x, dk, pk, strides=2, padding='same'),
           np.tensordot(depth, pk[0], 1))


def np_conv_transpose(x, kernel, out_spatial, strides, padding):
    """Scatter each input entry through the kernel, then crop TF's 'same' padding."""
    nd = x.ndim - 2
    k = kernel.shape[:nd]
    full = [(n - 1) * s + kk for n, s, kk in zip(x.shape[1:-1], strides, k)]
    big = np.zeros((x.shape[0],) + tuple(f + o for f, o in zip(full, out_spatial))
                   + (kernel.shape[-2],))
    for pos in itertools.product(*[range(n) for n in x.shape[1:-1]]):
        for off in itertools.product(*[range(kk) for kk in k]):
            target = tuple(p * s + o for p, s, o in zip(pos, strides, off))
            big[(slice(None),) + target] += x[(slice(None),) + pos].dot(kernel[off].T)
    pads = (_tf_same_pads(out_spatial, k, strides, (1,) * nd) if padding == 'same'
            else [(0, 0)] * nd)
    index = (slice(None),) + tuple(slice(b, b + o) for (b, _), o in zip(pads, out_spatial))
    return big[index]


@pytest.mark.parametrize('padding,strides,out_hw', [
    ('same', (2, 2), (6, 5)), ('same', (2, 2), (5, 6)), ('valid', (2, 2), (7, 7)),
    ('valid', (2, 1), (8, 5)), ('same', (1, 1), (3, 3)),
])
def test_conv2d_transpose(padding, strides, out_hw):
    x = RNG.randn(2, 3, 3, 4).astype('f')
    k = RNG.randn(3, 3, 2, 4).astype('f')         # (kh, kw, out, in)
    expected = np_conv_transpose(x, k, out_hw, strides, padding)
    out = K.conv2d_transpose(x, k, (None,) + out_hw + (2,), strides, padding)
    _close(out, expected)
    out_cf = K.conv2d_transpose(x.transpose(0, 3, 1, 2), k, (2, 2) + out_hw, strides,
                                padding, 'channels_first')
    _close(out_cf, expected.transpose(0, 3, 1, 2))
    # adjoint of conv2d: <conv(y), x> == <y, conv_transpose(x)>
    y = RNG.randn(2, out_hw[0], out_hw[1], 2).astype('f')
    lhs = (K.eval(K.conv2d(y, k, strides, padding)) * x).sum()
    np.testing.assert_allclose(lhs, (y * K.eval(out)).sum(), rtol=1e-4)


def test_conv3d_transpose():
    x = RNG.randn(1, 2, 3, 2, 3).astype('f')
    k = RNG.randn(2, 2, 3, 2, 3).astype('f')
    out_shape = (4, 5, 4)
    _close(K.conv3d_transpose(x, k, (1,) + out_shape + (2,), (2, 2, 2), 'same'),
           np_conv_transpose(x, k, out_shape, (2, 2, 2), 'same'))


@pytest.mark.parametrize('mode', ['max', 'avg'])
@pytest.mark.parametrize('pool,strides,padding', [
    ((2, 2), (2, 2), 'valid'), ((2, 2), (2, 2), 'same'), ((3, 3), (2, 2), 'same'),
    ((3, 2), (1, 1), 'same'), ((3, 3), (3, 3), 'same'), ((2, 3), (1, 2), 'valid'),
])
def test_pool2d(mode, pool, strides, padding):
    x = RNG.randn(2, 5, 7, 3).astype('f')
    expected = np_pool(x, pool, strides, padding, mode)
    _close(K.pool2d(x, pool, strides, padding, 'channels_last', mode), expected)
    _close(K.pool2d(x.transpose(0, 3, 1, 2), pool, strides, padding, 'channels_first', mode),
           expected.transpose(0, 3, 1, 2))


@pytest.mark.parametrize('mode', ['max', 'avg'])
def test_pool3d(mode):
    x = RNG.randn(1, 3, 4, 5, 2).astype('f')
    _close(K.pool3d(x, (2, 2, 2), (2, 2, 2), 'same', pool_mode=mode),
           np_pool(x, (2, 2, 2), (2, 2, 2), 'same', mode))
    with pytest.raises(ValueError):
        K.pool3d(x, (2, 2, 2), pool_mode='median')


def test_local_conv1d():
    x = RNG.randn(2, 6, 3).astype('f')
    k_size, stride = 2, 2
    out_len = 3
    kernel = RNG.randn(out_len, k_size * 3, 4).astype('f')
    expected = np.stack([x[:, i * stride:i * stride + k_size].reshape(2, -1).dot(kernel[i])
                         for i in range(out_len)], axis=1)
    _close(K.local_conv1d(x, kernel, (k_size,), (stride,)), expected)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_local_conv2d(data_format):
    x = RNG.randn(2, 5, 4, 3).astype('f')
    (kh, kw), (sh, sw), (rows, cols) = (2, 2), (1, 2), (4, 2)
    kernel = RNG.randn(rows * cols, kh * kw * 3, 5).astype('f')
    xin = x if data_format == 'channels_last' else x.transpose(0, 3, 1, 2)
    expected = np.zeros((2, rows, cols, 5))
    for i in range(rows):
        for j in range(cols):
            patch = xin[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :] \
                if data_format == 'channels_last' else \
                xin[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            expected[:, i, j] = patch.reshape(2, -1).dot(kernel[i * cols + j])
    if data_format == 'channels_first':
        expected = expected.transpose(0, 3, 1, 2)
    _close(K.local_conv2d(xin, kernel, (kh, kw), (sh, sw), (rows, cols), data_format), expected)


def test_default_data_format_follows_config():
    x = RNG.randn(1, 4, 4, 2).astype('f')
    k = RNG.randn(2, 2, 2, 1).astype('f')
    K.set_image_data_format('channels_first')
    try:
        _close(K.conv2d(x.transpose(0, 3, 1, 2), k),
               np_conv(x, k, (1, 1), 'valid', (1, 1)).transpose(0, 3, 1, 2))
    finally:
        K.set_image_data_format('channels_last')
