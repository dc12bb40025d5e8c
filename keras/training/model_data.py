"""Turning ``fit``/``evaluate`` arguments into checked arrays for a model.

Inputs, targets and sample weights become lists in model order, with Keras
2.3.1's checks and messages; class weights become sample weights.  The
functions reading targets take the model's
:class:`~keras.training.compiled_state.CompiledState` (``state``).
"""
import numpy as np
import torch

from keras import losses
from keras.engine.layer_weights import to_torch_dtype
from keras.training import data_adapters, data_checks
from keras.training.batch_sources import ArraySource
from keras.training.target_tensors import fixed_targets

__all__ = ['prepare_arrays', 'target_shapes', 'split_validation', 'callback_validation_data',
           'class_weight_to_sample_weight', 'integer_targets_error', 'standardize_inputs',
           'input_dtypes', 'array_source', 'unpack_validation_data']


def integer_targets_error(y_shape):
    """Keras 2.3.1's error for integer labels given to ``categorical_crossentropy``."""
    return ValueError('You are passing a target array of shape %s while using as loss '
                      '`categorical_crossentropy`. `categorical_crossentropy` expects '
                      'targets to be binary matrices (1s and 0s) of shape (samples, '
                      'classes). If your targets are integer classes, you can convert '
                      'them to the expected format via:\n```\nfrom keras.utils import '
                      'to_categorical\ny_binary = to_categorical(y_int)\n```\n\n'
                      'Alternatively, you can use the loss function '
                      '`sparse_categorical_crossentropy` instead, which does expect '
                      'integer targets.' % (tuple(y_shape),))


def standardize_inputs(model, x, check_batch_axis=False):
    """``x`` as a list of checked arrays in the order of ``model.inputs``."""
    shapes = [x_.shape for x_ in model.inputs]
    return data_adapters.standardize(x, model.input_names, shapes, 'input',
                                     check_batch_axis=check_batch_axis)


def input_dtypes(model):
    """The torch dtype of each model input."""
    return [to_torch_dtype(x.dtype) for x in model.inputs]


def array_source(model, state, xs, ys, sws, batch_size, shuffle, shard=None):
    """An :class:`ArraySource` of checked arrays (``prepare_arrays``' output)
    on the model's device."""
    sw_dtypes = [torch.float32] * len(sws)
    return ArraySource([xs, ys, sws], [input_dtypes(model), state.target_dtypes(model, ys),
                                       sw_dtypes],
                       batch_size, shuffle, model._model_device(), shard=shard)


def unpack_validation_data(validation_data):
    """``(x_val, y_val, sw_val)`` from ``validation_data``, checked as Keras 2.3.1."""
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ValueError('When passing validation_data, it must contain 2 (x_val, y_val) or 3 '
                         '(x_val, y_val, val_sample_weights) items, however it contains %s '
                         'items' % (len(validation_data) if hasattr(validation_data, '__len__')
                                    else validation_data))
    sw_val = validation_data[2] if len(validation_data) == 3 else None
    return validation_data[0], validation_data[1], sw_val


def target_shapes(state):
    """The target shape each output's loss expects (sparse losses want ``(n, 1)``)."""
    shapes = []
    for target in state.targets:
        raw = getattr(target.loss_fn, 'fn', target.loss_fn)
        if not target.has_loss:
            shapes.append(None)
        elif getattr(losses, getattr(raw, '__name__', ''), None) is not raw and \
                not isinstance(target.loss_fn, losses.Loss):
            shapes.append(None)  # a user-defined loss: no assumption on target shapes
        elif losses.is_sparse_categorical_crossentropy(target.loss_fn):
            shapes.append(tuple(target.shape[:-1]) + (1,))
        else:
            shapes.append(tuple(target.shape))
    return shapes


