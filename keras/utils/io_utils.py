"""Disk I/O helpers: ``HDF5Matrix`` and the overwrite prompt."""
import collections
import sys

import numpy as np

__all__ = ['HDF5Matrix', 'ask_to_proceed_with_overwrite', 'save_to_binary_h5py',
           'load_from_binary_h5py']


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError('HDF5 support requires h5py (`pip install h5py`).')
    return h5py


class HDF5Matrix(object):
    """An HDF5 dataset that reads like a NumPy array (rows on demand).

    Args:
        datapath: path of the HDF5 file.
        dataset: name of the dataset inside the file.
        start: first row of the slice used (default 0).
        end: row after the last one used (default: the dataset's length).
        normalizer: optional function applied to every slice read.

    Example:
        >>> x_data = HDF5Matrix('input/file.hdf5', 'data')
        >>> model.predict(x_data)
    """

    refs = collections.defaultdict(int)

    def __init__(self, datapath, dataset, start=0, end=None, normalizer=None):
        h5py = _h5py()
        if datapath not in self.refs:
            self.refs[datapath] = h5py.File(datapath, 'r')
        self.data = self.refs[datapath][dataset]
        self.start = start
        self.end = self.data.shape[0] if end is None else end
        self.normalizer = normalizer
        first = self.data[0:1]
        if normalizer is not None:
            first = normalizer(first)
        self._base_shape = first.shape[1:]
        self._base_dtype = first.dtype

    def __len__(self):
        return self.end - self.start

    def _index(self, key):
        if isinstance(key, slice):
            start = 0 if key.start is None else key.start
            stop = self.shape[0] if key.stop is None else key.stop
            if stop + self.start <= self.end:
                return slice(start + self.start, stop + self.start)
            raise IndexError('HDF5Matrix slice %r out of range (length %d).' % (key, len(self)))
        if isinstance(key, (int, np.integer)):
            if key + self.start < self.end:
                return int(key) + self.start
            raise IndexError('HDF5Matrix index %d out of range (length %d).' % (key, len(self)))
        if isinstance(key, np.ndarray):
            if np.max(key) + self.start < self.end:
                return (self.start + key).tolist()
            raise IndexError('HDF5Matrix indices out of range (length %d).' % len(self))
        key = list(key)
        if max(key) + self.start < self.end:
            return [k + self.start for k in key]
        raise IndexError('HDF5Matrix indices out of range (length %d).' % len(self))

    def __getitem__(self, key):
        values = self.data[self._index(key)]
        if self.normalizer is not None:
            return self.normalizer(values)
        return values

    @property
    def shape(self):
        """NumPy-style shape tuple of the (sliced) dataset."""
        return (self.end - self.start,) + tuple(self._base_shape)

    @property
    def dtype(self):
        """NumPy dtype of the values read."""
        return self._base_dtype

    @property
    def ndim(self):
        """Number of dimensions of the dataset."""
        return self.data.ndim

    @property
    def size(self):
        """Number of elements of the (sliced) dataset."""
        return int(np.prod(self.shape))


def _interactive():
    stdin = sys.stdin
    try:
        return stdin is not None and not stdin.closed and stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _refuse(filepath):
    raise FileExistsError(
        '%s already exists and `overwrite=False`, but this is not an interactive session, so '
        'there is no one to ask whether to overwrite it. Pass `overwrite=True`, or remove the '
        'file first.' % (filepath,))


def ask_to_proceed_with_overwrite(filepath):
    """Ask on the terminal whether ``filepath`` may be overwritten.

    Returns:
        ``True`` to overwrite, ``False`` to cancel.

    Raises:
        FileExistsError: when there is no terminal to ask (no tty, stdin closed).
    """
    if not _interactive():
        _refuse(filepath)
    try:
        answer = input('[WARNING] %s already exists - overwrite? [y/n]' % (filepath,))
        answer = answer.strip().lower()
        while answer not in ('y', 'n'):
            answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    except EOFError:
        _refuse(filepath)
    if answer == 'n':
        return False
    print('[TIP] Next time specify overwrite=True!')
    return True


def load_from_binary_h5py(load_function, stream):
    """Call ``load_function`` on an in-memory ``h5py.File`` read from ``stream``."""
    h5py = _h5py()
    import io
    data = stream.read()
    with h5py.File(io.BytesIO(data), 'r') as h5file:
        return load_function(h5file)


def save_to_binary_h5py(save_function, stream):
    """Call ``save_function`` on an in-memory ``h5py.File``, then write its bytes to ``stream``."""
    h5py = _h5py()
    import io
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as h5file:
        result = save_function(h5file)
    stream.write(buffer.getvalue())
    return result
