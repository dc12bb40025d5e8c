"""``keras.models``: model classes, (de)serialization of architectures, files."""
import json

from keras.engine.cloning import (  # noqa: F401 (2.3.1's private names too)
    _clone_functional_model, _clone_sequential_model, clone_model)
from keras.engine.input_layer import Input, InputLayer
from keras.engine.sequential import Sequential
from keras.engine.training import Model
from keras.layers import deserialize as _deserialize_layer
from keras.utils.generic_utils import has_arg, to_list  # noqa: F401 (2.3.1 exported them)
from keras.utils.safe_mode import safe_mode_scope

__all__ = ['Model', 'Sequential', 'Input', 'InputLayer', 'model_from_config', 'model_from_json', 'model_from_yaml',
           'load_model', 'save_model', 'clone_model']


def model_from_config(config, custom_objects=None, safe_mode=True):
    """Build a model from ``{'class_name': ..., 'config': ...}``."""
    if isinstance(config, list):
        raise TypeError('`model_from_config` expects a dictionary, not a list. Maybe you meant '
                        'to use `Sequential.from_config(config)`?')
    with safe_mode_scope(safe_mode):
        return _deserialize_layer(config, custom_objects=custom_objects)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """Build a model (untrained weights) from ``model.to_json()`` output."""
    return model_from_config(json.loads(json_string), custom_objects=custom_objects,
                             safe_mode=safe_mode)


def model_from_yaml(yaml_string, custom_objects=None, safe_mode=True):
    """Build a model from ``model.to_yaml()`` output (needs PyYAML)."""
    try:
        import yaml
    except ImportError:
        raise ImportError('Requires yaml module installed (`pip install pyyaml`).')
    return model_from_config(yaml.safe_load(yaml_string), custom_objects=custom_objects,
                             safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None):
    # Deferred: keras.saving.model_file imports this module (and keras.saving is
    # not part of `import keras`).
    from keras.saving import api
    return api.save_model(model, filepath, overwrite=overwrite,
                          include_optimizer=include_optimizer, save_format=save_format)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    from keras.saving import api  # deferred: see save_model
    return api.load_model(filepath, custom_objects=custom_objects, compile=compile,
                          safe_mode=safe_mode)
