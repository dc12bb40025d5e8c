"""The ways a recurrent layer runs a sequence.

``run_loop`` walks the time axis in Python, calling a step function (any
cell) once per step.  ``run_cell`` does the same for the built-in cells: the
step is the recurrent half of the cell (the input products are done for the
whole sequence before), its output is its first state, and the outputs of
masked steps are formed once for the whole sequence.  ``run_fused`` hands the
whole sequence to PyTorch's fused LSTM/GRU/RNN kernel (cuDNN on CUDA); it is
used where the Keras configuration is mathematically that kernel.  All follow
Keras's masking rule: at a masked step the states keep their previous value
and the output repeats the previous output (zeros before the first unmasked
step).

Under ``torch.compile`` (``compile(..., jit_compile=True)``) a loop is traced
step by step into the graph when the layer asks for ``unroll=True`` or the
sequence has at most ``KERAS_RNN_UNROLL_STEPS`` steps (default 32); compiling
time grows with the number of steps traced (about a second a step on a CPU).
Longer loops run eagerly between the compiled parts (:func:`loop_runner`).
"""
import os
import warnings

import torch
from torch.nn.utils import rnn as rnn_utils

from keras.backend.outside_graph import outside_compiled_graph

__all__ = ['run_loop', 'run_cell', 'run_fused', 'loop_runner', 'compiling', 'exporting',
           'unroll_steps']

_OPS = {'lstm': torch.lstm, 'gru': torch.gru, 'rnn_tanh': torch.rnn_tanh,
        'rnn_relu': torch.rnn_relu}


def _expand_like(mask_t, ref):
    return mask_t.reshape(tuple(mask_t.shape) + (1,) * (ref.dim() - mask_t.dim()))


UNROLL_STEPS_ENV = 'KERAS_RNN_UNROLL_STEPS'
_DEFAULT_UNROLL_STEPS = 32


def compiling():
    """Whether the code runs under ``torch.compile``'s tracing."""
    compiler = getattr(torch, 'compiler', None)
    return compiler is not None and compiler.is_compiling()


def exporting():
    """Whether ``torch.export`` traces the code (``model.export``): masks then
    take the traceable loop instead of packing, which reads the lengths."""
    is_exporting = getattr(getattr(torch, 'compiler', None), 'is_exporting', None)
    return is_exporting is not None and is_exporting()


def unroll_steps():
    """The longest loop traced into a compiled graph (``KERAS_RNN_UNROLL_STEPS``)."""
    value = os.environ.get(UNROLL_STEPS_ENV, '').strip()
    if not value:
        return _DEFAULT_UNROLL_STEPS
    try:
        return int(value)
    except ValueError:
        raise ValueError('%s must be a whole number of time steps, got %r.'
                         % (UNROLL_STEPS_ENV, value))


def loop_runner(loop, steps, unroll=False):
    """``loop`` (:func:`run_loop` or :func:`run_cell`), or, under
    ``torch.compile`` for more than :func:`unroll_steps` steps and without
    ``unroll``, the same loop kept out of the graph (run eagerly)."""
    if unroll or not compiling() or steps <= unroll_steps():
        return loop
    return _EAGER[loop.__name__]


def _step_masks(mask):
    """Per-step ``(batch, 1)`` masks, or ``None`` when every step is kept."""
    if mask is None or (not compiling() and bool(mask.all())):
        return None
    return [m[:, None] for m in mask.unbind(1)]


def run_loop(step, xs, states, mask=None, go_backwards=False, zero_output_for_mask=False,
             want_sequence=True):
    """Run ``step(x_t, states) -> (output_t, new_states)`` over axis 1 of ``xs``.

    Args:
        step: the per-step function.
        xs: ``(batch, time, ...)`` step inputs.
        states: list of initial state tensors.
        mask: optional ``(batch, time)`` boolean tensor.
        go_backwards: iterate from the last step (outputs come in that order).
        zero_output_for_mask: masked steps output zeros instead of the
            previous output (tf.keras's ``Bidirectional`` convention).
        want_sequence: also stack the outputs of every step.

    Returns:
        ``(last_output, outputs or None, final_states)``.
    """
    inputs = xs.unbind(1)  # one backward node for all steps, not one per step
    keep = None if mask is None else mask.unbind(1)
    order = range(len(inputs) - 1, -1, -1) if go_backwards else range(len(inputs))
    outputs = []
    output = None
    for t in order:
        new_output, new_states = step(inputs[t], states)
        if not isinstance(new_states, (list, tuple)):
            new_states = [new_states]
        if keep is not None:
            m = keep[t]
            if zero_output_for_mask or output is None:
                previous = torch.zeros_like(new_output)
            else:
                previous = output
            new_output = torch.where(_expand_like(m, new_output), new_output, previous)
            new_states = [torch.where(_expand_like(m, new), new, old)
                          for new, old in zip(new_states, states)]
        output = new_output
        states = list(new_states)
        if want_sequence:
            outputs.append(output)
    sequence = torch.stack(outputs, dim=1) if want_sequence else None
    return output, sequence, states


