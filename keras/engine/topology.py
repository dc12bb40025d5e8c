"""Keras 2.0-2.2 import path for the graph classes (``keras.engine.topology``)."""
from keras.engine.base_layer import InputSpec, Layer
from keras.engine.input_layer import Input, InputLayer
from keras.engine.network import Network, get_source_inputs
from keras.engine.node import Node

__all__ = ['Layer', 'InputSpec', 'Input', 'InputLayer', 'Network', 'Node', 'get_source_inputs']
