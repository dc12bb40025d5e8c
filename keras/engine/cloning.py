"""``clone_model``: the same architecture on new layers (fresh weights).

A functional model is replayed node by node, in depth order, on new input
tensors, with each layer replaced by its clone (a shared layer is cloned once
and shared again).  A ``Sequential`` model is rebuilt from clones of its
layers.  Weights are not copied: call ``new.set_weights(model.get_weights())``
for that.
"""
from keras.engine.base_layer import Layer
from keras.engine.input_layer import Input, InputLayer
from keras.engine.keras_tensor import is_keras_tensor
from keras.engine.sequential import Sequential
from keras.engine.training import Model
from keras.utils.generic_utils import to_list
from keras.utils.safe_mode import safe_mode_scope

__all__ = ['clone_model']


def _clone_layer(layer):
    """A new layer of the same class and config (new, freshly built weights).

    The config comes from a live object of this process, not from a file, so
    safe mode does not apply (a Lambda layer's function is rebuilt as it is).
    """
    with safe_mode_scope(False):
        return layer.__class__.from_config(layer.get_config())


def _check_clone(clone_function, layer, new_layer):
    if not isinstance(new_layer, Layer):
        raise ValueError('clone_function must return a Layer; for layer %s it returned %r.'
                         % (layer.name, new_layer))
    return new_layer


def _wrap_input(tensor, name):
    """A Keras input for ``tensor``: itself when it is one, else ``Input(tensor=...)``."""
    if is_keras_tensor(tensor):
        return tensor
    return Input(tensor=tensor, name='input_wrapper_for_' + name)


def _new_inputs(model, input_tensors):
    """One new input tensor per input of ``model``."""
    if input_tensors is None:
        return [Input(batch_shape=layer.batch_input_shape, dtype=layer.dtype,
                      sparse=getattr(layer, 'sparse', False), name=layer.name)
                for layer in model._input_layers]
    input_tensors = to_list(input_tensors)
    if len(input_tensors) != len(model.inputs):
        raise ValueError('clone_model: model %s has %d input(s), but input_tensors holds %d.'
                         % (model.name, len(model.inputs), len(input_tensors)))
    return [_wrap_input(x, layer.name) for x, layer in zip(input_tensors, model._input_layers)]


def _map_arguments(value, tensor_map):
    """Call arguments with the original graph's tensors (``initial_state=``...)
    replaced by the clone's."""
    if is_keras_tensor(value) and id(value) in tensor_map:
        return tensor_map[id(value)]
    if isinstance(value, (list, tuple)):
        return type(value)(_map_arguments(v, tensor_map) for v in value)
    if isinstance(value, dict):
        return {k: _map_arguments(v, tensor_map) for k, v in value.items()}
    return value


def _clone_functional_model(model, input_tensors=None, clone_function=None):
    if not isinstance(model, Model) or not getattr(model, '_is_graph_network', False):
        raise ValueError('Expected `model` argument to be a functional `Model` instance, '
                         'got %r.' % (model,))
    clone_function = clone_function or _clone_layer
    new_inputs = _new_inputs(model, input_tensors)
    tensor_map = {id(x): y for x, y in zip(model.inputs, new_inputs)}
    layer_map = {}
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            layer = node.outbound_layer
            if isinstance(layer, InputLayer) or not node.inbound_layers:
                continue
            if any(id(x) not in tensor_map for x in node.input_tensors):
                continue  # a node of another model sharing this layer
            if layer not in layer_map:
                layer_map[layer] = _check_clone(clone_function, layer, clone_function(layer))
            inputs = [tensor_map[id(x)] for x in node.input_tensors]
            if not getattr(node, '_list_input', False) and len(inputs) == 1:
                inputs = inputs[0]
            kwargs = _map_arguments(dict(node.arguments or {}), tensor_map)
            outputs = to_list(layer_map[layer](inputs, **kwargs))
            for x, y in zip(node.output_tensors, outputs):
                tensor_map[id(x)] = y
    missing = [x for x in model.outputs if id(x) not in tensor_map]
    if missing:
        raise ValueError('clone_model: could not compute output(s) %s of model %s.'
                         % (missing, model.name))
    return Model(new_inputs, [tensor_map[id(x)] for x in model.outputs], name=model.name)


def _clone_sequential_model(model, input_tensors=None, clone_function=None):
    if not isinstance(model, Sequential):
        raise ValueError('Expected `model` argument to be a `Sequential` model instance, '
                         'got %r.' % (model,))
    clone_function = clone_function or _clone_layer
    layers = [_check_clone(clone_function, layer, clone_function(layer))
              for layer in model.layers]
    if input_tensors is None:
        return Sequential(layers=layers, name=model.name)
    input_tensors = to_list(input_tensors)
    if len(input_tensors) != 1:
        raise ValueError('To clone a `Sequential` model, we expect at most one tensor as '
                         'part of `input_tensors` (got %d).' % len(input_tensors))
    x = input_tensors[0]
    if is_keras_tensor(x):
        origin = x._keras_history[0]
        if not isinstance(origin, InputLayer):
            raise ValueError('Cannot clone a `Sequential` model on top of a tensor that '
                             'comes from a Keras layer other than an `InputLayer` (it comes '
                             'from %s). Use the functional API instead.' % origin.name)
    else:
        x = Input(tensor=x, name='input_wrapper_for_' + str(getattr(x, 'name', None)
                                                             or model.name))
    return Sequential(layers=[x._keras_history[0]] + layers, name=model.name)


def clone_model(model, input_tensors=None, clone_function=None):
    """A copy of ``model`` built from new layers, with freshly initialized weights.

    Args:
        model: a functional ``Model`` or a ``Sequential`` model.
        input_tensors: optional input(s) to build the clone on: ``Input`` tensors,
            or tensors/variables (each wrapped in ``Input(tensor=...)``, so that the
            clone is fed from them: ``train_on_batch(None, y)``).
        clone_function: optional ``layer -> new layer`` (tf.keras's argument);
            by default ``layer.__class__.from_config(layer.get_config())``.

    Example:
        >>> new_model = clone_model(model)
        >>> new_model.set_weights(model.get_weights())
    """
    if isinstance(model, Sequential):
        return _clone_sequential_model(model, input_tensors, clone_function)
    return _clone_functional_model(model, input_tensors, clone_function)
