"""Compiled losses and metrics that read the model graph beyond ``(y_true, y_pred)``.

Keras 2 built a compiled loss once, on the symbolic graph, so a loss could
use other tensors of its model: WGAN-GP's gradient penalty
(``partial(loss, averaged_samples=avg)`` computing ``K.gradients(y_pred,
avg)``), or a penalty on a hidden tensor; a metric function could report a
hidden tensor the same way.  Here losses and metrics run on the eager
values of each step; for those:

- at compile time, :func:`analyse` scans what each loss and metric function
  references (no call).  The few that reference a ``KerasTensor`` are called once on
  symbolic tensors (a placeholder target, the model's output) and the ops
  they record tell which tensors of the model they read, and which of those
  ``K.gradients`` differentiates with respect to;
- at step time, :class:`GraphLosses` runs the model with a plan that keeps
  those tensors' values, the gradient targets requiring grad from the moment
  they are computed, and the losses (and metric updates) run under
  :func:`keras.backend.graph_hooks.forward_values`, so each ``KerasTensor``
  they meet stands for its value in this forward pass.  ``K.gradients`` with
  autograd on is differentiable, so a gradient penalty trains the weights.

Ordinary losses and metrics reference no ``KerasTensor``: their models keep
the plain step.
"""
import copy
import functools
import inspect
import types

import torch

from keras.backend import graph_hooks
from keras.backend import math_ops
from keras.engine.keras_tensor import is_keras_tensor

__all__ = ['analyse', 'GraphLosses', 'references_keras_tensor']

_GRADIENTS = math_ops.gradients.__wrapped_backend_fn__
_LIBRARIES = ('keras.', 'torch', 'numpy', 'functools', 'builtins')
_MAX_DEPTH = 4


def references_keras_tensor(obj, depth=0, seen=None):
    """Whether ``obj`` (a loss function, ``partial``, method or callable object)
    refers to a ``KerasTensor``: in its bound arguments, defaults, closure,
    the globals its code names, or attributes (searched ``_MAX_DEPTH`` deep)."""
    seen = set() if seen is None else seen
    if depth > _MAX_DEPTH or id(obj) in seen or isinstance(obj, (torch.Tensor, type,
                                                                 types.ModuleType)):
        return False
    seen.add(id(obj))
    if is_keras_tensor(obj):
        return True

    def any_of(items):
        return any(references_keras_tensor(x, depth + 1, seen) for x in items)
    if isinstance(obj, (list, tuple, set, frozenset)):
        return any_of(obj)
    if isinstance(obj, dict):
        return any_of(obj.values())
    if isinstance(obj, functools.partial):
        return any_of([obj.func] + list(obj.args) + list(obj.keywords.values()))
    if inspect.ismethod(obj):
        return any_of([obj.__func__, obj.__self__])
    if isinstance(obj, types.FunctionType):
        if (obj.__module__ or '').startswith(_LIBRARIES):
            return False  # (built-in losses and backend functions)
        cells = [c.cell_contents for c in obj.__closure__ or () if _filled(c)]
        names = _code_names(obj.__code__)
        found = [obj.__globals__[n] for n in names if n in obj.__globals__]
        return any_of(list(obj.__defaults__ or ()) + list((obj.__kwdefaults__ or {}).values())
                      + cells + found)
    if type(obj).__module__.startswith(_LIBRARIES) and not hasattr(obj, '_fn_kwargs'):
        return False
    return any_of(getattr(obj, '__dict__', {}).values())


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:  # (an empty cell)
        return False
    return True


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _flat_tensors(values):
    out = []
    for v in values:
        if is_keras_tensor(v):
            out.append(v)
        elif type(v) in (list, tuple):
            out.extend(x for x in v if is_keras_tensor(x))
    return out


def _trial(model, index, target, fn):
    """``(reads, gradient_targets)``: the tensors of ``model`` that ``fn`` (a
    loss or metric function of output ``index``) reads besides its arguments,
    and those it differentiates by; empty when a symbolic call of it fails."""
    y_pred = model.outputs[index]
    y_true = graph_hooks.placeholder(ndim=len(y_pred.shape), dtype=y_pred.dtype,
                                     name='%s_target' % target.name)
    with graph_hooks.recording() as ops:
        try:
            fn(y_true, y_pred)
        except Exception:  # (not callable on symbolic tensors: it stays eager)
            return [], []
    produced = set(id(t) for *_, result in ops for t in _flat_tensors([result]))
    given = set(id(t) for t in [y_true] + list(model.outputs)) | produced
    reads, wrt = [], []
    for fn, args, kwargs, _ in ops:
        reads += [t for t in _flat_tensors(list(args) + list(kwargs.values()))
                  if id(t) not in given]
        if fn is _GRADIENTS:
            variables = kwargs['variables'] if 'variables' in kwargs else args[1]
            wrt += [t for t in _flat_tensors([variables])
                    if id(t) not in produced and t is not y_true]
    return reads + wrt, wrt


