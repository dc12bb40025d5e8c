"""Let backend functions accept symbolic ``KerasTensor``s.

A backend function decorated with :func:`symbolic` runs as plain torch code on
real tensors.  Given a ``KerasTensor`` (from ``Input()`` or a layer output) it
instead records the call as a layer in the graph and returns a new
``KerasTensor``, so ``K.mean(model.output)`` or ``model.add_loss(K.sum(x))``
work as they did in Keras 2.
"""
import functools

import torch

from keras.backend import graph_scope

# Types that are never symbolic: checked first, by identity, because every
# decorated backend call on real tensors (activations, losses) asks.
_PLAIN_TYPES = frozenset([torch.Tensor, torch.nn.Parameter, int, float, bool, str,
                          type(None)])


def _is_keras_tensor(x):
    return type(x) not in _PLAIN_TYPES and getattr(x, '_is_keras_tensor', False)


def _holds_keras_tensor(value):
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return False
    if kind is list or kind is tuple:
        return any(_is_keras_tensor(item) for item in value)
    if isinstance(value, (list, tuple)):
        return any(_is_keras_tensor(item) for item in value)
    return bool(getattr(value, '_is_keras_tensor', False))


def contains_keras_tensor(args, kwargs=None):
    """Whether any argument (or an item of a list/tuple argument) is a KerasTensor."""
    for a in args:
        if _holds_keras_tensor(a):
            return True
    if kwargs:
        for a in kwargs.values():
            if _holds_keras_tensor(a):
                return True
    return False


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
            from keras.engine.op_layer import call_symbolically
            return call_symbolically(fn, args, kwargs)
        if depth[0] and reads_values and graph_scope.building_graph() and \
                graph_scope.reads_variable(args, kwargs):
            return graph_scope.record_on_variables(fn, args, kwargs)
        return fn(*args, **kwargs)

    wrapper.__wrapped_backend_fn__ = fn
    return wrapper
