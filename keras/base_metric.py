"""The base of stateful metrics: :class:`Metric`, and the reductions
:class:`Reduce`, :class:`Sum`, :class:`Mean`, :class:`MeanMetricWrapper`.

Import them from :mod:`keras.metrics`.  State lives in tensors on the device
of the data: ``update_state`` only launches tensor operations (no ``.item()``,
no branching on values, no host sync) and runs without autograd; ``result()``
returns a tensor.  Every state tensor is a sum, so adding the states of
several processes merges them.
"""
import functools

import numpy as np
import torch

from keras import initializers
from keras.backend import graph_hooks
from keras.backend.session import get_device, get_uid
from keras.backend.symbolic import contains_keras_tensor
from keras.backend.variables import from_torch_dtype, to_torch_dtype
from keras.utils import losses_utils, metrics_utils
from keras.utils.generic_utils import serialize_keras_object, to_snake_case

__all__ = ['Metric', 'Reduce', 'Sum', 'Mean', 'MeanMetricWrapper', 'div_no_nan']


def _first_device(args, kwargs):
    """The device of ``y_pred`` (else of any tensor argument), or None."""
    preferred = kwargs.get('y_pred', args[1] if len(args) > 1 else None)
    if isinstance(preferred, torch.Tensor):
        return preferred.device
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, torch.Tensor):
            return value.device
    return None


def _on_data_device(fn):
    """Wrap ``update_state``: move the state to the data's device, no autograd."""
    @functools.wraps(fn)
    def update_state(self, *args, **kwargs):
        device = _first_device(args, kwargs)
        if device is not None and device != self._device:
            self._move_state(device)
        with torch.no_grad():
            return fn(self, *args, **kwargs)
    update_state._on_data_device = True
    return update_state


def _update_and_result(metric, *args, **kwargs):
    metric.update_state(*args, **kwargs)
    return metric.result()


