"""Loss functions and loss classes (Keras 2.3.1), as plain torch operations.

A loss function takes ``(y_true, y_pred)`` and returns one value per sample
(the mean over the last axis where Keras 2.3.1 takes it).  A :class:`Loss`
object also weights those values by ``sample_weight`` and reduces them to a
scalar.  ``get`` resolves names (``'mse'``, ``'categorical_crossentropy'``,
tf.keras's ``'huber'``) and serialized dicts.

Example:
    >>> loss = categorical_crossentropy(y_true, y_pred)   # shape (batch,)
    >>> MeanSquaredError()(y_true, y_pred, sample_weight=w)  # a scalar
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from keras.backend import nn_ops
from keras.backend.config import epsilon, floatx
from keras.backend.symbolic import symbolic
from keras.backend.variables import to_torch_dtype
from keras.utils import losses_utils
from keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object

__all__ = [
    'Loss', 'LossFunctionWrapper', 'MeanSquaredError', 'MeanAbsoluteError',
    'MeanAbsolutePercentageError', 'MeanSquaredLogarithmicError', 'BinaryCrossentropy',
    'CategoricalCrossentropy', 'SparseCategoricalCrossentropy', 'Hinge', 'SquaredHinge',
    'CategoricalHinge', 'Poisson', 'LogCosh', 'KLDivergence', 'Huber', 'CosineSimilarity',
    'mean_squared_error', 'mean_absolute_error', 'mean_absolute_percentage_error',
    'mean_squared_logarithmic_error', 'squared_hinge', 'hinge', 'categorical_hinge',
    'logcosh', 'log_cosh', 'huber_loss', 'huber', 'categorical_crossentropy',
    'sparse_categorical_crossentropy', 'binary_crossentropy',
    'kullback_leibler_divergence', 'kl_divergence', 'poisson', 'cosine_proximity',
    'cosine_similarity', 'mse', 'MSE', 'mae', 'MAE', 'mape', 'MAPE', 'msle', 'MSLE',
    'kld', 'KLD', 'cosine', 'is_categorical_crossentropy',
    'is_sparse_categorical_crossentropy', 'is_binary_crossentropy',
    'serialize', 'deserialize', 'get',
]

_LOG2 = math.log(2.)


def _pair(y_true, y_pred):
    """``(y_true, y_pred)`` as tensors: y_pred floating, y_true of its dtype and device."""
    if not isinstance(y_pred, torch.Tensor):
        y_pred = torch.as_tensor(np.asarray(y_pred), dtype=to_torch_dtype(floatx()))
    elif not y_pred.is_floating_point():
        y_pred = y_pred.to(to_torch_dtype(floatx()))
    if isinstance(y_true, torch.Tensor):
        if y_true.dtype != y_pred.dtype or y_true.device != y_pred.device:
            y_true = y_true.to(dtype=y_pred.dtype, device=y_pred.device)
    else:
        y_true = torch.as_tensor(np.asarray(y_true), dtype=y_pred.dtype, device=y_pred.device)
    return y_true, y_pred


# Regression losses --------------------------------------------------------

@symbolic
def mean_squared_error(y_true, y_pred):
    """``mean(square(y_pred - y_true), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.mean(torch.square(y_pred - y_true), dim=-1)


@symbolic
def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_pred - y_true), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.mean(torch.abs(y_pred - y_true), dim=-1)


@symbolic
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=epsilon()))
    return 100. * torch.mean(diff, dim=-1)


@symbolic
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = epsilon()
    first = torch.log(torch.clamp(y_pred, min=eps) + 1.)
    second = torch.log(torch.clamp(y_true, min=eps) + 1.)
    return torch.mean(torch.square(first - second), dim=-1)


@symbolic
def logcosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow.

    Close to ``x**2 / 2`` for small errors and ``abs(x) - log(2)`` for large
    ones: like the mean squared error, but less moved by outliers.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return torch.mean(x + F.softplus(-2. * x) - _LOG2, dim=-1)


@symbolic
def huber_loss(y_true, y_pred, delta=1.0):
    """Huber loss, averaged over the last axis.

    For ``x = y_pred - y_true``: ``0.5 * x**2`` where ``|x| <= delta``, else
    ``0.5 * delta**2 + delta * (|x| - delta)``.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    abs_error = torch.abs(y_pred - y_true)
    quadratic = torch.clamp(abs_error, max=delta)
    linear = abs_error - quadratic
    return torch.mean(0.5 * torch.square(quadratic) + delta * linear, dim=-1)


# Margin losses ------------------------------------------------------------

def _maybe_convert_labels(y_true):
    """Turn 0/1 labels into -1/1 (decided on the device, without a sync)."""
    is_binary = torch.all((y_true == 0) | (y_true == 1))
    return torch.where(is_binary, 2. * y_true - 1., y_true)


@symbolic
def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels become -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return torch.mean(torch.clamp(1. - y_true * y_pred, min=0.), dim=-1)


@symbolic
def squared_hinge(y_true, y_pred):
    """``mean(square(max(1 - y_true * y_pred, 0)), axis=-1)``; 0/1 labels become -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return torch.mean(torch.square(torch.clamp(1. - y_true * y_pred, min=0.)), dim=-1)


