"""Helpers of the stateful metrics (Keras 2.3.1's ``metrics_utils``), in torch.

The confusion-matrix counts for many thresholds are computed with one
``bucketize`` and one ``index_add_`` per batch (a histogram of predictions
over the sorted thresholds, then cumulative sums), so the cost grows with
``batch + thresholds``, not their product, and nothing waits for the device.
"""
from enum import Enum

import torch

from keras.utils import losses_utils

__all__ = ['NEG_INF', 'Reduction', 'ConfusionMatrix', 'AUCCurve', 'AUCSummationMethod',
           'to_list', 'assert_thresholds_range', 'parse_init_thresholds', 'filter_top_k',
           'Thresholds', 'confusion_counts', 'update_confusion_matrix_variables',
           'update_state_wrapper', 'result_wrapper', 'weighted_assign_add']

NEG_INF = -1e10


class Reduction(object):
    """How a ``Reduce`` metric combines values: ``SUM``, ``SUM_OVER_BATCH_SIZE``
    (sum over number of values) or ``WEIGHTED_MEAN`` (sum over sum of weights)."""

    SUM = 'sum'
    SUM_OVER_BATCH_SIZE = 'sum_over_batch_size'
    WEIGHTED_MEAN = 'weighted_mean'


class ConfusionMatrix(Enum):
    TRUE_POSITIVES = 'tp'
    FALSE_POSITIVES = 'fp'
    TRUE_NEGATIVES = 'tn'
    FALSE_NEGATIVES = 'fn'


_VALID_KEYS = frozenset(ConfusionMatrix)


class AUCCurve(Enum):
    """The curve under which ``AUC`` measures: ``ROC`` or ``PR``."""
    ROC = 'ROC'
    PR = 'PR'

    @staticmethod
    def from_str(key):
        if key in ('pr', 'PR'):
            return AUCCurve.PR
        if key in ('roc', 'ROC'):
            return AUCCurve.ROC
        raise ValueError('Invalid AUC curve value "%s". Expected "ROC" or "PR".' % (key,))


class AUCSummationMethod(Enum):
    """Riemann sum of ``AUC``: ``interpolation`` (trapezoids; for PR, Davis &
    Goadrich's interpolation), ``minoring`` (lower bound) or ``majoring``
    (upper bound)."""
    INTERPOLATION = 'interpolation'
    MAJORING = 'majoring'
    MINORING = 'minoring'

    @staticmethod
    def from_str(key):
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError('Invalid AUC summation method value "%s". Expected one of '
                         '"interpolation", "minoring", "majoring".' % (key,))


def to_list(x):
    if isinstance(x, list):
        return x
    if isinstance(x, tuple):
        return list(x)
    return [x]


def assert_thresholds_range(thresholds):
    """Raise ``ValueError`` unless every threshold is a number in ``[0, 1]``."""
    if thresholds is None:
        return
    invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError('Threshold values must be in [0, 1]. Invalid values: %s' % (invalid,))


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """The thresholds argument of a metric as a list (``default_threshold`` if None)."""
    if thresholds is not None:
        assert_thresholds_range(to_list(thresholds))
    return [float(t) for t in to_list(default_threshold if thresholds is None else thresholds)]


def filter_top_k(x, k):
    """Keep the ``k`` largest values of the last axis of ``x``; set the rest to NEG_INF."""
    _, top = torch.topk(x, k, dim=-1, sorted=False)
    keep = torch.zeros_like(x, dtype=torch.bool).scatter_(-1, top, True)
    return torch.where(keep, x, torch.full_like(x, NEG_INF))


def update_state_wrapper(update_state_fn):
    """Wrap a metric's bound ``update_state`` as a function of ``(metric, *args)``.

    Keras 2.3.1 registered the returned update op with the metric; updates
    here happen when the call runs, so the wrapper just calls through and
    returns what ``update_state_fn`` returned.
    """
    def decorated(metric_obj, *args, **kwargs):
        return update_state_fn(*args, **kwargs)
    return decorated


def result_wrapper(result_fn):
    """Wrap a metric's bound ``result`` as a function of ``(metric, *args)``;
    the value is also kept as ``metric._call_result`` (as Keras 2.3.1 did)."""
    def decorated(metric_obj, *args, **kwargs):
        value = result_fn(*args, **kwargs)
        if isinstance(value, torch.Tensor):
            value = value.clone()
        metric_obj._call_result = value
        return value
    return decorated


def weighted_assign_add(label, pred, weights, var):
    """``var += sum((label and pred) * weights, axis=1)``, in place; returns ``var``.

    ``label`` and ``pred`` are boolean tensors ``(thresholds, batch, ...)``
    (or broadcastable to that); ``weights`` may be None.
    """
    both = torch.logical_and(torch.as_tensor(label), torch.as_tensor(pred))
    both = both.to(var.dtype if var.is_floating_point() else torch.float32)
    if weights is not None:
        both = both * torch.as_tensor(weights, dtype=both.dtype, device=both.device)
    with torch.no_grad():
        var.add_(both.sum(1).to(var.dtype))
    return var