def _functions(target):
    """The compiled loss function and metric functions of one output."""
    found = [target.loss_fn] if target.has_loss else []
    for _, metric in list(target.metrics) + list(target.weighted_metrics):
        fn = getattr(metric, '_fn', None)  # (a function wrapped as a metric)
        if fn is not None:
            found.append(fn)
    return found


def analyse(model, targets):
    """A :class:`GraphLosses` for the compiled losses and metrics of ``model``
    that read its graph, or None when none does (the usual case)."""
    if not model._is_graph_network:
        return None
    reads, wrt = [], set()
    for index, target in enumerate(targets):
        for fn in _functions(target):
            if references_keras_tensor(fn):
                found, grads = _trial(model, index, target, fn)
                reads += [t for t in found if not any(t is r for r in reads)]
                wrt |= set(id(t) for t in grads)
    if not reads:
        return None
    missing = [t for t in reads if not model._computable([t])]
    if missing:
        raise ValueError('A loss or metric of model %s reads %s, which the model cannot '
                         'compute from its inputs %s. A compiled loss or metric may read the '
                         'tensors of its own model (e.g. a layer output of it); build it from '
                         'those.' % (model.name, ', '.join(repr(t) for t in missing),
                                     model.inputs))
    return GraphLosses(reads, wrt)


class GraphLosses(object):
    """Runs a model's forward pass keeping the values its losses read.

    Args:
        reads: the symbolic tensors of the model the losses read.
        wrt: ids of those that ``K.gradients`` differentiates by: their values
            require grad as soon as they are computed.
    """

    def __init__(self, reads, wrt):
        self.reads = list(reads)
        self.wrt = frozenset(wrt)
        self._base = None  # the model's own plan that ``_plan`` was made with
        self._plan = None
        self._input_reads = []  # (input position, key, wants grad)
        self._values = {}

    def run(self, model, xs, training, want_masks):
        """``model.run_graph``'s ``(outputs, extra_losses, masks)``, then the
        values of the tensors read (``{id(KerasTensor): value}``, outputs included)."""
        plan = self._plan_for(model)
        values = self._values = {}
        xs = list(xs)
        for position, key, grad in self._input_reads:
            x = xs[position]
            if grad and x is not None and x.is_floating_point() and not x.requires_grad:
                x = xs[position] = x.detach().requires_grad_()
            values[key] = x
        outputs, extra, masks = model.run_graph(xs, training=training, want_masks=want_masks,
                                                plan=plan)
        for t, v in zip(model.outputs, outputs):
            values.setdefault(id(t), v)
        self._values = {}
        return outputs, extra, masks, values

    def _plan_for(self, model):
        base = model._get_plan()
        if self._base is not base:  # (first step, or the model's plan was rebuilt)
            self._plan = self._capturing(model._make_plan(self.reads))
            self._base = base
        return self._plan

    def _capturing(self, plan):
        """``plan`` with the steps that compute the read tensors wrapped to keep them."""
        n = len(plan.output_slots) - len(self.reads)
        by_slot = {}
        for t, slot in zip(self.reads, plan.output_slots[n:]):
            by_slot.setdefault(slot, []).append((id(t), id(t) in self.wrt))
        self._input_reads = [(plan.input_slots.index(slot), key, grad)
                             for slot, found in by_slot.items() if slot in plan.input_slots
                             for key, grad in found]
        steps = []
        for step in plan.steps:
            outs = [(i, key, grad) for i, slot in enumerate(step.out_slots)
                    for key, grad in by_slot.get(slot, ())]
            if outs:
                step = copy.copy(step)
                step.run = self._keeping(step.run, outs)
            steps.append(step)
        return plan._replace(steps=steps, output_slots=plan.output_slots[:n])

    def _keeping(self, run, outs):
        def call(*args, **kwargs):
            y = run(*args, **kwargs)
            for i, key, grad in outs:
                value = y[i] if isinstance(y, (list, tuple)) else y
                if grad and not value.requires_grad and value.is_floating_point():
                    value.requires_grad_(True)  # (a leaf: it requires no grad)
                self._values[key] = value
            return y
        return call
