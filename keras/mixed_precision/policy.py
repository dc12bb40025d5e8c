"""Dtype policies (tf.keras's ``mixed_precision.Policy``) and the global policy.

Every layer fixes its policy when it is constructed: its ``dtype`` argument, or
else the global policy of that moment.  A mixed policy keeps the layer's
weights in float32 and runs the layer under ``torch.autocast`` with the 16-bit
compute dtype (see :mod:`keras.mixed_precision.execution`).
"""
import contextlib

import numpy as np
import torch

from keras.backend import config as K_config

__all__ = ['Policy', 'set_global_policy', 'global_policy', 'policy_scope', 'serialize',
           'deserialize', 'autocast']

_MIXED = {'mixed_float16': 'float16', 'mixed_bfloat16': 'bfloat16'}
_AUTOCAST = {'float16': torch.float16, 'bfloat16': torch.bfloat16}
# 'policy': the global policy (None: floatx); 'active': a mixed policy has been
# used in this process (layers check the autocast state only from then on).
# 'float16': a layer got a float16 mixed policy (loss scaling may be needed).
_state = {'policy': None, 'active': False, 'float16': False}


def _dtype_name(name):
    """The canonical name of a plain dtype, or None if ``name`` is none."""
    if name in ('bfloat16', 'string'):  # 'string': tf.keras text inputs
        return name
    try:
        dtype = np.dtype(name)
    except TypeError:
        return None
    return dtype.name if dtype.kind in 'fiubc' else None


