"""Whole-model HDF5 files (``model.save`` / ``keras.models.load_model``).

Root attributes ``keras_version``, ``backend``, ``model_config`` (architecture
JSON) and, for a compiled model saved with its optimizer, ``training_config``
(JSON: optimizer config, loss, metrics, weighted_metrics, sample_weight_mode,
loss_weights); group ``model_weights`` (the :mod:`keras.saving.weights`
layout) and group ``optimizer_weights`` (attribute ``weight_names``, one
dataset per optimizer variable). Files from Keras 1, Keras 2 and tf.keras load.
"""
import json
import warnings

import numpy as np
import torch

from keras import losses, metrics, optimizers
from keras.engine.network_config import model_json_dict
from keras.engine.sequential import Sequential
from keras.models import model_from_config
from keras.saving import legacy_weights
from keras.saving.hdf5 import (HDF5_OBJECT_HEADER_LIMIT, json_attribute,
                               load_attributes_from_hdf5_group, open_h5, read_array, reading,
                               write_h5)
from keras.saving.weights import (BACKEND_NAME, file_origin, keras_version,
                                  load_weights_from_hdf5_group, save_weights_to_hdf5_group,
                                  uniquify, write_named_arrays)

__all__ = ['save_hdf5_model', 'load_hdf5_model', 'training_config',
           'compile_from_training_config', 'optimizer_arrays', 'restore_optimizer']

_TRAINING_KEYS = ('loss', 'metrics', 'weighted_metrics', 'sample_weight_mode', 'loss_weights')


def _json_type(obj):
    """JSON for what ``json`` cannot write itself (Keras 2.3.1's rules)."""
    if hasattr(obj, 'get_config'):
        return {'class_name': obj.__class__.__name__, 'config': obj.get_config()}
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, torch.Size):
        return list(obj)
    if isinstance(obj, torch.dtype):
        return str(obj).replace('torch.', '')
    if isinstance(obj, type):
        return obj.__name__
    if callable(obj):
        return obj.__name__
    raise TypeError('Not JSON Serializable: %r' % (obj,))


def training_config(model):
    """The ``training_config`` dict of a compiled model (Keras 2.3.1 keys)."""
    optimizer = model.optimizer
    return {'optimizer_config': {'class_name': optimizer.__class__.__name__,
                                 'config': optimizer.get_config()},
            'loss': getattr(model, 'loss', None),
            'metrics': getattr(model, '_compile_metrics', None),
            'weighted_metrics': getattr(model, '_compile_weighted_metrics', None),
            'sample_weight_mode': getattr(model, 'sample_weight_mode', None),
            'loss_weights': getattr(model, 'loss_weights', None)}


def optimizer_arrays(optimizer):
    """``(names, values)`` of the optimizer's state (empty before it is built).

    Names as Keras 2.3.1 wrote them: the scalars made in the optimizer's
    ``__init__`` under its class name (``Adam/iterations:0``), the slots made
    while building the training function under ``training/``
    (``training/Adam/m_0:0``).
    """
    weights = list(getattr(optimizer, 'weights', None) or [])
    if not weights:
        return [], []
    values = optimizer.get_weights()
    prefix = type(optimizer).__name__
    names = None
    if hasattr(optimizer, 'get_weight_names'):
        names = list(optimizer.get_weight_names())
    if not names or len(names) != len(values):
        names = ['%s/iterations:0' % prefix if i == 0 else
                 '%s/Variable_%d:0' % (prefix, i) for i in range(len(values))]
    head = 0
    while head < len(values) and np.ndim(values[head]) == 0:
        head += 1
    names = names[:head] + ['training/' + n if not n.startswith('training/') else n
                            for n in names[head:]]
    return uniquify(names), values


def _optimizer_section(model, include_optimizer):
    """``(training_config_json, names, values)``, or Nones when not saved."""
    if not include_optimizer or getattr(model, 'optimizer', None) is None:
        return None, [], []
    try:
        config = json.dumps(training_config(model), default=_json_type)
    except NotImplementedError as e:
        warnings.warn('The optimizer cannot be saved (%s). The model is saved without its '
                      'training configuration: compile it again after loading.' % (e,))
        return None, [], []
    names, values = optimizer_arrays(model.optimizer)
    return config, names, values


