"""``Recurrent`` and ``ConvRecurrent2D``: Keras 1's abstract recurrent layers,
kept (as Keras 2.3.1 kept them in ``keras.legacy.layers``) for layers written
against them.

A subclass sets ``self.units`` and ``self.states`` (one entry per state, e.g.
``[None, None]``) in ``build`` and defines ``step(inputs, states) -> (output,
new_states)``, where ``states`` holds the previous states followed by what
``get_constants`` returned; ``preprocess_input`` may transform the whole
sequence first.  New code should write a cell and use ``RNN``.
"""
import torch

from keras.backend import config as K_config
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _rnn_ops
from keras.layers.recurrent_base import (RNN, carried_states, reset_state_tensors,
                                         store_states)
from keras.legacy.interfaces import convert_kwargs
from keras.legacy.rnn_arguments import rnn_table
from keras.utils import conv_utils

__all__ = ['Recurrent', 'ConvRecurrent2D']


class Recurrent(Layer):
    """Abstract base class of Keras 1 recurrent layers (do not use it directly).

    Args:
        return_sequences, return_state, go_backwards, stateful, unroll: as in
            :class:`keras.layers.RNN`.
        implementation: kept in the config for the subclass to read.

    Example:
        >>> class MinimalRNN(Recurrent):
        ...     def __init__(self, units, **kwargs):
        ...         self.units = units
        ...         super(MinimalRNN, self).__init__(**kwargs)
        ...     def build(self, input_shape):
        ...         self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
        ...                                       name='kernel')
        ...         self.states = [None]
        ...         self.built = True
        ...     def step(self, inputs, states):
        ...         output = K.dot(inputs, self.kernel) + states[0]
        ...         return output, [output]
    """

    def __init__(self, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, implementation=0, **kwargs):
        if 'input_dim' in kwargs or 'input_length' in kwargs:
            name = self.__class__.__name__
            convert_kwargs(name, kwargs, *rnn_table(name, kwargs))
        super(Recurrent, self).__init__(**kwargs)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.implementation = implementation
        self.supports_masking = True
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = None
        self.constants_spec = None
        self._num_constants = None
        self.dropout = 0
        self.recurrent_dropout = 0

    def _state_count(self):
        return len(getattr(self, 'states', None) or [None])

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        if self.return_sequences:
            output_shape = (input_shape[0], input_shape[1], self.units)
        else:
            output_shape = (input_shape[0], self.units)
        if self.return_state:
            return [output_shape] + [(input_shape[0], self.units)] * self._state_count()
        return output_shape

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self._state_count()
        return output_mask

    def step(self, inputs, states):
        raise NotImplementedError

    def get_constants(self, inputs, training=None):
        return []

    def _state_dims(self, input_shape):
        """The shape of one sample's state, for inputs of ``input_shape``."""
        return (self.units,)

    def get_initial_state(self, inputs):
        shape = (inputs.shape[0],) + tuple(self._state_dims(tuple(inputs.shape)))
        return [torch.zeros(shape, dtype=inputs.dtype, device=inputs.device)
                for _ in range(self._state_count())]

    def preprocess_input(self, inputs, training=None):
        return inputs

    __call__ = RNN.__call__
    _split_inputs = RNN._split_inputs

    def call(self, inputs, mask=None, training=None, initial_state=None):
        inputs, initial_state, _ = self._split_inputs(inputs, initial_state, None)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        inputs = torch.as_tensor(inputs)
        if initial_state is not None:
            states = [torch.as_tensor(s, dtype=inputs.dtype, device=inputs.device)
                      for s in initial_state]
        elif self.stateful:
            if self.states[0] is None:
                self.reset_states()
            self.states, states = carried_states(self, self.states, inputs)
        else:
            states = self.get_initial_state(inputs)
        if len(states) != self._state_count():
            raise ValueError('Layer has %d states but was passed %d initial states.'
                             % (self._state_count(), len(states)))
        constants = list(self.get_constants(inputs, training=None))
        sequence = self.preprocess_input(inputs, training=None)
        last, outputs, states = _rnn_ops.run_loop(
            lambda x, st: self.step(x, list(st) + constants), sequence, states,
            mask=None if mask is None else torch.as_tensor(mask, device=inputs.device).bool(),
            go_backwards=self.go_backwards, want_sequence=self.return_sequences)
        if self.stateful:
            store_states(self.states, states)
        output = outputs if self.return_sequences else last
        return [output] + list(states) if self.return_state else output

    def reset_states(self, states=None):
        if not self.stateful:
            raise AttributeError('Layer must be stateful.')
        spec = self.input_spec[0] if isinstance(self.input_spec, list) else self.input_spec
        input_shape = spec.shape if spec is not None and spec.shape else \
            getattr(self, 'batch_input_shape', None) or (None,)
        dims = self._state_dims(tuple(input_shape)) if input_shape[0] else None
        self.states = reset_state_tensors(self, self.states, input_shape[0],
                                          [dims] * self._state_count(), states)

    def get_config(self):
        config = {'return_sequences': self.return_sequences,
                  'return_state': self.return_state,
                  'go_backwards': self.go_backwards,
                  'stateful': self.stateful,
                  'unroll': self.unroll,
                  'implementation': self.implementation}
        base = super(Recurrent, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class ConvRecurrent2D(Recurrent):
    """Abstract base class of Keras 1 convolutional recurrent layers (do not
    use it directly; :class:`keras.layers.ConvLSTM2D` is built on ``ConvRNN2D``).

    Inputs are ``(batch, time, rows, cols, channels)`` (``channels_last``) or
    ``(batch, time, channels, rows, cols)``; each state has the shape of one
    output step, ``(batch, new_rows, new_cols, filters)`` or channels first.
    A subclass creates its kernels in ``build`` and defines ``step``, as for
    :class:`Recurrent`.

    Args:
        filters: number of output channels.
        kernel_size, strides, dilation_rate: an integer or 2 integers.
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the
            ``image_data_format`` setting).
        return_sequences, go_backwards, stateful: as in :class:`Recurrent`.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), return_sequences=False, go_backwards=False,
                 stateful=False, **kwargs):
        super(ConvRecurrent2D, self).__init__(**kwargs)
        self.filters = filters
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 2, 'kernel_size')
        self.strides = conv_utils.normalize_tuple(strides, 2, 'strides')
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = K_config.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 2, 'dilation_rate')
        self.return_sequences = return_sequences
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.input_spec = [InputSpec(ndim=5)]
        self.state_spec = None

    def _state_dims(self, input_shape):
        first = self.data_format == 'channels_first'
        spatial = input_shape[3:5] if first else input_shape[2:4]
        rows, cols = [conv_utils.conv_output_length(length, self.kernel_size[i], self.padding,
                                                    self.strides[i], self.dilation_rate[i])
                      for i, length in enumerate(spatial)]
        return (self.filters, rows, cols) if first else (rows, cols, self.filters)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        state_shape = (input_shape[0],) + self._state_dims(input_shape)
        if self.return_sequences:
            output_shape = state_shape[:1] + (input_shape[1],) + state_shape[1:]
        else:
            output_shape = state_shape
        if self.return_state:
            return [output_shape] + [state_shape] * self._state_count()
        return output_shape

    def get_config(self):
        config = {key: getattr(self, key) for key in (
            'filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate',
            'return_sequences', 'go_backwards', 'stateful')}
        base = super(ConvRecurrent2D, self).get_config()
        return dict(list(base.items()) + list(config.items()))
