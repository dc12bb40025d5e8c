"""Convolution and pooling on Keras layouts: the ``K.conv*`` / ``K.pool*`` API.

Kernels are in Keras's shapes (conv2d ``(kh, kw, in, out)``, depthwise
``(kh, kw, in, multiplier)``, transposed ``(kh, kw, out, in)``); data is
channels_last unless ``data_format`` (default :func:`image_data_format`) says
otherwise.  These functions convert their arguments (tensors, tuples, the
data format) and call :mod:`keras.backend.conv_core`, which holds the rules
(TensorFlow's ``'same'`` padding, kernel layouts, channels order) shared with
the layers.  ``local_conv1d`` / ``local_conv2d`` (unshared weights) live here.
"""
import torch

from keras.backend import conv_core
from keras.backend.config import normalize_data_format
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor

__all__ = [
    'conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'conv3d_transpose',
    'separable_conv1d', 'separable_conv2d', 'depthwise_conv2d', 'pool2d',
    'pool3d', 'local_conv1d', 'local_conv2d',
]


def _tuple(value, n):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    return value * n if len(value) == 1 and n > 1 else value


def _weight(kernel, x, layout=conv_core.torch_kernel):
    """A Keras-layout kernel in torch's layout, on ``x``'s device and dtype."""
    return layout(as_tensor(kernel)).to(device=x.device, dtype=x.dtype)


def _no_causal(padding):
    """``'causal'`` padding is for ``conv1d`` only."""
    if padding == 'causal':
        raise ValueError('Invalid padding: ' + str(padding))


def _conv(x, kernel, strides, padding, data_format, dilation, depthwise=False):
    """``x`` in ``data_format`` convolved by a Keras-layout (or depthwise) kernel."""
    data_format = normalize_data_format(data_format)
    x = conv_core.to_channels_first(as_tensor(x), data_format)
    nd = x.dim() - 2
    weight = _weight(kernel, x, conv_core.depthwise_kernel if depthwise else
                     conv_core.torch_kernel)
    out = conv_core.conv(x, weight, None, _tuple(strides, nd), padding, _tuple(dilation, nd),
                         int(x.shape[1]) if depthwise else 1)
    return conv_core.from_channels_first(out, data_format)


@symbolic
def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """1-D convolution; kernel ``(k, in, out)``; padding ``'valid'``, ``'same'`` or
    ``'causal'`` (left padding only, channels_last only).
    """
    if padding == 'causal' and normalize_data_format(data_format) != 'channels_last':
        raise ValueError('When using causal padding in `conv1d`, `data_format` '
                         'must be "channels_last" (temporal data).')
    return _conv(x, kernel, strides, padding, data_format, dilation_rate)


@symbolic
def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    """2-D convolution; kernel ``(kh, kw, in, out)``."""
    _no_causal(padding)
    return _conv(x, kernel, strides, padding, data_format, dilation_rate)


