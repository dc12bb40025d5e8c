"""Metrics built on confusion-matrix counts: TP/TN/FP/FN, precision, recall,
sensitivity/specificity, AUC and mean IoU (Keras 2.3.1, tf.keras semantics).

Import them from :mod:`keras.metrics`; this module only keeps that file short.
All counts are weighted sums kept in state tensors on the data's device.
"""
import torch

from keras.backend.config import epsilon
from keras.base_metric import Metric, div_no_nan
from keras.utils import losses_utils, metrics_utils
from keras.utils.metrics_utils import ConfusionMatrix

__all__ = ['TruePositives', 'TrueNegatives', 'FalsePositives', 'FalseNegatives',
           'Precision', 'Recall', 'SensitivityAtSpecificity', 'SpecificityAtSensitivity',
           'AUC', 'MeanIoU']


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix cell, per threshold.

    Args:
        confusion_matrix_cond: a :class:`ConfusionMatrix` value.
        thresholds: a float or a list of floats in ``[0, 1]`` (default 0.5);
            a prediction is positive when it is above the threshold.
    """

    def __init__(self, confusion_matrix_cond, thresholds=None, name=None, dtype=None):
        super(_ConfusionMatrixConditionCount, self).__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, 0.5)
        self._thresholds = metrics_utils.Thresholds(self.thresholds)
        self.accumulator = self.add_weight('accumulator', shape=(len(self.thresholds),))

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator}, self._tensor(y_true),
            self._tensor(y_pred), self._thresholds,
            sample_weight=None if sample_weight is None else self._tensor(sample_weight))

    def result(self):
        if len(self.thresholds) == 1:
            return self.accumulator[0].clone()
        return self.accumulator.clone()

    def get_config(self):
        config = super(_ConfusionMatrixConditionCount, self).get_config()
        config['thresholds'] = self.init_thresholds
        return config


def _count_class(class_name, cond, doc):
    def __init__(self, thresholds=None, name=None, dtype=None):
        _ConfusionMatrixConditionCount.__init__(self, cond, thresholds=thresholds,
                                                name=name, dtype=dtype)
    return type(class_name, (_ConfusionMatrixConditionCount,),
                {'__init__': __init__, '__doc__': doc, '__module__': __name__})


TruePositives = _count_class('TruePositives', ConfusionMatrix.TRUE_POSITIVES,
                             """Weighted number of true positives (``thresholds=None``,
                             ``name``, ``dtype``).""")
TrueNegatives = _count_class('TrueNegatives', ConfusionMatrix.TRUE_NEGATIVES,
                             """Weighted number of true negatives (``thresholds=None``,
                             ``name``, ``dtype``).""")
FalsePositives = _count_class('FalsePositives', ConfusionMatrix.FALSE_POSITIVES,
                              """Weighted number of false positives (``thresholds=None``,
                              ``name``, ``dtype``).""")
FalseNegatives = _count_class('FalseNegatives', ConfusionMatrix.FALSE_NEGATIVES,
                              """Weighted number of false negatives (``thresholds=None``,
                              ``name``, ``dtype``).""")


class _PrecisionRecall(Metric):
    """Shared body of Precision and Recall: tp and one other cell per threshold."""

    _OTHER = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super(_PrecisionRecall, self).__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default)
        self._thresholds = metrics_utils.Thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_weight('true_positives', shape=(n,))
        other = 'false_positives' if self._OTHER is ConfusionMatrix.FALSE_POSITIVES \
            else 'false_negatives'
        setattr(self, other, self.add_weight(other, shape=(n,)))
        self._other_name = other

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
             self._OTHER: getattr(self, self._other_name)},
            self._tensor(y_true), self._tensor(y_pred), self._thresholds,
            top_k=self.top_k, class_id=self.class_id,
            sample_weight=None if sample_weight is None else self._tensor(sample_weight))

    def result(self):
        tp = self.true_positives
        value = div_no_nan(tp, tp + getattr(self, self._other_name))
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        config = super(_PrecisionRecall, self).get_config()
        config.update({'thresholds': self.init_thresholds, 'top_k': self.top_k,
                       'class_id': self.class_id})
        return config


class Precision(_PrecisionRecall):
    """``tp / (tp + fp)``, per threshold (a scalar for one threshold).

    Args:
        thresholds: float or list in ``[0, 1]`` (default 0.5).
        top_k: only the ``k`` highest predictions of a row count as positive.
        class_id: look only at this class of the last axis.
    """
    _OTHER = ConfusionMatrix.FALSE_POSITIVES


class Recall(_PrecisionRecall):
    """``tp / (tp + fn)``, per threshold (a scalar for one threshold).

    Args:
        thresholds: float or list in ``[0, 1]`` (default 0.5).
        top_k: only the ``k`` highest predictions of a row count as positive.
        class_id: look only at this class of the last axis.
    """
    _OTHER = ConfusionMatrix.FALSE_NEGATIVES


class _FourCounts(Metric):
    """A metric keeping tp, tn, fp and fn for a list of thresholds."""

    def _create_counts(self, thresholds, shape_tail=()):
        self._thresholds = metrics_utils.Thresholds(thresholds)
        shape = (len(thresholds),) + tuple(shape_tail)
        self.true_positives = self.add_weight('true_positives', shape=shape)
        self.true_negatives = self.add_weight('true_negatives', shape=shape)
        self.false_positives = self.add_weight('false_positives', shape=shape)
        self.false_negatives = self.add_weight('false_negatives', shape=shape)

    def _update_counts(self, y_true, y_pred, sample_weight, **kwargs):
        metrics_utils.update_confusion_matrix_variables(
            {ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
             ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
             ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
             ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self._thresholds,
            sample_weight=None if sample_weight is None else self._tensor(sample_weight),
            **kwargs)


class _SensitivitySpecificityBase(_FourCounts):
    """Counts on ``num_thresholds`` thresholds spread over ``[0, 1]``."""

    def __init__(self, value, num_thresholds=200, name=None, dtype=None, class_id=None):
        super(_SensitivitySpecificityBase, self).__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError('`num_thresholds` must be > 0, got %r.' % (num_thresholds,))
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
        self._create_counts(self.thresholds)

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._update_counts(self._tensor(y_true), self._tensor(y_pred), sample_weight,
                            class_id=self.class_id)

    def _at_closest(self, rate_num, rate_other, num, other):
        """``num / (num + other)`` at the threshold whose rate
        ``rate_num / (rate_num + rate_other)`` is closest to ``self.value``."""
        rates = div_no_nan(rate_num, rate_num + rate_other)
        index = torch.argmin(torch.abs(rates - self.value)).reshape(1)
        num, other = num.index_select(0, index)[0], other.index_select(0, index)[0]
        return div_no_nan(num, num + other)

    def _config(self, key):
        config = super(_SensitivitySpecificityBase, self).get_config()
        config.update({'num_thresholds': self.num_thresholds, key: self.value})
        if self.class_id is not None:
            config['class_id'] = self.class_id
        return config


class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    """Sensitivity ``tp / (tp + fn)`` at the threshold whose specificity
    ``tn / (tn + fp)`` is closest to ``specificity`` (Keras 2.3.1's rule).

    Args:
        specificity: in ``[0, 1]``.
        num_thresholds: number of thresholds tried (default 200).
    """

    def __init__(self, specificity, num_thresholds=200, name=None, dtype=None,
                 class_id=None):
        if specificity < 0 or specificity > 1:
            raise ValueError('`specificity` must be in the range [0, 1], got %r.'
                             % (specificity,))
        self.specificity = specificity
        super(SensitivityAtSpecificity, self).__init__(
            specificity, num_thresholds=num_thresholds, name=name, dtype=dtype,
            class_id=class_id)

    def result(self):
        return self._at_closest(self.true_negatives, self.false_positives,
                                self.true_positives, self.false_negatives)

    def get_config(self):
        return self._config('specificity')


class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    """Specificity ``tn / (tn + fp)`` at the threshold whose sensitivity
    ``tp / (tp + fn)`` is closest to ``sensitivity`` (Keras 2.3.1's rule).

    Args:
        sensitivity: in ``[0, 1]``.
        num_thresholds: number of thresholds tried (default 200).
    """

    def __init__(self, sensitivity, num_thresholds=200, name=None, dtype=None,
                 class_id=None):
        if sensitivity < 0 or sensitivity > 1:
            raise ValueError('`sensitivity` must be in the range [0, 1], got %r.'
                             % (sensitivity,))
        self.sensitivity = sensitivity
        super(SpecificityAtSensitivity, self).__init__(
            sensitivity, num_thresholds=num_thresholds, name=name, dtype=dtype,
            class_id=class_id)

    def result(self):
        return self._at_closest(self.true_positives, self.false_negatives,
                                self.true_negatives, self.false_positives)

    def get_config(self):
        return self._config('sensitivity')


class AUC(_FourCounts):
    """Area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Args:
        num_thresholds: number of thresholds (default 200, must be > 1),
            spread evenly over ``[0, 1]`` plus ``-epsilon`` and ``1 + epsilon``.
        curve: ``'ROC'`` or ``'PR'``.
        summation_method: ``'interpolation'`` (trapezoids; Davis & Goadrich's
            interpolation for PR), ``'minoring'`` or ``'majoring'``.
        thresholds: explicit thresholds in ``[0, 1]`` (``num_thresholds`` is
            then ignored).
        multi_label: (tf.keras) one curve per column of the last axis, averaged
            (weighted by ``label_weights`` if given).
        num_labels: (tf.keras) number of columns; else read from the first batch.
        label_weights: (tf.keras) per-column weights.
        from_logits: (tf.keras) apply a sigmoid to the predictions first.
    """

    def __init__(self, num_thresholds=200, curve='ROC', summation_method='interpolation',
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        if thresholds is not None:
            metrics_utils.assert_thresholds_range(list(thresholds))
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(float(t) for t in thresholds)
        else:
            if num_thresholds <= 1:
                raise ValueError('`num_thresholds` must be > 1, got %r.' % (num_thresholds,))
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1)
                          for i in range(num_thresholds - 2)]
        self.thresholds = [0.0 - epsilon()] + thresholds + [1.0 + epsilon()]
        self.curve = curve if isinstance(curve, metrics_utils.AUCCurve) \
            else metrics_utils.AUCCurve.from_str(curve)
        self.summation_method = summation_method \
            if isinstance(summation_method, metrics_utils.AUCSummationMethod) \
            else metrics_utils.AUCSummationMethod.from_str(summation_method)
        super(AUC, self).__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.label_weights = None if label_weights is None else [float(w) for w in
                                                                 label_weights]
        self.from_logits = from_logits
        self.num_labels = num_labels
        self._built = False
        if not multi_label:
            self._build(None)
        elif num_labels:
            self._build(num_labels)

    def _build(self, num_labels):
        self.num_labels = num_labels
        self._create_counts(self.thresholds, () if num_labels is None else (num_labels,))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = self._tensor(y_true), self._tensor(y_pred)
        if self.from_logits:
            y_pred = torch.sigmoid(y_pred)
        if not self._built:
            self._build(int(y_pred.shape[-1]))
        label_weights = None
        if self.label_weights is not None and not self.multi_label:
            label_weights = self._label_weights_tensor()
        self._update_counts(y_true, y_pred, sample_weight, multi_label=self.multi_label,
                            label_weights=label_weights)

    def interpolate_pr_auc(self):
        """PR-AUC with precision interpolated between thresholds as Davis &
        Goadrich (2006): linear in true and false positives, not in precision."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = div_no_nan(dtp, torch.clamp(dp, min=0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        safe_p_ratio = torch.where(both_positive,
                                   div_no_nan(p[:-1], torch.clamp(p[1:], min=0)),
                                   torch.ones_like(p[1:]))
        numer = prec_slope * (dtp + intercept * torch.log(safe_p_ratio))
        return torch.sum(div_no_nan(numer, torch.clamp(tp[1:] + fn[1:], min=0)), dim=0)

    def _area(self):
        curves, methods = metrics_utils.AUCCurve, metrics_utils.AUCSummationMethod
        if self.curve == curves.PR and self.summation_method == methods.INTERPOLATION:
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives, self.false_positives
        recall = div_no_nan(tp, tp + self.false_negatives)
        if self.curve == curves.ROC:
            x, y = div_no_nan(fp, fp + self.true_negatives), recall
        else:
            x, y = recall, div_no_nan(tp, tp + fp)
        if self.summation_method == methods.INTERPOLATION:
            heights = (y[:-1] + y[1:]) / 2.
        elif self.summation_method == methods.MINORING:
            heights = torch.minimum(y[:-1], y[1:])
        else:
            heights = torch.maximum(y[:-1], y[1:])
        return torch.sum((x[:-1] - x[1:]) * heights, dim=0)

    def result(self):
        if not self._built:
            return torch.zeros((), dtype=self._torch_dtype, device=self._device)
        area = self._area()
        if not self.multi_label:
            return area
        if self.label_weights is None:
            return torch.mean(area)
        weights = self._label_weights_tensor()
        return div_no_nan(torch.sum(area * weights), torch.sum(weights))

    def _label_weights_tensor(self):
        """``label_weights`` on the state's device, copied there once."""
        cached = getattr(self, '_label_weights_cache', None)
        if cached is None or cached.device != self._device:
            cached = self._tensor(self.label_weights)
            self._label_weights_cache = cached
        return cached

    def get_config(self):
        config = super(AUC, self).get_config()
        config.update({'num_thresholds': self.num_thresholds, 'curve': self.curve.value,
                       'summation_method': self.summation_method.value,
                       'thresholds': self.thresholds[1:-1]})
        extras = {'multi_label': (self.multi_label, False),
                  'num_labels': (self.num_labels if self.multi_label else None, None),
                  'label_weights': (self.label_weights, None),
                  'from_logits': (self.from_logits, False)}
        config.update({k: v for k, (v, default) in extras.items() if v != default})
        return config


class MeanIoU(Metric):
    """Mean intersection-over-union over classes, from a weighted confusion matrix.

    IoU of a class is ``tp / (tp + fp + fn)``; classes never seen in targets
    or predictions are left out of the mean.  Targets and predictions are
    class ids (floats are truncated); labels outside ``[0, num_classes)``
    are ignored.

    Args:
        num_classes: number of classes.
        ignore_class: (tf.keras) a target id left out of the counts.
        sparse_y_true, sparse_y_pred: (tf.keras) when False, that input holds
            scores and its argmax along ``axis`` is used.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super(MeanIoU, self).__init__(name=name, dtype=dtype)
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        cm_dtype = 'float32' if self._device.type == 'mps' else 'float64'
        self.total_cm = self.add_weight('total_confusion_matrix',
                                        shape=(num_classes, num_classes), dtype=cm_dtype)

    def _labels(self, x, sparse):
        x = self._tensor(x)
        return torch.argmax(x, dim=self.axis) if not sparse else x

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = self._labels(y_true, self.sparse_y_true)
        y_pred = self._labels(y_pred, self.sparse_y_pred)
        if y_true.numel() != y_pred.numel():
            raise ValueError('MeanIoU needs as many targets as predictions; got shapes %s '
                             'and %s.' % (tuple(y_true.shape), tuple(y_pred.shape)))
        cm_dtype = self.total_cm.dtype
        weights = None
        if sample_weight is not None:
            weights = self._tensor(sample_weight, dtype=cm_dtype)
            if weights.numel() != y_pred.numel():
                _, _, weights = losses_utils.squeeze_or_expand_dimensions(
                    y_pred, None, weights)
                weights = losses_utils.broadcast_weights(y_pred, weights)
            weights = weights.reshape(-1)
        y_true, y_pred = y_true.reshape(-1).long(), y_pred.reshape(-1).long()
        n = self.num_classes
        valid = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            valid = valid & (y_true != self.ignore_class)
        counts = valid.to(cm_dtype) if weights is None else valid.to(cm_dtype) * weights
        index = torch.where(valid, y_true * n + y_pred, torch.zeros_like(y_true))
        self.total_cm.view(-1).index_add_(0, index, counts)

    def result(self):
        cm = self.total_cm
        tp = torch.diagonal(cm)
        denominator = cm.sum(dim=0) + cm.sum(dim=1) - tp
        num_valid = torch.sum((denominator != 0).to(cm.dtype))
        iou = div_no_nan(tp, denominator)
        return div_no_nan(torch.sum(iou), num_valid).to(self._torch_dtype)

    def get_config(self):
        config = super(MeanIoU, self).get_config()
        config['num_classes'] = self.num_classes
        extras = {'ignore_class': (self.ignore_class, None),
                  'sparse_y_true': (self.sparse_y_true, True),
                  'sparse_y_pred': (self.sparse_y_pred, True), 'axis': (self.axis, -1)}
        config.update({k: v for k, (v, default) in extras.items() if v != default})
        return config
