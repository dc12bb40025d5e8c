"""Built-in optimizers: Keras 2.3.1's update rules over torch parameters.

The shared machinery (state, clipping, device grouping) is in
:mod:`keras._optimizer_base`; this module holds the update rules.

Hyper-parameters that Keras 2.3.1 kept in backend variables (``learning_rate``
alias ``lr``, ``decay``, ``momentum``, ``rho``, ``beta_1``, ``beta_2``) and the
step counter ``iterations`` are 0-d tensors, so ``K.set_value(opt.lr, 0.01)``
and ``opt.lr = 0.01`` both change the rate in place.  One call of
:meth:`Optimizer.apply_gradients` is one Keras update: gradient clipping,
time-based ``decay``, the update with 2.3.1's formulas, then
``iterations += 1``; it runs as multi-tensor (``torch._foreach_*``) operations
on the parameters' device and never reads a value back to the host.

Configurations written by tf.keras load too.  Their extra keys are accepted at
their no-op values, and a tf.keras 2.11+ configuration
(``is_legacy_optimizer: False``) selects that version's formulas (epsilon
inside the square root for RMSprop and Adagrad, Nadam's ``0.96**t`` schedule).
"""
import sys
import types

import numpy as np
import torch

from keras import backend as K
from keras._optimizer_base import (Optimizer, _OldLayoutMixin, _ema, _pop_common,
                                   _sqrt_plus, clip_norm)
from keras.backend.keras_variable import KerasVariable
from keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object

