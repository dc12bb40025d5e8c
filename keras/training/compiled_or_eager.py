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

**Guards.**  Before each call of a compiled program dynamo checks its guards
(hundreds for a model: every layer attribute, weight and optimizer slot the
step reads), about 0.1 ms a step on a small model.  Once ``jit_compile=True``
has kept the compiled step, and no program was compiled again during its
timed calls (nothing the step reads changed from call to call), its calls
skip that check (dynamo's ``skip_guard_eval_unsafe`` stance): the program is
then fixed, as Keras 2's train function was fixed at ``compile``.  Values set
in tensors (``K.set_value(model.optimizer.lr, ...)``, the weights) are read at
every call; a Python attribute changed later (a layer's ``rate``, an
optimizer attribute replaced by a float) is not seen until the next
``compile``, as in Keras 2.  Each compiled step has programs of its own (see
``keras.training.steps._own_code``); a batch of another shape, dtype or
device, and a step given a second program, check guards as usual.  (The
stance is process-wide while the step runs: another thread calling its own
``torch.compile``d function at that moment also skips its guards.)
"""
import statistics
import time

import torch

__all__ = ['CompiledStep', 'TRIALS', 'RECURRING']

TRIALS = 4  # timed calls of each kind before choosing
RECURRING = 64  # calls of another batch shape before it gets its own program


def _shapes(args):
    """The shape, dtype and device of each tensor in ``args`` (lists of
    tensors or None)."""
    key = []
    for group in args:
        for t in group if isinstance(group, (list, tuple)) else [group]:
            key.append((tuple(t.shape), t.dtype, t.device) if isinstance(t, torch.Tensor)
                       else None)
    return tuple(key)


def _programs_compiled():
    """How many programs dynamo has compiled in this process (None where
    this PyTorch does not count them)."""
    try:
        from torch._dynamo.utils import counters
    except ImportError:
        return None
    return counters['frames']['ok']


def _unguarded_runner():
    """``run(fn, args)``: ``fn(*args)`` with dynamo's guards left unchecked
    (the ``skip_guard_eval_unsafe`` stance), or None where this PyTorch has
    no such stance."""
    try:
        from torch._dynamo import eval_frame
        stance = eval_frame.DynamoStance(stance='default', skip_guard_eval_unsafe=True)
        set_stance = eval_frame._set_stance
    except (ImportError, AttributeError, TypeError):
        return None

    def run(fn, args):
        prior = set_stance(stance)
        try:
            return fn(*args)
        finally:
            set_stance(prior)
    return run


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
        self._stable = True  # no program compiled during the timed compiled calls
        self.unguarded = None  # run(fn, args) without guard checks, once kept compiled

    def __call__(self, *args):
        shape = _shapes(args)
        if self._shape is None:  # this call compiles: not timed
            self._shape = shape
            return self.compiled(*args)
        if shape != self._shape:
            seen = self._other_shapes.get(shape, 0) + 1
            self._other_shapes[shape] = seen
            if seen <= RECURRING:
                return self.eager(*args)
            self.unguarded = None  # (a second program: guards tell them apart)
            return self.compiled(*args)
        if self.on_choice is None:
            if self.unguarded is not None:
                return self.unguarded(self.compiled, args)
            return self.compiled(*args)
        return self._timed(args)

    def _timed(self, args):
        kind = 'eager' if len(self.times['eager']) < len(self.times['compiled']) else 'compiled'
        run = self.eager if kind == 'eager' else self.compiled
        cuda = _device(args).type == 'cuda'
        if cuda:
            torch.cuda.synchronize()
        programs = _programs_compiled()
        start = time.perf_counter()
        out = run(*args)
        if cuda:
            torch.cuda.synchronize()
        self.times[kind].append(time.perf_counter() - start)
        if kind == 'compiled' and (programs is None or _programs_compiled() != programs):
            self._stable = False  # (something the step reads changed: guards must run)
        if len(self.times['eager']) >= TRIALS:
            faster = statistics.median(self.times['compiled']) <= \
                statistics.median(self.times['eager'])
            on_choice, self.on_choice = self.on_choice, None
            if faster and self._stable and not self._other_shapes_compiled():
                self.unguarded = _unguarded_runner()
            on_choice('compiled' if faster else 'eager')
        return out

    def _other_shapes_compiled(self):
        return any(seen > RECURRING for seen in self._other_shapes.values())
