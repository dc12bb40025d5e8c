"""What ``compile()`` resolves: per-output losses, weights and metrics.

Names follow Keras 2.3.1: ``'acc'`` stays ``acc`` and ``'accuracy'`` stays
``accuracy``; with several outputs, ``<output>_loss`` and
``<output>_<metric>``; weighted metrics are named like the others, and a
name already taken gets ``_1``, ``_2``... (``output_1_mean_squared_error_1``).
Outputs without a loss get no metrics, as in Keras 2.3.1.
"""
import warnings

from keras import losses as losses_module
from keras import metrics as metrics_module
from keras.base_metric import Metric
from keras.training.metric_aliases import metric_aliases

__all__ = ['OutputTarget', 'resolve_outputs', 'weighted_loss', 'attribute_metrics']

_ACCURACY_NAMES = ('accuracy', 'acc')
_CROSSENTROPY_NAMES = ('crossentropy', 'ce')


class OutputTarget(object):
    """Everything the train step needs to know about one model output."""

    def __init__(self, name, shape, loss_fn, loss_weight, metrics, weighted_metrics,
                 sample_weight_mode):
        self.name = name
        self.shape = shape
        self.loss_fn = loss_fn
        self.loss_weight = float(loss_weight)
        self.metrics = metrics
        self.weighted_metrics = weighted_metrics
        self.sample_weight_mode = sample_weight_mode
        self.loss_metric = None  # running mean of this output's loss (multi-output)

    @property
    def has_loss(self):
        return self.loss_fn is not None


def _per_output(value, output_names, what, default=None):
    """Spread a single value, a list or a dict over the outputs."""
    n = len(output_names)
    if isinstance(value, dict):
        for key in value:
            if key not in output_names:
                raise ValueError('Unknown entry in %s dictionary: "%s". Only expected the '
                                 'following keys: %s' % (what, key, output_names))
        out = []
        for name in output_names:
            if name not in value and what == 'loss':
                warnings.warn('Output "%s" missing from loss dictionary. We assume this was '
                              'done on purpose. The fit and evaluate APIs will not be expecting '
                              'any data to be passed to "%s".' % (name, name))
            out.append(value.get(name, default))
        return out
    if isinstance(value, (list, tuple)) and what != 'metrics-item':
        if len(value) != n:
            raise ValueError('When passing a list as %s, it should have one entry per model '
                             'output. The model has %d outputs, but you passed %s=%s'
                             % (what, n, what, value))
        return list(value)
    return [value] * n


def _loss_name(loss):
    if isinstance(loss, str):
        return loss
    return getattr(loss, 'name', None) or getattr(loss, '__name__', type(loss).__name__)


def accuracy_or_crossentropy(metric, shape, loss_fn):
    """The function behind ``'accuracy'``/``'acc'`` or ``'crossentropy'``/``'ce'``:
    the binary, sparse or categorical variant, picked from the output ``shape``
    and the loss, as Keras 2.3.1 picks it."""
    is_binary = losses_module.is_binary_crossentropy(loss_fn)
    is_sparse = losses_module.is_sparse_categorical_crossentropy(loss_fn)
    if metric in _ACCURACY_NAMES:
        if (shape and shape[-1] == 1) or is_binary:
            return metrics_module.binary_accuracy
        if is_sparse:
            return metrics_module.sparse_categorical_accuracy
        return metrics_module.categorical_accuracy
    if (shape and shape[-1] == 1) or is_binary:
        return metrics_module.binary_crossentropy
    if is_sparse:
        return metrics_module.sparse_categorical_crossentropy
    return metrics_module.categorical_crossentropy


def make_metric(metric, shape, loss_fn, weighted, prefix):
    """A stateful metric object for one user metric entry, with its display name."""
    if isinstance(metric, str) and metric in _ACCURACY_NAMES + _CROSSENTROPY_NAMES:
        fn = accuracy_or_crossentropy(metric, shape, loss_fn)
        name = metric
        obj = metrics_module.MeanMetricWrapper(fn, name=name)
    elif isinstance(metric, metrics_module.Metric):
        obj = metric
        name = metric.name
    else:
        fn = metrics_module.get(metric)
        if isinstance(fn, metrics_module.Metric):
            obj, name = fn, fn.name
        else:
            name = metric if isinstance(metric, str) else getattr(fn, '__name__', 'metric')
            obj = metrics_module.MeanMetricWrapper(fn, name=name)
    return prefix + name, obj


