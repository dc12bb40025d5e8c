"""Convolution layers (plain, separable, depthwise, transposed) and the layers
that resize feature maps (up-sampling, zero-padding, cropping).

Kernels are stored in Keras's shapes (``Conv2D``: ``(kh, kw, in, out)``) and
viewed in torch's layout inside ``call``; channels_last data is handed to
torch as a permuted view, which torch runs in its ``channels_last`` memory
format.  ``'same'`` padding follows TensorFlow (the extra entry of an odd
total padding goes at the end), so the numbers are TensorFlow's.  These rules
and the torch calls live in :mod:`keras.backend.conv_core`, shared with
``K.conv2d`` and friends.
"""
import numbers
import warnings

from keras import activations, constraints, initializers, regularizers
from keras.backend import config as K_config
from keras.backend import conv_core
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.layers._resizing import (Cropping1D, Cropping2D, Cropping3D,  # noqa: F401
                                    UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D,
                                    ZeroPadding2D, ZeroPadding3D)
from keras.layers.pooling import (AveragePooling1D, AveragePooling2D,  # noqa: F401
                                  AveragePooling3D, MaxPooling1D, MaxPooling2D, MaxPooling3D)
from keras.legacy import conv_arguments as legacy
from keras.legacy.conv_arguments import keras1_arguments
from keras.utils import conv_utils

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose',
           'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv2D', 'UpSampling1D',
           'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D',
           'Cropping1D', 'Cropping2D', 'Cropping3D', 'Convolution1D', 'Convolution2D',
           'Convolution3D', 'SeparableConvolution1D', 'SeparableConvolution2D',
           'Convolution2DTranspose', 'Deconvolution2D', 'Deconv2D', 'Deconvolution3D',
           'Deconv3D', 'AtrousConvolution1D', 'AtrousConvolution2D', 'AtrousConv1D',
           'AtrousConv2D']


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class _Conv(Layer):
    """Shared body of the convolution layers (``rank`` spatial axes).

    Subclasses override ``_make_weights(input_dim)`` and ``_convolve(x)``
    (channels_first in and out, bias included).
    """
    _allows_causal = False
    _allows_groups = False

    def __init__(self, rank, filters, kernel_size, strides=1, padding='valid', data_format=None,
                 dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, groups=1, **kwargs):
        super(_Conv, self).__init__(**kwargs)
        self.rank = rank
        self.filters = None if filters is None else \
            _arguments.positive_int(self, 'filters', filters)
        self.kernel_size = _arguments.int_tuple(self, 'kernel_size', kernel_size, rank)
        self.strides = _arguments.int_tuple(self, 'strides', strides, rank)
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = K_config.normalize_data_format(data_format)
        self.dilation_rate = _arguments.int_tuple(self, 'dilation_rate', dilation_rate, rank)
        self._check_options(groups)
        self.groups = int(groups)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _check_options(self, groups):
        name = self.__class__.__name__
        if not (isinstance(groups, numbers.Integral) and groups > 0):
            raise ValueError('%s: `groups` must be a positive integer, got %r.' % (name, groups))
        if self.padding == 'causal':
            if not self._allows_causal:
                raise ValueError('%s: `padding="causal"` is only supported by Conv1D; use '
                                 '"valid" or "same".' % name)
            if self.data_format != 'channels_last':
                raise ValueError('When using causal padding in `Conv1D`, `data_format` must '
                                 'be "channels_last" (temporal data).')
        if groups != 1 and not self._allows_groups:
            raise ValueError('%s: `groups=%r` is not supported (only Conv1D, Conv2D and '
                             'Conv3D accept groups other than 1).' % (name, groups))
        if self.filters is not None and self.filters % int(groups):
            raise ValueError('%s: `filters` (%d) must be divisible by `groups` (%d).'
                             % (name, self.filters, groups))

    # ------------------------------------------------------------------ build
    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError('%s %s expects inputs of rank %d, got input shape %s.'
                             % (self.__class__.__name__, self.name, self.rank + 2, input_shape))
        channel_axis = 1 if self.data_format == 'channels_first' else -1
        input_dim = input_shape[channel_axis]
        if input_dim is None:
            raise ValueError('%s %s: the channel dimension of the inputs should be defined. '
                             'Found `None` (input shape %s, data_format=%r).'
                             % (self.__class__.__name__, self.name, input_shape,
                                self.data_format))
        self._make_weights(int(input_dim))
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={channel_axis: int(input_dim)})
        self.built = True

    def _make_weights(self, input_dim):
        if input_dim % self.groups:
            raise ValueError('%s %s: the number of input channels (%d) must be divisible by '
                             '`groups` (%d).' % (self.__class__.__name__, self.name, input_dim,
                                                 self.groups))
        shape = self.kernel_size + (input_dim // self.groups, self.filters)
        self.kernel = self.add_weight(shape=shape, initializer=self.kernel_initializer,
                                      name='kernel', regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._make_bias(self.filters)

    def _make_bias(self, size):
        if self.use_bias:
            self.bias = self.add_weight(shape=(size,), initializer=self.bias_initializer,
                                        name='bias', regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    # ------------------------------------------------------------------- call
    def call(self, inputs):
        x = conv_core.to_channels_first(inputs, self.data_format)
        out = conv_core.from_channels_first(self._convolve(x), self.data_format)
        if self.activation is not activations.linear:
            out = self.activation(out)
        return out

    def _convolve(self, x):
        return conv_core.conv(x, conv_core.torch_kernel(self.kernel), self.bias, self.strides,
                              self.padding, self.dilation_rate, self.groups)

    def _output_channels(self, input_channels):
        return self.filters

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == 'channels_first':
            space, channels = input_shape[2:], input_shape[1]
        else:
            space, channels = input_shape[1:-1], input_shape[-1]
        new_space = tuple(self._output_length(i, n) for i, n in enumerate(space))
        filters = self._output_channels(channels)
        if self.data_format == 'channels_first':
            return (input_shape[0], filters) + new_space
        return (input_shape[0],) + new_space + (filters,)

    def _output_length(self, axis, length):
        return conv_utils.conv_output_length(length, self.kernel_size[axis], self.padding,
                                             self.strides[axis], self.dilation_rate[axis])

    def get_config(self):
        config = {
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
            'dilation_rate': self.dilation_rate,
            'activation': activations.serialize(self.activation),
            'use_bias': self.use_bias,
            'kernel_initializer': initializers.serialize(self.kernel_initializer),
            'bias_initializer': initializers.serialize(self.bias_initializer),
            'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'kernel_constraint': constraints.serialize(self.kernel_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint)}
        if self.groups != 1:
            config['groups'] = self.groups
        base = super(_Conv, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Conv1D(_Conv):
    """1D convolution over steps of ``(batch, steps, channels)`` data.

    Args:
        filters: number of output channels.
        kernel_size: window length (int or 1-tuple).
        strides: step between windows.
        padding: ``'valid'``, ``'same'`` or ``'causal'`` (output ``t`` sees only
            inputs up to ``t``; left zero-padding of ``dilation * (k - 1)``).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        dilation_rate: spacing between kernel taps.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as for ``Dense``.

    Weights: ``kernel`` ``(kernel_size, in_channels, filters)``, ``bias``.

    Example:
        >>> model.add(Conv1D(32, 3, padding='causal', input_shape=(100, 8)))
        >>> model.output_shape
        (None, 100, 32)
    """
    _allows_causal = True
    _allows_groups = True

    @keras1_arguments(legacy.CONV1D, legacy.conv1d_args)
    def __init__(self, filters, kernel_size, strides=1, padding='valid',
                 data_format='channels_last', dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv1D, self).__init__(
            1, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
            **kwargs)


class Conv2D(_Conv):
    """2D convolution over images (cross-correlation, as in TensorFlow).

    Args:
        filters: number of output channels.
        kernel_size: int or ``(rows, cols)``.
        strides: int or 2 ints.
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` ``(batch, rows, cols, channels)`` or
            ``'channels_first'`` (default: ``image_data_format()``).
        dilation_rate: int or 2 ints.
        activation, use_bias, initializers, regularizers, constraints: as for
            ``Dense``.

    Weights: ``kernel`` ``(rows, cols, in_channels, filters)``, ``bias``.
    Keras 1's ``Convolution2D(64, 3, 3, border_mode='same')`` is accepted.

    Example:
        >>> model.add(Conv2D(64, (3, 3), padding='same', input_shape=(32, 32, 3)))
        >>> model.output_shape
        (None, 32, 32, 64)
    """
    _allows_groups = True

    @keras1_arguments(legacy.CONV, legacy.conv2d_args)
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv2D, self).__init__(
            2, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
            **kwargs)


class Conv3D(_Conv):
    """3D convolution over volumes ``(batch, dim1, dim2, dim3, channels)``.

    Arguments as :class:`Conv2D` with 3 entries per tuple; weights ``kernel``
    ``(k1, k2, k3, in_channels, filters)`` and ``bias``.
    """
    _allows_groups = True

    @keras1_arguments(legacy.CONV, legacy.conv3d_args)
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super(Conv3D, self).__init__(
            3, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
            **kwargs)


class _Transpose(object):
    """Transposed convolution (mixed into Conv2D / Conv3D).

    The output length per axis is :func:`conv_utils.deconv_length`; values
    follow TensorFlow's ``conv*_transpose`` for that output size (the
    gradient of a ``'same'``/``'valid'`` convolution of that size).
    """

    def _init_output_padding(self, output_padding):
        if self.padding == 'causal':
            raise ValueError('%s: `padding` must be "valid" or "same".' % type(self).__name__)
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = conv_utils.normalize_tuple(output_padding, self.rank,
                                                             'output_padding')
            for stride, out_pad in zip(self.strides, self.output_padding):
                if out_pad >= stride:
                    raise ValueError('Stride %s must be greater than output padding %s.'
                                     % (self.strides, self.output_padding))

    def _keep_keras1_output_shape(self, output_shape):
        """Keras 1's ``Deconvolution2D(..., output_shape)``: the output shape
        (batch axis first or left out, laid out as ``data_format``).  Its
        spatial sizes become ``output_padding`` once the input size is known;
        a shape no padding can give is ignored with a warning, as Keras 2 did."""
        self._keras1_output_size = None
        if output_shape is None:
            return
        shape = tuple(output_shape)
        if len(shape) not in (self.rank + 1, self.rank + 2):
            self._ignore_keras1_output_shape(shape, 'it should have %d entries (batch axis '
                                                    'included)' % (self.rank + 2))
            return
        shape = shape[-(self.rank + 1):]  # (without the batch axis)
        self._keras1_output_size = (shape[1:] if self.data_format == 'channels_first'
                                    else shape[:-1])
        self._keras1_output_shape = shape

    def _ignore_keras1_output_shape(self, shape, why):
        warnings.warn('%s %s: the Keras 1 `output_shape` %s is ignored: %s. The output size '
                      'follows from the input size, kernel, strides and padding (Keras 2\'s '
                      'rule); set `output_padding` to change it.'
                      % (type(self).__name__, self.name, shape, why), stacklevel=3)

    def build(self, input_shape):
        super(_Transpose, self).build(input_shape)
        wanted = getattr(self, '_keras1_output_size', None)
        if wanted is None or self.output_padding is not None:
            return
        input_shape = tuple(input_shape)
        lengths = input_shape[2:] if self.data_format == 'channels_first' else input_shape[1:-1]
        pads = []
        for axis, (length, target) in enumerate(zip(lengths, wanted)):
            if length is None or target is None:
                pads.append(None)
                continue
            base = conv_utils.deconv_length(length, self.strides[axis], self.kernel_size[axis],
                                            self.padding, 0, self.dilation_rate[axis])
            if not 0 <= target - base < self.strides[axis]:
                reachable = [base + p for p in range(self.strides[axis])]
                self._ignore_keras1_output_shape(
                    self._keras1_output_shape,
                    'on spatial axis %d an input of size %d gives a size in %s, not %d (kernel '
                    '%d, stride %d, padding %r)' % (axis, length, reachable, target,
                                                    self.kernel_size[axis], self.strides[axis],
                                                    self.padding))
                return
            pads.append(target - base)
        if None not in pads:
            self.output_padding = tuple(pads)

    def _make_weights(self, input_dim):
        self.kernel = self.add_weight(shape=self.kernel_size + (self.filters, input_dim),
                                      initializer=self.kernel_initializer, name='kernel',
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._make_bias(self.filters)

    def _output_length(self, axis, length):
        out_pad = None if self.output_padding is None else self.output_padding[axis]
        return conv_utils.deconv_length(length, self.strides[axis], self.kernel_size[axis],
                                        self.padding, out_pad, self.dilation_rate[axis])

    def _convolve(self, x):
        sizes = []
        for axis, n in enumerate(x.shape[2:]):
            k, s, d = self.kernel_size[axis], self.strides[axis], self.dilation_rate[axis]
            size = self._output_length(axis, int(n))
            _, extra = conv_core.transpose_padding(int(n), size, k, s, self.padding, d)
            if extra >= max(s, d):  # past torch's output_padding
                raise ValueError('%s %s: output size %d is too large for input size %d.'
                                 % (type(self).__name__, self.name, size, n))
            sizes.append(size)
        return conv_core.conv_transpose(x, conv_core.torch_kernel(self.kernel), self.bias,
                                        sizes, self.strides, self.padding, self.dilation_rate)

    def get_config(self):
        config = super(_Transpose, self).get_config()
        config['output_padding'] = self.output_padding
        return config


class Conv2DTranspose(_Transpose, Conv2D):
    """Transposed 2D convolution (a.k.a. deconvolution): the gradient of a
    ``Conv2D``, used to up-sample.

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate,
        activation, use_bias, initializers, regularizers, constraints: as
            :class:`Conv2D`.
        output_padding: int or 2 ints (each below its stride) added to the
            output size, or None to infer it: ``rows * strides`` for
            ``'same'``, ``rows * strides + max(kernel - strides, 0)`` for
            ``'valid'``.
        output_shape: (Keras 1's ``Deconvolution2D``) the full output shape;
            its sizes set ``output_padding`` when the layer is built.

    Weights: ``kernel`` ``(rows, cols, filters, in_channels)``, ``bias``.
    """

    @keras1_arguments(legacy.TRANSPOSE, legacy.deconv2d_args)
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        keras1_output_shape = kwargs.pop('output_shape', None)
        _Conv.__init__(
            self, 2, filters, kernel_size, strides, padding, data_format, dilation_rate,
            activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
            **kwargs)
        self._init_output_padding(output_padding)
        self._keep_keras1_output_shape(keras1_output_shape)


class Conv3DTranspose(_Transpose, Conv3D):
    """Transposed 3D convolution; arguments as :class:`Conv2DTranspose` with 3
    entries per tuple. Weights: ``kernel`` ``(k1, k2, k3, filters, in_channels)``."""

    @keras1_arguments(legacy.TRANSPOSE, legacy.conv3d_args)
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding='valid',
                 output_padding=None, data_format=None, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        dilation_rate = kwargs.pop('dilation_rate', 1)  # tf.keras configs carry it
        _Conv.__init__(
            self, 3, filters, kernel_size, strides, padding, data_format, dilation_rate,
            activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
            **kwargs)
        self._init_output_padding(output_padding)

    def get_config(self):
        config = super(Conv3DTranspose, self).get_config()
        if self.dilation_rate == (1, 1, 1):
            config.pop('dilation_rate')
        return config


class _SeparableConv(_Conv):
    """Depthwise convolution (``depth_multiplier`` channels per input channel)
    followed by a pointwise (1x1) convolution to ``filters`` channels."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding='valid', data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform', pointwise_initializer='glorot_uniform',
                 bias_initializer='zeros', depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super(_SeparableConv, self).__init__(
            rank, filters, kernel_size, strides, padding, data_format, dilation_rate,
            activation, use_bias, bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = _arguments.positive_int(self, 'depth_multiplier',
                                                        depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def _make_weights(self, input_dim):
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer, name='depthwise_kernel',
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (input_dim * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, name='pointwise_kernel',
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint)
        self._make_bias(self.filters)

    def _convolve(self, x):
        return conv_core.separable_conv(x, conv_core.depthwise_kernel(self.depthwise_kernel),
                                        conv_core.torch_kernel(self.pointwise_kernel),
                                        self.bias, self.strides, self.padding,
                                        self.dilation_rate)

    def get_config(self):
        config = super(_SeparableConv, self).get_config()
        for key in ('kernel_initializer', 'kernel_regularizer', 'kernel_constraint'):
            config.pop(key)
        config['depth_multiplier'] = self.depth_multiplier
        for kind in ('depthwise', 'pointwise'):
            config[kind + '_initializer'] = initializers.serialize(
                getattr(self, kind + '_initializer'))
            config[kind + '_regularizer'] = regularizers.serialize(
                getattr(self, kind + '_regularizer'))
            config[kind + '_constraint'] = constraints.serialize(
                getattr(self, kind + '_constraint'))
        return dict(list(config.items()))


class SeparableConv1D(_SeparableConv):
    """Depthwise separable 1D convolution.

    Args:
        filters, kernel_size, strides, padding, data_format (default
            ``'channels_last'``), dilation_rate: as :class:`Conv1D`.
        depth_multiplier: depthwise output channels per input channel.
        depthwise_*/pointwise_* initializer, regularizer, constraint: for
            the two kernels.

    Weights: ``depthwise_kernel`` ``(k, in, depth_multiplier)``,
    ``pointwise_kernel`` ``(1, in * depth_multiplier, filters)``, ``bias``.
    """

    def __init__(self, filters, kernel_size, strides=1, padding='valid',
                 data_format='channels_last', dilation_rate=1, depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer='glorot_uniform',
                 pointwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, **kwargs):
        super(SeparableConv1D, self).__init__(
            1, filters, kernel_size, strides, padding, data_format, dilation_rate,
            depth_multiplier, activation, use_bias, depthwise_initializer,
            pointwise_initializer, bias_initializer, depthwise_regularizer,
            pointwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


class SeparableConv2D(_SeparableConv):
    """Depthwise separable 2D convolution (as in Xception).

    Arguments as :class:`SeparableConv1D` with 2 entries per tuple (default
    ``data_format``: ``image_data_format()``). Weights: ``depthwise_kernel``
    ``(kh, kw, in, depth_multiplier)``, ``pointwise_kernel``
    ``(1, 1, in * depth_multiplier, filters)``, ``bias``.
    """

    @keras1_arguments(legacy.SEPARABLE, legacy.separable_conv2d_args)
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform', pointwise_initializer='glorot_uniform',
                 bias_initializer='zeros', depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super(SeparableConv2D, self).__init__(
            2, filters, kernel_size, strides, padding, data_format, dilation_rate,
            depth_multiplier, activation, use_bias, depthwise_initializer,
            pointwise_initializer, bias_initializer, depthwise_regularizer,
            pointwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


class DepthwiseConv2D(Conv2D):
    """Depthwise 2D convolution: each input channel is convolved with its own
    ``depth_multiplier`` filters (output channel ``c * depth_multiplier + m``).

    Args:
        kernel_size, strides, padding, data_format, dilation_rate, activation,
        use_bias: as :class:`Conv2D`.
        depth_multiplier: output channels per input channel.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint:
            for the kernel; bias_* for the bias.

    Weights: ``depthwise_kernel`` ``(kh, kw, in, depth_multiplier)``,
    ``bias`` ``(in * depth_multiplier,)``.
    """

    def __init__(self, kernel_size, strides=(1, 1), padding='valid', depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        kwargs.pop('filters', None)
        _Conv.__init__(self, 2, None, kernel_size, strides, padding, data_format, dilation_rate,
                       activation, use_bias, bias_initializer=bias_initializer,
                       bias_regularizer=bias_regularizer,
                       activity_regularizer=activity_regularizer,
                       bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = _arguments.positive_int(self, 'depth_multiplier',
                                                        depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def _make_weights(self, input_dim):
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer, name='depthwise_kernel',
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        self._make_bias(input_dim * self.depth_multiplier)

    def _convolve(self, x):
        return conv_core.conv(x, conv_core.depthwise_kernel(self.depthwise_kernel), self.bias,
                              self.strides, self.padding, self.dilation_rate,
                              int(self.depthwise_kernel.shape[-2]))

    def _output_channels(self, input_channels):
        return None if input_channels is None else input_channels * self.depth_multiplier

    def call(self, inputs, training=None):
        # (``training`` is accepted, as in Keras 2.3.1, and has no effect)
        return super(DepthwiseConv2D, self).call(inputs)

    def get_config(self):
        config = super(DepthwiseConv2D, self).get_config()
        for key in ('filters', 'kernel_initializer', 'kernel_regularizer', 'kernel_constraint'):
            config.pop(key)
        config['depth_multiplier'] = self.depth_multiplier
        config['depthwise_initializer'] = initializers.serialize(self.depthwise_initializer)
        config['depthwise_regularizer'] = regularizers.serialize(self.depthwise_regularizer)
        config['depthwise_constraint'] = constraints.serialize(self.depthwise_constraint)
        return config


# ----------------------------------------------------------------- old names
def _atrous(layer_cls, table, args, kwargs):
    keras1 = any(key in kwargs for key in table) or \
        (len(args) > 2 and all(_is_int(v) for v in args[1:]))
    if not keras1:  # otherwise convert_kwargs warns about the Keras 1 arguments
        warnings.warn('`Atrous%s` is deprecated: use `%s` with the `dilation_rate` argument.'
                      % (layer_cls.__name__.replace('Conv', 'Convolution'), layer_cls.__name__),
                      stacklevel=3)
    return layer_cls(*args, **kwargs)


def AtrousConvolution1D(*args, **kwargs):
    """Keras 1's dilated 1D convolution: a :class:`Conv1D` (``atrous_rate`` is
    its ``dilation_rate``)."""
    return _atrous(Conv1D, legacy.CONV1D, args, kwargs)


def AtrousConvolution2D(*args, **kwargs):
    """Keras 1's dilated 2D convolution: a :class:`Conv2D` (``atrous_rate`` is
    its ``dilation_rate``)."""
    return _atrous(Conv2D, legacy.CONV, args, kwargs)


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Conv2DTranspose
Deconvolution2D = Deconv2D = Conv2DTranspose
Deconvolution3D = Deconv3D = Conv3DTranspose
AtrousConv1D = AtrousConvolution1D
AtrousConv2D = AtrousConvolution2D
