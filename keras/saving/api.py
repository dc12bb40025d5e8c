"""The entry points for files: ``save_weights``, ``load_weights``, ``save_model``,
``load_model``.

Each picks the format (a Keras 2 HDF5 file, a tf.keras 2.13+ ``.keras``
archive or ``.weights.h5`` layout) and accepts ``gs://`` paths
(:mod:`keras.saving.gcs`). ``Model.save``/``save_weights``/``load_weights``,
``keras.models.save_model``/``load_model`` and ``keras.engine.saving`` call
them.
"""
import warnings

from keras.saving import model_file, weights
from keras.saving.gcs import allow_read_from_gcs, allow_write_to_gcs
from keras.saving.hdf5 import (check_save_format, has_attribute, open_h5, reading, source_name,
                               write_h5)
from keras.saving.keras_zip import archive, variables

__all__ = ['save_weights', 'load_weights', 'save_model', 'load_model']


@allow_write_to_gcs
def save_weights(model, filepath, overwrite=True, save_format=None):
    """``model.save_weights``: all layer weights to an HDF5 file (or open group)."""
    check_save_format(save_format)
    write_h5(filepath, overwrite, lambda f: weights.save_weights_to_hdf5_group(f, model.layers))


@allow_read_from_gcs
def load_weights(model, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """``model.load_weights``: read a Keras 2 HDF5 weights (or model) file."""
    if archive.is_keras_zip(filepath):
        return archive.load_weights(model, filepath, by_name=by_name,
                                     skip_mismatch=skip_mismatch)
    with reading(filepath, 'weights'), open_h5(filepath) as f:
        group = f
        if not has_attribute(f, 'layer_names') and 'model_weights' in f:
            group = f['model_weights']
        if variables.is_zip_weights_layout(group):  # tf.keras 2.13+ `.weights.h5`
            if by_name:
                raise ValueError('%s has the tf.keras 2.13+ weights layout (by attribute '
                                 'path), which has no layer names: load it without '
                                 '`by_name`.' % (source_name(filepath),))
            return variables.read_layers(group, model, skip_mismatch=skip_mismatch)
        if skip_mismatch and not by_name:
            warnings.warn('`skip_mismatch=True` only applies with `by_name=True`; it is '
                          'ignored.')
        weights.check_weights_group(group, filepath)
        if by_name:
            weights.load_weights_from_hdf5_group_by_name(group, model.layers,
                                                         skip_mismatch=skip_mismatch,
                                                         reshape=reshape)
        else:
            weights.load_weights_from_hdf5_group(group, model.layers, reshape=reshape)


@allow_write_to_gcs
def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None):
    """Save architecture, weights and optimizer state to one HDF5 file (or, for
    a ``.keras`` name or ``save_format='keras'``, a tf.keras 2.13+ archive)."""
    if archive.wants_keras_zip(filepath, save_format):
        return archive.save_model(model, filepath, overwrite=overwrite,
                                   include_optimizer=include_optimizer)
    check_save_format(save_format)
    return model_file.save_hdf5_model(model, filepath, overwrite=overwrite,
                                      include_optimizer=include_optimizer)


@allow_read_from_gcs
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model saved by :func:`save_model` (or Keras 2 / tf.keras)."""
    if archive.is_keras_zip(filepath):
        return archive.load_model(filepath, custom_objects=custom_objects, compile=compile,
                                   safe_mode=safe_mode)
    return model_file.load_hdf5_model(filepath, custom_objects=custom_objects, compile=compile,
                                      safe_mode=safe_mode)
