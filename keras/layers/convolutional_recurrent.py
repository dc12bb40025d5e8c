"""Convolutional-recurrent layers: ``ConvRNN2D``, ``ConvLSTM2DCell`` and ``ConvLSTM2D``
(and, as in Keras 2.3.1, the Keras 1 bases ``Recurrent`` and ``ConvRecurrent2D``).

An LSTM whose input and recurrent transformations are 2D convolutions.
Weights are in Keras's layout: ``kernel (kh, kw, channels, 4 * filters)``,
``recurrent_kernel (kh, kw, filters, 4 * filters)``, ``bias (4 * filters,)``,
gates in order i, f, c, o.  The input convolution does not depend on the
state, so it runs once for the whole sequence (one ``(batch * time)`` batch);
only the recurrent convolution runs per step (``ConvLSTM2DCell`` is a
fast-path cell, :mod:`keras.layers._cell_protocol`).  Channels_last tensors are handed
to torch as permuted views in its ``channels_last`` memory format.  ``'same'``
padding follows TensorFlow (an odd total pads one more at the end).
"""
import warnings

import torch

from keras import activations, constraints, initializers, regularizers
from keras.backend import config as K_config
from keras.backend import conv_core
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.engine.layer_calls import is_shape_list
from keras.layers import _cell_protocol, _rnn_ops
from keras.layers._cell_protocol import FastPathCell
from keras.layers.recurrent import RNN
from keras.layers.recurrent_legacy import ConvRecurrent2D, Recurrent
from keras.legacy import conv_arguments
from keras.utils import conv_utils
from keras.utils.generic_utils import transpose_shape

__all__ = ['ConvRNN2D', 'ConvLSTM2DCell', 'ConvLSTM2D', 'ConvRecurrent2D', 'Recurrent']

_LEGACY = {'nb_filter': 'filters', 'nb_row/nb_col': 'kernel_size', 'subsample': 'strides',
           'border_mode': 'padding', 'dim_ordering': 'data_format',
           'init': 'kernel_initializer', 'inner_init': 'recurrent_initializer',
           'W_regularizer': 'kernel_regularizer', 'U_regularizer': 'recurrent_regularizer',
           'b_regularizer': 'bias_regularizer', 'inner_activation': 'recurrent_activation',
           'dropout_W': 'dropout', 'dropout_U': 'recurrent_dropout', 'bias': 'use_bias',
           'forget_bias_init': 'unit_forget_bias'}


def _keras1_args(name, args, kwargs):
    """``ConvLSTM2D(64, 3, 3)``, ``nb_row=``/``nb_col=``, ``forget_bias_init='one'``."""
    if 'forget_bias_init' in kwargs:
        if kwargs['forget_bias_init'] in ('one', 'ones'):
            kwargs['forget_bias_init'] = True
        else:
            kwargs.pop('forget_bias_init')
            warnings.warn('The `forget_bias_init` argument has been ignored. Use '
                          '`unit_forget_bias=True` instead to initialize with ones.',
                          stacklevel=4)
    return conv_arguments.conv2d_args(name, args, kwargs)


