"""Reshaping, joining, padding, repeating and slicing torch tensors."""
import builtins

import torch
import torch.nn.functional as F

from keras.backend.config import floatx, normalize_data_format
from keras.backend.session import get_device
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor, to_torch_dtype

__all__ = [
    'concatenate', 'reshape', 'permute_dimensions', 'resize_images',
    'resize_volumes', 'repeat_elements', 'repeat', 'arange', 'tile',
    'flatten', 'batch_flatten', 'expand_dims', 'squeeze', 'temporal_padding',
    'spatial_2d_padding', 'spatial_3d_padding', 'stack', 'one_hot', 'reverse',
    'slice', 'pattern_broadcast',
]

_t = as_tensor


def _tensors(xs):
    xs = [_t(x) for x in xs]
    device = next((x.device for x in xs if isinstance(x, torch.Tensor)), None)
    return [x.to(device) for x in xs]


@symbolic
def concatenate(tensors, axis=-1):
    """Join ``tensors`` along ``axis``."""
    return torch.cat(_tensors(tensors), dim=axis)


@symbolic
def reshape(x, shape):
    """``x`` with a new ``shape`` (one entry may be -1)."""
    return torch.reshape(_t(x), tuple(int(s) for s in shape))


@symbolic
def permute_dimensions(x, pattern):
    """Reorder the axes of ``x`` as ``pattern``, e.g. ``(0, 2, 1)``."""
    return _t(x).permute(*pattern)


def _bilinear_axis(x, axis, factor):
    """Resize one axis by ``factor`` with TF1's bilinear rule (no half-pixel shift)."""
    n = x.shape[axis]
    src = torch.arange(n * factor, device=x.device, dtype=torch.float64) / factor
    i0 = torch.floor(src).long()
    i1 = torch.clamp(i0 + 1, max=n - 1)
    w_shape = [1] * x.ndim
    w_shape[axis] = -1
    w = (src - i0).to(x.dtype).reshape(w_shape)
    x0 = torch.index_select(x, axis, i0)
    x1 = torch.index_select(x, axis, i1)
    return x0 + (x1 - x0) * w


@symbolic
def resize_images(x, height_factor, width_factor, data_format, interpolation='nearest'):
    """Upscale the rows and columns of a 4-D image batch by integer factors.

    Args:
        x: 4-D tensor.
        height_factor, width_factor: Positive integers.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        interpolation: ``'nearest'`` or ``'bilinear'``.
    """
    x = _t(x)
    data_format = normalize_data_format(data_format)
    rows, cols = (2, 3) if data_format == 'channels_first' else (1, 2)
    if interpolation == 'nearest':
        x = torch.repeat_interleave(x, height_factor, dim=rows)
        return torch.repeat_interleave(x, width_factor, dim=cols)
    if interpolation == 'bilinear':
        return _bilinear_axis(_bilinear_axis(x, rows, height_factor), cols, width_factor)
    raise ValueError('interpolation should be one of "nearest" or "bilinear".')


