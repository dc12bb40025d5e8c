"""``LossScaleOptimizer``: dynamic loss scaling for float16 training.

float16 gradients of small losses underflow to zero.  The training step
multiplies the loss by a large scale before the backward pass and this
optimizer divides the gradients by it again before the update.  With dynamic
scaling (the default, as ``torch.cuda.amp.GradScaler``): when a gradient is
inf or NaN the update is skipped and the scale halved; after
``dynamic_growth_steps`` good steps in a row the scale doubles.  Checking for
inf/NaN reads one flag per step from the device.
"""
import torch

from keras import optimizers
from keras._optimizer_base import Optimizer
from keras.backend.outside_graph import outside_compiled_graph

__all__ = ['LossScaleOptimizer']


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer to train with a scaled loss (tf.keras's name).

    ``fit`` scales the loss itself when the model's optimizer is a
    ``LossScaleOptimizer``, and uses one internally under the
    ``'mixed_float16'`` policy.  Attributes and state (``lr``,
    ``iterations``, ``get_weights``...) are the inner optimizer's.

    Args:
        inner_optimizer: the optimizer (instance or name) doing the updates.
        dynamic: adjust the scale as training goes (else keep it fixed).
        initial_scale: the first scale (default ``2 ** 15``).
        dynamic_growth_steps: good steps before the scale doubles.

    Example:
        >>> opt = LossScaleOptimizer(keras.optimizers.SGD())   # doctest: +SKIP
    """

    def __init__(self, inner_optimizer, dynamic=True, initial_scale=None,
                 dynamic_growth_steps=None):
        object.__setattr__(self, '_scalars', {})
        self.inner_optimizer = optimizers.get(inner_optimizer)
        if isinstance(self.inner_optimizer, LossScaleOptimizer):
            raise TypeError('LossScaleOptimizer cannot wrap another LossScaleOptimizer.')
        if not dynamic and initial_scale is None:
            raise ValueError('"initial_scale" must be given when "dynamic" is False.')
        self.dynamic = bool(dynamic)
        self.initial_scale = float(2. ** 15 if initial_scale is None else initial_scale)
        self.dynamic_growth_steps = int(2000 if dynamic_growth_steps is None
                                        else dynamic_growth_steps)
        self._scale = torch.tensor(self.initial_scale, dtype=torch.float32)
        self._good_steps = 0
        self.updates = []

    def __getattr__(self, name):
        inner = self.__dict__.get('inner_optimizer')
        if inner is None or name.startswith('__'):
            raise AttributeError(name)
        return getattr(inner, name)

    def __setattr__(self, name, value):
        inner = self.__dict__.get('inner_optimizer')
        if inner is not None and name in (getattr(inner, '_scalars', None) or {}):
            setattr(inner, name, value)
            return
        object.__setattr__(self, name, value)

    # -- scaling -------------------------------------------------------------------

    @property
    def loss_scale(self):
        """The current scale (a 0-d float32 tensor)."""
        return self._scale

    @property
    def loss_scale_state(self):
        """The tensors of the scaling state (the scale)."""
        return [self._scale]

    def _to(self, device):
        if self._scale.device != device:
            self._scale = self._scale.to(device)

    def get_scaled_loss(self, loss):
        """``loss * loss_scale``."""
        self._to(loss.device)
        return loss * self._scale.to(loss.dtype)

    def get_unscaled_gradients(self, grads):
        """``grads / loss_scale`` (``None`` entries stay ``None``)."""
        return [None if g is None else g / self._scale.to(g.device, g.dtype) for g in grads]

    @outside_compiled_graph  # data-dependent: runs eagerly inside a compiled step
    def apply_gradients(self, params, grads, loss=None):
        """Unscale ``grads`` (gradients of the scaled loss; float32 ones are
        unscaled in place) and update ``params``; with dynamic scaling, skip
        the update when a gradient is not finite.  ``loss`` (unscaled) goes to
        the inner optimizer when given (see :meth:`_reads_loss`)."""
        live = [g for g in grads if g is not None]
        if not live:
            return
        self._to(live[0].device)
        with torch.no_grad():
            grads = [g.float() if g is not None and g.dtype in (torch.float16, torch.bfloat16)
                     else g for g in grads]
            live = [g for g in grads if g is not None]
            found_inf = torch.zeros(1, dtype=torch.float32, device=live[0].device)
            inv_scale = (1. / self._scale).reshape(1)
            torch._amp_foreach_non_finite_check_and_unscale_(live, found_inf, inv_scale)
            if not self.dynamic:
                self._inner_apply(params, grads, loss)
                return
            if bool(found_inf.item()):  # the one host sync of a step
                self._scale.mul_(0.5).clamp_(min=1.)
                self._good_steps = 0
                return
            self._inner_apply(params, grads, loss)
            self._good_steps += 1
            if self._good_steps >= self.dynamic_growth_steps:
                self._scale.mul_(2.)
                self._good_steps = 0

    # -- the inner optimizer's state -----------------------------------------------

    def _inner_apply(self, params, grads, loss):
        if loss is None:  # (an inner optimizer's own apply_gradients may take no loss)
            self.inner_optimizer.apply_gradients(params, grads)
        else:
            self.inner_optimizer.apply_gradients(params, grads, loss=loss)

    def _reads_loss(self, params):
        return self.inner_optimizer._reads_loss(params)

    def build(self, params):
        self.inner_optimizer.build(params)

    @property
    def weights(self):
        return self.inner_optimizer.weights

    def get_weights(self):
        return self.inner_optimizer.get_weights()

    def set_weights(self, weights):
        self.inner_optimizer.set_weights(weights)

    def get_weight_names(self):
        return self.inner_optimizer.get_weight_names()

    def get_gradients(self, loss, params):
        return self.inner_optimizer.get_gradients(loss, params)

    def get_config(self):
        return {'inner_optimizer': optimizers.serialize(self.inner_optimizer),
                'dynamic': self.dynamic, 'initial_scale': self.initial_scale,
                'dynamic_growth_steps': self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Build from :meth:`get_config`'s dict, or tf.keras 2.1-2.3's
        ``{'optimizer': ..., 'loss_scale': 'dynamic' | number | {...}}``."""
        config = dict(config)
        if 'loss_scale' in config or 'optimizer' in config:
            config = _from_legacy_config(config)
        inner = config['inner_optimizer']  # (a copy: deserialize lower-cases class names)
        config['inner_optimizer'] = optimizers.deserialize(
            dict(inner) if isinstance(inner, dict) else inner, custom_objects=custom_objects)
        return cls(**config)


def _from_legacy_config(config):
    """tf.keras 2.3's ``LossScaleOptimizer`` config in today's keys."""
    out = {'inner_optimizer': config.pop('optimizer', config.pop('inner_optimizer', None))}
    scale = config.pop('loss_scale', 'dynamic')
    if isinstance(scale, dict):
        name, args = scale.get('class_name'), scale.get('config', {})
        if name == 'FixedLossScale':
            scale = float(args['loss_scale_value'])
        elif name == 'DynamicLossScale':
            if float(args.get('multiplier', 2.)) != 2.:
                raise ValueError('Cannot load a LossScaleOptimizer whose DynamicLossScale '
                                 'multiplier is not 2: %r.' % (scale,))
            out['initial_scale'] = args.get('initial_loss_scale')
            out['dynamic_growth_steps'] = args.get('increment_period')
            scale = 'dynamic'
        else:
            raise ValueError('Unknown loss scale %r in a LossScaleOptimizer config.' % (name,))
    if scale == 'dynamic':
        out['dynamic'] = True
    else:
        out.update(dynamic=False, initial_scale=float(scale))
    return out


# keras.optimizers.deserialize builds it from tf.keras's configs by these names.
optimizers.register_wrapper(LossScaleOptimizer, 'LossScaleOptimizer', 'LossScaleOptimizerV1')
