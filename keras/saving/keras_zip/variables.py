"""Reading and writing the variables of a ``.keras`` file's ``model.weights.h5``
(also tf.keras 2.13+ ``.weights.h5`` files): layer variables at the paths of
:mod:`keras.saving.keras_zip.paths`, the optimizer's under ``optimizer/vars``
(``iteration``, then the slots in tf.keras 2.11+'s order).
"""
import warnings

import numpy as np

from keras import backend as K
from keras.saving.hdf5 import read_array
from keras.saving.keras_zip.paths import LEGACY_CONTAINER, entries, join
from keras.saving.weights import assign_weights, weight_values

__all__ = ['is_zip_weights_layout', 'write_layers', 'read_layers',
           'write_optimizer', 'read_optimizer']

# tf.keras 2.11+ optimizers create, per model weight, these first slots one
# after the other (m_0, v_0, m_1, v_1, ...); later slots come in blocks.
_INTERLEAVED = {'Adam': 2, 'Adamax': 2, 'Nadam': 2, 'Adadelta': 2}


def is_zip_weights_layout(group):
    """Whether an HDF5 group holds the tf.keras 2.13+ layout (no ``layer_names``)."""
    named = 'layer_names' in group.attrs or 'layer_names0' in group.attrs
    return not named and any(k in group for k in ('vars', 'layers', LEGACY_CONTAINER))


def _write_vars(h5, path, arrays):
    group = h5.create_group(join(path, 'vars'))
    for i, value in enumerate(arrays):
        group.create_dataset(str(i), data=np.asarray(value))


def write_layers(h5, model):
    """Write every layer's own variables of ``model`` into the open HDF5 file,
    with hard links under the names tf.keras 2.13 and 2.14 look for."""
    links = []
    for path, _, variables in entries(model, links=links):
        _write_vars(h5, path, weight_values(variables))
    for link, target in links:
        if link not in h5:
            h5.require_group(link.rsplit('/', 1)[0])
            h5[link] = h5[target]


def _read_vars(h5, path):
    group = h5.get(join(path, 'vars'))
    if group is None:
        return None
    keys = sorted(group.keys(), key=lambda k: (0, int(k), '') if k.isdigit() else (1, 0, k))
    return [read_array(group[k]) for k in keys]


def _layer_pairs(h5, path, layer, variables, skip_mismatch):
    arrays = _read_vars(h5, path)
    if arrays is None:
        arrays = []
    problem = None
    if len(arrays) != len(variables):
        problem = ('layer "%s" (%s) has %d variables but the file has %d at %s'
                   % (layer.name, type(layer).__name__, len(variables), len(arrays),
                      join(path, 'vars')))
    else:
        for i, (v, a) in enumerate(zip(variables, arrays)):
            if tuple(v.shape) != tuple(a.shape):
                problem = ('layer "%s" (%s): variable %d has shape %s but the file has %s at %s'
                           % (layer.name, type(layer).__name__, i, tuple(v.shape),
                              tuple(a.shape), join(path, 'vars/%d' % i)))
                break
    if problem is None:
        return list(zip(variables, arrays))
    if skip_mismatch:
        warnings.warn('Skipping loading of weights: %s.' % problem)
        return []
    raise ValueError('Cannot load the weights (tf.keras 2.13+ / Keras 3 layout, by attribute '
                     'path): %s.' % problem)


def read_layers(h5, model, skip_mismatch=False):
    """Set ``model``'s weights from the open HDF5 file (nothing is assigned
    unless every layer fits, except those skipped with ``skip_mismatch``)."""
    pairs = []
    for path, layer, variables in entries(model, h5):
        if not variables and h5.get(join(path, 'vars')) is None:
            continue
        pairs += _layer_pairs(h5, path, layer, variables, skip_mismatch)
    assign_weights(pairs)


# ------------------------------------------------------------------ optimizer
def _slot_layout(optimizer, n_params):
    """tf.keras's order of the slot variables: ``[(slot spec, weight index)]``."""
    specs = [s for s in optimizer._slots() if optimizer._is_full_slot(s[0])]
    k = _INTERLEAVED.get(type(optimizer).__name__, 0)
    head, tail = specs[:k], specs[k:]
    order = [(s, i) for i in range(n_params) for s in head]
    order += [(s, i) for s in tail for i in range(n_params)]
    return order


def _slot_optimizer(optimizer):
    return all(hasattr(optimizer, a) for a in ('_slots', '_is_full_slot',
                                                'set_weights_from_tf_keras'))


def write_optimizer(h5, model):
    """Write the compiled optimizer's state under ``optimizer/vars`` (tf.keras order)."""
    optimizer = getattr(model, 'optimizer', None)
    if optimizer is None:
        return
    if not _slot_optimizer(optimizer):
        _write_vars(h5, 'optimizer', optimizer.get_weights())
        return
    iterations = np.asarray(K.get_value(optimizer.iterations)).astype('int64').reshape(())
    if getattr(optimizer, '_params', None) is None:  # never built: the counter only
        _write_vars(h5, 'optimizer', [iterations])
        return
    params = list(model.trainable_weights)
    arrays = [iterations]
    for spec, i in _slot_layout(optimizer, len(params)):
        index = optimizer._index.get(id(params[i]))
        if index is None:  # a weight the optimizer never updated
            arrays.append(np.zeros(tuple(params[i].shape), dtype='float32'))
        else:
            arrays.append(weight_values([optimizer._state[spec[0]][index]])[0])
    _write_vars(h5, 'optimizer', arrays)


def read_optimizer(h5, model):
    """Restore the compiled optimizer's state from ``optimizer/vars``; warn
    (keeping a fresh optimizer) when it does not fit."""
    arrays = _read_vars(h5, 'optimizer')
    optimizer = getattr(model, 'optimizer', None)
    if not arrays or optimizer is None:
        return
    params = list(getattr(model, '_collected_trainable_weights', None) or
                  model.trainable_weights)
    try:
        if not _slot_optimizer(optimizer):
            optimizer.set_weights(arrays)
            return
        if len(arrays) == 1:  # saved before the first update: the counter only
            K.set_value(optimizer.iterations, np.asarray(arrays[0]).reshape(()))
            return
        layout = _slot_layout(optimizer, len(params))
        if len(arrays) != 1 + len(layout):
            raise ValueError('the file has %d optimizer variables, %s over %d weights expects '
                             '%d' % (len(arrays), type(optimizer).__name__, len(params),
                                     1 + len(layout)))
        prefix = type(optimizer).__name__
        names = ['iteration'] + ['%s/%s/%d' % (prefix, spec[2], i) for spec, i in layout]
        if not optimizer.set_weights_from_tf_keras(names, arrays, params):
            raise ValueError('the saved variables do not fit %s' % prefix)
    except Exception as e:  # noqa: BLE001 - a bad optimizer state never blocks loading
        warnings.warn('Error in loading the saved optimizer state (%s). As a result, your '
                      'model is starting with a freshly initialized optimizer.' % (e,))
