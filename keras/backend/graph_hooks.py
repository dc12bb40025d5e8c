"""Where the engine plugs its symbolic graphs into the backend.

The backend is the ground floor: it imports nothing from ``keras.engine``.
Yet a backend function applied to a ``KerasTensor`` (``K.mean(model.output)``)
records a layer in the graph, ``K.placeholder`` makes a symbolic input and
``K.function`` evaluates a graph; the engine implements those, and registers
them here when it is imported (``import keras`` imports it, so they are in
place before any user code runs):

- ``call_symbolically(fn, args, kwargs)``: record ``fn`` applied to symbolic
  arguments as a graph op, return its symbolic result
  (:mod:`keras.engine.graph.op_layer`).
- ``placeholder(shape, ndim, dtype, sparse, name)``: a symbolic input, and
  ``variable_tensor(variable)``: the symbolic tensor reading a variable
  (:mod:`keras.engine.graph.sources`).
- ``graph_evaluation(inputs, targets, n_outputs)``: what evaluates a graph for
  ``K.function`` (:mod:`keras.engine.graph.evaluation`).
- ``fed_gradients(loss, variables)``: ``K.gradients`` of an optimizer's
  training-step loss (:mod:`keras.optimizer_graph`).

A symbolic tensor is recognised by its ``_is_keras_tensor`` mark (the
engine's ``KerasTensor`` sets it), without importing its class.

Two scopes change what ``call_symbolically`` does, for the compiled losses
that read the model graph (:mod:`keras.training.graph_losses`):
:func:`recording` lists the ops it records (the analysis at compile time),
and under :func:`forward_values` each ``KerasTensor`` stands for its value in
the running forward pass, so the function runs on those values.
"""
import contextlib

import torch

__all__ = ['register', 'call_symbolically', 'placeholder', 'variable_tensor',
           'graph_evaluation', 'fed_gradients', 'is_symbolic', 'contains_keras_tensor',
           'recording', 'forward_values']

_HOOKS = {}
_NAMES = frozenset(['call_symbolically', 'placeholder', 'variable_tensor',
                    'graph_evaluation', 'fed_gradients'])


def register(**hooks):
    """Install the engine's implementations (keyword: hook name, value: callable)."""
    unknown = set(hooks) - _NAMES
    if unknown:
        raise ValueError('Unknown backend graph hooks %s; known: %s.'
                         % (sorted(unknown), sorted(_NAMES)))
    _HOOKS.update(hooks)


def _hook(name):
    try:
        return _HOOKS[name]
    except KeyError:
        raise RuntimeError('The backend needs `%s` from the Keras engine, which registers '
                           'it when imported (`import keras` does).' % name) from None


_RECORDERS = []       # lists of (fn, args, kwargs, result), innermost last
_FORWARD_VALUES = []  # {id(KerasTensor): value} of the running forward pass, innermost last


def call_symbolically(fn, args, kwargs):
    """``fn(*args, **kwargs)`` recorded as a graph op over the symbolic arguments
    (run on their values under :func:`forward_values`)."""
    if _FORWARD_VALUES:
        values = _FORWARD_VALUES[-1]
        return fn(*[_value_of(a, values) for a in args],
                  **{k: _value_of(v, values) for k, v in kwargs.items()})
    result = _hook('call_symbolically')(fn, args, kwargs)
    if _RECORDERS:
        _RECORDERS[-1].append((fn, args, kwargs, result))
    return result


@contextlib.contextmanager
def recording():
    """Yield a list that receives ``(fn, args, kwargs, result)`` for each op
    recorded on symbolic tensors in the block."""
    ops = []
    _RECORDERS.append(ops)
    try:
        yield ops
    finally:
        _RECORDERS.pop()


@contextlib.contextmanager
def forward_values(values):
    """In the block, backend functions and operators given a ``KerasTensor``
    use ``values[id(tensor)]``, its value in the running forward pass."""
    _FORWARD_VALUES.append(values)
    try:
        yield
    finally:
        _FORWARD_VALUES.pop()


def _value_of(arg, values):
    if is_symbolic(arg):
        try:
            return values[id(arg)]
        except KeyError:
            raise ValueError('The loss reads the symbolic tensor %r, whose value this step '
                             'does not compute: a loss may read the tensors of its model that '
                             'it read when compile() analysed it (the same ones on every '
                             'call).' % (arg,)) from None
    if type(arg) in (list, tuple) and any(is_symbolic(a) for a in arg):
        return type(arg)(_value_of(a, values) for a in arg)
    return arg


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input (see :func:`keras.backend.variables.placeholder`)."""
    return _hook('placeholder')(shape=shape, ndim=ndim, dtype=dtype, sparse=sparse, name=name)


def variable_tensor(variable):
    """The symbolic tensor whose value is ``variable`` when a graph runs."""
    return _hook('variable_tensor')(variable)


def graph_evaluation(inputs, targets, n_outputs):
    """An object whose ``evaluate(feeds)`` computes ``targets`` from values of
    ``inputs`` and whose ``device`` is where it computes."""
    return _hook('graph_evaluation')(inputs, targets, n_outputs)


def fed_gradients(loss, variables):
    """``K.gradients`` of a loss that carries an optimizer's gradient feeds."""
    return _hook('fed_gradients')(loss, variables)


# Types that are never symbolic: checked first, by identity, because every
# decorated backend call on real tensors (activations, losses) asks.
_PLAIN_TYPES = frozenset([torch.Tensor, torch.nn.Parameter, int, float, bool, str,
                          type(None)])


def is_symbolic(x):
    """Whether ``x`` is a symbolic tensor of the engine (a ``KerasTensor``)."""
    return type(x) not in _PLAIN_TYPES and getattr(x, '_is_keras_tensor', False)


def _holds_keras_tensor(value):
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return False
    if kind is list or kind is tuple:
        return any(is_symbolic(item) for item in value)
    if isinstance(value, (list, tuple)):
        return any(is_symbolic(item) for item in value)
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
