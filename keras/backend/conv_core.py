"""The convolution core: TensorFlow's convolution and pooling rules on torch ops.

One place for what every convolution in Keras Classic needs, shared by the
layers (``keras.layers.convolutional``, ``pooling``, ``convolutional_recurrent``)
and the backend API (``K.conv2d``, ``K.pool2d``, ... in :mod:`conv_ops`):

- channels order: :func:`to_channels_first` / :func:`from_channels_first`
  (permuted views, no copies: channels_last data keeps its memory layout,
  which torch's kernels run as their ``channels_last`` format);
- padding: :func:`same_padding` (TensorFlow's ``'same'``: ``ceil(n / stride)``
  output steps, the extra entry of an odd total padding at the end),
  :func:`torch_padding`, :func:`pad_input` (``'valid'``, ``'same'``,
  ``'causal'``), :func:`transpose_padding`;
- kernel layouts: Keras ``(*k, in, out)`` <-> torch ``(out, in, *k)``
  (:func:`torch_kernel`, :func:`keras_kernel`; the same permutation turns a
  transposed kernel ``(*k, out, in)`` into torch's ``(in, out, *k)``) and
  depthwise ``(*k, in, multiplier)`` <-> ``(in * multiplier, 1, *k)``;
- the calls: :func:`conv`, :func:`separable_conv`, :func:`conv_transpose`
  (layers) and :func:`conv_transpose_to` (``K.conv*_transpose``, any output
  size), :func:`pool`.

Data here is channels_first and kernels are in torch's layout; the callers
convert at their edge (layers once per call, views only).
"""
import torch
import torch.nn.functional as F

__all__ = ['to_channels_first', 'from_channels_first', 'same_padding', 'torch_padding',
           'pad_input', 'transpose_padding', 'torch_kernel', 'keras_kernel',
           'depthwise_kernel', 'keras_depthwise_kernel', 'conv', 'separable_conv',
           'conv_transpose', 'conv_transpose_to', 'pool']

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


# ------------------------------------------------------------ channels order
def to_channels_first(x, data_format):
    """A channels_first view of ``x`` (no copy)."""
    if data_format == 'channels_first':
        return x
    return x.permute(0, x.dim() - 1, *range(1, x.dim() - 1))


def from_channels_first(x, data_format):
    """Undo :func:`to_channels_first` on a result."""
    if data_format == 'channels_first':
        return x
    return x.permute(0, *range(2, x.dim()), 1)


