"""``keras.mixed_precision``: 16-bit compute with float32 weights (tf.keras's API).

>>> from keras import mixed_precision
>>> mixed_precision.set_global_policy('mixed_bfloat16')   # doctest: +SKIP

Each layer fixes its :class:`Policy` when it is constructed: its ``dtype``
argument (``Dense(10, dtype='float32')``, ``dtype='mixed_bfloat16'``) or else
the global policy of that moment, as in tf.keras; set the global policy before
building the model.  A layer with a mixed policy keeps its weights in float32
(``layer.dtype``) and runs under ``torch.autocast`` in its compute dtype; a
layer with a plain policy runs without autocast, its floating inputs cast to
its dtype (the usual float32 output layer of a mixed model).  The weights,
the optimizer state, the losses and the returned predictions stay float32.

``fit``, ``evaluate``, ``predict`` and calling a functional model run its
forward pass under the *global* policy's autocast state, and only the layers
whose policy differs from it switch (decided once, when the model's execution
plan is built), so a model built under the global policy it runs under pays
nothing extra; one built under another still computes as its layers' policies
say.  A mixed layer takes its inputs as they arrive (autocast casts per
operation); when it runs inside a context without autocast, its 16-bit outputs
are cast back to the context's float dtype.  A model's own policy only matters
for training: loss scaling is used when the global policy is ``mixed_float16``
or a layer of the model computes in float16.

- ``'mixed_float16'``: meant for CUDA GPUs.  Training scales the loss
  (dynamic loss scaling, :class:`LossScaleOptimizer`) on every device.  On CPU,
  PyTorch's autocast runs float16 too, but few CPUs have fast float16
  arithmetic, so expect it to be slower than float32 there.
- ``'mixed_bfloat16'``: CPUs with bfloat16 support and recent GPUs; no loss
  scaling is needed.
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