class ConvRNN2D(RNN):
    """Base class of the convolutional-recurrent layers: runs a convolutional
    cell (``data_format``, ``filters``, ``kernel_size``, ``strides``,
    ``padding``, ``dilation_rate``, ``state_size``) over 5D sequences.

    Args:
        cell: the cell (e.g. :class:`ConvLSTM2DCell`).
        return_sequences, return_state, go_backwards, stateful: see
            :class:`keras.layers.RNN`.
        unroll: must be False (convolutional RNNs cannot be unrolled).

    Input shape:
        ``(batch, time, rows, cols, channels)`` (channels_last) or
        ``(batch, time, channels, rows, cols)`` (channels_first).
    Output shape:
        ``(batch, [time,] new_rows, new_cols, filters)`` or its channels_first
        form; with ``return_state``, also the two final states.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        if unroll:
            raise TypeError('Unrolling isn\'t possible with convolutional RNNs.')
        if isinstance(cell, (list, tuple)):
            raise TypeError('It is not possible at the moment to stack convolutional cells.')
        if kwargs.get('time_major'):
            raise ValueError('Convolutional RNNs do not support time_major=True.')
        super(ConvRNN2D, self).__init__(cell, return_sequences, return_state, go_backwards,
                                        stateful, unroll, **kwargs)
        self.input_spec = [InputSpec(ndim=5)]

    # ----------------------------------------------------------------- shapes
    def _output_spatial(self, input_shape):
        cell = self.cell
        rows, cols = (input_shape[3], input_shape[4]) if cell.data_format == 'channels_first' \
            else (input_shape[2], input_shape[3])
        return [conv_utils.conv_output_length(n, k, cell.padding, s, d) for n, k, s, d in
                zip((rows, cols), cell.kernel_size, cell.strides, cell.dilation_rate)]

    def _state_shape(self, batch, channels, spatial):
        shape = (batch,) + tuple(spatial) + (channels,)
        return transpose_shape(shape, self.cell.data_format, spatial_axes=(1, 2))

    def compute_output_shape(self, input_shape):
        if is_shape_list(input_shape):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        spatial = self._output_spatial(input_shape)
        filters = self.cell.filters
        output_shape = input_shape[:2] + tuple(spatial) + (filters,)
        output_shape = transpose_shape(output_shape, self.cell.data_format, spatial_axes=(2, 3))
        if not self.return_sequences:
            output_shape = output_shape[:1] + output_shape[2:]
        if self.return_state:
            state = self._state_shape(input_shape[0], filters, spatial)
            return [output_shape, state, state]
        return output_shape

    def build(self, input_shape):
        shapes = [tuple(s) for s in input_shape] if is_shape_list(input_shape) \
            else [tuple(input_shape)]
        main = shapes[0]
        constants_shape = shapes[-self._num_constants:] if self._num_constants else None
        batch = main[0] if self.stateful else None
        spec = InputSpec(shape=(batch, None) + main[2:5])
        if isinstance(self.input_spec, list) and self.input_spec:
            self.input_spec[0] = spec  # keep the specs of symbolic initial states
        else:
            self.input_spec = [spec]
        if isinstance(self.cell, Layer) and not self.cell.built:
            step_shape = (main[0],) + main[2:]
            self.cell.build([step_shape] + list(constants_shape) if constants_shape
                            else step_shape)
            self.cell.built = True
        sizes = list(self.cell.state_size) if hasattr(self.cell.state_size, '__len__') \
            else [self.cell.state_size]
        axis = 1 if self.cell.data_format == 'channels_first' else 3
        if self.state_spec is not None:
            if [spec.shape[axis] for spec in self.state_spec] != sizes:
                raise ValueError('An initial_state was passed that is not compatible with '
                                 '`cell.state_size`. Received `state_spec`=%s; however '
                                 '`cell.state_size` is %s.'
                                 % ([spec.shape for spec in self.state_spec],
                                    self.cell.state_size))
        else:
            self.state_spec = [InputSpec(shape=self._state_shape(None, dim, (None, None)))
                               for dim in sizes]
        self.built = True
        self._cell_path = _cell_protocol.choose_path(self.cell)
        name_weights = getattr(self, '_name_cell_weights', None)
        if name_weights is not None:
            name_weights()
        if self.stateful:
            self.reset_states()

    # ----------------------------------------------------------------- states
    def get_initial_state(self, inputs):
        """Zero states of the output's spatial size, one per ``state_size`` entry."""
        spatial = self._output_spatial(tuple(inputs.shape))
        sizes = self.cell.state_size if hasattr(self.cell.state_size, '__len__') \
            else [self.cell.state_size]
        return [torch.zeros(self._state_shape(inputs.shape[0], dim, spatial),
                            dtype=inputs.dtype, device=inputs.device) for dim in sizes]

    def reset_states(self, states=None):
        """Set the states of a stateful layer to zeros, or to ``states`` (arrays)."""
        if not self.stateful:
            raise AttributeError('Layer must be stateful.')
        spec = self.input_spec[0].shape if self.input_spec and self.input_spec[0] is not None \
            else None
        shape = None if spec is None else self.compute_output_shape(spec)
        if shape is not None:
            shape = shape[0] if self.return_state else shape
            shape = shape[:1] + shape[2:] if self.return_sequences else shape
        if shape is None or None in shape:
            raise ValueError('If a RNN is stateful, it needs to know its batch size. Specify the '
                             'batch size of your input tensors: \n- If using a Sequential '
                             'model, specify the batch size by passing a `batch_input_shape` '
                             'argument to your first layer.\n- If using the functional API, '
                             'specify the batch size by passing a `batch_shape` argument to '
                             'your Input layer.\nThe same thing goes for the number of rows '
                             'and columns.')
        spatial = shape[2:] if self.cell.data_format == 'channels_first' else shape[1:3]
        sizes = self.cell.state_size if hasattr(self.cell.state_size, '__len__') \
            else [self.cell.state_size]
        shapes = [self._state_shape(shape[0], dim, spatial) for dim in sizes]
        self._set_state_values(shapes, states)

    def _set_state_values(self, shapes, states):
        if self._states is None or self._states[0] is None or \
                [tuple(s.shape) for s in self._states] != shapes:
            weights = self.weights
            device = weights[0].device if weights else None
            dtype = weights[0].dtype if weights else None
            self._states = [torch.zeros(s, dtype=dtype, device=device) for s in shapes]
        if states is None:
            for s in self._states:
                s.zero_()
            return
        values = list(states) if isinstance(states, (list, tuple)) else [states]
        if len(values) != len(self._states):
            raise ValueError('Layer %s expects %d states, but it received %d state values. '
                             'Input received: %s' % (self.name, len(self._states), len(values),
                                                     states))
        for index, (value, shape) in enumerate(zip(values, shapes)):
            if tuple(value.shape) != shape:
                raise ValueError('State %d is incompatible with layer %s: expected shape=%s, '
                                 'found shape=%s' % (index, self.name, shape,
                                                     tuple(value.shape)))
        with torch.no_grad():
            for s, value in zip(self._states, values):
                s.copy_(torch.as_tensor(value, dtype=s.dtype, device=s.device))

    # ------------------------------------------------------------------- call
    def _run(self, inputs, states, constants, mask, training):
        cell = self.cell
        path = self._cell_path or _cell_protocol.choose_path(cell)
        if not isinstance(cell, ConvLSTM2DCell) or path == _cell_protocol.GENERIC or constants:
            return super(ConvRNN2D, self)._run(inputs, states, constants, mask, training)
        if mask is not None:
            mask = torch.as_tensor(mask, device=inputs.device).bool()
        if inputs.is_floating_point() and inputs.dtype != cell.kernel.dtype:
            inputs = inputs.to(cell.kernel.dtype)
        cell._reset_dropout_masks()
        cell._draw_dropout_masks(inputs[:, 0], states[0], training)
        projected = cell._project_inputs(inputs)
        step = cell._make_recurrent_step()

        def output_step(z, states):
            new_states = step(z, states)
            return new_states[0], new_states
        return _rnn_ops.run_loop(output_step, projected, states, mask=mask,
                                 go_backwards=self.go_backwards,
                                 want_sequence=self.return_sequences,
                                 zero_output_for_mask=getattr(self, 'zero_output_for_mask',
                                                              False))


