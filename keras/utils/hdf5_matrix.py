"""``HDF5Matrix``: an HDF5 dataset that reads like a NumPy array (rows on demand)."""
import collections

import numpy as np

from keras.saving.hdf5 import _h5py

__all__ = ['HDF5Matrix']


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
