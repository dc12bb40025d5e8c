"""Locally-connected layers: convolutions whose weights are not shared across
positions (LocallyConnected1D, LocallyConnected2D).

``implementation=1`` (Keras 2.3.1) stores one ``(kernel_size * channels,
filters)`` matrix per output position, kernel shape ``(positions, features,
filters)``.  ``implementation=2`` and ``3`` are tf.keras's: a dense masked
kernel ``(in..., channels, out..., filters)`` (channels_first: ``(channels,
in..., filters, out...)``), and a flat vector of the connected weights in the
sorted ``(output_index, input_index)`` order of a sparse matrix.  All three
compute the same function; 2 and 3 also accept ``padding='same'``.
"""
import functools
import itertools

import numpy as np
import torch

from keras import activations, constraints, initializers, regularizers
from keras.backend import config as K_config
from keras.backend import conv_ops as K_conv
from keras.backend import nn_ops as K_nn
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.legacy.interfaces import convert_kwargs
from keras.utils.conv_utils import conv_output_length

__all__ = ['LocallyConnected1D', 'LocallyConnected2D']

_COMMON_LEGACY = {'nb_filter': 'filters', 'border_mode': 'padding',
                  'init': 'kernel_initializer', 'W_regularizer': 'kernel_regularizer',
                  'b_regularizer': 'bias_regularizer', 'W_constraint': 'kernel_constraint',
                  'b_constraint': 'bias_constraint', 'bias': 'use_bias'}
_LEGACY_1D = dict(_COMMON_LEGACY, filter_length='kernel_size', subsample_length='strides')
_LEGACY_2D = dict(_COMMON_LEGACY, subsample='strides', dim_ordering='data_format')
_DIM_ORDERING = {'tf': 'channels_last', 'th': 'channels_first', 'default': None}


def _connected(size, kernel, stride, padding, position):
    """Input positions feeding output ``position`` (tf.keras's rule for 2 and 3)."""
    left = kernel // 2
    center = position * stride + (left if padding == 'valid' else 0)
    return range(max(0, center - left), min(size, center + kernel - left))


def _spatial_mask(in_sizes, kernel, strides, padding):
    """Boolean ``(in..., out...)`` connectivity of the spatial positions."""
    out_sizes = [conv_output_length(n, k, padding, s) for n, k, s in
                 zip(in_sizes, kernel, strides)]
    mask = np.zeros(tuple(in_sizes) + tuple(out_sizes), dtype=bool)
    for out_pos in itertools.product(*[range(n) for n in out_sizes]):
        ranges = [_connected(n, k, s, padding, p)
                  for n, k, s, p in zip(in_sizes, kernel, strides, out_pos)]
        for in_pos in itertools.product(*ranges):
            mask[in_pos + out_pos] = True
    return mask


def _full_mask(spatial, channels, filters, data_format):
    """Connectivity in the implementation-2 kernel layout."""
    n = spatial.ndim // 2
    if data_format == 'channels_first':
        mask = np.expand_dims(np.expand_dims(spatial, 0), n + 1)
        shape = (channels,) + spatial.shape[:n] + (filters,) + spatial.shape[n:]
    else:
        mask = np.expand_dims(np.expand_dims(spatial, n), -1)
        shape = spatial.shape[:n] + (channels,) + spatial.shape[n:] + (filters,)
    return np.broadcast_to(mask, shape)


def _conv2d_positional(init):
    """Keras 1 ``LocallyConnected2D(filters, nb_row, nb_col)``."""

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        if len(args) > 3:
            raise TypeError('Layer can receive at most 3 positional arguments.')
        if len(args) == 3 and isinstance(args[1], int) and isinstance(args[2], int):
            if any(k in kwargs for k in ('padding', 'strides', 'data_format')):
                raise ValueError('It seems that you are using the Keras 2 and you are passing '
                                 'both `kernel_size` and `strides` as integer positional '
                                 'arguments. For safety reasons, this is disallowed. Pass '
                                 '`strides` as a keyword argument instead.')
            args = (args[0], (args[1], args[2]))
        elif len(args) == 2 and isinstance(args[1], int) and 'nb_col' in kwargs:
            args = (args[0], (args[1], kwargs.pop('nb_col')))
        elif len(args) <= 1 and 'nb_row' in kwargs and 'nb_col' in kwargs:
            kwargs['kernel_size'] = (kwargs.pop('nb_row'), kwargs.pop('nb_col'))
        return init(self, *args, **kwargs)
    return wrapper