class ConvLSTM2DCell(FastPathCell, Layer):
    """One step of :class:`ConvLSTM2D` (states ``[h, c]``).

    ``i, f, o = recurrent_activation(conv(x, W_g) + conv(h, U_g) + b_g)``,
    ``c = f * c_prev + i * activation(conv(x, W_c) + conv(h, U_c) + b_c)``,
    ``h = o * activation(c)``; the recurrent convolutions use stride 1 and
    ``'same'`` padding.

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate: of
            the input convolution (as in ``Conv2D``).
        activation: default ``'tanh'``.
        recurrent_activation: for the gates, default ``'hard_sigmoid'``.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint: as in ``LSTM``.
        unit_forget_bias: add 1 to the forget-gate bias at initialization.
        dropout, recurrent_dropout: fractions of the input / state entries to
            drop (one mask per sequence and gate).
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), activation='tanh', recurrent_activation='hard_sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        super(ConvLSTM2DCell, self).__init__(**kwargs)
        self.filters = _arguments.positive_int(self, 'filters', filters)
        self.kernel_size = _arguments.int_tuple(self, 'kernel_size', kernel_size, 2)
        self.strides = _arguments.int_tuple(self, 'strides', strides, 2)
        self.padding = conv_utils.normalize_padding(padding)
        if self.padding not in ('valid', 'same'):
            raise ValueError('ConvLSTM2D padding must be "valid" or "same", got %r.' % padding)
        self.data_format = K_config.normalize_data_format(data_format)
        self.dilation_rate = _arguments.int_tuple(self, 'dilation_rate', dilation_rate, 2)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1., max(0., _arguments.fraction(self, 'dropout', dropout)))
        self.recurrent_dropout = min(1., max(0., _arguments.fraction(
            self, 'recurrent_dropout', recurrent_dropout)))
        self.state_size = (self.filters, self.filters)
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    @property
    def _channel_axis(self):
        return 1 if self.data_format == 'channels_first' else -1

    def build(self, input_shape):
        input_dim = input_shape[self._channel_axis]
        if input_dim is None:
            raise ValueError('The channel dimension of the inputs should be defined. Found '
                             '`None` (input shape %s).' % (tuple(input_shape),))
        self.kernel_shape = self.kernel_size + (input_dim, self.filters * 4)
        self.kernel = self.add_weight(shape=self.kernel_shape, name='kernel',
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, self.filters * 4), name='recurrent_kernel',
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                base, n = self.bias_initializer, self.filters

                def init(shape, dtype=None):
                    return torch.cat([torch.as_tensor(base((n,), dtype=dtype)),
                                      torch.ones(n, dtype=dtype),
                                      torch.as_tensor(base((2 * n,), dtype=dtype))])
            self.bias = self.add_weight(shape=(self.filters * 4,), name='bias', initializer=init,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    # ------------------------------------------------------------ convolutions
    def _conv(self, x, weight, strides, padding, dilation, bias=None, groups=1):
        """Convolve a Keras-layout 4D ``x`` with a torch-layout ``weight``."""
        x = conv_core.to_channels_first(x, self.data_format)  # a view, no copy
        y = conv_core.conv(x, weight, bias, strides, padding, dilation, groups)
        return conv_core.from_channels_first(y, self.data_format)

    def input_conv(self, x, w, b=None, padding='valid'):
        """``conv(x, w) + b`` with the cell's strides and dilation (Keras layout)."""
        return self._conv(x, conv_core.torch_kernel(w), self.strides, padding,
                          self.dilation_rate, b)

    def recurrent_conv(self, x, w):
        """Stride-1 ``'same'`` convolution of a state (Keras layout)."""
        return self._conv(x, conv_core.torch_kernel(w), (1, 1), 'same', (1, 1))

    # ------------------------------------------------------------------ math
    def _dropout_mask_count(self):
        """One mask per gate (Keras's semantics)."""
        return 4

    def _project_inputs(self, inputs):
        """Input convolutions plus bias for one step ``(batch, rows, cols,
        channels)`` or a whole ``(batch, time, ...)`` sequence."""
        if inputs.dim() == 4:
            return self._project_inputs(inputs.unsqueeze(1))[:, 0]
        batch, steps = inputs.shape[0], inputs.shape[1]
        flat = inputs.reshape((-1,) + tuple(inputs.shape[2:]))
        if self._dropout_mask is None:
            z = self.input_conv(flat, self.kernel, self.bias, self.padding)
        else:
            n = self.filters
            parts = []
            for g, m in enumerate(self._dropout_mask):
                x = (inputs * m.unsqueeze(1)).reshape(flat.shape)
                b = None if self.bias is None else self.bias[g * n:(g + 1) * n]
                parts.append(self.input_conv(x, self.kernel[..., g * n:(g + 1) * n], b,
                                             self.padding))
            z = torch.cat(parts, dim=self._channel_axis)
        return z.reshape((batch, steps) + tuple(z.shape[1:]))

    def _make_recurrent_step(self):
        """``step(z_t, [h, c]) -> [h, c]`` given projected inputs ``z_t``."""
        weight = conv_core.torch_kernel(self.recurrent_kernel).contiguous()
        rec_masks = self._recurrent_dropout_mask
        axis = self._channel_axis
        n = self.filters

        def step(z, states):
            h, c = states[0], states[1]
            if rec_masks is None:
                z = z + self._conv(h, weight, (1, 1), 'same', (1, 1))
            else:
                stacked = torch.cat([h * m for m in rec_masks], dim=axis)
                z = z + self._conv(stacked, weight, (1, 1), 'same', (1, 1), groups=4)
            # (one split, whose gradient is one concatenation; four slices would
            # each fill a zero gradient the size of z)
            z_i, z_f, z_c, z_o = z.split(n, dim=axis)
            i = self.recurrent_activation(z_i)
            f = self.recurrent_activation(z_f)
            c = f * c + i * self.activation(z_c)
            o = self.recurrent_activation(z_o)
            h = o * self.activation(c)
            return [h, c]
        return step

    def get_config(self):
        config = {'filters': self.filters,
                  'kernel_size': self.kernel_size,
                  'strides': self.strides,
                  'padding': self.padding,
                  'data_format': self.data_format,
                  'dilation_rate': self.dilation_rate,
                  'activation': activations.serialize(self.activation),
                  'recurrent_activation': activations.serialize(self.recurrent_activation),
                  'use_bias': self.use_bias,
                  'kernel_initializer': initializers.serialize(self.kernel_initializer),
                  'recurrent_initializer': initializers.serialize(self.recurrent_initializer),
                  'bias_initializer': initializers.serialize(self.bias_initializer),
                  'unit_forget_bias': self.unit_forget_bias,
                  'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
                  'recurrent_regularizer': regularizers.serialize(self.recurrent_regularizer),
                  'bias_regularizer': regularizers.serialize(self.bias_regularizer),
                  'kernel_constraint': constraints.serialize(self.kernel_constraint),
                  'recurrent_constraint': constraints.serialize(self.recurrent_constraint),
                  'bias_constraint': constraints.serialize(self.bias_constraint),
                  'dropout': self.dropout,
                  'recurrent_dropout': self.recurrent_dropout}
        base = super(ConvLSTM2DCell, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class _FromCell(object):
    """Read-only access to an attribute of the layer's cell."""

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj.cell, self.name)


