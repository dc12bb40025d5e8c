"""Keras 2.3.1's training helpers by their old names (its public path is
``keras.engine.training_utils``, which re-exports them).

The training loop itself does not use this module: it works from
:mod:`keras.training.model_data`, :mod:`keras.training.data_adapters` and
:mod:`keras.training.compile_outputs`.  These functions give code written against
Keras 2.3.1's internals (data checks, batching, weights, loss and metric
lookups) the same names, arguments and errors, mostly by calling those modules.
"""
import collections.abc
import inspect
import warnings

import numpy as np

from keras import backend as K
from keras import losses
from keras import metrics as metrics_module
from keras.engine.keras_tensor import KerasTensor
from keras.training import compile_outputs, data_adapters, model_data
from keras.training.epoch_loop import should_run_validation  # noqa: F401
from keras.training.model_data import class_weight_to_sample_weight
from keras.utils import losses_utils
from keras.utils._enqueuers import iter_sequence_infinite  # noqa: F401
from keras.utils.data_utils import Sequence  # noqa: F401  (Keras 2.3.1 imported it here)

__all__ = ['standardize_single_array', 'standardize_input_data',
           'standardize_sample_or_class_weights', 'standardize_class_weights',
           'standardize_sample_weights', 'check_array_length_consistency',
           'check_array_lengths', 'check_loss_and_target_compatibility',
           'check_generator_arguments', 'batch_shuffle', 'make_batches',
           'weighted_masked_objective', 'standardize_weights', 'check_num_samples',
           'iter_sequence_infinite', 'is_sequence', 'is_generator_or_sequence',
           'should_run_validation', 'get_static_batch_size', 'get_input_shape_and_dtype',
           'get_loss_function', 'get_output_sample_weight_and_mode', 'prepare_sample_weights',
           'prepare_loss_functions', 'prepare_loss_weights', 'collect_per_output_metric_info',
           'get_metric_name', 'get_metric_function', 'call_metric_function']


# ------------------------------------------------------------------ data checks
def standardize_single_array(x):
    """A 1-D array becomes a column ``(n, 1)``; ``None`` and tensors pass through.

    Raises:
        ValueError: for a symbolic tensor without a static batch size.
    """
    if x is None:
        return None
    if K.is_tensor(x):
        shape = K.int_shape(x)
        if shape is None or shape[0] is None:
            raise ValueError('When feeding symbolic tensors to a model, we expect the tensors '
                             'to have a static batch size. Got tensor with shape: %s'
                             % (shape,))
        return x
    if getattr(x, 'ndim', None) == 1:
        return np.expand_dims(x, 1)
    return x


def standardize_input_data(data, names, shapes=None, check_batch_axis=True,
                           exception_prefix=''):
    """User data (array, list or dict of arrays) as a list of arrays in ``names`` order.

    Args:
        data: what the user passed.
        names: the expected array names (model input or output names).
        shapes: optional expected shapes (``None`` entries are free).
        check_batch_axis: whether the batch size is checked against ``shapes``.
        exception_prefix: ``'input'`` or ``'target'``, used in error messages.

    Raises:
        ValueError: on a missing name, a wrong number of arrays or a shape mismatch.
    """
    arrays = data_adapters.standardize(data, names, None, exception_prefix)
    arrays = [standardize_single_array(a) for a in arrays]
    if not shapes or not names:
        return arrays
    shapes = [None if K.is_tensor(a) else s for a, s in zip(arrays, shapes)]
    return data_adapters.standardize(arrays, names, shapes, exception_prefix,
                                     check_batch_axis=check_batch_axis)


def standardize_sample_or_class_weights(x_weight, output_names, weight_type):
    """Spread ``sample_weight``/``class_weight`` into one entry per output.

    Raises:
        ValueError: for a list of the wrong length.
        TypeError: for a multi-output model given neither a list nor a dict.
    """
    if x_weight is not None and not isinstance(x_weight, (list, dict)) and \
            hasattr(x_weight, '__len__') and len(x_weight) == 0:
        return [None for _ in output_names]
    return model_data._per_output_weights(x_weight, output_names, weight_type)


def standardize_class_weights(class_weight, output_names):
    return standardize_sample_or_class_weights(class_weight, output_names, 'class_weight')


def standardize_sample_weights(sample_weight, output_names):
    return standardize_sample_or_class_weights(sample_weight, output_names, 'sample_weight')


