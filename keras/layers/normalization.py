"""Normalization layers: BatchNormalization (Keras 2.3.1) and LayerNormalization
(tf.keras 2.x)."""
import torch
import torch.nn.functional as F

from keras import constraints, initializers, regularizers
from keras.backend import session as K_session
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.legacy.interfaces import convert_kwargs

__all__ = ['BatchNormalization', 'LayerNormalization']

_BN_LEGACY = {'beta_init': 'beta_initializer', 'gamma_init': 'gamma_initializer'}


def _in_training(training):
    if training is None:
        training = K_session.learning_phase()
    return bool(training)


def _normalize_axis(axis):
    """An int, or a list of ints for several axes (tf.keras writes ``[3]``)."""
    items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    if not items or any(isinstance(a, (bool, float, str, bytes)) or a is None for a in items):
        raise ValueError('BatchNormalization: `axis` must be an integer or a list of integers; '
                         'received %r.' % (axis,))
    axis = [int(a) for a in items]
    return axis[0] if len(axis) == 1 else axis


def _positive_axes(layer, axis, ndim):
    axes = axis if isinstance(axis, list) else [axis]
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError('Invalid axis %s for layer %s: the input has rank %d.'
                             % (a, layer.name, ndim))
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError('Duplicate axis in %s for layer %s.' % (axis, layer.name))
    return out


def _pop_tf_keras_options(name, kwargs):
    """Accept tf.keras BatchNormalization options when they are off."""
    if kwargs.pop('renorm', False):
        raise NotImplementedError('%s: batch renormalization (`renorm=True`) is not '
                                  'supported.' % name)
    kwargs.pop('renorm_clipping', None)
    kwargs.pop('renorm_momentum', None)
    for key in ('virtual_batch_size', 'adjustment'):
        if kwargs.pop(key, None) is not None:
            raise NotImplementedError('%s: `%s` is not supported; it must be None.'
                                      % (name, key))
    kwargs.pop('fused', None)          # an implementation choice, same numbers
    kwargs.pop('synchronized', None)   # cross-replica statistics: one process here
    if 'mode' in kwargs:               # Keras 1
        if kwargs.pop('mode') != 0:
            raise TypeError('The `mode` argument of `BatchNormalization` no longer exists. '
                            '`mode=1` and `mode=2` are no longer supported.')


