"""Keras 2 HDF5 files through h5py: weights files and whole-model files.

Layout (the same as Keras 2.3.1 and tf.keras write):

- weights file (``save_weights``) and the ``model_weights`` group of a model
  file: attributes ``layer_names``, ``backend``, ``keras_version``; one group
  per layer (``model.layers`` order) with attribute ``weight_names`` and one
  dataset per weight stored under its name (``'dense_1/kernel:0'``).
- model file (``save_model``): root attributes ``keras_version``, ``backend``,
  ``model_config`` (architecture JSON) and ``training_config`` (JSON) for a
  compiled model; groups ``model_weights`` and ``optimizer_weights``.

Files are written to a temporary file in the target's folder and renamed over
the target, so a failure never leaves a half-written file. Old weight layouts
are converted by :mod:`keras.engine.legacy_weights`; model files are handled by
:mod:`keras.engine.model_file`.

Reading a bad file (not HDF5, truncated, damaged, not from Keras) raises
``OSError`` (unreadable bytes) or ``ValueError`` (wrong content) naming the
file (:func:`reading`); global heaps that would hang the HDF5 library are
refused before h5py reads them, dataset shapes larger than the file are
refused before any allocation, and ``load_weights`` assigns nothing until
every array has been read and checked.
"""
import contextlib
import io
import json
import os
import stat
import warnings

import numpy as np
import torch

from keras.engine.gcs_io import allow_read_from_gcs, allow_write_to_gcs, tf_file_io  # noqa: F401
from keras.engine.layer_weights import weight_name
from keras.engine.legacy_weights import preprocess_weights_for_loading
from keras.utils import io_utils
from keras.utils.h5_dict import HDF5_OBJECT_HEADER_LIMIT, H5Dict  # noqa: F401 (2.3.1 names)
from keras.utils.io_utils import ask_to_proceed_with_overwrite
from keras.utils.temp_files import temp_file_for

__all__ = ['save_weights', 'load_weights', 'save_model', 'load_model',
           'save_weights_to_hdf5_group', 'load_weights_from_hdf5_group',
           'load_weights_from_hdf5_group_by_name', 'save_attributes_to_hdf5_group',
           'load_attributes_from_hdf5_group', 'preprocess_weights_for_loading',
           'model_from_config', 'model_from_json', 'model_from_yaml', 'reading',
           'read_array', 'json_attribute', 'HDF5_OBJECT_HEADER_LIMIT', 'H5Dict',
           'pickle_model', 'unpickle_model', 'allow_read_from_gcs', 'allow_write_to_gcs']

BACKEND_NAME = 'tensorflow'  # what Keras 2 readers expect; kernels use its layout
_H5_FORMATS = (None, 'h5', 'hdf5')


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError('Saving and loading HDF5 files requires h5py (`pip install h5py`).')
    return h5py


