"""Pooling layers against NumPy references (TensorFlow's 'same' rule: padded
entries take no part in a max or an average)."""
import itertools
import warnings

import numpy as np
import pytest
import torch

from keras import layers
from keras.engine.input_layer import Input
from keras.engine.training import Model
from keras.layers import pooling
from keras.utils.test_utils import layer_test

RNG = np.random.RandomState(11)


def np_pool(x, pool_size, strides, padding, mode):
    """Channels_last pooling; 'same' pads with NaN and ignores it."""
    x = x.astype('float64')
    if padding == 'same':
        pads = []
        for n, k, s in zip(x.shape[1:-1], pool_size, strides):
            total = max((int(np.ceil(n / s)) - 1) * s + k - n, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=np.nan)
    outs = [(n - k) // s + 1 for n, k, s in zip(x.shape[1:-1], pool_size, strides)]
    out = np.zeros((x.shape[0],) + tuple(outs) + (x.shape[-1],))
    reduce = np.nanmax if mode == 'max' else np.nanmean
    for pos in itertools.product(*[range(n) for n in outs]):
        window = x[(slice(None),) + tuple(slice(p * s, p * s + k)
                                          for p, s, k in zip(pos, strides, pool_size))]
        out[(slice(None),) + pos] = reduce(window.reshape(x.shape[0], -1, x.shape[-1]), axis=1)
    return out


def apply(layer, x, data_format):
    first = data_format == 'channels_first'
    out = layer(torch.as_tensor(np.moveaxis(x, -1, 1) if first else x)).numpy()
    return np.moveaxis(out, 1, -1) if first else out


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def data(*shape):
    return RNG.uniform(-1, 1, shape).astype('float32')


def test_same_average_does_not_count_padding():
    x = torch.arange(1., 6.).reshape(1, 5, 1)
    out = layers.AveragePooling1D(2, strides=1, padding='same')(x)
    np.testing.assert_allclose(out.numpy().ravel(), [1.5, 2.5, 3.5, 4.5, 5.])
    out = layers.MaxPooling1D(2, strides=1, padding='same')(-x)
    np.testing.assert_allclose(out.numpy().ravel(), [-1, -2, -3, -4, -5])


@pytest.mark.parametrize('mode', ['max', 'avg'])
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,pool,strides,length', [
    ('valid', 2, None, 7), ('valid', 3, 2, 8), ('same', 2, None, 7), ('same', 3, 2, 8),
    ('same', 3, 1, 6), ('same', 4, 3, 7), ('same', 1, 2, 5)])
def test_pooling1d(mode, data_format, padding, pool, strides, length):
    cls = layers.MaxPooling1D if mode == 'max' else layers.AveragePooling1D
    layer = cls(pool, strides=strides, padding=padding, data_format=data_format)
    x = data(2, length, 3)
    out = apply(layer, x, data_format)
    close(out, np_pool(x, (pool,), (strides or pool,), padding, mode))


@pytest.mark.parametrize('mode', ['max', 'avg'])
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,pool,strides,size', [
    ('valid', (2, 2), None, (7, 8)), ('valid', (3, 2), (2, 1), (7, 6)),
    ('same', (2, 2), None, (7, 8)), ('same', (3, 3), (2, 2), (8, 8)),
    ('same', (3, 3), (1, 1), (5, 6)), ('same', (2, 3), (2, 2), (7, 5))])
def test_pooling2d(mode, data_format, padding, pool, strides, size):
    cls = layers.MaxPooling2D if mode == 'max' else layers.AveragePooling2D
    layer = cls(pool, strides=strides, padding=padding, data_format=data_format)
    x = data(2, size[0], size[1], 3)
    out = apply(layer, x, data_format)
    close(out, np_pool(x, pool, strides or pool, padding, mode))
    in_shape = (None,) + (np.moveaxis(x, -1, 1) if data_format == 'channels_first'
                          else x).shape[1:]
    expected = layer.compute_output_shape(in_shape)
    assert expected[1:] == (np.moveaxis(out, -1, 1) if data_format == 'channels_first'
                            else out).shape[1:]


@pytest.mark.parametrize('mode', ['max', 'avg'])
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,pool,strides', [('valid', (2, 2, 2), None),
                                                  ('same', (3, 2, 2), (2, 1, 2))])
def test_pooling3d(mode, data_format, padding, pool, strides):
    cls = layers.MaxPooling3D if mode == 'max' else layers.AveragePooling3D
    x = data(1, 5, 4, 5, 2)
    out = apply(cls(pool, strides, padding, data_format), x, data_format)
    close(out, np_pool(x, pool, strides or pool, padding, mode))


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_global_pooling(data_format):
    for rank, (gmax, gavg) in {1: (layers.GlobalMaxPooling1D, layers.GlobalAveragePooling1D),
                               2: (layers.GlobalMaxPooling2D, layers.GlobalAveragePooling2D),
                               3: (layers.GlobalMaxPooling3D,
                                   layers.GlobalAveragePooling3D)}.items():
        x = data(*((2,) + (3,) * rank + (4,)))
        axes = tuple(range(1, rank + 1))
        for cls, ref in ((gmax, np.max), (gavg, np.mean)):
            layer = cls(data_format=data_format)
            first = data_format == 'channels_first'
            out = layer(torch.as_tensor(np.moveaxis(x, -1, 1) if first else x)).numpy()
            close(out, ref(x, axis=axes))
            shape = (None, 4) + (3,) * rank if first else (None,) + (3,) * rank + (4,)
            assert layer.compute_output_shape(shape) == (None, 4)
            kept = cls(data_format=data_format, keepdims=True)
            out = kept(torch.as_tensor(np.moveaxis(x, -1, 1) if first else x)).numpy()
            expected = ref(x, axis=axes, keepdims=True)
            close(out, np.moveaxis(expected, -1, 1) if first else expected)
            assert kept.compute_output_shape(shape) == tuple(1 if d == 3 else d for d in shape)
            assert kept.get_config()['keepdims'] is True


