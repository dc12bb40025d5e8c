"""Convolution, up-sampling, zero-padding and cropping layers against NumPy
references (cross-correlation with TensorFlow's padding rules)."""
import itertools
import warnings

import numpy as np
import pytest
import torch

from keras import initializers, layers, regularizers
from keras.engine.input_layer import Input
from keras.engine.sequential import Sequential
from keras.engine.training import Model
from keras.layers import convolutional
from keras.utils import conv_utils
from keras.utils.test_utils import layer_test

RNG = np.random.RandomState(7)


# ------------------------------------------------------------------ references
def tf_pads(sizes, kernel, strides, dilation, padding):
    """(before, after) per axis: TensorFlow 'same' (extra entry at the end),
    'causal' (all on the left) or 'valid'."""
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        span = (k - 1) * d + 1
        if padding == 'valid':
            pads.append((0, 0))
        elif padding == 'causal':
            pads.append((span - 1, 0))
        else:
            total = max((int(np.ceil(n / s)) - 1) * s + span - n, 0)
            pads.append((total // 2, total - total // 2))
    return pads


def np_conv(x, kernel, strides, padding='valid', dilation=None):
    """Channels_last cross-correlation; ``kernel`` is ``(*k, in, out)``."""
    nd = x.ndim - 2
    k = kernel.shape[:nd]
    dilation = dilation or (1,) * nd
    x = np.pad(x, [(0, 0)] + tf_pads(x.shape[1:-1], k, strides, dilation, padding) + [(0, 0)])
    outs = [(n - (kk - 1) * d - 1) // s + 1
            for n, kk, s, d in zip(x.shape[1:-1], k, strides, dilation)]
    out = np.zeros((x.shape[0],) + tuple(outs) + (kernel.shape[-1],))
    for pos in itertools.product(*[range(n) for n in outs]):
        for tap in itertools.product(*[range(kk) for kk in k]):
            src = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilation))
            out[(slice(None),) + pos] += x[(slice(None),) + src] @ kernel[tap]
    return out


def np_depthwise(x, kernel, strides, padding, dilation=None):
    """Per-channel convolution, output channel ``c * multiplier + m``."""
    channels, mult = kernel.shape[-2:]
    parts = [np_conv(x[..., c:c + 1], kernel[..., c:c + 1, m:m + 1], strides, padding, dilation)
             for c in range(channels) for m in range(mult)]
    return np.concatenate(parts, axis=-1)


def np_conv_transpose(x, kernel, strides, padding, out_sizes, dilation=None):
    """TensorFlow's conv_transpose: scatter each input entry through the kernel
    ``(*k, out, in)`` onto an output of ``out_sizes``, shifted by the 'same'
    padding that a forward convolution of that size would use."""
    nd = x.ndim - 2
    k = kernel.shape[:nd]
    dilation = dilation or (1,) * nd
    before = [p[0] for p in tf_pads(out_sizes, k, strides, dilation, padding)]
    out = np.zeros((x.shape[0],) + tuple(out_sizes) + (kernel.shape[-2],))
    for pos in itertools.product(*[range(n) for n in x.shape[1:-1]]):
        for tap in itertools.product(*[range(kk) for kk in k]):
            dst = tuple(p * s + t * d - b for p, s, t, d, b in
                        zip(pos, strides, tap, dilation, before))
            if all(0 <= i < n for i, n in zip(dst, out_sizes)):
                out[(slice(None),) + dst] += x[(slice(None),) + pos] @ kernel[tap].T
    return out


def to_first(x):
    return np.moveaxis(x, -1, 1)


def to_last(x):
    return np.moveaxis(x, 1, -1)


def run(layer, x):
    """Build ``layer`` on ``x``, give it random weights, return (output, weights)."""
    layer.build(x.shape)
    weights = [RNG.uniform(-1, 1, w.shape).astype('float32') for w in layer.get_weights()]
    layer.set_weights(weights)
    with torch.no_grad():
        out = layer(torch.as_tensor(x)).numpy()
    return out, weights


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def data(*shape):
    return RNG.uniform(-1, 1, shape).astype('float32')


# ------------------------------------------------------------------ conv_utils
def test_conv_utils_lengths():
    assert conv_utils.conv_output_length(7, 3, 'valid', 2) == 3
    assert conv_utils.conv_output_length(7, 3, 'same', 2) == 4
    assert conv_utils.conv_output_length(7, 3, 'causal', 1) == 7
    assert conv_utils.conv_output_length(7, 3, 'full', 1) == 9
    assert conv_utils.conv_output_length(9, 3, 'valid', 1, dilation=2) == 5
    assert conv_utils.conv_output_length(None, 3, 'same', 1) is None
    assert conv_utils.conv_input_length(4, 3, 'same', 2) == 7
    assert conv_utils.conv_input_length(3, 3, 'valid', 2) == 7
    assert conv_utils.deconv_length(4, 2, 3, 'same', None) == 8
    assert conv_utils.deconv_length(4, 2, 3, 'valid', None) == 9
    assert conv_utils.deconv_length(4, 3, 2, 'valid', None) == 12
    assert conv_utils.deconv_length(4, 2, 3, 'same', 1) == 8
    assert conv_utils.deconv_length(4, 2, 3, 'valid', 1) == 10
    assert conv_utils.deconv_length(None, 2, 3, 'same', None) is None


