"""The engine: layers, symbolic tensors, graphs, models and their training."""
from keras.engine.base_layer import InputSpec, Layer
from keras.engine.input_layer import Input, InputLayer
from keras.engine.keras_tensor import KerasTensor
from keras.engine.network import Network, get_source_inputs
from keras.engine.node import Node
from keras.engine.training import Model

__all__ = ['Layer', 'InputSpec', 'Input', 'InputLayer', 'KerasTensor', 'Network', 'Node',
           'Model', 'get_source_inputs']
