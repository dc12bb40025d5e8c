"""Built-in optimizers: Keras 2.3.1's update rules over torch parameters.

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
from keras.backend.variables import to_torch_dtype
from keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object

__all__ = ['Optimizer', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'Adamax',
           'Nadam', 'TorchOptimizer', 'TFOptimizer', 'clip_norm', 'sgd', 'rmsprop',
           'adagrad', 'adadelta', 'adam', 'adamax', 'nadam', 'serialize',
           'deserialize', 'get', 'legacy']

# tf.keras configuration keys with nothing to do here (any value is fine).
_TF_IGNORED = ('jit_compile', 'ema_momentum', 'ema_overwrite_frequency')


def clip_norm(g, c, n):
    """Scale the gradient ``g`` by ``c / n`` when the norm ``n`` is at least ``c``."""
    if c <= 0:
        return g
    return torch.where(n >= c, g * (c / n), g)


def _ema(acc, new, decay, weight, new_is_temp=False):
    """In place: ``acc = decay * acc + weight * new`` over tensor lists."""
    torch._foreach_mul_(acc, decay)
    if new_is_temp:
        torch._foreach_mul_(new, weight)
    else:
        new = torch._foreach_mul(new, weight)
    torch._foreach_add_(acc, new)


def _sqrt_plus(xs, eps, inside):
    """``sqrt(x + eps)`` when ``inside``, else ``sqrt(x) + eps`` (new list)."""
    if inside:
        out = torch._foreach_add(xs, eps)
        torch._foreach_sqrt_(out)
        return out
    out = torch._foreach_sqrt(xs)
    torch._foreach_add_(out, eps)
    return out


class _Plan(object):
    """Cached grouping of the parameters of one ``apply_gradients`` call."""

    def __init__(self, live, groups):
        self.live = live          # positions with a gradient
        self.groups = groups      # [(device, positions, params, {slot: states})]


class Optimizer(object):
    """Base class of the Keras optimizers.

    Args (all optimizers):
        clipnorm: float >= 0. Gradients are scaled down when the L2 norm of all of
            them together exceeds this value (per gradient for tf.keras configs).
        clipvalue: float >= 0. Gradients are clipped element-wise to this magnitude.
    """

    # (attribute, 2.3.1 weight name, tf.keras 2.11+ slot name, tf.keras legacy slot)
    _slot_specs = ()

    def __init__(self, **kwargs):
        self._scalars = {}
        self._tf_name = kwargs.pop('name', None)
        legacy = kwargs.pop('is_legacy_optimizer', None)
        self._tf2 = legacy is False
        for key in _TF_IGNORED:
            kwargs.pop(key, None)
        if kwargs.pop('use_ema', False):
            raise ValueError('%s: `use_ema=True` (tf.keras weight averaging) is not '
                             'supported; remove it from the configuration.'
                             % type(self).__name__)
        self.global_clipnorm = kwargs.pop('global_clipnorm', None)
        self.weight_decay = kwargs.pop('weight_decay', None)
        for key in kwargs:
            if key not in ('clipnorm', 'clipvalue'):
                raise TypeError('Unexpected keyword argument passed to optimizer: '
                                + str(key))
        for key, value in kwargs.items():
            if value is not None:
                setattr(self, key, value)
        self.updates = []
        self._params = None
        self._plans = {}
        self._add_scalar('iterations', 0, 'int64')

    # -- tensor-valued attributes -------------------------------------------------

    def _add_scalar(self, name, value, dtype=None):
        if isinstance(value, dict):
            raise ValueError('%s: `%s` must be a number, not %r (tf.keras learning-rate '
                             'schedules are not supported; use the '
                             'LearningRateScheduler callback).'
                             % (type(self).__name__, name, value))
        variable = K.variable(value, dtype=dtype, name=name)
        object.__setattr__(self, name, variable)
        self._scalars[name] = variable

    def __setattr__(self, name, value):
        scalars = self.__dict__.get('_scalars')
        if scalars and name in scalars and value is not scalars[name]:
            K.set_value(scalars[name], value)
            return
        object.__setattr__(self, name, value)

    @property
    def lr(self):
        """The learning rate variable (Keras 2.2 name of ``learning_rate``)."""
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        self.learning_rate = value

    # -- state ----------------------------------------------------------------------

    def _slots(self):
        """The active slot specs (subclasses may depend on their options)."""
        return self._slot_specs

    def _init_slot(self, attr, p):
        return torch.zeros_like(p, memory_format=torch.preserve_format)

    def _extra_weights(self):
        """Scalar state saved between ``iterations`` and the slots."""
        return []

    def build(self, params):
        """Create the optimizer state for ``params`` (in that order), if not done yet."""
        params = list(params)
        if self._params is None:
            self._params, self._index = [], {}
            self._state = {spec[0]: [] for spec in self._slots()}
            if params:
                self._move_scalars(params[0].device)
        for p in params:
            if id(p) not in self._index:
                self._index[id(p)] = len(self._params)
                self._params.append(p)
                with torch.no_grad():
                    for spec in self._slots():
                        self._state[spec[0]].append(self._init_slot(spec[0], p))
        self._plans = {}

    def _move_scalars(self, device):
        for variable in self._scalars.values():
            if variable.device != device:
                variable.data = variable.data.to(device)

    @property
    def weights(self):
        """``[iterations] + extra scalars + slots``, Keras 2.3.1's order ([] until built)."""
        if self._params is None:
            return []
        out = [self.iterations] + self._extra_weights()
        for spec in self._slots():
            out.extend(self._state[spec[0]])
        return out

    def get_weight_names(self):
        """Names for :attr:`weights` in Keras 2.3.1's style (``Adam/m_0:0``)."""
        if self._params is None:
            return []
        prefix = type(self).__name__ + '/'
        names = [prefix + 'iterations:0'] + [prefix + w._keras_name + ':0'
                                              for w in self._extra_weights()]
        for spec in self._slots():
            names.extend('%s%s_%d:0' % (prefix, spec[1], i) for i in range(len(self._params)))
        return names

    def get_weights(self):
        """The optimizer state as a list of NumPy arrays."""
        return K.batch_get_value(self.weights)

    def _upgrade_weights(self, weights, expected):
        """Hook for older Keras layouts (e.g. 2.2.4 without ``iterations``)."""
        return weights

    def set_weights(self, weights):
        """Set the optimizer state from NumPy arrays (the order of :meth:`get_weights`).

        Raises:
            ValueError: on a wrong number of arrays or a wrong shape; nothing is
                changed then.
        """
        variables = self.weights
        arrays = self._upgrade_weights([np.asarray(w) for w in weights], len(variables))
        name = type(self).__name__
        if len(arrays) != len(variables):
            hint = ('' if variables else ' It has no state until it is built: call '
                    '`optimizer.build(params)` (or train one step) first.')
            raise ValueError('%s optimizer: set_weights got %d arrays but the optimizer '
                             'has %d weights (expected shapes %s).%s'
                             % (name, len(arrays), len(variables),
                                [tuple(v.shape) for v in variables], hint))
        for i, (v, a) in enumerate(zip(variables, arrays)):
            if tuple(v.shape) != a.shape:
                raise ValueError('%s optimizer: weight %d has shape %s but the provided '
                                 'array has shape %s.' % (name, i, tuple(v.shape), a.shape))
        with torch.no_grad():
            for v, a in zip(variables, arrays):
                v.copy_(torch.as_tensor(a).to(device=v.device, dtype=v.dtype))

    # -- the update -------------------------------------------------------------------

    def get_updates(self, loss, params):
        raise NotImplementedError(
            'Optimizer.get_updates builds a symbolic graph, which does not exist on '
            'PyTorch. Compute the gradients and call '
            '`optimizer.apply_gradients(params, grads)` instead.')

    def get_gradients(self, loss, params):
        """Gradients of the scalar tensor ``loss`` for ``params``, clipped as configured."""
        grads = torch.autograd.grad(loss, list(params), allow_unused=True)
        if any(g is None for g in grads):
            raise ValueError('An operation has `None` for gradient. Please make sure '
                             'that all of your ops have a gradient defined (i.e. are '
                             'differentiable). Common ops without gradient: K.argmax, '
                             'K.round, K.eval.')
        with torch.no_grad():
            return self._clip([list(grads)])[0]

    def apply_gradients(self, params, grads):
        """One update of ``params`` (in place) with ``grads``; ``None`` grads are skipped."""
        with torch.no_grad():
            plan = self._plan(params, grads)
            lr = self.learning_rate
            if getattr(self, 'initial_decay', 0) > 0:
                lr = lr * (1. / (1. + self.decay * self.iterations.to(self.decay.dtype)))
            scalars = self._step_scalars(lr)
            grad_groups = self._clip([[grads[i] for i in pos] for _, pos, _, _ in plan.groups])
            for (device, _, ps, state), gs in zip(plan.groups, grad_groups):
                local = scalars
                if device != self.iterations.device:
                    local = {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v
                             for k, v in scalars.items()}
                if self.weight_decay:
                    decay = torch._foreach_mul(ps, local['lr'] * self.weight_decay)
                    torch._foreach_sub_(ps, decay)
                self._update(ps, gs, state, local)
            self.iterations.add_(1)

    def _plan(self, params, grads):
        live = [i for i, g in enumerate(grads) if g is not None]
        first = params[live[0]] if live else None
        key = (tuple(id(params[i]) for i in live),
               None if first is None else (first.device, first.dtype))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._make_plan(params, live)
            self._plans = {key: plan}
        return plan

    def _make_plan(self, params, live):
        self.build([params[i] for i in live])
        if live:
            self._move_scalars(params[live[0]].device)
        by_key = {}
        for i in live:
            p = params[i]
            j = self._index[id(p)]
            for spec in self._slots():
                slot = self._state[spec[0]]
                if slot[j].device != p.device:
                    slot[j] = slot[j].to(p.device)
            by_key.setdefault((p.device, p.dtype), []).append(i)
        groups = []
        for (device, _), pos in by_key.items():
            ps = [params[i] for i in pos]
            state = {spec[0]: [self._state[spec[0]][self._index[id(p)]] for p in ps]
                     for spec in self._slots()}
            groups.append((device, pos, ps, state))
        return _Plan(live, groups)

    def _clip(self, grad_groups):
        """Apply clipnorm / global_clipnorm / clipvalue to lists of gradients."""
        clipnorm = getattr(self, 'clipnorm', 0) or 0
        if clipnorm > 0 and self._tf_name is not None:
            grad_groups = [self._clip_each(gs, clipnorm) for gs in grad_groups]
        elif clipnorm > 0:
            grad_groups = self._clip_global(grad_groups, clipnorm)
        if self.global_clipnorm:
            grad_groups = self._clip_global(grad_groups, self.global_clipnorm)
        clipvalue = getattr(self, 'clipvalue', 0) or 0
        if clipvalue > 0:
            clipped = []
            for gs in grad_groups:
                gs = torch._foreach_clamp_min(gs, -clipvalue) if gs else gs
                if gs:
                    torch._foreach_clamp_max_(gs, clipvalue)
                clipped.append(gs)
            grad_groups = clipped
        return grad_groups

    @staticmethod
    def _clip_global(grad_groups, c):
        """Keras 2.3.1: scale every gradient by c / n when the global norm n >= c."""
        norms = [torch.linalg.vector_norm(torch.stack(torch._foreach_norm(gs)))
                 for gs in grad_groups if gs]
        if not norms:
            return grad_groups
        main = norms[0].device
        total = torch.linalg.vector_norm(torch.stack([n.to(main) for n in norms]))
        factor = torch.where(total >= c, c / total, torch.ones_like(total))
        return [torch._foreach_mul(gs, factor.to(gs[0].device)) if gs else gs
                for gs in grad_groups]

    @staticmethod
    def _clip_each(gs, c):
        """tf.keras ``clipnorm``: each gradient scaled by c / max(norm, c)."""
        if not gs:
            return gs
        norms = torch._foreach_norm(gs)
        torch._foreach_clamp_min_(norms, c)
        return [g * (c / n) for g, n in zip(gs, norms)]

    def _step_scalars(self, lr):
        """0-d tensors shared by all parameters for this step."""
        return {'lr': lr}

    def _t(self):
        """The step number t = iterations + 1, as a float tensor."""
        return self.iterations.to(to_torch_dtype(K.floatx())) + 1

    def _update(self, ps, gs, state, sc):
        raise NotImplementedError

    # -- configuration ----------------------------------------------------------------

    def get_config(self):
        config = {}
        for key in ('clipnorm', 'clipvalue'):
            if hasattr(self, key):
                config[key] = getattr(self, key)
        if self.global_clipnorm is not None:
            config['global_clipnorm'] = self.global_clipnorm
        if self.weight_decay:
            config['weight_decay'] = self.weight_decay
        if self._tf_name is not None:
            config['name'] = self._tf_name
        if self._tf2:
            config['is_legacy_optimizer'] = False
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _float(self, name):
        return float(K.get_value(getattr(self, name)))

    # -- tf.keras optimizer files -----------------------------------------------------

    def set_weights_from_tf_keras(self, weight_names, values, params=None):
        """Load a tf.keras ``optimizer_weights`` group into this optimizer.

        Understands tf.keras 2.11+ names (``iteration:0``,
        ``Adam/m/hidden/kernel:0``) and the legacy ones (``Adam/iter:0``,
        ``Adam/hidden/kernel/m:0``).  The k-th variable of each slot goes to
        ``params[k]`` (the model's trainable weights, in order).

        Returns:
            True when loaded; False (nothing changed) for a layout it does not
            recognise or that does not fit, so the caller can warn.
        """
        parsed = _parse_tf_names(weight_names, values)
        if parsed is None:
            return False
        tf2, iterations, extras, slots = parsed
        params = list(params) if params is not None else list(self._params or [])
        ours = {spec[2 if tf2 else 3]: spec[0] for spec in self._slots()}
        if any(s not in ours for s in slots) or not self._accepts_extras(extras, tf2):
            return False
        for arrays in slots.values():
            if len(arrays) != len(params) or any(
                    np.shape(a) != tuple(p.shape) for a, p in zip(arrays, params)):
                return False
        if slots:
            self.build(params)
        with torch.no_grad():
            K.set_value(self.iterations, np.asarray(iterations).reshape(()))
            self._load_extras(extras, tf2, int(np.asarray(iterations)))
            for tf_slot, arrays in slots.items():
                attr = ours[tf_slot]
                for p, a in zip(params, arrays):
                    target = self._state[attr][self._index[id(p)]]
                    target.copy_(torch.as_tensor(np.asarray(a)).to(target.device, target.dtype))
        return True

    def _accepts_extras(self, extras, tf2):
        return not extras

    def _load_extras(self, extras, tf2, iterations):
        pass