def test_conv_utils_normalizers_and_convert_kernel():
    assert conv_utils.normalize_tuple(3, 2, 'kernel_size') == (3, 3)
    assert conv_utils.normalize_tuple([2, 3], 2, 'strides') == (2, 3)
    for bad in ((1, 2, 3), 'ab', 1.5, None):
        with pytest.raises(ValueError):
            conv_utils.normalize_tuple(bad, 2, 'strides')
    assert conv_utils.normalize_padding('SAME') == 'same'
    with pytest.raises(ValueError):
        conv_utils.normalize_padding('full')
    k = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(conv_utils.convert_kernel(k), k[::-1, ::-1])
    np.testing.assert_array_equal(conv_utils.convert_kernel(conv_utils.convert_kernel(k)), k)
    with pytest.raises(ValueError):
        conv_utils.convert_kernel(np.zeros((2, 2)))


def test_same_padding_puts_the_odd_entry_at_the_end():
    layer = layers.Conv1D(1, 2, padding='same', use_bias=False, kernel_initializer='ones')
    out = layer(torch.arange(1., 6.).reshape(1, 5, 1))
    np.testing.assert_allclose(out.detach().numpy().ravel(), [3, 5, 7, 9, 5])


# ------------------------------------------------------------------ Conv1D/2D/3D
@pytest.mark.parametrize('padding,strides,length,dilation', [
    ('valid', 1, 7, 1), ('valid', 2, 8, 1), ('same', 1, 8, 1), ('same', 2, 7, 1),
    ('same', 2, 8, 1), ('causal', 1, 7, 2), ('causal', 2, 8, 1), ('valid', 1, 9, 2),
    ('same', 1, 9, 3)])
def test_conv1d(padding, strides, length, dilation):
    x = data(2, length, 3)
    out, (w, b) = run(layers.Conv1D(4, 3, strides=strides, padding=padding,
                                    dilation_rate=dilation), x)
    close(out, np_conv(x, w, (strides,), padding, (dilation,)) + b)


def test_causal_output_ignores_the_future():
    layer = layers.Conv1D(2, 3, padding='causal', dilation_rate=2)
    x = data(1, 9, 2)
    before, _ = run(layer, x)
    x[:, 6:] = 5.
    with torch.no_grad():
        after = layer(torch.as_tensor(x)).numpy()
    close(after[:, :6], before[:, :6])


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,strides,dilation,size', [
    ('valid', (1, 1), (1, 1), (7, 8)), ('valid', (2, 2), (1, 1), (7, 8)),
    ('same', (1, 1), (1, 1), (6, 7)), ('same', (2, 2), (1, 1), (7, 8)),
    ('same', (2, 1), (1, 1), (8, 5)), ('same', (1, 1), (2, 2), (7, 8)),
    ('valid', (1, 1), (2, 1), (8, 6))])
def test_conv2d(data_format, padding, strides, dilation, size):
    x = data(2, size[0], size[1], 3)
    layer = layers.Conv2D(4, (3, 2), strides=strides, padding=padding, dilation_rate=dilation,
                          data_format=data_format)
    xin = to_first(x) if data_format == 'channels_first' else x
    out, (w, b) = run(layer, xin)
    assert layer.compute_output_shape((None,) + xin.shape[1:]) == (None,) + out.shape[1:]
    out = to_last(out) if data_format == 'channels_first' else out
    close(out, np_conv(x, w, strides, padding, dilation) + b)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,strides', [('valid', (1, 2, 1)), ('same', (2, 2, 2))])
def test_conv3d(data_format, padding, strides):
    x = data(2, 5, 4, 5, 2)
    layer = layers.Conv3D(3, (2, 3, 2), strides=strides, padding=padding,
                          data_format=data_format, activation='relu')
    out, (w, b) = run(layer, to_first(x) if data_format == 'channels_first' else x)
    out = to_last(out) if data_format == 'channels_first' else out
    close(out, np.maximum(np_conv(x, w, strides, padding) + b, 0))


