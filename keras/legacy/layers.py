"""Keras 1 layers that Keras 2.3.1 still shipped (deprecated): ``MaxoutDense``
and ``Highway``, kept so old code and model files keep working.  The other
names of 2.3.1's ``keras.legacy.layers`` (``Recurrent``, ``ConvRecurrent2D``,
``AtrousConvolution1D``/``2D``) live beside their families in
``keras.layers`` and are looked up from there."""
import warnings

import torch

from keras import activations, constraints, initializers, regularizers
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec

__all__ = ['MaxoutDense', 'Highway', 'Recurrent', 'ConvRecurrent2D', 'AtrousConvolution1D',
           'AtrousConvolution2D']

_ELSEWHERE = {'Recurrent': 'keras.layers.recurrent_legacy',
              'ConvRecurrent2D': 'keras.layers.recurrent_legacy',
              'AtrousConvolution1D': 'keras.layers.convolutional',
              'AtrousConvolution2D': 'keras.layers.convolutional'}


def __getattr__(name):
    # Imported on first use: keras.layers imports this module while it loads.
    if name in _ELSEWHERE:
        import importlib
        return getattr(importlib.import_module(_ELSEWHERE[name]), name)
    raise AttributeError('module %r has no attribute %r' % (__name__, name))


class _Keras1Dense(Layer):
    """Shared arguments of the two Keras 1 dense-like layers."""

    def __init__(self, init='glorot_uniform', weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None,
                 b_constraint=None, bias=True, input_dim=None, **kwargs):
        warnings.warn('The `%s` layer is deprecated and will be removed after 06/2017.'
                      % self.__class__.__name__, stacklevel=3)
        self.input_dim = input_dim
        if input_dim and 'input_shape' not in kwargs:
            kwargs['input_shape'] = (input_dim,)
        super(_Keras1Dense, self).__init__(weights=weights, **kwargs)
        self.init = initializers.get(init)
        self.W_regularizer = regularizers.get(W_regularizer)
        self.b_regularizer = regularizers.get(b_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.W_constraint = constraints.get(W_constraint)
        self.b_constraint = constraints.get(b_constraint)
        self.bias = bias
        self.input_spec = InputSpec(ndim=2)

    def _weight(self, shape, name, initializer=None):
        is_bias = name.startswith('b')
        return self.add_weight(name=name, shape=shape,
                               initializer=initializer or self.init,
                               regularizer=self.b_regularizer if is_bias else self.W_regularizer,
                               constraint=self.b_constraint if is_bias else self.W_constraint)

    def get_config(self):
        config = {'init': initializers.serialize(self.init),
                  'W_regularizer': regularizers.serialize(self.W_regularizer),
                  'b_regularizer': regularizers.serialize(self.b_regularizer),
                  'activity_regularizer': regularizers.serialize(self.activity_regularizer),
                  'W_constraint': constraints.serialize(self.W_constraint),
                  'b_constraint': constraints.serialize(self.b_constraint),
                  'bias': self.bias,
                  'input_dim': self.input_dim}
        base = super(_Keras1Dense, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class MaxoutDense(_Keras1Dense):
    """The maximum over ``nb_feature`` dense projections (Goodfellow et al., 2013).

    Weights: ``W`` of shape ``(nb_feature, input_dim, output_dim)``, ``b`` of
    shape ``(nb_feature, output_dim)``.
    """

    def __init__(self, output_dim, nb_feature=4, **kwargs):
        self.output_dim = output_dim
        self.nb_feature = nb_feature
        super(MaxoutDense, self).__init__(**kwargs)

    def build(self, input_shape):
        input_dim = input_shape[1]
        self.input_spec = InputSpec(ndim=2, axes={1: input_dim})
        self.W = self._weight((self.nb_feature, input_dim, self.output_dim), 'W')
        self.b = self._weight((self.nb_feature, self.output_dim), 'b', 'zeros') \
            if self.bias else None
        self.built = True

    def call(self, x):
        output = torch.einsum('bi,fio->bfo', x, self.W)
        if self.b is not None:
            output = output + self.b
        return output.max(dim=1).values

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def get_config(self):
        config = super(MaxoutDense, self).get_config()
        config.update(output_dim=self.output_dim, nb_feature=self.nb_feature)
        return config


class Highway(_Keras1Dense):
    """Highway layer (Srivastava et al., 2015): ``T * act(xW + b) + (1 - T) * x``
    with the transform gate ``T = sigmoid(x W_carry + b_carry)``.

    Weights: ``W``, ``W_carry`` of shape ``(input_dim, input_dim)``, then ``b``
    and ``b_carry`` (initialized to zeros and ones).
    """

    def __init__(self, activation=None, **kwargs):
        self.activation = activations.get(activation)
        super(Highway, self).__init__(**kwargs)

    def build(self, input_shape):
        input_dim = input_shape[1]
        self.input_spec = InputSpec(ndim=2, axes={1: input_dim})
        self.W = self._weight((input_dim, input_dim), 'W')
        self.W_carry = self._weight((input_dim, input_dim), 'W_carry')
        if self.bias:
            self.b = self._weight((input_dim,), 'b', 'zeros')
            self.b_carry = self._weight((input_dim,), 'b_carry', 'ones')
        else:
            self.b = self.b_carry = None
        self.built = True

    def call(self, x):
        gate = torch.matmul(x, self.W_carry)
        value = torch.matmul(x, self.W)
        if self.b is not None:
            gate = gate + self.b_carry
            value = value + self.b
        transform = torch.sigmoid(gate)
        return self.activation(value) * transform + (1 - transform) * x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super(Highway, self).get_config()
        config['activation'] = activations.serialize(self.activation)
        return config
