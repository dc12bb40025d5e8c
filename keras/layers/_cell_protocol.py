"""What ``RNN`` asks of its cell: the generic protocol and the fast path.

**Any cell** runs in the generic loop.  It needs ``state_size`` (an integer,
or one per state), optionally ``output_size``, and ``call(inputs, states,
training=None) -> (output, new_states)`` (``training`` and ``constants=``
only where its ``call`` takes them).  ``RNN`` calls ``cell.call`` once per
time step (:func:`keras.layers._rnn_ops.run_loop`).

**A fast-path cell** derives from :class:`FastPathCell` and splits its step in
two halves that the RNN can run faster than step by step:

- ``_project_inputs(x)``: the half that does not depend on the states (for
  the built-in cells, input dropout, then ``x @ kernel + bias``), for one
  step ``(batch, ...)`` or for a whole sequence ``(batch, time, ...)`` at
  once: one large product instead of one per step.
- ``_make_recurrent_step()``: ``step(z_t, states) -> new_states``, the half
  that does, given the step's projection ``z_t``; the step's output is
  ``new_states[0]``.  Made once per sequence: what does not change between
  steps (weights views, recurrent dropout masks) is prepared there.
- ``_fused_kernel()``: a :class:`FusedKernel` when PyTorch's fused
  ``lstm``/``gru``/``rnn_tanh``/``rnn_relu`` kernel computes exactly this cell
  as configured now (dropout masks drawn), else ``None`` (the default).
- ``_dropout_mask_count()`` (default 1), with the ``dropout`` and
  ``recurrent_dropout`` rates: how many masks of each kind
  :meth:`FastPathCell._draw_dropout_masks` draws once per sequence into
  ``_dropout_mask`` / ``_recurrent_dropout_mask`` (lists, or ``None``).
- ``kernel``: its dtype is the one the sequence is computed in.

:meth:`FastPathCell.call` is the step these halves define.  :func:`run_fast`
computes that same ``call`` for a whole sequence: the fused kernel where
there is one (input dropout applied to the sequence first), else the
projection of every step at once and a loop over the recurrent step
(:func:`keras.layers._rnn_ops.run_cell`).

**Which way a cell runs** is decided from its class when the layer is built
(:func:`choose_path`): a subclass that overrides ``call`` (a layer-normalized
LSTM, say) runs its own ``call`` in the generic loop; one that changes a half
of the step without restating ``_fused_kernel`` runs its halves, not PyTorch's
kernel (which computes the parent's math).  A subclass that changes only
``build``, ``get_config`` or the like keeps the fast path.
"""
import collections

from keras.backend import random_ops
from keras.backend import session as K_session
from keras.layers import _rnn_ops

__all__ = ['FastPathCell', 'FusedKernel', 'GENERIC', 'PROJECTED', 'FUSED', 'choose_path',
           'run_fast', 'in_training', 'dropout_masks']

# How an RNN runs its cell (:func:`choose_path`).
GENERIC = 'generic'
PROJECTED = 'projected'
FUSED = 'fused'

FusedKernel = collections.namedtuple('FusedKernel', ['op', 'weights', 'has_bias'])
FusedKernel.__doc__ = """PyTorch's fused kernel for a cell: ``op`` ('lstm', 'gru',
'rnn_tanh' or 'rnn_relu'), ``weights`` ``[w_ih, w_hh(, b_ih, b_hh)]`` in PyTorch's
layout, ``has_bias`` whether ``weights`` holds the two biases."""


def in_training(training):
    """``training``, or the learning phase where it is ``None``."""
    if training is None:
        return bool(K_session.learning_phase())
    return bool(training)


def dropout_masks(like, rate, count):
    """``count`` Keras dropout masks shaped like ``like``: kept entries are
    ``1 / (1 - rate)``, dropped ones 0."""
    return [random_ops.dropout_mask(like.shape, rate, like.device, like.dtype)
            for _ in range(count)]


