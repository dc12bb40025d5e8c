"""A functional model's architecture to and from its Keras 2 config dict.

Rebuilding a model deserializes its layers with ``keras.layers.deserialize``;
``keras.layers`` builds on the engine, so instead of being imported here it
registers that function when it is imported (``import keras`` does), through
:func:`register_layer_deserializer`.  :func:`deserialize_layer` calls it.
"""
import json
import warnings

from keras.engine import graph as graph_lib
from keras.utils.generic_utils import unpack_singleton

__all__ = ['network_config', 'network_from_config', 'model_json_dict',
           'register_layer_deserializer', 'deserialize_layer']

_LAYER_DESERIALIZER = []


def register_layer_deserializer(deserialize):
    """Install ``deserialize(config, custom_objects=None)`` (``keras.layers`` does)."""
    _LAYER_DESERIALIZER[:] = [deserialize]


def deserialize_layer(config, custom_objects=None):
    """A layer (or model) from its ``{'class_name': ..., 'config': ...}``."""
    if not _LAYER_DESERIALIZER:
        raise RuntimeError('Deserializing a layer needs `keras.layers`, which registers its '
                           '`deserialize` when imported (`import keras` does).')
    return _LAYER_DESERIALIZER[0](config, custom_objects=custom_objects)


def _node_conversion_map(network):
    # A true cycle: keras.engine.network imports this module.
    from keras.engine.network import Network
    conversion = {}
    for layer in network.layers:
        kept = 1 if isinstance(layer, Network) else 0
        for index in range(len(layer._inbound_nodes)):
            key = graph_lib.node_key(layer, index)
            if key in network._network_nodes:
                conversion[key] = kept
                kept += 1
    return conversion


def _node_arguments(layer, node):
    if not node.arguments:
        return {}
    try:
        json.dumps(node.arguments)
        return dict(node.arguments)
    except TypeError:
        warnings.warn('Layer %s was passed non-serializable keyword arguments: %s. They will '
                      'not be included in the serialized model (and thus will be missing at '
                      'deserialization time).' % (layer.name, node.arguments))
        return {}


def network_config(network):
    """Keras 2.3.1's functional-model config: layers with inbound nodes."""
    conversion = _node_conversion_map(network)
    layer_configs = []
    for layer in network.layers:
        inbound = []
        for index, node in enumerate(layer._inbound_nodes):
            if graph_lib.node_key(layer, index) not in network._network_nodes:
                continue
            if not node.inbound_layers:
                continue
            kwargs = _node_arguments(layer, node)
            inbound.append([[inbound_layer.name,
                             conversion.get(graph_lib.node_key(inbound_layer, node_index), 0),
                             tensor_index, kwargs]
                            for inbound_layer, node_index, tensor_index in
                            zip(node.inbound_layers, node.node_indices, node.tensor_indices)])
        layer_configs.append({'name': layer.name, 'class_name': layer.__class__.__name__,
                              'config': layer.get_config(), 'inbound_nodes': inbound})

    def coordinates(history_list):
        out = []
        for layer, node_index, tensor_index in history_list:
            key = graph_lib.node_key(layer, node_index)
            out.append([layer.name, conversion.get(key, 0), tensor_index])
        return out

    return {'name': network.name, 'layers': layer_configs,
            'input_layers': coordinates(network._input_coordinates),
            'output_layers': coordinates(network._output_coordinates)}


def _as_coordinate_list(value):
    if value and isinstance(value[0], str):
        return [value]
    return list(value)


def network_from_config(cls, config, custom_objects=None):
    """Rebuild a functional model from :func:`network_config` output (also the
    configs of Keras 2.0-2.3 and tf.keras)."""
    created = {}
    pending = {}
    order = []

    def process_node(layer, node_data):
        tensors = []
        kwargs = {}
        for entry in node_data:
            if isinstance(entry, dict):  # tf.keras 2.13+ call-argument records
                continue
            name, node_index, tensor_index = entry[0], entry[1], entry[2]
            if len(entry) > 3 and isinstance(entry[3], dict):
                kwargs = entry[3]
            if name not in created or len(created[name]._inbound_nodes) <= node_index:
                return False
            tensors.append(created[name]._inbound_nodes[node_index].output_tensors[tensor_index])
        if tensors:
            layer(unpack_singleton(tensors) if len(tensors) == 1 else tensors, **kwargs)
        return True

    for layer_data in config['layers']:
        layer = deserialize_layer(layer_data, custom_objects=custom_objects)
        created[layer_data['name']] = layer
        order.append(layer)
        pending[layer] = list(layer_data.get('inbound_nodes') or [])
    while any(pending.values()):
        progressed = False
        for layer in order:
            while pending[layer]:
                if not process_node(layer, pending[layer][0]):
                    break
                pending[layer].pop(0)
                progressed = True
        if not progressed:
            stuck = [l.name for l in order if pending[l]]
            raise ValueError('Cannot rebuild model %r: the inbound nodes of layers %s refer to '
                             'layers or nodes that never appear in the config.'
                             % (config.get('name'), stuck))

    def tensors_for(coords):
        out = []
        for name, node_index, tensor_index in _as_coordinate_list(coords):
            if name not in created:
                raise ValueError('Model config refers to unknown layer %r.' % name)
            out.append(created[name]._inbound_nodes[node_index].output_tensors[tensor_index])
        return out

    inputs = tensors_for(config['input_layers'])
    outputs = tensors_for(config['output_layers'])
    return cls(inputs=inputs, outputs=outputs, name=config.get('name'))


def model_json_dict(model):
    import keras  # for __version__; a true cycle: the keras package imports the engine
    return {'class_name': model.__class__.__name__, 'config': model.get_config(),
            'keras_version': keras.__version__, 'backend': 'tensorflow'}
