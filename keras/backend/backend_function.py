"""``K.function``: run a symbolic graph on values, then apply its updates.

The graph (placeholders, model inputs, ``K.*`` ops, layer calls, ``K.gradients``,
variables read by ops recorded in a graph scope) is turned once into a
``Network`` from its sources to the outputs and the updates' values; each call
feeds the inputs (the variables feed themselves), evaluates that plan, and
assigns every update from values of that same evaluation, all together and
without autograd (TensorFlow's grouped semantics: no update sees another's new
value).  Autograd is on only when the graph takes gradients.
"""
import numpy as np
import torch

from keras.backend import graph_hooks, graph_scope, variable_expressions
from keras.backend.array_conversion import numpy_to_tensor
from keras.backend.session import get_device, in_call_updates_scope, learning_phase_scope
from keras.backend.update_ops import UpdateOp
from keras.backend.variables import to_numpy, to_torch_dtype

__all__ = ['function', 'Function']


def _is_symbolic(x):
    return bool(getattr(x, '_is_keras_tensor', False))


def _is_phase_slot(x):
    """``K.learning_phase()`` among the inputs (a 0/1 int here)."""
    return isinstance(x, (int, bool, np.integer)) and not _is_symbolic(x)


def collect_updates(updates):
    """``(variable, value, mode)`` for each update to apply: ``UpdateOp``s (those
    applied by a layer's own call are left out), ``(variable, value)`` pairs,
    nested lists of them.  A bare variable (an update already applied eagerly)
    is skipped."""
    out = []
    for u in updates or []:
        if isinstance(u, UpdateOp):
            if not u.applied_in_call:
                out.append((u.variable, _graph_value(u.value), u.mode))
            continue
        if isinstance(u, torch.Tensor):
            continue
        if isinstance(u, (list, tuple)) and len(u) == 2 and isinstance(u[0], torch.Tensor):
            out.append((u[0], _graph_value(u[1]), 'assign'))
            continue
        if isinstance(u, (list, tuple)):
            out.extend(collect_updates(u))
            continue
        raise ValueError('K.function updates must be update ops (from K.update, '
                         'K.update_add, ...) or (variable, new_value) pairs; got %r.' % (u,))
    for variable, _, _ in out:
        if not isinstance(variable, torch.Tensor):
            raise ValueError('K.function can only update variables (K.variable, layer '
                             'weights); got %r.' % (variable,))
    return out


def _graph_value(value):
    """An expression on variables built outside any graph (keras-rl's soft update
    ``tau * source + (1 - tau) * target``) as a graph op reading them per run."""
    return variable_expressions.as_graph(
        value, lambda fn, args: graph_scope.record_on_variables(fn, args, {}))


def in_call_variables(updates):
    """The variables of the ``applied_in_call`` update ops among ``updates``
    (BatchNormalization's moving statistics...): the layers may change them
    while the function runs, as Keras 2.3.1 ran such updates with it."""
    found = []
    for u in updates or []:
        if isinstance(u, UpdateOp):
            if u.applied_in_call:
                found.append(u.variable)
        elif isinstance(u, (list, tuple)) and not (len(u) == 2 and isinstance(u[0], torch.Tensor)):
            found.extend(in_call_variables(u))
    return found


