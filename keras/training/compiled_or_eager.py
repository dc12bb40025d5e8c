"""The step under ``jit_compile``: compiled where a program pays for itself.

:class:`CompiledStep` decides, call by call, whether the compiled or the
eager version of a step runs:

- **Batch shapes.**  The first shape it sees gets the compiled program.  A
  batch of another shape (the last, smaller batch of an epoch) runs eagerly:
  a program for it would take seconds to compile and save a millisecond
  per epoch.  A shape that keeps coming back (``RECURRING`` calls: a
  generator's other batch size, a later ``fit`` with another ``batch_size``)
  gets its own program.
- **Compiled or eager at all** (``jit_compile=True`` only).  ``torch.compile``
  does not pay on every model: a recurrent layer's fused kernel stays outside
  the compiled graph, and the graph breaks around it can make the compiled
  step slower than the eager one.  After the program is compiled the next
  batches of its shape run compiled and eagerly in turn, timed (waiting for
  the GPU where there is one, during these batches only), and the faster
  kind is kept for the rest of the compile.

Both kinds compute the same update on the same weights and optimizer state,
so the choice changes speed only.
"""
import statistics
import time

import torch

__all__ = ['CompiledStep', 'TRIALS', 'RECURRING']

TRIALS = 4  # timed calls of each kind before choosing
RECURRING = 64  # calls of another batch shape before it gets its own program


def _shapes(args):
    """The shapes of the tensors in ``args`` (lists of tensors or None)."""
    key = []
    for group in args:
        for t in group if isinstance(group, (list, tuple)) else [group]:
            key.append(tuple(t.shape) if isinstance(t, torch.Tensor) else None)
    return tuple(key)


def _device(args):
    for group in args:
        for t in group if isinstance(group, (list, tuple)) else [group]:
            if isinstance(t, torch.Tensor):
                return t.device
    return torch.device('cpu')


class CompiledStep(object):
    """Run ``compiled`` or ``eager`` for each call (see the module docstring).

    Args:
        eager: the step function.
        compiled: its ``torch.compile``d version (compiles at its first call
            with a new shape).
        on_choice: None (always compiled for the shapes that get a program),
            or ``on_choice(kind)``, called once with ``'compiled'`` or
            ``'eager'`` when the timed calls have decided.
    """

    def __init__(self, eager, compiled, on_choice=None):
        self.eager = eager
        self.compiled = compiled
        self.on_choice = on_choice
        self.times = {'compiled': [], 'eager': []}
        self._shape = None  # the shape of the first compiled program
        self._other_shapes = {}  # shape -> calls seen

    def __call__(self, *args):
        shape = _shapes(args)
        if self._shape is None:  # this call compiles: not timed
            self._shape = shape
            return self.compiled(*args)
        if shape != self._shape:
            seen = self._other_shapes.get(shape, 0) + 1
            self._other_shapes[shape] = seen
            return (self.compiled if seen > RECURRING else self.eager)(*args)
        if self.on_choice is None:
            return self.compiled(*args)
        return self._timed(args)

    def _timed(self, args):
        kind = 'eager' if len(self.times['eager']) < len(self.times['compiled']) else 'compiled'
        run = self.eager if kind == 'eager' else self.compiled
        cuda = _device(args).type == 'cuda'
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        out = run(*args)
        if cuda:
            torch.cuda.synchronize()
        self.times[kind].append(time.perf_counter() - start)
        if len(self.times['eager']) >= TRIALS:
            faster = statistics.median(self.times['compiled']) <= \
                statistics.median(self.times['eager'])
            on_choice, self.on_choice = self.on_choice, None
            on_choice('compiled' if faster else 'eager')
        return out
