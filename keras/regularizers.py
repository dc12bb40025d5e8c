"""Weight regularizers (Keras 2.3.1): penalties added to the training loss.

A regularizer is called on a weight tensor and returns a scalar torch tensor.
The tf.keras classes ``L1`` and ``L2`` and the Keras 1 config dicts
(``{'name': 'L1L2Regularizer', 'l1': ..., 'l2': ...}``) are understood too.
"""
import numpy as np
import torch

from keras.utils.generic_utils import deserialize_keras_object
from keras.utils.generic_utils import serialize_keras_object

__all__ = ['Regularizer', 'L1L2', 'L1', 'L2', 'l1', 'l2', 'l1_l2',
           'serialize', 'deserialize', 'get']


def _as_float32(value):
    """The value rounded to float32, as ``K.cast_to_floatx`` did in Keras 2.3.1."""
    return float(np.float32(value))


class Regularizer(object):
    """Base class: ``__call__(x)`` returns the penalty for weight ``x``."""

    def __call__(self, x):
        return torch.zeros((), dtype=x.dtype, device=x.device)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x ** 2)``.

    Args:
        l1: L1 factor (stored rounded to float32, as Keras 2.3.1 does).
        l2: L2 factor.

    Example:
        >>> L1L2(l2=0.01)(torch.ones(3))
        tensor(0.0300)
    """

    def __init__(self, l1=0., l2=0.):
        self.l1 = _as_float32(l1)
        self.l2 = _as_float32(l2)

    def __call__(self, x):
        regularization = None
        if self.l1:
            regularization = self.l1 * torch.sum(torch.abs(x))
        if self.l2:
            penalty = self.l2 * torch.sum(torch.square(x))
            regularization = penalty if regularization is None else regularization + penalty
        if regularization is None:
            return torch.zeros((), dtype=x.dtype, device=x.device)
        return regularization

    def get_config(self):
        return {'l1': float(self.l1), 'l2': float(self.l2)}

    def __repr__(self):
        return '%s(l1=%r, l2=%r)' % (self.__class__.__name__, self.l1, self.l2)


class L1(L1L2):
    """tf.keras's L1 penalty ``l1 * sum(|x|)``; config ``{'l1': ...}``."""

    def __init__(self, l1=0.01, **kwargs):
        l1 = kwargs.pop('l', l1)
        if kwargs:
            raise TypeError('L1 got unexpected arguments: %s' % ', '.join(sorted(kwargs)))
        super(L1, self).__init__(l1=l1)

    def get_config(self):
        return {'l1': float(self.l1)}


class L2(L1L2):
    """tf.keras's L2 penalty ``l2 * sum(x ** 2)``; config ``{'l2': ...}``."""

    def __init__(self, l2=0.01, **kwargs):
        l2 = kwargs.pop('l', l2)
        if kwargs:
            raise TypeError('L2 got unexpected arguments: %s' % ', '.join(sorted(kwargs)))
        super(L2, self).__init__(l2=l2)

    def get_config(self):
        return {'l2': float(self.l2)}


def l1(l=0.01):  # noqa: E741 -- Keras's argument name
    """``L1L2(l1=l)``."""
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    """``L1L2(l2=l)``."""
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):  # pylint: disable=redefined-outer-name
    """``L1L2(l1=l1, l2=l2)``."""
    return L1L2(l1=l1, l2=l2)


_OBJECTS = {'Regularizer': Regularizer, 'L1L2': L1L2, 'L1': L1, 'L2': L2,
            'l1': l1, 'l2': l2, 'l1_l2': l1_l2}

# Keras 1 class names, all of them an L1/L2 penalty.
_KERAS1_NAMES = {'L1L2Regularizer': 'L1L2', 'WeightRegularizer': 'L1L2',
                 'ActivityRegularizer': 'L1L2'}


def _from_keras1_dict(config):
    """``{'name': 'L1L2Regularizer', 'l1': .., 'l2': ..}`` -> Keras 2 form."""
    rest = {k: v for k, v in config.items() if k != 'name'}
    name = _KERAS1_NAMES.get(config['name'], config['name'])
    if name == 'L1L2':
        rest = {k: v for k, v in rest.items() if k in ('l1', 'l2')}
    return {'class_name': name, 'config': rest}


def serialize(regularizer):
    """``{'class_name': ..., 'config': ...}`` of a regularizer."""
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """Build a regularizer from ``serialize`` output (Keras 1, 2 or tf.keras).

    Raises:
        ValueError: for an unknown class name; the message lists the known ones.
    """
    if isinstance(config, dict) and 'name' in config and 'class_name' not in config:
        config = _from_keras1_dict(config)
    return deserialize_keras_object(config, module_objects=_OBJECTS,
                                    custom_objects=custom_objects,
                                    printable_module_name='regularizer')


def get(identifier):
    """The regularizer for ``None``, a name, a serialized dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret regularizer identifier: %r' % (identifier,))
