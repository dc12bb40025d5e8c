"""Activation functions (Keras 2.3.1), as plain torch operations.

Each function takes a torch tensor and returns a torch tensor; all are
differentiable.  ``get`` turns a name (``'relu'``), ``None``, a callable or a
serialized dict into the function that layers call.

Besides the Keras 2.3.1 set, the names that files written by tf.keras may
hold (``swish``, ``silu``, ``gelu``, ``mish``, ``relu6``, ``leaky_relu``,
``log_softmax``, and the advanced-activation layers by class name in a dict)
are understood too.
"""
import warnings

import torch
import torch.nn.functional as F

from keras.backend.symbolic import symbolic
from keras.utils.generic_utils import deserialize_keras_object
from keras.utils.generic_utils import serialize_keras_object

__all__ = ['softmax', 'elu', 'selu', 'softplus', 'softsign', 'relu', 'tanh',
           'sigmoid', 'hard_sigmoid', 'exponential', 'linear',
           'swish', 'silu', 'gelu', 'mish', 'relu6', 'leaky_relu', 'log_softmax',
           'serialize', 'deserialize', 'get']

# Layer classes this module needs, registered by the modules that define them
# when imported (``import keras`` imports both): ``Layer`` by
# keras.engine.base_layer, the advanced-activation layers by
# keras.layers.advanced_activations.  Both import this module, so it cannot
# import them.
_LAYER_CLASSES = {}


def register_layer_classes(*classes):
    """Make layer classes known here, by class name (see ``_LAYER_CLASSES``)."""
    for cls in classes:
        _LAYER_CLASSES[cls.__name__] = cls


def __getattr__(name):
    # Keras 2.3.1 imported ``Layer`` into this module (``keras.activations.Layer``).
    if name == 'Layer' and 'Layer' in _LAYER_CLASSES:
        return _LAYER_CLASSES['Layer']
    raise AttributeError('module %r has no attribute %r' % (__name__, name))


_ADVANCED_ACTIVATION_LAYERS = ('LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU',
                               'Softmax', 'ReLU')


@symbolic
def softmax(x, axis=-1):
    """Softmax: ``exp(x) / sum(exp(x))`` along ``axis``.

    As in Keras 2.3.1, a 2-D input is always normalized over its last axis;
    inputs of rank 3 and more use ``axis``.

    Raises:
        ValueError: for a 1-D input.
    """
    ndim = x.dim()
    if ndim == 2:
        return torch.softmax(x, dim=-1)
    if ndim > 2:
        return torch.softmax(x, dim=axis)
    raise ValueError('Cannot apply softmax to a tensor that is 1D. '
                     'Received input: %s' % (x,))


@symbolic
def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    return F.elu(x, alpha=alpha)


@symbolic
def selu(x):
    """Scaled ELU: ``scale * elu(x, alpha)`` with ``alpha = 1.6732632423543772``
    and ``scale = 1.0507009873554805`` (Klambauer et al., 2017).

    Use with the ``lecun_normal`` initializer and ``AlphaDropout``.
    """
    # torch.selu uses the same two constants in one fused kernel.
    return torch.selu(x)


@symbolic
def softplus(x):
    """Softplus: ``log(exp(x) + 1)``."""
    return F.softplus(x)


@symbolic
def softsign(x):
    """Softsign: ``x / (abs(x) + 1)``."""
    return F.softsign(x)


@symbolic
def relu(x, alpha=0., max_value=None, threshold=0.):
    """Rectified linear unit, with Keras 2.3.1's optional extras.

    With the defaults it is ``max(x, 0)``.  Otherwise ``max_value`` for
    ``x >= max_value``, ``x`` for ``threshold <= x < max_value`` and
    ``alpha * (x - threshold)`` below the threshold.

    Args:
        x: Input tensor.
        alpha: Slope of the part below ``threshold``.
        max_value: Saturation value, or ``None`` for none.
        threshold: Where the linear part starts.
    """
    if alpha == 0. and max_value is None and threshold == 0.:
        return torch.relu(x)
    if alpha != 0. and max_value is None and threshold == 0.:
        return F.leaky_relu(x, negative_slope=alpha)
    negative_part = None
    if alpha != 0.:
        negative_part = torch.relu(threshold - x) if threshold != 0. else torch.relu(-x)
    clip_max = max_value is not None
    if threshold != 0.:
        y = x * (x > threshold).to(x.dtype)
    elif max_value == 6:
        y = F.relu6(x)
        clip_max = False
    else:
        y = torch.relu(x)
    if clip_max:
        y = torch.clamp(y, 0., float(max_value))
    if negative_part is not None:
        y = y - alpha * negative_part
    return y


@symbolic
def tanh(x):
    """Hyperbolic tangent."""
    return torch.tanh(x)


@symbolic
def sigmoid(x):
    """Logistic sigmoid: ``1 / (1 + exp(-x))``."""
    return torch.sigmoid(x)


