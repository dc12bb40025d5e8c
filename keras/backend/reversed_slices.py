"""Slices with a negative step, ``x[..., ::-1]``, which TensorFlow allowed and torch refuses.

Keras 2 code reverses axes by slicing: the RGB -> BGR flip of
``preprocess_input`` in a ``Lambda``, ``x[:, ::-1]`` to run a sequence
backwards. torch raises ``ValueError: step must be greater than zero``. A layer
whose ``call`` does this is run again with :func:`enabled`, which computes such
slices with ``flip``/``index_select`` (gradients flow through both), and keeps
that for its later calls; layers that never slice backwards pay nothing.

    >>> Lambda(lambda x: x[..., ::-1])(images)      # works as on TensorFlow
"""
import contextlib

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

__all__ = ['getitem', 'enabled', 'is_refusal', 'has_negative_step']

_GETITEM = torch.Tensor.__getitem__


def is_refusal(error):
    """Whether ``error`` is torch refusing a negative slice step."""
    return isinstance(error, ValueError) and 'step must be greater than zero' in str(error)


def has_negative_step(index):
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, slice) and i.step is not None and int(i.step) < 0 for i in items)


def getitem(x, index):
    """``x[index]`` where slices may have negative steps (NumPy's meaning)."""
    if not has_negative_step(index):
        return _GETITEM(x, index)
    items = list(index) if isinstance(index, tuple) else [index]
    dims = [_dims_indexed(i) for i in items]
    known = sum(d for d in dims if d is not None)
    dims = [x.dim() - known if d is None else d for d in dims]  # the Ellipsis
    dim = 0
    for k, (item, n) in enumerate(zip(items, dims)):
        if isinstance(item, slice) and item.step is not None and int(item.step) < 0:
            size = x.shape[dim]
            start, stop, step = item.indices(size)
            if step == -1 and start == size - 1 and stop == -1:
                x = torch.flip(x, (dim,))
            else:
                positions = torch.arange(start, stop, step, device=x.device)
                x = torch.index_select(x, dim, positions)
            items[k] = slice(None)
        dim += n
    return _GETITEM(x, tuple(items))


def _dims_indexed(item):
    """How many axes of the tensor ``item`` indexes (None for the Ellipsis)."""
    if item is Ellipsis:
        return None
    if item is None:
        return 0
    if isinstance(item, (torch.Tensor, np.ndarray)) and item.dtype in (torch.bool, np.bool_):
        return item.ndim
    return 1


class _NegativeSteps(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func is _GETITEM and len(args) == 2 and has_negative_step(args[1]):
            return getitem(args[0], args[1])
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def enabled():
    """Within: ``tensor[...]`` accepts negative slice steps."""
    with _NegativeSteps():
        yield