def test_global_average_pooling1d_mask():
    x = data(3, 5, 2)
    mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0]], dtype=bool)
    layer = layers.GlobalAveragePooling1D()
    out = layer(torch.as_tensor(x), mask=torch.as_tensor(mask)).numpy()
    expected = np.stack([x[i][mask[i]].mean(axis=0) for i in range(3)])
    close(out, expected)
    first = layers.GlobalAveragePooling1D(data_format='channels_first')
    out = first(torch.as_tensor(np.moveaxis(x, -1, 1)), mask=torch.as_tensor(mask)).numpy()
    close(out, expected)
    assert layer.compute_mask(torch.as_tensor(x), torch.as_tensor(mask)) is None
    # through a model: Masking drops the all-zero steps, the output has no mask
    inp = Input((5, 2))
    y = layers.GlobalAveragePooling1D()(layers.Masking(0.)(inp))
    assert y._keras_mask is None
    x[~mask] = 0.
    close(Model(inp, y).predict(x), expected)


def test_pooling_layers_refuse_masks_as_in_keras():
    inp = Input((5, 2))
    masked = layers.Masking(0.)(inp)
    with pytest.raises(TypeError):
        layers.GlobalMaxPooling1D()(masked)
    with pytest.raises(TypeError):
        layers.MaxPooling1D()(masked)


@pytest.mark.parametrize('cls,kwargs,shape', [
    (layers.MaxPooling1D, {'pool_size': 2, 'padding': 'same'}, (2, 5, 3)),
    (layers.AveragePooling1D, {'pool_size': 3, 'strides': 1}, (2, 5, 3)),
    (layers.MaxPooling2D, {'pool_size': (2, 3), 'data_format': 'channels_first'},
     (2, 2, 6, 6)),
    (layers.AveragePooling2D, {'pool_size': 3, 'strides': 2, 'padding': 'same'},
     (2, 5, 5, 2)),
    (layers.MaxPooling3D, {'pool_size': 2}, (2, 4, 4, 4, 2)),
    (layers.AveragePooling3D, {'pool_size': 2, 'padding': 'same'}, (2, 3, 3, 3, 2)),
    (layers.GlobalMaxPooling1D, {}, (2, 4, 3)),
    (layers.GlobalAveragePooling1D, {'data_format': 'channels_first'}, (2, 4, 3)),
    (layers.GlobalMaxPooling2D, {'data_format': 'channels_first'}, (2, 2, 3, 3)),
    (layers.GlobalAveragePooling2D, {'keepdims': True}, (2, 3, 3, 2)),
    (layers.GlobalMaxPooling3D, {}, (2, 2, 2, 2, 3)),
    (layers.GlobalAveragePooling3D, {}, (2, 2, 2, 2, 3))])
def test_layer_test(cls, kwargs, shape):
    layer_test(cls, kwargs=kwargs, input_shape=shape)


def test_config_keys_and_defaults():
    base = {'name', 'trainable', 'dtype'}
    config = layers.MaxPooling1D().get_config()
    assert set(config) == base | {'pool_size', 'strides', 'padding', 'data_format'}
    assert (config['pool_size'], config['strides'], config['data_format']) == \
        ((2,), (2,), 'channels_last')
    config = layers.AveragePooling2D(3).get_config()
    assert (config['pool_size'], config['strides'], config['padding']) == \
        ((3, 3), (3, 3), 'valid')
    assert layers.MaxPooling3D().get_config()['pool_size'] == (2, 2, 2)
    assert set(layers.GlobalAveragePooling2D().get_config()) == base | {'data_format'}
    assert layers.GlobalMaxPooling1D().get_config()['data_format'] == 'channels_last'
    restored = layers.AveragePooling2D.from_config(
        {'name': 'p', 'pool_size': [3, 3], 'padding': 'same', 'strides': [2, 2],
         'data_format': 'channels_last', 'trainable': True, 'dtype': 'float32'})
    assert restored.pool_size == (3, 3) and restored.strides == (2, 2)


def test_keras1_spellings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        p1 = layers.MaxPooling1D(pool_length=3, stride=2, border_mode='same')
        p2 = layers.AveragePooling2D((2, 2), border_mode='same', dim_ordering='th')
        p3 = layers.MaxPooling3D(dim_ordering='tf')
        g2 = layers.GlobalAveragePooling2D(dim_ordering='th')
    assert len(caught) == 4
    assert (p1.pool_size, p1.strides, p1.padding) == ((3,), (2,), 'same')
    assert (p2.padding, p2.data_format) == ('same', 'channels_first')
    assert p3.data_format == 'channels_last'
    assert g2.data_format == 'channels_first'


def test_aliases_and_errors():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert pooling.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert pooling.GlobalMaxPool1D is layers.GlobalMaxPooling1D
    with pytest.raises(ValueError):
        layers.MaxPooling2D(padding='causal')
    with pytest.raises(ValueError):
        layers.MaxPooling2D(pool_size=(2, 2, 2))
    with pytest.raises(ValueError):
        layers.AveragePooling2D(data_format='channels_middle')
    with pytest.raises(ValueError):
        layers.MaxPooling2D()(Input((4, 4)))