class Thresholds(object):
    """A list of thresholds, with sorted copies cached on each device."""

    def __init__(self, values):
        self.values = [float(v) for v in values]
        order = sorted(range(len(self.values)), key=lambda i: self.values[i])
        self._order = order
        self._is_sorted = order == list(range(len(order)))
        self._cache = {}

    def __len__(self):
        return len(self.values)

    def on(self, device, dtype):
        """``(sorted_thresholds, inverse_permutation_or_None)`` on ``device``."""
        key = (device, dtype)
        if key not in self._cache:
            sorted_t = torch.tensor([self.values[i] for i in self._order], dtype=dtype,
                                    device=device)
            inverse = None
            if not self._is_sorted:
                inv = [0] * len(self._order)
                for pos, i in enumerate(self._order):
                    inv[i] = pos
                inverse = torch.tensor(inv, dtype=torch.long, device=device)
            self._cache[key] = (sorted_t, inverse)
        return self._cache[key]


def confusion_counts(labels, preds, weights, thresholds):
    """Weighted tp, fp, tn, fn per threshold (and per label column).

    Args:
        labels: bool tensor ``(N, L)``.
        preds: float tensor ``(N, L)``; "positive" means ``pred > threshold``
            (NaN counts as negative).
        weights: float tensor ``(N, L)`` or None.
        thresholds: a :class:`Thresholds`.

    Returns:
        A dict ``{ConfusionMatrix: tensor (T, L)}``.
    """
    n_thr = len(thresholds)
    n_labels = preds.shape[1]
    sorted_t, inverse = thresholds.on(preds.device, preds.dtype)
    inf = float('inf')
    preds = torch.nan_to_num(preds, nan=-inf, posinf=inf, neginf=-inf)  # NaN: negative
    bucket = torch.bucketize(preds.contiguous(), sorted_t)  # number of thresholds below
    index = bucket + labels.long() * (n_thr + 1)
    if n_labels > 1:
        index = index * n_labels + torch.arange(n_labels, device=preds.device)
    hist = torch.zeros(2 * (n_thr + 1) * n_labels, dtype=preds.dtype, device=preds.device)
    source = weights if weights is not None else torch.ones_like(preds)
    hist.index_add_(0, index.reshape(-1), source.reshape(-1))
    hist = hist.reshape(2, n_thr + 1, n_labels)
    below = torch.cumsum(hist, dim=1)  # [i]: sum over buckets <= i
    # [i]: sum over buckets >= i (summed from the top, so empty tails stay exactly 0).
    from_top = torch.flip(torch.cumsum(torch.flip(hist, dims=(1,)), dim=1), dims=(1,))
    counts = {ConfusionMatrix.TRUE_POSITIVES: from_top[1, 1:],
              ConfusionMatrix.FALSE_NEGATIVES: below[1, :n_thr],
              ConfusionMatrix.FALSE_POSITIVES: from_top[0, 1:],
              ConfusionMatrix.TRUE_NEGATIVES: below[0, :n_thr]}
    if inverse is not None:
        counts = {k: v.index_select(0, inverse) for k, v in counts.items()}
    return counts


def _prepare(y_true, y_pred, sample_weight, top_k, class_id, label_weights, multi_label):
    if sample_weight is None:
        y_pred, y_true = losses_utils.squeeze_or_expand_dimensions(y_pred, y_true)
    else:
        y_pred, y_true, sample_weight = losses_utils.squeeze_or_expand_dimensions(
            y_pred, y_true, sample_weight)
        sample_weight = losses_utils.broadcast_weights(y_pred, sample_weight)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError('Shapes of `y_true` %s and `y_pred` %s do not match.'
                         % (tuple(y_true.shape), tuple(y_pred.shape)))
    if label_weights is not None and not multi_label:
        lw = label_weights.expand(y_pred.shape)
        sample_weight = lw if sample_weight is None else sample_weight * lw
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        if sample_weight is not None:
            sample_weight = sample_weight[..., class_id]
    return y_true, y_pred, sample_weight


def update_confusion_matrix_variables(variables_to_update, y_true, y_pred, thresholds,
                                      top_k=None, class_id=None, sample_weight=None,
                                      multi_label=False, label_weights=None):
    """Add this batch's weighted confusion counts to state tensors, in place.

    Args:
        variables_to_update: ``{ConfusionMatrix: state tensor}``; each state is
            ``(T,)``, or ``(T, labels)`` when ``multi_label``.
        y_true: tensor, nonzero meaning positive; shape of ``y_pred``.
        y_pred: float tensor of scores, usually in ``[0, 1]``.
        thresholds: a :class:`Thresholds` (or a list of floats).
        top_k: keep only the top ``k`` predictions of each row as candidates.
        class_id: look only at this class of the last axis.
        sample_weight: None or broadcastable to ``y_pred``.
        multi_label: count each column of the last axis separately.
        label_weights: per-column weights (for ``multi_label=False``).

    Raises:
        ValueError: for unknown keys or mismatched shapes.
    """
    if not variables_to_update:
        return
    invalid = [k for k in variables_to_update if k not in _VALID_KEYS]
    if invalid:
        raise ValueError('Invalid keys: %s. Valid variable key options are: %s'
                         % (invalid, list(ConfusionMatrix)))
    if not isinstance(thresholds, Thresholds):
        thresholds = Thresholds(to_list(thresholds))
    y_true, y_pred, sample_weight = _prepare(y_true, y_pred, sample_weight, top_k, class_id,
                                             label_weights, multi_label)
    if multi_label:
        n_labels = y_pred.shape[-1] if y_pred.dim() else 1
        shape = (-1, n_labels)
    else:
        shape = (-1, 1)
    labels = (y_true != 0).reshape(shape)
    preds = y_pred.reshape(shape)
    weights = None if sample_weight is None else sample_weight.reshape(shape)
    counts = confusion_counts(labels, preds, weights, thresholds)
    for key, state in variables_to_update.items():
        state.add_(counts[key].reshape(state.shape))
