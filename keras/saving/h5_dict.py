"""``H5Dict``: one dict-like interface over an HDF5 group or a nested ``dict``.

Keras 2.3.1 wrote models through it both to HDF5 files and, for pickling,
to plain dicts (:mod:`keras.saving.model_pickle`).  In the dict form a
group is a ``dict`` flagged ``'_is_group': True``, NumPy values are stored
pickled next to a ``'_<name>_pickled'`` flag, and everything else (bytes,
lists of bytes) is stored as it is.

Example:
    >>> state = {}
    >>> d = H5Dict(state)
    >>> d['model_config'] = b'{...}'
    >>> d['model_weights']['layer_names'] = [b'dense_1']   # a sub-group
"""
import os
import pickle

import numpy as np

from keras.saving.hdf5 import (HDF5_OBJECT_HEADER_LIMIT, _h5py, load_attributes_from_hdf5_group,
                               save_attributes_to_hdf5_group)

__all__ = ['H5Dict', 'h5dict', 'HDF5_OBJECT_HEADER_LIMIT']

_GROUP_FLAG = '_is_group'

def _pickled_flag(name):
    return '_%s_pickled' % (name,)


class H5Dict(object):
    """A dict-like wrapper around an ``h5py`` group, a file path or a ``dict``.

    Args:
        path: an ``h5py.Group``/``File``, a path (opened with ``mode``), or a
            ``dict`` (filled in place).
        mode: ``'a'``, ``'r'`` (no writes, no new groups) or ``'w'`` (a
            ``dict`` is emptied first).
    """

    def __init__(self, path, mode='a'):
        h5py = _h5py()
        self._is_file = False
        if isinstance(path, h5py.Group):
            self.data = path
        elif isinstance(path, (str, os.PathLike)):
            self.data = h5py.File(path, mode=mode)
            self._is_file = True
        elif isinstance(path, dict):
            self.data = path
            if mode == 'w':
                path.clear()
            path[_GROUP_FLAG] = True
        else:
            raise TypeError('H5Dict needs an h5py Group, a file path or a dict; received %s.'
                            % (type(path).__name__,))
        self.read_only = mode == 'r'

    @staticmethod
    def is_supported_type(path):
        """Whether ``H5Dict(path)`` accepts ``path``."""
        return isinstance(path, (dict, str, os.PathLike)) or isinstance(path, _h5py().Group)

    @property
    def _in_dict(self):
        return isinstance(self.data, dict)

    # ------------------------------------------------------------- writing
    def __setitem__(self, attr, val):
        if self.read_only:
            raise ValueError('Cannot set item %r: this H5Dict is read-only.' % (attr,))
        is_numpy = type(val).__module__ == np.__name__
        if self._in_dict:
            if isinstance(attr, bytes):
                attr = attr.decode('utf8')
            if is_numpy:
                self.data[attr] = pickle.dumps(val)
                self.data[_pickled_flag(attr)] = True
            else:
                self.data[attr] = val
            return
        if attr in self.data:
            raise KeyError('Cannot set attribute %r: a group or dataset of that name exists.'
                           % (attr,))
        if is_numpy:
            dataset = self.data.create_dataset(attr, np.shape(val), dtype=val.dtype)
            dataset[()] = val
        elif isinstance(val, (list, tuple)):
            save_attributes_to_hdf5_group(self.data, attr, list(val))
        else:
            self.data.attrs[attr] = val

    # ------------------------------------------------------------- reading
    def __getitem__(self, attr):
        if self._in_dict:
            return self._dict_item(attr)
        if attr in self.data.attrs:
            val = self.data.attrs[attr]
            if isinstance(val, np.ndarray) and val.dtype.kind == 'S':
                val = val.tolist()
            return val
        if attr in self.data:
            val = self.data[attr]
            if isinstance(val, _h5py().Dataset):
                return np.asarray(val)
            return H5Dict(val, mode='r' if self.read_only else 'a')
        if ('%s0' % attr) in self.data.attrs:  # a list split over several attributes
            return load_attributes_from_hdf5_group(self.data, attr)
        return H5Dict(self._new_group(attr))

    def _dict_item(self, attr):
        if isinstance(attr, bytes):
            attr = attr.decode('utf8')
        if attr not in self.data:
            group = self._new_group(attr)
            return H5Dict(group)
        val = self.data[attr]
        if isinstance(val, dict) and val.get(_GROUP_FLAG):
            return H5Dict(val, mode='r' if self.read_only else 'a')
        if self.data.get(_pickled_flag(attr)):
            return pickle.loads(val)
        return val

    def _new_group(self, attr):
        if self.read_only:
            raise KeyError('%r is not in this read-only H5Dict (and no group can be created).'
                           % (attr,))
        if self._in_dict:
            group = self.data[attr] = {_GROUP_FLAG: True}
            return group
        return self.data.create_group(attr)

    def __contains__(self, key):
        if self._in_dict:
            return key in self.data
        return key in self.data or key in self.data.attrs

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return iter(self.data)

    def iter(self):
        return iter(self.data)

    def update(self, *args, **kwargs):
        if not self._in_dict:
            raise NotImplementedError('update() works on a dict-backed H5Dict only.')
        self.data.update(*args, **kwargs)

    def __getattr__(self, attr):
        # Anything else is the wrapped object's (``keys``, ``attrs``...);
        # a call returning the wrapped type comes back wrapped.
        if attr == 'data':
            raise AttributeError(attr)
        target = getattr(self.data, attr)
        if not callable(target):
            return target

        def call(*args, **kwargs):
            out = target(*args, **kwargs)
            return H5Dict(out) if isinstance(out, type(self.data)) else out
        return call

    # ------------------------------------------------------------ closing
    def close(self):
        if not self._in_dict:
            self.data.file.flush()
            if self._is_file:
                self.data.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()


h5dict = H5Dict
