"""Dtype policies (tf.keras's ``mixed_precision.Policy``) and the process-wide
policy the training and prediction loops run under.

A mixed policy keeps every weight in float32 and runs the model's forward
pass under ``torch.autocast`` with the low-precision compute dtype, so
matrix products and convolutions run in float16/bfloat16 while reductions
and the losses stay in float32 (the model's outputs are cast to float32
before the loss).
"""
import contextlib

import torch

from keras.backend import config as K_config

__all__ = ['Policy', 'set_global_policy', 'global_policy', 'autocast']

_MIXED = {'mixed_float16': 'float16', 'mixed_bfloat16': 'bfloat16'}
_PLAIN = ('float16', 'bfloat16', 'float32', 'float64')
_state = {'policy': None}


class Policy(object):
    """The dtypes a layer computes in and stores its weights in.

    Args:
        name: ``'mixed_float16'``, ``'mixed_bfloat16'`` (float32 weights,
            16-bit compute), or a plain dtype such as ``'float32'``.

    Raises:
        ValueError: for any other name.

    Example:
        >>> Policy('mixed_bfloat16').compute_dtype
        'bfloat16'
    """

    def __init__(self, name):
        if isinstance(name, Policy):
            name = name.name
        if not isinstance(name, str) or (name not in _MIXED and name not in _PLAIN):
            raise ValueError('Cannot convert value %r to a mixed precision Policy. Valid '
                             'policies are "mixed_float16", "mixed_bfloat16" and the float '
                             'dtypes %s.' % (name, ', '.join(_PLAIN)))
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        """The dtype layers compute in (``'float16'`` for ``'mixed_float16'``)."""
        return _MIXED.get(self._name, self._name)

    @property
    def variable_dtype(self):
        """The dtype weights are stored in (float32 for the mixed policies)."""
        return 'float32' if self._name in _MIXED else self._name

    @property
    def is_mixed(self):
        return self._name in _MIXED

    def __repr__(self):
        return '<Policy "%s">' % self._name

    def __eq__(self, other):
        return isinstance(other, Policy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def get_config(self):
        return {'name': self._name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def set_global_policy(policy):
    """Make ``policy`` (a :class:`Policy`, its name, or None for ``floatx()``)
    the policy models train and predict under."""
    _state['policy'] = None if policy is None else Policy(policy)


def global_policy():
    """The policy set with :func:`set_global_policy` (default: ``floatx()``)."""
    policy = _state['policy']
    return policy if policy is not None else Policy(K_config.floatx())


def autocast(device):
    """A context running a forward pass on ``device`` in the global policy's
    compute dtype (a no-op for a plain policy)."""
    policy = _state['policy']
    if policy is None or not policy.is_mixed:
        return contextlib.nullcontext()
    dtype = getattr(torch, policy.compute_dtype)
    return torch.autocast(device_type=device.type, dtype=dtype)


def wants_loss_scaling():
    """Whether training under the global policy needs loss scaling (float16)."""
    policy = _state['policy']
    return policy is not None and policy.name == 'mixed_float16'
