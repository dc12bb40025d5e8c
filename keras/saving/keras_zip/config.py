"""``config.json`` of tf.keras 2.13-2.15 ``.keras`` files <-> Keras 2 configs.

tf.keras 2.13+ serializes every object as a dict with four keys: ``module``
(the public module, ``'keras.layers'``, ``'keras.initializers'``...),
``class_name``, ``config`` and ``registered_name`` (the custom-object name, or
``None`` for built-in classes). Models and layers may add ``build_config``
(``{'input_shape': ...}``) and the top-level model ``compile_config`` (the
arguments of ``compile``). Functions are ``{'module': 'builtins', 'class_name':
'function', 'config': NAME, 'registered_name': 'function'}``; built-in
activations are plain names. Inside, layer configs keep Keras 2's keys, and a
functional model keeps its ``layers``/``inbound_nodes``/``input_layers``.

:func:`to_keras2` strips the extra keys so that the HDF5 loading path
(``from_config`` of tf.keras 2.x configs) rebuilds the model; :func:`model_config`
and :func:`compile_config` write our model the way tf.keras reads it. A
functional model is written as ``keras.Model`` (tf.keras's own ``Functional``
class lives in a module whose path changed between versions; ``Model.from_config``
rebuilds it in all of them). Optimizers are written as tf.keras 2.11+ classes
where those compute the same numbers (SGD, Adam, Adamax, Adadelta without
``decay``) or follow the newer formulas, else as ``keras.optimizers.legacy.X``
(which tf.keras 2.13 and 2.14 cannot compile from a ``.keras`` file, not even
their own: load those with ``compile=False`` there; 2.15 loads them).
"""
from keras.engine.network import Network
from keras.engine.sequential import Sequential
from keras.saving.model_file import training_config as model_training_config
from keras.utils import generic_utils

__all__ = ['to_keras2', 'model_config', 'compile_config', 'training_config']

# Keys an object dict has besides ``class_name``/``config`` (dropped for Keras 2).
_OBJECT_KEYS = ('module', 'registered_name', 'build_config', 'compile_config',
                'shared_object_id')
_LAYER_KEYS = ('layer', 'cell', 'forward_layer', 'backward_layer', 'cells', 'layers')
# Optimizers whose tf.keras 2.11+ class has Keras 2.3.1's formulas (without `decay`).
# They are written as the newer class (which every tf.keras 2.13-2.15 compiles and
# whose state it restores) and read back as ours.
_SAME_FORMULAS = ('SGD', 'Adam', 'Adamax', 'Adadelta')


# ------------------------------------------------------------------ reading
def _special(class_name, inner, safe_mode):
    """The value of tf.keras's ``__numpy__``/``__bytes__``/... records."""
    if class_name in ('__numpy__', '__tensor__', '__bytes__', '__tuple__'):
        return inner['value']
    if class_name == '__lambda__':
        if safe_mode:
            raise ValueError('The file stores a Python lambda as bytecode; loading it would run '
                             'code from the file. Pass `safe_mode=False` if you trust it.')
        return generic_utils.func_load(*inner['value'])
    raise ValueError('Unsupported serialized object %r (a TensorFlow type spec): this file '
                     'needs TensorFlow.' % (class_name,))


def to_keras2(value, safe_mode=True):
    """A tf.keras 2.13+ serialized value as the Keras 2 config it stands for."""
    if isinstance(value, (list, tuple)):
        return [to_keras2(v, safe_mode) for v in value]
    if not isinstance(value, dict):
        return value
    if 'class_name' in value and 'config' in value:
        name = value['class_name']
        if name == 'function':
            return value['config']  # the function's name (custom_objects key)
        if isinstance(name, str) and name.startswith('__') and name.endswith('__'):
            return _special(name, value['config'] or {}, safe_mode)
        return {k: to_keras2(v, safe_mode) for k, v in value.items()
                if k not in _OBJECT_KEYS}
    return {k: to_keras2(v, safe_mode) for k, v in value.items()}


def training_config(compile_config, safe_mode=True):
    """A ``compile_config`` as the ``training_config`` of an HDF5 model file."""
    config = to_keras2(compile_config, safe_mode)
    optimizer = config.get('optimizer')
    if isinstance(optimizer, dict) and optimizer.get('class_name') in _SAME_FORMULAS:
        inner = optimizer.get('config') or {}
        if not inner.get('weight_decay') and not inner.get('use_ema'):
            inner.pop('is_legacy_optimizer', None)  # the same numbers as Keras 2's class
    return {'optimizer_config': optimizer, 'loss': config.get('loss'),
            'metrics': config.get('metrics'), 'weighted_metrics': config.get('weighted_metrics'),
            'loss_weights': config.get('loss_weights'),
            'sample_weight_mode': config.get('sample_weight_mode')}


# ------------------------------------------------------------------ writing
def _known_in(module_name, class_name):
    import importlib
    module = importlib.import_module(module_name)
    return isinstance(getattr(module, class_name, None), type)