class BatchNormalization(Layer):
    """Normalize the activations of the previous layer over each batch.

    In training, the output is ``(x - mean) / sqrt(var + epsilon) * gamma + beta``
    with the batch mean and (biased) variance over every axis but ``axis``, and
    the moving statistics follow ``moving = moving * momentum + batch * (1 -
    momentum)``, the batch variance scaled by ``n / (n - 1 - epsilon)`` as in
    Keras 2.3.1.  At test time the moving statistics are used.  A frozen layer
    (``trainable=False``) still normalizes with batch statistics in training but
    leaves its moving statistics alone (Keras 2.3.1 semantics).

    Args:
        axis: the features axis (``1`` for channels_first images).
        momentum: momentum of the moving averages.
        epsilon: added to the variance.
        center, scale: whether to learn ``beta`` / ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: initializers.
        beta_regularizer, gamma_regularizer: regularizers.
        beta_constraint, gamma_constraint: constraints.

    Input shape:
        Arbitrary.
    Output shape:
        Same as the input.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones',
                 moving_mean_initializer='zeros', moving_variance_initializer='ones',
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        _pop_tf_keras_options('BatchNormalization', kwargs)
        convert_kwargs('BatchNormalization', kwargs, _BN_LEGACY)
        beta_initializer = kwargs.pop('beta_initializer', beta_initializer)
        gamma_initializer = kwargs.pop('gamma_initializer', gamma_initializer)
        super(BatchNormalization, self).__init__(**kwargs)
        self.supports_masking = True
        self.axis = _normalize_axis(axis)
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = _positive_axes(self, self.axis, ndim)
        for a in axes:
            if input_shape[a] is None:
                raise ValueError('Axis %s of input tensor should have a defined dimension but '
                                 'the layer %s received an input with shape %s.'
                                 % (a, self.name, tuple(input_shape)))
        self._axes = axes
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in axes})
        if len(axes) == 1:
            shape = (input_shape[axes[0]],)
        else:  # tf.keras: full-rank parameters with 1 on the other axes
            shape = tuple(input_shape[i] if i in axes else 1 for i in range(ndim))
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name='gamma',
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape=shape, name='beta',
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(shape=shape, name='moving_mean',
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name='moving_variance',
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def _channel_axis(self, x):
        """The one feature axis when torch's fused kernel applies, else None."""
        axes = getattr(self, '_axes', None) or _positive_axes(self, self.axis, x.dim())
        if len(axes) != 1 or axes[0] == 0 or x.dim() < 2:
            return None
        return axes[0]

    # The output depends on the learning phase (batch or moving statistics).
    uses_learning_phase = True

    def _in_call_update_variables(self, kwargs):
        """The moving statistics a call changes (none with ``training=False``)."""
        training = kwargs.get('training')
        if training is not None and not getattr(training, '_is_keras_tensor', False) \
                and not training:
            return []
        return [getattr(self, 'moving_mean', None), getattr(self, 'moving_variance', None)]

    def call(self, inputs, training=None):
        training = _in_training(training)
        update = (training and self.trainable and
                  K_session.in_call_update_allowed(self.moving_mean))
        channel = self._channel_axis(inputs)
        if channel is None:
            return self._call_general(inputs, training, update)
        view = inputs if channel == 1 else inputs.movedim(channel, 1)
        count = inputs.numel() // max(inputs.shape[channel], 1)
        if not training:
            out = F.batch_norm(view, self.moving_mean, self.moving_variance, self.gamma,
                               self.beta, False, 0., self.epsilon)
        elif count <= 1:
            return self._call_general(inputs, training, update)
        elif update:
            # torch updates copies (autograd keeps them; the weights must not be
            # changed under it) and moves the variance towards var * n / (n - 1),
            # where Keras 2.3.1 uses n / (n - 1 - epsilon): corrected below.
            mean = self.moving_mean.detach().clone()
            variance = self.moving_variance.detach().clone()
            out = F.batch_norm(view, mean, variance, self.gamma, self.beta, True,
                               1. - self.momentum, self.epsilon)
            with torch.no_grad():
                delta = variance - self.momentum * self.moving_variance
                self.moving_variance.copy_(
                    variance + delta * (self.epsilon / (count - 1. - self.epsilon)))
                self.moving_mean.copy_(mean)
        else:
            out = F.batch_norm(view, None, None, self.gamma, self.beta, True, 0.,
                               self.epsilon)
        return out if channel == 1 else out.movedim(1, channel)

    def _call_general(self, x, training, update):
        """Plain tensor ops: several axes, axis 0, or one value per channel."""
        ndim = x.dim()
        axes = _positive_axes(self, self.axis, ndim)
        bshape = [x.shape[i] if i in axes else 1 for i in range(ndim)]
        reduction = [i for i in range(ndim) if i not in axes]
        if training:
            variance, mean = torch.var_mean(x, dim=reduction, correction=0, keepdim=True)
        else:
            mean = self.moving_mean.reshape(bshape)
            variance = self.moving_variance.reshape(bshape)
        out = (x - mean) * torch.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            out = out * self.gamma.reshape(bshape)
        if self.beta is not None:
            out = out + self.beta.reshape(bshape)
        count = 1
        for i in reduction:
            count *= x.shape[i]
        if update and count > 0:
            with torch.no_grad():
                batch_variance = variance * (count / (count - (1.0 + self.epsilon)))
                decay = 1. - self.momentum
                for moving, value in ((self.moving_mean, mean),
                                      (self.moving_variance, batch_variance)):
                    moving.sub_((moving - value.reshape(moving.shape).to(moving.dtype)) * decay)
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {
            'axis': self.axis,
            'momentum': self.momentum,
            'epsilon': self.epsilon,
            'center': self.center,
            'scale': self.scale,
            'beta_initializer': initializers.serialize(self.beta_initializer),
            'gamma_initializer': initializers.serialize(self.gamma_initializer),
            'moving_mean_initializer': initializers.serialize(self.moving_mean_initializer),
            'moving_variance_initializer':
                initializers.serialize(self.moving_variance_initializer),
            'beta_regularizer': regularizers.serialize(self.beta_regularizer),
            'gamma_regularizer': regularizers.serialize(self.gamma_regularizer),
            'beta_constraint': constraints.serialize(self.beta_constraint),
            'gamma_constraint': constraints.serialize(self.gamma_constraint),
        }
        base = super(BatchNormalization, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class LayerNormalization(Layer):
    """Normalize each sample over ``axis`` (tf.keras 2.x ``LayerNormalization``).

    ``(x - mean) / sqrt(var + epsilon) * gamma + beta`` with the mean and biased
    variance of each sample over ``axis``; ``gamma``/``beta`` have the sizes of
    those axes.

    Args:
        axis: int or list of ints (default: the last axis).
        epsilon: added to the variance.
        center, scale: whether to learn ``beta`` / ``gamma``.
        beta_initializer, gamma_initializer, beta_regularizer,
        gamma_regularizer, beta_constraint, gamma_constraint: as usual.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones', beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        if kwargs.pop('rms_scaling', False):
            raise NotImplementedError('LayerNormalization: `rms_scaling=True` (Keras 3) is '
                                      'not supported.')
        super(LayerNormalization, self).__init__(**kwargs)
        self.supports_masking = True
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = _positive_axes(self, self.axis, ndim)
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError('LayerNormalization %s: the normalized axes %s of the input shape '
                             '%s must be defined.' % (self.name, self.axis, tuple(input_shape)))
        self._axes = axes
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in axes})
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(name='gamma', shape=shape,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(name='beta', shape=shape,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs):
        ndim = inputs.dim()
        axes = getattr(self, '_axes', None) or _positive_axes(self, self.axis, ndim)
        if axes == list(range(ndim - len(axes), ndim)):
            return F.layer_norm(inputs, tuple(inputs.shape[ndim - len(axes):]), self.gamma,
                                self.beta, self.epsilon)
        variance, mean = torch.var_mean(inputs, dim=axes, correction=0, keepdim=True)
        out = (inputs - mean) * torch.rsqrt(variance + self.epsilon)
        bshape = [1] * ndim
        for a in axes:
            bshape[a] = inputs.shape[a]
        if self.gamma is not None:
            out = out * _param_like(self.gamma, axes, bshape)
        if self.beta is not None:
            out = out + _param_like(self.beta, axes, bshape)
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {
            'axis': self.axis,
            'epsilon': self.epsilon,
            'center': self.center,
            'scale': self.scale,
            'beta_initializer': initializers.serialize(self.beta_initializer),
            'gamma_initializer': initializers.serialize(self.gamma_initializer),
            'beta_regularizer': regularizers.serialize(self.beta_regularizer),
            'gamma_regularizer': regularizers.serialize(self.gamma_regularizer),
            'beta_constraint': constraints.serialize(self.beta_constraint),
            'gamma_constraint': constraints.serialize(self.gamma_constraint),
        }
        base = super(LayerNormalization, self).get_config()
        return dict(list(base.items()) + list(config.items()))


def _param_like(param, axes, bshape):
    """A parameter laid out in ``axes`` order, broadcast to rank ``len(bshape)``."""
    order = sorted(range(len(axes)), key=lambda i: axes[i])
    return param.permute(order).reshape(bshape)
