"""Element-wise math, reductions, linear algebra and control flow over torch tensors."""
import builtins

import numpy as np
import torch

from keras.backend import graph_hooks
from keras.backend.config import floatx
from keras.backend.session import gradients_create_graph, in_shape_probe, learning_phase
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor, to_torch_dtype

__all__ = [
    'dot', 'batch_dot', 'transpose', 'gather', 'max', 'min', 'sum', 'prod',
    'cumsum', 'cumprod', 'var', 'std', 'mean', 'any', 'all', 'argmax',
    'argmin', 'square', 'abs', 'sqrt', 'exp', 'log', 'logsumexp', 'round',
    'sign', 'pow', 'clip', 'equal', 'not_equal', 'greater', 'greater_equal',
    'less', 'less_equal', 'maximum', 'minimum', 'sin', 'cos',
    'normalize_batch_in_training', 'batch_normalization', 'l2_normalize',
    'in_top_k', 'switch', 'in_train_phase', 'in_test_phase', 'stop_gradient',
    'gradients', 'map_fn', 'foldl', 'foldr',
]

_t = as_tensor


def _pair(x, y):
    """Both operands as tensors on one device; a converted float follows the other's dtype."""
    if isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor):
        return x, y
    if isinstance(x, torch.Tensor):
        return x, _like(y, x)
    if isinstance(y, torch.Tensor):
        return _like(x, y), y
    return _t(x), _t(y)


def _like(value, ref):
    t = torch.as_tensor(np.asarray(value), device=ref.device)
    if t.is_floating_point() and ref.is_floating_point():
        t = t.to(ref.dtype)
    return t


def _dims(x, axis):
    """Torch ``dim`` argument for a Keras ``axis`` (``None`` = every axis)."""
    if axis is None:
        return tuple(range(x.ndim))
    if isinstance(axis, (list, tuple, np.ndarray)):  # (TF took arrays: np.arange(1, ndim))
        return tuple(int(a) for a in np.ravel(axis))
    return int(axis) if isinstance(axis, np.integer) else axis


def _to_float(x):
    return x if x.is_floating_point() else x.to(to_torch_dtype(floatx()))


# Linear algebra ----------------------------------------------------------

@symbolic
def dot(x, y):
    """Matrix product with Keras's N-D rule: contracts ``x``'s last axis with ``y``'s
    second-to-last, e.g. ``(2, 3) . (4, 3, 5) -> (2, 4, 5)``.
    """
    x, y = _pair(x, y)
    if y.ndim > 2:
        return torch.tensordot(x, y, dims=([x.ndim - 1], [y.ndim - 2]))
    return torch.matmul(x, y)


def _check_batch_dot(x_shape, y_shape, axes):
    if len(x_shape) < 2 or len(y_shape) < 2:
        raise ValueError('Can not do batch_dot on inputs with rank < 2. Received '
                         'inputs with shapes %s and %s.' % (x_shape, y_shape))
    if x_shape[0] is not None and y_shape[0] is not None and x_shape[0] != y_shape[0]:
        raise ValueError('Can not do batch_dot on inputs with different batch sizes. '
                         'Received inputs with shapes %s and %s.' % (x_shape, y_shape))
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [len(x_shape) - 1, len(y_shape) - 1 if len(y_shape) == 2 else len(y_shape) - 2]
    if builtins.any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError('Multiple target dimensions are not supported. Expected: '
                         'None, int, (int, int), Provided: %s' % (axes,))
    a0 = axes[0] + len(x_shape) if axes[0] < 0 else axes[0]
    a1 = axes[1] + len(y_shape) if axes[1] < 0 else axes[1]
    if a0 == 0 or a1 == 0:
        raise ValueError('Can not perform batch_dot over axis 0. If your inputs are '
                         'not batched, add a dummy batch dimension to your inputs '
                         'using K.expand_dims(x, 0)')
    d0, d1 = x_shape[a0], y_shape[a1]
    if d0 is not None and d1 is not None and d0 != d1:
        raise ValueError('Can not do batch_dot on inputs with shapes %s and %s with '
                         'axes=%s. x.shape[%d] != y.shape[%d] (%d != %d).'
                         % (x_shape, y_shape, list(axes), a0, a1, d0, d1))
    return a0, a1


