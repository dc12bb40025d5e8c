"""``K.function`` (run part of a symbolic graph on NumPy data) and ``K.rnn``."""
import numpy as np
import torch

from keras.backend.math_ops import GradientsNeedGradMode
from keras.backend.session import get_device, learning_phase_scope
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor, to_numpy, to_torch_dtype, update

__all__ = ['function', 'Function', 'rnn']


def _is_symbolic(x):
    return bool(getattr(x, '_is_keras_tensor', False))


def _is_phase_slot(x):
    return isinstance(x, (int, bool, np.integer)) and not _is_symbolic(x)


class Function(object):
    """A callable that feeds a list of NumPy arrays to symbolic inputs and returns
    the outputs as NumPy arrays.

    The symbolic part is run through a ``keras.engine.network.Network`` built
    from ``inputs`` to the symbolic ``outputs``.  When the last entry of
    ``inputs`` is ``K.learning_phase()`` (a 0/1 int), the last value fed is the
    learning phase for the call.
    """

    def __init__(self, inputs, outputs, updates=None, name=None):
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self._single_output = not isinstance(outputs, (list, tuple))
        self.outputs = [outputs] if self._single_output else list(outputs)
        self.uses_phase = bool(inputs) and _is_phase_slot(inputs[-1])
        self.inputs = inputs[:-1] if self.uses_phase else inputs
        self.name = name
        for x in self.inputs:
            if not _is_symbolic(x):
                raise ValueError('K.function inputs must be symbolic tensors (from '
                                 '`Input()` or layer outputs); got %r.' % (x,))
        self.updates = self._check_updates(updates)
        self._symbolic_idx = [i for i, o in enumerate(self.outputs) if _is_symbolic(o)]
        self._network = None
        self._takes_gradients = False
        if self._symbolic_idx:
            from keras.engine.network import Network
            self._network = Network(self.inputs, [self.outputs[i] for i in self._symbolic_idx])

    @staticmethod
    def _check_updates(updates):
        pairs = []
        for u in updates or []:
            if not isinstance(u, (list, tuple)) or len(u) != 2:
                raise ValueError('K.function updates must be (variable, new_value) '
                                 'pairs; got %r.' % (u,))
            if _is_symbolic(u[0]) or _is_symbolic(u[1]):
                raise NotImplementedError('K.function cannot apply updates computed '
                                          'from symbolic tensors in the PyTorch backend.')
            pairs.append(tuple(u))
        return pairs

    def _feed(self, values):
        device = get_device()
        if self._network is not None:
            param = next(iter(self._network.parameters()), None)
            device = param.device if param is not None else device
        feeds = []
        for x, v in zip(self.inputs, values):
            dtype = getattr(x, 'dtype', None)
            dtype = to_torch_dtype(dtype) if dtype is not None else None
            if isinstance(v, torch.Tensor):
                feeds.append(v.to(device=device, dtype=dtype))
            else:
                feeds.append(torch.as_tensor(np.asarray(v), dtype=dtype, device=device))
        return feeds

    def _run(self, values):
        results = list(self.outputs)
        if self._network is not None:
            outs = self._call_network(self._feed(values))
            outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
            for i, out in zip(self._symbolic_idx, outs):
                results[i] = out
        return [to_numpy(r) for r in results]

    def _call_network(self, feeds):
        """The network's outputs, computed without autograd unless the graph
        takes gradients (``K.gradients`` of an output with respect to an input,
        a layer output or the weights): then with autograd on and the floating
        inputs differentiable, for this and every later call."""
        if not self._takes_gradients:
            try:
                with torch.no_grad():
                    return self._network(feeds if len(feeds) != 1 else feeds[0])
            except GradientsNeedGradMode:
                self._takes_gradients = True
        feeds = [f.detach().requires_grad_() if f.is_floating_point() else f for f in feeds]
        with torch.enable_grad():
            return self._network(feeds if len(feeds) != 1 else feeds[0])

    def __call__(self, inputs=None):
        values = [] if inputs is None else (
            list(inputs) if isinstance(inputs, (list, tuple)) else [inputs])
        expected = len(self.inputs) + int(self.uses_phase)
        if len(values) != expected:
            raise ValueError('This function expects %d input value(s) (%s); got %d.'
                             % (expected, 'last one the learning phase'
                                if self.uses_phase else 'one per input', len(values)))
        if self.uses_phase:
            with learning_phase_scope(int(values[-1])):
                results = self._run(values[:-1])
        else:
            results = self._run(values)
        for var, new_value in self.updates:
            update(var, new_value)
        return results[0] if self._single_output else results


def function(inputs, outputs, updates=None, **kwargs):
    """Make a callable running ``outputs`` from NumPy values of ``inputs``.

    Args:
        inputs: List of symbolic inputs; may end with ``K.learning_phase()``.
        outputs: Symbolic tensor or list of them (real tensors are returned
            as they are at call time).
        updates: Optional ``(variable, value)`` pairs applied after each call.
        **kwargs: ``name`` is accepted; TensorFlow session options are ignored.

    Returns:
        A :class:`Function`: ``f(list_of_arrays) -> list_of_arrays``.
    """
    return Function(inputs, outputs, updates=updates, name=kwargs.get('name'))


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