def _check_loss_target(targets, ys):
    for target, y in zip(targets, ys):
        if y is None or not target.has_loss:
            continue
        raw = getattr(target.loss_fn, 'fn', target.loss_fn)
        if raw is losses.categorical_crossentropy and y.shape[-1] == 1 and \
                target.shape[-1] not in (None, 1):
            raise integer_targets_error(y.shape)


def _check_sparse_targets(targets, ys):
    """Labels of a sparse loss within the output's classes (NumPy data only)."""
    for target, y in zip(targets, ys):
        if y is not None and target.has_loss and \
                losses.is_sparse_categorical_crossentropy(target.loss_fn) and \
                target.shape:
            raw = getattr(target.loss_fn, 'fn', target.loss_fn)
            loss_name = getattr(target.loss_fn, 'name', None) or getattr(raw, '__name__', 'loss')
            data_checks.check_sparse_labels(y, loss_name, target.name, target.shape[-1])


def _per_output_weights(value, names, weight_type):
    """Spread ``sample_weight``/``class_weight`` over the outputs, as Keras 2.3.1."""
    if value is None or (isinstance(value, list) and not value):
        return [None for _ in names]
    if len(names) == 1:
        if isinstance(value, list) and len(value) == 1:
            return value
        if isinstance(value, dict) and names[0] in value:
            return [value[names[0]]]
        return [value]
    if isinstance(value, list):
        if len(value) != len(names):
            raise ValueError('Provided `%s` was a list of %d elements, but the model has %d '
                             'outputs. You should provide one `%s` array per model output.'
                             % (weight_type, len(value), len(names), weight_type))
        return value
    if isinstance(value, dict):
        return [value.get(name) for name in names]
    raise TypeError('The model has multiple outputs, so `%s` should be either a list or a dict. '
                    'Provided `%s` type not understood: %r' % (weight_type, weight_type, value))


def _check_sample_weight(target, sw, y):
    if sw is None:
        return None
    if target.sample_weight_mode == 'temporal':
        if sw.ndim != 2:
            raise ValueError('Found a sample_weight array with shape %s. In order to use '
                             'timestep-wise sample weighting, you should pass a 2D sample_weight '
                             'array.' % (sw.shape,))
    elif sw.ndim != 1:
        raise ValueError('Found a sample_weight array with shape %s. In order to use timestep-'
                         'wise sample weighting, you should pass a 2D sample_weight array and '
                         'specify `sample_weight_mode="temporal"` in compile(). If you just '
                         'mean to use sample-wise weights, make sure your sample_weight array '
                         'is 1D.' % (sw.shape,))
    if y is not None and sw.ndim > y.ndim:
        raise ValueError('Found a sample_weight with shape %s. Expected sample_weight with rank '
                         'less than or equal to %d' % (sw.shape, y.ndim))
    if y is not None and tuple(y.shape[:sw.ndim]) != tuple(sw.shape):
        detail = ('it has %d entries for %d samples (one weight per sample expected)'
                  % (sw.shape[0], y.shape[0]) if sw.shape[0] != y.shape[0] else
                  'its shape must be the target\'s first %d axes, %s'
                  % (sw.ndim, tuple(y.shape[:sw.ndim])))
        raise ValueError('Found a sample_weight array with shape %s for an input with shape %s. '
                         'sample_weight cannot be broadcast: %s.'
                         % (sw.shape, tuple(y.shape), detail))
    return sw.astype('float32')


