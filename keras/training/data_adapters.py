"""Checking user data against a model and cutting it into device batches.

``standardize`` turns arrays, lists and dicts into one list of NumPy arrays in
model order with Keras 2's error messages; ``to_device`` converts a batch once
into torch tensors on the model's device.
"""
import numpy as np
import torch

from keras.training import data_checks

__all__ = ['standardize', 'check_array_lengths', 'to_device', 'batch_slices', 'num_samples']


def _is_sparse(x):
    """A SciPy sparse matrix (told without importing SciPy)."""
    return hasattr(x, 'toarray') and hasattr(x, 'nnz') and hasattr(x, 'shape')


def _is_tensor_like(x):
    return isinstance(x, (np.ndarray, torch.Tensor)) or hasattr(x, '__array__') or \
        _is_sparse(x)


def _as_array(x):
    if isinstance(x, torch.Tensor):
        return x
    if _is_sparse(x):  # (made dense once: batches are cut from device tensors)
        return np.asarray(x.toarray())
    if hasattr(x, 'values') and hasattr(x, 'columns'):  # pandas DataFrame
        return np.asarray(x.values)
    if hasattr(x, 'shape') and hasattr(x, '__getitem__') and not isinstance(x, np.ndarray) \
            and x.__class__.__module__.startswith('h5py'):
        return x  # HDF5 datasets are sliced lazily
    return np.asarray(x)


def standardize(data, names, shapes, exception_prefix, check_batch_axis=True):
    """Return ``data`` as a list of arrays, one per name, with checked shapes.

    Args:
        data: an array, a list/tuple of arrays or a dict ``{name: array}``.
        names: the model's input (or output) names.
        shapes: the expected shapes (``None`` entries are free), or None.
        exception_prefix: ``'input'`` or ``'target'`` for error messages.
    """
    if not names:
        if data is not None and hasattr(data, '__len__') and len(data):
            raise ValueError('Error when checking model %s: expected no data, but got: %s'
                             % (exception_prefix, data))
        return []
    if data is None:
        return [None for _ in names]
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError('No data provided for "%s". Need data for each key in: %s'
                             % (missing[0], names))
        arrays = [data[n] for n in names]
    elif isinstance(data, (list, tuple)):
        if len(data) == 0:
            arrays = []
        elif not _is_tensor_like(data[0]) and not isinstance(data[0], (list, tuple)):
            arrays = [np.asarray(data)]
        elif len(names) == 1 and len(data) != 1 and not all(_is_tensor_like(d) for d in data):
            arrays = [np.asarray(data)]
        else:
            arrays = list(data)
    else:
        arrays = [data]
    if len(arrays) != len(names):
        if arrays and hasattr(arrays[0], 'shape'):
            raise ValueError('Error when checking model %s: the list of Numpy arrays that you '
                             'are passing to your model is not the size the model expected. '
                             'Expected to see %d array(s), but instead got the following list '
                             'of %d arrays: %s...' % (exception_prefix, len(names), len(arrays),
                                                       str(arrays)[:200]))
        raise ValueError('Error when checking model %s: expected %d array(s) (%s), got %d.'
                         % (exception_prefix, len(names), names, len(arrays)))
    arrays = [_as_array(a) for a in arrays]
    for name, a in zip(names, arrays):
        data_checks.check_numeric(a, name, exception_prefix)
    for i, a in enumerate(arrays):
        if a.ndim == 1 and shapes is not None and shapes[i] is not None and len(shapes[i]) == 2:
            arrays[i] = a.reshape(-1, 1)  # Keras expands 1-D data to (n, 1)
    if shapes is None:
        return arrays
    for name, a, shape in zip(names, arrays, shapes):
        if shape is None:
            continue
        if len(a.shape) != len(shape):
            raise ValueError('Error when checking %s: expected %s to have %d dimensions, but got '
                             'array with shape %s' % (exception_prefix, name, len(shape),
                                                      tuple(a.shape)))
        for j, (dim, ref) in enumerate(zip(a.shape, shape)):
            if j == 0 and not check_batch_axis:
                continue
            if ref is not None and dim != ref:
                raise ValueError('Error when checking %s: expected %s to have shape %s but got '
                                 'array with shape %s' % (exception_prefix, name,
                                                          tuple(shape[1:]), tuple(a.shape[1:])))
    return arrays


def num_samples(arrays):
    for a in arrays:
        if a is not None:
            return int(a.shape[0])
    return 0


def check_array_lengths(inputs, targets=None, weights=None):
    """Keras's error when inputs, targets and sample weights differ in length."""
    def lengths(arrays):
        return set(int(a.shape[0]) for a in arrays if a is not None)
    set_x, set_y, set_w = lengths(inputs), lengths(targets or []), lengths(weights or [])
    if len(set_x) > 1:
        raise ValueError('All input arrays (x) should have the same number of samples. Got '
                         'array shapes: %s' % [tuple(a.shape) for a in inputs])
    if len(set_y) > 1:
        raise ValueError('All target arrays (y) should have the same number of samples. Got '
                         'array shapes: %s' % [tuple(a.shape) for a in targets])
    if set_x and set_y and list(set_x)[0] != list(set_y)[0]:
        raise ValueError('Input arrays should have the same number of samples as target arrays. '
                         'Found %d input samples and %d target samples.'
                         % (list(set_x)[0], list(set_y)[0]))
    if len(set_w) > 1:
        raise ValueError('All sample_weight arrays should have the same number of samples. Got '
                         'array shapes: %s' % [tuple(a.shape) for a in weights])
    if set_y and set_w and list(set_y)[0] != list(set_w)[0]:
        raise ValueError('Sample_weight arrays should have the same number of samples as target '
                         'arrays. Got %d input samples and %d target samples.'
                         % (list(set_y)[0], list(set_w)[0]))


def to_device(arrays, dtypes, device):
    """Convert a list of NumPy batches to torch tensors on ``device``."""
    out = []
    for a, dt in zip(arrays, dtypes):
        if a is None:
            out.append(None)
            continue
        if isinstance(a, torch.Tensor):
            t = a
        else:
            a = np.asarray(a)
            if a.dtype == object:
                raise ValueError('Cannot feed an array of Python objects (dtype=object, shape %s) '
                                 'to the model; convert it to a numeric array first.'
                                 % (a.shape,))
            t = torch.from_numpy(np.ascontiguousarray(a))
        if dt is not None and t.dtype != dt:
            t = t.to(dtype=dt)
        out.append(t.to(device, non_blocking=True))
    return out


def batch_slices(n, batch_size):
    """``[(start, stop), ...]`` covering ``range(n)`` in batches."""
    return [(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
