"""The Keras 2 weights layout in HDF5: one group per layer.

A weights file (``save_weights``) and the ``model_weights`` group of a model
file hold attributes ``layer_names``, ``backend``, ``keras_version``, and one
group per layer (``model.layers`` order) with attribute ``weight_names`` and
one dataset per weight stored under its name (``'dense_1/kernel:0'``) — the
layout Keras 2.3.1 and tf.keras write. Old layouts are converted on the way in
by :mod:`keras.saving.legacy_weights`; the loaders assign nothing until every
array has been read and checked.
"""
import warnings

import numpy as np
import torch

import keras
from keras.engine.layer_weights import weight_name
from keras.engine.network import Network
from keras.saving.hdf5 import (decode_attribute, has_attribute, load_attributes_from_hdf5_group,
                               read_array, save_attributes_to_hdf5_group)
from keras.saving.legacy_weights import preprocess_weights_for_loading

__all__ = ['BACKEND_NAME', 'save_weights_to_hdf5_group', 'load_weights_from_hdf5_group',
           'load_weights_from_hdf5_group_by_name', 'write_named_arrays', 'uniquify',
           'weight_values', 'assign_weights', 'file_origin', 'check_weights_group',
           'keras_version']

BACKEND_NAME = 'tensorflow'  # what Keras 2 readers expect; kernels use its layout


def keras_version():
    """The ``keras_version`` attribute files are written with."""
    return str(keras.__version__)


# ------------------------------------------------------------------- saving
def weight_values(weights):
    """The arrays of ``weights`` as NumPy (bfloat16 as float32), as files store them."""
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
    group.attrs['keras_version'] = np.bytes_(keras_version().encode('utf8'))
    for layer in layers:
        g = group.create_group(layer.name)
        weights = list(layer.weights)
        names = uniquify([weight_name(w, 'param_%d' % i) for i, w in enumerate(weights)])
        write_named_arrays(g, names, weight_values(weights))


# ------------------------------------------------------------------ loading
def file_origin(group):
    """``(keras_version, backend)`` a weights group was written with."""
    attrs = group.attrs
    version = decode_attribute(attrs['keras_version']) if 'keras_version' in attrs else '1'
    backend = decode_attribute(attrs['backend']) if 'backend' in attrs else None
    return version, backend


def _read_layers(group):
    """``[(layer_name, weight_names, arrays)]`` in the file's layer order."""
    if not has_attribute(group, 'layer_names') and 'nb_layers' in group.attrs:
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


def check_weights_group(group, source):
    """Refuse a group that holds no Keras 2 weights layout, saying what it is."""
    if has_attribute(group, 'layer_names') or 'nb_layers' in group.attrs:
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
    version, backend = file_origin(f)
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
    origin = file_origin(f)
    index = {}
    for layer in layers:
        index.setdefault(layer.name, []).append(layer)
    pairs = []
    for k, (name, names, values) in enumerate(_read_layers(f)):
        for layer in index.get(name, []):
            pairs += _by_name_pairs(k, layer, name, names, list(values), origin,
                                    skip_mismatch, reshape)
    assign_weights(pairs)