def _module_for(key, class_name):
    """The tf.keras public module of a nested object, from its key and class."""
    if key in ('dtype', 'dtype_policy') or class_name == 'Policy':
        return 'keras.mixed_precision'
    for suffix, module in (('initializer', 'keras.initializers'),
                           ('regularizer', 'keras.regularizers'),
                           ('constraint', 'keras.constraints')):
        if key is not None and key.endswith(suffix):
            return module
    if key in _LAYER_KEYS:
        return 'keras.layers'
    for module in ('keras.layers', 'keras.initializers', 'keras.regularizers',
                   'keras.constraints'):
        if _known_in(module, class_name):
            return module
    return None


def _object(module, class_name, config):
    registered = None if module and module.startswith('keras') else class_name
    return {'module': module, 'class_name': class_name, 'config': config,
            'registered_name': registered}


def _convert(value, key=None):
    """A Keras 2 config value with its nested ``{'class_name', 'config'}`` dicts
    written as tf.keras 2.13+ objects."""
    if isinstance(value, (list, tuple)):
        return [_convert(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    if 'class_name' in value and 'config' in value:
        name = value['class_name']
        out = _object(_module_for(key, name), name, _convert(value['config']))
        for extra in ('name', 'inbound_nodes'):  # a functional model's layer entries
            if extra in value:
                out[extra] = value[extra]
        return out
    return {k: _convert(v, k) for k, v in value.items()}


def _layer_entry(layer, entry):
    """One entry of a model config's ``layers`` list, as tf.keras writes it."""
    name = entry['class_name']
    if name == 'Functional':
        name = 'Model'
    module = 'keras.layers' if _known_in('keras.layers', name) else type(layer).__module__
    out = _object(module, name, _inner_config(layer, entry['config']))
    if name in ('Model', 'Functional', 'Sequential') and isinstance(layer, Network):
        out['module'], out['registered_name'] = 'keras', None
    for extra in ('name', 'inbound_nodes'):
        if extra in entry:
            out[extra] = entry[extra]
    return out


def _inner_config(obj, config):
    """``config`` of layer or model ``obj`` with nested objects converted;
    a model's ``layers`` list entry by entry (they have objects)."""
    if not isinstance(obj, Network) or 'layers' not in config:
        return _convert(config)
    out = {k: _convert(v, k) for k, v in config.items() if k != 'layers'}
    layers = list(obj.layers)
    entries = config['layers']
    by_name = {l.name: l for l in layers}
    converted = []
    for i, entry in enumerate(entries):
        layer = by_name.get(entry.get('name') or entry['config'].get('name'))
        if layer is None and len(entries) == len(layers):
            layer = layers[i]
        converted.append(_layer_entry(layer, entry) if layer is not None else _convert(entry))
    out['layers'] = converted
    return out


def model_config(model):
    """The ``config.json`` dict of ``model`` (without ``compile_config``)."""
    if isinstance(model, Sequential):
        top = _object('keras', 'Sequential', _inner_config(model, model.get_config()))
        shape = getattr(model, '_build_input_shape', None)
        if shape is not None:
            top['build_config'] = {'input_shape': list(shape)}
        return top
    # tf.keras names the class ``Functional`` in a module that moved between
    # versions; ``keras.Model`` rebuilds the same functional model in all of them.
    return _object('keras', 'Model', _inner_config(model, model.get_config()))


def _serialize_fn(value, module):
    """A loss or metric argument of ``compile`` as tf.keras 2.13 writes it."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_serialize_fn(v, module) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_fn(v, module) for k, v in value.items()}
    if hasattr(value, 'get_config'):
        return _object(module, type(value).__name__, _convert(value.get_config()))
    name = getattr(value, '__name__', None)
    if name is None:
        raise ValueError('Cannot save %r in the compile configuration.' % (value,))
    return {'module': 'builtins', 'class_name': 'function', 'config': name,
            'registered_name': 'function'}


def _optimizer(optimizer):
    config = dict(optimizer.get_config())
    name = type(optimizer).__name__
    if getattr(optimizer, '_tf2', False) or (name in _SAME_FORMULAS and not config.get('decay')):
        module = 'keras.optimizers'
        config.pop('schedule_decay', None)  # keys tf.keras 2.11+ optimizers refuse
        config.pop('decay', None)
        config['is_legacy_optimizer'] = False
    else:
        module = 'keras.optimizers.legacy'  # Keras 2.3.1's formulas, `decay` included
        config.pop('is_legacy_optimizer', None)  # the legacy classes refuse the key
    config.setdefault('name', type(optimizer).__name__)
    if not _known_in('keras.optimizers', type(optimizer).__name__):
        module = type(optimizer).__module__
    return _object(module, type(optimizer).__name__, _convert(config))


def compile_config(model):
    """The ``compile_config`` of a compiled model (``None`` if not compiled)."""
    if getattr(model, 'optimizer', None) is None:
        return None
    config = model_training_config(model)
    out = {'optimizer': _optimizer(model.optimizer),
           'loss': _serialize_fn(config['loss'], 'keras.losses'),
           'metrics': _serialize_fn(config['metrics'], 'keras.metrics'),
           'loss_weights': config['loss_weights'],
           'weighted_metrics': _serialize_fn(config['weighted_metrics'], 'keras.metrics'),
           'run_eagerly': None, 'steps_per_execution': None, 'jit_compile': None}
    if config.get('sample_weight_mode') is not None:
        out['sample_weight_mode'] = config['sample_weight_mode']
    return out
