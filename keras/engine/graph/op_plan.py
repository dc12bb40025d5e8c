"""A lean plan for graphs made only of backend ops (an optimizer's update graph).

``K.function`` runs general graphs through a ``Network``.  A graph of
:class:`~keras.engine.graph.op_layer.TensorOp`s alone (what ``get_updates`` builds
over gradients and variables) runs here instead: a flat list of function calls
over numbered slots, with no layer machinery, and element-wise operations
write into buffers made at the first run and reused, also within a run once
a value is dead (``m * b + g * c`` then allocates nothing).  Used without
autograd; the values it returns live until its next run.
"""
import operator

import torch

from keras.backend import math_ops
from keras.backend.variables import to_torch_dtype
from keras.engine.graph.op_layer import TensorOp
from keras.engine.graph.slots import Slot
from keras.engine.keras_tensor import KerasTensor

__all__ = ['OpPlan', 'supports']


def _tensor(x):
    return isinstance(x, torch.Tensor)


def _binary(torch_fn, swap_scalar=False):
    """``torch_fn(a, b, out=o)``, or the plain result when ``a`` is a number."""
    def run(out, a, b):
        if _tensor(a):
            return torch_fn(a, b, out=out)
        if swap_scalar and _tensor(b):
            return torch_fn(b, a, out=out)
        return torch_fn(torch.as_tensor(a), b)
    return run


def _reversed(torch_fn):
    """``__rsub__(x, other) = other - x`` and friends, into ``out``."""
    def run(out, x, other):
        return torch_fn(other, x, out=out) if _tensor(other) else torch_fn(
            torch.as_tensor(other, dtype=x.dtype, device=x.device), x, out=out)
    return run


def _clipped_sqrt(out, x):
    return torch.clamp(x, min=0., out=out).sqrt_()


# Element-wise functions (as recorded: operators, torch methods, backend
# functions) and their forms writing into a given tensor.  An output may be
# the buffer of a dead input: element-wise kernels allow that exact overlap.
_INTO = {
    operator.add: _binary(torch.add, True), operator.sub: _binary(torch.sub),
    operator.mul: _binary(torch.mul, True), operator.truediv: _binary(torch.div),
    '__radd__': _binary(torch.add, True), '__rmul__': _binary(torch.mul, True),
    '__rsub__': _reversed(torch.sub), '__rtruediv__': _reversed(torch.div),
    math_ops.square.__wrapped_backend_fn__: lambda out, x: torch.square(x, out=out),
    math_ops.sqrt.__wrapped_backend_fn__: _clipped_sqrt,
}
for _name, _fn in (('add', torch.add), ('sub', torch.sub), ('mul', torch.mul),
                   ('div', torch.div)):
    _INTO[getattr(torch.Tensor, _name)] = _binary(_fn)


def _key(fn):
    name = getattr(fn, '__name__', None)
    if name in _INTO and getattr(fn, '__module__', None) == KerasTensor.__module__:
        return name  # a reversed operator of KerasTensor
    try:
        return fn if fn in _INTO else None
    except TypeError:  # unhashable
        return None


def supports(layers):
    return all(isinstance(layer, TensorOp) for layer in layers)


class _Step(object):
    __slots__ = ('fn', 'args', 'kwargs', 'ins', 'outs', 'multi', 'into', 'buffer')


def _template(value, slots_of):
    if isinstance(value, Slot):
        return ('slot', slots_of[value.index])
    if isinstance(value, (list, tuple)) and any(isinstance(v, Slot) for v in value):
        return ('seq', type(value), [_template(v, slots_of) for v in value])
    return ('const', value)


def _fill(t, values):
    kind = t[0]
    if kind == 'slot':
        return values[t[1]]
    if kind == 'seq':
        return t[1](_fill(v, values) for v in t[2])
    return t[1]