_CELL_KEYS = ('filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate',
              'activation', 'recurrent_activation', 'use_bias', 'kernel_initializer',
              'recurrent_initializer', 'bias_initializer', 'unit_forget_bias',
              'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
              'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout',
              'recurrent_dropout')


class ConvLSTM2D(ConvRNN2D):
    """Convolutional LSTM (Shi et al. 2015): an LSTM whose input and recurrent
    transformations are convolutions.

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate,
        activation, recurrent_activation (default ``'hard_sigmoid'``), use_bias,
        initializers, regularizers, constraints, unit_forget_bias, dropout,
        recurrent_dropout: see :class:`ConvLSTM2DCell`.
        activity_regularizer: regularizer of the output.
        return_sequences, go_backwards, stateful (and ``return_state`` as a
            keyword): see :class:`keras.layers.RNN`.

    Input shape:
        ``(batch, time, rows, cols, channels)`` (channels_last) or
        ``(batch, time, channels, rows, cols)`` (channels_first).
    Output shape:
        ``(batch, [time,] new_rows, new_cols, filters)`` or the channels_first
        form; new sizes follow the padding and strides of the input convolution.

    Example:
        >>> model = Sequential()
        >>> model.add(ConvLSTM2D(8, (3, 3), padding='same', return_sequences=True,
        ...                      input_shape=(None, 16, 16, 1)))
        >>> model.output_shape
        (None, None, 16, 16, 8)
    """

    @conv_arguments.keras1_arguments(_LEGACY, _keras1_args)
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), activation='tanh', recurrent_activation='hard_sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences=False,
                 go_backwards=False, stateful=False, dropout=0., recurrent_dropout=0.,
                 **kwargs):
        cell_kwargs = {'dtype': kwargs['dtype']} if kwargs.get('dtype') else {}
        cell = ConvLSTM2DCell(
            filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, **cell_kwargs)
        super(ConvLSTM2D, self).__init__(cell, return_sequences=return_sequences,
                                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        return super(ConvLSTM2D, self).call(inputs, mask=mask, training=training,
                                            initial_state=initial_state, constants=constants)

    def get_config(self):
        cell_config = self.cell.get_config()
        config = {}
        for key in _CELL_KEYS:
            config[key] = cell_config[key]
            if key == 'bias_regularizer':
                config['activity_regularizer'] = regularizers.serialize(
                    self.activity_regularizer)
        base = super(ConvLSTM2D, self).get_config()
        del base['cell']
        base.pop('num_constants', None)
        return dict(list(base.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config.pop('num_constants', None)
        return cls(**config)


for _key in _CELL_KEYS:
    setattr(ConvLSTM2D, _key, _FromCell(_key))
del _key
