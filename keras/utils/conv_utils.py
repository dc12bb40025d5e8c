"""Shape arithmetic shared by the convolution and pooling layers.

The Keras 2.3.1 helpers (``conv_output_length``, ``conv_input_length``,
``deconv_length``, ``normalize_tuple``, ``normalize_padding``,
``convert_kernel``) plus TensorFlow's ``'same'`` padding rule
(``same_padding``, ``torch_padding``), which lives in the convolution core
:mod:`keras.backend.conv_core` and is re-exported here.
"""
import numpy as np

from keras.backend.conv_core import same_padding, torch_padding  # noqa: F401

__all__ = ['normalize_tuple', 'normalize_padding', 'convert_kernel', 'conv_output_length',
           'conv_input_length', 'deconv_length', 'same_padding', 'torch_padding',
           'UnknownPaddingError']


class UnknownPaddingError(ValueError, AssertionError):
    """A padding name the length helpers do not know.

    A ``ValueError``; also an ``AssertionError``, which is what Keras 2.3.1's
    helpers raised (they asserted), so code catching that still works.
    """


def _check_padding(function, padding, allowed):
    if padding not in allowed:
        raise UnknownPaddingError('%s: unknown padding %r; expected one of %s.'
                                  % (function, padding, ', '.join(repr(p) for p in allowed)))


def normalize_tuple(value, n, name):
    """An int, or an iterable of ``n`` ints, as a tuple of ``n`` ints.

    Args:
        value: int or iterable of ints.
        n: length of the result.
        name: argument name, for the error message (e.g. ``'strides'``).

    Raises:
        ValueError: for anything else.
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    message = ('The `%s` argument must be a tuple of %d integers. Received: %r'
               % (name, n, value))
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError(message)
    if len(items) != n:
        raise ValueError(message)
    result = []
    for item in items:
        try:
            number = int(item)
        except (TypeError, ValueError):
            raise ValueError('%s including element %r of type %s' % (message, item, type(item)))
        if number != item:
            raise ValueError('%s including element %r of type %s' % (message, item, type(item)))
        result.append(number)
    return tuple(result)


def normalize_padding(value):
    """``'valid'``, ``'same'`` or ``'causal'`` (case-insensitive), lower-cased."""
    padding = str(value).lower()
    if padding not in ('valid', 'same', 'causal'):
        raise ValueError('The `padding` argument must be one of "valid", "same" '
                         '(or "causal" for Conv1D). Received: ' + str(value))
    return padding


def convert_kernel(kernel):
    """Flip a NumPy kernel's spatial axes (Theano <-> TensorFlow convolution).

    The last two axes (input and output channels) stay as they are; the
    conversion is its own inverse.

    Args:
        kernel: NumPy array of rank 3, 4 or 5.

    Raises:
        ValueError: for another rank.
    """
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError('Invalid kernel shape: %s (expected rank 3, 4 or 5).' % (kernel.shape,))
    flip = tuple([slice(None, None, -1)] * (kernel.ndim - 2) + [slice(None), slice(None)])
    return np.copy(kernel[flip])


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Output length of a convolution (or pooling) along one axis.

    Args:
        input_length: int or None.
        filter_size: kernel size.
        padding: ``'same'``, ``'valid'``, ``'full'`` or ``'causal'``.
        stride: stride.
        dilation: dilation rate.
    """
    if input_length is None:
        return None
    _check_padding('conv_output_length', padding, ('same', 'valid', 'full', 'causal'))
    dilated = (filter_size - 1) * dilation + 1
    if padding in ('same', 'causal'):
        length = input_length
    elif padding == 'valid':
        length = input_length - dilated + 1
    else:
        length = input_length + dilated - 1
    return (length + stride - 1) // stride


def conv_input_length(output_length, filter_size, padding, stride):
    """Input length of a convolution that gives ``output_length`` (the inverse
    of :func:`conv_output_length` for ``'same'``, ``'valid'`` and ``'full'``)."""
    if output_length is None:
        return None
    _check_padding('conv_input_length', padding, ('same', 'valid', 'full'))
    pad = {'same': filter_size // 2, 'valid': 0, 'full': filter_size - 1}[padding]
    return (output_length - 1) * stride - 2 * pad + filter_size


def deconv_length(dim_size, stride_size, kernel_size, padding, output_padding, dilation=1):
    """Output length of a transposed convolution along one axis.

    Args:
        dim_size: input length (int or None).
        stride_size: stride.
        kernel_size: kernel size.
        padding: ``'same'``, ``'valid'`` or ``'full'``.
        output_padding: extra length at the end, or None to infer it.
        dilation: dilation rate.
    """
    _check_padding('deconv_length', padding, ('same', 'valid', 'full'))
    if dim_size is None:
        return None
    kernel_size = (kernel_size - 1) * dilation + 1
    if output_padding is None:
        if padding == 'valid':
            return dim_size * stride_size + max(kernel_size - stride_size, 0)
        if padding == 'full':
            return dim_size * stride_size - (stride_size + kernel_size - 2)
        return dim_size * stride_size
    pad = {'same': kernel_size // 2, 'valid': 0, 'full': kernel_size - 1}[padding]
    return (dim_size - 1) * stride_size + kernel_size - 2 * pad + output_padding