def save_hdf5_model(model, filepath, overwrite=True, include_optimizer=True):
    """Save architecture, weights and (optionally) optimizer state to one HDF5 file.

    ``filepath`` is a path (written atomically), an open ``h5py.File``/``Group``,
    or a binary stream. Returns ``False`` if the user declined to overwrite.
    """
    if not getattr(model, '_is_graph_network', False) and not isinstance(model, Sequential):
        raise NotImplementedError('Saving a whole model to HDF5 needs a functional or Sequential '
                                  'model; %s is a subclassed model. Use `save_weights` instead.'
                                  % model.name)
    config = model_json_dict(model)
    config = {'class_name': config['class_name'], 'config': config['config']}  # as 2.3.1
    model_config = json.dumps(config, default=_json_type).encode('utf8')
    train_config, opt_names, opt_values = _optimizer_section(model, include_optimizer)
    train_bytes = train_config.encode('utf8') if train_config else None
    large = max(len(model_config), len(train_bytes or b'')) > HDF5_OBJECT_HEADER_LIMIT

    def write(f):
        f.attrs['keras_version'] = np.bytes_(keras_version().encode('utf8'))
        f.attrs['backend'] = np.bytes_(BACKEND_NAME.encode('utf8'))
        f.attrs['model_config'] = np.bytes_(model_config)
        if train_bytes is not None:
            f.attrs['training_config'] = np.bytes_(train_bytes)
        save_weights_to_hdf5_group(f.create_group('model_weights'), model.layers)
        if opt_values:
            write_named_arrays(f.create_group('optimizer_weights'), opt_names, opt_values)

    return write_h5(filepath, overwrite, write, large_attributes=large)


