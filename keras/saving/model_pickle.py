"""Keras 2.3.1's pickle form of a model: the HDF5 model file as a nested dict.

``pickle_model(model)`` returns what Keras 2.3.1's ``Network.__getstate__``
returned: the ``H5Dict`` dict form of the model file (``keras_version``,
``backend``, ``model_config``, ``model_weights`` with ``layer_names`` and a
group per layer, and ``training_config``/``optimizer_weights`` for a compiled
model).  ``unpickle_model(state)`` rebuilds the model from such a dict, so
pickles written by Keras 2.3.1 load here.

The dict is turned into (or taken from) an in-memory HDF5 file, so pickles
and model files go through one writer and one reader.

Example:
    >>> state = pickle_model(model)
    >>> same = unpickle_model(state)
"""
import io

import numpy as np

from keras.saving.h5_dict import H5Dict
from keras.saving.hdf5 import (_h5py, load_attributes_from_hdf5_group, read_array,
                               save_attributes_to_hdf5_group)
from keras.saving.model_file import load_hdf5_model, save_hdf5_model

__all__ = ['pickle_model', 'unpickle_model', 'is_pickled_model', 'needs_named_form',
           'rebind_optimizer_state']


def is_pickled_model(state):
    """Whether ``state`` is a Keras 2.3.1 pickle state (the dict form of a model file)."""
    return isinstance(state, dict) and bool(state.get('_is_group')) and 'model_config' in state


def _is_local(obj):
    """Whether pickle cannot find ``obj`` (or its class) by name: defined
    inside a function."""
    target = obj if callable(obj) and hasattr(obj, '__qualname__') else type(obj)
    return '<locals>' in getattr(target, '__qualname__', '')


def _compile_objects(model):
    found = [model.__dict__.get('optimizer')]
    for value in (model.__dict__.get('loss'), model.__dict__.get('_compile_metrics'),
                  model.__dict__.get('_compile_weighted_metrics')):
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend(item)
            elif item is not None and not isinstance(item, str):
                found.append(item)
    return [obj for obj in found if obj is not None]


def needs_named_form(model):
    """Whether ``model`` pickles as Keras 2.3.1 did (its model file, where
    custom objects go by name) rather than as its own objects: a graph model
    whose layers, optimizer, losses or metrics are classes or functions
    defined inside a function, which pickle cannot name (unpickling then
    finds them in a ``CustomObjectScope``, as in Keras 2.3.1)."""
    if not getattr(model, '_is_graph_network', False):
        return False
    return any(_is_local(obj) for obj in list(model.layers) + _compile_objects(model))


def rebind_optimizer_state(optimizer):
    """After unpickling: key an optimizer's slots by its (new) parameter
    objects again, so training goes on from the pickled state."""
    params = getattr(optimizer, '_params', None)
    if not isinstance(params, list) or not isinstance(optimizer.__dict__.get('_index'), dict):
        return
    optimizer._index = {id(p): i for i, p in enumerate(params)}
    optimizer.__dict__['_plans'] = {}
    for cache in ('_graph_steps', '_last_graph_step'):
        optimizer.__dict__.pop(cache, None)


def _h5_file():
    return _h5py().File(io.BytesIO(), 'w')


def _as_dict_value(value):
    """An HDF5 attribute value as Keras 2.3.1 kept it in the dict form."""
    if isinstance(value, np.bytes_):
        return bytes(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == 'S':
        return [bytes(v) for v in value.reshape(-1)]
    return value


def _copy_weights_group(group, target):
    """Attributes of an HDF5 weights group, then its arrays listed in ``weight_names``
    (flat names such as ``'dense_1/kernel:0'``, as in Keras 2.3.1's dict form)."""
    for key, value in group.attrs.items():
        target[key] = _as_dict_value(value)
    for name in load_attributes_from_hdf5_group(group, 'weight_names'):
        target[name] = read_array(group[name])


def pickle_model(model):
    """The Keras 2.3.1 pickle state of ``model`` (a functional or Sequential model)."""
    state = {}
    out = H5Dict(state)
    with _h5_file() as f:
        save_hdf5_model(model, f)
        for key, value in f.attrs.items():
            out[key] = _as_dict_value(value)
        weights = f['model_weights']
        layers = out['model_weights']
        for key, value in weights.attrs.items():
            layers[key] = _as_dict_value(value)
        for name in load_attributes_from_hdf5_group(weights, 'layer_names'):
            _copy_weights_group(weights[name], layers[name])
        if 'optimizer_weights' in f:
            _copy_weights_group(f['optimizer_weights'], out['optimizer_weights'])
    return state


def _write_group(source, group):
    """Write the dict-form group ``source`` (an ``H5Dict``) into the HDF5 ``group``."""
    for key in list(source.data):
        if key == '_is_group' or (key.startswith('_') and key.endswith('_pickled')):
            continue
        value = source[key]
        if isinstance(value, H5Dict):
            _write_group(value, group.create_group(key))
        elif type(value).__module__ == np.__name__:  # arrays and NumPy scalars
            group.create_dataset(key, data=value)
        elif isinstance(value, (list, tuple)):
            save_attributes_to_hdf5_group(group, key, list(value))
        elif isinstance(value, (bytes, str)):
            data = value.encode('utf8') if isinstance(value, str) else value
            group.attrs[key] = np.bytes_(data)
        else:
            group.attrs[key] = value


def unpickle_model(state, custom_objects=None, compile=True):
    """Rebuild a model from a Keras 2.3.1 pickle state (see :func:`pickle_model`).

    Raises:
        ValueError: if ``state`` is not such a state.
    """
    if not is_pickled_model(state):
        raise ValueError('unpickle_model: expected the dict Keras 2.3.1 pickled models as (with '
                         '`_is_group` and `model_config` entries); got %s.'
                         % (type(state).__name__ if not isinstance(state, dict)
                            else 'a dict with keys %s' % sorted(state)[:8]))
    with _h5_file() as f:
        _write_group(H5Dict(state, mode='r'), f)
        return load_hdf5_model(f, custom_objects=custom_objects, compile=compile)
