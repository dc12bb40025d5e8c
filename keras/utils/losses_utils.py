"""Weighting and reduction of per-sample losses (Keras 2.3.1's ``losses_utils``).

Every function works on torch tensors and decides only from static shapes,
so none of them waits for the device.
"""
import numpy as np
import torch

from keras.backend.config import floatx
from keras.backend.variables import to_torch_dtype

__all__ = ['Reduction', 'squeeze_or_expand_dimensions', 'broadcast_weights',
           'reduce_weighted_loss', 'compute_weighted_loss']


class Reduction(object):
    """How a ``Loss`` turns its weighted per-sample values into the result.

    * ``NONE``: no reduction, the weighted losses as they are.
    * ``SUM``: their sum.
    * ``SUM_OVER_BATCH_SIZE``: their sum divided by their number of elements.
    * ``AUTO``: what tf.keras writes in its configs; here the same as
      ``SUM_OVER_BATCH_SIZE``.
    """

    NONE = 'none'
    SUM = 'sum'
    SUM_OVER_BATCH_SIZE = 'sum_over_batch_size'
    AUTO = 'auto'

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE, cls.AUTO)

    @classmethod
    def validate(cls, key):
        """Raise ``ValueError`` unless ``key`` is one of :meth:`all`."""
        if key not in cls.all():
            raise ValueError('Invalid Reduction Key %r. Expected one of %s.'
                             % (key, ', '.join(repr(k) for k in cls.all())))


def _as_float_tensor(x, dtype=None, device=None):
    dtype = to_torch_dtype(dtype or floatx())
    if isinstance(x, torch.Tensor):
        return x.to(dtype=dtype, device=device if device is not None else x.device)
    return torch.as_tensor(np.asarray(x), dtype=dtype, device=device)


def squeeze_or_expand_dimensions(y_pred, y_true=None, sample_weight=None):
    """Line up the ranks of predictions, targets and weights.

    1. Drop a last axis of size 1 from ``y_pred`` or ``y_true`` when its rank
       is one more than the other's.
    2. Drop or add a last axis on ``sample_weight`` when its rank differs by
       one from ``y_pred``'s (a scalar weight stays scalar).

    Returns:
        ``(y_pred, y_true)`` when ``sample_weight`` is None, else
        ``(y_pred, y_true, sample_weight)``.
    """
    if y_true is not None:
        pred_rank, true_rank = y_pred.dim(), y_true.dim()
        if pred_rank - true_rank == 1 and y_pred.shape[-1] == 1:
            y_pred = y_pred.squeeze(-1)
        elif true_rank - pred_rank == 1 and y_true.shape[-1] == 1:
            y_true = y_true.squeeze(-1)
    if sample_weight is None:
        return y_pred, y_true
    pred_rank, weight_rank = y_pred.dim(), sample_weight.dim()
    if weight_rank != 0:
        if pred_rank == 0 and weight_rank == 1:
            y_pred = y_pred.unsqueeze(-1)
        elif weight_rank - pred_rank == 1 and sample_weight.shape[-1] == 1:
            sample_weight = sample_weight.squeeze(-1)
        elif pred_rank - weight_rank == 1:
            sample_weight = sample_weight.unsqueeze(-1)
    return y_pred, y_true, sample_weight


def broadcast_weights(values, sample_weight):
    """``sample_weight`` expanded (a view) to the shape of ``values``.

    Missing trailing axes are added, then axes of size 1 are repeated.

    Raises:
        ValueError: when the weights have more axes than the values, or an
            axis differs and is not 1.
    """
    if tuple(sample_weight.shape) == tuple(values.shape):
        return sample_weight
    if sample_weight.dim() > values.dim():
        raise ValueError('Incompatible shapes: `values` %s vs `sample_weight` %s: the '
                         'weights have more axes than the values.'
                         % (tuple(values.shape), tuple(sample_weight.shape)))
    if sample_weight.dim() > 0:
        for w, v in zip(sample_weight.shape, values.shape):
            if w != v and w != 1:
                raise ValueError('Incompatible shapes: `values` %s vs `sample_weight` %s. '
                                 'Each axis of the weights must be 1 or match the values.'
                                 % (tuple(values.shape), tuple(sample_weight.shape)))
        extra = values.dim() - sample_weight.dim()
        if extra:
            sample_weight = sample_weight.reshape(tuple(sample_weight.shape) + (1,) * extra)
    return sample_weight.expand(values.shape)


def reduce_weighted_loss(weighted_losses, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Reduce weighted losses as ``reduction`` says (see :class:`Reduction`)."""
    if reduction == Reduction.NONE:
        return weighted_losses
    loss = torch.sum(weighted_losses)
    if reduction in (Reduction.SUM_OVER_BATCH_SIZE, Reduction.AUTO):
        loss = loss / max(weighted_losses.numel(), 1)
    return loss


def compute_weighted_loss(losses, sample_weight=None,
                          reduction=Reduction.SUM_OVER_BATCH_SIZE, name=None):
    """Weight per-sample ``losses`` and reduce them.

    Args:
        losses: tensor of shape ``(batch, d1, ... dN)``.
        sample_weight: None, a scalar, or a tensor broadcastable to ``losses``
            (after :func:`squeeze_or_expand_dimensions`), e.g. ``(batch,)``.
        reduction: a :class:`Reduction` value.
        name: unused, kept for Keras 2 compatibility.

    Returns:
        A tensor of the dtype of ``losses``: of their shape for ``NONE``,
        else a scalar. ``SUM_OVER_BATCH_SIZE`` divides by the number of
        elements, not by the sum of the weights.

    Raises:
        ValueError: for an unknown reduction or weights of a bad shape.
    """
    Reduction.validate(reduction)
    input_dtype = losses.dtype if isinstance(losses, torch.Tensor) else None
    losses = _as_float_tensor(losses)
    if sample_weight is None:
        weighted = losses
    else:
        sample_weight = _as_float_tensor(sample_weight, device=losses.device)
        losses, _, sample_weight = squeeze_or_expand_dimensions(losses, None, sample_weight)
        weighted = broadcast_weights(losses, sample_weight) * losses
    loss = reduce_weighted_loss(weighted, reduction)
    if input_dtype is not None and input_dtype.is_floating_point and input_dtype != loss.dtype:
        loss = loss.to(input_dtype)
    return loss