class _LocallyConnected(Layer):
    """Shared machinery; ``rank`` is 1 or 2."""

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding='valid', data_format=None,
                 activation=None, use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super(_LocallyConnected, self).__init__(**kwargs)
        name = self.__class__.__name__
        self.filters = _arguments.positive_int(self, 'filters', filters)
        self.kernel_size = _arguments.int_tuple(self, 'kernel_size', kernel_size, self.rank)
        self.strides = _arguments.int_tuple(self, 'strides', strides, self.rank)
        self.padding = str(padding).lower()
        self.implementation = int(implementation)
        if self.implementation not in (1, 2, 3):
            raise ValueError('%s: unrecognized implementation mode: %r (expected 1, 2 or 3).'
                             % (name, implementation))
        if self.padding not in ('valid', 'same') or (
                self.padding != 'valid' and self.implementation == 1):
            raise ValueError('Invalid border mode for %s (only "valid" is supported with '
                             'implementation=1): %s' % (name, padding))
        self.data_format = K_config.normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _split(self, shape):
        """``(spatial sizes, channels)`` of an input shape."""
        if self.data_format == 'channels_first':
            return list(shape[2:]), shape[1]
        return list(shape[1:-1]), shape[-1]

    def _out_sizes(self, sizes):
        return [conv_output_length(n, k, self.padding, s)
                for n, k, s in zip(sizes, self.kernel_size, self.strides)]

    def build(self, input_shape):
        sizes, channels = self._split(input_shape)
        if channels is None or None in sizes:
            raise ValueError('The spatial dimensions and channels of the inputs to %s (%s) '
                             'should be fully-defined, but it received the input shape %s.'
                             % (self.name, self.__class__.__name__, tuple(input_shape)))
        out_sizes = self._out_sizes(sizes)
        if min(out_sizes) <= 0:
            raise ValueError('%s %s: input shape %s gives an output with a size <= 0 (kernel '
                             '%s, strides %s).' % (self.__class__.__name__, self.name,
                                                   tuple(input_shape), self.kernel_size,
                                                   self.strides))
        self._out_sizes_built = out_sizes
        kernel_shape = self._make_kernel_layout(sizes, channels, out_sizes)
        self.kernel = self.add_weight(shape=kernel_shape, initializer=self.kernel_initializer,
                                      name='kernel', regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=tuple(out_sizes) + (self.filters,),
                                        initializer=self.bias_initializer, name='bias',
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        axis = 1 if self.data_format == 'channels_first' else -1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        self.built = True

    def _make_kernel_layout(self, sizes, channels, out_sizes):
        """Kernel shape for the implementation; index tables for 2 and 3."""
        if self.implementation == 1:
            self.kernel_shape = (int(np.prod(out_sizes)),
                                 int(np.prod(self.kernel_size)) * channels, self.filters)
            return self.kernel_shape
        spatial = _spatial_mask(sizes, self.kernel_size, self.strides, self.padding)
        mask = _full_mask(spatial, channels, self.filters, self.data_format)
        in_size = channels * int(np.prod(sizes))
        out_size = self.filters * int(np.prod(out_sizes))
        if self.implementation == 2:
            self.kernel_shape = mask.shape
            self.register_buffer('kernel_mask', torch.as_tensor(np.ascontiguousarray(mask)),
                                 persistent=False)
            return self.kernel_shape
        # implementation 3: sparse (out_size, in_size) matrix, entries sorted by row.
        self.kernel_shape = (out_size, in_size)
        out_idx, in_idx = np.nonzero(mask.reshape(in_size, out_size).T)
        self.register_buffer('kernel_positions', torch.as_tensor(in_idx * out_size + out_idx),
                             persistent=False)
        self.kernel_idxs = list(zip(out_idx.tolist(), in_idx.tolist()))
        return (len(out_idx),)

    def _dense_kernel(self, x):
        """The ``(in_size, out_size)`` matrix of implementations 2 and 3."""
        in_size = int(np.prod(x.shape[1:]))
        if self.implementation == 2:
            mask = self.kernel_mask.to(device=self.kernel.device)
            return (self.kernel * mask).reshape(in_size, -1)
        positions = self.kernel_positions.to(self.kernel.device)
        out_size = self.kernel_shape[0]
        flat = self.kernel.new_zeros(in_size * out_size).scatter(0, positions, self.kernel)
        return flat.reshape(in_size, out_size)

    def _output_shape_of(self, batch, out_sizes):
        if self.data_format == 'channels_first':
            return (batch, self.filters) + tuple(out_sizes)
        return (batch,) + tuple(out_sizes) + (self.filters,)

    def call(self, inputs):
        out_sizes = self._out_sizes(self._split(inputs.shape)[0])
        if self.implementation == 1:
            output = self._local_conv(inputs, out_sizes)
        else:
            kernel = self._dense_kernel(inputs)
            output = inputs.reshape(inputs.shape[0], -1).matmul(kernel)
            output = output.reshape(self._output_shape_of(inputs.shape[0], out_sizes))
        if self.bias is not None:
            output = K_nn.bias_add(output, self.bias, data_format=self.data_format)
        return self.activation(output)

    def _local_conv(self, inputs, out_sizes):
        """Implementation 1 (Keras 2.3.1's ``local_conv1d`` / ``local_conv2d``)."""
        if self.rank == 2:
            return K_conv.local_conv2d(inputs, self.kernel, self.kernel_size, self.strides,
                                       tuple(out_sizes), self.data_format)
        # 1-D: a 2-D local convolution over a width of 1.
        last = self.data_format == 'channels_last'
        x = inputs.unsqueeze(2 if last else 3)
        out = K_conv.local_conv2d(x, self.kernel, self.kernel_size + (1,), self.strides + (1,),
                                  (out_sizes[0], 1), self.data_format)
        return out.squeeze(2 if last else 3)

    def compute_output_shape(self, input_shape):
        sizes, _ = self._split(input_shape)
        return self._output_shape_of(input_shape[0], self._out_sizes(sizes))

    def get_config(self):
        config = {
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
            'kernel_initializer': initializers.serialize(self.kernel_initializer),
            'bias_initializer': initializers.serialize(self.bias_initializer),
            'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'kernel_constraint': constraints.serialize(self.kernel_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint),
        }
        if self.implementation != 1:  # tf.keras's key; absent in Keras 2.3.1 configs
            config['implementation'] = self.implementation
        base = super(_LocallyConnected, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class LocallyConnected1D(_LocallyConnected):
    """1-D locally-connected layer: like ``Conv1D`` with a different kernel at
    every output step.

    Args:
        filters: number of output channels.
        kernel_size: window length (int or 1-tuple).
        strides: step (int or 1-tuple).
        padding: ``'valid'`` (``'same'`` with implementation 2 or 3).
        data_format: ``'channels_last'`` (default; Keras 2.3.1 ignores the global
            setting for this layer) or ``'channels_first'`` (tf.keras).
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as for ``Conv1D``.
        implementation: 1, 2 or 3 (see the module docstring).

    Input shape:
        ``(batch, steps, channels)``.
    Output shape:
        ``(batch, new_steps, filters)``; the kernel of implementation 1 has
        shape ``(new_steps, kernel_size * channels, filters)``.
    """

    rank = 1

    def __init__(self, filters=None, kernel_size=None, strides=1, padding='valid',
                 data_format=None, **kwargs):
        convert_kwargs('LocallyConnected1D', kwargs, _LEGACY_1D)
        filters = kwargs.pop('filters', filters)
        kernel_size = kwargs.pop('kernel_size', kernel_size)
        strides = kwargs.pop('strides', strides)
        padding = kwargs.pop('padding', padding)
        if 'input_dim' in kwargs:
            kwargs['input_shape'] = (kwargs.pop('input_length', None), kwargs.pop('input_dim'))
        if filters is None or kernel_size is None:
            raise TypeError('LocallyConnected1D requires `filters` and `kernel_size`.')
        super(LocallyConnected1D, self).__init__(
            filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format or 'channels_last', **kwargs)

    def get_config(self):
        config = super(LocallyConnected1D, self).get_config()
        if self.data_format == 'channels_last':
            config.pop('data_format')  # Keras 2.3.1 writes no data_format here
        return config


class LocallyConnected2D(_LocallyConnected):
    """2-D locally-connected layer: like ``Conv2D`` with a different kernel at
    every output position.

    Args:
        filters: number of output channels.
        kernel_size, strides: ints or 2-tuples.
        padding: ``'valid'`` (``'same'`` with implementation 2 or 3).
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the
            global image data format).
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as for ``Conv2D``.
        implementation: 1, 2 or 3 (see the module docstring).

    Input shape:
        ``(batch, rows, cols, channels)`` (channels_last).
    Output shape:
        ``(batch, new_rows, new_cols, filters)``; the kernel of implementation 1
        has shape ``(new_rows * new_cols, kh * kw * channels, filters)``.
    """

    rank = 2

    @_conv2d_positional
    def __init__(self, filters=None, kernel_size=None, strides=(1, 1), padding='valid',
                 data_format=None, **kwargs):
        convert_kwargs('LocallyConnected2D', kwargs, _LEGACY_2D,
                       value_conversions={'dim_ordering': _DIM_ORDERING.get})
        filters = kwargs.pop('filters', filters)
        kernel_size = kwargs.pop('kernel_size', kernel_size)
        strides = kwargs.pop('strides', strides)
        padding = kwargs.pop('padding', padding)
        data_format = kwargs.pop('data_format', data_format)
        if filters is None or kernel_size is None:
            raise TypeError('LocallyConnected2D requires `filters` and `kernel_size`.')
        super(LocallyConnected2D, self).__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            **kwargs)

    @property
    def output_row(self):
        return self._out_sizes_built[0]

    @property
    def output_col(self):
        return self._out_sizes_built[1]