class FastPathCell(object):
    """The protected methods a cell provides to run on the fast path (see the
    module docstring); mixed into a :class:`~keras.engine.base_layer.Layer`."""

    dropout = 0.
    recurrent_dropout = 0.
    _dropout_mask = None
    _recurrent_dropout_mask = None

    def _project_inputs(self, x):
        """The state-independent half of the step, for a step or a sequence."""
        raise NotImplementedError

    def _make_recurrent_step(self):
        """``step(z_t, states) -> new_states``; the output is ``new_states[0]``."""
        raise NotImplementedError

    def _fused_kernel(self):
        """A :class:`FusedKernel` computing this cell as configured now, or ``None``."""
        return None

    def _dropout_mask_count(self):
        """How many masks of each kind a sequence uses (one per gate block or one)."""
        return 1

    def _draw_dropout_masks(self, inputs, h, training):
        """Draw the dropout masks not drawn yet for this sequence (Keras draws
        them once per sequence); ``inputs`` and ``h`` are one step's."""
        if not (self.dropout or self.recurrent_dropout):
            return
        count = self._dropout_mask_count()
        if 0 < self.dropout < 1 and self._dropout_mask is None and in_training(training):
            self._dropout_mask = dropout_masks(inputs, self.dropout, count)
        if 0 < self.recurrent_dropout < 1 and self._recurrent_dropout_mask is None and \
                in_training(training):
            self._recurrent_dropout_mask = dropout_masks(h, self.recurrent_dropout, count)

    def _reset_dropout_masks(self):
        """Forget the masks: the next sequence draws its own."""
        if self._dropout_mask is not None or self._recurrent_dropout_mask is not None:
            self._dropout_mask = self._recurrent_dropout_mask = None

    def call(self, inputs, states, training=None):
        if not isinstance(states, (list, tuple)):
            states = [states]
        self._draw_dropout_masks(inputs, states[0], training)
        new_states = self._make_recurrent_step()(self._project_inputs(inputs), list(states))
        return new_states[0], new_states


def _defining_class(cls, name):
    """The class of ``cls``'s MRO whose body defines ``name``."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    return None


def choose_path(cell):
    """How an RNN runs ``cell``, from its class: :data:`GENERIC` (the cell's
    own ``call`` at each step: a cell outside the protocol, or whose class
    overrides ``call``), :data:`PROJECTED` (:func:`run_fast` by its two halves)
    or :data:`FUSED` (the same, PyTorch's kernel allowed where
    ``_fused_kernel`` offers one: the class that defines ``_fused_kernel`` is,
    or derives from, those that define the two halves)."""
    cls = type(cell)
    if not isinstance(cell, FastPathCell) or _defining_class(cls, 'call') is not FastPathCell:
        return GENERIC
    fused_by = _defining_class(cls, '_fused_kernel')
    halves = [_defining_class(cls, name) for name in ('_project_inputs', '_make_recurrent_step')]
    return FUSED if all(issubclass(fused_by, half) for half in halves) else PROJECTED


def run_fast(cell, inputs, states, training, unroll=False, fused=True, **options):
    """Run a :class:`FastPathCell` over ``inputs`` ``(batch, time, ...)``.

    Args:
        cell: the cell, its dropout masks reset for this sequence.
        inputs: the sequence; states: the initial states.
        training: whether dropout applies (``None``: the learning phase).
        unroll: trace the whole loop under ``torch.compile``
            (:func:`keras.layers._rnn_ops.loop_runner`).
        fused: whether PyTorch's kernel may run (:data:`FUSED`).
        **options: ``mask``, ``go_backwards``, ``want_sequence``,
            ``zero_output_for_mask`` as in :func:`keras.layers._rnn_ops.run_loop`.

    Returns:
        ``(last_output, outputs or None, final_states)``.
    """
    kernel = cell.kernel
    if inputs.is_floating_point() and inputs.dtype != kernel.dtype:
        inputs = inputs.to(kernel.dtype)
    cell._draw_dropout_masks(inputs[:, 0], states[0], training)
    fused_kernel = cell._fused_kernel() if fused else None
    if fused_kernel is not None:
        x = inputs
        if cell._dropout_mask is not None:
            x = x * cell._dropout_mask[0].unsqueeze(1)
        result = _rnn_ops.run_fused(fused_kernel.op, x, states, fused_kernel.weights,
                                    fused_kernel.has_bias, **options)
        if result is not None:
            return result
    loop = _rnn_ops.loop_runner(_rnn_ops.run_cell, inputs.shape[1], unroll)
    return loop(cell._make_recurrent_step(), cell._project_inputs(inputs), states, **options)