def check_array_length_consistency(inputs, targets, weights=None):
    """Raise ``ValueError`` unless inputs, targets and weights agree on the sample count.

    As Keras 2.3.1's: each argument is a list of arrays (an array is taken as
    the list of its rows), and ``None`` (or a ``None`` entry) counts as 0 samples.
    """
    def lengths(arrays):
        if arrays is None:
            return {0}
        return set(0 if a is None else int(a.shape[0]) for a in arrays)

    def shapes(arrays):
        return [None if a is None else tuple(a.shape) for a in arrays]

    set_x, set_y, set_w = lengths(inputs), lengths(targets), lengths(weights)
    for found, arrays, what in ((set_x, inputs, 'input arrays (x)'),
                                (set_y, targets, 'target arrays (y)'),
                                (set_w, weights, 'sample_weight arrays')):
        if len(found) > 1:
            raise ValueError('All %s should have the same number of samples. Got array '
                             'shapes: %s' % (what, shapes(arrays)))
    if set_x and set_y and set_x != set_y:  # (an empty list is not checked)
        raise ValueError('Input arrays should have the same number of samples as target '
                         'arrays. Found %d input samples and %d target samples.'
                         % (set_x.pop(), set_y.pop()))
    if set_y and set_w and set_y != set_w:
        raise ValueError('Sample_weight arrays should have the same number of samples as '
                         'target arrays. Got %d input samples and %d target samples.'
                         % (set_y.pop(), set_w.pop()))


def check_array_lengths(inputs, targets, weights=None):
    """Like :func:`check_array_length_consistency`, where ``None`` means
    "not given" rather than 0 samples."""
    data_adapters.check_array_lengths(inputs or [], targets or [], weights or [])


def _loss_name(loss):
    return getattr(loss, 'name', None) or getattr(getattr(loss, 'fn', loss), '__name__',
                                                  type(loss).__name__)


def check_loss_and_target_compatibility(targets, loss_fns, output_shapes):
    """Catch targets whose shape cannot suit the loss (integer labels for
    ``categorical_crossentropy``, other sizes for MSE / cross-entropies)."""
    same_shape_fns = (losses.mean_squared_error, losses.binary_crossentropy,
                      losses.categorical_crossentropy)
    same_shape_classes = (losses.MeanSquaredError, losses.BinaryCrossentropy,
                          losses.CategoricalCrossentropy)
    for y, loss, shape in zip(targets, loss_fns, output_shapes):
        if y is None or loss is None:
            continue
        if losses.is_categorical_crossentropy(loss) and y.shape[-1] == 1:
            raise model_data.integer_targets_error(y.shape)
        if isinstance(loss, same_shape_classes) or getattr(loss, 'fn', None) in same_shape_fns:
            for target_dim, out_dim in zip(y.shape[1:], shape[1:]):
                if out_dim is not None and target_dim != out_dim:
                    raise ValueError('A target array with shape %s was passed for an output '
                                     'of shape %s while using as loss `%s`. This loss expects '
                                     'targets to have the same shape as the output.'
                                     % (tuple(y.shape), tuple(shape), _loss_name(loss)))


def check_generator_arguments(y=None, sample_weight=None, validation_split=None):
    """Refuse arguments that make no sense when the data comes from a generator."""
    if y is not None:
        raise ValueError('`y` argument is not supported when data is a generator or Sequence '
                         'instance. Instead pass targets as the second element of the '
                         'generator.')
    if sample_weight is not None:
        raise ValueError('`sample_weight` argument is not supported when data is a generator '
                         'or Sequence instance. Instead pass sample weights as the third '
                         'element of the generator.')
    if validation_split:
        raise ValueError('If your data is in the form of a Python generator, you cannot use '
                         '`validation_split`.')


def check_num_samples(ins, batch_size=None, steps=None, steps_name='steps'):
    """Number of samples in ``ins`` (``None`` when counting in ``steps``).

    Raises:
        ValueError: when both ``steps`` and ``batch_size`` are given, or when
            symbolic inputs come without ``steps``.
    """
    if steps is not None and batch_size is not None:
        raise ValueError('If ' + steps_name + ' is set, the `batch_size` must be None.')
    if not ins or any(K.is_tensor(x) for x in ins):
        if steps is None:
            raise ValueError('If your data is in the form of symbolic tensors, you should '
                             'specify the `' + steps_name + '` argument (instead of the '
                             '`batch_size` argument, because symbolic tensors are expected '
                             'to produce batches of input data).')
        return None
    if hasattr(ins[0], 'shape'):
        return int(ins[0].shape[0])
    return None