def run_cell(step, zs, states, mask=None, go_backwards=False, zero_output_for_mask=False,
             want_sequence=True):
    """Run a built-in cell's ``step(z_t, states) -> new_states`` over axis 1 of
    ``zs`` (the input projections); the step's output is its first state.

    Same arguments and results as :func:`run_loop`.  Masked steps only select
    the states; the outputs Keras's rule gives (the last state once a row has
    seen an unmasked step, zeros before) are formed once for the sequence.
    """
    inputs = zs.unbind(1)
    if go_backwards:
        inputs = inputs[::-1]
        mask = None if mask is None else mask.flip(1)
    keep = _step_masks(mask)
    if keep is None:
        mask = None
    hs = []
    for t, z in enumerate(inputs):
        new_states = step(z, states)
        if keep is not None:
            new_states = [torch.where(keep[t], new, old) for new, old in zip(new_states, states)]
        states = new_states
        if want_sequence:
            hs.append(states[0])
    sequence = torch.stack(hs, dim=1) if want_sequence else None
    last = states[0]
    if mask is not None:
        # (steps after the first kept one; a cumulative sum, which ONNX has)
        shown = mask if zero_output_for_mask else mask.to(torch.int32).cumsum(dim=1) > 0
        if want_sequence:
            sequence = torch.where(shown[..., None], sequence, torch.zeros_like(sequence))
        last = torch.where(shown[:, -1:], last, torch.zeros_like(last))
    return last, sequence, states


_EAGER = {'run_loop': outside_compiled_graph(run_loop),
          'run_cell': outside_compiled_graph(run_cell)}


def _apply_op(op, x, batch_sizes, states, weights, has_bias):
    """One call of the fused kernel; ``states`` are ``(1, batch, units)``.

    Under ``torch.compile`` the kernel runs outside the graph: it is already
    one fused call, and inductor's lowering of the CPU LSTM kernel fails
    (``mkldnn_rnn_layer``) or compiles for minutes.
    """
    run = _kernel_outside_graph if compiling() else _kernel
    result = run(op, x, batch_sizes, states, weights, has_bias, torch.is_grad_enabled())
    if op == 'lstm':
        return result[0], [result[1], result[2]]
    return result[0], [result[1]]


def _kernel(op, x, batch_sizes, states, weights, has_bias, train):
    fn = _OPS[op]
    hx = tuple(states) if op == 'lstm' else states[0]
    if x.is_cuda:
        with warnings.catch_warnings():
            # cuDNN wants its weights in one flat buffer; ours are views of the
            # Keras-layout weights, compacted by the kernel at each call.
            warnings.filterwarnings('ignore', message='RNN module weights are not part')
            return _call_op(fn, x, batch_sizes, hx, weights, has_bias, train)
    if op == 'lstm' and _cpu_autocast_dtype() is not None:
        return _call_in_dtype(fn, x, batch_sizes, hx, weights, has_bias, train,
                              _cpu_autocast_dtype())
    return _call_op(fn, x, batch_sizes, hx, weights, has_bias, train)


_kernel_outside_graph = outside_compiled_graph(_kernel)


def _cpu_autocast_dtype():
    """The dtype CPU autocast runs in, or None when it is off."""
    from keras.mixed_precision import policy as mp_policy
    return mp_policy.active_autocast_dtype('cpu')


def _call_in_dtype(fn, x, batch_sizes, hx, weights, has_bias, train, dtype):
    """The kernel with every input cast to ``dtype`` and autocast off: CPU
    autocast hands the LSTM kernel inputs of mixed dtypes, which oneDNN
    refuses ("could not create a primitive descriptor")."""
    cast = tuple(h.to(dtype) for h in hx) if isinstance(hx, tuple) else hx.to(dtype)
    with torch.autocast('cpu', enabled=False):
        return _call_op(fn, x.to(dtype), batch_sizes, cast, [w.to(dtype) for w in weights],
                        has_bias, train)


