"""The keys under which a layer registers its weights and sub-layers with ``torch.nn.Module``.

A Keras name is free text: a model may hold a layer called ``'loss'`` (keras-rl's
DQN does) and a layer may call a weight ``'weights'``. The torch registration
key is derived from the name but must never shadow a Keras attribute, so it
skips every name the object or its class already answers to and every name
``compile``/``fit`` set later; and where Keras code assigns a plain value to a
name that holds a registered weight or sub-layer, that entry steps aside
(:func:`move_aside`) instead of refusing the assignment as torch would.

    >>> model = Model(x, Dense(1, name='loss')(x))
    >>> model.compile('sgd', 'mse')     # sets model.loss = 'mse'
    >>> model.get_layer('loss')         # the layer is still there
"""

import torch

__all__ = ['layer_key', 'weight_key', 'move_aside', 'needs_move']

# Attributes that Model.compile / fit and the callbacks set after construction.
_SET_LATER = frozenset([
    'loss', 'loss_weights', 'loss_functions', 'optimizer', 'metrics', 'metrics_names',
    'weighted_metrics', 'sample_weight_mode', 'targets', 'target_tensors', 'history',
    'stop_training', 'train_function', 'test_function', 'predict_function',
    'input_names', 'output_names', 'inputs', 'outputs', 'built', 'jit_compile'])


def _sanitized(name, default):
    return ''.join(c if (c.isalnum() or c == '_') else '_' for c in str(name)) or default


def _taken(module, key):
    return (key in module._parameters or key in module._modules or key in module._buffers
            or key in module.__dict__ or key in _SET_LATER or hasattr(type(module), key))


def _free(module, base):
    key, i = base, 1
    while _taken(module, key):
        key = '%s_%d' % (base, i)
        i += 1
    return key


def layer_key(model, layer):
    """The key of ``layer`` among ``model``'s sub-modules: the one it already has,
    else its name made free (``'loss'`` becomes ``'loss_1'``)."""
    for key, module in model._modules.items():
        if module is layer:
            return key
    return _free(model, _sanitized(layer.name, 'layer'))


def weight_key(layer, name):
    """A free attribute key for a new weight called ``name`` (``'w_1x1'`` for ``'1x1'``)."""
    base = _sanitized(name, 'weight')
    if base[0].isdigit():
        base = 'w_' + base
    return _free(layer, base)


def needs_move(module, name, value):
    """Whether assigning ``value`` to ``name`` would collide with a registered entry
    of another kind (torch would raise TypeError)."""
    if value is None:
        return False
    if name in module._modules:
        return not isinstance(value, torch.nn.Module)
    if name in module._parameters:
        return not isinstance(value, torch.nn.Parameter)
    return False


def move_aside(module, name):
    """Re-register the weight or sub-layer held under ``name`` under a free key,
    keeping its place in the registration order."""
    for registry in (module._modules, module._parameters):
        if name in registry:
            new_key = _free(module, name)
            entries = list(registry.items())
            registry.clear()
            for key, entry in entries:
                registry[new_key if key == name else key] = entry
            return new_key
    return None
