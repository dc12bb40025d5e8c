"""Layer methods that Keras 2 code calls on symbolic tensors.

``layer.compute_mask(model.input)`` or ``rnn.get_initial_state(x)`` on a
``KerasTensor`` must give symbolic results that ``K.function`` can evaluate,
while the methods themselves are written with torch operations.  Every
subclass's override of such a method is wrapped once (``Layer.__init_subclass__``):
called with real tensors it runs as written; called with symbolic ones it
becomes a graph op (:func:`keras.engine.graph.op_layer.call_symbolically`) whose value
is the method run on the real tensors.  ``None`` results (no mask) stay ``None``,
and results that do not depend on the symbolic arguments (a merge layer's mask
from given concrete masks) are computed at once, as TensorFlow's graph did.
"""
import functools
import threading

import torch

from keras.backend import graph_hooks
from keras.backend import session as K_session
from keras.engine.graph.slots import extract, fill
from keras.engine.keras_tensor import KerasTensor
from keras.engine.layer_calls import _dummy

__all__ = ['GRAPH_METHODS', 'graph_aware', 'has_keras_tensor', 'call_method_symbolically']

# Methods of Layer subclasses that may receive symbolic tensors from user code.
GRAPH_METHODS = ('compute_mask', 'get_initial_state')


def has_keras_tensor(values):
    """Whether ``values`` (a sequence, possibly of lists) holds a KerasTensor."""
    for v in values:
        if isinstance(v, KerasTensor):
            return True
        if isinstance(v, (list, tuple)) and v and has_keras_tensor(v):
            return True
    return False


def graph_aware(method):
    """Wrap ``method`` so that symbolic arguments make it record a graph op."""
    if getattr(method, '_graph_aware', False):
        return method

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if has_keras_tensor(args) or (kwargs and has_keras_tensor(kwargs.values())):
            bound = functools.partial(method, self)
            bound.__name__ = '%s_%s' % (self.name, method.__name__)
            return call_method_symbolically(bound, args, kwargs)
        return method(self, *args, **kwargs)

    wrapper._graph_aware = True
    return wrapper


def wrap_subclass(cls):
    """Make the graph methods ``cls`` defines graph-aware (from ``__init_subclass__``)."""
    for name in GRAPH_METHODS:
        method = cls.__dict__.get(name)
        if method is not None and callable(method):
            setattr(cls, name, graph_aware(method))


_READS = threading.local()  # whether a probe read a stand-in's values

# Tensor methods that read only metadata, not values.
_METADATA = frozenset([torch.Tensor.shape.__get__, torch.Tensor.dtype.__get__,
                       torch.Tensor.device.__get__, torch.Tensor.ndim.__get__,
                       torch.Tensor.layout.__get__, torch.Tensor.dim, torch.Tensor.size,
                       torch.Tensor.ndimension, torch.Tensor.__len__,
                       torch.Tensor.is_floating_point])


class _StandIn(torch.Tensor):
    """Placeholder values for symbolic tensors that note when they are read."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func not in _METADATA:
            _READS.seen = True
        with torch._C.DisableTorchFunctionSubclass():
            return func(*args, **(kwargs or {}))


def _probe(fn, sym_args, sym_kwargs, tensors, size):
    """``fn`` on zero stand-ins of the symbolic ``tensors`` (unknown sizes
    ``size``); returns ``(result, whether it read their values)``."""
    real = [_dummy(t.shape, t.dtype, size).as_subclass(_StandIn) for t in tensors]
    previous, _READS.seen = getattr(_READS, 'seen', False), False
    try:
        with torch.no_grad(), K_session.learning_phase_scope(0), K_session.shape_probe():
            result = fn(*[fill(a, real) for a in sym_args],
                        **{k: fill(v, real) for k, v in sym_kwargs.items()})
        return result, _READS.seen
    finally:
        _READS.seen = previous


def _constant_entries(fn, sym_args, sym_kwargs, tensors, first, where):
    """Indices in ``where`` whose tensors neither read the symbolic values nor
    change shape with their unknown sizes."""
    multi = isinstance(first, (list, tuple))
    where = [i for i in where  # a stand-in returned as it is is the symbolic input
             if not isinstance(first[i] if multi else first, _StandIn)]
    if not any(d is None for t in tensors for d in t.shape):
        return set(where)
    try:
        other, _ = _probe(fn, sym_args, sym_kwargs, tensors, 3)
    except Exception:  # the result needs the symbolic tensors' sizes
        return set()
    return set(i for i in where
               if isinstance(other[i] if multi else other, torch.Tensor)
               and (first[i] if multi else first).shape == (other[i] if multi else other).shape)


def call_method_symbolically(fn, args, kwargs):
    """``fn(*args, **kwargs)`` on symbolic arguments, as graph ops where needed.

    ``fn`` runs on placeholder values to learn the structure of its result:
    ``None`` (and other non-tensor) entries are returned as they are, entries
    that do not depend on the symbolic arguments as computed, and the rest
    become outputs of one ``TensorOp`` running ``fn`` on the real values
    (recorded through :mod:`keras.backend.graph_hooks`: ``TensorOp`` is a
    ``Layer``, whose module imports this one).
    """
    tensors = []
    sym_args = [extract(a, tensors) for a in args]
    sym_kwargs = {k: extract(v, tensors) for k, v in kwargs.items()}
    first, read = _probe(fn, sym_args, sym_kwargs, tensors, 2)
    multi = isinstance(first, (list, tuple))
    if not multi and not isinstance(first, torch.Tensor):
        return first
    where = [i for i, v in enumerate(first) if isinstance(v, torch.Tensor)] if multi else [0]
    if not read:
        constant = _constant_entries(fn, sym_args, sym_kwargs, tensors, first, where)
        where = [i for i in where if i not in constant]
    if not multi:
        return graph_hooks.call_symbolically(fn, args, kwargs) if where else first
    result = list(first)
    if where:
        def tensor_entries(*a, **kw):
            values = fn(*a, **kw)
            return [values[i] for i in where]
        tensor_entries.__name__ = getattr(fn, '__name__', 'op')
        for i, out in zip(where, graph_hooks.call_symbolically(tensor_entries, args, kwargs)):
            result[i] = out
    return type(first)(result) if isinstance(first, tuple) else result
