"""``K.function`` (see :mod:`keras.backend.backend_function`) and ``K.rnn``."""
import torch

from keras.backend.backend_function import Function, function
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor

__all__ = ['function', 'Function', 'rnn']


def _expand_like(mask_t, ref):
    return mask_t.reshape(tuple(mask_t.shape) + (1,) * (ref.ndim - mask_t.ndim))


@symbolic
def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None, unroll=False, input_length=None):
    """Run ``step_function`` over the time axis (axis 1) of ``inputs``.

    Args:
        step_function: ``(input_t, states + constants) -> (output_t, new_states)``.
        inputs: ``(samples, time, ...)``, at least 3-D.
        initial_states: List of ``(samples, ...)`` tensors.
        go_backwards: Iterate from the last step; outputs come in that order.
        mask: ``(samples, time)``; where 0, the output and states of the
            previous step are carried over (zeros for the first output).
        constants: List of tensors passed to every step after the states.
        unroll, input_length: Accepted for compatibility (always a Python loop).

    Returns:
        ``(last_output, outputs, new_states)`` with ``outputs`` of shape
        ``(samples, time, ...)``.
    """
    inputs = as_tensor(inputs)
    if inputs.ndim < 3:
        raise ValueError('Input should be at least 3D.')
    if inputs.shape[1] == 0:
        raise ValueError('K.rnn got an input with no time steps: shape %s.'
                         % (tuple(inputs.shape),))
    states = list(initial_states)
    constants = list(constants or [])
    if mask is not None:
        mask = as_tensor(mask, device=inputs.device).bool()
    steps = range(inputs.shape[1] - 1, -1, -1) if go_backwards else range(inputs.shape[1])
    outputs = []
    for t in steps:
        output, new_states = step_function(inputs[:, t], states + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            m = mask[:, t]
            previous = outputs[-1] if outputs else torch.zeros_like(output)
            output = torch.where(_expand_like(m, output), output, previous)
            new_states = [torch.where(_expand_like(m, new), new, old)
                          for new, old in zip(new_states, states)]
        outputs.append(output)
        states = new_states
    return outputs[-1], torch.stack(outputs, dim=1), states
