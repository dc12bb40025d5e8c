"""Serialization of Keras objects by name, custom-object scopes, small helpers."""
import inspect
import re
import threading

from keras.utils.progbar import Progbar  # defined here in 2.3.1

__all__ = ['CustomObjectScope', 'custom_object_scope', 'get_custom_objects',
           'serialize_keras_object', 'deserialize_keras_object', 'func_dump',
           'func_load', 'has_arg', 'to_list', 'unpack_singleton', 'object_list_uid',
           'is_all_none', 'slice_arrays', 'to_snake_case', 'Progbar', 'getargspec',
           'check_for_unexpected_keys']

_GLOBAL_CUSTOM_OBJECTS = {}
_SCOPE = threading.local()


def get_custom_objects():
    """The global dict of user objects known by name, e.g. for ``load_model``.

    Example:
        >>> get_custom_objects()['MyLayer'] = MyLayer
    """
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope(object):
    """Make extra names resolvable inside a ``with`` block.

    Example:
        >>> with CustomObjectScope({'MyLayer': MyLayer}):
        ...     layer = keras.layers.deserialize(config)
    """

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = _GLOBAL_CUSTOM_OBJECTS.copy()
        for objects in self.custom_objects:
            _GLOBAL_CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *args, **kwargs):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self.backup)


def custom_object_scope(*args):
    return CustomObjectScope(*args)


def to_snake_case(name):
    """``'Conv2D'`` -> ``'conv2d'``, ``'LeakyReLU'`` -> ``'leaky_re_lu'`` (Keras's rule)."""
    intermediate = re.sub('(.)([A-Z][a-z0-9]+)', r'\1_\2', name)
    insecure = re.sub('([a-z])([A-Z])', r'\1_\2', intermediate).lower()
    if insecure[0] != '_':
        return insecure
    return 'private' + insecure


def serialize_keras_object(instance):
    """``{'class_name': ..., 'config': ...}`` for objects with ``get_config``; a
    function becomes its name."""
    if instance is None:
        return None
    if hasattr(instance, 'get_config'):
        return {'class_name': instance.__class__.__name__,
                'config': instance.get_config()}
    if hasattr(instance, '__name__'):
        return instance.__name__
    raise ValueError('Cannot serialize %r: it has neither get_config() nor a __name__.'
                     % (instance,))


def _lookup(name, module_objects, custom_objects):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    return module_objects.get(name)


def _unknown(name, printable_module_name, module_objects):
    known = sorted(k for k, v in module_objects.items()
                   if not k.startswith('_') and (inspect.isclass(v) or callable(v)))
    return ValueError('Unknown %s: %s. Known names: %s. A custom object must be passed '
                      'with `custom_objects={%r: ...}` or registered with '
                      '`keras.utils.get_custom_objects()`.'
                      % (printable_module_name, name, ', '.join(known), name))


def _strip_registered_prefix(class_name):
    # tf.keras 2.11+ writes "Custom>Adam" for its new optimizers.
    if isinstance(class_name, str) and '>' in class_name:
        return class_name.split('>', 1)[1]
    return class_name


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name='object'):
    """Turn a name or a ``{'class_name', 'config'}`` dict back into an object.

    A dict builds an instance through ``cls.from_config(config)`` (given
    ``custom_objects`` when the method accepts them); a string returns the named
    function or class itself.
    """
    module_objects = module_objects or {}
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        if 'class_name' not in identifier or 'config' not in identifier:
            raise ValueError('Improper config format for %s: %r (expected keys '
                             '"class_name" and "config").' % (printable_module_name, identifier))
        class_name = _strip_registered_prefix(identifier['class_name'])
        cls = _lookup(class_name, module_objects, custom_objects)
        if cls is None:
            raise _unknown(class_name, printable_module_name, module_objects)
        config = identifier['config']
        if hasattr(cls, 'from_config'):
            if has_arg(cls.from_config, 'custom_objects'):
                merged = dict(_GLOBAL_CUSTOM_OBJECTS)
                merged.update(custom_objects or {})
                return cls.from_config(config, custom_objects=merged)
            with CustomObjectScope(custom_objects or {}):
                return cls.from_config(config)
        with CustomObjectScope(custom_objects or {}):
            return cls(**config)
    if isinstance(identifier, str):
        obj = _lookup(identifier, module_objects, custom_objects)
        if obj is None:
            raise _unknown(identifier, printable_module_name, module_objects)
        return obj
    raise ValueError('Could not interpret serialized %s: %r' % (printable_module_name, identifier))


