"""``Sequential``: a linear stack of layers, built as a functional model."""
import copy

from keras.engine import graph as graph_lib
from keras.engine import module_keys
from keras.engine.base_layer import Layer
from keras.engine.input_layer import Input, InputLayer
from keras.engine.network import Network
from keras.engine.network_config import deserialize_layer
from keras.engine.training import Model

__all__ = ['Sequential']


class Sequential(Model):
    """A linear stack of layers.

    Example:
        >>> model = Sequential()
        >>> model.add(Dense(32, input_dim=784))
        >>> model.add(Activation('relu'))
    """

    def __init__(self, layers=None, name=None):
        Model._base_init(self, name)
        self._stack = []  # layers added by the user (plus a leading InputLayer)
        self._build_input_shape = None
        self.built = False
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        if self._stack and isinstance(self._stack[0], InputLayer):
            return list(self._stack[1:])
        return list(self._stack)

    @property
    def _layers_list(self):
        return self._stack

    @_layers_list.setter
    def _layers_list(self, value):
        pass

    def add(self, layer):
        """Append a layer; builds the graph as soon as the input shape is known."""
        if getattr(layer, '_is_keras_tensor', False) and isinstance(
                layer._keras_history[0], InputLayer):
            layer = layer._keras_history[0]  # tf.keras style: model.add(Input(shape=...))
        if not isinstance(layer, Layer):
            raise TypeError('The added layer must be an instance of class Layer. Found: %r'
                            % (layer,))
        if not self._stack:
            if isinstance(layer, InputLayer):
                self._stack.append(layer)
                self.add_module(module_keys.layer_key(self, layer), layer)
                self._set_graph([layer._inbound_nodes[-1].output_tensors[0]])
                return
            if isinstance(layer, Network) and len(layer.inputs) > 1:
                self._start_with_model(layer)
                return
            batch_shape, dtype = _first_layer_input(layer)
            if batch_shape is not None:
                x = Input(batch_shape=batch_shape, dtype=dtype, name=layer.name + '_input')
                self._stack.append(x._keras_history[0])
                input_layer = x._keras_history[0]
                self.add_module(module_keys.layer_key(self, input_layer), input_layer)
                self._stack.append(layer)
                self.add_module(module_keys.layer_key(self, layer), layer)
                self._set_graph([_single_output(layer, layer(x))])
                return
            self._stack.append(layer)
            self.add_module(module_keys.layer_key(self, layer), layer)
            self.built = False
            return
        if self.outputs:
            output = _single_output(layer, layer(self.outputs[0]))
            self._stack.append(layer)
            self.add_module(module_keys.layer_key(self, layer), layer)
            self._set_graph([output])
        else:
            self._stack.append(layer)
            self.add_module(module_keys.layer_key(self, layer), layer)

    def _start_with_model(self, model):
        """A first layer of several inputs: a model, such as Keras 1's
        ``Merge([left_branch, right_branch], mode='concat')``.  Its inputs
        become this model's, in order (``fit([x_left, x_right], y)``), shared
        with the branches as in Keras 1: a branch merged again later (the
        question encoder of Keras 1's bAbI memory network) adds no input."""
        inputs = list(model.inputs)
        output = _single_output(model, model(inputs))
        for x in inputs:
            input_layer = x._keras_history[0]
            self.add_module(module_keys.layer_key(self, input_layer), input_layer)
        self._stack.append(model)
        self.add_module(module_keys.layer_key(self, model), model)
        self._set_graph([output])

    def pop(self):
        """Remove the last layer."""
        if not self.layers:
            raise TypeError('There are no layers in the model.')
        layer = self._stack.pop()
        self._modules.pop(module_keys.layer_key(self, layer), None)
        if not self.layers:
            self.outputs = []
            self.inputs = []
            self._stack = []
            self.built = False
            self._is_graph_network = False
            return
        if self.inputs:
            last = self._stack[-1]
            for index in range(len(last._inbound_nodes) - 1, -1, -1):
                if graph_lib.node_key(last, index) in self._network_nodes:
                    self._set_graph([last._inbound_nodes[index].output_tensors[0]])
                    break

    def _set_graph(self, outputs):
        inputs = graph_lib.get_source_inputs(outputs[0])
        self._init_graph_network(inputs, outputs, name=self.name, trainable=self.trainable)
        self._build_input_shape = tuple(inputs[0].shape)

    def _init_graph_network(self, inputs, outputs, name=None, trainable=True):
        stack = self.__dict__.get('_stack')
        Model._init_graph_network(self, inputs, outputs, name=name, trainable=trainable)
        self._stack = stack

    def build(self, input_shape=None):
        """Create the graph for inputs of ``input_shape`` (batch axis included)."""
        if input_shape is None and self._build_input_shape is not None:
            input_shape = self._build_input_shape
        if self.inputs and self.built:
            return
        if input_shape is None:
            raise ValueError('You must provide an `input_shape` argument to build %s.'
                             % self.name)
        layers = self.layers
        x = Input(batch_shape=tuple(input_shape), name=layers[0].name + '_input'
                  if layers else None, dtype=getattr(layers[0], 'dtype', None) if layers and
                  _is_integer_input(layers[0]) else None)
        self._stack = [x._keras_history[0]] + layers
        input_layer = x._keras_history[0]
        self.add_module(module_keys.layer_key(self, input_layer), input_layer)
        for layer in layers:
            x = _single_output(layer, layer(x))
        self._set_graph([x])

    def get_config(self):
        layers = [{'class_name': layer.__class__.__name__, 'config': layer.get_config()}
                  for layer in self.layers]
        config = {'name': self.name, 'layers': copy.deepcopy(layers)}
        if self._build_input_shape is not None and not hasattr(
                self.layers[0] if self.layers else None, 'batch_input_shape'):
            config['build_input_shape'] = list(self._build_input_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if isinstance(config, dict):
            name = config.get('name')
            layer_configs = config['layers']
            build_shape = config.get('build_input_shape')
        else:  # Keras 2.0-2.2 wrote the list of layers directly
            name, layer_configs, build_shape = None, config, None
        model = cls(name=name)
        for conf in layer_configs:
            model.add(deserialize_layer(conf, custom_objects=custom_objects))
        if not model.inputs and build_shape:
            model.build(tuple(build_shape))
        return model

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Probabilities (warns if outside [0, 1], as Keras does)."""
        preds = self.predict(x, batch_size, verbose)
        if preds.min() < 0. or preds.max() > 1.:
            import warnings
            warnings.warn('Network returning invalid probability values. The last layer might '
                          'not normalize predictions into probabilities (like softmax or '
                          'sigmoid would).')
        return preds

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Class indices: argmax for several units, ``> 0.5`` for one."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype('int32')


def _first_layer_input(layer):
    first = layer
    while isinstance(first, Network):
        if not first.layers:
            raise ValueError('Cannot add an empty model to a `Sequential` model.')
        if first.inputs:
            x = first.inputs[0]
            return tuple(x.shape), x.dtype
        first = first.layers[0]
    if hasattr(first, 'batch_input_shape'):
        return tuple(first.batch_input_shape), first.dtype
    return None, None


def _is_integer_input(layer):
    return layer.__class__.__name__ == 'Embedding'


def _single_output(layer, output):
    if isinstance(output, list):
        raise TypeError('All layers in a Sequential model should have a single output tensor. '
                        'For multi-output layers, use the functional API (layer %s).'
                        % layer.name)
    return output