# ------------------------------------------------------------------- batching
def batch_shuffle(index_array, batch_size):
    """Shuffle whole batches of ``index_array`` (HDF5-friendly); a last partial
    batch stays at the end."""
    index_array = np.asarray(index_array)
    n_full = len(index_array) // batch_size
    tail = index_array[n_full * batch_size:]
    blocks = index_array[:n_full * batch_size].reshape((n_full, batch_size))
    np.random.shuffle(blocks)
    return np.append(blocks.flatten(), tail)


def make_batches(size, batch_size):
    """``[(start, end), ...]`` covering ``range(size)``, the last batch possibly shorter."""
    return data_adapters.batch_slices(size, batch_size)


def is_sequence(seq):
    """Whether ``seq`` follows the ``keras.utils.Sequence`` API."""
    if isinstance(seq, Sequence) or getattr(seq, 'use_sequence_api', False):
        return True
    return all(hasattr(seq, name) for name in ('__getitem__', '__len__', 'on_epoch_end'))


def is_generator_or_sequence(x):
    """Whether ``x`` is a Python generator or a ``Sequence``."""
    return inspect.isgenerator(x) or is_sequence(x)


# -------------------------------------------------------------------- weights
def weighted_masked_objective(fn):
    """Turn ``fn(y_true, y_pred)`` into ``fn(y_true, y_pred, weights, mask=None)``
    returning the masked, sample-weighted mean (Keras 2.3.1's formula)."""
    if fn is None:
        return None

    def weighted(y_true, y_pred, weights, mask=None):
        score_array = fn(y_true, y_pred)
        if mask is not None:
            mask = K.cast(mask, K.floatx())
            score_array = score_array * mask
            score_array = score_array / (K.mean(mask) + K.epsilon())
        if weights is not None:
            axes = list(range(K.ndim(weights), K.ndim(score_array)))
            if axes:  # an empty axis list means "no reduction" here
                score_array = K.mean(score_array, axis=axes)
            score_array = score_array * weights
            score_array = score_array / K.mean(K.cast(K.not_equal(weights, 0), K.floatx()))
        return K.mean(score_array)
    return weighted


def _check_weight_shape(y, sample_weight, sample_weight_mode):
    if sample_weight_mode is not None:
        if sample_weight_mode != 'temporal':
            raise ValueError('"sample_weight_mode should be None or "temporal". Found: '
                             + str(sample_weight_mode))
        if len(y.shape) < 3:
            raise ValueError('Found a sample_weight array for an input with shape %s. '
                             'Timestep-wise sample weighting (use of sample_weight_mode='
                             '"temporal") is restricted to outputs that are at least 3D, i.e. '
                             'that have a time dimension.' % (y.shape,))
        if sample_weight is not None and len(sample_weight.shape) != 2:
            raise ValueError('Found a sample_weight array with shape %s. In order to use '
                             'timestep-wise sample weighting, you should pass a 2D '
                             'sample_weight array.' % (sample_weight.shape,))
    elif sample_weight is not None and len(sample_weight.shape) != 1:
        raise ValueError('Found a sample_weight array with shape %s. In order to use '
                         'timestep-wise sample weights, you should specify sample_weight_mode='
                         '"temporal" in compile(). If you just mean to use sample-wise '
                         'weights, make sure your sample_weight array is 1D.'
                         % (sample_weight.shape,))
    if sample_weight is not None and tuple(y.shape[:sample_weight.ndim]) != \
            tuple(sample_weight.shape):
        raise ValueError('Found a sample_weight array with shape %s for an input with shape '
                         '%s. sample_weight cannot be broadcast.' % (sample_weight.shape, y.shape))


def standardize_weights(y, sample_weight=None, class_weight=None, sample_weight_mode=None):
    """One weight array for ``y``: ``sample_weight`` times the class weights
    (all ones when neither is given).

    Raises:
        ValueError: for badly shaped weights or classes missing from ``class_weight``.
    """
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)
    _check_weight_shape(y, sample_weight, sample_weight_mode)
    class_sample_weight = None
    if isinstance(class_weight, dict):
        if len(y.shape) > 2:
            raise ValueError('`class_weight` not supported for 3+ dimensional targets.')
        class_sample_weight = class_weight_to_sample_weight(y, class_weight, 'output')
    if sample_weight is not None and class_sample_weight is not None:
        return sample_weight * class_sample_weight
    if sample_weight is not None:
        return sample_weight
    if class_sample_weight is not None:
        return class_sample_weight
    if sample_weight_mode is None:
        return np.ones((y.shape[0],), dtype=K.floatx())
    return np.ones((y.shape[0], y.shape[1]), dtype=K.floatx())


