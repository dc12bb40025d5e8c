"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute,
RepeatVector, Lambda, Masking, ActivityRegularization, SpatialDropout1D/2D/3D."""
import functools

import numpy as np
import torch

from keras import activations, constraints, initializers, regularizers
from keras.backend import config as K_config
from keras.backend import random_ops
from keras.backend import session as K_session
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.legacy import conv_arguments as legacy
from keras.legacy.conv_arguments import keras1_arguments
from keras.legacy.interfaces import convert_kwargs

__all__ = ['Dense', 'Activation', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D',
           'SpatialDropout3D', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Lambda',
           'Masking', 'ActivityRegularization']

_DENSE_LEGACY = {'output_dim': 'units', 'init': 'kernel_initializer',
                 'W_regularizer': 'kernel_regularizer', 'b_regularizer': 'bias_regularizer',
                 'W_constraint': 'kernel_constraint', 'b_constraint': 'bias_constraint',
                 'bias': 'use_bias'}


def _units_given_twice(init):
    """``Dense(32, units=784)`` (a spelling in some Keras docs) means 32 units on
    784-dimensional input; accept it with a warning instead of a TypeError."""

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        if args and 'units' in kwargs and 'input_dim' not in kwargs and \
                'input_shape' not in kwargs:
            import warnings
            warnings.warn('Dense got `units` twice (%r positionally and units=%r); reading the '
                          'keyword as the input dimension: Dense(%r, input_dim=%r).'
                          % (args[0], kwargs['units'], args[0], kwargs['units']), stacklevel=2)
            kwargs['input_dim'] = kwargs.pop('units')
        return init(self, *args, **kwargs)
    return wrapper


class Dense(Layer):
    """Densely-connected layer: ``activation(dot(input, kernel) + bias)``.

    On input of rank > 2 the kernel applies to the last axis.

    Args:
        units: output size.
        activation: activation name or function (default: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Input shape:
        ``(batch_size, ..., input_dim)``.
    Output shape:
        ``(batch_size, ..., units)``.

    Example:
        >>> model = Sequential()
        >>> model.add(Dense(32, input_shape=(16,)))
        >>> model.output_shape
        (None, 32)
    """

    @_units_given_twice
    def __init__(self, units=None, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        convert_kwargs('Dense', kwargs, _DENSE_LEGACY)
        if units is None:
            units = kwargs.pop('units', None)
        else:
            kwargs.pop('units', None)
        if units is None:
            raise TypeError('Dense requires `units` (the output size).')
        kernel_initializer = kwargs.pop('kernel_initializer', kernel_initializer)
        kernel_regularizer = kwargs.pop('kernel_regularizer', kernel_regularizer)
        bias_regularizer = kwargs.pop('bias_regularizer', bias_regularizer)
        kernel_constraint = kwargs.pop('kernel_constraint', kernel_constraint)
        bias_constraint = kwargs.pop('bias_constraint', bias_constraint)
        use_bias = kwargs.pop('use_bias', use_bias)
        if 'input_shape' not in kwargs and 'input_dim' in kwargs:
            kwargs['input_shape'] = (kwargs.pop('input_dim'),)
        super(Dense, self).__init__(**kwargs)
        self.units = _arguments.positive_int(self, 'units', units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('Dense %s: the last dimension of the input must be defined, got '
                             'input shape %s.' % (self.name, tuple(input_shape)))
        self.kernel = self.add_weight(shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer, name='kernel',
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        name='bias', regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        bias = self.bias  # (read once: a parameter lookup goes through __getattr__)
        if inputs.dim() == 2 and bias is not None:
            output = torch.addmm(bias, inputs, self.kernel)
        else:
            output = torch.matmul(inputs, self.kernel)
            if bias is not None:
                output = output + bias
        if self.activation is not activations.linear:
            output = self.activation(output)
        return output

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = {'units': self.units,
                  'activation': activations.serialize(self.activation),
                  'use_bias': self.use_bias,
                  'kernel_initializer': initializers.serialize(self.kernel_initializer),
                  'bias_initializer': initializers.serialize(self.bias_initializer),
                  'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
                  'bias_regularizer': regularizers.serialize(self.bias_regularizer),
                  'activity_regularizer': regularizers.serialize(self.activity_regularizer),
                  'kernel_constraint': constraints.serialize(self.kernel_constraint),
                  'bias_constraint': constraints.serialize(self.bias_constraint)}
        base = super(Dense, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: name of an activation (``'relu'``) or a function.
    """

    def __init__(self, activation, **kwargs):
        super(Activation, self).__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {'activation': activations.serialize(self.activation)}
        base = super(Activation, self).get_config()
        return dict(list(base.items()) + list(config.items()))


def _in_training(training):
    if training is None:
        return bool(K_session.learning_phase())
    if isinstance(training, torch.Tensor):
        return bool(training)
    return bool(training)


class Dropout(Layer):
    """Sets a fraction ``rate`` of inputs to 0 during training (scaling the rest
    by ``1 / (1 - rate)``); the identity at test time.

    Args:
        rate: fraction of the input units to drop, in [0, 1).
        noise_shape: shape of the binary mask (``None`` entries follow the input),
            e.g. ``(batch_size, 1, features)`` to drop the same units at every step.
        seed: random seed.
    """

    def __init__(self, rate=None, noise_shape=None, seed=None, **kwargs):
        convert_kwargs('Dropout', kwargs, {'p': 'rate'})
        if rate is None:
            rate = kwargs.pop('rate', None)
        if rate is None:
            raise TypeError('Dropout requires `rate` (the fraction of units to drop).')
        super(Dropout, self).__init__(**kwargs)
        self.rate = min(1., max(0., _arguments.fraction(self, 'rate', rate)))
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True
        self._generator = None

    @property
    def uses_learning_phase(self):
        return 0. < self.rate < 1.

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        shape = inputs.shape
        return tuple(shape[i] if d is None else int(d) for i, d in enumerate(self.noise_shape))

    def _rng(self, device):
        if self.seed is None:
            return None
        if self._generator is None or self._generator.device != device:
            self._generator = torch.Generator(device=device)
            self._generator.manual_seed(int(self.seed))
        return self._generator

    def call(self, inputs, training=None):
        if not 0. < self.rate < 1. or not _in_training(training):
            return inputs
        noise_shape = self._get_noise_shape(inputs)
        if noise_shape is None and self.seed is None:
            return random_ops.dropout(inputs, self.rate)
        shape = noise_shape if noise_shape is not None else inputs.shape
        return inputs * random_ops.dropout_mask(shape, self.rate, inputs.device, inputs.dtype,
                                                generator=self._rng(inputs.device))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {'rate': self.rate, 'noise_shape': self.noise_shape, 'seed': self.seed}
        base = super(Dropout, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class SpatialDropout1D(Dropout):
    """Dropout of whole feature maps of 1D inputs ``(samples, timesteps, channels)``."""

    @keras1_arguments(legacy.SPATIAL_DROPOUT)
    def __init__(self, rate, **kwargs):
        super(SpatialDropout1D, self).__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs):
        return (inputs.shape[0], 1, inputs.shape[2])

    def get_config(self):
        config = super(SpatialDropout1D, self).get_config()
        for key in ('noise_shape', 'seed'):
            config.pop(key, None)
        return config


class _SpatialDropoutND(Dropout):
    _rank = 2

    @keras1_arguments(legacy.SPATIAL_DROPOUT)
    def __init__(self, rate, data_format=None, **kwargs):
        super(_SpatialDropoutND, self).__init__(rate, **kwargs)
        self.data_format = K_config.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _get_noise_shape(self, inputs):
        shape = inputs.shape
        ones = (1,) * self._rank
        if self.data_format == 'channels_first':
            return (shape[0], shape[1]) + ones
        return (shape[0],) + ones + (shape[-1],)

    def get_config(self):
        config = super(_SpatialDropoutND, self).get_config()
        for key in ('noise_shape', 'seed'):
            config.pop(key, None)
        config['data_format'] = self.data_format
        return config


class SpatialDropout2D(_SpatialDropoutND):
    """Dropout of whole feature maps of 2D inputs (channels_last by default)."""
    _rank = 2


class SpatialDropout3D(_SpatialDropoutND):
    """Dropout of whole feature maps of 3D inputs (channels_last by default)."""
    _rank = 3


class Flatten(Layer):
    """Flattens each sample: ``(batch, d1, d2, ...)`` -> ``(batch, d1*d2*...)``.

    Args:
        data_format: with ``'channels_first'`` the input is put in channels_last
            order first, so weights trained on either layout line up.
    """

    def __init__(self, data_format=None, **kwargs):
        super(Flatten, self).__init__(**kwargs)
        self.input_spec = InputSpec(min_ndim=1)
        self.data_format = K_config.normalize_data_format(data_format)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            raise ValueError('The shape of the input to "Flatten" is not fully defined (got %s). '
                             'Make sure to pass a complete "input_shape" or "batch_input_shape" '
                             'argument to the first layer in your model.' % (tuple(rest),))
        return (input_shape[0], int(np.prod(rest)) if rest else 1)

    def call(self, inputs):
        if self.data_format == 'channels_first' and inputs.dim() > 2:
            perm = [0] + list(range(2, inputs.dim())) + [1]
            inputs = inputs.permute(*perm)
        return inputs.reshape(inputs.shape[0], -1)

    def get_config(self):
        config = {'data_format': self.data_format}
        base = super(Flatten, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (one entry may be ``-1``).

    Example:
        >>> model.add(Reshape((3, 4), input_shape=(12,)))
        >>> model.add(Reshape((-1, 2, 2)))  # -> (None, 3, 2, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super(Reshape, self).__init__(**kwargs)
        self.target_shape = _arguments.shape(self, 'target_shape', target_shape)

    def _fix_unknown_dimension(self, input_shape, output_shape):
        output_shape = list(output_shape)
        msg = ('Reshape %s: total size of new array must be unchanged (input shape %s, '
               'target shape %s).' % (self.name, tuple(input_shape), self.target_shape))
        known, unknown = 1, None
        for index, dim in enumerate(output_shape):
            if dim < 0:
                if unknown is None:
                    unknown = index
                else:
                    raise ValueError('Reshape %s: can only specify one unknown dimension (-1), '
                                     'got target shape %s.' % (self.name, self.target_shape))
            else:
                known *= dim
        original = int(np.prod(input_shape))
        if unknown is not None:
            if known == 0 or original % known != 0:
                raise ValueError(msg)
            output_shape[unknown] = original // known
        elif original != known:
            raise ValueError(msg)
        return tuple(output_shape)

    def compute_output_shape(self, input_shape):
        if any(d is None for d in input_shape[1:]):
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        return (input_shape[0],) + self._fix_unknown_dimension(input_shape[1:],
                                                               self.target_shape)

    def call(self, inputs):
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def get_config(self):
        config = {'target_shape': self.target_shape}
        base = super(Reshape, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Permute(Layer):
    """Permutes the non-batch axes; ``dims`` counts from 1 (e.g. ``(2, 1)``)."""

    def __init__(self, dims, **kwargs):
        super(Permute, self).__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError('Invalid permutation `dims` for Permute layer: %s. The set of '
                             'indices in `dims` must be consecutive and start from 1.'
                             % (dims,))
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs):
        return inputs.permute((0,) + self.dims)

    def get_config(self):
        config = {'dims': self.dims}
        base = super(Permute, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class RepeatVector(Layer):
    """Repeats a 2D input ``n`` times: ``(batch, features)`` -> ``(batch, n, features)``."""

    def __init__(self, n, **kwargs):
        super(RepeatVector, self).__init__(**kwargs)
        self.n = _arguments.positive_int(self, 'n', n)
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return inputs.unsqueeze(1).expand(-1, self.n, -1)

    def get_config(self):
        config = {'n': self.n}
        base = super(RepeatVector, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value``; layers that
    support masking (RNNs) skip them."""

    def __init__(self, mask_value=0., **kwargs):
        super(Masking, self).__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return torch.any(inputs != self.mask_value, dim=-1)

    def call(self, inputs):
        keep = torch.any(inputs != self.mask_value, dim=-1, keepdim=True)
        return inputs * keep.to(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {'mask_value': self.mask_value}
        base = super(Masking, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class ActivityRegularization(Layer):
    """Adds an L1/L2 penalty on its input activity to the training loss."""

    def __init__(self, l1=0., l2=0., **kwargs):
        super(ActivityRegularization, self).__init__(**kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {'l1': self.l1, 'l2': self.l2}
        base = super(ActivityRegularization, self).get_config()
        return dict(list(base.items()) + list(config.items()))


from keras.layers.lambda_layer import Lambda  # noqa: E402  (kept in its own file)