@symbolic
def categorical_hinge(y_true, y_pred):
    """``max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1)`` per sample."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = torch.sum(y_true * y_pred, dim=-1)
    neg = torch.amax((1. - y_true) * y_pred, dim=-1)
    return torch.clamp(neg - pos + 1., min=0.)


# Probabilistic losses -----------------------------------------------------

def _smoothing_is_off(label_smoothing):
    return not isinstance(label_smoothing, torch.Tensor) and not label_smoothing


@symbolic
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and predictions.

    Args:
        from_logits: ``y_pred`` holds logits instead of probabilities.
        label_smoothing: in ``[0, 1]``; targets become
            ``y_true * (1 - s) + s / num_classes``.
        axis: the class axis.

    Probabilities are rescaled to sum to 1 and clipped to
    ``[epsilon, 1 - epsilon]`` before the log, as Keras 2.3.1.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if not _smoothing_is_off(label_smoothing):
        num_classes = y_true.shape[axis]
        y_true = y_true * (1. - label_smoothing) + label_smoothing / num_classes
    return nn_ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@symbolic
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1,
                                    ignore_class=None):
    """Cross-entropy with integer class targets.

    ``y_true`` has the shape of ``y_pred`` without the class axis, or with a
    class axis of size 1 (``(n,)`` or ``(n, 1)`` for ``(n, classes)``); float
    targets are truncated to integers.  ``ignore_class`` (tf.keras) gives a
    loss of 0 wherever the target equals it.
    """
    if not isinstance(y_pred, torch.Tensor) or not y_pred.is_floating_point():
        _, y_pred = _pair(0., y_pred)
    y_true = torch.as_tensor(y_true, device=y_pred.device)
    if ignore_class is None:
        return nn_ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                      axis=axis)
    keep = y_true != ignore_class
    loss = nn_ops.sparse_categorical_crossentropy(torch.where(keep, y_true, 0), y_pred,
                                                  from_logits=from_logits, axis=axis)
    return loss * keep.reshape(loss.shape).to(loss.dtype)


@symbolic
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0, axis=-1):
    """Binary cross-entropy, averaged over ``axis``.

    Probabilities are clipped to ``[epsilon, 1 - epsilon]``, turned back into
    logits and passed through a sigmoid cross-entropy, as Keras 2.3.1 on
    TensorFlow.  ``label_smoothing`` squeezes targets towards 0.5:
    ``y_true * (1 - s) + 0.5 * s``.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if not _smoothing_is_off(label_smoothing):
        y_true = y_true * (1. - label_smoothing) + 0.5 * label_smoothing
    return torch.mean(nn_ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits),
                      dim=axis)


@symbolic
def kullback_leibler_divergence(y_true, y_pred):
    """``sum(t * log(t / p), axis=-1)`` with both clipped to ``[epsilon, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = epsilon()
    y_true = torch.clamp(y_true, eps, 1.)
    y_pred = torch.clamp(y_pred, eps, 1.)
    return torch.sum(y_true * torch.log(y_true / y_pred), dim=-1)


@symbolic
def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.mean(y_pred - y_true * torch.log(y_pred + epsilon()), dim=-1)


def _l2_normalize(x, axis):
    return x * torch.rsqrt(torch.clamp(torch.sum(torch.square(x), dim=axis, keepdim=True),
                                       min=1e-12))


@symbolic
def cosine_proximity(y_true, y_pred, axis=-1):
    """Minus the cosine similarity: ``-sum(l2_normalize(t) * l2_normalize(p), axis)``.

    Ranges from -1 (same direction) to 1; minimizing it aligns the vectors.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return -torch.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), dim=axis)


# Aliases (Keras 2.3.1's, plus the names tf.keras writes).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence = kullback_leibler_divergence
cosine = cosine_similarity = cosine_proximity
log_cosh = logcosh
huber = huber_loss


# Loss classes -------------------------------------------------------------

