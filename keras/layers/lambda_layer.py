"""``Lambda``: wrap an arbitrary expression (torch or ``K`` code) as a layer.

A lambda or nested function is serialized as bytecode, as Keras 2 did.  Text
from outside the process (a model file, JSON, YAML) holding bytecode is only
run with ``safe_mode=False``; the config ``get_config`` returns in memory is
not such text: its bytecode entry still holds the function it was made from,
so ``Lambda.from_config(layer.get_config())``, ``model_from_config`` on a live
model's config, and ``clone_model`` rebuild the layer in safe mode too.

    config = layer.get_config()
    Lambda.from_config(config)                    # in memory: allowed
    model_from_json(model.to_json())              # text: needs safe_mode=False
"""
import sys
import types

# from_config resolves a Lambda's functions in this module's globals: new
# imports take private names.
from keras import backend as _backend
from keras.engine.base_layer import Layer
from keras.engine.layer_calls import infer_output_shape
from keras.engine.layer_calls import is_shape_list as _is_shape_list
from keras.utils import generic_utils
from keras.utils.safe_mode import require_unsafe

__all__ = ['Lambda']


class Lambda(Layer):
    """Applies ``function(inputs, **arguments)``.

    Args:
        function: the function to apply; it receives the input tensor (or list).
        output_shape: the output shape without the batch axis, or a function of
            the input shape; by default it is found by running the function.
        mask: a fixed mask, or a function ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments for ``function``.

    Example:
        >>> model.add(Lambda(lambda x: x ** 2))
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super(Lambda, self).__init__(**kwargs)
        self.function = function
        self.arguments = arguments if arguments else {}
        self.supports_masking = mask is not None
        self.mask = mask
        if output_shape is not None and not callable(output_shape):
            if not isinstance(output_shape, (list, tuple)):
                raise TypeError('In Lambda %s, `output_shape` must be a list, a tuple, or a '
                                'function. Found: %r' % (self.name, output_shape))
        self._output_shape = output_shape
        self._input_dtypes = None  # (Keras 2's record of the dtypes `call` last saw)

    def __call__(self, inputs, *args, **kwargs):
        # (when the layer is applied: a model's steps call `forward`, not this)
        self._input_dtypes = ([_dtype_name(x) for x in inputs]
                              if isinstance(inputs, (list, tuple)) else _dtype_name(inputs))
        return super(Lambda, self).__call__(inputs, *args, **kwargs)

    def call(self, inputs, mask=None):
        kwargs = dict(self.arguments)
        if generic_utils.has_arg(self.function, 'mask'):
            kwargs['mask'] = mask
        outputs = self.function(inputs, **kwargs)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            return outputs[0]  # a list of one is one tensor, as Keras 2 unpacked it
        return outputs

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return infer_output_shape(self, input_shape)
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
            return tuple(shape) if isinstance(shape, list) and (
                not shape or not isinstance(shape[0], (list, tuple))) else shape
        batch = input_shape[0][0] if _is_shape_list(input_shape) else input_shape[0]
        shape = self._output_shape
        if shape and isinstance(shape[0], (list, tuple)):
            return [(batch,) + tuple(s) for s in shape]
        return (batch,) + tuple(shape)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        function, function_type, module = _serialize_function(self.function)
        config = {'function': function, 'module': module, 'function_type': function_type}
        if self._output_shape is None:
            config.update(output_shape=None, output_shape_type='raw', output_shape_module=None)
        elif callable(self._output_shape):
            shape, shape_type, shape_module = _serialize_function(self._output_shape)
            config.update(output_shape=shape, output_shape_type=shape_type,
                          output_shape_module=shape_module)
        else:
            config.update(output_shape=self._output_shape, output_shape_type='raw',
                          output_shape_module=None)
        config['arguments'] = self.arguments
        base = super(Lambda, self).get_config()
        return dict(list(base.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        custom_objects = custom_objects or {}
        globs = dict(globals())
        module = config.pop('module', None)
        if module in sys.modules:
            globs.update(sys.modules[module].__dict__)
        globs.update(generic_utils.get_custom_objects())
        globs.update(custom_objects)
        function = _deserialize_function(config.pop('function'),
                                         config.pop('function_type', 'function'), globs,
                                         config.get('name'))
        shape_module = config.pop('output_shape_module', None)
        if shape_module in sys.modules:
            globs.update(sys.modules[shape_module].__dict__)
        shape_type = config.pop('output_shape_type', 'raw')
        output_shape = config.pop('output_shape', None)
        if shape_type != 'raw':
            output_shape = _deserialize_function(output_shape, shape_type, globs,
                                                 config.get('name'))
        elif isinstance(output_shape, list):
            output_shape = tuple(output_shape) if not output_shape or not isinstance(
                output_shape[0], list) else [tuple(s) for s in output_shape]
        return cls(function, output_shape=output_shape, **config)


def _dtype_name(x):
    return _backend.dtype(x) if hasattr(x, 'dtype') else None


class _OwnBytecode(tuple):
    """``func_dump(function)``, as ``get_config`` returns it in memory: a
    tuple that still knows ``function``.  Copies keep it; pickling, JSON and
    YAML write the plain tuple, which safe mode treats as outside text."""

    def __new__(cls, function):
        dumped = tuple.__new__(cls, generic_utils.func_dump(function))
        dumped.function = function
        return dumped

    def __reduce__(self):
        return tuple, (tuple(self),)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _serialize_function(fn):
    """A module-level named function is stored by name (found again through
    ``custom_objects`` or its already-imported module, no code in the file);
    lambdas and nested functions as bytecode, as Keras 2 did."""
    name = getattr(fn, '__name__', None)
    named = (name and name != '<lambda>' and
             getattr(fn, '__qualname__', name) == name and
             getattr(sys.modules.get(getattr(fn, '__module__', None)), name, None) is fn)
    if isinstance(fn, types.LambdaType) and not named:
        return _OwnBytecode(fn), 'lambda', fn.__module__
    return name, 'function', getattr(fn, '__module__', None)


def _deserialize_function(value, function_type, globs, layer_name):
    if function_type == 'function':
        if value in globs:
            return globs[value]
        if hasattr(_backend, value):
            return getattr(_backend, value)
        raise ValueError('Unknown function %r in Lambda layer %s: pass it in `custom_objects`.'
                         % (value, layer_name))
    if function_type == 'lambda':
        if isinstance(value, _OwnBytecode):  # (made in this process from a live function)
            return value.function
        require_unsafe('Lambda layer %s holds Python bytecode' % layer_name)
        return generic_utils.func_load(value, globs=globs)
    raise TypeError('Unknown function type %r in Lambda layer %s.' % (function_type, layer_name))