@symbolic
def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution; kernel ``(kd, kh, kw, in, out)``."""
    _no_causal(padding)
    return _conv(x, kernel, strides, padding, data_format, dilation_rate)


@symbolic
def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """Per-channel 2-D convolution; kernel ``(kh, kw, in, multiplier)``; output
    channel ``c * multiplier + m``.
    """
    _no_causal(padding)
    return _conv(x, depthwise_kernel, strides, padding, data_format, dilation_rate,
                 depthwise=True)


def _separable(x, depthwise_kernel, pointwise_kernel, strides, padding, data_format,
               dilation):
    _no_causal(padding)
    data_format = normalize_data_format(data_format)
    x = conv_core.to_channels_first(as_tensor(x), data_format)
    nd = x.dim() - 2
    out = conv_core.separable_conv(
        x, _weight(depthwise_kernel, x, conv_core.depthwise_kernel),
        _weight(pointwise_kernel, x), None, _tuple(strides, nd), padding, _tuple(dilation, nd))
    return conv_core.from_channels_first(out, data_format)


@symbolic
def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding='valid', data_format=None, dilation_rate=(1, 1)):
    """Depthwise convolution (with the strides and padding) then a 1x1 convolution."""
    return _separable(x, depthwise_kernel, pointwise_kernel, strides, padding, data_format,
                      dilation_rate)


@symbolic
def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1,
                     padding='valid', data_format=None, dilation_rate=1):
    """1-D separable convolution; kernels ``(k, in, mult)`` and ``(1, in * mult, out)``."""
    return _separable(x, depthwise_kernel, pointwise_kernel, strides, padding, data_format,
                      dilation_rate)


def _conv_transpose(x, kernel, output_shape, strides, padding, data_format, dilation):
    """Transposed convolution to a given output shape (TensorFlow's rule)."""
    data_format = normalize_data_format(data_format)
    x = conv_core.to_channels_first(as_tensor(x), data_format)
    nd = x.dim() - 2
    weight = _weight(kernel, x)   # Keras (*k, out, in) -> torch (in, out, *k)
    spatial = output_shape[2:] if data_format == 'channels_first' else output_shape[1:-1]
    out = conv_core.conv_transpose_to(x, weight, [int(s) for s in spatial],
                                      _tuple(strides, nd), padding, _tuple(dilation, nd))
    return conv_core.from_channels_first(out, data_format)


@symbolic
def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """Transposed 2-D convolution; kernel ``(kh, kw, out, in)``; ``output_shape`` is
    the full output shape (batch entry may be ``None``).
    """
    return _conv_transpose(x, kernel, output_shape, strides, padding, data_format,
                           dilation_rate)


@symbolic
def conv3d_transpose(x, kernel, output_shape, strides=(1, 1, 1), padding='valid',
                     data_format=None):
    """Transposed 3-D convolution; kernel ``(kd, kh, kw, out, in)``."""
    return _conv_transpose(x, kernel, output_shape, strides, padding, data_format, 1)


def _pool(x, pool_size, strides, padding, data_format, pool_mode, nd):
    data_format = normalize_data_format(data_format)
    if pool_mode not in ('max', 'avg'):
        raise ValueError('Invalid pool_mode: ' + str(pool_mode))
    if padding not in ('same', 'valid'):
        raise ValueError('Invalid padding: ' + str(padding))
    x = conv_core.to_channels_first(as_tensor(x), data_format)
    out = conv_core.pool(x, pool_mode, _tuple(pool_size, nd), _tuple(strides, nd), padding)
    return conv_core.from_channels_first(out, data_format)


@symbolic
def pool2d(x, pool_size, strides=(1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    """2-D max or average pooling; ``'same'`` padding ignores the padded entries."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 2)


@symbolic
def pool3d(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None,
           pool_mode='max'):
    """3-D max or average pooling."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 3)


@symbolic
def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """1-D convolution with unshared weights (channels_last input).

    Args:
        inputs: ``(batch, steps, channels)``.
        kernel: ``(output_length, kernel_size * channels, filters)``.
        kernel_size, strides: 1-tuples.
    """
    x = as_tensor(inputs)
    kernel = as_tensor(kernel)
    length, feat, _ = kernel.shape
    k, s = _tuple(kernel_size, 1)[0], _tuple(strides, 1)[0]
    patches = x.unfold(1, k, s)[:, :length]             # (b, L, c, k)
    patches = patches.transpose(2, 3).reshape(x.shape[0], length, feat)
    return torch.einsum('blf,lfo->blo', patches, kernel.to(device=x.device, dtype=x.dtype))


@symbolic
def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """2-D convolution with unshared weights.

    Args:
        inputs: 4-D tensor in ``data_format``.
        kernel: ``(rows * cols, kh * kw * channels, filters)``; the features of
            a patch are ordered ``(kh, kw, c)`` for channels_last and
            ``(c, kh, kw)`` for channels_first.
        kernel_size, strides: 2-tuples.
        output_shape: ``(rows, cols)``.
    """
    data_format = normalize_data_format(data_format)
    x = as_tensor(inputs)
    kernel = as_tensor(kernel)
    (kh, kw), (sh, sw) = _tuple(kernel_size, 2), _tuple(strides, 2)
    rows, cols = output_shape
    feat, filters = kernel.shape[1], kernel.shape[2]
    if data_format == 'channels_first':
        p = x.unfold(2, kh, sh).unfold(3, kw, sw)[:, :, :rows, :cols]  # b c r q kh kw
        p = p.permute(0, 2, 3, 1, 4, 5)
    else:
        p = x.unfold(1, kh, sh).unfold(2, kw, sw)[:, :rows, :cols]     # b r q c kh kw
        p = p.permute(0, 1, 2, 4, 5, 3)
    p = p.reshape(x.shape[0], rows * cols, feat)
    out = torch.einsum('bpf,pfo->bpo', p, kernel.to(device=x.device, dtype=x.dtype))
    out = out.reshape(x.shape[0], rows, cols, filters)
    return out.permute(0, 3, 1, 2) if data_format == 'channels_first' else out