# ------------------------------------------------------------------ loading
def load_hdf5_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model from an HDF5 file written by Keras 1, Keras 2 or tf.keras.

    The model is compiled again (optimizer state included) when the file has a
    training configuration and ``compile`` is true. ``safe_mode`` (default)
    refuses to run code stored in the file (Lambda bytecode).
    """
    custom_objects = dict(custom_objects or {})
    with reading(filepath, 'a model'), open_h5(filepath) as f:
        if 'model_config' not in f.attrs:
            raise ValueError('No model found in config file %s (it has no `model_config` '
                             'attribute; a weights-only file is read with '
                             '`model.load_weights`).' % (filepath,))
        config = json_attribute(f, 'model_config')
        model = model_from_config(config, custom_objects=custom_objects, safe_mode=safe_mode)
        group = f['model_weights'] if 'model_weights' in f else f
        matched = load_weights_from_hdf5_group(group, model.layers)
        if not compile:
            return model
        if 'training_config' not in f.attrs:
            warnings.warn('No training configuration found in save file: the model was *not* '
                          'compiled. Compile it manually.')
            return model
        train_config = json_attribute(f, 'training_config')
        compile_from_training_config(model, train_config, custom_objects)
        if 'optimizer_weights' in f:
            restore_optimizer(model, f['optimizer_weights'], matched, file_origin(group))
    return model


def compile_from_training_config(model, config, custom_objects=None):
    """``model.compile(...)`` with a stored ``training_config`` (Keras 2 or tf.keras)."""
    custom_objects = custom_objects or {}
    try:
        optimizer = optimizers.deserialize(config['optimizer_config'],
                                           custom_objects=custom_objects)
        loss = _deserialize(config.get('loss'), custom_objects, 'loss')
        metrics = _deserialize(config.get('metrics'), custom_objects, 'metric')
        weighted = _deserialize(config.get('weighted_metrics'), custom_objects, 'metric')
    except ValueError as e:
        raise ValueError('%s\n(While compiling the loaded model from its training '
                         'configuration: pass the missing objects in `custom_objects`, or '
                         '`compile=False` to load the model uncompiled.)' % (e,))
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics or None,
                  weighted_metrics=weighted or None, loss_weights=config.get('loss_weights'),
                  sample_weight_mode=config.get('sample_weight_mode'))


def _deserialize(value, custom_objects, kind):
    """Losses/metrics from JSON: names stay names, serialized objects are rebuilt."""
    if isinstance(value, list):
        return [_deserialize(v, custom_objects, kind) for v in value]
    if isinstance(value, dict) and 'class_name' not in value:  # per output
        return {k: _deserialize(v, custom_objects, kind) for k, v in value.items()}
    if isinstance(value, dict):
        return _deserialize_object(value, custom_objects, kind)
    if isinstance(value, str) and value in custom_objects:
        return custom_objects[value]
    return value


def _deserialize_object(value, custom_objects, kind):
    if kind == 'metric' and value['class_name'] == 'MeanMetricWrapper':
        return _metric_name(value.get('config') or {}, custom_objects)
    module = losses if kind == 'loss' else metrics
    return module.deserialize(value, custom_objects=custom_objects)


def _metric_name(config, custom_objects):
    """A tf.keras ``MeanMetricWrapper`` as the name Keras 2 compiles
    (``{'name': 'accuracy', 'fn': 'categorical_accuracy'}`` -> ``'accuracy'``)."""
    candidates = [c for c in (config.get('name'), config.get('fn')) if isinstance(c, str)]
    for candidate in candidates:
        if candidate in custom_objects:
            return custom_objects[candidate]
        if candidate in ('accuracy', 'acc', 'crossentropy', 'ce'):
            return candidate
        try:
            metrics.get(candidate)
            return candidate
        except ValueError:
            continue
    if not candidates:
        raise ValueError('Cannot rebuild metric from %r.' % (config,))
    return candidates[-1]


# tf.keras 2.0-2.10 optimizers also saved their hyper-parameters as variables
# (``Adam/learning_rate:0``); the training configuration already holds them.
_TF_HYPERPARAMETERS = ('learning_rate', 'lr', 'decay', 'beta_1', 'beta_2', 'rho', 'momentum',
                       'epsilon', 'initial_accumulator_value')


def _short(name):
    return name[:-2] if name.endswith(':0') else name


def _without_tf_hyperparameters(names, values):
    parts = [_short(n).split('/') for n in names]
    if not parts or parts[0][-1] != 'iter':
        return names, values
    keep = [i for i, p in enumerate(parts)
            if not (len(p) == 2 and p[1] in _TF_HYPERPARAMETERS and np.ndim(values[i]) == 0)]
    return [names[i] for i in keep], [values[i] for i in keep]


def restore_optimizer(model, group, matched=None, origin=(None, None)):
    """Set the compiled optimizer's state from ``optimizer_weights``; warn once if
    it cannot be mapped (the fresh optimizer is kept).

    tf.keras files are read by variable name; Keras 1 and 2 files by order,
    each slot converted like the weights it belongs to (``matched``: the
    file's arrays per layer, from the weights loader).
    """
    names = load_attributes_from_hdf5_group(group, 'weight_names')
    optimizer = model.optimizer
    params = list(getattr(model, '_collected_trainable_weights', None) or
                  model.trainable_weights)
    try:
        values = [read_array(group[n]) for n in names]
        names, values = _without_tf_hyperparameters(names, values)
        head = _short(names[0]).split('/')[-1] if names else ''
        if head in ('iter', 'iteration'):
            if hasattr(optimizer, 'set_weights_from_tf_keras') and \
                    optimizer.set_weights_from_tf_keras(names, values, params):
                return
            if head == 'iteration':
                raise ValueError('tf.keras optimizer variables %s do not fit %s'
                                 % (names[:3] + ['...'], type(optimizer).__name__))
        if matched:
            try:
                values = legacy_weights.convert_optimizer_weights(matched, values, *origin)
            except ValueError:
                pass  # as stored: set_weights checks every count and shape
        if hasattr(optimizer, 'build'):
            optimizer.build(params)
        optimizer.set_weights(values)
    except Exception as e:  # noqa: BLE001 - a bad optimizer state never blocks loading
        warnings.warn('Error in loading the saved optimizer state (%s). As a result, your '
                      'model is starting with a freshly initialized optimizer.' % (e,))
