"""Keras 1's ``keras.initializations``: initializer *functions*.

Keras 2 renamed the module ``keras.initializers`` and made initializers
objects called as ``init(shape, dtype=None)``.  Keras 1 programs import
functions from here, called as ``fn(shape, name=None, dim_ordering='th')``
(with a ``scale`` for some), each returning a new variable, and pass them,
or lambdas around them, as a layer's ``init=``::

    from keras.initializations import normal, identity
    SimpleRNN(100, init=lambda shape, name: normal(shape, scale=0.001, name=name),
              inner_init=lambda shape, name: identity(shape, scale=1.0, name=name))

A layer calls such a function the Keras 1 way (see
``keras.engine.layer_weights``), telling it that kernels are laid out
channels-last (``dim_ordering='tf'``), which is how Keras 2 layers store them.
"""
import numpy as np

from keras import initializers
from keras.backend import variables as K_variables
from keras.utils.generic_utils import deserialize_keras_object

__all__ = ['get_fans', 'uniform', 'normal', 'lecun_uniform', 'glorot_normal', 'glorot_uniform',
           'he_normal', 'he_uniform', 'orthogonal', 'identity', 'zero', 'one', 'get']


def get_fans(shape, dim_ordering='th'):
    """``(fan_in, fan_out)`` of a weight shape; convolution kernels are
    ``(out, in, rows, cols...)`` for ``'th'`` and ``(rows, cols..., in, out)``
    for ``'tf'``."""
    shape = tuple(shape)
    if len(shape) in (4, 5) and dim_ordering not in ('th', 'tf'):
        raise ValueError('Invalid dim_ordering: %r (expected "th" or "tf").' % (dim_ordering,))
    data_format = 'channels_first' if dim_ordering == 'th' else 'channels_last'
    if len(shape) == 3:  # (Keras 1 treated 3-D shapes as "no specific assumptions")
        fan = np.sqrt(np.prod(shape))
        return fan, fan
    return initializers._compute_fans(shape, data_format)


def _variable(value, name):
    return K_variables.variable(value, name=name)


def uniform(shape, scale=0.05, name=None, dim_ordering='th'):
    """U(-scale, scale)."""
    return _variable(initializers.RandomUniform(-scale, scale)(shape), name)


def normal(shape, scale=0.05, name=None, dim_ordering='th'):
    """N(0, scale**2)."""
    return _variable(initializers.RandomNormal(0., scale)(shape), name)


def lecun_uniform(shape, name=None, dim_ordering='th'):
    fan_in, _ = get_fans(shape, dim_ordering)
    return uniform(shape, np.sqrt(3. / fan_in), name=name)


def glorot_normal(shape, name=None, dim_ordering='th'):
    fan_in, fan_out = get_fans(shape, dim_ordering)
    return normal(shape, np.sqrt(2. / (fan_in + fan_out)), name=name)


def glorot_uniform(shape, name=None, dim_ordering='th'):
    fan_in, fan_out = get_fans(shape, dim_ordering)
    return uniform(shape, np.sqrt(6. / (fan_in + fan_out)), name=name)


def he_normal(shape, name=None, dim_ordering='th'):
    fan_in, _ = get_fans(shape, dim_ordering)
    return normal(shape, np.sqrt(2. / fan_in), name=name)


def he_uniform(shape, name=None, dim_ordering='th'):
    fan_in, _ = get_fans(shape, dim_ordering)
    return uniform(shape, np.sqrt(6. / fan_in), name=name)


def orthogonal(shape, scale=1.1, name=None, dim_ordering='th'):
    """``scale`` times a random orthogonal matrix (flattened after the first axis)."""
    shape = tuple(shape)
    flat = (shape[0], int(np.prod(shape[1:])))
    a = initializers.RandomNormal(0., 1.)(flat).double().numpy()
    u, _, v = np.linalg.svd(a, full_matrices=False)
    q = u if u.shape == flat else v
    return _variable((scale * q.reshape(shape)).astype('float32'), name)


def identity(shape, scale=1, name=None, dim_ordering='th'):
    """``scale`` times the identity (square 2-D shapes only, as in Keras 1)."""
    shape = tuple(shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError('Identity matrix initialization can only be used for 2D square '
                         'matrices; got shape %s.' % (shape,))
    return _variable(scale * np.identity(shape[0], dtype='float32'), name)


def zero(shape, name=None, dim_ordering='th'):
    return _variable(np.zeros(shape, dtype='float32'), name)


def one(shape, name=None, dim_ordering='th'):
    return _variable(np.ones(shape, dtype='float32'), name)


def get(identifier, **kwargs):
    """The function of that name (``'glorot_uniform'``...), or ``identifier``
    itself when it is callable."""
    if callable(identifier):
        return identifier
    return deserialize_keras_object(identifier, module_objects=_FUNCTIONS,
                                    printable_module_name='initialization')


_FUNCTIONS = {name: globals()[name] for name in __all__ if name not in ('get', 'get_fans')}
