"""Metrics (Keras 2.3.1): stateless functions and stateful ``Metric`` objects.

A metric function maps ``(y_true, y_pred)`` to one value per sample.  A
:class:`Metric` accumulates statistics over batches in state tensors on the
device of the data, without host syncs, and ``result()`` returns a tensor
(0-d for most metrics).  The base classes live in :mod:`keras.base_metric`,
the confusion-matrix metrics (Precision, AUC, ...) in
:mod:`keras.confusion_metrics`; all are exported here.

Example:
    >>> m = Mean()
    >>> m.update_state([1., 3., 5., 7.], sample_weight=[1., 1., 0., 0.])
    >>> float(m.result())
    2.0
"""
import numpy as np
import torch

from keras.backend.config import floatx
from keras.backend.symbolic import symbolic
from keras.backend.variables import to_torch_dtype
from keras.engine.base_layer import Layer  # noqa: F401 (2.3.1 exported it here)
from keras.base_metric import Mean, MeanMetricWrapper, Metric, Reduce, Sum, div_no_nan
from keras.confusion_metrics import _SensitivitySpecificityBase as SensitivitySpecificityBase  # noqa: F401,E501
from keras.confusion_metrics import (AUC, FalseNegatives, FalsePositives,  # noqa: F401
                                     MeanIoU, Precision, Recall, SensitivityAtSpecificity,
                                     SpecificityAtSensitivity, TrueNegatives, TruePositives)
from keras.losses import (binary_crossentropy, categorical_crossentropy,  # noqa: F401
                          categorical_hinge, hinge, kullback_leibler_divergence,
                          logcosh, mean_absolute_error, mean_absolute_percentage_error,
                          mean_squared_error, mean_squared_logarithmic_error, poisson,
                          sparse_categorical_crossentropy, squared_hinge)
from keras.utils import losses_utils
from keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object

__all__ = [
    'Metric', 'Reduce', 'Sum', 'Mean', 'MeanMetricWrapper', 'Accuracy', 'BinaryAccuracy',
    'CategoricalAccuracy', 'SparseCategoricalAccuracy', 'TopKCategoricalAccuracy',
    'SparseTopKCategoricalAccuracy', 'MeanSquaredError', 'MeanAbsoluteError',
    'MeanAbsolutePercentageError', 'MeanSquaredLogarithmicError', 'RootMeanSquaredError',
    'Hinge', 'SquaredHinge', 'CategoricalHinge', 'LogCoshError', 'Poisson', 'KLDivergence',
    'CosineSimilarity', 'BinaryCrossentropy', 'CategoricalCrossentropy',
    'SparseCategoricalCrossentropy', 'TruePositives', 'TrueNegatives', 'FalsePositives',
    'FalseNegatives', 'Precision', 'Recall', 'SensitivityAtSpecificity',
    'SpecificityAtSensitivity', 'AUC', 'MeanIoU',
    'accuracy', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy',
    'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'cosine_proximity',
    'cosine_similarity', 'mean_squared_error', 'mean_absolute_error',
    'mean_absolute_percentage_error', 'mean_squared_logarithmic_error', 'hinge',
    'squared_hinge', 'categorical_hinge', 'logcosh', 'categorical_crossentropy',
    'sparse_categorical_crossentropy', 'binary_crossentropy',
    'kullback_leibler_divergence', 'poisson', 'mse', 'MSE', 'mae', 'MAE', 'mape', 'MAPE',
    'msle', 'MSLE', 'cosine', 'clone_metric', 'clone_metrics',
    'serialize', 'deserialize', 'get',
]


# Metric functions ---------------------------------------------------------

def _float(x):
    return x.to(to_torch_dtype(floatx()))


def _pred(y_pred):
    if isinstance(y_pred, torch.Tensor):
        return y_pred
    return torch.as_tensor(np.asarray(y_pred), dtype=to_torch_dtype(floatx()))


def _true_like(y_true, y_pred, dtype=None):
    dtype = dtype or y_pred.dtype
    if isinstance(y_true, torch.Tensor):
        return y_true.to(dtype=dtype, device=y_pred.device)
    return torch.as_tensor(np.asarray(y_true), dtype=dtype, device=y_pred.device)


