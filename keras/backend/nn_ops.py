"""Activations, losses, dropout and bias addition with Keras 2.3.1's formulas."""
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from keras.backend import random_ops
from keras.backend.config import epsilon, normalize_data_format
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor

__all__ = [
    'relu', 'elu', 'softmax', 'softplus', 'softsign', 'sigmoid',
    'hard_sigmoid', 'tanh', 'categorical_crossentropy',
    'sparse_categorical_crossentropy', 'binary_crossentropy', 'dropout',
    'bias_add',
]

_t = as_tensor


@symbolic
def relu(x, alpha=0., max_value=None, threshold=0.):
    """Rectified linear unit.

    ``max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x <
    max_value``, ``alpha * (x - threshold)`` otherwise.
    """
    x = _t(x)
    if not all(_is_number(v) for v in (alpha, threshold)) or not (
            max_value is None or _is_number(max_value)):
        return _relu_of_tensors(x, alpha, max_value, threshold)
    alpha, threshold = float(alpha), float(threshold)
    max_value = None if max_value is None else float(max_value)
    if alpha == 0 and max_value is None and threshold == 0:
        return torch.relu(x)
    if alpha != 0 and max_value is None and threshold == 0:
        return F.leaky_relu(x, negative_slope=alpha)
    negative = torch.relu(threshold - x) if alpha != 0 else None
    if threshold != 0:
        x = x * (x > threshold).to(x.dtype)
    else:
        x = torch.relu(x)
    if max_value is not None:
        x = torch.clamp(x, min=0., max=max_value)
    if negative is not None:
        x = x - alpha * negative
    return x


def _is_number(value):
    return isinstance(value, numbers.Number) or (
        isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0)


def _relu_of_tensors(x, alpha, max_value, threshold):
    """``relu`` whose ``alpha``, ``max_value`` or ``threshold`` are tensors
    (a learned slope or threshold: keras-contrib's SReLU passes variables)."""
    def like_x(v):
        return torch.as_tensor(v, dtype=x.dtype, device=x.device)
    threshold = like_x(threshold)
    y = torch.where(x > threshold, x, torch.zeros_like(x))
    if max_value is not None:
        max_value = like_x(max_value)
        y = torch.where(x >= max_value, max_value, y)
    return y - like_x(alpha) * torch.relu(threshold - x)


@symbolic
def elu(x, alpha=1.):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
    return F.elu(_t(x), alpha=alpha)


@symbolic
def softmax(x, axis=-1):
    """Softmax along ``axis``."""
    return torch.softmax(_t(x), dim=axis)


@symbolic
def softplus(x):
    """``log(exp(x) + 1)``."""
    return F.softplus(_t(x))


@symbolic
def softsign(x):
    """``x / (abs(x) + 1)``."""
    return F.softsign(_t(x))


@symbolic
def sigmoid(x):
    return torch.sigmoid(_t(x))


@symbolic
def hard_sigmoid(x):
    """``clip(0.2 * x + 0.5, 0, 1)``."""
    return torch.clamp(_t(x) * 0.2 + 0.5, 0., 1.)


@symbolic
def tanh(x):
    return torch.tanh(_t(x))


def _check_axis(axis, output):
    if axis != -1 and axis not in range(output.ndim):
        raise ValueError('Unexpected channels axis %r: expected -1 or one of the axes '
                         'of `output` (rank %d).' % (axis, output.ndim))


def _target_like(target, output):
    if isinstance(target, torch.Tensor):
        return target.to(dtype=output.dtype, device=output.device)
    return torch.as_tensor(target, dtype=output.dtype, device=output.device)


