"""Convolution and pooling on Keras layouts.

Kernels are in Keras's shapes (conv2d ``(kh, kw, in, out)``, depthwise
``(kh, kw, in, multiplier)``, transposed ``(kh, kw, out, in)``); data is
channels_last unless ``data_format`` (default :func:`image_data_format`) says
otherwise.  Channels_last data is handed to torch as a permuted view, so
torch runs it in its ``channels_last`` memory format without copies.
``'same'`` padding follows TensorFlow: the output has ``ceil(n / stride)``
steps and an odd total padding puts the extra entry at the end.
"""
import torch
import torch.nn.functional as F

from keras.backend.config import normalize_data_format
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor

__all__ = [
    'conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'conv3d_transpose',
    'separable_conv1d', 'separable_conv2d', 'depthwise_conv2d', 'pool2d',
    'pool3d', 'local_conv1d', 'local_conv2d',
]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def _tuple(value, n):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    return value * n if len(value) == 1 and n > 1 else value


def _to_channels_first(x, data_format):
    if data_format == 'channels_first':
        return x
    return torch.movedim(x, -1, 1)


def _from_channels_first(x, data_format):
    if data_format == 'channels_first':
        return x
    return torch.movedim(x, 1, -1)


def _same_pads(sizes, kernel, strides, dilation):
    """TensorFlow 'same' padding: list of ``(before, after)`` per spatial axis."""
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        k_eff = (k - 1) * d + 1
        out = -(-n // s)
        total = max((out - 1) * s + k_eff - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _pad_input(x, padding, kernel, strides, dilation, value=0.):
    """Pad a channels_first ``x``; return ``(x, symmetric_torch_padding)``."""
    if padding == 'valid':
        return x, 0
    if padding != 'same':
        raise ValueError('Invalid padding: ' + str(padding))
    pads = _same_pads(x.shape[2:], kernel, strides, dilation)
    if all(b == a for b, a in pads):
        return x, tuple(b for b, _ in pads)
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return F.pad(x, tuple(flat), value=value), 0


def _conv(x, weight, strides, padding, data_format, dilation, groups=1):
    """Shared body: ``weight`` is torch-layout ``(out, in/groups, *k)``."""
    nd = weight.ndim - 2
    x = _to_channels_first(as_tensor(x), normalize_data_format(data_format))
    weight = weight.to(device=x.device, dtype=x.dtype)
    strides, dilation = _tuple(strides, nd), _tuple(dilation, nd)
    x, pad = _pad_input(x, padding, weight.shape[2:], strides, dilation)
    out = _CONV[nd](x, weight, None, strides, pad, dilation, groups)
    return _from_channels_first(out, normalize_data_format(data_format))


def _keras_kernel(kernel):
    """Keras ``(*k, in, out)`` -> torch ``(out, in, *k)`` (a view)."""
    kernel = as_tensor(kernel)
    nd = kernel.ndim - 2
    return kernel.permute(nd + 1, nd, *range(nd))


@symbolic
def conv1d(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """1-D convolution; kernel ``(k, in, out)``; padding ``'valid'``, ``'same'`` or
    ``'causal'`` (left padding only, channels_last only).
    """
    data_format = normalize_data_format(data_format)
    if padding == 'causal':
        if data_format != 'channels_last':
            raise ValueError('When using causal padding in `conv1d`, `data_format` '
                             'must be "channels_last" (temporal data).')
        left = _tuple(dilation_rate, 1)[0] * (int(kernel.shape[0]) - 1)
        x = F.pad(as_tensor(x), (0, 0, left, 0))
        padding = 'valid'
    return _conv(x, _keras_kernel(kernel), strides, padding, data_format, dilation_rate)


@symbolic
def conv2d(x, kernel, strides=(1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1)):
    """2-D convolution; kernel ``(kh, kw, in, out)``."""
    return _conv(x, _keras_kernel(kernel), strides, padding, data_format, dilation_rate)


@symbolic
def conv3d(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution; kernel ``(kd, kh, kw, in, out)``."""
    return _conv(x, _keras_kernel(kernel), strides, padding, data_format, dilation_rate)


def _depthwise_weight(kernel):
    """Keras ``(*k, in, mult)`` -> torch grouped ``(in * mult, 1, *k)``."""
    kernel = as_tensor(kernel)
    nd = kernel.ndim - 2
    k = kernel.reshape(tuple(kernel.shape[:nd]) + (-1,))
    return k.permute(nd, *range(nd)).unsqueeze(1)


@symbolic
def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding='valid',
                     data_format=None, dilation_rate=(1, 1)):
    """Per-channel 2-D convolution; kernel ``(kh, kw, in, multiplier)``; output
    channel ``c * multiplier + m``.
    """
    weight = _depthwise_weight(depthwise_kernel)
    return _conv(x, weight, strides, padding, data_format, dilation_rate,
                 groups=int(depthwise_kernel.shape[-2]))


@symbolic
def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding='valid', data_format=None, dilation_rate=(1, 1)):
    """Depthwise convolution (with the strides and padding) then a 1x1 convolution."""
    out = depthwise_conv2d(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return _conv(out, _keras_kernel(pointwise_kernel), 1, 'valid', data_format, 1)


@symbolic
def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1,
                     padding='valid', data_format=None, dilation_rate=1):
    """1-D separable convolution; kernels ``(k, in, mult)`` and ``(1, in * mult, out)``."""
    weight = _depthwise_weight(depthwise_kernel)
    out = _conv(x, weight, strides, padding, data_format, dilation_rate,
                groups=int(depthwise_kernel.shape[-2]))
    return _conv(out, _keras_kernel(pointwise_kernel), 1, 'valid', data_format, 1)


def _conv_transpose(x, kernel, output_shape, strides, padding, data_format, dilation):
    """Transposed convolution to a given output size (TensorFlow's rule)."""
    data_format = normalize_data_format(data_format)
    kernel = as_tensor(kernel)
    nd = kernel.ndim - 2
    x = _to_channels_first(as_tensor(x), data_format)
    # Keras (*k, out, in) -> torch (in, out, *k)
    weight = kernel.permute(nd + 1, nd, *range(nd)).to(device=x.device, dtype=x.dtype)
    strides, dilation = _tuple(strides, nd), _tuple(dilation, nd)
    spatial = output_shape[2:] if data_format == 'channels_first' else output_shape[1:-1]
    spatial = [int(s) for s in spatial]
    k = weight.shape[2:]
    if padding == 'same':
        pads = _same_pads(spatial, k, strides, dilation)
    elif padding == 'valid':
        pads = [(0, 0)] * nd
    else:
        raise ValueError('Invalid padding: ' + str(padding))
    full = [(n - 1) * s + (kk - 1) * d + 1
            for n, s, kk, d in zip(x.shape[2:], strides, k, dilation)]
    crop = [max(0, min(b, f - b - o)) for (b, _), f, o in zip(pads, full, spatial)]
    out = _CONV_T[nd](x, weight, None, strides, tuple(crop), 0, 1, dilation)
    index = [slice(None), slice(None)]
    extra = []
    for (b, _), c, o, n in zip(pads, crop, spatial, out.shape[2:]):
        start = b - c
        index.append(slice(start, start + o))
        extra.append(max(0, start + o - n))
    out = out[tuple(index)]
    if any(extra):
        flat = []
        for e in reversed(extra):
            flat += [0, e]
        out = F.pad(out, tuple(flat))
    return _from_channels_first(out, data_format)


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
    x = _to_channels_first(as_tensor(x), data_format)
    pool_size, strides = _tuple(pool_size, nd), _tuple(strides, nd)
    pads = (_same_pads(x.shape[2:], pool_size, strides, (1,) * nd)
            if padding == 'same' else [(0, 0)] * nd)
    if padding not in ('same', 'valid'):
        raise ValueError('Invalid padding: ' + str(padding))
    fits = all(b == a and 2 * b <= k for (b, a), k in zip(pads, pool_size))
    fn = getattr(F, '%s_pool%dd' % (pool_mode, nd))
    if fits:
        pad = tuple(b for b, _ in pads)
        if pool_mode == 'max':
            out = fn(x, pool_size, strides, pad)
        else:
            out = fn(x, pool_size, strides, pad, count_include_pad=False)
    else:
        flat = []
        for before, after in reversed(pads):
            flat += [before, after]
        if pool_mode == 'max':
            out = fn(F.pad(x, tuple(flat), value=float('-inf')), pool_size, strides)
        else:
            ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
            count = fn(F.pad(ones, tuple(flat)), pool_size, strides)
            out = fn(F.pad(x, tuple(flat)), pool_size, strides) / count
    return _from_channels_first(out, data_format)


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