@symbolic
def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` element-wise, else 0.0."""
    y_pred = _pred(y_pred)
    return _float(torch.eq(_true_like(y_true, y_pred), y_pred))


@symbolic
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Mean over the last axis of ``y_true == round(y_pred)``.

    With a ``threshold`` other than 0.5 the predictions are first turned
    into ``y_pred > threshold``, as Keras 2.3.1.
    """
    y_pred = _pred(y_pred)
    if isinstance(threshold, torch.Tensor) or threshold != 0.5:
        y_pred = (y_pred > threshold).to(y_pred.dtype)
    y_true = _true_like(y_true, y_pred)
    return torch.mean(_float(torch.eq(y_true, torch.round(y_pred))), dim=-1)


@symbolic
def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of ``y_true`` and of ``y_pred`` agree (first max wins)."""
    y_pred = _pred(y_pred)
    y_true = _true_like(y_true, y_pred)
    return _float(torch.eq(torch.argmax(y_true, dim=-1), torch.argmax(y_pred, dim=-1)))


def _sparse_labels(y_true, y_pred):
    """Integer labels of shape ``y_pred.shape[:-1]`` from ``(n,)`` or ``(n, 1)`` targets."""
    y_true = _true_like(y_true, y_pred, dtype=to_torch_dtype(floatx()))
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    return y_true


@symbolic
def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer target equals the argmax of ``y_pred``."""
    y_pred = _pred(y_pred)
    y_true = _sparse_labels(y_true, y_pred)
    labels = torch.argmax(y_pred, dim=-1).to(y_true.dtype)
    return _float(torch.eq(y_true, labels))


def _in_top_k(y_pred, targets, k):
    """TensorFlow's ``in_top_k`` over the last axis: ties at the boundary count
    as inside; a row with a non-finite score or an out-of-range target is False."""
    num_classes = y_pred.shape[-1]
    valid = (targets >= 0) & (targets < num_classes)
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    score = torch.gather(y_pred, -1, safe.unsqueeze(-1))
    n_greater = torch.sum(y_pred > score, dim=-1)
    finite = torch.all(torch.isfinite(y_pred), dim=-1)
    return valid & finite & (n_greater < k)


@symbolic
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the argmax of ``y_true`` is among the top ``k`` of ``y_pred``."""
    y_pred = _pred(y_pred)
    targets = torch.argmax(_true_like(y_true, y_pred), dim=-1)
    return _float(_in_top_k(y_pred, targets, k))


@symbolic
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer target is among the top ``k`` of ``y_pred``."""
    y_pred = _pred(y_pred)
    targets = _sparse_labels(y_true, y_pred).long()
    if targets.shape != y_pred.shape[:-1]:
        targets = targets.reshape(y_pred.shape[:-1])
    return _float(_in_top_k(y_pred, targets, k))


@symbolic
def cosine_proximity(y_true, y_pred, axis=-1):
    """Cosine similarity ``sum(l2_normalize(t) * l2_normalize(p), axis)`` (positive,
    unlike the loss of the same name)."""
    y_pred = _pred(y_pred)
    y_true = _true_like(y_true, y_pred)

    def unit(x):
        return x * torch.rsqrt(torch.clamp(torch.sum(torch.square(x), dim=axis, keepdim=True),
                                           min=1e-12))
    return torch.sum(unit(y_true) * unit(y_pred), dim=axis)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
cosine = cosine_similarity = cosine_proximity


# Mean-of-a-function metrics -----------------------------------------------

class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly."""

    def __init__(self, name='accuracy', dtype=None):
        super(Accuracy, self).__init__(accuracy, name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches 0/1 targets."""

    def __init__(self, name='binary_accuracy', dtype=None, threshold=0.5):
        super(BinaryAccuracy, self).__init__(binary_accuracy, name, dtype=dtype,
                                             threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions matches that of one-hot targets."""

    def __init__(self, name='categorical_accuracy', dtype=None):
        super(CategoricalAccuracy, self).__init__(categorical_accuracy, name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions matches integer targets."""

    def __init__(self, name='sparse_categorical_accuracy', dtype=None):
        super(SparseCategoricalAccuracy, self).__init__(sparse_categorical_accuracy, name,
                                                        dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top ``k`` predictions."""

    def __init__(self, k=5, name='top_k_categorical_accuracy', dtype=None):
        super(TopKCategoricalAccuracy, self).__init__(top_k_categorical_accuracy, name,
                                                      dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top ``k`` predictions."""

    def __init__(self, k=5, name='sparse_top_k_categorical_accuracy', dtype=None):
        super(SparseTopKCategoricalAccuracy, self).__init__(
            sparse_top_k_categorical_accuracy, name, dtype=dtype, k=k)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean squared error."""

    def __init__(self, name='mean_squared_error', dtype=None):
        super(MeanSquaredError, self).__init__(mean_squared_error, name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean absolute error."""

    def __init__(self, name='mean_absolute_error', dtype=None):
        super(MeanAbsoluteError, self).__init__(mean_absolute_error, name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean absolute percentage error."""

    def __init__(self, name='mean_absolute_percentage_error', dtype=None):
        super(MeanAbsolutePercentageError, self).__init__(mean_absolute_percentage_error,
                                                          name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean squared logarithmic error."""

    def __init__(self, name='mean_squared_logarithmic_error', dtype=None):
        super(MeanSquaredLogarithmicError, self).__init__(mean_squared_logarithmic_error,
                                                          name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the weighted mean of squared errors over all elements."""

    def __init__(self, name='root_mean_squared_error', dtype=None):
        super(RootMeanSquaredError, self).__init__(name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = self._tensor(y_true)
        y_pred = self._tensor(y_pred)
        y_pred, y_true = losses_utils.squeeze_or_expand_dimensions(y_pred, y_true)
        return super(RootMeanSquaredError, self).update_state(
            torch.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return torch.sqrt(div_no_nan(self.total, self.count))


class Hinge(MeanMetricWrapper):
    """Running hinge loss."""

    def __init__(self, name='hinge', dtype=None):
        super(Hinge, self).__init__(hinge, name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Running squared hinge loss."""

    def __init__(self, name='squared_hinge', dtype=None):
        super(SquaredHinge, self).__init__(squared_hinge, name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Running categorical hinge loss."""

    def __init__(self, name='categorical_hinge', dtype=None):
        super(CategoricalHinge, self).__init__(categorical_hinge, name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """Running log-cosh error."""

    def __init__(self, name='logcosh', dtype=None):
        super(LogCoshError, self).__init__(logcosh, name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Running Poisson loss."""

    def __init__(self, name='poisson', dtype=None):
        super(Poisson, self).__init__(poisson, name, dtype=dtype)


class KLDivergence(MeanMetricWrapper):
    """Running Kullback-Leibler divergence."""

    def __init__(self, name='kullback_leibler_divergence', dtype=None):
        super(KLDivergence, self).__init__(kullback_leibler_divergence, name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running cosine similarity along ``axis``."""

    def __init__(self, name='cosine_similarity', dtype=None, axis=-1):
        super(CosineSimilarity, self).__init__(cosine_similarity, name, dtype=dtype,
                                               axis=axis)


class BinaryCrossentropy(MeanMetricWrapper):
    """Running binary cross-entropy (``from_logits``, ``label_smoothing``)."""

    def __init__(self, name='binary_crossentropy', dtype=None, from_logits=False,
                 label_smoothing=0):
        super(BinaryCrossentropy, self).__init__(binary_crossentropy, name, dtype=dtype,
                                                 from_logits=from_logits,
                                                 label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running categorical cross-entropy (``from_logits``, ``label_smoothing``)."""

    def __init__(self, name='categorical_crossentropy', dtype=None, from_logits=False,
                 label_smoothing=0):
        super(CategoricalCrossentropy, self).__init__(categorical_crossentropy, name,
                                                      dtype=dtype, from_logits=from_logits,
                                                      label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running cross-entropy with integer targets (``from_logits``, ``axis``)."""

    def __init__(self, name='sparse_categorical_crossentropy', dtype=None,
                 from_logits=False, axis=-1):
        super(SparseCategoricalCrossentropy, self).__init__(
            sparse_categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
            axis=axis)


# Cloning and lookup -------------------------------------------------------

def clone_metric(metric):
    """A fresh copy (same config, zero state) of a stateful metric; functions as they are."""
    if isinstance(metric, Metric):
        return metric.__class__.from_config(metric.get_config())
    return metric


def clone_metrics(metrics):
    """:func:`clone_metric` over a list or a dict of metrics."""
    if metrics is None:
        return None
    if isinstance(metrics, dict):
        return {key: clone_metric(value) for key, value in metrics.items()}
    return [clone_metric(metric) for metric in metrics]


_NOT_METRICS = ('clone_metric', 'clone_metrics', 'serialize', 'deserialize', 'get')


def _module_objects():
    return {name: globals()[name] for name in __all__ if name not in _NOT_METRICS}


def serialize(metric):
    """A metric function's name, or ``{'class_name', 'config'}`` for a Metric."""
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """Turn a name or a serialized dict (Keras 2 or tf.keras) back into a metric.

    Raises:
        ValueError: for an unknown name; the message lists the known ones.
    """
    if isinstance(config, dict) and config.get('class_name') == 'function':
        config = config.get('config')
    return deserialize_keras_object(config, module_objects=_module_objects(),
                                    custom_objects=custom_objects,
                                    printable_module_name='metric function')


def get(identifier):
    """The metric for ``identifier``: a name, a serialized dict or a callable.

    Raises:
        ValueError: for an unknown name or an identifier of another type.
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret metric function identifier: %r' % (identifier,))