def resolve_outputs(model, loss, metrics, loss_weights, sample_weight_mode, weighted_metrics):
    """One :class:`OutputTarget` per model output, the metric names in order,
    and the older names of those metrics (``keras.training.metric_aliases``)."""
    names = list(model.output_names)
    shapes = [tuple(o.shape) for o in model.outputs]
    loss_list = _per_output(loss, names, 'loss')
    loss_fns = [None if l is None else losses_module.get(l) for l in loss_list]
    if loss_weights is not None and not isinstance(loss_weights, (dict, list)):
        raise TypeError('Could not interpret loss_weights argument: %r - expected a list or a '
                        'dict (one weight per output).' % (loss_weights,))
    weights = _per_output(loss_weights if loss_weights is not None else 1., names,
                          'loss_weights', default=1.)
    modes = _per_output(sample_weight_mode, names, 'sample_weight_mode')
    if isinstance(sample_weight_mode, dict):
        for name, loss_fn in zip(names, loss_fns):
            if loss_fn is not None and name not in sample_weight_mode:
                raise ValueError('Output "%s" missing from the sample_weight_mode dictionary: '
                                 'give a mode (None or "temporal") for every output with a '
                                 'loss (%s).' % (name, [n for n, f in zip(names, loss_fns)
                                                        if f is not None]))
    for mode in modes:
        if mode not in (None, 'temporal'):
            raise ValueError('sample_weight_mode must be None or "temporal", got %r.' % (mode,))
    metric_lists = _metric_lists(metrics, names)
    weighted_lists = _metric_lists(weighted_metrics, names)
    multi = len(names) > 1
    targets = []
    for i, name in enumerate(names):
        prefix = name + '_' if multi else ''
        built, built_w = [], []
        if loss_fns[i] is not None:  # (Keras 2.3.1 skips the metrics of loss-free outputs)
            built = [make_metric(m, shapes[i], loss_fns[i], False, prefix)
                     for m in metric_lists[i]]
            built_w = [make_metric(m, shapes[i], loss_fns[i], True, prefix)
                       for m in weighted_lists[i]]
        target = OutputTarget(name, shapes[i], loss_fns[i], weights[i], built, built_w, modes[i])
        if multi and target.has_loss:
            target.loss_metric = metrics_module.Mean(name=name + '_loss')
        targets.append(target)
    metric_names = ['loss']
    if multi:
        metric_names += [t.name + '_loss' for t in targets if t.has_loss]
    for t in targets:
        t.metrics = _unique_names(t.metrics, metric_names)
        t.weighted_metrics = _unique_names(t.weighted_metrics, metric_names)
    aliases = metric_aliases(targets, metric_lists, weighted_lists, set(metric_names))
    return targets, metric_names, aliases


def attribute_metrics(model):
    """``[(name, metric)]``: the ``Metric`` objects set as attributes of
    ``model`` or of its layers, in the order they were set.  Keras 2.3.1
    tracks those (``self.mean = Mean('m')`` in a subclassed model) and lists
    them after the compiled metrics, before the ones ``add_metric`` creates."""
    found = []
    for owner in [model] + list(model.layers):
        for value in list(owner.__dict__.values()):
            if isinstance(value, Metric) and all(value is not m for _, m in found):
                found.append((value.name, value))
    return found


def _metric_lists(metrics, names):
    if not metrics:
        return [[] for _ in names]
    if isinstance(metrics, dict):
        for key in metrics:
            if key not in names:
                raise ValueError('Unknown entry in metrics dictionary: "%s". Only expected the '
                                 'following keys: %s' % (key, names))
        return [_as_list(metrics.get(n, [])) for n in names]
    if isinstance(metrics, (list, tuple)):
        if metrics and all(isinstance(m, (list, tuple)) for m in metrics):
            if len(metrics) != len(names):
                raise ValueError('When passing a list of lists as `metrics`, it should have one '
                                 'entry per model output. The model has %d outputs, but you '
                                 'passed metrics=%s' % (len(names), metrics))
            return [list(m) for m in metrics]
        if len(names) == 1:
            return [list(metrics)]
        # one list for every output: each output gets its own copy of a Metric object
        return [[metrics_module.clone_metric(m) for m in metrics] for _ in names]
    raise TypeError('Type of `metrics` argument not understood. Expected a list or dictionary, '
                    'found: %r' % (metrics,))


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _unique_names(named_metrics, taken):
    """``(name, metric)`` pairs renamed ``name_1``, ``name_2``... where ``name``
    is in ``taken`` (which gets the new names), the metric objects renamed too."""
    out = []
    for name, metric in named_metrics:
        unique, j = name, 1
        while unique in taken:
            unique = '%s_%d' % (name, j)
            j += 1
        taken.append(unique)
        if getattr(metric, 'name', unique) != unique:  # (as Keras 2.3.1 renames them)
            try:
                metric.name = unique
            except AttributeError:  # (a read-only name: the logs still use ``unique``)
                pass
        out.append((unique, metric))
    return out


def weighted_loss(loss_fn, y_true, y_pred, sample_weight):
    """The scalar loss of one output: per-sample losses times weights, summed
    and divided by the number of loss values (Keras 2.3.1's
    ``SUM_OVER_BATCH_SIZE``)."""
    if isinstance(loss_fn, losses_module.Loss):
        return loss_fn(y_true, y_pred, sample_weight=sample_weight)
    values = loss_fn(y_true, y_pred)
    if sample_weight is None:
        return values.mean()
    weights = sample_weight.to(values.dtype)
    while weights.dim() < values.dim():
        weights = weights.unsqueeze(-1)
    while weights.dim() > values.dim() and weights.shape[-1] == 1:
        weights = weights.squeeze(-1)
    return (values * weights).sum() / values.numel()
