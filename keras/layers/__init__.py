"""``keras.layers``: every layer class of Keras 2.3.1, plus ``serialize`` /
``deserialize``.  Each family lives in its own module (``core``,
``convolutional``, ``recurrent``...), as in Keras 2; their public names are
gathered here."""
import importlib

from keras.engine import network_config as _network_config
from keras.engine.base_layer import InputSpec, Layer
from keras.engine.input_layer import Input, InputLayer
from keras.engine.sequential import Sequential as _Sequential
from keras.engine.training import Model as _Model
from keras.utils.generic_utils import deserialize_keras_object

_FAMILIES = ('core', 'convolutional', 'pooling', 'merge', 'normalization', 'embeddings',
             'recurrent', 'wrappers', 'advanced_activations', 'noise', 'local',
             'convolutional_recurrent', 'torch_module')

__all__ = ['Layer', 'InputSpec', 'Input', 'InputLayer', 'serialize', 'deserialize']

for _family in _FAMILIES:
    try:
        _module = importlib.import_module('keras.layers.' + _family)
    except ModuleNotFoundError as _e:
        if _e.name != 'keras.layers.' + _family:
            raise
        continue
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _family, _module

from keras.legacy.layers import Highway, MaxoutDense  # noqa: E402 (Keras 1 layers 2.3.1 kept)
__all__ += ['Highway', 'MaxoutDense']

# Names older Keras versions wrote in model files.
_LEGACY_CLASS_NAMES = {'Functional': 'Model', 'Recurrent': 'RNN', 'AtrousConvolution1D': 'Conv1D',
                       'AtrousConvolution2D': 'Conv2D'}


def _registry():
    objects = {name: globals()[name] for name in __all__ if name in globals()}
    objects.update({'Model': _Model, 'Sequential': _Sequential, 'Network': _Model})
    for old, new in _LEGACY_CLASS_NAMES.items():
        if new in objects and old not in objects:
            objects[old] = objects[new]
    return objects


def serialize(layer):
    """``{'class_name': ..., 'config': ...}`` for a layer."""
    return {'class_name': layer.__class__.__name__, 'config': layer.get_config()}


def deserialize(config, custom_objects=None):
    """Build a layer (or model) from ``{'class_name': ..., 'config': ...}``."""
    return deserialize_keras_object(config, module_objects=_registry(),
                                    custom_objects=custom_objects,
                                    printable_module_name='layer')


# The engine rebuilds models from configs through this module's ``deserialize``.
_network_config.register_layer_deserializer(deserialize)