@symbolic
def batch_dot(x, y, axes=None):
    """Per-sample dot product of two batched tensors (Keras 2.3.1 rules).

    The result has ``x``'s axes (less ``axes[0]``) then ``y``'s (less the batch
    axis and ``axes[1]``); a rank-1 result becomes ``(batch, 1)``.

    Args:
        x: Tensor with ``ndim >= 2``.
        y: Tensor with ``ndim >= 2``.
        axes: int or ``(int, int)``; default: the last axis of ``x`` and the
            last (2-D ``y``) or second-to-last axis of ``y``.
    """
    x, y = _pair(x, y)
    a0, a1 = _check_batch_dot(tuple(x.shape), tuple(y.shape), axes)
    x = torch.movedim(x, a0, -1)
    y = torch.movedim(y, a1, 1)
    batch = x.shape[0]
    x_mid, y_trail = x.shape[1:-1], y.shape[2:]
    out = torch.matmul(x.reshape(batch, -1, x.shape[-1]),
                       y.reshape(batch, y.shape[1], -1))
    out = out.reshape((batch,) + tuple(x_mid) + tuple(y_trail))
    if out.ndim == 1:
        out = out.unsqueeze(1)
    return out


@symbolic
def transpose(x):
    """Reverse the order of all axes."""
    x = _t(x)
    return x.permute(*reversed(range(x.ndim)))


@symbolic
def gather(reference, indices):
    """Rows of ``reference`` (along axis 0) picked by the integer tensor ``indices``."""
    reference = _t(reference)
    indices = torch.as_tensor(indices, device=reference.device)
    return reference[indices.long()]


# Reductions --------------------------------------------------------------