class OpPlan(object):
    """Ordered calls computing ``targets`` from ``sources`` (see module docstring)."""

    def __init__(self, sources, targets, n_outputs=None):
        n_outputs = len(targets) if n_outputs is None else n_outputs
        slot = {}
        for x in sources:
            slot.setdefault(id(x), len(slot))
        order, seen = [], set()
        stack = [(t, False) for t in targets]
        while stack:
            t, expanded = stack.pop()
            if id(t) in slot and not expanded:
                continue
            layer = t._keras_history[0]
            node = layer._inbound_nodes[0]
            if expanded:
                if id(layer) not in seen:
                    seen.add(id(layer))
                    order.append(node)
                    for x in node.output_tensors:
                        slot.setdefault(id(x), len(slot))
                continue
            stack.append((t, True))
            stack.extend((x, False) for x in node.input_tensors if id(x) not in slot)
        self.n_slots = len(slot)
        self.target_slots = [slot[id(t)] for t in targets]
        self.steps = [self._step(node, slot) for node in order]
        self._buffers, self._specs = [], {}
        self._plan_buffers(order, set(self.target_slots[:n_outputs]), set(self.target_slots))

    @staticmethod
    def _step(node, slot):
        layer = node.outbound_layer
        ins = [slot[id(x)] for x in node.input_tensors]
        step = _Step()
        step.fn = layer.function
        step.args = [_template(a, ins) for a in layer._args]
        step.kwargs = dict((k, _template(v, ins)) for k, v in layer._kwargs.items())
        step.ins = ins
        step.outs = [slot[id(x)] for x in node.output_tensors]
        step.multi = len(node.output_tensors) > 1 or node.__dict__.get('_list_output', False)
        step.into = step.buffer = None
        return step

    def _plan_buffers(self, order, outputs, targets):
        """Give element-wise steps output buffers, reused once their value is dead
        (a step may write over an input it is the last reader of).  A value some
        other step reads (which might return a view of it) gets no buffer."""
        eligible = [_key(step.fn) is not None and not step.multi and not step.kwargs
                    and None not in tuple(node.output_tensors[0].shape)
                    and step.outs[0] not in outputs
                    for node, step in zip(order, self.steps)]
        last, viewed = {}, set()
        for i, step in enumerate(self.steps):
            for s in step.ins:
                last[s] = i
                if not eligible[i]:
                    viewed.add(s)
        free, owner = {}, {}  # (shape, dtype) -> [buffer ids]; slot -> (id, spec)
        for i, (node, step) in enumerate(zip(order, self.steps)):
            for s in set(step.ins):
                if last[s] == i and s in owner and s not in targets:
                    free.setdefault(owner[s][1], []).append(owner[s][0])
            if not eligible[i] or step.outs[0] in viewed:
                continue
            out = node.output_tensors[0]
            spec = (tuple(out.shape), to_torch_dtype(out.dtype))
            pool = free.get(spec)
            buffer = pool.pop() if pool else len(self._specs)
            self._specs[buffer] = spec
            owner[step.outs[0]] = (buffer, spec)
            step.into, step.buffer = _INTO[_key(step.fn)], buffer

    def run(self, feeds):
        values = [None] * self.n_slots
        values[:len(feeds)] = feeds
        with torch.no_grad():
            for step in self.steps:
                args = [_fill(a, values) for a in step.args]
                if step.into is not None:
                    values[step.outs[0]] = step.into(self._buffer(step, args), *args)
                    continue
                kwargs = dict((k, _fill(v, values)) for k, v in step.kwargs.items())
                result = step.fn(*args, **kwargs)
                if step.multi:
                    for s, v in zip(step.outs, result):
                        values[s] = v
                else:
                    values[step.outs[0]] = result
        return [values[s] for s in self.target_slots]

    def _buffer(self, step, args):
        """Buffer ``step.buffer``, made at the first run (on the arguments' device)."""
        buffers = self._buffers
        while len(buffers) <= step.buffer:
            buffers.append(None)
        buffer = buffers[step.buffer]
        if buffer is None:
            spec = self._specs[step.buffer]
            tensors = [a for a in args if _tensor(a)]
            device = next((a.device for a in tensors if a.dim()),  # (not a 0-d scalar's)
                          tensors[0].device if tensors else None)
            buffer = buffers[step.buffer] = torch.empty(spec[0], dtype=spec[1], device=device)
        return buffer