class Function(object):
    """A callable feeding values to symbolic inputs and returning NumPy outputs.

    ``K.learning_phase()`` among ``inputs`` takes the value fed at its place
    (0 test, 1 train) as the learning phase of the call.
    """

    def __init__(self, inputs, outputs, updates=None, name=None):
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        phases = [i for i, x in enumerate(inputs) if _is_phase_slot(x)]
        self._phase_index = phases[-1] if phases else None
        self.uses_phase = self._phase_index is not None
        self.inputs = [x for i, x in enumerate(inputs) if i != self._phase_index]
        self.name = name
        for x in self.inputs:
            if not _is_symbolic(x):
                raise ValueError('K.function inputs must be symbolic tensors (from '
                                 '`K.placeholder`, `Input()` or layer outputs) or '
                                 '`K.learning_phase()`; got %r.' % (x,))
        self._single_output = not isinstance(outputs, (list, tuple))
        self.outputs = [_graph_value(o) for o in
                        ([outputs] if self._single_output else list(outputs))]
        self.updates = collect_updates(updates)
        # Layers change their own state (moving statistics) only where asked to.
        self._in_call_variables = frozenset(in_call_variables(updates))
        targets = [o for o in self.outputs if _is_symbolic(o)]
        n_outputs = len(targets)
        targets += [v for _, v, _ in self.updates if _is_symbolic(v)]
        self._output_slots = self._slots(self.outputs, targets)
        self._update_slots = self._slots([v for _, v, _ in self.updates], targets)
        self._graph = None
        if targets:  # the engine's plan (keras.engine.graph.evaluation)
            self._graph = graph_hooks.graph_evaluation(self.inputs, targets, n_outputs)
        self._device = self._graph.device if self._graph is not None else get_device()

    @staticmethod
    def _slots(values, targets):
        slots = []
        for v in values:
            slots.append(next(i for i, t in enumerate(targets) if t is v)
                         if _is_symbolic(v) else None)
        return slots

    def _feed(self, values):
        feeds = []
        for x, v in zip(self.inputs, values):
            dtype = to_torch_dtype(x.dtype)
            if hasattr(v, 'toarray') and not isinstance(v, (np.ndarray, torch.Tensor)):
                v = v.toarray()  # scipy sparse: fed dense
            if isinstance(v, torch.Tensor):
                v = v.to(device=self._device, dtype=dtype)
            else:
                v = numpy_to_tensor(v, dtype, self._device)
            _check_feed(x, v)
            feeds.append(v)
        return feeds

    def run(self, feeds):
        """Evaluate on tensors ``feeds`` and apply the updates; return the output
        tensors (variables and constants among the outputs as they are)."""
        values = []
        if self._graph is not None:
            with in_call_updates_scope(self._in_call_variables):
                values = self._graph.evaluate(feeds)
        results = [values[s] if s is not None else o
                   for o, s in zip(self.outputs, self._output_slots)]
        if self.updates:
            news = [values[s] if s is not None else v
                    for (_, v, _), s in zip(self.updates, self._update_slots)]
            with torch.no_grad():
                # grouped: outputs and update values are read before any assignment
                changed = set(var.untyped_storage().data_ptr() for var, _, _ in self.updates)
                results = _unaliased(results, changed)
                news = _unaliased(news, changed)
                for (var, _, mode), v in zip(self.updates, news):
                    _assign_one(var, v, mode)
        return results

    def __call__(self, inputs=None):
        values = [] if inputs is None else (
            list(inputs) if isinstance(inputs, (list, tuple)) else [inputs])
        expected = len(self.inputs) + int(self.uses_phase)
        if any(_holds_arrays(v) and len(v) for v in values):
            # tf.keras flattened nested inputs: f((xs, ys, sample_weights)), the
            # lists _standardize_user_data returns, feeds them one after another
            values = _flattened(values)
        if len(values) != expected:
            raise ValueError('This function expects %d input value(s) (%s); got %d.'
                             % (expected, 'one of them the learning phase'
                                if self.uses_phase else 'one per input', len(values)))
        if self.uses_phase:
            phase = values.pop(self._phase_index)
            with learning_phase_scope(int(np.asarray(phase))):
                results = self.run(self._feed(values))
        else:
            results = self.run(self._feed(values))
        results = [to_numpy(r) for r in results]
        return results[0] if self._single_output else results


def _holds_arrays(value):
    """A list or tuple of arrays (or of such lists, or empty), not an array given
    as nested lists."""
    return isinstance(value, (list, tuple)) and all(
        e is None or isinstance(e, (np.ndarray, torch.Tensor)) or _holds_arrays(e)
        for e in value)


def _flattened(values):
    out = []
    for v in values:
        out.extend(_flattened(v) if _holds_arrays(v) else [v])
    return out


def _unaliased(values, storages):
    """``values`` with copies of the tensors stored in ``storages``."""
    return [v.detach().clone() if isinstance(v, torch.Tensor) and
            v.untyped_storage().data_ptr() in storages else v for v in values]


def _check_feed(x, value):
    shape = tuple(x.shape)
    if len(shape) != value.dim() or any(
            d is not None and d != int(v) for d, v in zip(shape, value.shape)):
        raise ValueError('Cannot feed a value of shape %s to %s, which has shape %s.'
                         % (tuple(value.shape), x.name, shape))


def _assign_one(variable, value, mode):
    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.device != variable.device or (mode != 'assign' and
                                               value.dtype != variable.dtype):
            value = value.to(device=variable.device, dtype=variable.dtype)
    elif not isinstance(value, (int, float)):
        value = numpy_to_tensor(value, dtype=variable.dtype,
                                device=variable.device)
    try:
        if mode == 'assign':
            variable.copy_(value)
        elif mode == 'add':
            variable.add_(value)
        else:
            variable.sub_(value)
    except RuntimeError as e:
        raise ValueError('Cannot %s variable %s of shape %s with a value of shape %s: %s'
                         % (mode, getattr(variable, '_keras_name', 'variable'),
                            tuple(variable.shape), tuple(np.shape(value)), e))


def function(inputs, outputs, updates=None, **kwargs):
    """Make a callable running ``outputs`` from values of ``inputs``.

    Args:
        inputs: List of symbolic inputs (placeholders, model inputs); may hold
            ``K.learning_phase()``.
        outputs: Symbolic tensor or list of them (variables and other real
            tensors are returned as they are at call time).
        updates: Update ops (``K.update`` and friends) or ``(variable, value)``
            pairs, applied together after each evaluation.
        **kwargs: ``name`` is accepted; TensorFlow session options are ignored.

    Returns:
        A :class:`Function`: ``f(list_of_arrays) -> list_of_arrays``.
    """
    return Function(inputs, outputs, updates=updates, name=kwargs.get('name'))
