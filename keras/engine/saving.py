"""Keras 2.3.1's ``keras.engine.saving``: weights and model files, re-exported
from :mod:`keras.saving` (which documents the files and their layouts).

``tf_file_io`` (the Cloud Storage file operations) and
``ask_to_proceed_with_overwrite`` (the overwrite prompt) may be patched here,
as in Keras 2.3.1: the saving functions read them from this module when they
run (:mod:`keras.saving.patch_points`).
"""
from keras.models import model_from_config, model_from_json, model_from_yaml
from keras.saving.api import load_model, load_weights, save_model, save_weights
from keras.saving.gcs import allow_read_from_gcs, allow_write_to_gcs, tf_file_io
from keras.saving.h5_dict import H5Dict
from keras.saving.hdf5 import (HDF5_OBJECT_HEADER_LIMIT, check_save_format, json_attribute,
                               load_attributes_from_hdf5_group, open_h5, read_array, reading,
                               save_attributes_to_hdf5_group, write_h5)
from keras.saving.legacy_weights import preprocess_weights_for_loading
from keras.saving.model_pickle import pickle_model, unpickle_model
from keras.saving.overwrite import ask_to_proceed_with_overwrite
from keras.saving.weights import (BACKEND_NAME, assign_weights, load_weights_from_hdf5_group,
                                  load_weights_from_hdf5_group_by_name,
                                  save_weights_to_hdf5_group, uniquify, write_named_arrays)

__all__ = ['save_weights', 'load_weights', 'save_model', 'load_model',
           'save_weights_to_hdf5_group', 'load_weights_from_hdf5_group',
           'load_weights_from_hdf5_group_by_name', 'save_attributes_to_hdf5_group',
           'load_attributes_from_hdf5_group', 'preprocess_weights_for_loading',
           'model_from_config', 'model_from_json', 'model_from_yaml', 'reading',
           'read_array', 'json_attribute', 'HDF5_OBJECT_HEADER_LIMIT', 'H5Dict',
           'pickle_model', 'unpickle_model', 'allow_read_from_gcs', 'allow_write_to_gcs',
           'tf_file_io', 'ask_to_proceed_with_overwrite', 'BACKEND_NAME', 'check_save_format',
           'write_h5', 'open_h5', 'uniquify', 'write_named_arrays', 'assign_weights']
