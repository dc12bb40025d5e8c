"""``keras.mixed_precision``: 16-bit compute with float32 weights (tf.keras's API).

>>> from keras import mixed_precision
>>> mixed_precision.set_global_policy('mixed_bfloat16')   # doctest: +SKIP

Under a mixed policy ``fit``, ``evaluate`` and ``predict`` run the model's
forward pass under ``torch.autocast`` in the compute dtype; the weights, the
optimizer state, the losses and the returned predictions stay float32.

- ``'mixed_float16'``: meant for CUDA GPUs.  Training scales the loss
  (dynamic loss scaling, :class:`LossScaleOptimizer`) on every device.  On CPU,
  PyTorch's autocast runs float16 too, but few CPUs have fast float16
  arithmetic, so expect it to be slower than float32 there.
- ``'mixed_bfloat16'``: CPUs with bfloat16 support and recent GPUs; no loss
  scaling is needed.

The policy in effect when the model runs is used (tf.keras fixes each layer's
policy when the layer is created); set it before ``compile``/``fit``.
"""
import sys
import types

from keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer
from keras.mixed_precision.policy import Policy, global_policy, set_global_policy

__all__ = ['Policy', 'set_global_policy', 'global_policy', 'LossScaleOptimizer',
           'experimental']


def _legacy_loss_scale_optimizer(optimizer, loss_scale='dynamic'):
    """tf.keras 2.1-2.3's ``experimental.LossScaleOptimizer(optimizer, loss_scale)``."""
    if loss_scale == 'dynamic':
        return LossScaleOptimizer(optimizer)
    return LossScaleOptimizer(optimizer, dynamic=False, initial_scale=float(loss_scale))


# tf.keras 2.1-2.3 spelling: `keras.mixed_precision.experimental.set_policy(...)`.
experimental = types.ModuleType(__name__ + '.experimental',
                                'The tf.keras 2.1-2.3 names of the mixed precision API.')
experimental.Policy = Policy
experimental.set_policy = set_global_policy
experimental.global_policy = global_policy
experimental.LossScaleOptimizer = _legacy_loss_scale_optimizer
experimental.__all__ = ['Policy', 'set_policy', 'global_policy', 'LossScaleOptimizer']
sys.modules[experimental.__name__] = experimental