__all__ = ['Optimizer', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax',
           'Nadam', 'TorchOptimizer', 'TFOptimizer', 'clip_norm', 'sgd', 'rmsprop',
           'adagrad', 'adadelta', 'adam', 'adamax', 'nadam', 'serialize',
           'deserialize', 'get', 'legacy']


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, Nesterov momentum and decay.

    Args:
        learning_rate: float >= 0.
        momentum: float >= 0, accelerates SGD in the relevant direction.
        nesterov: whether to apply Nesterov momentum.
    """

    _slot_specs = (('moments', 'moment', 'm', 'momentum'),)

    def __init__(self, learning_rate=0.01, momentum=0., nesterov=False, **kwargs):
        learning_rate = kwargs.pop('lr', learning_rate)
        self.initial_decay = kwargs.pop('decay', 0.0)
        super(SGD, self).__init__(**kwargs)
        self._add_scalar('learning_rate', learning_rate)
        self._add_scalar('momentum', momentum)
        self._add_scalar('decay', self.initial_decay)
        self.nesterov = nesterov

    def _step_scalars(self, lr):
        return {'lr': lr, 'momentum': self.momentum}

    def _update(self, ps, gs, state, sc):
        ms = state['moments']
        if self._on_cpu_fast_path(ps):
            # Same update with fewer passes; the 0-d hyper-parameters are read as
            # numbers, which costs nothing on the CPU (no device sync).
            lr, momentum = float(sc['lr']), float(sc['momentum'])
            torch._foreach_mul_(ms, momentum)
            torch._foreach_add_(ms, gs, alpha=-lr)
            if self.nesterov:
                torch._foreach_add_(ps, ms, alpha=momentum)
                torch._foreach_add_(ps, gs, alpha=-lr)
            else:
                torch._foreach_add_(ps, ms)
            return
        lr_g = torch._foreach_mul(gs, sc['lr'])
        torch._foreach_mul_(ms, sc['momentum'])
        torch._foreach_sub_(ms, lr_g)
        if self.nesterov:
            step = torch._foreach_mul(ms, sc['momentum'])
            torch._foreach_sub_(step, lr_g)
            torch._foreach_add_(ps, step)
        else:
            torch._foreach_add_(ps, ms)

    def get_config(self):
        config = {'learning_rate': self._float('learning_rate'),
                  'momentum': self._float('momentum'),
                  'decay': self._float('decay'),
                  'nesterov': self.nesterov}
        return dict(super(SGD, self).get_config(), **config)


class RMSprop(_OldLayoutMixin, Optimizer):
    """RMSProp: divide the gradient by a running average of its recent magnitude.

    Args:
        learning_rate: float >= 0.
        rho: float >= 0, decay of the running average of squared gradients.

    tf.keras configurations may also give ``momentum`` and ``centered``; they
    follow tf.keras's formulas.
    """

    _slot_specs = (('accumulators', 'accumulator', 'velocity', 'rms'),
                   ('momentums', 'momentum', 'momentum', 'momentum'),
                   ('mean_grads', 'mean_grad', 'average_gradient', 'mg'))

    def __init__(self, learning_rate=0.001, rho=0.9, **kwargs):
        self.initial_decay = kwargs.pop('decay', 0.0)
        learning_rate, self.epsilon = _pop_common(kwargs, learning_rate)
        self.momentum = float(kwargs.pop('momentum', 0.0) or 0.0)
        self.centered = bool(kwargs.pop('centered', False))
        super(RMSprop, self).__init__(**kwargs)
        self._add_scalar('learning_rate', learning_rate)
        self._add_scalar('rho', rho)
        self._add_scalar('decay', self.initial_decay)

    def _slots(self):
        specs = self._slot_specs
        return tuple(s for s in specs if (s[0] != 'momentums' or self.momentum > 0)
                     and (s[0] != 'mean_grads' or self.centered))

    def _step_scalars(self, lr):
        return {'lr': lr, 'rho': self.rho, 'one_minus_rho': 1. - self.rho}

    def _update(self, ps, gs, state, sc):
        accs = state['accumulators']
        if self._on_cpu_fast_path(ps) and not (
                self.centered or self.momentum > 0 or self._tf2):
            self._update_fused_cpu(ps, gs, accs, sc)
            return
        _ema(accs, torch._foreach_mul(gs, gs), sc['rho'], sc['one_minus_rho'], True)
        base = accs
        if self.centered:
            mgs = state['mean_grads']
            _ema(mgs, gs, sc['rho'], sc['one_minus_rho'])
            base = torch._foreach_sub(accs, torch._foreach_mul(mgs, mgs))
        inside = self._tf2 or self.momentum > 0
        step = torch._foreach_mul(gs, sc['lr'])
        torch._foreach_div_(step, _sqrt_plus(base, self.epsilon, inside))
        if self.momentum > 0:
            moms = state['momentums']
            torch._foreach_mul_(moms, self.momentum)
            torch._foreach_add_(moms, step)
            step = moms
        torch._foreach_sub_(ps, step)

    def _update_fused_cpu(self, ps, gs, accs, sc):
        """The same update in 4 passes over the weights instead of 9.  Reading the
        0-d hyper-parameters as numbers costs nothing on the CPU (no device sync)."""
        rho = float(sc['rho'])
        torch._foreach_mul_(accs, rho)
        torch._foreach_addcmul_(accs, gs, gs, value=1. - rho)
        denom = _sqrt_plus(accs, self.epsilon, False)
        torch._foreach_addcdiv_(ps, gs, denom, value=-float(sc['lr']))

    def get_config(self):
        config = {'learning_rate': self._float('learning_rate'),
                  'rho': self._float('rho'),
                  'decay': self._float('decay'),
                  'epsilon': self.epsilon}
        if self.momentum or self.centered:
            config.update(momentum=self.momentum, centered=self.centered)
        return dict(super(RMSprop, self).get_config(), **config)


class Adagrad(_OldLayoutMixin, Optimizer):
    """Adagrad: per-parameter rates that shrink as a parameter gets updated.

    Args:
        learning_rate: float >= 0.

    Keras 2.3.1 starts the accumulators at 0; tf.keras configurations give
    ``initial_accumulator_value`` (0.1 there), which is honoured.
    """

    _slot_specs = (('accumulators', 'accumulator', 'accumulator', 'accumulator'),)

    def __init__(self, learning_rate=0.01, **kwargs):
        self.initial_decay = kwargs.pop('decay', 0.0)
        learning_rate, self.epsilon = _pop_common(kwargs, learning_rate)
        self.initial_accumulator_value = float(kwargs.pop('initial_accumulator_value', 0.))
        super(Adagrad, self).__init__(**kwargs)
        self._add_scalar('learning_rate', learning_rate)
        self._add_scalar('decay', self.initial_decay)

    def _init_slot(self, attr, p):
        return torch.full_like(p, self.initial_accumulator_value)

    def _update(self, ps, gs, state, sc):
        accs = state['accumulators']
        torch._foreach_addcmul_(accs, gs, gs)
        step = torch._foreach_mul(gs, sc['lr'])
        torch._foreach_div_(step, _sqrt_plus(accs, self.epsilon, self._tf2))
        torch._foreach_sub_(ps, step)

    def get_config(self):
        config = {'learning_rate': self._float('learning_rate'),
                  'decay': self._float('decay'),
                  'epsilon': self.epsilon}
        if self.initial_accumulator_value:
            config['initial_accumulator_value'] = self.initial_accumulator_value
        return dict(super(Adagrad, self).get_config(), **config)


class Adadelta(_OldLayoutMixin, Optimizer):
    """Adadelta: step sizes from moving windows of gradients and updates.

    Args:
        learning_rate: float >= 0 (1.0, as in the paper, is recommended).
        rho: float >= 0, fraction of the running averages kept at each step.
    """

    _slot_specs = (('accumulators', 'accumulator', 'accumulated_grad', 'accum_grad'),
                   ('delta_accumulators', 'delta_accumulator', 'accumulated_delta_var',
                    'accum_var'))

    def __init__(self, learning_rate=1.0, rho=0.95, **kwargs):
        self.initial_decay = kwargs.pop('decay', 0.0)
        learning_rate, self.epsilon = _pop_common(kwargs, learning_rate)
        super(Adadelta, self).__init__(**kwargs)
        self._add_scalar('learning_rate', learning_rate)
        self._add_scalar('decay', self.initial_decay)
        self.rho = rho

    def _update(self, ps, gs, state, sc):
        accs, deltas = state['accumulators'], state['delta_accumulators']
        rho = float(self.rho)
        _ema(accs, torch._foreach_mul(gs, gs), rho, 1. - rho, True)
        update = torch._foreach_mul(gs, _sqrt_plus(deltas, self.epsilon, True))
        torch._foreach_div_(update, _sqrt_plus(accs, self.epsilon, True))
        torch._foreach_sub_(ps, torch._foreach_mul(update, sc['lr']))
        _ema(deltas, torch._foreach_mul(update, update), rho, 1. - rho, True)

    def get_config(self):
        config = {'learning_rate': self._float('learning_rate'),
                  'rho': self.rho,
                  'decay': self._float('decay'),
                  'epsilon': self.epsilon}
        return dict(super(Adadelta, self).get_config(), **config)


class _AdamBase(Optimizer):
    """Shared constructor of Adam and Adamax."""

    def __init__(self, learning_rate, beta_1, beta_2, kwargs):
        self.initial_decay = kwargs.pop('decay', 0.0)
        learning_rate, self.epsilon = _pop_common(kwargs, learning_rate)
        super(_AdamBase, self).__init__(**kwargs)
        self._add_scalar('learning_rate', learning_rate)
        self._add_scalar('beta_1', beta_1)
        self._add_scalar('beta_2', beta_2)
        self._add_scalar('decay', self.initial_decay)

    def _config(self):
        return {'learning_rate': self._float('learning_rate'),
                'beta_1': self._float('beta_1'),
                'beta_2': self._float('beta_2'),
                'decay': self._float('decay'),
                'epsilon': self.epsilon}


class Adam(_AdamBase):
    """Adam, optionally with the AMSGrad variant.

    Args:
        learning_rate: float >= 0.
        beta_1, beta_2: floats in (0, 1), decay of the first and second moments.
        amsgrad: whether to use the maximum of past second moments (AMSGrad).
    """

    _slot_specs = (('ms', 'm', 'm', 'm'), ('vs', 'v', 'v', 'v'),
                   ('vhats', 'vhat', 'vhat', 'vhat'))

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, amsgrad=False,
                 **kwargs):
        if kwargs.pop('adaptive_epsilon', False):
            raise ValueError('Adam: `adaptive_epsilon=True` is not supported.')
        super(Adam, self).__init__(learning_rate, beta_1, beta_2, kwargs)
        self.amsgrad = amsgrad

    def _init_slot(self, attr, p):
        if attr == 'vhats' and not self.amsgrad:
            return torch.zeros(1, dtype=p.dtype, device=p.device)  # as Keras 2.3.1
        return torch.zeros_like(p, memory_format=torch.preserve_format)

    def _is_full_slot(self, attr):
        return attr != 'vhats' or self.amsgrad

    def _upgrade_weights(self, weights, expected):
        # Keras 2.0-2.1.2 (and 1.x) saved [iterations] + ms + vs, without vhats.
        n = (expected - 1) // 3
        if not self.amsgrad and expected == len(weights) + n and n:
            return weights + [np.zeros(1, dtype='float32')] * n
        return weights

    def _step_scalars(self, lr):
        b1, b2, t = self.beta_1, self.beta_2, self._t()
        lr_t = lr * (torch.sqrt(1. - torch.pow(b2, t)) / (1. - torch.pow(b1, t)))
        return {'lr': lr, 'lr_t': lr_t, 'b1': b1, 'b2': b2, 'c1': 1. - b1, 'c2': 1. - b2}

    def _update(self, ps, gs, state, sc):
        ms, vs = state['ms'], state['vs']
        _ema(ms, gs, sc['b1'], sc['c1'])
        _ema(vs, torch._foreach_mul(gs, gs), sc['b2'], sc['c2'], True)
        if self.amsgrad:
            torch._foreach_maximum_(state['vhats'], vs)
            vs = state['vhats']
        step = torch._foreach_mul(ms, sc['lr_t'])
        torch._foreach_div_(step, _sqrt_plus(vs, self.epsilon, False))
        torch._foreach_sub_(ps, step)

    def get_config(self):
        config = dict(self._config(), amsgrad=self.amsgrad)
        return dict(super(Adam, self).get_config(), **config)


class Adamax(_AdamBase):
    """Adamax, the infinity-norm variant of Adam (section 7 of the Adam paper).

    Args:
        learning_rate: float >= 0.
        beta_1, beta_2: floats in (0, 1).
    """

    _slot_specs = (('ms', 'm', 'm', 'm'), ('us', 'u', 'u', 'v'))

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, **kwargs):
        super(Adamax, self).__init__(learning_rate, beta_1, beta_2, kwargs)

    def _step_scalars(self, lr):
        b1, t = self.beta_1, self._t()
        return {'lr': lr, 'lr_t': lr / (1. - torch.pow(b1, t)), 'b1': b1,
                'c1': 1. - b1, 'b2': self.beta_2}

    def _update(self, ps, gs, state, sc):
        ms, us = state['ms'], state['us']
        _ema(ms, gs, sc['b1'], sc['c1'])
        torch._foreach_mul_(us, sc['b2'])
        torch._foreach_maximum_(us, torch._foreach_abs(gs))
        step = torch._foreach_mul(ms, sc['lr_t'])
        torch._foreach_div_(step, torch._foreach_add(us, self.epsilon))
        torch._foreach_sub_(ps, step)

    def get_config(self):
        return dict(super(Adamax, self).get_config(), **self._config())


class Nadam(Optimizer):
    """Nesterov Adam, with Keras 2.3.1's warming momentum schedule.

    Args:
        learning_rate: float >= 0.
        beta_1, beta_2: floats in (0, 1).
        schedule_decay: float, speed of the momentum warm-up (keyword only;
            tf.keras legacy files spell it ``decay``).
    """

    _slot_specs = (('ms', 'm', 'm', 'm'), ('vs', 'v', 'v', 'v'))

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, **kwargs):
        default = 1.0 if kwargs.get('is_legacy_optimizer') is False else 0.004
        self.schedule_decay = kwargs.pop('schedule_decay', kwargs.pop('decay', default))
        learning_rate, self.epsilon = _pop_common(kwargs, learning_rate)
        super(Nadam, self).__init__(**kwargs)
        self._add_scalar('m_schedule', 1.)
        self._add_scalar('learning_rate', learning_rate)
        self._add_scalar('beta_1', beta_1)
        self._add_scalar('beta_2', beta_2)

    def _extra_weights(self):
        return [self.m_schedule]

    def _upgrade_weights(self, weights, expected):
        # Keras 2.2.4 had no m_schedule after iterations.
        if expected == len(weights) + 1 and weights:
            return [weights[0], np.array(1., dtype='float32')] + weights[1:]
        return weights

    def _momentum_cache(self, t):
        return self.beta_1 * (1. - 0.5 * torch.pow(0.96, t * self.schedule_decay))

    def _step_scalars(self, lr):
        b1, b2, t = self.beta_1, self.beta_2, self._t()
        cache_t, cache_next = self._momentum_cache(t), self._momentum_cache(t + 1)
        schedule_new = self.m_schedule * cache_t
        schedule_next = schedule_new * cache_next
        self.m_schedule.copy_(schedule_new)
        return {'lr': lr, 'b1': b1, 'c1': 1. - b1, 'b2': b2, 'c2': 1. - b2,
                'g_scale': (1. - cache_t) / (1. - schedule_new),
                'm_scale': cache_next / (1. - schedule_next),
                'v_scale': 1. / (1. - torch.pow(b2, t))}

    def _update(self, ps, gs, state, sc):
        ms, vs = state['ms'], state['vs']
        _ema(ms, gs, sc['b1'], sc['c1'])
        _ema(vs, torch._foreach_mul(gs, gs), sc['b2'], sc['c2'], True)
        m_bar = torch._foreach_mul(gs, sc['g_scale'])
        torch._foreach_add_(m_bar, torch._foreach_mul(ms, sc['m_scale']))
        v_prime = torch._foreach_mul(vs, sc['v_scale'])
        torch._foreach_mul_(m_bar, sc['lr'])
        torch._foreach_div_(m_bar, _sqrt_plus(v_prime, self.epsilon, False))
        torch._foreach_sub_(ps, m_bar)

    def _accepts_extras(self, extras, tf2):
        return set(extras) <= {'momentum_cache'}

    def _load_extras(self, extras, tf2, iterations):
        if 'momentum_cache' in extras:
            value = np.asarray(extras['momentum_cache']).reshape(())
        else:  # tf.keras 2.11+ does not save its product: rebuild it
            steps = np.arange(1, iterations + 1, dtype='float64')
            caches = self._float('beta_1') * (1. - 0.5 * 0.96 ** (steps * self.schedule_decay))
            value = np.prod(caches)
        K.set_value(self.m_schedule, np.asarray(value, dtype='float32'))

    def get_config(self):
        config = {'learning_rate': self._float('learning_rate'),
                  'beta_1': self._float('beta_1'),
                  'beta_2': self._float('beta_2'),
                  'epsilon': self.epsilon,
                  'schedule_decay': self.schedule_decay}
        return dict(super(Nadam, self).get_config(), **config)


class TorchOptimizer(Optimizer):
    """Wrap a ``torch.optim.Optimizer`` so that Keras can train with it.

    ``lr`` mirrors the first parameter group's rate; setting it (``K.set_value``
    or ``opt.lr = x``) changes every group's rate before the next step.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self._scalars = {}
        self.updates = []
        self._params = None
        self._tf_name = None
        # No Keras-side clipping or decay: the torch optimizer does what it was built to.
        self.global_clipnorm = None
        self.weight_decay = None
        rate = float(optimizer.param_groups[0]['lr'])
        for name, value, dtype in (('iterations', 0, torch.int64),
                                   ('learning_rate', rate, torch.float32)):
            variable = KerasVariable(torch.tensor(value, dtype=dtype), requires_grad=False,
                                     name=name)
            object.__setattr__(self, name, variable)
            self._scalars[name] = variable
        self._pushed_lr = float(np.float32(rate))

    def build(self, params):
        pass

    @property
    def weights(self):
        return [self.iterations]

    def apply_gradients(self, params, grads, loss=None):
        """Install ``grads`` as the parameters' ``.grad`` and step the torch optimizer
        (``loss`` is not used)."""
        rate = float(self.learning_rate)  # CPU tensor: no device sync
        if rate != self._pushed_lr:
            for group in self.optimizer.param_groups:
                group['lr'] = rate
            self._pushed_lr = rate
        saved = []
        for p, g in zip(params, grads):
            if p.grad is not g:
                saved.append((p, p.grad))
                p.grad = g
        self.optimizer.step()
        for p, g in saved:
            p.grad = g
        self.iterations.add_(1)

    def get_config(self):
        raise NotImplementedError('TorchOptimizer (%s) cannot be serialized; the model '
                                  'is saved without its optimizer.'
                                  % type(self.optimizer).__name__)

    @classmethod
    def from_config(cls, config):
        raise NotImplementedError('TorchOptimizer cannot be built from a config.')