def test_conv2d_groups_from_tf_keras_configs():
    layer = layers.Conv2D(4, 3, groups=2, use_bias=False)
    x = data(1, 5, 5, 6)
    out, (w,) = run(layer, x)
    assert w.shape == (3, 3, 3, 4)
    close(out[..., :2], np_conv(x[..., :3], w[..., :2], (1, 1)))
    close(out[..., 2:], np_conv(x[..., 3:], w[..., 2:], (1, 1)))
    assert layer.get_config()['groups'] == 2
    assert 'groups' not in layers.Conv2D(4, 3, groups=1).get_config()
    with pytest.raises(ValueError):
        layers.SeparableConv2D(4, 3, groups=2)
    with pytest.raises(ValueError):
        layers.Conv2D(3, 3, groups=2)


# ------------------------------------------------------- depthwise and separable
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,strides,dilation', [
    ('valid', (1, 1), (1, 1)), ('same', (2, 2), (1, 1)), ('same', (1, 1), (2, 2))])
def test_depthwise_conv2d(data_format, padding, strides, dilation):
    x = data(2, 7, 6, 3)
    layer = layers.DepthwiseConv2D(3, strides=strides, padding=padding, depth_multiplier=2,
                                   dilation_rate=dilation, data_format=data_format)
    out, (w, b) = run(layer, to_first(x) if data_format == 'channels_first' else x)
    out = to_last(out) if data_format == 'channels_first' else out
    assert w.shape == (3, 3, 3, 2) and b.shape == (6,)
    close(out, np_depthwise(x, w, strides, padding, dilation) + b)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,strides', [('valid', (1, 1)), ('same', (2, 2))])
def test_separable_conv2d(data_format, padding, strides):
    x = data(2, 7, 8, 3)
    layer = layers.SeparableConv2D(5, (3, 2), strides=strides, padding=padding,
                                   depth_multiplier=2, data_format=data_format)
    out, (dw, pw, b) = run(layer, to_first(x) if data_format == 'channels_first' else x)
    out = to_last(out) if data_format == 'channels_first' else out
    assert dw.shape == (3, 2, 3, 2) and pw.shape == (1, 1, 6, 5)
    close(out, np_depthwise(x, dw, strides, padding) @ pw[0, 0] + b)


@pytest.mark.parametrize('padding,strides,dilation', [('valid', 1, 1), ('same', 2, 1),
                                                      ('same', 1, 2)])
def test_separable_conv1d(padding, strides, dilation):
    x = data(2, 9, 3)
    layer = layers.SeparableConv1D(4, 3, strides=strides, padding=padding, depth_multiplier=2,
                                   dilation_rate=dilation)
    out, (dw, pw, b) = run(layer, x)
    assert dw.shape == (3, 3, 2) and pw.shape == (1, 6, 4)
    close(out, np_depthwise(x, dw, (strides,), padding, (dilation,)) @ pw[0] + b)


# ---------------------------------------------------------------- transposed
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
@pytest.mark.parametrize('padding,kernel,strides,output_padding,dilation', [
    ('valid', 3, 1, None, 1), ('valid', 3, 2, None, 1), ('valid', 2, 3, None, 1),
    ('same', 3, 2, None, 1), ('same', 4, 2, None, 1), ('same', 2, 3, None, 1),
    ('same', 3, 2, 1, 1), ('valid', 3, 2, 1, 1), ('same', 4, 3, 2, 1), ('same', 3, 1, None, 2),
    ('valid', 2, 1, None, 2)])
def test_conv2d_transpose(data_format, padding, kernel, strides, output_padding, dilation):
    x = data(2, 4, 5, 3)
    layer = layers.Conv2DTranspose(2, (kernel, kernel - 1 if kernel > 2 else kernel),
                                   strides=strides, padding=padding,
                                   output_padding=output_padding, dilation_rate=dilation,
                                   data_format=data_format)
    xin = to_first(x) if data_format == 'channels_first' else x
    out, (w, b) = run(layer, xin)
    assert w.shape[2:] == (2, 3)
    sizes = [conv_utils.deconv_length(n, strides, k, padding, output_padding, dilation)
             for n, k in zip((4, 5), w.shape[:2])]
    expected_shape = layer.compute_output_shape((None,) + xin.shape[1:])
    assert expected_shape == (None,) + out.shape[1:]
    out = to_last(out) if data_format == 'channels_first' else out
    assert list(out.shape[1:3]) == sizes
    close(out, np_conv_transpose(x, w, (strides, strides), padding, sizes,
                                 (dilation, dilation)) + b)


def test_conv2d_transpose_inverts_conv_shape_and_is_its_gradient():
    conv = layers.Conv2D(3, 3, strides=2, padding='same', use_bias=False)
    x = torch.as_tensor(data(1, 7, 8, 2), dtype=torch.float32).requires_grad_(True)
    y = conv(x)
    g = torch.as_tensor(data(*y.shape))
    (grad,) = torch.autograd.grad(y, x, g)
    deconv = layers.Conv2DTranspose(2, 3, strides=2, padding='same', use_bias=False,
                                    output_padding=(0, 1))
    deconv.build(tuple(y.shape))
    deconv.set_weights([conv.get_weights()[0]])  # (kh, kw, in, out) = (kh, kw, filters, in)
    with torch.no_grad():
        back = deconv(g).numpy()
    assert back.shape == (1, 7, 8, 2)
    close(back, grad.numpy())


