"""The optimizer base class: state, the update loop, clipping, (de)serialization.

:class:`Optimizer` owns what every Keras optimizer shares: the 0-d tensor
hyper-parameters (``opt.lr = 0.01`` copies into the variable), lazily built
per-parameter state in Keras 2.3.1's weight order, gradient clipping, the
grouping of parameters by device and dtype for ``torch._foreach_*`` updates,
and loading of tf.keras optimizer weights.  The update rules themselves live in
:mod:`keras.optimizers`.
"""
import numpy as np
import torch

from keras import backend as K
from keras import optimizer_graph
from keras.backend.variables import to_torch_dtype

__all__ = ['Optimizer', 'clip_norm']

# tf.keras configuration keys with nothing to do here (any value is fine).
_HOST_FLOATS = {torch.float32: np.float32, torch.float64: np.float64}


def _compiling():
    """Whether ``torch.compile`` is tracing (host reads of tensors must wait)."""
    compiler = getattr(torch, 'compiler', None)
    return compiler is not None and compiler.is_compiling()


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


class Optimizer(object):
    """Base class of the Keras optimizers.

    On the CPU some updates read their 0-d hyper-parameters as numbers to use
    fused ``addcmul``/``addcdiv`` passes (``cpu_fast_path``); that is a plain
    memory read there.  On other devices every step stays free of host syncs.

    Args (all optimizers):
        clipnorm: float >= 0. Gradients are scaled down when the L2 norm of all of
            them together exceeds this value (per gradient for tf.keras configs).
        clipvalue: float >= 0. Gradients are clipped element-wise to this magnitude.
    """

    # (attribute, 2.3.1 weight name, tf.keras 2.11+ slot name, tf.keras legacy slot)
    _slot_specs = ()
    cpu_fast_path = True

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
        if not isinstance(getattr(type(self), 'iterations', None), property):
            self._add_scalar('iterations', 0, 'int64')  # (a wrapper may forward its own)
        if self._owns_updates():
            self.weights = []  # Keras 2.3.1: plain lists the subclass fills

    def __init_subclass__(cls, **kwargs):
        super(Optimizer, cls).__init_subclass__(**kwargs)
        if 'get_updates' in cls.__dict__:
            cls.get_updates = optimizer_graph.builds_graph(cls.__dict__['get_updates'])

    @classmethod
    def _owns_updates(cls):
        """Whether ``get_updates`` is a Keras 2 subclass's own."""
        return cls.get_updates is not Optimizer.get_updates

    @classmethod
    def _builds_graph(cls):
        """Whether this optimizer trains through ``get_updates`` (a Keras 2 subclass
        overriding it or ``get_gradients``) rather than its fused update alone."""
        return cls._owns_updates() or cls.get_gradients is not Optimizer.get_gradients

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
            if isinstance(value, torch.nn.Parameter) and self._owns_updates():
                scalars[name] = value  # a Keras 2 subclass owns its variables
            elif K.is_tensor(value) and not isinstance(value, torch.Tensor):
                pass  # a symbolic value while a wrapper builds a graph (`lr * multiplier`)
            else:
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

    def _graph_step(self, params):
        """The compiled ``get_updates`` step for ``params`` (traced once per list)."""
        step = self.__dict__.get('_last_graph_step')
        if step is not None and step[0] is params and len(params) == len(step[1].params):
            return step[1]
        steps = self.__dict__.setdefault('_graph_steps', {})
        key = tuple(id(p) for p in params)
        if key not in steps:
            steps[key] = optimizer_graph.GraphStep(self, params)
        self.__dict__['_last_graph_step'] = (params, steps[key])
        return steps[key]

    def _reads_loss(self, params):
        """Whether :meth:`apply_gradients` for ``params`` needs the batch's loss
        value: a ``get_updates`` whose updates read the loss itself."""
        return self._builds_graph() and self._graph_step(params).reads_loss

    def build(self, params):
        """Create the optimizer state for ``params`` (in that order), if not done yet
        (for a ``get_updates`` optimizer: trace its update graph)."""
        if self._builds_graph():
            self._graph_step(list(params))
            return
        self._build_state(params)

    def _build_state(self, params):
        """The fused update's per-parameter slots for ``params``."""
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
        """``[iterations] + extra scalars + slots``, Keras 2.3.1's order ([] until built);
        a plain list once assigned (``get_updates`` optimizers fill their own)."""
        assigned = self.__dict__.get('_assigned_weights')
        if assigned is not None:
            return assigned
        if self._params is None:
            return []
        out = [self.iterations] + self._extra_weights()
        for spec in self._slots():
            out.extend(self._state[spec[0]])
        return out

    @weights.setter
    def weights(self, value):
        self.__dict__['_assigned_weights'] = list(value)

    def get_weight_names(self):
        """Names for :attr:`weights` in Keras 2.3.1's style (``Adam/m_0:0``)."""
        if '_assigned_weights' in self.__dict__:
            prefix = type(self).__name__ + '/'
            return [prefix + (getattr(w, '_keras_name', None) or 'Variable_%d' % i) + ':0'
                    for i, w in enumerate(self.weights)]
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

    @optimizer_graph.builds_graph
    def get_updates(self, loss, params):
        """Update ops of one step on the symbolic ``loss`` (for ``K.function``);
        a built-in optimizer gives one op running its fused update."""
        return optimizer_graph.fused_updates(self, loss, params)

    def get_gradients(self, loss, params):
        """Gradients of the scalar tensor ``loss`` for ``params``, clipped as configured
        (symbolic when ``loss`` is)."""
        if K.is_tensor(loss) and not isinstance(loss, torch.Tensor):
            return optimizer_graph.symbolic_gradients(self, loss, list(params))
        grads = torch.autograd.grad(loss, list(params), allow_unused=True)
        if any(g is None for g in grads):
            raise ValueError('An operation has `None` for gradient. Please make sure '
                             'that all of your ops have a gradient defined (i.e. are '
                             'differentiable). Common ops without gradient: K.argmax, '
                             'K.round, K.eval.')
        with torch.no_grad():
            return self._clip([list(grads)])[0]

    def apply_gradients(self, params, grads, loss=None):
        """One update of ``params`` (in place) with ``grads``; ``None`` grads are skipped
        (given as zeros to a ``get_updates`` optimizer).  ``loss``: the batch's
        loss value, which a ``get_updates`` reading the loss itself needs
        (see :meth:`_reads_loss`); others ignore it."""
        if self._builds_graph():
            self._graph_step(params).run(grads, loss)
            return
        self._update_params(params, grads)
        with torch.no_grad():
            self.iterations.add_(1)

    def _update_params(self, params, grads):
        """:meth:`apply_gradients` without counting the step in ``iterations``."""
        with torch.no_grad():
            groups = self._plan(params, grads)
            scalars = self._step_scalars(self._decayed_lr())
            grad_groups = self._clip([[grads[i] for i in pos] for _, pos, _, _ in groups])
            for (device, _, ps, state), gs in zip(groups, grad_groups):
                local = scalars
                if device != self.iterations.device:
                    local = {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v
                             for k, v in scalars.items()}
                if self.weight_decay:
                    decay = torch._foreach_mul(ps, local['lr'] * self.weight_decay)
                    torch._foreach_sub_(ps, decay)
                self._update(ps, gs, state, local)

    def _on_cpu_fast_path(self, params):
        """Whether the update of ``params`` may read the 0-d hyper-parameters as
        Python numbers: on the CPU (no device sync), unless ``torch.compile``
        is tracing the step (a read would break its graph)."""
        return params[0].device.type == 'cpu' and self.cpu_fast_path and not _compiling()

    def _decayed_lr(self):
        """The step's learning rate with 2.3.1's time-based ``decay``:
        ``lr / (1 + decay * iterations)``.

        With the state on the CPU (and ``cpu_fast_path``) the same float32
        arithmetic runs on the host (a Python float, bit-identical to the
        tensor result) instead of five tiny tensor operations per step.
        """
        lr = self.learning_rate
        if not getattr(self, 'initial_decay', 0) > 0:
            return lr
        decay, iterations = self.decay, self.iterations
        host_type = _HOST_FLOATS.get(decay.dtype)
        if (self.cpu_fast_path and host_type is not None and lr.dtype == decay.dtype and
                iterations.device.type == 'cpu' and lr.device.type == 'cpu' and
                decay.device.type == 'cpu' and not _compiling()):
            one = host_type(1.)
            factor = one / (one + host_type(decay.item()) * host_type(iterations.item()))
            return float(host_type(lr.item()) * factor)
        return lr * (1. / (1. + decay * iterations.to(decay.dtype)))

    def _plan(self, params, grads):
        """Groups ``[(device, positions, params, {slot: states})]``, cached per call shape."""
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
        self._build_state(params)
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
        return groups

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
        ours = {spec[2 if tf2 else 3]: spec[0] for spec in self._slots()
                if self._is_full_slot(spec[0])}
        if any(s not in ours for s in slots) or not self._accepts_extras(extras, tf2):
            return False
        for arrays in slots.values():
            if len(arrays) != len(params) or any(
                    np.shape(a) != tuple(p.shape) for a, p in zip(arrays, params)):
                return False
        if slots:
            self._build_state(params)
        with torch.no_grad():
            K.set_value(self.iterations, np.asarray(iterations).reshape(()))
            self._load_extras(extras, tf2, int(np.asarray(iterations)))
            for tf_slot, arrays in slots.items():
                attr = ours[tf_slot]
                for p, a in zip(params, arrays):
                    target = self._state[attr][self._index[id(p)]]
                    target.copy_(torch.as_tensor(np.asarray(a)).to(target.device, target.dtype))
        return True

    def _is_full_slot(self, attr):
        """Whether the slot holds one tensor of its parameter's shape."""
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


class _OldLayoutMixin(object):
    """Keras 2.2.4 saved these optimizers without ``iterations`` first."""

    def _upgrade_weights(self, weights, expected):
        if expected == len(weights) + 1:
            return [np.array(0, dtype='int64')] + weights
        return weights
