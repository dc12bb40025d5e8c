"""Activation layers with parameters: LeakyReLU, PReLU, ELU, ThresholdedReLU,
Softmax, ReLU (Keras 2.3.1 formulas)."""
import numpy as np
import torch
import torch.nn.functional as F

from keras import activations, constraints, initializers, regularizers
from keras.backend import config as K_config
from keras.backend import nn_ops as K_nn
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.legacy.interfaces import convert_kwargs

__all__ = ['LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'ReLU']


def _floatx(value):
    """``value`` rounded to floatx, as a Python float (Keras 2.3.1 casts these)."""
    return float(np.asarray(value, dtype=K_config.floatx()))


class _Elementwise(Layer):
    """Shape- and mask-preserving activation layer."""

    def __init__(self, **kwargs):
        super(_Elementwise, self).__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def _config(self, config):
        base = Layer.get_config(self)
        return dict(list(base.items()) + list(config.items()))


class LeakyReLU(_Elementwise):
    """``x`` for ``x >= 0``, ``alpha * x`` otherwise.

    Args:
        alpha: slope for negative inputs (float >= 0).
    """

    def __init__(self, alpha=0.3, **kwargs):
        super(LeakyReLU, self).__init__(**kwargs)
        self.alpha = _floatx(_arguments.real(self, 'alpha', alpha))

    def call(self, inputs):
        return F.leaky_relu(inputs, negative_slope=self.alpha)

    def get_config(self):
        return self._config({'alpha': self.alpha})


class PReLU(_Elementwise):
    """Parametric ReLU: ``x`` for ``x >= 0``, ``alpha * x`` otherwise, with a
    learned ``alpha`` of the input's shape (less the batch axis).

    Args:
        alpha_initializer, alpha_regularizer, alpha_constraint: for ``alpha``.
        shared_axes: axes (1-based, as in the input shape) along which ``alpha``
            is shared, e.g. ``[1, 2]`` for one value per channel of images.
    """

    def __init__(self, alpha_initializer='zeros', alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        convert_kwargs('PReLU', kwargs, {'init': 'alpha_initializer'})
        alpha_initializer = kwargs.pop('alpha_initializer', alpha_initializer)
        super(PReLU, self).__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for i in self.shared_axes or []:
            if not 1 <= i < len(input_shape):
                raise ValueError('PReLU %s: shared axis %s is out of range for input shape %s '
                                 '(axes count from 1, the batch axis is 0).'
                                 % (self.name, i, tuple(input_shape)))
            param_shape[i - 1] = 1
        if None in param_shape:
            raise ValueError('PReLU %s needs every non-shared axis of the input to be defined; '
                             'got input shape %s.' % (self.name, tuple(input_shape)))
        self.alpha = self.add_weight(shape=param_shape, name='alpha',
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {}
        if self.shared_axes:
            axes = {i: input_shape[i] for i in range(1, len(input_shape))
                    if i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs, mask=None):
        return torch.relu(inputs) - self.alpha * torch.relu(-inputs)

    def get_config(self):
        return self._config({
            'alpha_initializer': initializers.serialize(self.alpha_initializer),
            'alpha_regularizer': regularizers.serialize(self.alpha_regularizer),
            'alpha_constraint': constraints.serialize(self.alpha_constraint),
            'shared_axes': self.shared_axes})


class ELU(_Elementwise):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        alpha: scale of the negative part.
    """

    def __init__(self, alpha=1.0, **kwargs):
        super(ELU, self).__init__(**kwargs)
        self.alpha = _floatx(_arguments.real(self, 'alpha', alpha))

    def call(self, inputs):
        return F.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return self._config({'alpha': self.alpha})


class ThresholdedReLU(_Elementwise):
    """``x`` for ``x > theta``, ``0`` otherwise.

    Args:
        theta: threshold location (float >= 0).
    """

    def __init__(self, theta=1.0, **kwargs):
        super(ThresholdedReLU, self).__init__(**kwargs)
        self.theta = _floatx(_arguments.real(self, 'theta', theta))

    def call(self, inputs, mask=None):
        return inputs * (inputs > self.theta).to(inputs.dtype)

    def get_config(self):
        return self._config({'theta': self.theta})


class Softmax(_Elementwise):
    """Softmax activation along ``axis``.

    Args:
        axis: the normalization axis (a 2-D input is always normalized over its
            last axis, as in Keras 2.3.1).
    """

    def __init__(self, axis=-1, **kwargs):
        super(Softmax, self).__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return activations.softmax(inputs, axis=self.axis)

    def get_config(self):
        return self._config({'axis': self.axis})


class ReLU(_Elementwise):
    """Rectified linear unit with optional cap, leak and threshold.

    ``max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x <
    max_value``, ``negative_slope * (x - threshold)`` otherwise.

    Args:
        max_value: cap (float >= 0), or ``None``.
        negative_slope: slope below the threshold (float >= 0).
        threshold: where the linear part starts.
    """

    def __init__(self, max_value=None, negative_slope=0., threshold=0., **kwargs):
        super(ReLU, self).__init__(**kwargs)
        if max_value is not None and max_value < 0.:
            raise ValueError('max_value of ReLU layer cannot be negative value: %s'
                             % str(max_value))
        if negative_slope < 0.:
            raise ValueError('negative_slope of ReLU layer cannot be negative value: %s'
                             % str(negative_slope))
        self.max_value = None if max_value is None else _floatx(max_value)
        self.negative_slope = _floatx(negative_slope)
        self.threshold = _floatx(threshold)

    def call(self, inputs):
        return K_nn.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                         threshold=self.threshold)

    def get_config(self):
        return self._config({'max_value': self.max_value,
                             'negative_slope': self.negative_slope,
                             'threshold': self.threshold})


# keras.activations resolves these names (in activation configs) through its registry.
activations.register_layer_classes(LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU)