def get_output_sample_weight_and_mode(skip_target_weighing_indices, sample_weight_mode,
                                      output_name, output_index):
    """``(symbolic weight tensor, mode)`` for one output's sample weights,
    ``(None, None)`` if skipped."""
    if output_index in skip_target_weighing_indices:
        return None, None
    temporal = sample_weight_mode == 'temporal'
    # A symbolic stand-in: this backend has no graph placeholders.
    weight = KerasTensor((None, None) if temporal else (None,), K.floatx(),
                         name=output_name + '_sample_weights')
    return weight, ('temporal' if temporal else None)


def prepare_sample_weights(output_names, sample_weight_mode, skip_target_weighing_indices):
    """Per-output sample-weight placeholders and modes from ``compile``'s argument.

    Raises:
        ValueError: for unknown names in a dict, missing outputs, or a list of
            the wrong length.
    """
    n = len(output_names)
    if isinstance(sample_weight_mode, dict):
        unknown = set(sample_weight_mode) - set(output_names)
        if unknown:
            raise ValueError('Unknown entry in sample_weight_mode dictionary: "%s". Only '
                             'expected the following keys: %s' % (unknown, output_names))
        for i, name in enumerate(output_names):
            if i not in skip_target_weighing_indices and name not in sample_weight_mode:
                raise ValueError('Output missing from sample_weight_modes dictionary')
        modes = [sample_weight_mode.get(name) for name in output_names]
    elif isinstance(sample_weight_mode, list):
        if len(sample_weight_mode) != n:
            raise ValueError('When passing a list as sample_weight_mode, it should have one '
                             'entry per model output. The model has %d outputs, but you '
                             'passed %d sample_weight_modes' % (n, len(sample_weight_mode)))
        modes = list(sample_weight_mode)
    else:
        modes = [sample_weight_mode] * n
    pairs = [get_output_sample_weight_and_mode(skip_target_weighing_indices, mode, name, i)
             for i, (name, mode) in enumerate(zip(output_names, modes))]
    return [p[0] for p in pairs], [p[1] for p in pairs]


# ------------------------------------------------------------ model inspection
def get_input_shape_and_dtype(layer):
    """``(batch_input_shape, dtype)`` of the first layer of (nested) ``layer``.

    Raises:
        ValueError: for an empty model.
    """
    def is_graph_model(obj):
        return getattr(obj, '_is_graph_network', False) or \
            obj.__class__.__name__ == 'Sequential'

    while is_graph_model(layer):
        if not layer.layers:
            raise ValueError('An empty Model cannot be used as a Layer.')
        layer = layer.layers[0]
    shape = getattr(layer, '_batch_input_shape', None) or getattr(layer, 'batch_input_shape',
                                                                  None)
    if shape is not None:
        return tuple(shape), layer.dtype
    return None, None


def get_static_batch_size(layer):
    """The fixed batch size of ``layer``'s input, or ``None``."""
    batch_input_shape, _ = get_input_shape_and_dtype(layer)
    return None if batch_input_shape is None else batch_input_shape[0]


# ------------------------------------------------------------- loss / metrics
def get_loss_function(loss):
    """``compile``'s ``loss`` entry as a ``Loss`` object (functions are wrapped
    with ``SUM_OVER_BATCH_SIZE`` reduction)."""
    if loss is None or isinstance(loss, losses.Loss):
        return loss
    if isinstance(loss, collections.abc.Mapping):
        loss = losses.get(loss)
    if callable(loss) and not hasattr(loss, '__name__'):
        return loss
    loss_fn = losses.get(loss)
    return losses.LossFunctionWrapper(loss_fn, name=loss_fn.__name__,
                                      reduction=losses_utils.Reduction.SUM_OVER_BATCH_SIZE)


def _check_unexpected_keys(what, given, expected):
    unknown = [k for k in given if k not in expected]
    if unknown:
        raise ValueError('Unknown entries in {} dictionary: {}. Only expected following keys: '
                         '{}'.format(what, unknown, expected))


def prepare_loss_functions(loss, output_names):
    """One loss object per output from a name, function, list or dict.

    Raises:
        ValueError: for unknown dict keys or a list of the wrong length.
    """
    if isinstance(loss, collections.abc.Mapping):
        _check_unexpected_keys('loss', loss, output_names)
        for name in output_names:
            if name not in loss:
                warnings.warn('Output {0} missing from loss dictionary. We assume this was done '
                              'on purpose. The fit and evaluate APIs will not be expecting any '
                              'data to be passed to {0}.'.format(name))
        return [get_loss_function(loss.get(name)) for name in output_names]
    if isinstance(loss, str):
        return [get_loss_function(loss) for _ in output_names]
    if isinstance(loss, collections.abc.Sequence):
        if len(loss) != len(output_names):
            raise ValueError('When passing a list as loss, it should have one entry per model '
                             'outputs. The model has {} outputs, but you passed loss={}'
                             .format(len(output_names), loss))
        return [get_loss_function(l) for l in loss]
    return [get_loss_function(loss) for _ in output_names]