@pytest.mark.parametrize('padding,strides,output_padding', [('same', 2, None),
                                                            ('valid', 2, 1), ('same', 1, None)])
def test_conv3d_transpose(padding, strides, output_padding):
    x = data(1, 3, 2, 3, 2)
    layer = layers.Conv3DTranspose(2, (2, 3, 2), strides=strides, padding=padding,
                                   output_padding=output_padding)
    out, (w, b) = run(layer, x)
    sizes = [conv_utils.deconv_length(n, strides, k, padding, output_padding)
             for n, k in zip(x.shape[1:4], w.shape[:3])]
    close(out, np_conv_transpose(x, w, (strides,) * 3, padding, sizes) + b)
    assert 'dilation_rate' not in layer.get_config()
    assert layer.get_config()['output_padding'] == output_padding if output_padding is None \
        else (output_padding,) * 3


def test_transpose_errors():
    with pytest.raises(ValueError):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError):
        layers.Conv2DTranspose(2, 3, padding='causal')


# ------------------------------------------------------------------ layer_test
@pytest.mark.parametrize('cls,kwargs,shape', [
    (layers.Conv1D, {'filters': 3, 'kernel_size': 3, 'padding': 'causal'}, (2, 6, 2)),
    (layers.Conv2D, {'filters': 3, 'kernel_size': (2, 2), 'strides': 2, 'padding': 'same',
                     'kernel_regularizer': 'l2', 'activation': 'relu'}, (2, 5, 5, 2)),
    (layers.Conv2D, {'filters': 2, 'kernel_size': 2, 'data_format': 'channels_first'},
     (2, 3, 4, 4)),
    (layers.Conv3D, {'filters': 2, 'kernel_size': 2}, (2, 3, 3, 3, 2)),
    (layers.Conv2DTranspose, {'filters': 2, 'kernel_size': 3, 'strides': 2,
                              'output_padding': 1}, (2, 3, 3, 2)),
    (layers.Conv3DTranspose, {'filters': 2, 'kernel_size': 2, 'strides': 2}, (2, 2, 2, 2, 2)),
    (layers.SeparableConv1D, {'filters': 3, 'kernel_size': 2, 'depth_multiplier': 2},
     (2, 5, 2)),
    (layers.SeparableConv2D, {'filters': 3, 'kernel_size': 2, 'padding': 'same'},
     (2, 4, 4, 2)),
    (layers.DepthwiseConv2D, {'kernel_size': 2, 'depth_multiplier': 2}, (2, 4, 4, 2)),
    (layers.UpSampling1D, {'size': 2}, (2, 3, 2)),
    (layers.UpSampling2D, {'size': (2, 3), 'interpolation': 'bilinear'}, (2, 3, 2, 2)),
    (layers.UpSampling3D, {'size': 2, 'data_format': 'channels_first'}, (2, 2, 2, 1, 2)),
    (layers.ZeroPadding1D, {'padding': (1, 2)}, (2, 3, 2)),
    (layers.ZeroPadding2D, {'padding': ((1, 0), (2, 1))}, (2, 3, 3, 2)),
    (layers.ZeroPadding3D, {'padding': 1}, (2, 2, 2, 2, 2)),
    (layers.Cropping1D, {'cropping': (1, 2)}, (2, 5, 2)),
    (layers.Cropping2D, {'cropping': 1, 'data_format': 'channels_first'}, (2, 2, 4, 4)),
    (layers.Cropping3D, {'cropping': ((1, 0), (0, 1), 1)}, (2, 3, 3, 4, 2))])
def test_layer_test(cls, kwargs, shape):
    layer_test(cls, kwargs=kwargs, input_shape=shape)


# ------------------------------------------------------------------ config
_CONV_KEYS = {'name', 'trainable', 'dtype', 'filters', 'kernel_size', 'strides', 'padding',
              'data_format', 'dilation_rate', 'activation', 'use_bias', 'kernel_initializer',
              'bias_initializer', 'kernel_regularizer', 'bias_regularizer',
              'activity_regularizer', 'kernel_constraint', 'bias_constraint'}
_SEPARABLE_KEYS = (_CONV_KEYS - {'kernel_initializer', 'kernel_regularizer',
                                 'kernel_constraint'}) | {
    'depth_multiplier', 'depthwise_initializer', 'pointwise_initializer',
    'depthwise_regularizer', 'pointwise_regularizer', 'depthwise_constraint',
    'pointwise_constraint'}