class Policy(object):
    """The dtypes a layer computes in and stores its weights in.

    Args:
        name: ``'mixed_float16'`` or ``'mixed_bfloat16'`` (float32 weights,
            16-bit compute), or a dtype name such as ``'float32'`` or
            ``'int32'`` (both dtypes the same).

    Raises:
        ValueError: for any other name.

    Example:
        >>> Policy('mixed_bfloat16').compute_dtype
        'bfloat16'
    """

    def __init__(self, name):
        if isinstance(name, Policy):
            name = name.name
        canonical = None
        if isinstance(name, str):
            canonical = name if name in _MIXED else _dtype_name(name)
        if canonical is None:
            raise ValueError('Cannot convert value %r to a mixed precision Policy. Valid '
                             'policies are "mixed_float16", "mixed_bfloat16" and dtype '
                             'names such as "float32" or "float16".' % (name,))
        self._name = canonical

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

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._name)

    def get_config(self):
        return {'name': self._name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(config['name'])  # tf.keras 2.1-2.3 PolicyV1 also had 'loss_scale'


def active_autocast_dtype(device_type):
    """The dtype ``torch.autocast`` runs in on ``device_type`` ('cpu', 'cuda'...)
    right now, or None when it is off (on every supported PyTorch)."""
    try:
        if torch.is_autocast_enabled(device_type):
            return torch.get_autocast_dtype(device_type)
        return None
    except TypeError:  # PyTorch before 2.4: one function per device type
        if device_type == 'cpu':
            return torch.get_autocast_cpu_dtype() if torch.is_autocast_cpu_enabled() else None
        if device_type == 'cuda':
            return torch.get_autocast_gpu_dtype() if torch.is_autocast_enabled() else None
        return None


def autocast_dtype(policy):
    """The ``torch.autocast`` dtype a layer with ``policy`` runs under (None:
    autocast off)."""
    return _AUTOCAST[policy.compute_dtype] if policy.is_mixed else None


# Called when the global policy changes.  Execution plans decide which layers
# switch the autocast state relative to the global policy, so the engine (which
# imports this module) registers here what makes them rebuild.
_ON_GLOBAL_POLICY_CHANGE = []


def on_global_policy_change(callback):
    """Call ``callback()`` whenever :func:`set_global_policy` runs."""
    _ON_GLOBAL_POLICY_CHANGE.append(callback)


def _invalidate_plans():
    for callback in _ON_GLOBAL_POLICY_CHANGE:
        callback()


def set_global_policy(policy):
    """Make ``policy`` (a :class:`Policy`, its name, or None for ``floatx()``)
    the policy of the layers created from now on, and the autocast state the
    training and prediction loops run the model under.

    Raises:
        ValueError: for a policy whose compute dtype is not floating point.
    """
    if policy is not None:
        policy = Policy(policy)
        if policy.variable_dtype not in ('float16', 'bfloat16', 'float32', 'float64'):
            raise ValueError('The global policy must be a floating point policy such as '
                             '"float32" or "mixed_float16"; got %r.' % (policy.name,))
        _note_use(policy)
    _state['policy'] = policy
    _invalidate_plans()


def global_policy():
    """The policy set with :func:`set_global_policy` (default: ``floatx()``)."""
    policy = _state['policy']
    return policy if policy is not None else Policy(K_config.floatx())


@contextlib.contextmanager
def policy_scope(policy):
    """Set the global policy to ``policy`` inside a ``with`` block."""
    previous = _state['policy']
    set_global_policy(policy)
    try:
        yield
    finally:
        set_global_policy(previous)


def serialize(policy):
    """A plain policy as its dtype name (Keras 2.3.1's ``'dtype': 'float32'``),
    a mixed one as tf.keras's ``{'class_name': 'Policy', 'config': {...}}``."""
    if not policy.is_mixed:
        return policy.name
    return {'class_name': 'Policy', 'config': policy.get_config()}


# tf.keras 2.4+, tf.keras 2.1-2.3 and Keras 3 spellings of a policy's class.
_POLICY_CLASSES = ('Policy', 'PolicyV1', 'DTypePolicy', 'FloatDTypePolicy')


def deserialize(config, custom_objects=None):
    """A :class:`Policy` from :func:`serialize`'s output (or a dtype name)."""
    if isinstance(config, dict):
        class_name = config.get('class_name')
        if class_name not in _POLICY_CLASSES:
            cls = (custom_objects or {}).get(class_name)
            if cls is None:
                raise ValueError('Unknown dtype policy: %r.' % (class_name,))
            return cls.from_config(config.get('config', {}))
        return Policy.from_config(config.get('config', {}))
    return Policy(config)


def layer_policy(dtype):
    """The policy of a layer given ``dtype=``: a :class:`Policy`, a policy name,
    a serialized policy, a NumPy/torch/string dtype, or None (the global policy)."""
    if dtype is None:
        policy = global_policy()
    elif isinstance(dtype, Policy):
        policy = dtype
    elif isinstance(dtype, dict):
        policy = deserialize(dtype)
    elif isinstance(dtype, torch.dtype):
        policy = Policy(str(dtype).replace('torch.', ''))
    elif isinstance(dtype, str):
        policy = Policy(dtype)
    else:
        try:
            policy = Policy(np.dtype(dtype).name)
        except TypeError:
            policy = Policy(dtype)  # raises the ValueError
    _note_use(policy)
    return policy


def _note_use(policy):
    if policy.is_mixed:
        _state['active'] = True
        if policy.compute_dtype == 'float16':
            _state['float16'] = True


def mixed_in_use():
    """Whether a mixed policy has been used in this process."""
    return _state['active']


def autocast(device):
    """A context running a forward pass on ``device`` under the global policy's
    autocast state (a no-op for a plain policy)."""
    policy = _state['policy']
    if policy is None or not policy.is_mixed:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=_AUTOCAST[policy.compute_dtype])


def context_autocast_dtype():
    """The autocast dtype of the global policy (None: off): what the loops run
    execution plans under."""
    policy = _state['policy']
    return None if policy is None else autocast_dtype(policy)


def wants_loss_scaling(model=None):
    """Whether training needs loss scaling: under the ``'mixed_float16'`` global
    policy, or when a layer of ``model`` computes in float16."""
    policy = _state['policy']
    if policy is not None and policy.name == 'mixed_float16':
        return True
    if model is None or not _state['float16']:
        return False
    return any(m.__dict__.get('_autocast_dtype') is torch.float16 for m in model.modules())
