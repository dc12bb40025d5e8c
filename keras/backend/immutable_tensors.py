"""Augmented assignment that makes a new tensor, as it did on TensorFlow.

Keras 2 layers write ``a *= mask`` and ``a /= K.sum(a, ...)`` in ``call``
(attention layers published for Keras 2 do). A TensorFlow tensor is
immutable, so ``a *= mask`` made a new tensor; on a torch tensor it writes in
place, and when autograd saved ``a`` (``a = K.exp(x)``) the backward pass
fails with "one of the variables needed for gradient computation has been
modified by an inplace operation". When a training step meets that error, the
model's own layers (those written outside this package, and ``Lambda``) run
their calls with :func:`enabled` from then on and the step is done again: in
it, ``a *= b`` computes ``a * b`` and rebinds ``a``.
"""
import contextlib

import torch
from torch.overrides import TorchFunctionMode

__all__ = ['enabled', 'is_refusal', 'adopt']

# What ``a op= b`` reaches torch as (the in-place method) -> the function making
# a new tensor.
_OUT_OF_PLACE = {}
for _name in ('add', 'sub', 'mul', 'div', 'true_divide', 'floor_divide', 'remainder', 'pow',
              'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_left_shift',
              'bitwise_right_shift'):
    _inplace = getattr(torch._C.TensorBase, _name + '_', None)
    _new = getattr(torch._C.TensorBase, _name, None)
    if _inplace is not None and _new is not None:
        _OUT_OF_PLACE[_inplace] = _new


def is_refusal(error):
    """Whether ``error`` is autograd refusing a tensor changed in place."""
    return isinstance(error, RuntimeError) and 'modified by an inplace operation' in str(error)


class _NewTensors(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        plain = _OUT_OF_PLACE.get(func)
        if plain is not None and not isinstance(args[0], torch.nn.Parameter):
            return plain(*args, **(kwargs or {}))
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def enabled():
    """Within: ``a op= b`` on a tensor computes ``a op b`` (variables excepted)."""
    with _NewTensors():
        yield


def adopt(model):
    """Run the calls of ``model``'s layers written outside this package (and its
    ``Lambda`` layers) with :func:`enabled`; whether any layer was newly set so."""
    changed = False
    for layer in model.modules():
        cls = type(layer)
        own = (getattr(cls.call, '__module__', '') or '').startswith('keras.') and \
            cls.__name__ != 'Lambda'
        if own or not hasattr(layer, '_call_modes'):
            continue
        if enabled not in layer._call_modes:
            layer._call_modes = layer._call_modes + (enabled,)
            changed = True
    return changed
