"""The ``Layer`` base class: a ``torch.nn.Module`` with Keras 2's interface.

A layer holds its weights as ``torch.nn.Parameter``s in Keras's own shapes and
order.  Called on symbolic ``KerasTensor``s it builds itself, infers its output
shape and records a :class:`~keras.engine.node.Node`; called on real tensors it
computes (through ``nn.Module.__call__`` -> ``forward`` -> ``call``).
"""
import threading

import numpy as np
import torch

from keras import activations
from keras.backend import reversed_slices
from keras.backend import session as K_session
from keras.engine import layer_tracking, layer_weights, module_keys
from keras.engine.graph import layer_methods
from keras.engine.input_spec import InputSpec, assert_input_compatibility, shape_argument
from keras.engine.keras_tensor import KerasTensor, is_keras_tensor
from keras.engine.node import Node  # noqa: F401 (2.3.1 exported it here)
from keras.engine.layer_calls import (call_modes, call_symbolic, infer_output_shape,
                                      numpy_to_tensors)
from keras.legacy.weight_arguments import SIGNATURE as ADD_WEIGHT_SIGNATURE
from keras.legacy.weight_arguments import add_weight_arguments
from keras.mixed_precision import execution as mp_execution
from keras.mixed_precision import policy as mp_policy
from keras.utils.generic_utils import to_snake_case

__all__ = ['Layer', 'InputSpec', 'collect_call_losses', 'collect_call_metrics']

_ALLOWED_KWARGS = {'input_shape', 'batch_input_shape', 'batch_size', 'dtype', 'name',
                   'trainable', 'weights', 'input_dtype'}
# Keys newer Keras versions put in every layer config; meaningless here.
_IGNORED_KWARGS = {'autocast', 'dynamic'}

_LOSS_STATE = threading.local()


def disable_tracking(func):
    """Keras 2.3.1 decorator that stopped attribute tracking; nothing to stop here."""
    return func


class _Collect(object):
    """A ``with`` block during which one thread-local list gathers what
    layers report (a class, not a generator: it runs on every training step)."""

    __slots__ = ('_slot', '_previous')

    def __init__(self, slot):
        self._slot = slot

    def __enter__(self):
        self._previous = getattr(_LOSS_STATE, self._slot, None)
        collected = []
        setattr(_LOSS_STATE, self._slot, collected)
        return collected

    def __exit__(self, *exc_info):
        setattr(_LOSS_STATE, self._slot, self._previous)
        return False


def collect_call_losses():
    """Gather the losses layers add while computing (activity regularizers,
    ``add_loss`` inside ``call``) during one forward pass."""
    return _Collect('losses')


def collect_call_metrics():
    """Gather ``(name, value)`` pairs layers report with ``add_metric`` during one
    forward pass (inside ``call``, or symbolic metrics computed by the model)."""
    return _Collect('metrics')


def report_metric(name, value):
    collected = getattr(_LOSS_STATE, 'metrics', None)
    if collected is not None:
        collected.append((name, value))


_HOOKS = {'generation': 0}


def hook_added():
    """Layers got torch hooks: execution plans must call them through ``__call__``."""
    _HOOKS['generation'] += 1


def hook_generation():
    return _HOOKS['generation']


# Plans decide where autocast switches relative to the global policy.
mp_policy.on_global_policy_change(hook_added)