class Metric(object):
    """Base of stateful metrics.

    Subclasses create state in ``__init__`` with ``self.v = self.add_weight(name)``,
    add to it in place in ``update_state`` (``self.v.add_(...)`` or
    ``K.update_add``), and compute the value from it in ``result()``.

    Args:
        name: name of the metric (default: snake-case class name with a
            number, as Keras 2.3.1 layers, e.g. ``'auc_1'``).
        dtype: dtype of the state and the result (default ``floatx()``).
    """

    def __init_subclass__(cls, **kwargs):
        super(Metric, cls).__init_subclass__(**kwargs)
        fn = cls.__dict__.get('update_state')
        if fn is not None and not getattr(fn, '_on_data_device', False):
            cls.update_state = _on_data_device(fn)

    def __init__(self, name=None, dtype=None, **kwargs):
        kwargs.pop('trainable', None)
        if kwargs:
            raise TypeError('Metric got unexpected keyword arguments: %s'
                            % ', '.join(sorted(kwargs)))
        if not name:
            prefix = self.__class__.__name__
            name = '%s_%d' % (to_snake_case(prefix), get_uid(prefix))
        self.name = name
        self._torch_dtype = to_torch_dtype(dtype)
        self.dtype = from_torch_dtype(self._torch_dtype)
        self.stateful = True
        self.built = True
        self._weights = []
        device = get_device()
        if device.type == 'cuda' and device.index is None:
            device = torch.device('cuda', torch.cuda.current_device())
        self._device = device

    def add_weight(self, name, shape=(), initializer='zeros', dtype=None):
        """Create a state tensor (zeros unless ``initializer`` says otherwise)."""
        torch_dtype = to_torch_dtype(dtype) if dtype is not None else self._torch_dtype
        value = torch.zeros(tuple(shape), dtype=torch_dtype, device=self._device)
        if initializer not in (None, 'zeros', 'Zeros'):
            init = initializers.get(initializer)(tuple(shape))
            value.copy_(torch.as_tensor(np.asarray(init) if not isinstance(init, torch.Tensor)
                                        else init, dtype=torch_dtype))
        value._keras_name = '%s/%s' % (self.name, name)
        self._weights.append(value)
        return value

    def _move_state(self, device):
        """Move every state tensor to ``device``, re-pointing the attributes."""
        moved = {}
        for w in self._weights:
            dtype = torch.float32 if (device.type == 'mps' and w.dtype == torch.float64) \
                else w.dtype
            new = w.to(device=device, dtype=dtype)
            new._keras_name = getattr(w, '_keras_name', None)
            moved[id(w)] = new
        for key, value in list(self.__dict__.items()):
            if isinstance(value, torch.Tensor) and id(value) in moved:
                self.__dict__[key] = moved[id(value)]
        self._weights = [moved[id(w)] for w in self._weights]
        self._device = device

    @property
    def weights(self):
        """The state tensors, in creation order."""
        return list(self._weights)

    variables = weights

    def get_weights(self):
        return [w.detach().cpu().numpy().copy() for w in self._weights]

    def set_weights(self, weights):
        self._count_positive = False
        with torch.no_grad():
            for w, value in zip(self._weights, weights):
                w.copy_(torch.as_tensor(np.asarray(value), dtype=w.dtype))

    def reset_states(self):
        """Zero every state tensor (between epochs)."""
        self._count_positive = False
        with torch.no_grad():
            for w in self._weights:
                w.zero_()

    def reset_state(self):
        """tf.keras's name for :meth:`reset_states`."""
        self.reset_states()

    def update_state(self, *args, **kwargs):
        raise NotImplementedError('Metric subclasses must implement `update_state`.')

    def result(self):
        raise NotImplementedError('Metric subclasses must implement `result`.')

    def __call__(self, *args, **kwargs):
        """Update the state with one batch and return the running result.

        On symbolic tensors, records the update in the graph instead (it runs
        each time the model runs) and returns a symbolic result.
        """
        if contains_keras_tensor(args, kwargs):
            result = graph_hooks.call_symbolically(_update_and_result, (self,) + args, kwargs)
            self.reset_states()  # building the graph ran it on placeholder data
        else:
            result = _update_and_result(self, *args, **kwargs)
        try:
            result._metric_obj = self
        except AttributeError:
            pass
        return result

    def _tensor(self, x, dtype=None):
        """``x`` as a tensor of the metric's dtype on the state's device."""
        dtype = dtype or self._torch_dtype
        if isinstance(x, torch.Tensor):
            return x.to(device=self._device, dtype=dtype)
        return torch.as_tensor(np.asarray(x), dtype=dtype, device=self._device)

    def get_config(self):
        return {'name': self.name, 'dtype': self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return '<%s name=%r>' % (self.__class__.__name__, self.name)


class Reduce(Metric):
    """Accumulate a (weighted) reduction of values: ``metrics_utils.Reduction``."""

    _count_positive = False  # the count is known to be > 0 (see MeanMetricWrapper)

    def __init__(self, reduction, name, dtype=None):
        super(Reduce, self).__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self.total = self.add_weight('total')
        if reduction in (metrics_utils.Reduction.SUM_OVER_BATCH_SIZE,
                         metrics_utils.Reduction.WEIGHTED_MEAN):
            self.count = self.add_weight('count')

    def update_state(self, values, sample_weight=None):
        """Add ``sum(values * sample_weight)`` to the total (and the weights'
        sum, or the number of values, to the count).

        ``sample_weight`` is broadcast to ``values`` (a ``(batch,)`` vector
        weighs each sample).
        """
        values = self._tensor(values)
        weights = None
        self._count_positive = False
        if sample_weight is not None:
            weights = self._tensor(sample_weight)
            values, _, weights = losses_utils.squeeze_or_expand_dimensions(
                values, sample_weight=weights)
            weights = losses_utils.broadcast_weights(values, weights)
            values = values * weights
        self.total.add_(torch.sum(values))
        if self.reduction == metrics_utils.Reduction.SUM:
            return
        if weights is None or self.reduction == metrics_utils.Reduction.SUM_OVER_BATCH_SIZE:
            self.count.add_(values.numel())
        else:
            self.count.add_(torch.sum(weights))

    def result(self):
        if self.reduction == metrics_utils.Reduction.SUM:
            return self.total.clone()
        if self._count_positive and type(self).reset_states is Metric.reset_states:
            return self.total / self.count  # (one op instead of three)
        return div_no_nan(self.total, self.count)


def div_no_nan(a, b):
    """``a / b``, and 0 where ``b == 0`` (tf.keras's ``div_no_nan``)."""
    return torch.where(b == 0, 0., a / b)


class Sum(Reduce):
    """The (weighted) sum of all values seen."""

    def __init__(self, name='sum', dtype=None):
        super(Sum, self).__init__(metrics_utils.Reduction.SUM, name=name, dtype=dtype)


class Mean(Reduce):
    """The weighted mean of all values seen: ``sum(values * w) / sum(w)``
    (0 before any weight is seen)."""

    def __init__(self, name='mean', dtype=None):
        super(Mean, self).__init__(metrics_utils.Reduction.WEIGHTED_MEAN, name=name,
                                   dtype=dtype)


class MeanMetricWrapper(Mean):
    """The running weighted mean of a metric function ``fn(y_true, y_pred, **kwargs)``.

    Example:
        >>> m = MeanMetricWrapper(binary_accuracy, name='acc', threshold=0.7)
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super(MeanMetricWrapper, self).__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = self._tensor(y_true)
        y_pred = self._tensor(y_pred)
        y_pred, y_true = losses_utils.squeeze_or_expand_dimensions(y_pred, y_true)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        return super(MeanMetricWrapper, self).update_state(values, sample_weight=sample_weight)

    def _update_unweighted(self, y_true, y_pred):
        """``update_state(y_true, y_pred)`` for the training loop's hot path.

        Same numbers with less Python: the caller passes tensors (``y_pred``
        on the model's device), no sample weight, and has autograd off.
        """
        if y_pred.device != self._device:
            self._move_state(y_pred.device)
        dtype = self._torch_dtype
        if y_pred.dtype is not dtype:
            y_pred = y_pred.to(dtype)
        if y_true.dtype is not dtype or y_true.device != y_pred.device:
            y_true = y_true.to(device=y_pred.device, dtype=dtype)
        if y_true.dim() != y_pred.dim():
            y_pred, y_true = losses_utils.squeeze_or_expand_dimensions(y_pred, y_true)
        values = self._raw_fn(y_true, y_pred, **self._fn_kwargs)
        if not isinstance(values, torch.Tensor) or values.dtype is not dtype:
            values = self._tensor(values)
        self.total.add_(torch.sum(values))
        self.count.add_(values.numel())
        # Only this path knows the count is > 0 without reading it back;
        # every other state change clears the flag.
        self._count_positive = values.numel() > 0 or self._count_positive

    @property
    def _raw_fn(self):
        # the metric function without the symbolic-call check of ``@symbolic``
        return getattr(self._fn, '__wrapped_backend_fn__', self._fn)

    @property
    def has_plain_update(self):
        """Whether ``update_state`` is this class's own (not a subclass's), so
        :meth:`_update_unweighted` computes the same thing."""
        return type(self).update_state is MeanMetricWrapper.update_state

    def get_config(self):
        config = super(MeanMetricWrapper, self).get_config()
        for key, value in self._fn_kwargs.items():
            if isinstance(value, torch.Tensor):
                value = value.detach().cpu().numpy().tolist()
            config[key] = value
        if type(self) is MeanMetricWrapper:
            config['fn'] = serialize_keras_object(self._fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop('fn', None)
        if cls is MeanMetricWrapper:
            if fn is None:
                raise ValueError('A MeanMetricWrapper config needs the key "fn".')
            from keras.metrics import get  # a true cycle: keras.metrics imports this module
            return cls(get(fn), **config)
        return cls(**config)
