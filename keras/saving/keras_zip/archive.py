"""tf.keras 2.13-2.15's ``.keras`` model files: a zip archive of

- ``metadata.json``: ``{"keras_version": ..., "date_saved": ...}``;
- ``config.json``: the model serialized with ``module``/``class_name``/``config``/
  ``registered_name`` keys, plus ``build_config`` and ``compile_config``
  (:mod:`keras.saving.keras_zip.config`);
- ``model.weights.h5``: the variables by attribute path
  (:mod:`keras.saving.keras_zip.variables`).

``model.save('m.keras')`` writes it (atomically, like every save here), and
``load_model`` / ``load_weights`` read it. Both directions were checked with
tf.keras 2.13.1, 2.14.1 and 2.15.1 (tests/data/keras_zip holds files they
wrote). (A TensorFlow SavedModel directory is refused by
:func:`keras.saving.hdf5.open_h5`, with an error saying how to convert it.)
"""
import datetime
import io
import json
import os
import warnings
import zipfile

import keras
from keras.engine.sequential import Sequential
from keras.models import model_from_config
from keras.saving import model_file
from keras.saving.hdf5 import _h5py, reading
from keras.saving.keras_zip import config as zip_config
from keras.saving.keras_zip import variables as zip_variables
from keras.saving.overwrite import ask_to_proceed_with_overwrite
from keras.utils.temp_files import temp_file_for

__all__ = ['save_model', 'load_model', 'load_weights', 'is_keras_zip', 'wants_keras_zip']

CONFIG = 'config.json'
METADATA = 'metadata.json'
WEIGHTS = 'model.weights.h5'


def _path(filepath):
    if not isinstance(filepath, (str, bytes, os.PathLike)):
        return None
    path = os.fspath(filepath)
    return path.decode('utf8') if isinstance(path, bytes) else path


def wants_keras_zip(filepath, save_format=None):
    """Whether a save to ``filepath`` writes the ``.keras`` zip format."""
    if save_format is not None:
        return str(save_format).lower() == 'keras'
    path = _path(filepath)
    return path is not None and path.endswith('.keras')


def is_keras_zip(filepath):
    """Whether ``filepath`` is a file to read as a ``.keras`` archive: a zip
    named ``*.keras``, or any zip holding ``config.json`` and the weights."""
    path = _path(filepath)
    if path is None or not os.path.isfile(path):
        return False
    with open(path, 'rb') as f:
        if f.read(4) != b'PK\x03\x04':
            return False
    if path.endswith('.keras'):
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            return {CONFIG, WEIGHTS} <= set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


# ------------------------------------------------------------------- saving
def _weights_bytes(model, include_optimizer):
    buffer = io.BytesIO()
    with _h5py().File(buffer, 'w') as h5:
        zip_variables.write_layers(h5, model)
        if include_optimizer:
            zip_variables.write_optimizer(h5, model)
    return buffer.getvalue()


def _archive_members(model, include_optimizer):
    config = zip_config.model_config(model)
    if include_optimizer:
        compile_config = zip_config.compile_config(model)
        if compile_config is not None:
            config['compile_config'] = compile_config
    metadata = {'keras_version': str(keras.__version__),
                'date_saved': datetime.datetime.now().strftime('%Y-%m-%d@%H:%M:%S')}
    return [(METADATA, json.dumps(metadata).encode('utf8')),
            (CONFIG, json.dumps(config).encode('utf8')),
            (WEIGHTS, _weights_bytes(model, include_optimizer))]


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Save ``model`` as a tf.keras 2.13+ ``.keras`` archive at ``filepath``.

    Returns ``False`` if the user declined to overwrite an existing file.
    """
    if not getattr(model, '_is_graph_network', False) and not isinstance(model, Sequential):
        raise NotImplementedError('Saving a whole model to a .keras file needs a functional or '
                                  'Sequential model; %s is a subclassed model. Use '
                                  '`save_weights` instead.' % model.name)
    members = _archive_members(model, include_optimizer)
    path = _path(filepath)
    if path is None:  # a binary stream
        filepath.write(_zip_bytes(members))
        return True
    target = os.path.realpath(path) if os.path.islink(path) else path
    if os.path.isdir(target):
        raise IsADirectoryError('Cannot save to %s: it is a directory. Give a file name such as '
                                '%s.' % (path, os.path.join(path, 'model.keras')))
    if not overwrite and os.path.isfile(target) and not ask_to_proceed_with_overwrite(path):
        return False
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError('Cannot save to %s: the folder %s does not exist.'
                                % (path, folder))
    with temp_file_for(target) as tmp:
        with open(tmp, 'wb') as f:
            f.write(_zip_bytes(members))
        mode = (os.stat(target).st_mode & 0o777) if os.path.exists(target) else None
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    return True


def _zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


# ------------------------------------------------------------------ loading
def _open_weights(zf, path):
    if WEIGHTS not in zf.namelist():
        found = [n for n in zf.namelist() if n.startswith('model.weights')]
        detail = ('%s (only the HDF5 weights layout is supported)' % found[0]) if found \
            else 'no weights'
        raise ValueError('%s has %s: expected %s in the archive.' % (path, detail, WEIGHTS))
    return _h5py().File(io.BytesIO(zf.read(WEIGHTS)), 'r')


def _build_if_needed(model, config):
    build = config.get('build_config') or {}
    shape = build.get('input_shape')
    if shape is not None and not model.built:
        model.build(tuple(shape))


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model from a ``.keras`` archive written by tf.keras 2.13-2.15
    (or by :func:`save_model`), compiled again when it was saved compiled."""
    path = _path(filepath)
    source = filepath if path is None else path  # a path or a binary stream
    with reading(filepath, 'a model'), zipfile.ZipFile(source, 'r') as zf:
        if CONFIG not in zf.namelist():
            raise ValueError('%s is a zip archive without %s: not a Keras model file.'
                             % (path, CONFIG))
        config = json.loads(zf.read(CONFIG).decode('utf8'))
        model = model_from_config(zip_config.to_keras2(config, safe_mode),
                                  custom_objects=custom_objects, safe_mode=safe_mode)
        _build_if_needed(model, config)
        with _open_weights(zf, path) as h5:
            zip_variables.read_layers(h5, model)
            compile_config = config.get('compile_config')
            if not compile:
                return model
            if not compile_config:
                warnings.warn('No training configuration found in save file: the model was '
                              '*not* compiled. Compile it manually.')
                return model
            training = zip_config.training_config(compile_config, safe_mode)
            model_file.compile_from_training_config(model, training, custom_objects)
            zip_variables.read_optimizer(h5, model)
    return model


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    """Set ``model``'s weights from a ``.keras`` archive (its ``model.weights.h5``)."""
    path = _path(filepath)
    if by_name:
        raise ValueError('%s is a .keras archive: its weights are stored by attribute path, '
                         'not by layer name; load it without `by_name`.' % (path,))
    with reading(filepath, 'weights'), zipfile.ZipFile(path, 'r') as zf, \
            _open_weights(zf, path) as h5:
        zip_variables.read_layers(h5, model, skip_mismatch=skip_mismatch)
