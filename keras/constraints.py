"""Weight constraints (Keras 2.3.1): projections applied after each update.

A constraint is called on a weight tensor and returns the projected tensor.
Norms are taken along ``axis`` (``0`` for a Dense kernel ``(in, out)`` means
one norm per output unit; ``[0, 1, 2]`` for a Conv2D kernel
``(rows, cols, in, out)``).  Keras 1 config dicts (``{'name': 'MaxNorm',
'm': 2, 'axis': 0}``) are understood too.
"""
import torch

from keras.backend import config as _config
from keras.legacy.interfaces import convert_kwargs
from keras.utils.generic_utils import deserialize_keras_object
from keras.utils.generic_utils import serialize_keras_object

__all__ = ['Constraint', 'MaxNorm', 'NonNeg', 'UnitNorm', 'MinMaxNorm',
           'max_norm', 'non_neg', 'unit_norm', 'min_max_norm',
           'maxnorm', 'nonneg', 'unitnorm', 'serialize', 'deserialize', 'get']


def _dims(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _norms(w, axis):
    """L2 norms of ``w`` along ``axis``, keeping the reduced dimensions."""
    return torch.sqrt(torch.sum(torch.square(w), dim=_dims(axis), keepdim=True))


class Constraint(object):
    """Base class: ``__call__(w)`` returns ``w`` projected; the base returns it as is."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ', '.join('%s=%r' % kv for kv in self.get_config().items())
        return '%s(%s)' % (self.__class__.__name__, args)


class MaxNorm(Constraint):
    """Rescale so that each norm along ``axis`` is at most ``max_value``.

    Computes ``w * clip(norms, 0, max_value) / (epsilon + norms)``.

    Args:
        max_value: The largest norm allowed (Keras 1: ``m``).
        axis: Axis or list of axes the norm is taken along.
    """

    def __init__(self, max_value=2, axis=0, **kwargs):
        convert_kwargs('MaxNorm', kwargs, {'m': 'max_value'})
        if 'max_value' in kwargs:
            max_value = kwargs.pop('max_value')
        if kwargs:
            raise TypeError('MaxNorm got unexpected arguments: %s'
                            % ', '.join(sorted(kwargs)))
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0., float(self.max_value))
        return w * (desired / (_config.epsilon() + norms))

    def get_config(self):
        return {'max_value': self.max_value, 'axis': self.axis}


class NonNeg(Constraint):
    """Set negative weights to zero."""

    def __call__(self, w):
        return w * (w >= 0.).to(w.dtype)


class UnitNorm(Constraint):
    """Divide by the norm along ``axis``: ``w / (epsilon + norms)``."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (_config.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {'axis': self.axis}


class MinMaxNorm(Constraint):
    """Pull each norm along ``axis`` into ``[min_value, max_value]``.

    The target norm is ``rate * clip(norms, min_value, max_value) +
    (1 - rate) * norms``; ``w`` is multiplied by ``target / (epsilon + norms)``.

    Args:
        min_value: Smallest norm allowed.
        max_value: Largest norm allowed.
        rate: 1.0 moves all the way at once; smaller values move part way.
        axis: Axis or list of axes the norm is taken along.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        clipped = torch.clamp(norms, float(self.min_value), float(self.max_value))
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (_config.epsilon() + norms))

    def get_config(self):
        return {'min_value': self.min_value, 'max_value': self.max_value,
                'rate': self.rate, 'axis': self.axis}


# Short names, as in Keras 2.3.1 (and its Keras 1 spellings).
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
maxnorm = max_norm
nonneg = non_neg
unitnorm = unit_norm

_OBJECTS = {name: globals()[name] for name in __all__
            if name not in ('serialize', 'deserialize', 'get')}


def serialize(constraint):
    """``{'class_name': ..., 'config': ...}`` of a constraint."""
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """Build a constraint from ``serialize`` output (Keras 1, 2 or tf.keras).

    Raises:
        ValueError: for an unknown class name; the message lists the known ones.
    """
    if isinstance(config, dict) and 'name' in config and 'class_name' not in config:
        config = {'class_name': config['name'],
                  'config': {k: v for k, v in config.items() if k != 'name'}}
    return deserialize_keras_object(config, module_objects=_OBJECTS,
                                    custom_objects=custom_objects,
                                    printable_module_name='constraint')


def get(identifier):
    """The constraint for ``None``, a name, a serialized dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret constraint identifier: %r' % (identifier,))