def test_config_keys_are_keras_2_3_1s():
    assert set(layers.Conv1D(2, 3).get_config()) == _CONV_KEYS
    assert set(layers.Conv2D(2, 3).get_config()) == _CONV_KEYS
    assert set(layers.Conv2DTranspose(2, 3).get_config()) == _CONV_KEYS | {'output_padding'}
    assert set(layers.Conv3DTranspose(2, 3).get_config()) == \
        _CONV_KEYS - {'dilation_rate'} | {'output_padding'}
    assert set(layers.SeparableConv2D(2, 3).get_config()) == _SEPARABLE_KEYS
    assert set(layers.DepthwiseConv2D(3).get_config()) == \
        _SEPARABLE_KEYS - {'filters', 'pointwise_initializer', 'pointwise_regularizer',
                           'pointwise_constraint'}
    base = {'name', 'trainable', 'dtype'}
    assert set(layers.UpSampling1D().get_config()) == base | {'size'}
    assert set(layers.UpSampling2D().get_config()) == base | {'size', 'data_format',
                                                             'interpolation'}
    assert layers.ZeroPadding1D(2).get_config()['padding'] == (2, 2)
    assert layers.ZeroPadding2D((1, 2)).get_config()['padding'] == ((1, 1), (2, 2))
    assert set(layers.Cropping1D().get_config()) == base | {'cropping'}
    assert set(layers.Cropping3D().get_config()) == base | {'cropping', 'data_format'}
    config = layers.Conv2D(2, 3).get_config()
    assert config['kernel_size'] == (3, 3) and config['strides'] == (1, 1)
    assert config['data_format'] == 'channels_last' and config['activation'] == 'linear'


def test_tf_keras_configs_load():
    init = {'module': 'keras.initializers', 'class_name': 'GlorotUniform',
            'config': {'seed': None}, 'registered_name': None}
    conv = layers.Conv2D.from_config({
        'name': 'c', 'trainable': True, 'dtype': 'float32', 'filters': 4,
        'kernel_size': [3, 3], 'strides': [1, 1], 'padding': 'same',
        'data_format': 'channels_last', 'dilation_rate': [1, 1], 'groups': 1,
        'activation': 'linear', 'use_bias': True, 'kernel_initializer': init,
        'bias_initializer': 'zeros', 'kernel_regularizer': None, 'bias_regularizer': None,
        'activity_regularizer': None, 'kernel_constraint': None, 'bias_constraint': None})
    assert conv.kernel_size == (3, 3) and conv.groups == 1
    sep = layers.SeparableConv2D.from_config({
        'filters': 4, 'kernel_size': [3, 3], 'groups': 1, 'kernel_initializer': init,
        'kernel_regularizer': None, 'kernel_constraint': None, 'depth_multiplier': 2})
    assert sep.depth_multiplier == 2
    dw = layers.DepthwiseConv2D.from_config({'kernel_size': [3, 3], 'groups': 1,
                                             'depth_multiplier': 2})
    assert dw.depth_multiplier == 2
    t3 = layers.Conv3DTranspose.from_config({'filters': 2, 'kernel_size': [2, 2, 2],
                                             'dilation_rate': [1, 1, 1], 'groups': 1,
                                             'output_padding': None})
    assert t3.dilation_rate == (1, 1, 1)