# ------------------------------------------------------------------- padding
def same_padding(input_length, kernel_size, stride, dilation=1):
    """TensorFlow's ``'same'`` padding along one axis: ``(before, after)``.

    The output has ``ceil(input_length / stride)`` steps; when the total
    padding is odd the extra entry goes at the end.
    """
    dilated = (kernel_size - 1) * dilation + 1
    steps = -(-input_length // stride)
    total = max((steps - 1) * stride + dilated - input_length, 0)
    return total // 2, total - total // 2


def torch_padding(pads):
    """Split per-axis ``(before, after)`` pairs for a torch op.

    Returns ``(symmetric, extra)``: ``symmetric`` is the tuple to give the
    torch op's ``padding`` argument and ``extra`` is ``None`` or the
    ``F.pad`` argument (last axis first) for what remains, which is needed
    only when some axis pads one more entry at the end than at the start.
    """
    symmetric = tuple(before for before, _ in pads)
    if all(before == after for before, after in pads):
        return symmetric, None
    extra = []
    for before, after in reversed(pads):
        extra += [0, after - before]
    return symmetric, tuple(extra)


def pad_input(x, padding, kernel_size, strides, dilation, value=0.):
    """Pad a channels_first ``x`` as TensorFlow would for a convolution.

    Returns ``(x, torch_padding)``: ``x`` padded where torch cannot (the
    extra end entry of ``'same'``, the left padding of ``'causal'``, which
    pads the last axis by ``dilation * (kernel - 1)``) and the symmetric
    padding to give the torch op.
    """
    if padding == 'valid':
        return x, 0
    if padding == 'causal':
        return F.pad(x, (dilation[0] * (kernel_size[0] - 1), 0), value=value), 0
    if padding != 'same':
        raise ValueError('Invalid padding: ' + str(padding))
    pads = [same_padding(n, k, s, d) for n, k, s, d in zip(x.shape[2:], kernel_size, strides,
                                                             dilation)]
    symmetric, extra = torch_padding(pads)
    if extra is not None:
        x = F.pad(x, extra, value=value)
    return x, symmetric


def transpose_padding(input_length, output_length, kernel_size, stride, padding, dilation=1):
    """TensorFlow's transposed convolution to ``output_length`` along one axis.

    The result is the full transposed convolution (length ``(input_length -
    1) * stride + dilated_kernel``) from offset ``before`` (``'same'``: the
    ``before`` of :func:`same_padding` of the output; ``'valid'``: 0), zeros
    past its end.  Returns ``(before, extra)``: torch's ``padding`` is
    ``before`` and ``extra`` is what the output lacks after it (torch's
    ``output_padding`` when positive; a crop at the end when negative).
    """
    if padding == 'same':
        before = same_padding(output_length, kernel_size, stride, dilation)[0]
    elif padding == 'valid':
        before = 0
    else:
        raise ValueError('Invalid padding: ' + str(padding))
    full = (input_length - 1) * stride + (kernel_size - 1) * dilation + 1
    return before, output_length - (full - 2 * before)


# ------------------------------------------------------------ kernel layouts
def torch_kernel(kernel):
    """Keras ``(*k, in, out)`` -> torch ``(out, in, *k)`` (a view); also a
    transposed kernel, Keras ``(*k, out, in)`` -> torch ``(in, out, *k)``."""
    nd = kernel.dim() - 2
    return kernel.permute(nd + 1, nd, *range(nd))


def keras_kernel(weight):
    """Torch ``(out, in, *k)`` -> Keras ``(*k, in, out)`` (a view); the inverse
    of :func:`torch_kernel`."""
    nd = weight.dim() - 2
    return weight.permute(*range(2, nd + 2), 1, 0)


def depthwise_kernel(kernel):
    """Keras ``(*k, in, multiplier)`` -> torch grouped ``(in * multiplier, 1, *k)``;
    output channel ``c * multiplier + m``, as in TensorFlow."""
    nd = kernel.dim() - 2
    flat = kernel.reshape(tuple(kernel.shape[:nd]) + (-1,))
    return flat.permute(nd, *range(nd)).unsqueeze(1)


def keras_depthwise_kernel(weight, multiplier):
    """Torch ``(in * multiplier, 1, *k)`` -> Keras ``(*k, in, multiplier)``; the
    inverse of :func:`depthwise_kernel`."""
    nd = weight.dim() - 2
    flat = weight.squeeze(1).permute(*range(1, nd + 1), 0)
    return flat.reshape(tuple(flat.shape[:nd]) + (-1, multiplier))


# --------------------------------------------------------------------- calls
def conv(x, weight, bias=None, strides=1, padding='valid', dilation=1, groups=1):
    """Convolution of a channels_first ``x`` by a torch-layout ``weight``.

    Args:
        x: ``(batch, channels, *spatial)``.
        weight: ``(out, in / groups, *k)``.
        bias: ``(out,)`` or None.
        strides, dilation: tuples, one entry per spatial axis.
        padding: ``'valid'``, ``'same'`` or ``'causal'`` (1-D).
        groups: torch's ``groups``.
    """
    op = _CONV[weight.dim() - 2]
    if padding == 'valid':  # the common case, without a call
        return op(x, weight, bias, strides, 0, dilation, groups)
    x, pad = pad_input(x, padding, weight.shape[2:], strides, dilation)
    return op(x, weight, bias, strides, pad, dilation, groups)


def separable_conv(x, depthwise, pointwise, bias=None, strides=1, padding='valid',
                   dilation=1):
    """Depthwise convolution (``depthwise`` in the layout of
    :func:`depthwise_kernel`, with the strides, padding and dilation) then a
    pointwise one (``pointwise`` ``(out, in * multiplier, 1...)``) plus ``bias``."""
    x = conv(x, depthwise, None, strides, padding, dilation, int(x.shape[1]))
    return _CONV[pointwise.dim() - 2](x, pointwise, bias)


def conv_transpose(x, weight, bias, output_size, strides, padding, dilation):
    """Transposed convolution of a channels_first ``x`` to spatial ``output_size``,
    as one torch op (bias included): what the ``Conv*Transpose`` layers run.

    Args:
        weight: torch layout ``(in, out, *k)``.
        output_size: the output's spatial sizes (ints); each may exceed the
            full result by less than ``max(stride, dilation)`` (torch's
            ``output_padding``; see :func:`transpose_padding`).
        strides, dilation: tuples; padding: ``'valid'`` or ``'same'``.
    """
    plan = [transpose_padding(int(n), int(o), k, s, padding, d) for n, o, k, s, d in
            zip(x.shape[2:], output_size, weight.shape[2:], strides, dilation)]
    pads = tuple(before for before, _ in plan)
    out_pads = tuple(max(extra, 0) for _, extra in plan)
    out = _CONV_T[weight.dim() - 2](x, weight, bias, strides, pads, out_pads, 1, dilation)
    if tuple(out.shape[2:]) != tuple(output_size):  # an extra < 0: drop the last entries
        out = out[(slice(None), slice(None)) + tuple(slice(0, n) for n in output_size)]
    return out


def conv_transpose_to(x, weight, output_size, strides, padding, dilation):
    """Transposed convolution (no bias) to any spatial ``output_size``: what
    ``K.conv2d_transpose`` / ``K.conv3d_transpose`` run.

    Same values as :func:`conv_transpose` (up to float rounding: a different
    torch call) where that applies; here torch crops what it can, the result
    is sliced, and entries past the end of the full result are zeros.
    """
    plan = [transpose_padding(int(n), int(o), k, s, padding, d) for n, o, k, s, d in
            zip(x.shape[2:], output_size, weight.shape[2:], strides, dilation)]
    full = [(n - 1) * s + (k - 1) * d + 1 for n, s, k, d in
            zip(x.shape[2:], strides, weight.shape[2:], dilation)]
    crop = [max(0, min(b, f - b - o)) for (b, _), f, o in zip(plan, full, output_size)]
    out = _CONV_T[weight.dim() - 2](x, weight, None, strides, tuple(crop), 0, 1, dilation)
    index = [slice(None), slice(None)]
    missing = []
    for (b, _), c, o, n in zip(plan, crop, output_size, out.shape[2:]):
        start = b - c
        index.append(slice(start, start + o))
        missing.append(max(0, start + o - n))
    out = out[tuple(index)]
    if any(missing):
        flat = []
        for m in reversed(missing):
            flat += [0, m]
        out = F.pad(out, tuple(flat))
    return out


def pool(x, mode, pool_size, strides, padding):
    """Max (``mode='max'``) or average pooling of a channels_first ``x``.

    Args:
        x: tensor ``(batch, channels, *spatial)``.
        mode: ``'max'`` or ``'avg'``.
        pool_size, strides: tuples, one entry per spatial axis.
        padding: ``'valid'`` or ``'same'``; padded entries take no part in a
            max or an average.
    """
    nd = len(pool_size)
    fn = getattr(F, '%s_pool%dd' % (mode, nd))
    if padding == 'valid':
        return fn(x, pool_size, strides)
    pads = [same_padding(n, k, s) for n, k, s in zip(x.shape[2:], pool_size, strides)]
    symmetric, extra = torch_padding(pads)
    if mode == 'max':
        if extra is not None:
            x = F.pad(x, extra, value=float('-inf'))
        return fn(x, pool_size, strides, symmetric)
    if extra is None:
        return fn(x, pool_size, strides, symmetric, count_include_pad=False)
    # Odd total padding: divide window sums by the number of real entries.
    full = []
    for before, after in reversed(pads):
        full += [before, after]
    ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
    return fn(F.pad(x, full), pool_size, strides) / fn(F.pad(ones, full), pool_size, strides)
