"""Disk I/O helpers: ``HDF5Matrix``, the overwrite prompt, an HDF5 sanity check."""
import collections
import mmap
import os
import re
import struct
import sys

import numpy as np

from keras.utils.h5_dict import HDF5_OBJECT_HEADER_LIMIT, H5Dict, h5dict  # noqa: F401

__all__ = ['HDF5Matrix', 'H5Dict', 'h5dict', 'HDF5_OBJECT_HEADER_LIMIT',
           'ask_to_proceed_with_overwrite', 'save_to_binary_h5py', 'load_from_binary_h5py',
           'hdf5_heap_problem']


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


_BUILTIN_INPUT = input


def _input_function():
    """The function that answers the overwrite prompt.

    ``input``, or what a caller put in its place to answer for the user:
    ``builtins.input`` or, as Keras 2.3.1 called it, ``six.moves.input``.
    """
    import builtins
    if builtins.input is not _BUILTIN_INPUT:
        return builtins.input
    six_moves = sys.modules.get('six.moves')
    replaced = getattr(six_moves, 'input', _BUILTIN_INPUT) if six_moves else _BUILTIN_INPUT
    return replaced if callable(replaced) else _BUILTIN_INPUT


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
        FileExistsError: when there is no one to ask: ``input`` is Python's own
            and there is no terminal (no tty, stdin closed).
    """
    ask = _input_function()
    if ask is _BUILTIN_INPUT and not _interactive():
        _refuse(filepath)
    try:
        answer = ask('[WARNING] %s already exists - overwrite? [y/n]' % (filepath,))
        answer = answer.strip().lower()
        while answer not in ('y', 'n'):
            answer = ask('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
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


# A global heap collection (where HDF5 keeps variable-length strings, e.g. the
# attributes h5py 3 writes): "GCOL", version 1, 3 reserved bytes, its size;
# then objects of (index u16, references u16, reserved u32, size u64, data
# padded to 8 bytes); index 0 is the free space and runs to the end.
_GCOL = re.compile(b'GCOL\x01\x00\x00\x00')


def _collection_problem(data, start):
    size = struct.unpack_from('<Q', data, start + 8)[0]
    end = start + size
    if size < 16 or end > len(data):
        return None  # not a collection, or one HDF5 itself reports as out of range
    pos = start + 16
    while pos + 16 <= end:
        index, _, _, length = struct.unpack_from('<HHIQ', data, pos)
        if index == 0:
            if length != end - pos:
                return ('the free space at byte %d says %d bytes where %d remain'
                        % (pos, length, end - pos))
            return None
        pos += 16 + (length + 7) // 8 * 8
    if pos > end:
        return 'a heap object at byte %d runs past the end of its collection' % pos
    return None


def hdf5_heap_problem(source):
    """Why the global heaps of an HDF5 file are damaged, or ``None`` if they look sound.

    The HDF5 library trusts these heaps' object sizes: some damaged ones make
    it loop forever or read out of bounds when a variable-length string is
    read, so they are checked before h5py sees the file.

    Args:
        source: a path, or the file's bytes.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _heaps_problem(source)
    with open(source, 'rb') as f:
        if os.fstat(f.fileno()).st_size < 16:
            return None
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _heaps_problem(data)


def _heaps_problem(data):
    if len(data) < 16:
        return None
    for match in _GCOL.finditer(data):
        if match.start() + 16 <= len(data):
            problem = _collection_problem(data, match.start())
            if problem:
                return problem
    return None