def prepare_arrays(model, state, x, y=None, sample_weight=None, class_weight=None,
                   check_targets=True):
    """Return ``(xs, ys, sws)`` as lists of arrays in model order."""
    xs = standardize_inputs(model, x)
    y = fixed_targets(state.target_tensors if state is not None else None,
                      model.output_names, y)
    targets = state.targets if state is not None else None
    if targets is None:  # (a compile that raised: the AttributeError of ``model._targets``)
        targets = model._targets
    if y is None:
        if check_targets and any(t.has_loss for t in targets):
            raise ValueError('You must pass target data `y` (the model has a loss to compute).')
        return xs, [None] * len(targets), [None] * len(targets)
    names = [t.name for t in targets]
    active = [i for i, t in enumerate(targets) if t.has_loss]
    shapes = target_shapes(state)
    given = data_adapters.standardize(y, [names[i] for i in active], [shapes[i] for i in active],
                                      'target', check_batch_axis=False)
    ys = [None] * len(names)
    for i, value in zip(active, given):
        shape = targets[i].shape
        if value is not None and value.ndim == 1 and (shape is None or len(shape) != 1):
            value = value.reshape(-1, 1)  # Keras 2.3.1 makes 1-D targets (n, 1) for any loss
        ys[i] = value
    _check_loss_target(targets, ys)
    _check_sparse_targets(targets, ys)
    sws = [None if w is None else np.asarray(w)
           for w in _per_output_weights(sample_weight, names, 'sample_weight')]
    cws = _per_output_weights(class_weight, names, 'class_weight')
    out_sw = []
    for target, yv, sw, cw in zip(targets, ys, sws, cws):
        sw = _check_sample_weight(target, sw, yv)
        if cw is not None and yv is not None:
            from_classes = class_weight_to_sample_weight(np.asarray(yv), cw, target.name)
            sw = from_classes if sw is None else sw * from_classes
        out_sw.append(sw)
    data_adapters.check_array_lengths(xs, ys, out_sw)
    return xs, ys, out_sw


def class_weight_to_sample_weight(y, class_weight, output_name):
    """Per-sample weights from ``{class_index: weight}`` (one-hot or sparse ``y``)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        classes = y.argmax(axis=1)
    elif y.ndim == 2 and y.shape[1] == 1:
        classes = y.reshape(-1)
    elif y.ndim == 1:
        classes = y
    else:
        raise ValueError('class_weight not supported for 3+ dimensional targets (output %s has '
                         'shape %s); use sample_weight_mode="temporal" and sample_weight.'
                         % (output_name, y.shape))
    classes = np.round(classes).astype('int64')
    missing = set(np.unique(classes).tolist()) - set(int(k) for k in class_weight)
    if missing:
        raise ValueError('`class_weight` must contain all classes in the data. The classes %s '
                         'exist in the data but not in `class_weight`.' % sorted(missing))
    lookup = {int(k): float(v) for k, v in class_weight.items()}
    return np.asarray([lookup[int(c)] for c in classes], dtype='float32')


def split_validation(groups, validation_split):
    """Cut the last ``validation_split`` of every array off (before shuffling).

    ``groups`` is a list of lists of arrays (inputs, targets, weights); returns
    ``(train_groups, val_groups)``.
    """
    n = data_adapters.num_samples([a for g in groups for a in g if a is not None])
    split_at = int(n * (1. - validation_split))
    if split_at == 0 or split_at == n:
        raise ValueError('`validation_split=%s` leaves %d training and %d validation samples '
                         'out of %d; use a split that keeps both non-empty.'
                         % (validation_split, split_at, n - split_at, n))
    train = [[None if a is None else a[:split_at] for a in g] for g in groups]
    val = [[None if a is None else a[split_at:] for a in g] for g in groups]
    return train, val


def callback_validation_data(state, val):
    """``Callback.validation_data`` as Keras 2.3.1 sets it in ``fit``: the
    validation inputs, then the targets and sample weights of the outputs that
    have a loss (weights of ones where none were given), in one flat list."""
    if val is None:
        return []
    xs, ys, sws = val
    targets, weights = [], []
    for target, y, sw in zip(state.targets, ys, sws):
        if not target.has_loss or y is None:
            continue
        if sw is None:
            temporal = target.sample_weight_mode == 'temporal'
            sw = np.ones(tuple(y.shape[:2]) if temporal else (y.shape[0],), dtype='float32')
        targets.append(y)
        weights.append(sw)
    return list(xs) + targets + weights
