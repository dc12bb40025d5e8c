"""The engine: layers, symbolic tensors, graphs, models and their training."""
from keras.engine.base_layer import InputSpec, Layer
from keras.engine.input_layer import Input, InputLayer
from keras.engine.keras_tensor import KerasTensor
from keras.engine.network import Network, get_source_inputs
from keras.engine.node import Node
from keras.engine.training import Model
# K.* on KerasTensors, K.placeholder and K.function run through the graph
# machinery, which registers itself in keras.backend.graph_hooks when imported.
from keras.engine.graph import evaluation as _graph_evaluation  # noqa: F401

__all__ = ['Layer', 'InputSpec', 'Input', 'InputLayer', 'KerasTensor', 'Network', 'Node',
           'Model', 'get_source_inputs']