# ------------------------------------------------------------------ Keras 1 names
def _legacy(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = fn()
    return layer, [str(w.message) for w in caught]


def test_keras1_convolution2d():
    layer, messages = _legacy(lambda: layers.Convolution2D(
        64, 3, 3, border_mode='same', subsample=(2, 2), init='he_normal',
        W_regularizer=regularizers.l2(0.01), b_constraint='non_neg', bias=False,
        dim_ordering='th'))
    assert len(messages) == 1 and '`border_mode` -> `padding`' in messages[0]
    assert 'kernel_size' in messages[0]
    assert layer.filters == 64 and layer.kernel_size == (3, 3) and layer.strides == (2, 2)
    assert layer.padding == 'same' and layer.data_format == 'channels_first'
    assert layer.use_bias is False and layer.kernel_regularizer is not None
    assert initializers.serialize(layer.kernel_initializer) == \
        initializers.serialize(initializers.get('he_normal'))
    other, _ = _legacy(lambda: layers.Convolution2D(nb_filter=8, nb_row=2, nb_col=5))
    assert other.filters == 8 and other.kernel_size == (2, 5)
    other, _ = _legacy(lambda: layers.Convolution2D(8, 2, nb_col=5))
    assert other.kernel_size == (2, 5)


def test_keras2_positional_forms_do_not_warn():
    for make in (lambda: layers.Conv2D(64, 3), lambda: layers.Conv2D(64, (3, 3)),
                 lambda: layers.Conv2D(64, (3, 3), (2, 2)), lambda: layers.Conv1D(4, 3)):
        layer, messages = _legacy(make)
        assert messages == [] and layer.kernel_size[0] == 3
    assert layers.Conv2D(64, (3, 3), (2, 2)).strides == (2, 2)
    with pytest.raises(ValueError):
        layers.Conv2D(64, 3, 3, padding='same')
    with pytest.raises(TypeError):
        layers.Conv2D(8, 3, border_mode='same', padding='same')


def test_seed_document_convolution2d_then_flatten():
    # A Keras 1 call with a Theano-looking (3, 32, 32) input reads it channels-first,
    # as the seed document (written for Theano) expects: (None, 65536).  An explicit
    # ordering always wins.
    with pytest.warns(UserWarning, match='channels_first'):
        layers.Convolution2D(64, 3, 3, border_mode='same', input_shape=(3, 32, 32))
    for dim_ordering, expected in ((None, 64 * 32 * 32), ('th', 64 * 32 * 32),
                                   ('tf', 3 * 32 * 64)):
        extra = {'dim_ordering': dim_ordering} if dim_ordering else {}
        model = Sequential()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            model.add(layers.Convolution2D(64, 3, 3, border_mode='same',
                                           input_shape=(3, 32, 32), **extra))
        model.add(layers.Flatten())
        assert model.output_shape == (None, expected)


def test_keras1_other_conv_layers():
    c1, messages = _legacy(lambda: layers.Convolution1D(
        nb_filter=4, filter_length=3, subsample_length=2, border_mode='same', input_dim=5,
        input_length=10))
    assert len(messages) == 1
    assert (c1.filters, c1.kernel_size, c1.strides, c1.padding) == (4, (3,), (2,), 'same')
    assert c1.batch_input_shape == (None, 10, 5)
    a1, messages = _legacy(lambda: layers.AtrousConvolution1D(4, 3, atrous_rate=2))
    assert isinstance(a1, layers.Conv1D) and a1.dilation_rate == (2,) and len(messages) == 1
    a2, messages = _legacy(lambda: layers.AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2)))
    assert a2.dilation_rate == (2, 2) and a2.kernel_size == (3, 3) and len(messages) == 1
    _, messages = _legacy(lambda: convolutional.AtrousConv1D(4, 3, dilation_rate=2))
    assert len(messages) == 1 and 'deprecated' in messages[0]
    c3, _ = _legacy(lambda: layers.Convolution3D(4, 2, 3, 2, border_mode='same'))
    assert c3.kernel_size == (2, 3, 2)
    c3, _ = _legacy(lambda: layers.Convolution3D(4, kernel_dim1=2, kernel_dim2=3,
                                                 kernel_dim3=1))
    assert c3.kernel_size == (2, 3, 1)
    d2, messages = _legacy(lambda: layers.Deconvolution2D(
        4, 3, 3, (None, 8, 8, 4), subsample=(2, 2), border_mode='same'))
    assert (d2.kernel_size, d2.strides, d2.padding) == ((3, 3), (2, 2), 'same')
    assert len(messages) == 1 and 'subsample' in messages[0]
    s2, _ = _legacy(lambda: layers.SeparableConvolution2D(4, 3, 3, init='he_uniform'))
    assert s2.kernel_size == (3, 3)
    he_uniform = initializers.serialize(initializers.get('he_uniform'))
    assert initializers.serialize(s2.depthwise_initializer) == he_uniform
    assert initializers.serialize(s2.pointwise_initializer) == he_uniform


def test_keras1_resizing_layers():
    up, messages = _legacy(lambda: layers.UpSampling1D(length=3))
    assert up.size == (3,) and len(messages) == 1
    up2, _ = _legacy(lambda: layers.UpSampling2D((2, 2), dim_ordering='th'))
    assert up2.data_format == 'channels_first'
    zp, _ = _legacy(lambda: layers.ZeroPadding2D(padding={'top_pad': 1, 'right_pad': 2}))
    assert zp.padding == ((1, 0), (0, 2))
    cr, _ = _legacy(lambda: layers.Cropping2D(((1, 1), (2, 2)), dim_ordering='tf'))
    assert cr.data_format == 'channels_last'


def test_aliases():
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Deconvolution2D is layers.Conv2DTranspose
    assert layers.Deconvolution3D is layers.Conv3DTranspose
    assert convolutional.SeparableConvolution1D is layers.SeparableConv1D
    assert convolutional.Deconv2D is layers.Conv2DTranspose
    assert convolutional.MaxPooling2D is layers.MaxPooling2D
    assert isinstance(layers.DepthwiseConv2D(3), layers.Conv2D)
    assert isinstance(layers.Conv2DTranspose(2, 3), layers.Conv2D)


