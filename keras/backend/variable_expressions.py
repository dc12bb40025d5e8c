"""Arithmetic on Keras variables that remembers how it was computed.

In Keras 2 ``tau * source + (1. - tau) * target`` on two variables was a graph
expression: an update ``(target, that)`` given to ``K.function`` or returned by
``get_updates`` read the variables' values at every run. keras-rl builds its
soft target-network updates that way, in ``agent.compile``, outside any graph.
Evaluated eagerly the expression would freeze the values of that moment.

Here an operator (``+ - * / ** neg``) whose tensor operands are all Keras
variables or such expressions returns a :class:`VariableExpression`: the
value, computed now (a tensor like any other), which also keeps its recipe.
``K.function`` and the ``get_updates`` path turn it back into a graph
expression (:func:`as_graph`) that reads the variables each time it runs.
Operators on data (``x * self.gamma``) give plain tensors, as before.

    >>> soft = 0.01 * source + 0.99 * target      # a value, and a recipe
    >>> f = K.function([], [], updates=[(target, soft)])
    >>> f([])                                      # reads both variables now
"""
import numbers
import operator

import numpy as np
import torch

__all__ = ['VariableExpression', 'combine', 'as_graph', 'OPERATORS']


class VariableExpression(torch.Tensor):
    """The value of an operator expression on Keras variables, with its recipe
    (``_recipe``: ``(operator, operands)``). Torch functions on it return plain
    tensors; Python operators extend the expression."""

    __torch_function__ = torch._C._disabled_torch_function_impl


def _is_variable(value):
    return isinstance(value, torch.nn.Parameter)  # (KerasVariable is one)


def _recordable(operands):
    tensors = [v for v in operands if isinstance(v, torch.Tensor)]
    return bool(tensors) and all(
        isinstance(v, VariableExpression) or _is_variable(v) for v in tensors) and all(
        isinstance(v, (torch.Tensor, numbers.Number, np.generic)) for v in operands)


def combine(value, fn, *operands):
    """``value`` (= ``fn(*operands)``, computed by the caller) as a
    :class:`VariableExpression` when every tensor operand is a Keras variable
    or such an expression; else ``value`` itself."""
    if not isinstance(value, torch.Tensor) or not _recordable(operands):
        return value
    expression = value.as_subclass(VariableExpression)
    expression._recipe = (fn, operands)
    return expression


def as_graph(value, record):
    """``value`` as a graph expression: a :class:`VariableExpression` rebuilt
    with ``record(fn, args)`` (which reads variables at run time); anything
    else as it is."""
    if not isinstance(value, VariableExpression):
        return value
    fn, operands = value._recipe
    return record(fn, [as_graph(v, record) for v in operands])


def _operator(name, fn, reflected=False):
    base = getattr(torch.Tensor, name)  # torch's own: no dispatch back to this method

    if name == '__neg__':
        def method(self):
            return combine(base(self), fn, self)
    elif reflected:
        def method(self, other):
            return combine(base(self, other), fn, other, self)
    else:
        def method(self, other):
            return combine(base(self, other), fn, self, other)
    method.__name__ = name
    return method


# Python operators of variables and expressions: name -> method.
OPERATORS = dict((name, _operator(name, fn, reflected)) for name, fn, reflected in [
    ('__add__', operator.add, False), ('__radd__', operator.add, True),
    ('__sub__', operator.sub, False), ('__rsub__', operator.sub, True),
    ('__mul__', operator.mul, False), ('__rmul__', operator.mul, True),
    ('__truediv__', operator.truediv, False), ('__rtruediv__', operator.truediv, True),
    ('__pow__', operator.pow, False), ('__rpow__', operator.pow, True),
    ('__neg__', operator.neg, False)])

for _name, _method in OPERATORS.items():
    setattr(VariableExpression, _name, _method)
