"""Layers that wrap another layer: ``TimeDistributed`` and ``Bidirectional``."""
import copy

import torch

from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.engine.keras_tensor import is_keras_tensor
from keras.engine.layer_calls import call_arg_names, is_shape_list
from keras.engine.graph.op_layer import call_symbolically
from keras.layers.recurrent_base import _standardize_args
from keras.utils.generic_utils import object_list_uid

__all__ = ['Wrapper', 'TimeDistributed', 'Bidirectional']

_MERGE_MODES = ('sum', 'mul', 'ave', 'concat', None)


class Wrapper(Layer):
    """Base class of the layers that wrap another layer (``self.layer``).

    The wrapped layer's weights, losses and trainable flag are the wrapper's.

    Args:
        layer: the layer (or model) to wrap.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError('%s wraps a Keras layer (or model), got %r.'
                             % (self.__class__.__name__, layer))
        self.layer = layer
        super(Wrapper, self).__init__(**kwargs)
        if kwargs.get('trainable') is False:
            layer.trainable = False

    def build(self, input_shape=None):
        self.built = True

    @property
    def activity_regularizer(self):
        return getattr(self.layer, 'activity_regularizer', None)

    @property
    def uses_learning_phase(self):
        return bool(getattr(self.layer, 'uses_learning_phase', False))

    @property
    def trainable(self):
        return self.layer.trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        if 'layer' in self.__dict__ or 'layer' in self.__dict__.get('_modules', {}):
            self.layer.trainable = value

    def get_config(self):
        config = {'layer': {'class_name': self.layer.__class__.__name__,
                            'config': self.layer.get_config()}}
        base = super(Wrapper, self).get_config()
        return dict(list(base.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from keras.layers import deserialize as deserialize_layer
        config = dict(config)
        layer = deserialize_layer(config.pop('layer'), custom_objects=custom_objects)
        return cls(layer, **config)


def _inner(tensor):
    """``(batch, time, ...)`` -> ``(batch * time, ...)`` (a view when possible)."""
    return tensor.reshape((-1,) + tuple(tensor.shape[2:]))


def _outer(tensor, batch, steps):
    """``(batch * time, ...)`` -> ``(batch, time, ...)``."""
    return tensor.reshape((batch, steps) + tuple(tensor.shape[1:]))


class TimeDistributed(Wrapper):
    """Applies a layer (or a whole model) to every temporal slice of an input.

    Axis 1 of the input is time: a ``(32, 10, 16)`` batch is fed to the wrapped
    layer as one ``(320, 16)`` batch and the result reshaped back, so the same
    weights apply at every step.

    Args:
        layer: a layer or model instance.

    Input shape:
        ``(batch, time, ...)``, at least 3D.
    Output shape:
        ``(batch, time) + inner output shape[1:]``.

    Example:
        >>> model = Sequential()
        >>> model.add(TimeDistributed(Dense(8), input_shape=(10, 16)))
        >>> model.output_shape
        (None, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        super(TimeDistributed, self).__init__(layer, **kwargs)
        self.supports_masking = True
        # Keras 2.3.1's record of symbolic calls: uid of the wrapper's input ->
        # the inner layer's ``(batch * time, ...)`` input.
        self._input_map = {}

    def __call__(self, inputs, *args, **kwargs):
        outputs = super(TimeDistributed, self).__call__(inputs, *args, **kwargs)
        if is_keras_tensor(inputs):
            self._input_map[object_list_uid(inputs)] = call_symbolically(_inner, (inputs,), {})
        return outputs

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError('TimeDistributed %s needs an input of rank >= 3 (batch, time, ...), '
                             'got shape %s.' % (self.name, input_shape))
        self.input_spec = InputSpec(shape=(None,) + input_shape[1:])
        if not self.layer.built:
            self.layer._maybe_build((input_shape[0],) + input_shape[2:])
            # Keras 2.3.1 built the inner layer inside the wrapper's name scope:
            # its weights are saved as ``time_distributed_1/kernel:0``.
            for weight in self.layer.weights:
                base = getattr(weight, '_keras_name', 'weight:0').rsplit('/', 1)[-1]
                weight._keras_name = '%s/%s' % (self.name, base)
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        inner = self.layer.compute_output_shape((input_shape[0],) + input_shape[2:])
        steps = input_shape[1]
        if is_shape_list(inner):
            return [(s[0], steps) + tuple(s[1:]) for s in inner]
        return (inner[0], steps) + tuple(inner[1:])

    def call(self, inputs, training=None, mask=None):
        names = call_arg_names(self.layer)
        kwargs = {}
        if 'training' in names:
            kwargs['training'] = training
        if mask is not None and 'mask' in names:
            kwargs['mask'] = _inner(mask)
        batch, steps = inputs.shape[0], inputs.shape[1]
        outputs = self.layer.call(_inner(inputs), **kwargs)
        if isinstance(outputs, (list, tuple)):
            return [_outer(y, batch, steps) for y in outputs]
        return _outer(outputs, batch, steps)

    def compute_mask(self, inputs, mask=None):
        """The inner layer's mask at every step, or the input mask reduced to
        ``(batch, time)`` when the inner layer gives none."""
        inner_mask = None if mask is None else _inner(mask)
        out = self.layer.compute_mask(_inner(inputs), inner_mask)
        if out is None:
            if mask is None:
                return None
            while mask.dim() > 2:
                mask = torch.any(mask, dim=-1)
            return mask
        batch, steps = inputs.shape[0], inputs.shape[1]
        if isinstance(out, (list, tuple)):
            return [None if m is None else _outer(m, batch, steps) for m in out]
        return _outer(out, batch, steps)


class Bidirectional(Wrapper):
    """Runs a recurrent layer forwards and backwards and merges the two outputs.

    The wrapped layer is re-created twice from its config: ``forward_<name>``
    and ``backward_<name>`` (the latter with ``go_backwards`` flipped, or
    ``backward_layer`` when given).  Weights are ordered forward then backward.

    Args:
        layer: a recurrent layer instance (``LSTM``, ``GRU``, ``RNN``...).
        merge_mode: ``'concat'`` (default), ``'sum'``, ``'mul'``, ``'ave'`` or
            ``None`` (the two outputs are returned as a list).
        weights: initial weights, forward layer's then backward layer's.
        backward_layer: optional recurrent layer for the backward direction; it
            must have ``go_backwards`` opposite to ``layer`` and the same
            ``return_sequences``, ``return_state`` and ``stateful``.

    Example:
        >>> model = Sequential()
        >>> model.add(Bidirectional(LSTM(10, return_sequences=True), input_shape=(5, 10)))
        >>> model.add(Bidirectional(LSTM(10)))
        >>> model.output_shape
        (None, 20)
    """

    def __init__(self, layer, merge_mode='concat', weights=None, backward_layer=None, **kwargs):
        if merge_mode not in _MERGE_MODES:
            raise ValueError('Invalid merge mode %r for Bidirectional. Merge mode should be one '
                             'of {"sum", "mul", "ave", "concat", None}.' % (merge_mode,))
        if not isinstance(layer, Layer) or not hasattr(layer, 'return_sequences'):
            raise ValueError('Bidirectional needs a recurrent layer instance (LSTM, GRU, RNN...), '
                             'got %r.' % (layer,))
        custom_objects = kwargs.pop('custom_objects', None)
        if ('input_shape' not in kwargs and 'batch_input_shape' not in kwargs
                and getattr(layer, 'batch_input_shape', None) is not None):
            kwargs['batch_input_shape'] = layer.batch_input_shape
        Layer.__init__(self, weights=weights, **kwargs)
        self.__dict__['layer'] = layer  # kept for its config; not a sub-module
        self._backward_given = backward_layer is not None
        self.forward_layer = _recreate(layer, 'forward_', False, custom_objects)
        if backward_layer is None:
            self.backward_layer = _recreate(layer, 'backward_', True, custom_objects)
        else:
            _check_backward_layer(layer, backward_layer)
            self.__dict__['_backward_source'] = backward_layer
            self.backward_layer = _recreate(backward_layer, 'backward_', False, custom_objects)
        if kwargs.get('trainable') is False:
            self.trainable = False
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = getattr(layer, 'return_state', False)
        self.supports_masking = True
        self.input_spec = copy.copy(layer.input_spec)
        self._num_constants = None

    # ------------------------------------------------------------- trainable
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for name in ('forward_layer', 'backward_layer'):
            if name in self.__dict__.get('_modules', {}):
                getattr(self, name).trainable = value

    # ----------------------------------------------------------------- build
    def build(self, input_shape):
        shapes = list(input_shape) if is_shape_list(input_shape) else [tuple(input_shape)]
        if self._num_constants:
            shape = [shapes[0]] + shapes[-self._num_constants:]
        else:
            shape = shapes[0]
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build(shape)
            for w in sub.weights:  # file names as tf.keras writes them
                name = getattr(w, '_keras_name', None)
                if name and not name.startswith(self.name + '/'):
                    w._keras_name = self.name + '/' + name
        self.built = True

    def compute_output_shape(self, input_shape):
        if is_shape_list(input_shape):
            input_shape = input_shape[0]
        output_shape = self.forward_layer.compute_output_shape(tuple(input_shape))
        state_shapes = []
        if self.return_state:
            state_shapes = [tuple(s) for s in output_shape[1:]]
            output_shape = output_shape[0]
        output_shape = tuple(output_shape)
        if self.merge_mode == 'concat':
            last = output_shape[-1]
            output_shape = output_shape[:-1] + (None if last is None else last * 2,)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if not self.return_state:
            return output_shape
        outputs = output_shape if self.merge_mode is None else [output_shape]
        return outputs + state_shapes + state_shapes

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = mask if self.merge_mode else [mask, mask]
        else:
            output_mask = None if self.merge_mode else [None, None]
        if not self.return_state:
            return output_mask
        n_states = len(_state_sizes(self.forward_layer))
        outputs = output_mask if isinstance(output_mask, list) else [output_mask]
        return outputs + [None] * (2 * n_states)

    # ------------------------------------------------------------------ call
    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        inputs, initial_state, constants = _standardize_args(inputs, initial_state, constants,
                                                             self._num_constants)
        if initial_state is not None:
            if len(initial_state) % 2:
                raise ValueError('When passing `initial_state` to Bidirectional layer %s, give '
                                 'the states of the forward layer then those of the backward '
                                 'layer (an even number of tensors). Found %d: %s'
                                 % (self.name, len(initial_state), initial_state))
        if constants is not None:
            self._num_constants = len(constants)
            for sub in (self.forward_layer, self.backward_layer):
                sub._num_constants = self._num_constants
        extra = (initial_state or []) + (constants or [])
        if not extra or not any(is_keras_tensor(t) for t in extra):
            if initial_state is not None:
                kwargs['initial_state'] = initial_state
            if constants is not None:
                kwargs['constants'] = constants
            return super(Bidirectional, self).__call__(inputs, **kwargs)
        if not all(is_keras_tensor(t) for t in extra):
            raise ValueError('The initial state or constants of Bidirectional layer %s cannot be '
                             'a mix of Keras tensors and other tensors (a "Keras tensor" is one '
                             'returned by a Keras layer or by `Input`).' % self.name)
        spec, self.input_spec = self.input_spec, None  # the extra inputs have no spec
        try:
            return super(Bidirectional, self).__call__([inputs] + extra, **kwargs)
        finally:
            self.input_spec = spec

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        inputs, initial_state, constants = self._split_inputs(inputs, initial_state, constants)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        names = call_arg_names(self.forward_layer)
        kwargs = {}
        if 'training' in names:
            kwargs['training'] = training
        if 'mask' in names:
            kwargs['mask'] = mask
        if constants is not None:
            if 'constants' not in names:
                raise ValueError('Layer %s does not accept `constants`.' % self.layer.name)
            kwargs['constants'] = constants
        if initial_state is not None:
            if 'initial_state' not in names:
                raise ValueError('Layer %s does not accept `initial_state`.' % self.layer.name)
            pivot = len(initial_state) // 2
            y = self.forward_layer.call(inputs, initial_state=initial_state[:pivot], **kwargs)
            y_rev = self.backward_layer.call(inputs, initial_state=initial_state[pivot:],
                                             **kwargs)
        else:
            y = self.forward_layer.call(inputs, **kwargs)
            y_rev = self.backward_layer.call(inputs, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = torch.flip(y_rev, dims=[1])
        output = _merge(self.merge_mode, y, y_rev)
        if not self.return_state:
            return output
        return (output if self.merge_mode is None else [output]) + states

    def _split_inputs(self, inputs, initial_state, constants):
        """Undo the ``[inputs] + states + constants`` list of a symbolic call."""
        if not isinstance(inputs, (list, tuple)):
            return inputs, initial_state, constants
        inputs = list(inputs)
        if self._num_constants and constants is None:
            constants = inputs[-self._num_constants:]
            inputs = inputs[:-self._num_constants]
        if len(inputs) > 1:
            if initial_state is not None:
                raise ValueError('Layer %s was passed initial states both in its inputs list '
                                 'and as `initial_state`.' % self.name)
            initial_state = inputs[1:]
        return inputs[0], initial_state, constants

    def reset_states(self, states=None):
        """Reset both directions' states (to zeros, or to ``states``: forward
        layer's then backward layer's)."""
        if states is None:
            self.forward_layer.reset_states()
            self.backward_layer.reset_states()
            return
        states = list(states)
        pivot = len(states) // 2
        self.forward_layer.reset_states(states[:pivot])
        self.backward_layer.reset_states(states[pivot:])

    @property
    def states(self):
        return list(self.forward_layer.states) + list(self.backward_layer.states)

    # ---------------------------------------------------------------- config
    def get_config(self):
        config = {'merge_mode': self.merge_mode}
        if self._num_constants is not None:
            config['num_constants'] = self._num_constants
        if self._backward_given:
            source = self.__dict__['_backward_source']
            config['backward_layer'] = {'class_name': source.__class__.__name__,
                                        'config': source.get_config()}
        base = super(Bidirectional, self).get_config()
        return dict(list(base.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from keras.layers import deserialize as deserialize_layer
        config = dict(config)
        rnn_layer = deserialize_layer(config.pop('layer'), custom_objects=custom_objects)
        num_constants = config.pop('num_constants', None)
        backward = config.pop('backward_layer', None)
        if backward is not None:
            backward = deserialize_layer(backward, custom_objects=custom_objects)
        layer = cls(rnn_layer, backward_layer=backward, custom_objects=custom_objects, **config)
        layer._num_constants = num_constants
        return layer


def _recreate(layer, prefix, flip, custom_objects):
    """A fresh copy of ``layer`` from its config, renamed ``prefix + name``."""
    config = dict(layer.get_config())
    config['name'] = prefix + layer.name
    if flip:
        config['go_backwards'] = not config.get('go_backwards', False)
    config.pop('batch_input_shape', None)
    config.pop('input_shape', None)
    from keras.utils.generic_utils import has_arg
    if custom_objects and has_arg(layer.__class__.from_config, 'custom_objects'):
        return layer.__class__.from_config(config, custom_objects=custom_objects)
    return layer.__class__.from_config(config)


def _check_backward_layer(layer, backward):
    if not isinstance(backward, Layer):
        raise ValueError('`backward_layer` must be a recurrent layer instance, got %r.'
                         % (backward,))
    if getattr(backward, 'go_backwards', None) == getattr(layer, 'go_backwards', None):
        raise ValueError('Forward layer %s and backward layer %s of Bidirectional must have '
                         'opposite `go_backwards` (got %r for both).'
                         % (layer.name, backward.name, layer.go_backwards))
    for attr in ('return_sequences', 'return_state', 'stateful'):
        if getattr(layer, attr, False) != getattr(backward, attr, False):
            raise ValueError('Forward layer %s and backward layer %s of Bidirectional must have '
                             'the same `%s` (got %r and %r).'
                             % (layer.name, backward.name, attr, getattr(layer, attr, False),
                                getattr(backward, attr, False)))


def _state_sizes(rnn):
    cell = getattr(rnn, 'cell', None)
    size = getattr(cell, 'state_size', None)
    if size is None:
        return list(getattr(rnn, 'states', [None]))
    return list(size) if hasattr(size, '__len__') else [size]


def _merge(mode, y, y_rev):
    if mode == 'concat':
        return torch.cat([y, y_rev], dim=-1)
    if mode == 'sum':
        return y + y_rev
    if mode == 'ave':
        return (y + y_rev) / 2
    if mode == 'mul':
        return y * y_rev
    return [y, y_rev]
