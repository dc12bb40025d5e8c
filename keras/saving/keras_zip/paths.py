"""Where each layer's variables live in a tf.keras 2.13-2.15 ``model.weights.h5``.

tf.keras walks the model's attributes and gives every layer a group named by
the path that first reached it; each group holds ``vars`` with the layer's
*own* variables as datasets ``'0'``, ``'1'``... (trainable ones first)::

    vars                                  the model's own (empty)
    layers/dense/vars/0, .../1            model.layers, named by snake-cased class:
    layers/dense_1/vars/0                   dense, dense_1, ... (per model)
    layers/lstm/cell/vars/0..2            a recurrent layer's cell
    layers/bidirectional/forward_layer/cell/vars/...
    layers/time_distributed/layer/vars/...
    layers/sequential/layers/dense/vars/  a nested model
    optimizer/vars/0..                    iteration, then the slots

Our layers keep tf.keras's attribute names for their sub-layers (``cell``,
``forward_layer``, ``backward_layer``, ``layer``, ``cells``), so a walk of our
model gives the paths.

The model level differs by version. tf.keras 2.15 visits attributes in reverse
alphabetical order and reaches the layers through ``layers`` (above). 2.13 and
2.14 visit them in alphabetical order and reach them first through
``_layer_checkpoint_dependencies``, a dict listing each layer that has weights
twice: 2.14 names them as 2.15 does, 2.13 also counts the repeats (``dense``,
``dense_2``, ``dense_4``...). Files are read in whichever layout they have; we
write 2.15's and add HDF5 hard links (no copies) under the older names, so
2.13 and 2.14 read our files too (2.13 only where its names do not collide
with 2.14's: at most two weighted layers of one class per model).
"""
from keras.engine.base_layer import Layer
from keras.engine.network import Network
from keras.utils.generic_utils import to_snake_case

__all__ = ['entries', 'join', 'LEGACY_CONTAINER']

LEGACY_CONTAINER = '_layer_checkpoint_dependencies'


def join(*parts):
    return '/'.join(p for p in parts if p)


def _is_model(layer):
    return isinstance(layer, Network)


def _tf_class_name(layer):
    name = type(layer).__name__
    if _is_model(layer) and getattr(layer, '_is_graph_network', False) \
            and name in ('Model', 'Network'):
        return 'Functional'
    return name


def own_variables(layer):
    return list(layer._trainable_weights) + list(layer._non_trainable_weights)


def _sublayers(layer):
    """``[(attribute, Layer or list of Layers)]`` of a non-model layer, in
    tf.keras's visiting order (which gives the same paths in 2.13-2.15)."""
    found = {name: m for name, m in layer._modules.items() if isinstance(m, Layer)}
    cells = layer.__dict__.get('cells')
    if isinstance(cells, list) and cells and all(isinstance(c, Layer) for c in cells):
        found['cells'] = list(cells)
    return sorted(found.items(), key=lambda item: item[0], reverse=True)


def _names(items, seen, doubled=False):
    """``[(item, name)]`` for a container: snake-cased class names numbered per
    class; ``doubled`` counts each layer with weights twice (tf.keras 2.13)."""
    used, out = {}, []
    for item in items:
        visited = id(item) in seen
        if visited and not doubled:
            continue
        base = to_snake_case(_tf_class_name(item))
        count = used.get(base, -1) + 1
        used[base] = count + (1 if doubled and item.weights else 0)
        if not visited:
            out.append((item, base if count == 0 else '%s_%d' % (base, count)))
    return out


def _model_container(model, path, seen, h5):
    """``(attribute, [(layer, name)])`` of a model's layers in file ``h5``
    (``None``: the layout we write)."""
    layers = list(model.layers)
    modern = _names(layers, seen)
    group = h5.get(path) if (h5 is not None and path) else h5
    if group is None or 'layers' in group or LEGACY_CONTAINER not in group:
        return 'layers', modern
    legacy = group[LEGACY_CONTAINER]
    if all(name in legacy for layer, name in modern if layer.weights):
        return LEGACY_CONTAINER, modern
    return LEGACY_CONTAINER, _names(layers, seen, doubled=True)


def _add_links(links, path, layers, seen):
    modern = _names(layers, seen)
    target = {id(l): join(path, 'layers', name) for l, name in modern}
    links += [(join(path, LEGACY_CONTAINER, name), target[id(l)]) for l, name in modern]
    links += [(join(path, LEGACY_CONTAINER, name), target[id(l)])
              for l, name in _names(layers, seen, doubled=True)]


def _walk(layer, path, out, seen, h5, links):
    if id(layer) in seen:
        return
    seen.add(id(layer))
    out.append((path, layer, own_variables(layer)))
    if _is_model(layer):
        if links is not None:
            _add_links(links, path, list(layer.layers), seen)
        attr, named = _model_container(layer, path, seen, h5)
        for item, name in named:
            _walk(item, join(path, attr, name), out, seen, h5, links)
        return
    for attr, child in _sublayers(layer):
        if isinstance(child, list):
            for item, name in _names(child, seen):
                _walk(item, join(path, attr, name), out, seen, h5, links)
        else:
            _walk(child, join(path, attr), out, seen, h5, links)


def entries(model, h5=None, links=None):
    """``[(path, layer, own_variables)]`` of ``model`` and all its sub-layers,
    in the layout of the open file ``h5`` (``None``: tf.keras 2.15's).

    ``links``, a list, receives ``(older path, path)`` pairs for 2.13/2.14
    readers: 2.14's names first, then 2.13's.
    """
    out = []
    _walk(model, '', out, set(), h5, links)
    return out
