"""Keras 2.3.1's ``keras.utils.io_utils``: disk I/O helpers, re-exported.

``HDF5Matrix`` lives in :mod:`keras.utils.hdf5_matrix`; the overwrite prompt in
:mod:`keras.saving.overwrite`; ``H5Dict`` and the HDF5 helpers in
:mod:`keras.saving.h5_dict` and :mod:`keras.saving.hdf5`.
"""
from keras.saving.h5_dict import H5Dict, h5dict
from keras.saving.hdf5 import (HDF5_OBJECT_HEADER_LIMIT, hdf5_heap_problem,
                               load_from_binary_h5py, save_to_binary_h5py)
from keras.saving.overwrite import ask_to_proceed_with_overwrite
from keras.utils.hdf5_matrix import HDF5Matrix

__all__ = ['HDF5Matrix', 'H5Dict', 'h5dict', 'HDF5_OBJECT_HEADER_LIMIT',
           'ask_to_proceed_with_overwrite', 'save_to_binary_h5py', 'load_from_binary_h5py',
           'hdf5_heap_problem']