@symbolic
def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Upscale the three spatial axes of a 5-D tensor by repeating entries."""
    x = _t(x)
    if data_format == 'channels_first':
        first = 2
    elif data_format == 'channels_last':
        first = 1
    else:
        raise ValueError('Unknown data_format: ' + str(data_format))
    for i, factor in enumerate((depth_factor, height_factor, width_factor)):
        x = torch.repeat_interleave(x, factor, dim=first + i)
    return x


@symbolic
def repeat_elements(x, rep, axis):
    """Repeat each entry ``rep`` times along ``axis``, like ``np.repeat``."""
    return torch.repeat_interleave(_t(x), rep, dim=axis)


@symbolic
def repeat(x, n):
    """``(samples, dim)`` -> ``(samples, n, dim)``."""
    x = _t(x)
    if x.ndim != 2:
        raise ValueError('K.repeat expects a 2-D tensor, got shape %s.' % (tuple(x.shape),))
    return x.unsqueeze(1).repeat(1, n, 1)


def arange(start, stop=None, step=1, dtype='int32'):
    """1-D tensor ``start, start + step, ...`` below ``stop`` (Theano convention:
    a single argument is the stop, and a negative one gives an empty range).
    """
    if stop is None:
        start, stop = 0, builtins.max(start, 0)
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=get_device())


@symbolic
def tile(x, n):
    """Repeat ``x`` ``n[i]`` times along axis ``i`` (missing leading entries are 1)."""
    x = _t(x)
    n = (n,) if isinstance(n, int) else tuple(n)
    if len(n) < x.ndim:
        n = (1,) * (x.ndim - len(n)) + n
    elif len(n) != x.ndim:
        raise NotImplementedError('K.tile: got %d repeat counts for a %d-D tensor.'
                                  % (len(n), x.ndim))
    return x.repeat(*n)


@symbolic
def flatten(x):
    """``x`` as a 1-D tensor."""
    return torch.reshape(_t(x), (-1,))


@symbolic
def batch_flatten(x):
    """``(batch, ...)`` -> ``(batch, prod(...))``."""
    x = _t(x)
    return torch.reshape(x, (x.shape[0], -1))


@symbolic
def expand_dims(x, axis=-1):
    """Insert a length-1 axis at ``axis`` (-1 appends one)."""
    return torch.unsqueeze(_t(x), axis)


@symbolic
def squeeze(x, axis):
    """Remove the length-1 axis ``axis``."""
    x = _t(x)
    if x.shape[axis] != 1:
        raise ValueError('Can not squeeze axis %d of a tensor of shape %s: its size '
                         'is not 1.' % (axis, tuple(x.shape)))
    return torch.squeeze(x, axis)


@symbolic
def temporal_padding(x, padding=(1, 1)):
    """Zero-pad axis 1 of a 3-D tensor by ``(before, after)``."""
    if len(padding) != 2:
        raise ValueError('`padding` must be a tuple of 2 integers, got %r.' % (padding,))
    return F.pad(_t(x), (0, 0, int(padding[0]), int(padding[1])))


def _pad_spatial(x, padding, data_format, rank):
    if len(padding) != rank or builtins.any(len(p) != 2 for p in padding):
        raise ValueError('`padding` must be %d pairs of integers, got %r.' % (rank, padding))
    data_format = normalize_data_format(data_format)
    pads = []
    for before, after in reversed(padding):
        pads += [int(before), int(after)]
    if data_format == 'channels_last':
        pads = [0, 0] + pads
    return F.pad(_t(x), tuple(pads))


@symbolic
def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Zero-pad rows and columns of a 4-D tensor: ``((top, bottom), (left, right))``."""
    return _pad_spatial(x, padding, data_format, 2)


@symbolic
def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Zero-pad the three spatial axes of a 5-D tensor."""
    return _pad_spatial(x, padding, data_format, 3)


@symbolic
def stack(x, axis=0):
    """Stack a list of same-shaped tensors along a new ``axis``."""
    return torch.stack(_tensors(x), dim=axis)


@symbolic
def one_hot(indices, num_classes):
    """One-hot encode integer ``indices`` into a new last axis (``floatx``).

    Out-of-range indices give all-zero rows, as TensorFlow.
    """
    idx = torch.as_tensor(indices, device=indices.device if isinstance(
        indices, torch.Tensor) else get_device()).long()
    valid = (idx >= 0) & (idx < num_classes)
    out = F.one_hot(torch.where(valid, idx, torch.zeros_like(idx)), num_classes)
    out = out * valid.unsqueeze(-1)
    return out.to(to_torch_dtype(floatx()))


@symbolic
def reverse(x, axes):
    """Flip ``x`` along ``axes`` (int or list)."""
    axes = [axes] if isinstance(axes, int) else list(axes)
    return torch.flip(_t(x), dims=axes)


@symbolic
def slice(x, start, size):
    """``x[start[0]:start[0] + size[0], ...]``; a size of -1 runs to the end.

    Raises:
        ValueError: if ``start``/``size`` lengths differ from ``ndim(x)``.
    """
    x = _t(x)
    start = [int(s) for s in start]
    size = [int(s) for s in size]
    if not (x.ndim == len(start) == len(size)):
        raise ValueError('The dimension and the size of indices should match.')
    index = tuple(builtins.slice(b, None if n == -1 else b + n) for b, n in zip(start, size))
    return x[index]


@symbolic
def pattern_broadcast(x, broadcastable):
    """Mark the axes flagged in ``broadcastable`` as broadcastable (Keras's
    Theano backend).  Tensors here broadcast by shape, so this returns ``x``
    after checking that each flagged axis has size 1.

    Example:
        >>> alpha = K.pattern_broadcast(K.zeros((1, 1, 8)), [True, True, False])
    """
    x = _t(x)
    flags = list(broadcastable)
    if len(flags) != x.ndim:
        raise ValueError('pattern_broadcast: `broadcastable` has %d entries but the tensor has '
                         '%d axes (shape %s).' % (len(flags), x.ndim, tuple(x.shape)))
    for axis, (flag, size) in enumerate(zip(flags, x.shape)):
        if flag and size != 1:
            raise ValueError('pattern_broadcast: axis %d is marked broadcastable but has size '
                             '%d (shape %s); only axes of size 1 can broadcast.'
                             % (axis, size, tuple(x.shape)))
    return x