class Loss(object):
    """Base of loss objects: ``call`` gives per-sample losses, ``__call__``
    weights and reduces them.

    Args:
        reduction: a :class:`keras.utils.losses_utils.Reduction` value
            (default ``'sum_over_batch_size'``).
        name: optional name.

    Subclasses implement ``call(y_true, y_pred)``.
    """

    def __init__(self, reduction=losses_utils.Reduction.SUM_OVER_BATCH_SIZE, name=None):
        losses_utils.Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name

    def _weighted(self, y_true, y_pred, sample_weight=None):
        losses = self.call(y_true, y_pred)
        return losses_utils.compute_weighted_loss(losses, sample_weight,
                                                  reduction=self.reduction)

    @symbolic
    def __call__(self, y_true, y_pred, sample_weight=None):
        """The weighted, reduced loss (a scalar unless ``reduction='none'``).

        Args:
            sample_weight: None, a scalar, a ``(batch,)`` vector scaling each
                sample's loss, or a tensor broadcastable to the per-sample
                losses.
        """
        return self._weighted(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred):
        raise NotImplementedError('Loss subclasses must implement `call(y_true, y_pred)`.')

    def get_config(self):
        return {'reduction': self.reduction, 'name': self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_TF_KEYWORD_DEFAULTS = {'axis': -1, 'ignore_class': None}


class LossFunctionWrapper(Loss):
    """A :class:`Loss` around a function ``fn(y_true, y_pred, **kwargs)``.

    Example:
        >>> LossFunctionWrapper(huber_loss, name='huber', delta=2.)(y_true, y_pred)
    """

    def __init__(self, fn, reduction=losses_utils.Reduction.SUM_OVER_BATCH_SIZE,
                 name=None, **kwargs):
        super(LossFunctionWrapper, self).__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        """Per-sample losses, after lining up the ranks of targets and predictions."""
        if isinstance(y_true, torch.Tensor) and isinstance(y_pred, torch.Tensor):
            y_pred, y_true = losses_utils.squeeze_or_expand_dimensions(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super(LossFunctionWrapper, self).get_config()
        for key, value in self._fn_kwargs.items():
            if key in _TF_KEYWORD_DEFAULTS and value == _TF_KEYWORD_DEFAULTS[key]:
                continue  # tf.keras extras stay out of Keras 2.3.1 configs
            if isinstance(value, torch.Tensor):
                value = value.detach().cpu().numpy().tolist()
            config[key] = value
        if type(self) is LossFunctionWrapper:
            config['fn'] = serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop('fn', None)
        if cls is LossFunctionWrapper:
            if fn is None:
                raise ValueError('A LossFunctionWrapper config needs the key "fn".')
            return cls(get(fn), **config)
        return cls(**config)


_SOBS = losses_utils.Reduction.SUM_OVER_BATCH_SIZE


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors; see :func:`mean_squared_error`.

    Example:
        >>> MeanSquaredError()([0., 0., 1., 1.], [1., 1., 1., 0.])  # 0.75
    """

    def __init__(self, reduction=_SOBS, name='mean_squared_error'):
        super(MeanSquaredError, self).__init__(mean_squared_error, reduction=reduction,
                                               name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors; see :func:`mean_absolute_error`."""

    def __init__(self, reduction=_SOBS, name='mean_absolute_error'):
        super(MeanAbsoluteError, self).__init__(mean_absolute_error, reduction=reduction,
                                                name=name)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error; see :func:`mean_absolute_percentage_error`."""

    def __init__(self, reduction=_SOBS, name='mean_absolute_percentage_error'):
        super(MeanAbsolutePercentageError, self).__init__(
            mean_absolute_percentage_error, reduction=reduction, name=name)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error; see :func:`mean_squared_logarithmic_error`."""

    def __init__(self, reduction=_SOBS, name='mean_squared_logarithmic_error'):
        super(MeanSquaredLogarithmicError, self).__init__(
            mean_squared_logarithmic_error, reduction=reduction, name=name)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy; see :func:`binary_crossentropy`.

    Args:
        from_logits: ``y_pred`` holds logits instead of probabilities.
        label_smoothing: in ``[0, 1]``; squeezes the targets towards 0.5.
        axis: (tf.keras) the axis averaged over.
    """

    def __init__(self, from_logits=False, label_smoothing=0, reduction=_SOBS,
                 name='binary_crossentropy', axis=-1):
        super(BinaryCrossentropy, self).__init__(
            binary_crossentropy, reduction=reduction, name=name, from_logits=from_logits,
            label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with one-hot targets; see :func:`categorical_crossentropy`.

    Args:
        from_logits: ``y_pred`` holds logits instead of probabilities.
        label_smoothing: in ``[0, 1]``; mixes the targets with a uniform
            distribution.
        axis: (tf.keras) the class axis.
    """

    def __init__(self, from_logits=False, label_smoothing=0, reduction=_SOBS,
                 name='categorical_crossentropy', axis=-1):
        super(CategoricalCrossentropy, self).__init__(
            categorical_crossentropy, reduction=reduction, name=name,
            from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with integer targets; see :func:`sparse_categorical_crossentropy`.

    Args:
        from_logits: ``y_pred`` holds logits instead of probabilities.
        ignore_class: (tf.keras) a target value whose loss is 0.
    """

    def __init__(self, from_logits=False, reduction=_SOBS,
                 name='sparse_categorical_crossentropy', ignore_class=None):
        super(SparseCategoricalCrossentropy, self).__init__(
            sparse_categorical_crossentropy, reduction=reduction, name=name,
            from_logits=from_logits, ignore_class=ignore_class)


class Hinge(LossFunctionWrapper):
    """Hinge loss; see :func:`hinge`."""

    def __init__(self, reduction=_SOBS, name='hinge'):
        super(Hinge, self).__init__(hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss; see :func:`squared_hinge`."""

    def __init__(self, reduction=_SOBS, name='squared_hinge'):
        super(SquaredHinge, self).__init__(squared_hinge, reduction=reduction, name=name)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss; see :func:`categorical_hinge`."""

    def __init__(self, reduction=_SOBS, name='categorical_hinge'):
        super(CategoricalHinge, self).__init__(categorical_hinge, reduction=reduction,
                                               name=name)


class Poisson(LossFunctionWrapper):
    """Poisson loss; see :func:`poisson`."""

    def __init__(self, reduction=_SOBS, name='poisson'):
        super(Poisson, self).__init__(poisson, reduction=reduction, name=name)


class LogCosh(LossFunctionWrapper):
    """Log-cosh loss; see :func:`logcosh`."""

    def __init__(self, reduction=_SOBS, name='logcosh'):
        super(LogCosh, self).__init__(logcosh, reduction=reduction, name=name)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence; see :func:`kullback_leibler_divergence`."""

    def __init__(self, reduction=_SOBS, name='kullback_leibler_divergence'):
        super(KLDivergence, self).__init__(kullback_leibler_divergence, reduction=reduction,
                                           name=name)


class Huber(LossFunctionWrapper):
    """Huber loss, quadratic up to ``delta`` and linear beyond; see :func:`huber_loss`."""

    def __init__(self, delta=1.0, reduction=_SOBS, name='huber_loss'):
        super(Huber, self).__init__(huber_loss, reduction=reduction, name=name, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """(tf.keras) Minus the cosine similarity along ``axis``; see :func:`cosine_proximity`."""

    def __init__(self, axis=-1, reduction=_SOBS, name='cosine_similarity'):
        super(CosineSimilarity, self).__init__(cosine_similarity, reduction=reduction,
                                               name=name, axis=axis)


def is_categorical_crossentropy(loss):
    """Whether ``loss`` (name, function or object) is the categorical cross-entropy."""
    return (isinstance(loss, CategoricalCrossentropy) or
            (isinstance(loss, LossFunctionWrapper) and loss.fn is categorical_crossentropy) or
            getattr(loss, '__name__', None) == 'categorical_crossentropy' or
            (isinstance(loss, str) and loss == 'categorical_crossentropy'))


def _is_builtin(loss, fn, cls):
    return (getattr(loss, 'fn', loss) is fn or isinstance(loss, cls) or
            (isinstance(loss, str) and loss == fn.__name__))


def is_sparse_categorical_crossentropy(loss):
    """Whether ``loss`` (name, function, wrapped function or object) is the sparse
    categorical cross-entropy: its targets are integer labels, not one-hot rows."""
    return _is_builtin(loss, sparse_categorical_crossentropy, SparseCategoricalCrossentropy)


def is_binary_crossentropy(loss):
    """Whether ``loss`` (name, function, wrapped function or object) is the binary
    cross-entropy."""
    return _is_builtin(loss, binary_crossentropy, BinaryCrossentropy)


# Lookup -------------------------------------------------------------------

_NOT_LOSSES = ('is_categorical_crossentropy', 'is_sparse_categorical_crossentropy',
               'is_binary_crossentropy', 'serialize', 'deserialize', 'get')


def _module_objects():
    return {name: globals()[name] for name in __all__ if name not in _NOT_LOSSES}


def serialize(loss):
    """A loss function's name, or ``{'class_name', 'config'}`` for a Loss object."""
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """Turn a name or a serialized dict (Keras 2 or tf.keras) back into a loss.

    Raises:
        ValueError: for an unknown name; the message lists the known ones.
    """
    if isinstance(name, dict) and name.get('class_name') == 'function':
        name = name.get('config')
    return deserialize_keras_object(name, module_objects=_module_objects(),
                                    custom_objects=custom_objects,
                                    printable_module_name='loss function')


def get(identifier):
    """The loss for ``identifier``: None, a name, a serialized dict or a callable.

    Raises:
        ValueError: for an unknown name or an identifier of another type.

    Example:
        >>> get('mse') is mean_squared_error
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret loss function identifier: %r' % (identifier,))