def prepare_loss_weights(output_names, loss_weights=None):
    """One float per output from ``compile``'s ``loss_weights`` (default 1.0).

    Raises:
        ValueError: for unknown dict keys or a list of the wrong length.
        TypeError: for any other type.
    """
    if loss_weights is None:
        return [1.] * len(output_names)
    if isinstance(loss_weights, collections.abc.Mapping):
        _check_unexpected_keys('loss_weights', loss_weights, output_names)
        return [loss_weights.get(name, 1.) for name in output_names]
    if isinstance(loss_weights, list):
        if len(loss_weights) != len(output_names):
            raise ValueError('When passing a list as loss_weights, it should have one entry '
                             'per model output. The model has %d outputs, but you passed '
                             'loss_weights=%s' % (len(output_names), loss_weights))
        return loss_weights
    raise TypeError('Could not interpret loss_weights argument: %s - expected a list of dicts.'
                    % (loss_weights,))


def get_metric_name(metric, weighted=False):
    """The name a metric is reported under (a string keeps its own spelling)."""
    if isinstance(metric, str):
        return metric
    metric = metrics_module.get(metric)
    return metric.name if hasattr(metric, 'name') else metric.__name__


def get_metric_function(metric, output_shape=None, loss_fn=None):
    """The function behind ``metric``; ``'accuracy'``/``'acc'`` and
    ``'crossentropy'``/``'ce'`` pick the binary, sparse or categorical variant
    from the output shape and the loss, as ``compile`` does."""
    if not isinstance(metric, str) or metric not in ('accuracy', 'acc', 'crossentropy', 'ce'):
        return metrics_module.get(metric)
    return compile_outputs.accuracy_or_crossentropy(metric, output_shape, loss_fn)


def _nested_metrics(metrics, output_names):
    if isinstance(metrics, list):
        if any(isinstance(m, list) for m in metrics):
            if len(metrics) != len(output_names):
                raise ValueError('When passing a list of lists as `metrics`, it should have one '
                                 'entry per model output. The model has %d outputs, but you '
                                 'passed metrics=%s' % (len(output_names), metrics))
            return [m if isinstance(m, list) else [m] for m in metrics]
        if len(output_names) > 1:
            return [[metrics_module.clone_metric(m) for m in metrics] for _ in output_names]
        return [metrics]
    if isinstance(metrics, collections.abc.Mapping):
        _check_unexpected_keys('metrics', metrics, output_names)
        nested = []
        for name in output_names:
            entry = metrics.get(name, [])
            nested.append(entry if isinstance(entry, list) else [entry])
        return nested
    raise TypeError('Type of `metrics` argument not understood. Expected a list or '
                    'dictionary, found: %s' % (metrics,))


def collect_per_output_metric_info(metrics, output_names, output_shapes, loss_fns,
                                   is_weighted=False):
    """For each output, an ordered ``{name: Metric}`` dict of its metrics
    (plain functions are wrapped in ``MeanMetricWrapper``).

    Raises:
        ValueError / TypeError: for metrics that do not match the outputs.
    """
    if not metrics:
        return [{} for _ in output_names]
    per_output = []
    for i, output_metrics in enumerate(_nested_metrics(metrics, output_names)):
        entries = collections.OrderedDict()
        for metric in output_metrics:
            name = get_metric_name(metric, is_weighted)
            fn = get_metric_function(metric, output_shape=output_shapes[i], loss_fn=loss_fns[i])
            if not isinstance(fn, metrics_module.Metric):
                fn = metrics_module.MeanMetricWrapper(fn, name=name)
            entries[name] = fn
        per_output.append(entries)
    return per_output


def call_metric_function(metric_fn, y_true, y_pred=None, weights=None, mask=None):
    """Update a stateful metric with one batch (``mask`` acts as a weight) and
    return its result."""
    if mask is not None:
        mask = K.cast(mask, y_pred.dtype)
        if weights is None:
            weights = mask
        else:
            mask, _, weights = losses_utils.squeeze_or_expand_dimensions(mask,
                                                                         sample_weight=weights)
            weights = weights * mask
    if y_pred is not None:
        metric_fn.update_state(y_true, y_pred, sample_weight=weights)
    else:
        metric_fn.update_state(y_true, sample_weight=weights)
    return metric_fn.result()
