"""Keras 2's graph mode over variables: where expressions on variables are recorded.

In Keras 2 an optimizer's ``get_updates`` built a graph once: ``self.beta_1 *
m + (1. - self.beta_1) * g`` or ``K.cast(self.iterations, 'float32') + 1``
described a computation that read the variables' values each time the
training function ran.  Evaluated eagerly, those expressions would freeze
the values the variables had when the graph was built.

Inside :class:`graph_scope` (entered around every ``get_updates``) an
expression that reads a variable (a ``torch.nn.Parameter``) is recorded
instead: backend functions through :func:`keras.backend.symbolic.symbolic`,
Python operators through a torch function mode.  ``K.update*`` with a known
value returns an update op rather than assigning.  Outside the scope nothing
changes, and the scope is off while a layer's shapes are probed.
"""
import operator

import torch
from torch.overrides import TorchFunctionMode

from keras.backend import graph_hooks
from keras.backend.session import in_shape_probe
from keras.backend.update_ops import UpdateOp

__all__ = ['graph_scope', 'building_graph', 'reads_variable', 'record_on_variables',
           'control_dependencies', 'forward_reads']

# Nesting depth of graph scopes (a list: read on every backend call, cheaply).
DEPTH = [0]
# Open ``K.control_dependencies`` blocks: each maps id(variable) to
# ``(variable, value after the block's updates)``.
_CONTROL = []

# Torch functions that compute a value from their tensor arguments: the
# Python operators and the usual math.  (Not ``eq``/``ne``: ``p in params``
# compares with ``==``.)
_VALUE_FUNCTIONS = frozenset("""
add sub mul div true_divide floor_divide remainder pow neg abs matmul mm
__radd__ __rsub__ __rmul__ __rdiv__ __rtruediv__ __rfloordiv__ __rpow__ __rmatmul__
__getitem__ __mod__ __and__ __or__ __xor__ __invert__ lt le gt ge
sqrt rsqrt exp log square sign sin cos tanh sigmoid clamp clip maximum minimum
sum mean max min prod reshape view transpose t
""".split())


def building_graph():
    """Whether expressions on variables are recorded now (see module docstring)."""
    return DEPTH[0] > 0 and not in_shape_probe()


def _is_variable(x):
    return isinstance(x, torch.nn.Parameter)


def reads_variable(args, kwargs=None):
    """Whether a variable is among the arguments (or in a list argument)."""
    for a in list(args) + list((kwargs or {}).values()):
        if _is_variable(a):
            return True
        if isinstance(a, (list, tuple)) and any(_is_variable(v) for v in a):
            return True
    return False


def _as_symbolic(value):
    if _CONTROL:
        value = forward_reads([value], {})[0][0]
    if _is_variable(value):
        return graph_hooks.variable_tensor(value)
    if isinstance(value, (list, tuple)) and any(_is_variable(v) for v in value):
        return type(value)(_as_symbolic(v) for v in value)
    return value


def record_on_variables(fn, args, kwargs):
    """Record ``fn(*args, **kwargs)`` as a graph op reading its variables at run time."""
    read = [v for v in list(args) + list(kwargs.values())
            for v in (v if isinstance(v, (list, tuple)) else [v]) if _is_variable(v)]
    args = [_as_symbolic(a) for a in args]
    kwargs = {k: _as_symbolic(v) for k, v in kwargs.items()}
    if not graph_hooks.contains_keras_tensor(args, kwargs):  # reads of known new values only
        return fn(*args, **kwargs)
    result = graph_hooks.call_symbolically(fn, args, kwargs)
    _hold(result, read)
    return result


def _hold(result, variables):
    """Keep ``variables`` alive as long as the op that made ``result``: a graph
    owns what it reads (``K.zeros([1])`` made inside ``get_updates`` and used
    only in the update expressions)."""
    first = result[0] if isinstance(result, (list, tuple)) and result else result
    history = getattr(first, '_keras_history', None)
    if history and variables:
        history[0].__dict__.setdefault('_held_variables', []).extend(variables)


def forward_reads(args, kwargs):
    """``args``/``kwargs`` with the variables that updates of the open
    ``K.control_dependencies`` blocks change replaced by their new values."""
    if not _CONTROL:
        return args, kwargs
    forwarded = _CONTROL[-1]

    def swap(value):
        if _is_variable(value) and id(value) in forwarded:
            return forwarded[id(value)][1]
        if isinstance(value, (list, tuple)) and any(_is_variable(v) for v in value):
            return type(value)(swap(v) for v in value)
        return value
    return [swap(a) for a in args], dict((k, swap(v)) for k, v in kwargs.items())


def _read_after(done, variable):
    return variable


def _values_after(op, forwarded):
    """``[(variable, value)]`` that ``op`` (an ``UpdateOp``) leaves behind."""
    after = getattr(op.value, '_updates_variables', None)
    if after is not None:  # a fused optimizer update: read the variables after it ran
        return [(v, graph_hooks.call_symbolically(_read_after, (op.value, v), {}))
                for v in after]
    current = forwarded.get(id(op.variable), (None, op.variable))[1]
    if op.mode == 'assign':
        return [(op.variable, op.value)]
    fn = operator.add if op.mode == 'add' else operator.sub
    if _is_variable(current) and not getattr(op.value, '_is_keras_tensor', False):
        return [(op.variable, record_on_variables(fn, (current, op.value), {}))]
    return [(op.variable, graph_hooks.call_symbolically(fn, (current, op.value), {}))]


class control_dependencies(object):
    """Within a graph scope, ops built in this block read the variables as the
    ``control_inputs`` updates leave them (TensorFlow's ordering), computed in
    the same evaluation."""

    def __init__(self, control_inputs):
        self._inputs = control_inputs

    def __enter__(self):
        forwarded = dict(_CONTROL[-1]) if _CONTROL else {}
        pending = list(self._inputs) if isinstance(self._inputs, (list, tuple)) \
            else [self._inputs]
        while pending:
            op = pending.pop(0)
            if isinstance(op, (list, tuple)):
                pending[:0] = list(op)
            elif isinstance(op, UpdateOp) and not op.applied_in_call:
                for variable, value in _values_after(op, forwarded):
                    forwarded[id(variable)] = (variable, value)
        _CONTROL.append(forwarded)
        return self

    def __exit__(self, *exc_info):
        _CONTROL.pop()
        return False


class _VariableExpressions(TorchFunctionMode):
    """Records torch operators applied to variables (``0.9 * m``, ``-p``)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if (getattr(func, '__name__', None) in _VALUE_FUNCTIONS and not in_shape_probe()
                and reads_variable(args, kwargs)):
            return record_on_variables(func, args, kwargs)
        return func(*args, **kwargs)


class graph_scope(object):
    """Record expressions on variables in this block (Keras 2's graph building)."""

    def __init__(self):
        self._mode = None

    def __enter__(self):
        DEPTH[0] += 1
        self._mode = _VariableExpressions()
        self._mode.__enter__()
        return self

    def __exit__(self, *exc_info):
        try:
            self._mode.__exit__(*exc_info)
        finally:
            DEPTH[0] -= 1
        return False
