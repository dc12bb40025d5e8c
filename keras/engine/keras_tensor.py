"""Symbolic tensors: what ``Input()`` and layers called on ``Input()`` return."""
import operator

from keras.backend import graph_hooks

__all__ = ['KerasTensor', 'is_keras_tensor', 'TensorShape']


class TensorShape(tuple):
    """A shape tuple (``None`` for unknown sizes) with TF's ``as_list()``."""

    def as_list(self):
        return list(self)

    @property
    def ndims(self):
        return len(self)


class KerasTensor(object):
    """A placeholder for a tensor in a model graph: shape, dtype and history.

    ``shape`` is a tuple whose first entry is the batch size (``None`` when not
    fixed).  ``_keras_history`` is ``(layer, node_index, tensor_index)``: the
    layer call that produced it.  Equality is identity, as for TF1 tensors, so
    ``layer.output == tensor`` tells whether they are the same tensor.
    """

    _is_keras_tensor = True
    __array_priority__ = 100  # so `np_array + keras_tensor` defers to us

    def __init__(self, shape, dtype='float32', name=None, history=None, mask=None):
        self.shape = TensorShape(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name
        self._keras_history = history
        self._keras_mask = mask
        self._uses_learning_phase = False

    # Keras 2 spellings of the static shape.
    @property
    def _keras_shape(self):
        return self.shape

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return len(self.shape)

    # No ``__len__``, as TensorFlow 1's graph tensors had none: Keras 2 code tells a
    # list of outputs from one tensor with ``hasattr(x, '__len__')`` (keras-rl does).

    def __iter__(self):
        raise TypeError('A symbolic tensor (%s, shape %s) cannot be iterated while the '
                        'graph is built; index it (x[0]) or use K.int_shape(x) for its '
                        'static shape.' % (self.name, self.shape))

    def __repr__(self):
        layer = self._keras_history[0].name if self._keras_history else None
        return '<KerasTensor %r shape=%s dtype=%s (created by layer %r)>' % (
            self.name, self.shape, self.dtype, layer)

    __hash__ = object.__hash__

    def __bool__(self):
        raise TypeError('A symbolic tensor (%s) has no truth value while the graph is '
                        'built; use K.switch or a Lambda layer for data-dependent logic.'
                        % (self.name,))

    # Arithmetic builds graph ops (keras.engine.graph.op_layer, registered in
    # the backend's graph hooks: it imports this module).
    def _op(name):
        def method(self, *args):
            return graph_hooks.call_symbolically(_method_fn(name), (self,) + args, {})
        method.__name__ = name
        return method

    __add__ = _op('__add__')
    __radd__ = _op('__radd__')
    __sub__ = _op('__sub__')
    __rsub__ = _op('__rsub__')
    __mul__ = _op('__mul__')
    __rmul__ = _op('__rmul__')
    __truediv__ = _op('__truediv__')
    __rtruediv__ = _op('__rtruediv__')
    __floordiv__ = _op('__floordiv__')
    __mod__ = _op('__mod__')
    __pow__ = _op('__pow__')
    __rpow__ = _op('__rpow__')
    __matmul__ = _op('__matmul__')
    __rmatmul__ = _op('__rmatmul__')
    __neg__ = _op('__neg__')
    __abs__ = _op('__abs__')
    __getitem__ = _op('__getitem__')
    __lt__ = _op('__lt__')
    __le__ = _op('__le__')
    __gt__ = _op('__gt__')
    __ge__ = _op('__ge__')
    __and__ = _op('__and__')
    __or__ = _op('__or__')
    __invert__ = _op('__invert__')
    del _op


def is_keras_tensor(x):
    return getattr(x, '_is_keras_tensor', False)


_REVERSED = {'__radd__': operator.add, '__rsub__': operator.sub, '__rmul__': operator.mul,
             '__rtruediv__': operator.truediv, '__rpow__': operator.pow,
             '__rmatmul__': operator.matmul}


def _method_fn(name):
    """The function a ``KerasTensor`` operator records (``x - 1``: ``operator.sub``)."""
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