@symbolic
def max(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (int, list, or ``None`` for all)."""
    x = _t(x)
    return torch.amax(x, dim=_dims(x, axis), keepdim=keepdims)


@symbolic
def min(x, axis=None, keepdims=False):
    """Minimum over ``axis``."""
    x = _t(x)
    return torch.amin(x, dim=_dims(x, axis), keepdim=keepdims)


@symbolic
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis``."""
    x = _t(x)
    return torch.sum(x, dim=_dims(x, axis), keepdim=keepdims)


@symbolic
def prod(x, axis=None, keepdims=False):
    """Product over ``axis``."""
    x = _t(x)
    dims = _dims(x, axis)
    dims = dims if isinstance(dims, tuple) else (dims,)
    for d in sorted((d % x.ndim for d in dims), reverse=True) if x.ndim else ():
        x = torch.prod(x, dim=d, keepdim=keepdims)
    return x


@symbolic
def cumsum(x, axis=0):
    """Cumulative sum along ``axis``."""
    return torch.cumsum(_t(x), dim=axis)


@symbolic
def cumprod(x, axis=0):
    """Cumulative product along ``axis``."""
    return torch.cumprod(_t(x), dim=axis)


@symbolic
def var(x, axis=None, keepdims=False):
    """Population variance (divides by N) over ``axis``."""
    x = _to_float(_t(x))
    return torch.var(x, dim=_dims(x, axis), correction=0, keepdim=keepdims)


@symbolic
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""
    x = _to_float(_t(x))
    return torch.std(x, dim=_dims(x, axis), correction=0, keepdim=keepdims)


@symbolic
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; booleans and integers are averaged as :func:`floatx`."""
    x = _to_float(_t(x))
    return torch.mean(x, dim=_dims(x, axis), keepdim=keepdims)


@symbolic
def any(x, axis=None, keepdims=False):
    """Logical OR over ``axis`` (a bool tensor)."""
    x = _t(x).bool()
    return torch.any(x, dim=_dims(x, axis), keepdim=keepdims)


@symbolic
def all(x, axis=None, keepdims=False):
    """Logical AND over ``axis`` (a bool tensor)."""
    x = _t(x).bool()
    return torch.all(x, dim=_dims(x, axis), keepdim=keepdims)


@symbolic
def argmax(x, axis=-1):
    """Index of the largest value along ``axis`` (int64)."""
    return torch.argmax(_t(x), dim=axis)


@symbolic
def argmin(x, axis=-1):
    """Index of the smallest value along ``axis`` (int64)."""
    return torch.argmin(_t(x), dim=axis)


@symbolic
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    x = _t(x)
    dims = _dims(x, axis)
    return torch.logsumexp(x, dim=dims if isinstance(dims, tuple) else (dims,), keepdim=keepdims)


# Element-wise ------------------------------------------------------------

@symbolic
def square(x):
    return torch.square(_t(x))


@symbolic
def abs(x):
    return torch.abs(_t(x))


@symbolic
def sqrt(x):
    """Square root; negative entries are clipped to 0 first (as Keras 2.3.1)."""
    return torch.clamp(_t(x), min=0.).sqrt_()  # (in place on the new clipped tensor)


@symbolic
def exp(x):
    return torch.exp(_t(x))


@symbolic
def log(x):
    return torch.log(_t(x))


@symbolic
def round(x):
    """Round to the nearest integer, ties to even."""
    return torch.round(_t(x))


@symbolic
def sign(x):
    return torch.sign(_t(x))


@symbolic
def pow(x, a):
    """``x ** a`` element-wise."""
    return torch.pow(_t(x), a)


@symbolic
def clip(x, min_value, max_value):
    """Clip ``x`` to ``[min_value, max_value]``; ``None`` means unbounded.

    When both bounds are numbers and ``max_value < min_value``, everything
    becomes ``min_value`` (as Keras 2.3.1).
    """
    x = _t(x)
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)):
        max_value = builtins.max(min_value, max_value)
    if isinstance(min_value, torch.Tensor) or isinstance(max_value, torch.Tensor):
        lo = None if min_value is None else _like_or_tensor(min_value, x)
        hi = None if max_value is None else _like_or_tensor(max_value, x)
        return torch.clamp(x, min=lo, max=hi)
    return torch.clamp(x, min=min_value, max=max_value)


def _like_or_tensor(v, ref):
    return v.to(ref.device) if isinstance(v, torch.Tensor) else _like(v, ref)


def _compare(op):
    def fn(x, y):
        x, y = _pair(x, y)
        return op(x, y)
    return fn


@symbolic
def equal(x, y):
    """``x == y`` element-wise (bool)."""
    return _compare(torch.eq)(x, y)


@symbolic
def not_equal(x, y):
    """``x != y`` element-wise (bool)."""
    return _compare(torch.ne)(x, y)


@symbolic
def greater(x, y):
    """``x > y`` element-wise (bool)."""
    return _compare(torch.gt)(x, y)


@symbolic
def greater_equal(x, y):
    """``x >= y`` element-wise (bool)."""
    return _compare(torch.ge)(x, y)


@symbolic
def less(x, y):
    """``x < y`` element-wise (bool)."""
    return _compare(torch.lt)(x, y)


@symbolic
def less_equal(x, y):
    """``x <= y`` element-wise (bool)."""
    return _compare(torch.le)(x, y)


@symbolic
def maximum(x, y):
    """Element-wise maximum."""
    return _compare(torch.maximum)(x, y)


@symbolic
def minimum(x, y):
    """Element-wise minimum."""
    return _compare(torch.minimum)(x, y)


@symbolic
def sin(x):
    return torch.sin(_t(x))


@symbolic
def cos(x):
    return torch.cos(_t(x))


# Normalization -----------------------------------------------------------

def _broadcast_param(p, ref, shape):
    if p is None:
        return None
    p = _like_or_tensor(p, ref)
    return p.reshape(shape) if p.numel() == int(np.prod(shape)) else p


@symbolic
def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """Normalize ``x`` with the batch statistics over ``reduction_axes``.

    Returns:
        ``(normed, mean, variance)``; ``mean``/``variance`` have the reduced
        axes removed and the variance divides by N.
    """
    x = _t(x)
    axes = tuple(a % x.ndim for a in reduction_axes)
    var_, mean_ = torch.var_mean(x, dim=axes, correction=0, keepdim=True)
    keep = tuple(1 if i in axes else x.shape[i] for i in range(x.ndim))
    gamma = _broadcast_param(gamma, x, keep)
    beta = _broadcast_param(beta, x, keep)
    normed = _normalize(x, mean_, var_, beta, gamma, epsilon)
    return normed, mean_.squeeze(axes), var_.squeeze(axes)


def _normalize(x, mean_, var_, beta, gamma, epsilon):
    inv = torch.rsqrt(var_ + epsilon)
    if gamma is not None:
        inv = inv * gamma
    out = x * inv - mean_ * inv
    return out + beta if beta is not None else out


@symbolic
def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta``.

    1-D statistics are laid along ``axis``; others broadcast as given.
    ``beta``/``gamma`` may be ``None``.
    """
    x = _t(x)
    mean, var = _like_or_tensor(mean, x), _like_or_tensor(var, x)
    if mean.ndim == 1 and x.ndim > 1 and axis % x.ndim != x.ndim - 1:
        shape = [1] * x.ndim
        shape[axis % x.ndim] = mean.shape[0]
        mean, var = mean.reshape(shape), var.reshape(shape)
        beta = _broadcast_param(beta, x, shape)
        gamma = _broadcast_param(gamma, x, shape)
    else:
        beta = None if beta is None else _like_or_tensor(beta, x)
        gamma = None if gamma is None else _like_or_tensor(gamma, x)
    return _normalize(x, mean, var, beta, gamma, epsilon)


@symbolic
def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x**2, axis), 1e-12))``."""
    x = _t(x)
    sq = torch.sum(torch.square(x), dim=_dims(x, axis), keepdim=True)
    return x * torch.rsqrt(torch.clamp(sq, min=1e-12))


@symbolic
def in_top_k(predictions, targets, k):
    """Whether each ``targets[i]`` is among the top ``k`` of ``predictions[i]``.

    Ties at the boundary count as inside, as TensorFlow's ``in_top_k``.
    """
    predictions = _t(predictions)
    targets = torch.as_tensor(targets, device=predictions.device).long().reshape(-1, 1)
    target_score = torch.gather(predictions, 1, targets)
    n_greater = torch.sum(predictions > target_score, dim=1)
    return (n_greater < k) & torch.isfinite(target_score[:, 0])


# Control flow ------------------------------------------------------------

def _value(expr):
    return expr() if callable(expr) else expr


@symbolic
def switch(condition, then_expression, else_expression):
    """``then_expression`` where ``condition`` holds, else ``else_expression``.

    A scalar condition picks a whole branch (callables are called only for
    the branch taken); a tensor condition selects element-wise, broadcast
    over the trailing axes.

    Raises:
        ValueError: if ``condition`` has more axes than the expressions.
    """
    if isinstance(condition, np.ndarray):
        condition = _t(condition)
    if not isinstance(condition, torch.Tensor) or condition.ndim == 0:
        return _value(then_expression) if bool(condition) else _value(else_expression)
    cond = condition.bool()
    then_v, else_v = _pair(_value(then_expression), _value(else_expression))
    if cond.ndim > then_v.ndim:
        raise ValueError('Rank of `condition` should be less than or equal to rank '
                         'of `then_expression` and `else_expression`. '
                         'ndim(condition)=%d, ndim(then_expression)=%d'
                         % (cond.ndim, then_v.ndim))
    cond = cond.reshape(tuple(cond.shape) + (1,) * (then_v.ndim - cond.ndim))
    return torch.where(cond, then_v, else_v)


@symbolic
def in_train_phase(x, alt, training=None):
    """``x`` in the training phase, ``alt`` otherwise (either may be a callable).

    ``training`` defaults to :func:`learning_phase`; it may be a Python
    bool/int or a scalar tensor.
    """
    if training is None:
        training = learning_phase()
    if isinstance(training, torch.Tensor) and training.ndim > 0:
        return switch(training, x, alt)
    return _value(x) if bool(training) else _value(alt)


@symbolic
def in_test_phase(x, alt, training=None):
    """``x`` in the test phase, ``alt`` otherwise."""
    return in_train_phase(alt, x, training=training)


# Gradients ---------------------------------------------------------------

@symbolic
def stop_gradient(variables):
    """``variables`` (a tensor or list) detached from the autograd graph."""
    if isinstance(variables, (list, tuple)):
        return [_t(v).detach() for v in variables]
    return _t(variables).detach()


class GradientsNeedGradMode(ValueError):
    """``K.gradients`` was called with autograd off (under ``torch.no_grad``),
    so ``loss`` has no graph to differentiate."""


def gradients(loss, variables):
    """Gradients of the scalar ``loss`` w.r.t. each of ``variables``: always a
    list, one entry per variable (a single tensor counts as a list of one), as
    ``tf.gradients``; hence the idiom ``K.gradients(loss, model.input)[0]``.

    On a symbolic ``loss`` the gradients are symbolic too, computed with
    autograd when ``K.function`` runs them.  The variables must require grad
    and ``loss`` must have been computed from them; unconnected variables give
    ``None`` (as TensorFlow).  With autograd on, the gradients are themselves
    differentiable (a gradient penalty trains the weights), except inside
    :func:`keras.backend.session.first_order_gradients`.
    """
    if getattr(loss, '_gradient_feeds', None) is not None:  # an optimizer's training step
        return graph_hooks.fed_gradients(loss, variables if isinstance(variables, (list, tuple))
                                         else [variables])
    return _gradients(loss, variables)


@symbolic
def _gradients(loss, variables):
    variables = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    if not loss.requires_grad and in_shape_probe():  # placeholders: only shapes matter
        return [torch.zeros_like(_t(v)) for v in variables]
    if not loss.requires_grad and not torch.is_grad_enabled():
        raise GradientsNeedGradMode(
            'K.gradients was called with autograd off (inside `torch.no_grad()`), so `loss` '
            'has no graph to differentiate. Compute it under `torch.enable_grad()`.')
    if not loss.requires_grad:
        raise ValueError('`loss` is not connected to any tensor that requires grad. '
                         'Compute the loss from tensors with `requires_grad=True` '
                         '(Keras variables made with K.variable do not track gradients).')
    wanted = [v for v in variables if v.requires_grad]
    seed = torch.ones_like(loss) if loss.dim() else None  # (tf.gradients sums a tensor loss)
    grads = iter(torch.autograd.grad(loss, wanted, grad_outputs=seed, retain_graph=True,
                                     allow_unused=True, create_graph=gradients_create_graph()))
    return [next(grads) if v.requires_grad else None for v in variables]


gradients.__wrapped_backend_fn__ = _gradients.__wrapped_backend_fn__


# Higher-order functions --------------------------------------------------

@symbolic
def map_fn(fn, elems, name=None, dtype=None):
    """Stack ``fn(e)`` for every ``e`` along the first axis of ``elems``."""
    out = torch.stack([_t(fn(e)) for e in _t(elems)])
    return out if dtype is None else out.to(to_torch_dtype(dtype))


@symbolic
def foldl(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` left to right: ``acc = fn(acc, e)``; starts at ``elems[0]``
    when no ``initializer`` is given.
    """
    elems = _t(elems)
    items = list(elems)
    acc = items.pop(0) if initializer is None else initializer
    for e in items:
        acc = fn(acc, e)
    return acc


@symbolic
def foldr(fn, elems, initializer=None, name=None):
    """Reduce ``elems`` right to left: ``acc = fn(acc, e)``; starts at ``elems[-1]``."""
    items = list(_t(elems))
    acc = items.pop() if initializer is None else initializer
    for e in reversed(items):
        acc = fn(acc, e)
    return acc
