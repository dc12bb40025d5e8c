"""Backend functions and tensor operators applied to symbolic tensors.

``K.mean(x)`` or ``x * 2`` on a ``KerasTensor`` becomes a :class:`TensorOp`
layer in the graph, so that such expressions can be model outputs, inputs of
other layers or ``add_loss`` terms, as Keras 2's TensorFlow graph allowed.
"""
import operator

from keras.backend import graph_scope
from keras.engine.base_layer import Layer
from keras.engine.keras_tensor import is_keras_tensor

__all__ = ['TensorOp', 'call_symbolically', 'tensor_method']


class _Slot(object):
    """Marks where the i-th symbolic input goes back into the arguments."""
    __slots__ = ('index',)

    def __init__(self, index):
        self.index = index


def _extract(value, tensors):
    if is_keras_tensor(value):
        tensors.append(value)
        return _Slot(len(tensors) - 1)
    if isinstance(value, (list, tuple)) and any(is_keras_tensor(v) for v in value):
        return type(value)(_extract(v, tensors) for v in value)
    return value


def _fill(value, real):
    if isinstance(value, _Slot):
        return real[value.index]
    if isinstance(value, (list, tuple)) and any(isinstance(v, _Slot) for v in value):
        return type(value)(_fill(v, real) for v in value)
    return value


class TensorOp(Layer):
    """A layer running one function on the values of its symbolic arguments."""

    # A backend function's list result stays a list (``K.gradients(...)[0]``),
    # even of one tensor, unlike a layer's (see ``layer_calls``).
    _unpacks_singletons = False

    def __init__(self, function, args, kwargs, **layer_kwargs):
        super(TensorOp, self).__init__(**layer_kwargs)
        self.function = function
        self._args = args
        self._kwargs = kwargs
        self.supports_masking = False

    def compute_mask(self, inputs, mask=None):
        return None  # an op's result carries no mask (as a TF op's did not)

    def call(self, inputs):
        real = inputs if isinstance(inputs, list) else [inputs]
        args = [_fill(a, real) for a in self._args]
        kwargs = {k: _fill(v, real) for k, v in self._kwargs.items()}
        return self.function(*args, **kwargs)

    def get_config(self):
        raise NotImplementedError(
            'Layer %s applies %r directly to symbolic tensors and cannot be serialized. '
            'Wrap the expression in a `Lambda` layer to save the model architecture.'
            % (self.name, getattr(self.function, '__name__', self.function)))


def call_symbolically(fn, args, kwargs):
    if graph_scope.DEPTH[0]:  # inside K.control_dependencies: read updated variables
        args, kwargs = graph_scope.forward_reads(args, kwargs)
    tensors = []
    args = [_extract(a, tensors) for a in args]
    kwargs = {k: _extract(v, tensors) for k, v in kwargs.items()}
    name = getattr(fn, '__name__', 'op').strip('_') or 'op'
    layer = TensorOp(fn, args, kwargs, name=None)
    layer.name = 'tensor_op_%s_%s' % (name, layer.name.rsplit('_', 1)[-1])
    return layer(tensors if len(tensors) > 1 else tensors[0])


_REVERSED = {'__radd__': operator.add, '__rsub__': operator.sub, '__rmul__': operator.mul,
             '__rtruediv__': operator.truediv, '__rpow__': operator.pow,
             '__rmatmul__': operator.matmul}


def _method_fn(name):
    if name in _REVERSED:
        op = _REVERSED[name]

        def reversed_op(x, other):
            return op(other, x)
        reversed_op.__name__ = name
        return reversed_op
    op = getattr(operator, name.strip('_'), None) or getattr(operator, name.strip('_') + '_', None)
    if name == '__getitem__':
        op = operator.getitem
    elif name == '__neg__':
        op = operator.neg
    elif name == '__abs__':
        op = operator.abs
    elif name == '__invert__':
        op = operator.invert
    if op is None:
        raise AttributeError(name)
    return op


def tensor_method(name, tensor, *args):
    return call_symbolically(_method_fn(name), (tensor,) + args, {})