def func_dump(func):
    """Serialize a Python function's bytecode (as Keras 2 did for Lambda layers)."""
    import codecs
    import marshal
    raw = marshal.dumps(func.__code__)
    code = codecs.encode(raw, 'base64').decode('ascii')
    defaults = func.__defaults__
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, defaults, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """Rebuild a function from :func:`func_dump` output.  Runs code: only call on
    trusted data (``load_model`` refuses unless ``safe_mode=False``)."""
    import types
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def ensure_cell(value):
        if isinstance(value, types.CellType):
            return value

        def dummy():
            value  # noqa: B018 -- creates the closure cell
        return dummy.__closure__[0]

    if closure is not None:
        closure = tuple(ensure_cell(c) for c in closure)
    code = _unmarshal_code(code)
    if globs is None:
        globs = globals()
    return types.FunctionType(code, globs, name=code.co_name, argdefs=defaults, closure=closure)


def _unmarshal_code(text):
    """The code object in :func:`func_dump`'s text: base64 of the marshalled
    bytecode, or (files written before Keras 2.1.2) the bytes themselves
    decoded as ``raw_unicode_escape``."""
    import binascii
    import codecs
    import marshal
    try:
        return marshal.loads(codecs.decode(text.encode('ascii'), 'base64'))
    except (UnicodeEncodeError, binascii.Error, ValueError, EOFError, TypeError):
        return marshal.loads(text.encode('raw_unicode_escape'))


def getargspec(fn):
    """``inspect.getfullargspec`` (Keras 2.3.1's Python 2/3 shim)."""
    return inspect.getfullargspec(fn)


def check_for_unexpected_keys(name, input_dict, expected_values):
    """Raise a ValueError naming the keys of ``input_dict`` not in ``expected_values``."""
    unknown = set(input_dict.keys()).difference(expected_values)
    if unknown:
        raise ValueError('Unknown entries in {} dictionary: {}. Only expected following keys: '
                         '{}'.format(name, list(unknown), expected_values))


def has_arg(fn, name, accept_all=False):
    """Whether callable ``fn`` accepts keyword argument ``name``."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    params = sig.parameters
    if accept_all and any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return True
    p = params.get(name)
    return p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)


def to_list(x, allow_tuple=False):
    if isinstance(x, list):
        return x
    if allow_tuple and isinstance(x, tuple):
        return list(x)
    return [x]


def unpack_singleton(x):
    if isinstance(x, (list, tuple)) and len(x) == 1:
        return x[0]
    return x


def object_list_uid(object_list):
    return ', '.join(str(abs(id(x))) for x in to_list(object_list))


def is_all_none(iterable_or_element):
    return all(x is None for x in to_list(iterable_or_element, allow_tuple=True))


def slice_arrays(arrays, start=None, stop=None):
    """Slice an array or a list of arrays by ``[start:stop]`` or by an index list."""
    if arrays is None:
        return [None]
    if isinstance(arrays, list):
        if hasattr(start, '__len__'):
            if hasattr(start, 'shape'):
                start = start.tolist()
            return [None if x is None else x[start] for x in arrays]
        return [None if x is None else x[start:stop] for x in arrays]
    if hasattr(start, '__len__'):
        if hasattr(start, 'shape'):
            start = start.tolist()
        return arrays[start]
    if hasattr(start, '__getitem__'):
        return arrays[start:stop]
    return [None]


def slice_X(X, start=None, stop=None):
    """Keras 1's slicing helper (``keras.engine.training.slice_X``): rows
    ``start:stop`` of an array, or the rows an index list names, or the same
    of each array of a list.

    Example:
        >>> x_train, x_val = slice_X(x, 0, split_at), slice_X(x, split_at)
    """
    if isinstance(X, list):
        return [_rows(x, start, stop) for x in X]
    return _rows(X, start, stop)


def _rows(x, start, stop):
    if hasattr(start, '__len__'):
        return x[start.tolist() if hasattr(start, 'shape') else start]
    return x[start:stop]


def transpose_shape(shape, target_format, spatial_axes):
    """Move channels of a channels_last ``shape`` to the front when needed."""
    if target_format == 'channels_first':
        new_values = shape[:spatial_axes[0]]
        new_values += (shape[-1],)
        new_values += tuple(shape[x] for x in spatial_axes)
        if isinstance(shape, list):
            return list(new_values)
        return new_values
    return shape