@symbolic
def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``."""
    return torch.clamp(x * 0.2 + 0.5, 0., 1.)


@symbolic
def exponential(x):
    """Exponential: ``exp(x)``."""
    return torch.exp(x)


def linear(x):
    """Identity: returns ``x`` unchanged."""
    return x


# ---- names that tf.keras files may hold (not in Keras 2.3.1) ----

@symbolic
def swish(x):
    """Swish / SiLU: ``x * sigmoid(x)`` (tf.keras)."""
    return F.silu(x)


silu = swish


@symbolic
def gelu(x, approximate=False):
    """Gaussian error linear unit (tf.keras); ``approximate`` uses tanh."""
    return F.gelu(x, approximate='tanh' if approximate else 'none')


@symbolic
def mish(x):
    """Mish: ``x * tanh(softplus(x))`` (tf.keras)."""
    return F.mish(x)


@symbolic
def relu6(x):
    """``min(max(x, 0), 6)`` (tf.keras)."""
    return F.relu6(x)


@symbolic
def leaky_relu(x, alpha=0.2):
    """Leaky ReLU with TensorFlow's default slope 0.2 (tf.keras)."""
    return F.leaky_relu(x, negative_slope=alpha)


@symbolic
def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis`` (tf.keras)."""
    return torch.log_softmax(x, dim=axis)


_FUNCTIONS = {fn.__name__: fn for fn in (
    softmax, elu, selu, softplus, softsign, relu, tanh, sigmoid, hard_sigmoid,
    exponential, linear, swish, gelu, mish, relu6, leaky_relu, log_softmax)}
_FUNCTIONS['silu'] = swish


def _advanced_activation_layers():
    """The advanced-activation layer classes (as registered)."""
    return {name: _LAYER_CLASSES[name]
            for name in _ADVANCED_ACTIVATION_LAYERS
            if name in _LAYER_CLASSES}


def serialize(activation):
    """The name of an activation function (a config dict for a layer object).

    Example:
        >>> serialize(relu)
        'relu'
    """
    if getattr(activation, '__name__', None) in _FUNCTIONS:
        return activation.__name__
    if hasattr(activation, 'get_config'):
        return serialize_keras_object(activation)
    if hasattr(activation, '__name__'):
        return activation.__name__
    raise ValueError('Cannot serialize activation %r: it is neither a named '
                     'function nor an object with get_config().' % (activation,))


def _deserialize_dict(config, custom_objects):
    class_name = config.get('class_name')
    inner = config.get('config')
    if class_name == 'function' and isinstance(inner, str):
        # tf.keras 2.13+ "module"-style entry for a plain function.
        return deserialize(inner, custom_objects)
    if class_name in _FUNCTIONS and not (custom_objects and class_name in custom_objects):
        return _FUNCTIONS[class_name]
    layers = _advanced_activation_layers()
    objects = dict(layers) if layers else {}
    objects.update(_FUNCTIONS)
    return deserialize_keras_object(config, module_objects=objects,
                                    custom_objects=custom_objects,
                                    printable_module_name='activation function')


def deserialize(name, custom_objects=None):
    """Turn a name (or a serialized dict) back into an activation.

    Args:
        name: e.g. ``'relu'``; or ``{'class_name': ..., 'config': ...}``, which
            may also name an advanced-activation layer (``'LeakyReLU'``).
        custom_objects: optional ``{name: function}`` of user activations.

    Raises:
        ValueError: for an unknown name; the message lists the known ones.
    """
    if isinstance(name, dict):
        return _deserialize_dict(name, custom_objects)
    if isinstance(name, str) and name in _ADVANCED_ACTIVATION_LAYERS and not (
            custom_objects and name in custom_objects):
        layers = _advanced_activation_layers()
        if name in layers:
            return layers[name]()
    return deserialize_keras_object(name, module_objects=_FUNCTIONS,
                                    custom_objects=custom_objects,
                                    printable_module_name='activation function')


def _is_keras_layer(obj):
    if not isinstance(obj, torch.nn.Module) or 'Layer' not in _LAYER_CLASSES:
        return False
    return isinstance(obj, _LAYER_CLASSES['Layer'])


def get(identifier):
    """The activation function for ``identifier``.

    Args:
        identifier: ``None`` (gives ``linear``), a name, a serialized dict or a
            callable (returned as it is).

    Raises:
        ValueError: for an unknown name or an identifier of another type.

    Example:
        >>> get('relu') is relu
        True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        if _is_keras_layer(identifier):
            warnings.warn('Do not pass a layer instance (such as %s) as the activation '
                          'argument of another layer. Use advanced activation layers '
                          'like any other layer in a model.'
                          % identifier.__class__.__name__)
        return identifier
    raise ValueError('Could not interpret activation function identifier: %r'
                     % (identifier,))

