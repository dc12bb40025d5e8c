"""Autograd during inference, for the models whose forward pass needs it.

``evaluate`` and ``predict`` run without autograd.  A few models take
gradients inside their own forward pass or loss: ``K.gradients`` in a
``Lambda`` (the SWWAE example's max-pooling switches) or in a loss (the
gradient penalty of WGAN-GP).  Under ``torch.no_grad`` that call raises
:class:`keras.backend.math_ops.GradientsNeedGradMode`; :func:`run` then runs
the batch again with autograd on, and the model's later inference batches
too, with their results detached.
"""
import torch
from torch.utils import _pytree

from keras.backend.math_ops import GradientsNeedGradMode

__all__ = ['run']

_FLAG = '_inference_needs_grad'


def _detached(tree):
    return _pytree.tree_map(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, tree)


def run(model, forward):
    """``forward()`` without autograd, or with it (results detached) when the
    model's forward pass takes gradients itself."""
    if not model.__dict__.get(_FLAG, False):  # (a miss through a layer's __getattr__ is slow)
        try:
            with torch.no_grad():
                return forward()
        except GradientsNeedGradMode:
            setattr(model, _FLAG, True)
    with torch.enable_grad():
        return _detached(forward())