@symbolic
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output``.

    Without ``from_logits`` the output is first scaled to sum to 1 along
    ``axis`` and clipped to ``[epsilon, 1 - epsilon]``.
    """
    output = _t(output)
    _check_axis(axis, output)
    target = _target_like(target, output)
    if from_logits:
        return -torch.sum(target * torch.log_softmax(output, dim=axis), dim=axis)
    output = output / torch.sum(output, dim=axis, keepdim=True)
    eps = epsilon()
    output = torch.clamp(output, eps, 1. - eps)
    return -torch.sum(target * torch.log(output), dim=axis)


@symbolic
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class ``target`` (any float shape with the
    class axis removed, or a trailing axis of 1).

    Without ``from_logits`` the output is clipped to ``[epsilon, 1 - epsilon]``
    and renormalized through a softmax of its log, as Keras 2.3.1.
    """
    output = _t(output)
    _check_axis(axis, output)
    if not from_logits:
        eps = epsilon()
        output = torch.log(torch.clamp(output, eps, 1. - eps))
    axis = axis % output.ndim
    if axis != output.ndim - 1:
        output = torch.movedim(output, axis, -1)
    target = torch.as_tensor(target, device=output.device).long()
    log_probs = torch.log_softmax(output, dim=-1)
    if target.ndim != output.ndim - 1:
        target = target.reshape(-1)
        log_probs = log_probs.reshape(-1, output.shape[-1])
    loss = -torch.gather(log_probs, -1, target.unsqueeze(-1)).squeeze(-1)
    if output.ndim >= 3 and loss.shape != output.shape[:-1]:
        loss = loss.reshape(output.shape[:-1])
    return loss


@symbolic
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy.

    Without ``from_logits`` the probabilities are clipped to
    ``[epsilon, 1 - epsilon]`` and the loss is
    ``-(t * log(p + epsilon) + (1 - t) * log(1 - p + epsilon))``: Keras 2.3.1's
    numbers on TensorFlow 2 (and tf.keras's).
    """
    output = _t(output)
    target = _target_like(target, output)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction='none')
    eps = epsilon()
    output = torch.clamp(output, eps, 1. - eps)
    return -(target * torch.log(output + eps) + (1. - target) * torch.log(1. - output + eps))


@symbolic
def dropout(x, level, noise_shape=None, seed=None):
    """Zero entries with probability ``level`` and scale the rest by ``1 / (1 - level)``.

    Args:
        x: Tensor.
        level: Fraction of entries to drop.
        noise_shape: Shape of the keep/drop mask, broadcast to ``x`` (``None``
            entries take ``x``'s size).
        seed: Integer seed for a reproducible mask.

    Raises:
        ValueError: ``level`` is a number outside ``[0, 1)``.
    """
    x = _t(x)
    if isinstance(level, (int, float)) and not 0. <= level < 1.:
        raise ValueError('K.dropout: `level` is the fraction of entries to drop and must be '
                         'in [0, 1); received %r.' % (level,))
    if noise_shape is None and seed is None:
        return random_ops.dropout(x, level)
    shape = tuple(x.shape) if noise_shape is None else tuple(
        x.shape[i] if s is None else int(s) for i, s in enumerate(noise_shape))
    if seed is None:
        noise = torch.rand(shape, device=x.device)
    else:
        gen = torch.Generator().manual_seed(int(seed))
        noise = torch.rand(shape, generator=gen).to(x.device)
    keep = (noise >= level).to(x.dtype)
    return x * keep / (1. - level)


@symbolic
def bias_add(x, bias, data_format=None):
    """Add ``bias`` (a vector, or a tensor of rank ``ndim(x) - 1``) to ``x``.

    A vector is added along the channels axis given by ``data_format``.
    """
    x = _t(x)
    bias = bias if isinstance(bias, torch.Tensor) else _target_like(bias, x)
    data_format = normalize_data_format(data_format)
    if bias.ndim != 1 and bias.ndim != x.ndim - 1:
        raise ValueError('Unexpected bias dimensions %d: expected 1 or %d dimensions '
                         'for an input of rank %d.' % (bias.ndim, x.ndim - 1, x.ndim))
    if x.ndim <= 2 or data_format == 'channels_last':
        return x + bias
    if bias.ndim == 1:
        return x + bias.reshape((1, bias.shape[0]) + (1,) * (x.ndim - 2))
    # Keras 2.3.1 reshapes (not transposes) a full channels_last bias.
    b_shape = tuple(bias.shape)
    return x + bias.reshape((1, b_shape[-1]) + b_shape[:-1])
