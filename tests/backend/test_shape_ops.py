import numpy as np
import pytest

from keras import backend as K

RNG = np.random.RandomState(1)


def _eq(a, b):
    np.testing.assert_allclose(K.eval(a), b, rtol=1e-6, atol=1e-6)


def test_concatenate_reshape_permute_stack():
    a, b = RNG.randn(2, 3).astype('f'), RNG.randn(2, 4).astype('f')
    _eq(K.concatenate([a, b]), np.concatenate([a, b], -1))
    _eq(K.concatenate([a, a], axis=0), np.concatenate([a, a], 0))
    _eq(K.reshape(a, (3, -1)), a.reshape(3, -1))
    x = RNG.randn(2, 3, 4).astype('f')
    _eq(K.permute_dimensions(x, (2, 0, 1)), x.transpose(2, 0, 1))
    _eq(K.stack([a, a * 2], axis=1), np.stack([a, a * 2], 1))


def test_resize_images_nearest_and_bilinear():
    x = RNG.randn(1, 2, 3, 2).astype('f')
    _eq(K.resize_images(x, 2, 3, 'channels_last'), x.repeat(2, 1).repeat(3, 2))
    xc = x.transpose(0, 3, 1, 2)
    _eq(K.resize_images(xc, 2, 3, 'channels_first'), xc.repeat(2, 2).repeat(3, 3))
    # TF1 bilinear rule: source index = i / factor, clamped at the edge.
    row = np.array([[0., 4.]], 'f').reshape(1, 1, 2, 1)
    _eq(K.resize_images(row, 1, 2, 'channels_last', interpolation='bilinear'),
        np.array([0., 2., 4., 4.]).reshape(1, 1, 4, 1))
    with pytest.raises(ValueError):
        K.resize_images(x, 2, 2, 'channels_last', interpolation='cubic')


def test_resize_volumes_repeat_elements_repeat():
    x = RNG.randn(1, 2, 2, 2, 3).astype('f')
    _eq(K.resize_volumes(x, 2, 1, 3, 'channels_last'), x.repeat(2, 1).repeat(3, 3))
    _eq(K.resize_volumes(x, 1, 2, 2, 'channels_first'), x.repeat(2, 3).repeat(2, 4))
    with pytest.raises(ValueError):
        K.resize_volumes(x, 1, 1, 1, 'nhwc')
    _eq(K.repeat_elements(x, 3, axis=2), np.repeat(x, 3, axis=2))
    a = RNG.randn(2, 3).astype('f')
    _eq(K.repeat(a, 4), np.repeat(a[:, None, :], 4, axis=1))
    with pytest.raises(ValueError):
        K.repeat(x, 2)


def test_arange_tile_flatten():
    _eq(K.arange(5), np.arange(5))
    assert K.dtype(K.arange(5)) == 'int32'
    _eq(K.arange(2, 9, 3, dtype='float32'), np.arange(2, 9, 3))
    assert K.int_shape(K.arange(-3)) == (0,)
    x = RNG.randn(2, 3).astype('f')
    _eq(K.tile(x, (2, 3)), np.tile(x, (2, 3)))
    _eq(K.tile(x, 2), np.tile(x, (1, 2)))
    with pytest.raises(NotImplementedError):
        K.tile(x, (1, 2, 3))
    y = RNG.randn(2, 3, 4).astype('f')
    _eq(K.flatten(y), y.reshape(-1))
    _eq(K.batch_flatten(y), y.reshape(2, -1))


def test_expand_squeeze_reverse_slice():
    x = RNG.randn(2, 3).astype('f')
    assert K.int_shape(K.expand_dims(x)) == (2, 3, 1)
    assert K.int_shape(K.expand_dims(x, 0)) == (1, 2, 3)
    _eq(K.squeeze(x[:, :1], 1), x[:, 0])
    with pytest.raises(ValueError):
        K.squeeze(x, 1)
    _eq(K.reverse(x, 1), x[:, ::-1])
    _eq(K.reverse(x, [0, 1]), x[::-1, ::-1])
    _eq(K.slice(x, (1, 0), (1, 2)), x[1:2, 0:2])
    _eq(K.slice(x, (0, 1), (-1, -1)), x[0:, 1:])
    with pytest.raises(ValueError):
        K.slice(x, (0,), (1, 1))


def test_paddings():
    x = RNG.randn(2, 3, 4).astype('f')
    _eq(K.temporal_padding(x, (1, 2)), np.pad(x, ((0, 0), (1, 2), (0, 0))))
    img = RNG.randn(1, 2, 3, 2).astype('f')
    _eq(K.spatial_2d_padding(img, ((1, 0), (2, 1))),
        np.pad(img, ((0, 0), (1, 0), (2, 1), (0, 0))))
    _eq(K.spatial_2d_padding(img, ((1, 0), (2, 1)), data_format='channels_first'),
        np.pad(img, ((0, 0), (0, 0), (1, 0), (2, 1))))
    vol = RNG.randn(1, 2, 2, 2, 1).astype('f')
    _eq(K.spatial_3d_padding(vol), np.pad(vol, ((0, 0), (1, 1), (1, 1), (1, 1), (0, 0))))
    _eq(K.spatial_3d_padding(vol, ((0, 1), (1, 0), (2, 2)), 'channels_first'),
        np.pad(vol, ((0, 0), (0, 0), (0, 1), (1, 0), (2, 2))))
    with pytest.raises(ValueError):
        K.spatial_2d_padding(img, ((1, 1),))


def test_one_hot():
    idx = np.array([[0, 2], [1, 5]])
    out = K.one_hot(idx, 3)
    assert K.dtype(out) == 'float32'
    expected = np.zeros((2, 2, 3), 'f')
    expected[0, 0, 0] = expected[0, 1, 2] = expected[1, 0, 1] = 1.   # 5 is out of range
    _eq(out, expected)