# Keras 2.3.1 exported TFOptimizer for wrapped native optimizers.
TFOptimizer = TorchOptimizer


# Aliases.
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam

_ALL_CLASSES = {'sgd': SGD, 'rmsprop': RMSprop, 'adagrad': Adagrad, 'adadelta': Adadelta,
                'adam': Adam, 'adamax': Adamax, 'nadam': Nadam}
# Optimizers that wrap another, by the lower-cased class names tf.keras wrote
# (keras.mixed_precision.LossScaleOptimizer): keras.mixed_precision builds on
# this module, so it registers its class here when imported (``import keras`` does).
_WRAPPERS = {}


def register_wrapper(cls, *names):
    """Let :func:`deserialize` build ``cls`` for configs whose class is one of ``names``."""
    for name in names:
        _WRAPPERS[name.lower()] = cls


def serialize(optimizer):
    """``{'class_name': ..., 'config': ...}`` for an optimizer."""
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Build an optimizer from ``serialize``'s output (names case-insensitive).

    tf.keras's ``"Custom>Adam"`` class names and configuration keys are accepted.
    As in Keras 2.3.1, a built-in class name in ``config`` itself is lower-cased
    (``'Adam'`` becomes ``'adam'``).
    """
    name = config.get('class_name')
    if isinstance(name, str) and name.lower() in _ALL_CLASSES and \
            not (custom_objects and name in custom_objects):
        config['class_name'] = name.lower()
    config = dict(config)
    module_objects = _ALL_CLASSES
    if isinstance(name, str):
        short = name.split('>', 1)[1] if '>' in name else name
        if short.lower() in _ALL_CLASSES and not (custom_objects and name in custom_objects):
            name = short.lower()
        elif short.lower() in _WRAPPERS and not (custom_objects and name in custom_objects):
            name = short.lower()
            module_objects = dict(_ALL_CLASSES, **{name: _WRAPPERS[name]})
        config['class_name'] = name
    return deserialize_keras_object(config, module_objects=module_objects,
                                    custom_objects=custom_objects,
                                    printable_module_name='optimizer')


def get(identifier):
    """An optimizer from a name, a config dict, an optimizer, or a torch optimizer.

    Raises:
        ValueError: if ``identifier`` cannot be interpreted.
    """
    if isinstance(identifier, torch.optim.Optimizer):
        return TorchOptimizer(identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': str(identifier), 'config': {}})
    if isinstance(identifier, Optimizer):
        return identifier
    raise ValueError('Could not interpret optimizer identifier: ' + str(identifier))


# `keras.optimizers.legacy.X` (tf.keras 2.11+'s home of these classes) is X itself.
legacy = types.ModuleType(__name__ + '.legacy',
                          'The Keras 2.3.1 optimizers under their tf.keras "legacy" names.')
for _name in ('Optimizer', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax',
              'Nadam', 'serialize', 'deserialize', 'get'):
    setattr(legacy, _name, globals()[_name])
legacy.__all__ = ['Optimizer', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam',
                  'Adamax', 'Nadam']
sys.modules[legacy.__name__] = legacy
del _name
