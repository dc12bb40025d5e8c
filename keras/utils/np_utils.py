"""NumPy helpers: one-hot encoding of class vectors and Lp normalization."""
import numbers

import numpy as np

__all__ = ['to_categorical', 'normalize']


def to_categorical(y, num_classes=None, dtype='float32'):
    """One-hot encode integer class labels.

    The classes axis is appended last.  A trailing axis of size 1 (labels of
    shape ``(n, 1)``) is replaced by the classes axis, as in Keras 2.3.1.

    Args:
        y: array-like of integers in ``[0, num_classes)``.
        num_classes: number of classes; ``max(y) + 1`` when not given.
        dtype: dtype of the result, e.g. ``'float32'`` or ``'int32'``.

    Returns:
        A NumPy array of shape ``y.shape + (num_classes,)`` (trailing 1 dropped).

    Example:
        >>> to_categorical([0, 2, 1], 3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    y = _as_labels(y)
    shape = y.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    y = y.ravel()
    if not num_classes:
        num_classes = int(np.max(y)) + 1
    _check_labels(y, num_classes)
    count = y.shape[0]
    onehot = np.zeros((count, num_classes), dtype=dtype)
    onehot[np.arange(count), y] = 1
    return np.reshape(onehot, tuple(shape) + (num_classes,))


class LabelOutOfRangeError(ValueError, IndexError):
    """A label outside ``[0, num_classes)``: a ``ValueError``, also the
    ``IndexError`` Keras 2.3.1 raised (from NumPy), so code catching that works."""


def _as_labels(y):
    try:
        return np.array(y, dtype='int')
    except (TypeError, ValueError):
        raise ValueError('to_categorical: `y` must hold integer class labels; received %s '
                         'of dtype %s.' % (type(y).__name__, np.asarray(y).dtype))


def _check_labels(y, num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or \
            num_classes < 1:
        raise ValueError('to_categorical: `num_classes` must be a positive integer; '
                         'received %r.' % (num_classes,))
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        bad = y.min() if y.min() < 0 else y.max()
        raise LabelOutOfRangeError('to_categorical: label %d is out of range for '
                                   'num_classes=%d; expected labels in [0, %d].'
                                   % (bad, num_classes, num_classes - 1))


def normalize(x, axis=-1, order=2):
    """Divide ``x`` by its ``order``-norm along ``axis`` (zero norms left as is).

    Args:
        x: NumPy array.
        axis: axis along which the norm is taken.
        order: norm order, as ``np.linalg.norm``'s ``ord`` (2 for L2).

    Returns:
        A normalized copy of ``x``.
    """
    norms = np.atleast_1d(np.linalg.norm(x, order, axis))
    norms[norms == 0] = 1
    return x / np.expand_dims(norms, axis)