def _call_op(fn, x, batch_sizes, hx, weights, has_bias, train):
    if batch_sizes is None:
        return fn(x, hx, weights, has_bias, 1, 0.0, train, False, True)
    return fn(x, batch_sizes, hx, weights, has_bias, 1, 0.0, train, False)


def _mask_runs(mask):
    """Describe a ``(batch, time)`` mask whose rows each hold one unbroken run
    of unmasked steps: ``'full'``, ``None`` (not of that form, or an empty
    row) or ``(starts, lengths, aligned)``."""
    steps = mask.shape[1]
    lengths = mask.sum(dim=1)
    starts = mask.to(torch.uint8).argmax(dim=1)
    span = torch.arange(steps, device=mask.device)
    expected = (span >= starts[:, None]) & (span < (starts + lengths)[:, None])
    flags = torch.stack([(expected == mask).all(), (lengths > 0).all(),
                         (lengths == steps).all(), (starts == 0).all()]).tolist()
    contiguous, non_empty, full, aligned = flags
    if full:
        return 'full'
    if not (contiguous and non_empty):
        return None
    return starts, lengths, aligned


def _run_packed(op, x, states, weights, has_bias, runs, want_sequence, zero_output_for_mask):
    starts, lengths, aligned = runs
    steps = x.shape[1]
    span = torch.arange(steps, device=x.device)
    if not aligned:  # move each row's run to the front
        index = (starts[:, None] + span).clamp(max=steps - 1)
        x = x.gather(1, index[..., None].expand(-1, -1, x.shape[2]))
    packed = rnn_utils.pack_padded_sequence(x, lengths.cpu(), batch_first=True,
                                            enforce_sorted=False)
    hx = [s.index_select(1, packed.sorted_indices) for s in states]
    data, finals = _apply_op(op, packed.data, packed.batch_sizes, hx, weights, has_bias)
    finals = [s.index_select(1, packed.unsorted_indices)[0] for s in finals]
    last = finals[0]
    if not want_sequence and not zero_output_for_mask:
        return last, None, finals
    padded, _ = rnn_utils.pad_packed_sequence(
        rnn_utils.PackedSequence(data, packed.batch_sizes, packed.sorted_indices,
                                 packed.unsorted_indices),
        batch_first=True, total_length=steps)
    rel = span[None, :] - starts[:, None]
    if not aligned:
        index = rel.clamp(0, steps - 1)
        padded = padded.gather(1, index[..., None].expand(-1, -1, padded.shape[2]))
    after = (rel >= lengths[:, None])[..., None]
    before = (rel < 0)[..., None]
    if zero_output_for_mask:
        sequence = torch.where(after | before, torch.zeros_like(padded), padded)
        last = sequence[:, -1]
    else:
        sequence = torch.where(after, last[:, None, :].expand_as(padded), padded)
        sequence = torch.where(before, torch.zeros_like(sequence), sequence)
    return last, sequence, finals


def run_fused(op, x, states, weights, has_bias, mask=None, go_backwards=False,
              want_sequence=True, zero_output_for_mask=False):
    """Run PyTorch's fused kernel ``op`` ('lstm', 'gru', 'rnn_tanh', 'rnn_relu').

    Args:
        op: kernel name.
        x: ``(batch, time, features)`` inputs (dropout already applied).
        states: list of ``(batch, units)`` initial states (``[h, c]`` for LSTM).
        weights: ``[w_ih, w_hh(, b_ih, b_hh)]`` in PyTorch's layout.
        has_bias: whether ``weights`` holds the two bias vectors.
        mask: optional ``(batch, time)`` boolean mask. Masks whose rows each
            hold one unbroken run of unmasked steps (pre- or post-padding) run
            packed; any other mask returns ``None`` (use :func:`run_loop`).
        go_backwards: process the sequence from its end (outputs in that order).
        want_sequence: also return the output of every step.
        zero_output_for_mask: masked steps output zeros.

    Returns:
        ``(last_output, outputs or None, final_states)``, or ``None``.
    """
    if go_backwards:
        x = x.flip(1)
        mask = None if mask is None else mask.flip(1)
    runs = None
    if mask is not None:
        if exporting():
            return None
        runs = _mask_runs(mask)
        if runs is None:
            return None
    hx = [s.unsqueeze(0) for s in states]
    if runs is None or runs == 'full':
        out, finals = _apply_op(op, x, None, hx, weights, has_bias)
        finals = [s[0] for s in finals]
        return out[:, -1], (out if want_sequence else None), finals
    return _run_packed(op, x, hx, weights, has_bias, runs, want_sequence,
                       zero_output_for_mask)
