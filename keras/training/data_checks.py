"""Checks of the data arguments of ``fit``/``evaluate``/``predict``.

Each check runs once, on the host, before a loop starts (or on a NumPy batch
of a generator before it goes to the device), and raises a ``ValueError``
naming the argument, what was expected and what came. None of them touches a
device tensor, so none adds a host sync to a training step.
"""
import numbers

import numpy as np

__all__ = ['check_batch_size', 'check_steps', 'check_epochs', 'check_validation_split',
           'check_num_samples', 'check_numeric', 'check_sparse_labels']


class CountArgumentError(ValueError, TypeError):
    """A bad count argument: a ``ValueError``, also the ``TypeError`` Keras
    2.3.1 raised (from ``range``) for a count that was not an int."""


def _is_count(value, minimum):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and \
        value >= minimum


def check_batch_size(batch_size, method):
    """``batch_size`` as an int >= 1 (None stays None)."""
    if batch_size is None:
        return None
    if isinstance(batch_size, float) and batch_size.is_integer():
        batch_size = int(batch_size)
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or \
            batch_size < 1:
        raise ValueError('%s: `batch_size` must be a positive integer (the number of samples '
                         'per batch); received %r.' % (method, batch_size))
    return int(batch_size)


def check_steps(steps, name, method):
    """``steps``/``steps_per_epoch``/``validation_steps``: None or an int >= 1."""
    if steps is None or _is_count(steps, 1):
        return steps
    raise ValueError('%s: `%s` must be a positive integer (a number of batches) or None; '
                     'received %r.' % (method, name, steps))


def check_epochs(epochs, initial_epoch):
    """``epochs`` and ``initial_epoch``: ints >= 0 (``fit`` trains the epochs
    from ``initial_epoch`` to ``epochs``)."""
    for name, value in (('epochs', epochs), ('initial_epoch', initial_epoch)):
        if not _is_count(value, 0):
            raise CountArgumentError('fit: `%s` must be an integer >= 0; received %r.'
                                     % (name, value))


def check_validation_split(validation_split):
    """``validation_split`` must be a number in ``[0, 1)``."""
    if isinstance(validation_split, bool) or \
            not isinstance(validation_split, numbers.Real) or \
            not 0. <= validation_split < 1.:
        raise ValueError('fit: `validation_split` must be a float in [0, 1) (the fraction of '
                         'the samples kept apart for validation); received %r.'
                         % (validation_split,))


def check_num_samples(arrays, method):
    """At least one sample when any data array was given."""
    given = [a for a in arrays if a is not None]
    if given and int(given[0].shape[0]) == 0:
        raise ValueError('%s: received 0 samples (`x` has shape %s); expected at least one '
                         'sample.' % (method, tuple(given[0].shape)))


def check_numeric(array, name, exception_prefix):
    """A NumPy array of strings (or of Python str objects) cannot be model data."""
    if not isinstance(array, np.ndarray):
        return
    kind = array.dtype.kind
    if kind == 'O' and array.size:
        first = array.flat[0]
        if not isinstance(first, (str, bytes)):
            return
        kind = 'U'
    if kind not in 'US':
        return
    argument = 'x' if exception_prefix == 'input' else 'y'
    hint = ('encode text as numbers first, e.g. with keras.preprocessing.text.Tokenizer'
            if argument == 'x' else
            'encode string labels as integers first, e.g. with '
            'np.unique(y, return_inverse=True)')
    raise ValueError('Error when checking %s: `%s` (for %s) holds strings (dtype %s); '
                     'expected numbers (int, float or bool): %s.'
                     % (exception_prefix, argument, name, array.dtype, hint))


def check_sparse_labels(y, loss_name, output_name, num_classes):
    """Integer labels of a sparse loss must lie in ``[0, num_classes)``."""
    if not isinstance(y, np.ndarray) or not y.size or num_classes is None or \
            y.dtype.kind not in 'iuf':
        return
    low, high = y.min(), y.max()
    bad = low if low < 0 else (high if high >= num_classes else None)
    if bad is None:
        return
    raise ValueError('%s (output %s): target label %s is out of range for %d classes; '
                     'expected integer labels in [0, %d].'
                     % (loss_name, output_name, _label_text(bad), num_classes,
                        num_classes - 1))


def _label_text(value):
    value = value.item() if hasattr(value, 'item') else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value)