# ------------------------------------------------------------------ errors
def test_conv_errors():
    with pytest.raises(ValueError):
        layers.Conv1D(2, 3, padding='causal', data_format='channels_first')
    with pytest.raises(ValueError):
        layers.Conv2D(2, 3, padding='causal')
    with pytest.raises(ValueError):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError):
        layers.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match='channel dimension'):
        layers.Conv2D(2, 3)(Input((5, 5, None)))
    layer = layers.Conv2D(2, 3)
    layer(Input((5, 5, 3)))
    with pytest.raises(ValueError):
        layer(Input((5, 5, 4)))
    with pytest.raises(ValueError):
        layers.Conv2D(2, 3)(Input((5, 3)))


# ------------------------------------------------------- up-sampling, padding, crop
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_upsampling_nearest(data_format):
    x2, x3 = data(2, 3, 4, 2), data(1, 2, 3, 2, 2)
    first = data_format == 'channels_first'
    out = layers.UpSampling2D((2, 3), data_format=data_format)(
        torch.as_tensor(to_first(x2) if first else x2)).numpy()
    close(to_last(out) if first else out, x2.repeat(2, axis=1).repeat(3, axis=2))
    out = layers.UpSampling3D((1, 2, 3), data_format=data_format)(
        torch.as_tensor(to_first(x3) if first else x3)).numpy()
    close(to_last(out) if first else out, x3.repeat(2, axis=2).repeat(3, axis=3))
    x1 = data(2, 3, 4)
    close(layers.UpSampling1D(3)(torch.as_tensor(x1)).numpy(), x1.repeat(3, axis=1))


def np_bilinear_axis(x, axis, factor):
    """Keras 2.3.1 (TF1 resize_bilinear): source position i / factor."""
    n = x.shape[axis]
    out = []
    for i in range(n * factor):
        src = i / factor
        lo = int(np.floor(src))
        hi = min(lo + 1, n - 1)
        frac = src - lo
        out.append(np.take(x, lo, axis) * (1 - frac) + np.take(x, hi, axis) * frac)
    return np.stack(out, axis=axis)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_upsampling2d_bilinear(data_format):
    x = data(2, 3, 4, 2)
    first = data_format == 'channels_first'
    out = layers.UpSampling2D((2, 3), data_format=data_format, interpolation='bilinear')(
        torch.as_tensor(to_first(x) if first else x)).numpy()
    close(to_last(out) if first else out, np_bilinear_axis(np_bilinear_axis(x, 1, 2), 2, 3))
    with pytest.raises(ValueError):
        layers.UpSampling2D(interpolation='bicubic')


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_zero_padding_and_cropping(data_format):
    first = data_format == 'channels_first'
    x = data(2, 5, 6, 3)
    xin = torch.as_tensor(to_first(x) if first else x)
    pads = ((1, 2), (0, 3))
    out = layers.ZeroPadding2D(pads, data_format=data_format)(xin).numpy()
    close(to_last(out) if first else out, np.pad(x, ((0, 0),) + pads + ((0, 0),)))
    out = layers.Cropping2D(((1, 2), (0, 3)), data_format=data_format)(xin).numpy()
    close(to_last(out) if first else out, x[:, 1:3, 0:3])
    x3 = data(1, 4, 3, 5, 2)
    out = layers.ZeroPadding3D(((1, 0), (0, 1), (2, 2)), data_format=data_format)(
        torch.as_tensor(to_first(x3) if first else x3)).numpy()
    close(to_last(out) if first else out,
          np.pad(x3, ((0, 0), (1, 0), (0, 1), (2, 2), (0, 0))))
    out = layers.Cropping3D(((1, 0), (0, 1), (2, 2)), data_format=data_format)(
        torch.as_tensor(to_first(x3) if first else x3)).numpy()
    close(to_last(out) if first else out, x3[:, 1:, :2, 2:3])
    x1 = data(2, 5, 3)
    close(layers.ZeroPadding1D((2, 1))(torch.as_tensor(x1)).numpy(),
          np.pad(x1, ((0, 0), (2, 1), (0, 0))))
    close(layers.Cropping1D((2, 1))(torch.as_tensor(x1)).numpy(), x1[:, 2:4])


def test_resizing_shapes_and_errors():
    assert layers.UpSampling2D((2, 3)).compute_output_shape((None, 4, None, 3)) == \
        (None, 8, None, 3)
    assert layers.Cropping2D(1, data_format='channels_first').compute_output_shape(
        (None, 3, 5, 6)) == (None, 3, 3, 4)
    assert layers.ZeroPadding3D(1).compute_output_shape((None, 2, 2, None, 1)) == \
        (None, 4, 4, None, 1)
    with pytest.raises(ValueError, match='removes more than the whole axis'):
        layers.Cropping1D((3, 3))(Input((5, 2)))
    # cropping a whole axis leaves it empty, as in Keras 2.3.1
    assert layers.Cropping1D((2, 2)).compute_output_shape((None, 4, 2)) == (None, 0, 2)
    assert layers.Cropping1D((2, 2))(torch.zeros(3, 4, 2)).shape == (3, 0, 2)
    with pytest.raises(ValueError):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError):
        layers.Cropping2D(((1, 2, 3), (1, 1)))