def _decode(value):
    """An HDF5 attribute (bytes, NumPy bytes or str) as ``str``."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode('utf8')
    return str(value)


def json_attribute(group, name):
    """The JSON attribute ``name`` of ``group`` (``model_config``...), decoded."""
    try:
        return json.loads(_decode(group.attrs[name]))
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError('its `%s` attribute is not valid JSON (%s)' % (name, e)) from e


def _keras_version():
    import keras
    return str(keras.__version__)


# --------------------------------------------------------------- attributes
def save_attributes_to_hdf5_group(group, name, data):
    """Store the list of strings ``data`` as attribute ``name`` of ``group``.

    Lists too large for one HDF5 object header are split into attributes
    ``name0``, ``name1``, ... as Keras 2 does.
    """
    data = [x.encode('utf8') if isinstance(x, str) else x for x in data]
    too_long = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise RuntimeError('The following attributes cannot be saved to HDF5 file because they '
                           'are larger than %d bytes: %s'
                           % (HDF5_OBJECT_HEADER_LIMIT, ', '.join(_decode(x) for x in too_long)))
    array = np.asarray(data)
    n_chunks = 1
    chunks = np.array_split(array, n_chunks)
    while any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in chunks):
        n_chunks += 1
        chunks = np.array_split(array, n_chunks)
    if n_chunks > 1:
        for i, chunk in enumerate(chunks):
            group.attrs['%s%d' % (name, i)] = chunk
    else:
        group.attrs[name] = array


def load_attributes_from_hdf5_group(group, name):
    """The list of strings stored by :func:`save_attributes_to_hdf5_group`."""
    if name in group.attrs:
        return [_decode(x) for x in np.atleast_1d(group.attrs[name])]
    data = []
    i = 0
    while '%s%d' % (name, i) in group.attrs:
        data += [_decode(x) for x in np.atleast_1d(group.attrs['%s%d' % (name, i)])]
        i += 1
    return data


def _has_attribute(group, name):
    return name in group.attrs or ('%s0' % name) in group.attrs


# ------------------------------------------------------------ file handling
def check_save_format(save_format):
    """Refuse formats other than HDF5 with a clear message."""
    if save_format in _H5_FORMATS:
        return
    if str(save_format).lower() in ('tf', 'tensorflow', 'savedmodel'):
        raise ValueError('save_format=%r: the TensorFlow checkpoint / SavedModel format is not '
                         'supported (there is no TensorFlow here). Keras 2 files are HDF5: use '
                         "save_format='h5' (the default)." % (save_format,))
    raise ValueError("Unknown save_format %r. Use 'h5' (HDF5, the Keras 2 format)."
                     % (save_format,))


def _is_stream(obj, method):
    return (not isinstance(obj, (str, bytes, os.PathLike))
            and callable(getattr(obj, method, None)))


def _new_file_mode(target):
    if os.path.exists(target):
        return stat.S_IMODE(os.stat(target).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _check_folder(path, target):
    """Refuse a target whose folder is missing or is not a folder, naming it."""
    folder = os.path.dirname(os.path.abspath(target))
    if os.path.isdir(folder):
        return
    if os.path.exists(folder):
        raise NotADirectoryError('Cannot save to %s: %s is a file, not a folder.'
                                 % (path, folder))
    raise FileNotFoundError('Cannot save to %s: the folder %s does not exist. Create it '
                            'first.' % (path, folder))


def write_h5(filepath, overwrite, write_fn, large_attributes=False):
    """Run ``write_fn(h5_group)`` on a new HDF5 file at ``filepath``, atomically.

    ``filepath`` may also be an open ``h5py.File``/``h5py.Group`` (written in
    place) or a binary stream with ``write`` (gets the file's bytes).
    Returns ``False`` when the user declined to overwrite an existing file.
    """
    h5py = _h5py()
    if isinstance(filepath, h5py.Group):
        write_fn(filepath)
        filepath.file.flush()
        return True
    libver = ('v108', 'latest') if large_attributes else ('earliest', 'latest')
    if _is_stream(filepath, 'write'):
        buffer = io.BytesIO()
        with h5py.File(buffer, 'w', libver=libver) as f:
            write_fn(f)
        filepath.write(buffer.getvalue())
        return True
    path = os.fspath(filepath)
    path = path.decode('utf8') if isinstance(path, bytes) else path
    target = os.path.realpath(path) if os.path.islink(path) else path
    if os.path.isdir(target):
        raise IsADirectoryError('Cannot save to %s: it is a directory. Give a file name such as '
                                '%s.' % (path, os.path.join(path, 'model.h5')))
    if not overwrite and os.path.isfile(target):
        if not ask_to_proceed_with_overwrite(path):
            return False
    _check_folder(path, target)
    with temp_file_for(target) as tmp:
        try:
            with h5py.File(tmp, 'w', libver=libver) as f:
                write_fn(f)
                f.flush()
        except OSError as e:
            if e.errno is None:
                raise
            raise type(e)(e.errno, 'Cannot save to %s: %s' % (path, e.strerror or e)) from e
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    return True


@contextlib.contextmanager
def open_h5(filepath):
    """Open ``filepath`` (a path, an ``h5py`` group or a binary stream) for reading."""
    h5py = _h5py()
    if isinstance(filepath, h5py.Group):
        yield filepath
        return
    if _is_stream(filepath, 'read'):
        data = filepath.read()
        _check_heaps(data, _source(filepath))
        with h5py.File(io.BytesIO(data), 'r') as f:
            yield f
        return
    path = os.fspath(filepath)
    path = path.decode('utf8') if isinstance(path, bytes) else path
    if os.path.isdir(path):
        from keras.engine.keras_zip import saved_model_error
        if saved_model_error(path) is not None:
            raise saved_model_error(path)
        raise IOError('%s is a directory (a TensorFlow SavedModel?). Only HDF5 files (Keras 2 '
                      '`.h5` files) can be loaded.' % path)
    if not os.path.exists(path):
        raise IOError('No file or directory found at %s' % path)
    _check_heaps(path, path)
    try:
        f = h5py.File(path, 'r')
    except OSError as e:
        raise OSError('Unable to read %s as an HDF5 file: %s (%s). Keras 2 model and weight '
                      'files are HDF5 files.' % (path, _what_file(path), e))
    with f:
        yield f


def _check_heaps(source, name):
    problem = io_utils.hdf5_heap_problem(source)
    if problem:
        raise OSError('Unable to read %s: it is a damaged HDF5 file (%s).' % (name, problem))


def _what_file(path):
    """What the first bytes of a file that h5py cannot open say it is."""
    try:
        with open(path, 'rb') as f:
            head = f.read(8)
    except OSError:
        return 'it cannot be read'
    if not head:
        return 'the file is empty'
    if head.startswith(b'\x89HDF'):
        return 'it is an HDF5 file, but truncated or damaged'
    if head.startswith(b'PK\x03\x04'):
        return 'it is a zip archive (a Keras 3 `.keras` file?), not HDF5'
    if head.lstrip()[:1] in (b'{', b'['):
        return 'it looks like JSON (an architecture from `to_json`? use `model_from_json`)'
    return 'it is not an HDF5 file'


def _source(filepath):
    """How errors name what is being read."""
    h5py = _h5py()
    if isinstance(filepath, h5py.Group):
        try:
            return '%s (group %s)' % (filepath.file.filename, filepath.name)
        except Exception:  # noqa: BLE001 - a closed or damaged file
            return 'an HDF5 group'
    if isinstance(filepath, (str, bytes, os.PathLike)):
        path = os.fspath(filepath)
        return path.decode('utf8', 'replace') if isinstance(path, bytes) else path
    return str(getattr(filepath, 'name', None) or 'the stream %r' % (filepath,))


def _is_damage(error):
    """Errors that come from unreadable bytes rather than from what they say."""
    return (isinstance(error, (OSError, RuntimeError, KeyError, MemoryError,
                               UnicodeDecodeError, json.JSONDecodeError))
            or type(error).__module__.startswith('h5py'))


def _describe(error):
    if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
        return error.args[0]  # str(KeyError) adds quotes
    if isinstance(error, (OSError, ValueError, RuntimeError, KeyError)):
        return str(error)
    return '%s: %s' % (type(error).__name__, error)


@contextlib.contextmanager
def reading(filepath, what='weights'):
    """Turn any failure while loading ``filepath`` into an error that names it.

    Read failures and damaged content (h5py, JSON, decoding, ``KeyError``...)
    become ``OSError`` (h5py I/O errors) or ``ValueError`` (everything else)
    saying which file and what was wrong; errors that already name the file
    pass unchanged. Warnings raised as errors pass too.
    """
    source = _source(filepath)
    try:
        yield
    except Warning:
        raise
    except Exception as e:  # noqa: BLE001 - re-raised with the file's name
        if isinstance(e, (OSError, ValueError)) and source in str(e):
            raise
        detail = _describe(e)
        hint = ''
        if _is_damage(e):
            hint = ' The file is damaged, truncated, or not a Keras file.'
        kind = OSError if isinstance(e, (OSError, RuntimeError)) else ValueError
        message = 'Unable to load %s from %s: %s.%s' % (what, source, detail.rstrip('.'), hint)
        # Damaged names decode to lone surrogates, which cannot be printed: escape them.
        message = message.encode('utf8', 'backslashreplace').decode('utf8')
        raise kind(message) from e


def read_array(dataset):
    """A dataset as a NumPy array, refusing sizes the file cannot hold (a damaged
    shape would otherwise ask for terabytes)."""
    try:
        size = dataset.file.id.get_filesize()
    except Exception:  # noqa: BLE001 - sizes unknown: read as it is
        size = None
    nbytes = int(np.prod(dataset.shape, dtype='float64')) * dataset.dtype.itemsize \
        if dataset.shape is not None else 0
    if size is not None and nbytes > size and dataset.compression is None:
        raise ValueError('dataset %s claims %d bytes, more than the whole file (%d bytes)'
                         % (dataset.name, nbytes, size))
    return np.asarray(dataset)


# ------------------------------------------------------------------- saving
def _weight_values(weights):
    out = []
    for w in weights:
        t = w.detach()
        if t.dtype == torch.bfloat16:
            t = t.float()
        out.append(t.cpu().numpy())
    return out


def uniquify(names):
    """``['a', 'b', 'b']`` -> ``['a', 'b', 'b_1']`` (names of one HDF5 group)."""
    seen = set()
    out = []
    for name in names:
        unique, i = name, 1
        while unique in seen:
            unique = '%s_%d' % (name, i)
            i += 1
        seen.add(unique)
        out.append(unique)
    return out


def write_named_arrays(group, names, values):
    """Attribute ``weight_names`` plus one dataset per (name, array)."""
    save_attributes_to_hdf5_group(group, 'weight_names', names)
    for name, value in zip(names, values):
        value = np.asarray(value)
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        if value.shape:
            dataset[:] = value
        else:
            dataset[()] = value


def save_weights_to_hdf5_group(group, layers):
    """Write the weights of ``layers`` into the HDF5 ``group`` (Keras 2 layout)."""
    save_attributes_to_hdf5_group(group, 'layer_names', [layer.name for layer in layers])
    group.attrs['backend'] = np.bytes_(BACKEND_NAME.encode('utf8'))
    group.attrs['keras_version'] = np.bytes_(_keras_version().encode('utf8'))
    for layer in layers:
        g = group.create_group(layer.name)
        weights = list(layer.weights)
        names = uniquify([weight_name(w, 'param_%d' % i) for i, w in enumerate(weights)])
        write_named_arrays(g, names, _weight_values(weights))


@allow_write_to_gcs
def save_weights(model, filepath, overwrite=True, save_format=None):
    """``model.save_weights``: all layer weights to an HDF5 file (or open group)."""
    check_save_format(save_format)
    write_h5(filepath, overwrite, lambda f: save_weights_to_hdf5_group(f, model.layers))


# ------------------------------------------------------------------ loading
def _file_origin(group):
    version = _decode(group.attrs['keras_version']) if 'keras_version' in group.attrs else '1'
    backend = _decode(group.attrs['backend']) if 'backend' in group.attrs else None
    return version, backend


def _read_layers(group):
    """``[(layer_name, weight_names, arrays)]`` in the file's layer order."""
    if not _has_attribute(group, 'layer_names') and 'nb_layers' in group.attrs:
        return _read_keras0_layers(group)
    entries = []
    for name in load_attributes_from_hdf5_group(group, 'layer_names'):
        if name not in group:
            raise ValueError('The weights file lists layer %r but has no group for it: the file '
                             'is damaged.' % name)
        g = group[name]
        names = load_attributes_from_hdf5_group(g, 'weight_names')
        missing = [n for n in names if n not in g]
        if missing:
            raise ValueError('The group of layer %r lists weight %r but has no object for it: '
                             'the file is damaged.' % (name, missing[0]))
        entries.append((name, names, [read_array(g[n]) for n in names]))
    return entries


def _read_keras0_layers(group):
    """Keras 0.x files: groups ``layer_K`` with datasets ``param_I``."""
    entries = []
    for k in range(int(group.attrs['nb_layers'])):
        g = group['layer_%d' % k]
        names = ['param_%d' % i for i in range(int(g.attrs['nb_params']))]
        entries.append(('layer_%d' % k, names, [read_array(g[n]) for n in names]))
    return entries


def _check_weights_group(group, source):
    if _has_attribute(group, 'layer_names') or 'nb_layers' in group.attrs:
        return
    if 'layers' in group or 'vars' in group:
        raise ValueError('%s looks like a Keras 3 `.weights.h5` file; only the Keras 2 HDF5 '
                         'layout (attribute `layer_names`) can be loaded.' % (source,))
    raise ValueError('%s is not a Keras weights file: it has no `layer_names` attribute (nor a '
                     '`model_weights` group).' % (source,))


def _check_shapes(k, layer, file_layer, params, values, file_names):
    """``[(param, array)]`` after checking every shape; raise naming the first bad one."""
    for i, (p, v) in enumerate(zip(params, values)):
        if tuple(p.shape) != tuple(v.shape):
            saved = (' "%s"' % file_names[i]) if file_names else ''
            raise ValueError('Layer #%d (named "%s" in the current model) corresponds to '
                             'layer %s in the save file; its weight "%s" has shape %s, but the '
                             'saved weight%s has shape %s.'
                             % (k, layer.name, file_layer, weight_name(p), tuple(p.shape),
                                saved, tuple(v.shape)))
    return list(zip(params, values))


def _file_names_for(layer, names, values):
    """The file's weight names, when they still line up with ``values``."""
    from keras.engine.network import Network
    if isinstance(layer, Network) or len(names) != len(values):
        return None
    return names


def assign_weights(pairs):
    """Copy every ``(param, array)`` pair (all checks are done before)."""
    with torch.no_grad():
        for p, v in pairs:
            p.copy_(torch.as_tensor(np.ascontiguousarray(v)).to(p.dtype))


def load_weights_from_hdf5_group(f, layers, reshape=False):
    """Load weights by layer order (layers without weights are skipped) from
    the HDF5 group ``f``.

    Nothing is assigned unless every layer's count and shapes match.

    Returns:
        ``[(layer, file_arrays)]``: the arrays the file held for each layer, as
        stored (what an optimizer state saved by order refers to).
    """
    version, backend = _file_origin(f)
    entries = [e for e in _read_layers(f) if e[1]]
    targets = [layer for layer in layers if layer.weights]
    if len(entries) != len(targets):
        hint = ''
        if not targets:
            hint = (' (The model has no weights yet: build it first, e.g. give the first layer '
                    'an `input_shape`, or call `model.build(input_shape)`.)')
        raise ValueError('You are trying to load a weight file containing %d layers into a '
                         'model with %d layers.%s' % (len(entries), len(targets), hint))
    pairs = []
    matched = [(layer, list(values)) for (_, _, values), layer in zip(entries, targets)]
    for k, ((name, names, values), layer) in enumerate(zip(entries, targets)):
        params = list(layer.weights)
        values = preprocess_weights_for_loading(layer, values, version, backend,
                                                reshape=reshape, weight_names=names)
        if len(values) != len(params):
            raise ValueError('Layer #%d (named "%s" in the current model) was found to '
                             'correspond to layer %s in the save file. However the new layer %s '
                             'expects %d weights, but the saved weights have %d elements.'
                             % (k, layer.name, name, layer.name, len(params), len(values)))
        pairs += _check_shapes(k, layer, name, params, values,
                               _file_names_for(layer, names, values))
    assign_weights(pairs)
    return matched


def _by_name_pairs(k, layer, name, names, values, origin, skip_mismatch, reshape):
    params = list(layer.weights)
    try:
        values = preprocess_weights_for_loading(layer, values, origin[0], origin[1],
                                                reshape=reshape, weight_names=names)
    except ValueError as e:
        if not skip_mismatch:
            raise
        warnings.warn('Skipping loading of weights for layer %s: %s' % (layer.name, e))
        return []
    if len(values) != len(params):
        if skip_mismatch:
            warnings.warn('Skipping loading of weights for layer %s due to mismatch in number '
                          'of weights (%d vs %d).' % (layer.name, len(params), len(values)))
            return []
        raise ValueError('Layer #%d (named "%s") expects %d weight(s), but the saved weights '
                         'have %d element(s).' % (k, layer.name, len(params), len(values)))
    for p, v in zip(params, values):
        if tuple(p.shape) != tuple(v.shape) and skip_mismatch:
            warnings.warn('Skipping loading of weights for layer %s due to mismatch in shape '
                          '(%s vs %s).' % (layer.name, tuple(p.shape), tuple(v.shape)))
            return []
    return _check_shapes(k, layer, name, params, values, _file_names_for(layer, names, values))


def load_weights_from_hdf5_group_by_name(f, layers, skip_mismatch=False, reshape=False):
    """Load weights from the HDF5 group ``f`` into the layers whose names match
    the file's layers.

    Layers without a match keep their weights. With ``skip_mismatch``, layers
    whose weight count or shapes differ are skipped with a warning; otherwise
    nothing is assigned and a ``ValueError`` names the layer.
    """
    origin = _file_origin(f)
    index = {}
    for layer in layers:
        index.setdefault(layer.name, []).append(layer)
    pairs = []
    for k, (name, names, values) in enumerate(_read_layers(f)):
        for layer in index.get(name, []):
            pairs += _by_name_pairs(k, layer, name, names, list(values), origin,
                                    skip_mismatch, reshape)
    assign_weights(pairs)


@allow_read_from_gcs
def load_weights(model, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """``model.load_weights``: read a Keras 2 HDF5 weights (or model) file."""
    from keras.engine import keras_zip, keras_zip_state
    if keras_zip.is_keras_zip(filepath):
        return keras_zip.load_weights(model, filepath, by_name=by_name,
                                      skip_mismatch=skip_mismatch)
    with reading(filepath, 'weights'), open_h5(filepath) as f:
        group = f
        if not _has_attribute(f, 'layer_names') and 'model_weights' in f:
            group = f['model_weights']
        if keras_zip_state.is_zip_weights_layout(group):  # tf.keras 2.13+ `.weights.h5`
            if by_name:
                raise ValueError('%s has the tf.keras 2.13+ weights layout (by attribute '
                                 'path), which has no layer names: load it without '
                                 '`by_name`.' % (_source(filepath),))
            return keras_zip_state.read_layers(group, model, skip_mismatch=skip_mismatch)
        if skip_mismatch and not by_name:
            warnings.warn('`skip_mismatch=True` only applies with `by_name=True`; it is '
                          'ignored.')
        _check_weights_group(group, filepath)
        if by_name:
            load_weights_from_hdf5_group_by_name(group, model.layers,
                                                 skip_mismatch=skip_mismatch, reshape=reshape)
        else:
            load_weights_from_hdf5_group(group, model.layers, reshape=reshape)


# ------------------------------------------------------------- model files
@allow_write_to_gcs
def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None):
    """Save architecture, weights and optimizer state to one HDF5 file (or, for
    a ``.keras`` name or ``save_format='keras'``, a tf.keras 2.13+ archive)."""
    from keras.engine import keras_zip, model_file
    if keras_zip.wants_keras_zip(filepath, save_format):
        return keras_zip.save_model(model, filepath, overwrite=overwrite,
                                    include_optimizer=include_optimizer)
    check_save_format(save_format)
    return model_file.save_model(model, filepath, overwrite=overwrite,
                                 include_optimizer=include_optimizer)


@allow_read_from_gcs
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model saved by :func:`save_model` (or Keras 2 / tf.keras)."""
    from keras.engine import keras_zip, model_file
    if keras_zip.is_keras_zip(filepath):
        return keras_zip.load_model(filepath, custom_objects=custom_objects, compile=compile,
                                    safe_mode=safe_mode)
    return model_file.load_model(filepath, custom_objects=custom_objects, compile=compile,
                                 safe_mode=safe_mode)


# Keras 2.3.1 also exported these from keras.engine.saving.
def model_from_config(config, custom_objects=None, safe_mode=True):
    """See :func:`keras.models.model_from_config`."""
    from keras import models
    return models.model_from_config(config, custom_objects=custom_objects, safe_mode=safe_mode)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """See :func:`keras.models.model_from_json`."""
    from keras import models
    return models.model_from_json(json_string, custom_objects=custom_objects,
                                  safe_mode=safe_mode)


def model_from_yaml(yaml_string, custom_objects=None, safe_mode=True):
    """See :func:`keras.models.model_from_yaml`."""
    from keras import models
    return models.model_from_yaml(yaml_string, custom_objects=custom_objects,
                                  safe_mode=safe_mode)


def pickle_model(model):
    """The dict Keras 2.3.1 pickled ``model`` as (see :mod:`keras.engine.model_pickle`)."""
    from keras.engine import model_pickle
    return model_pickle.pickle_model(model)


def unpickle_model(state):
    """The model a Keras 2.3.1 pickle state describes."""
    from keras.engine import model_pickle
    return model_pickle.unpickle_model(state)