def _parse_tf_names(weight_names, values):
    """Split tf.keras optimizer weights into (tf2, iterations, extras, slots)."""
    names = [n.decode('utf8') if isinstance(n, bytes) else str(n) for n in weight_names]
    if not names or len(names) != len(values):
        return None
    names = [n[:-2] if n.endswith(':0') else n for n in names]
    head = names[0].split('/')[-1]
    if head not in ('iteration', 'iter'):
        return None
    tf2 = head == 'iteration'
    extras, slots = {}, {}
    for name, value in zip(names[1:], values[1:]):
        parts = name.split('/')
        if len(parts) == 2 and not tf2:
            extras[parts[1]] = value
        elif len(parts) >= 3:
            slots.setdefault(parts[1] if tf2 else parts[-1], []).append(value)
        else:
            return None
    return tf2, values[0], extras, slots


def _pop_common(kwargs, learning_rate):
    """Pop the 2.3.1 keyword arguments every optimizer takes; return (lr, eps)."""
    learning_rate = kwargs.pop('lr', learning_rate)
    epsilon = kwargs.pop('epsilon', None)
    return learning_rate, K.epsilon() if epsilon is None else float(epsilon)


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


class _OldLayoutMixin(object):
    """Keras 2.2.4 saved these optimizers without ``iterations`` first."""

    def _upgrade_weights(self, weights, expected):
        if expected == len(weights) + 1:
            return [np.array(0, dtype='int64')] + weights
        return weights


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
        rate = float(optimizer.param_groups[0]['lr'])
        for name, value, dtype in (('iterations', 0, torch.int64),
                                   ('learning_rate', rate, torch.float32)):
            variable = torch.nn.Parameter(torch.tensor(value, dtype=dtype),
                                          requires_grad=False)
            object.__setattr__(self, name, variable)
            self._scalars[name] = variable
        self._pushed_lr = float(np.float32(rate))

    def build(self, params):
        pass

    @property
    def weights(self):
        return [self.iterations]

    def apply_gradients(self, params, grads):
        """Install ``grads`` as the parameters' ``.grad`` and step the torch optimizer."""
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


def serialize(optimizer):
    """``{'class_name': ..., 'config': ...}`` for an optimizer."""
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Build an optimizer from ``serialize``'s output (names case-insensitive).

    tf.keras's ``"Custom>Adam"`` class names and configuration keys are accepted.
    """
    config = dict(config)
    name = config.get('class_name')
    if isinstance(name, str):
        short = name.split('>', 1)[1] if '>' in name else name
        if short.lower() in _ALL_CLASSES and not (custom_objects and name in custom_objects):
            name = short.lower()
        config['class_name'] = name
    return deserialize_keras_object(config, module_objects=_ALL_CLASSES,
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
