"""Let backend functions accept symbolic ``KerasTensor``s.

A backend function decorated with :func:`symbolic` runs as plain torch code on
real tensors.  Given a ``KerasTensor`` (from ``Input()`` or a layer output) it
instead records the call as a layer in the graph and returns a new
``KerasTensor``, so ``K.mean(model.output)`` or ``model.add_loss(K.sum(x))``
work as they did in Keras 2.  The engine records it, through
:mod:`keras.backend.graph_hooks`.
"""
import functools

from keras.backend import graph_hooks, graph_scope
from keras.backend.graph_hooks import contains_keras_tensor

__all__ = ['symbolic', 'contains_keras_tensor']


# Backend functions that only read a variable's static shape: they stay eager
# while a graph is built (``K.zeros(K.shape(p))`` makes a slot).
_STATIC = frozenset(['shape'])


def symbolic(func):
    """Decorator: record ``func`` as a graph op when called on KerasTensors, or
    on variables while a graph is built (:mod:`keras.backend.graph_scope`)."""
    fn = func
    reads_values = fn.__name__ not in _STATIC
    depth = graph_scope.DEPTH

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if contains_keras_tensor(args, kwargs):
            return graph_hooks.call_symbolically(fn, args, kwargs)
        if depth[0] and reads_values and graph_scope.building_graph() and \
                graph_scope.reads_variable(args, kwargs):
            return graph_scope.record_on_variables(fn, args, kwargs)
        return fn(*args, **kwargs)

    wrapper.__wrapped_backend_fn__ = fn
    return wrapper