def test_channels_last_runs_without_copying_the_input():
    layer = layers.Conv2D(4, 3, padding='same')
    x = torch.randn(2, 6, 6, 3)
    out = layer(x)
    assert out.is_contiguous()  # NHWC result of a channels_last torch convolution
    model = Model(*(lambda i: (i, layers.MaxPooling2D()(layers.Conv2D(2, 3)(i))))(
        Input((8, 8, 3))))
    assert model.predict(data(2, 8, 8, 3)).shape == (2, 3, 3, 2)


def test_keras1_configs_deserialize():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        conv = layers.deserialize({'class_name': 'Convolution2D', 'config': {
            'name': 'c', 'trainable': True, 'nb_filter': 8, 'nb_row': 3, 'nb_col': 2,
            'init': 'glorot_uniform', 'activation': 'relu', 'border_mode': 'same',
            'subsample': [1, 1], 'dim_ordering': 'th', 'W_regularizer': None,
            'b_regularizer': None, 'activity_regularizer': None, 'W_constraint': None,
            'b_constraint': None, 'bias': True, 'batch_input_shape': [None, 3, 8, 8],
            'input_dtype': 'float32'}})
        atrous = layers.deserialize({'class_name': 'AtrousConvolution1D', 'config': {
            'name': 'a', 'nb_filter': 4, 'filter_length': 3, 'atrous_rate': 2,
            'border_mode': 'same', 'subsample_length': 1, 'input_dim': 5,
            'input_length': None}})
    assert (conv.filters, conv.kernel_size, conv.data_format) == (8, (3, 2), 'channels_first')
    assert isinstance(atrous, layers.Conv1D) and atrous.dilation_rate == (2,)
    assert atrous.batch_input_shape == (None, None, 5)


def test_depthwise_conv2d_call_accepts_training():
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2)
    x = torch.rand(2, 5, 5, 3)
    plain = layer(x)
    np.testing.assert_array_equal(layer(x, training=True).detach().numpy(),
                                  plain.detach().numpy())
    assert tuple(plain.shape) == (2, 3, 3, 6)


@pytest.mark.parametrize('layer_cls,input_shape', [
    (layers.Conv1D, (2, 5, 2)), (layers.Conv2D, (2, 5, 4, 2)), (layers.Conv3D, (2, 4, 4, 3, 2))])
def test_convolution_under_float64_floatx(layer_cls, input_shape):
    from keras import backend as K
    K.set_floatx('float64')
    try:
        out = layer_test(layer_cls, kwargs={'filters': 3, 'kernel_size': 2},
                         input_shape=input_shape)
        layer = layer_cls(3, 2)
        layer.build(input_shape)
        assert layer.kernel.dtype == torch.float64
    finally:
        K.set_floatx('float32')
    assert out.dtype == np.float64


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_keras1_deconvolution_output_shape_sets_the_output_size(data_format):
    """Keras 1's convolutional VAE: ``Deconvolution2D(f, 2, 2, (batch, 29, 29, f),
    border_mode='valid', subsample=(2, 2))`` on 14x14 inputs gives 29x29, where
    the Keras 2 default would be 28x28."""
    import warnings
    from keras.engine.input_layer import Input
    from keras.engine.training import Model
    first = data_format == 'channels_first'
    shape = (4, 14, 14) if first else (14, 14, 4)
    wanted = (None, 3, 29, 29) if first else (None, 29, 29, 3)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        layer = layers.Deconvolution2D(3, 2, 2, wanted, border_mode='valid', subsample=(2, 2),
                                       dim_ordering='th' if first else 'tf')
    x = Input(shape)
    model = Model(x, layer(x))
    assert model.output_shape == wanted
    assert layer.output_padding == (1, 1) and layer.get_config()['output_padding'] == (1, 1)
    out = model.predict(np.ones((2,) + shape, dtype='float32'))
    assert out.shape == (2,) + wanted[1:]
    again = layers.Conv2DTranspose.from_config(layer.get_config())
    assert again.compute_output_shape((None,) + shape) == wanted
    # without the batch axis (as Keras 2.3.1's own legacy test writes it)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        layer = layers.Deconvolution2D(3, 2, 2, wanted[1:], subsample=(2, 2),
                                       dim_ordering='th' if first else 'tf')
    assert Model(x, layer(x)).output_shape == wanted
    # a size no padding reaches is ignored, with a warning, as Keras 2 ignored them all
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        too_big = layers.Deconvolution2D(3, 2, 2, (None, 31, 31, 3), subsample=(2, 2),
                                         name='up')
    with pytest.warns(UserWarning, match=r'up.*ignored.*\[28, 29\], not 31'):
        y = too_big(Input((14, 14, 4)))
    assert y.shape == (None, 28, 28, 3) and too_big.output_padding is None
