"""Keras 2.3.1's ``H5Dict`` path: re-exported from :mod:`keras.saving.h5_dict`."""
from keras.saving.h5_dict import HDF5_OBJECT_HEADER_LIMIT, H5Dict, h5dict

__all__ = ['H5Dict', 'h5dict', 'HDF5_OBJECT_HEADER_LIMIT']