class Layer(torch.nn.Module):
    """Base class of all layers.

    Subclasses implement ``build(input_shape)`` (create weights with
    :meth:`add_weight`), ``call(inputs)`` (torch or ``K`` code) and, when the
    output shape differs from the input's, ``compute_output_shape``.

    Example:
        >>> class Scale(Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(name='w', shape=(input_shape[-1],),
        ...                                  initializer='ones')
        ...         super(Scale, self).build(input_shape)
        ...     def call(self, x):
        ...         return x * self.w
    """

    activity_regularizer = None  # class default: looked up every forward pass
    # Whether outputs depend on the learning phase when ``training`` is not
    # given (Dropout, BatchNormalization...): Keras 2's ``_uses_learning_phase``.
    uses_learning_phase = False

    def __init_subclass__(cls, **kwargs):
        super(Layer, cls).__init_subclass__(**kwargs)
        layer_methods.wrap_subclass(cls)  # compute_mask(keras_tensor) records graph ops

    def __init__(self, **kwargs):
        if '_parameters' not in self.__dict__:
            torch.nn.Module.__init__(self)
        for kwarg in kwargs:
            if kwarg not in _ALLOWED_KWARGS and kwarg not in _IGNORED_KWARGS:
                raise TypeError('Keyword argument not understood by %s: %r'
                                % (self.__class__.__name__, kwarg))
        self.input_spec = getattr(self, 'input_spec', None)
        self.supports_masking = getattr(self, 'supports_masking', False)
        self.stateful = getattr(self, 'stateful', False)
        self.__dict__.update(  # private bookkeeping: plain attributes, set at once
            _trainable_weights=[], _non_trainable_weights=[], _regularizers=[],
            _constraints=[], _symbolic_losses=[], _callable_losses=[], _symbolic_metrics=[],
            _inbound_nodes=[], _outbound_nodes=[], _built_input_shape=None)
        self.built = False
        self._trainable = kwargs.get('trainable', True)
        name = kwargs.get('name')
        if not name:
            prefix = to_snake_case(self.__class__.__name__)
            name = prefix + '_' + str(K_session.get_uid(prefix))
        self.name = name
        if 'input_shape' in kwargs or 'batch_input_shape' in kwargs:
            if 'batch_input_shape' in kwargs:
                batch_input_shape = shape_argument(self, 'batch_input_shape',
                                                   kwargs['batch_input_shape'])
            else:
                batch_input_shape = (kwargs.get('batch_size'),) + \
                    shape_argument(self, 'input_shape', kwargs['input_shape'])
            self.batch_input_shape = batch_input_shape
        self._set_dtype_policy(kwargs.get('dtype') or kwargs.get('input_dtype'))
        self._initial_weights = kwargs.get('weights')

    def __setattr__(self, name, value):
        state = self.__dict__
        # Keras 2 subclasses often set attributes before calling
        # ``super().__init__``; make the Module machinery exist first.
        if '_parameters' not in state:
            torch.nn.Module.__init__(self)
        elif not isinstance(value, (torch.Tensor, torch.nn.Module)) and \
                name not in state['_parameters'] and name not in state['_modules'] and \
                name not in state['_buffers']:
            # a plain attribute: what torch's checks would end in, without them
            object.__setattr__(self, name, value)
            return
        elif module_keys.needs_move(self, name, value):
            # Keras allows any value under any name: a weight or sub-layer that
            # holds this key steps aside rather than torch refusing the value.
            module_keys.move_aside(self, name)
        super(Layer, self).__setattr__(name, value)

    def register_forward_hook(self, *args, **kwargs):
        handle = torch.nn.Module.register_forward_hook(self, *args, **kwargs)
        hook_added()
        return handle

    def register_forward_pre_hook(self, *args, **kwargs):
        handle = torch.nn.Module.register_forward_pre_hook(self, *args, **kwargs)
        hook_added()
        return handle

    def __getattr__(self, name):
        try:
            return torch.nn.Module.__getattr__(self, name)
        except AttributeError:
            prop = getattr(type(self), name, None)
            if isinstance(prop, property):
                return prop.fget(self)  # re-raise the property's own, clearer error
            raise

    # ------------------------------------------------------------------ dtype
    def _set_dtype_policy(self, dtype):
        """Fix the layer's policy from a ``dtype`` argument (None: the global policy)."""
        policy = mp_policy.layer_policy(dtype)
        self.__dict__['_dtype_policy'] = policy
        self.__dict__['_autocast_dtype'] = mp_policy.autocast_dtype(policy)

    @property
    def dtype_policy(self):
        """The layer's :class:`keras.mixed_precision.Policy`."""
        return self.__dict__.get('_dtype_policy') or mp_policy.global_policy()

    @property
    def compute_dtype(self):
        """The dtype the layer computes in (``'bfloat16'`` under ``'mixed_bfloat16'``)."""
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        """The dtype of the layer's weights (same as ``dtype``)."""
        return self.dtype_policy.variable_dtype

    @property
    def dtype(self):
        """The dtype of the layer's weights: float32 under the mixed policies."""
        return self.dtype_policy.variable_dtype

    @dtype.setter
    def dtype(self, value):
        self._set_dtype_policy(value)

    # ------------------------------------------------------------------ state
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    @property
    def _layers(self):
        """Layers tracked as attributes (sub-layers of wrappers, RNN cells...)."""
        return [m for m in self._modules.values() if isinstance(m, Layer)]

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        weights = list(self._trainable_weights)
        for layer in self._layers:
            weights += layer.trainable_weights
        return layer_weights.unique(weights)

    @trainable_weights.setter
    def trainable_weights(self, weights):
        # Keras 1 custom layers assigned this list directly.
        self._trainable_weights = layer_weights.adopt(self, weights, trainable=True)

    @property
    def non_trainable_weights(self):
        if self.trainable:
            weights = list(self._non_trainable_weights)
            for layer in self._layers:
                weights += layer.non_trainable_weights
        else:
            weights = list(self._trainable_weights) + list(self._non_trainable_weights)
            for layer in self._layers:
                weights += layer.weights
        return layer_weights.unique(weights)

    @non_trainable_weights.setter
    def non_trainable_weights(self, weights):
        self._non_trainable_weights = layer_weights.adopt(self, weights, trainable=False)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @property
    def updates(self):
        """The updates of every call (see :mod:`keras.engine.layer_tracking`)."""
        return layer_tracking.layer_updates(self)

    def add_update(self, updates, inputs=None):
        """Record update ops (conditional on ``inputs``, or unconditional).

        ``K.update*`` on real values has already assigned; on symbolic values it
        returns an ``UpdateOp`` that functions given ``updates=`` apply.
        """
        updates = [u for u in (updates if isinstance(updates, list) else [updates])
                   if u is not None]
        if updates and K_session.in_shape_probe():  # reported for the symbolic call
            layer_tracking.probe_added(self, updates=updates)
        elif updates:
            layer_tracking.record(layer_tracking.table(self, '_per_input_updates'),
                                  inputs, updates)

    def get_updates_for(self, inputs):
        return layer_tracking.updates_for(self, inputs)

    def add_weight(self, *args, **kwargs):
        """Create a weight, register it and return the ``torch.nn.Parameter``.

        ``add_weight(name=None, shape=None, dtype=None, initializer=None,
        regularizer=None, trainable=True, constraint=None)``; Keras 1's and
        2.0's order, ``add_weight(shape, initializer, name=...)``, is also
        accepted (see :mod:`keras.legacy.weight_arguments`).

        Args:
            name: weight name (the file name is ``<layer>/<name>:0``).
            shape: shape tuple in Keras layout.
            dtype: defaults to the layer's dtype.
            initializer, regularizer, constraint: objects or names.
            trainable: whether the optimizer updates it.
        """
        a = add_weight_arguments(self, args, kwargs)
        return layer_weights.create_weight(self, a['name'], a['shape'], a['dtype'],
                                           a['initializer'], a['regularizer'], a['trainable'],
                                           a['constraint'])

    add_weight.__signature__ = ADD_WEIGHT_SIGNATURE

    def get_weights(self):
        """The layer's weights as a list of NumPy arrays, in Keras order."""
        return layer_weights.to_numpy(self.weights)

    def set_weights(self, weights):
        """Set every weight from NumPy arrays; nothing changes when any fails."""
        layer_weights.assign(self, self.weights, weights)

    def count_params(self):
        if not self.built:
            if self.__class__.__name__ == 'Sequential':
                self.build()
            else:
                raise ValueError('You tried to call `count_params` on %s, but the layer '
                                 'isn\'t built. You can build it manually via: '
                                 '`%s.build(batch_input_shape)`.' % (self.name, self.name))
        return int(sum(np.prod(tuple(w.shape)) for w in self.weights))

    # ------------------------------------------------------------------ calls
    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape``."""
        self._built_input_shape = input_shape
        self.built = True

    def call(self, inputs, **kwargs):
        """The computation: real tensors in, real tensors out."""
        return inputs

    def __call__(self, inputs, *args, **kwargs):
        if _has_keras_tensor(inputs):
            return call_symbolic(self, inputs, args, kwargs)
        inputs = numpy_to_tensors(self, inputs)
        if not self.built:
            self._build_from_values(inputs)
        if mp_policy.mixed_in_use():  # then each layer runs in its own policy
            outputs = mp_execution.call(self, inputs, args, kwargs)
        else:
            outputs = torch.nn.Module.__call__(self, inputs, *args, **kwargs)
        if 'training' in kwargs or self.uses_learning_phase:
            _mark_learning_phase(outputs, kwargs.get('training') is None and
                                 bool(self.uses_learning_phase))
        return outputs

    # Torch function modes this layer's call runs under, so that TensorFlow's
    # tensor semantics hold where its code relies on them: ``x[..., ::-1]``
    # (keras.backend.reversed_slices), ``a *= b`` making a new tensor
    # (keras.backend.immutable_tensors). Set when the call first needs one.
    _call_modes = ()

    def forward(self, inputs, *args, **kwargs):
        if self._call_modes:
            with call_modes(self):
                outputs = self.call(inputs, *args, **kwargs)
        else:
            try:
                outputs = self.call(inputs, *args, **kwargs)
            except ValueError as e:  # x[..., ::-1]: torch refuses what TensorFlow allowed
                if not reversed_slices.is_refusal(e):
                    raise
                self._call_modes = (reversed_slices.enabled,)
                with call_modes(self):
                    outputs = self.call(inputs, *args, **kwargs)
        if self.activity_regularizer is not None:
            self.add_loss([self.activity_regularizer(out) for out in
                           (outputs if isinstance(outputs, (list, tuple)) else [outputs])],
                          inputs)
        return outputs

    def _build_from_values(self, inputs):
        if isinstance(inputs, (list, tuple)):
            shapes = [tuple(torch.as_tensor(x).shape) for x in inputs]
        else:
            shapes = tuple(torch.as_tensor(inputs).shape)
        self._maybe_build(shapes)

    def _maybe_build(self, input_shapes):
        if self.built:
            return
        self.build(input_shapes)
        self.built = True
        if self._built_input_shape is None:
            self._built_input_shape = input_shapes
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)

    def compute_output_shape(self, input_shape):
        """Shape of the output for inputs of ``input_shape``.

        The base implementation runs the layer once on small zero tensors; layers
        with fixed rules override it.  Reached through ``super()`` from such an
        override it returns ``input_shape``, as Keras 2.3.1's base did.
        """
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            return input_shape
        return infer_output_shape(self, input_shape)

    def compute_mask(self, inputs, mask=None):
        """The output mask: ``mask`` itself for layers that support masking."""
        if not self.supports_masking:
            if mask is not None:
                masks = mask if isinstance(mask, list) else [mask]
                if any(m is not None for m in masks):
                    raise TypeError('Layer %s does not support masking, but was passed an '
                                    'input_mask: %s' % (self.name, mask))
            return None
        return mask

    def assert_input_compatibility(self, inputs):
        inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        assert_input_compatibility(self, [tuple(x.shape) for x in inputs])

    # ----------------------------------------------------------------- losses
    def add_loss(self, losses, inputs=None):
        """Add a loss: a symbolic tensor (graph-time), a real tensor (computed in
        ``call``), a number or a zero-argument callable.

        ``inputs`` marks the losses as depending on those inputs (activity
        regularization); ``None``: unconditional (weight penalties).
        """
        collected = getattr(_LOSS_STATE, 'losses', None)
        reported, eager = [], []
        for loss in (losses if isinstance(losses, (list, tuple)) else [losses]):
            if loss is None:
                continue
            if isinstance(loss, torch.Tensor):  # computed in a forward pass
                if collected is not None:
                    collected.append(loss)
                else:
                    eager.append(loss)
                continue
            if is_keras_tensor(loss) and K_session.in_shape_probe():
                # a loss of a call reading other graph tensors (z_mean in a VAE
                # loss layer): counted as the call's own, computed in each run
                layer_tracking.probe_added(self, losses=1)
                continue
            if is_keras_tensor(loss):
                self._symbolic_losses.append(loss)
            elif callable(loss):
                self._callable_losses.append(loss)
            else:
                value = float(loss)
                self._callable_losses.append(lambda value=value: torch.tensor(value))
            reported.append(loss)
        if reported:
            layer_tracking.record(layer_tracking.table(self, '_per_input_losses'),
                                  inputs, reported)
        if eager:
            if K_session.in_shape_probe():  # reported for the symbolic call
                layer_tracking.probe_added(self, losses=len(eager))
            else:
                layer_tracking.record_eager_losses(self, inputs, eager)

    def add_metric(self, value, name=None, aggregation=None):
        """Report a value as a metric, averaged over each epoch like ``loss``.

        Args:
            value: a symbolic tensor (``model.add_metric(K.mean(x), name='m')``) or,
                inside ``call``, a real tensor.
            name: the name shown in ``metrics_names`` and ``History``; by
                default the metric's own name when ``value`` is what a
                ``Metric`` object returned (``model.add_metric(Mean('m')(y))``).
            aggregation: ``None`` or ``'mean'`` (Keras averages).
        """
        if aggregation not in (None, 'mean'):
            raise ValueError('add_metric on layer %s: only aggregation="mean" is supported, got '
                             '%r.' % (self.name, aggregation))
        if name is None:
            name = getattr(getattr(value, '_metric_obj', None), 'name', None)
        if name is None:
            raise ValueError('add_metric on layer %s needs a `name` for the metric (unless the '
                             'value is the result of a Metric object), e.g. '
                             '`self.add_metric(K.sum(x), name=\'activity\')`.' % self.name)
        if is_keras_tensor(value):
            if all(n != name for n, _ in self._symbolic_metrics):
                self._symbolic_metrics.append((name, value))
            if hasattr(self, '_plan'):
                self._plan = None
        else:
            report_metric(name, value)

    def regularization_losses(self):
        """Weight penalties and callable losses of this layer and its sub-layers,
        evaluated now."""
        out = [reg(w) for w, reg in self._regularizers] if self._regularizers else []
        if self._callable_losses:
            out += [fn() for fn in self._callable_losses]
        if self._modules:  # (most layers have no sub-layers: skip the scan)
            for layer in self._layers:
                out += layer.regularization_losses()
        return out

    @property
    def losses(self):
        """Every loss of the layer and its sub-layers: those of its calls
        (activity regularization) and the unconditional ones (weight penalties,
        evaluated now)."""
        return layer_tracking.dedupe_losses(layer_tracking.all_conditional_losses(self) +
                                            layer_tracking.unconditional_losses(self))

    def get_losses_for(self, inputs):
        """The losses of calls on ``inputs`` (``None``: the unconditional ones)."""
        if inputs is None:
            return layer_tracking.unconditional_losses(self)
        return layer_tracking.conditional_losses(self, inputs)

    # ----------------------------------------------------------------- config
    def get_config(self):
        config = {'name': self.name, 'trainable': self.trainable}
        if hasattr(self, 'batch_input_shape'):
            config['batch_input_shape'] = self.batch_input_shape
        config['dtype'] = mp_policy.serialize(self.dtype_policy)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    # ------------------------------------------------------------ graph info
    def _get_node_attribute_at_index(self, node_index, attr, attr_name):
        if not self._inbound_nodes:
            raise RuntimeError('The layer has never been called and thus has no defined '
                               + attr_name + '.')
        if not len(self._inbound_nodes) > node_index:
            raise ValueError('Asked to get %s at node %d, but the layer has only %d inbound '
                             'nodes.' % (attr_name, node_index, len(self._inbound_nodes)))
        values = getattr(self._inbound_nodes[node_index], attr)
        return values[0] if len(values) == 1 else values

    def get_input_shape_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'input_shapes', 'input shape')

    def get_output_shape_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'output_shapes', 'output shape')

    def get_input_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'input_tensors', 'input')

    def get_output_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'output_tensors', 'output')

    def get_input_mask_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'input_masks', 'input mask')

    def get_output_mask_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, 'output_masks', 'output mask')

    def _single_node_value(self, attr, what, at_name):
        if not self._inbound_nodes:
            raise AttributeError('Layer %s is not connected, no %s to return.' % (self.name, what))
        if len(self._inbound_nodes) > 1:
            raise AttributeError('Layer %s has multiple inbound nodes, hence the notion of '
                                 '"layer %s" is ill-defined. Use `%s(node_index)` instead.'
                                 % (self.name, what, at_name))
        return self._get_node_attribute_at_index(0, attr, what)

    @property
    def input(self):
        return self._single_node_value('input_tensors', 'input', 'get_input_at')

    @property
    def output(self):
        return self._single_node_value('output_tensors', 'output', 'get_output_at')

    @property
    def input_mask(self):
        return self._single_node_value('input_masks', 'input mask', 'get_input_mask_at')

    @property
    def output_mask(self):
        return self._single_node_value('output_masks', 'output mask', 'get_output_mask_at')

    def _shape_over_nodes(self, attr, what, at_name):
        if not self._inbound_nodes:
            raise AttributeError('The layer has never been called and thus has no defined '
                                 '%s.' % what)
        shapes = set(str(getattr(node, attr)) for node in self._inbound_nodes)
        if len(shapes) == 1:
            return self._get_node_attribute_at_index(0, attr, what)
        raise AttributeError('The layer "%s" has multiple inbound nodes, with different %ss. '
                             'Hence the notion of "%s" is ill-defined for the layer. Use '
                             '`%s(node_index)` instead.' % (self.name, what, what, at_name))

    @property
    def input_shape(self):
        return self._shape_over_nodes('input_shapes', 'input shape', 'get_input_shape_at')

    @property
    def output_shape(self):
        return self._shape_over_nodes('output_shapes', 'output shape', 'get_output_shape_at')

    def extra_repr(self):
        return 'name=%r' % self.name

    def __repr__(self):
        return '<%s name=%s, built=%s>' % (self.__class__.__name__, self.name, self.built)


def _mark_learning_phase(outputs, value):
    """Set Keras 2's ``_uses_learning_phase`` on a direct call's real outputs."""
    for y in (outputs if isinstance(outputs, (list, tuple)) else [outputs]):
        if isinstance(y, torch.Tensor):
            y._uses_learning_phase = value


def _has_keras_tensor(inputs):
    if isinstance(inputs, KerasTensor):
        return True
    if isinstance(inputs, (list, tuple)):
        return any(isinstance(x, KerasTensor) for x in inputs)
    return False


# keras.activations recognises layer instances (and 2.3.1's ``keras.activations.Layer``)
# through its registry: this module imports it, not the reverse.
activations.register_layer_classes(Layer)
