"""Weight initializers (Keras 2.3.1), returning torch tensors.

An initializer is called as ``init(shape, dtype=None)`` and returns a new
CPU tensor of that shape (``dtype`` defaults to ``floatx()``).  Random
initializers given a ``seed`` draw from a ``torch.Generator`` seeded with it
and, as in Keras 2.3.1, add one to the seed after each call (so a layer
rebuilt from the same config gets the same weights).  Without a seed they
take one from NumPy's global generator, as Keras 2.3.1 did: ``np.random.seed(s)``
before building a model gives the same initial weights at every run (the
reproducibility recipe Keras 2 programs use); ``torch.manual_seed`` does not
change them.

The class names that tf.keras writes (``GlorotUniform``, ``HeNormal``, ...)
and its VarianceScaling distributions (``'truncated_normal'``,
``'untruncated_normal'``) are understood as well.
"""
import math

import numpy as np
import torch

from keras.backend import config as _config
from keras.utils.generic_utils import deserialize_keras_object
from keras.utils.generic_utils import serialize_keras_object

__all__ = ['Initializer', 'Zeros', 'Ones', 'Constant', 'RandomNormal', 'RandomUniform',
           'TruncatedNormal', 'VarianceScaling', 'Orthogonal', 'Identity',
           'GlorotUniform', 'GlorotNormal', 'HeNormal', 'HeUniform', 'LecunNormal',
           'LecunUniform', 'lecun_uniform', 'lecun_normal', 'glorot_normal',
           'glorot_uniform', 'he_normal', 'he_uniform', 'zero', 'zeros', 'one', 'ones',
           'constant', 'uniform', 'random_uniform', 'normal', 'random_normal',
           'truncated_normal', 'identity', 'orthogonal',
           'serialize', 'deserialize', 'get']

# Standard deviation of a unit normal truncated to [-2, 2]; dividing by it
# makes the truncated draw have the wanted variance (Keras 2.3.1's constant).
_TRUNCATED_STDDEV_FACTOR = .87962566103423978


def _torch_dtype(dtype):
    """``None``/``'float32'``/``np.float32``/``torch.float32`` -> torch dtype."""
    if dtype is None:
        dtype = _config.floatx()
    if isinstance(dtype, torch.dtype):
        return dtype
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name == 'bfloat16':
        return torch.bfloat16
    result = getattr(torch, np.dtype(name).name, None)
    if not isinstance(result, torch.dtype):
        raise ValueError('Unsupported dtype for an initializer: %r' % (dtype,))
    return result


def _shape_tuple(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _work_dtype(dtype):
    """Random draws happen in float32 (float64 when asked), then are cast."""
    return torch.float64 if dtype == torch.float64 else torch.float32


class Initializer(object):
    """Base class: subclasses implement ``__call__(shape, dtype=None)``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        """Build from ``get_config()`` output; a ``dtype`` key (TF 1) is ignored."""
        config = dict(config)
        config.pop('dtype', None)
        return cls(**config)

    def __repr__(self):
        args = ', '.join('%s=%r' % kv for kv in self.get_config().items())
        return '%s(%s)' % (self.__class__.__name__, args)


class _SeededInitializer(Initializer):
    """Shared seed handling: a generator per call, seed advanced afterwards."""

    def _generator(self):
        gen = torch.Generator()
        if self.seed is None:  # (Keras 2.3.1's backend draws the seed from NumPy)
            gen.manual_seed(int(np.random.randint(10e6)))
            return gen
        gen.manual_seed(int(self.seed))
        self.seed += 1
        return gen


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return torch.zeros(_shape_tuple(shape), dtype=_torch_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return torch.ones(_shape_tuple(shape), dtype=_torch_dtype(dtype))


class Constant(Initializer):
    """A constant ``value`` (a number, or an array broadcast to the shape)."""

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        dtype = _torch_dtype(dtype)
        if np.ndim(self.value) == 0:
            return torch.full(shape, float(self.value), dtype=dtype)
        values = np.broadcast_to(np.asarray(self.value, dtype='float64'), shape)
        return torch.tensor(values, dtype=dtype)

    def get_config(self):
        return {'value': self.value}


class RandomNormal(_SeededInitializer):
    """Normal distribution with ``mean`` and ``stddev``."""

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        dtype = _torch_dtype(dtype)
        x = torch.empty(_shape_tuple(shape), dtype=_work_dtype(dtype))
        x.normal_(float(self.mean), float(self.stddev), generator=self._generator())
        return x.to(dtype)

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


class RandomUniform(_SeededInitializer):
    """Uniform distribution on ``[minval, maxval)``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed

    def __call__(self, shape, dtype=None):
        dtype = _torch_dtype(dtype)
        x = torch.empty(_shape_tuple(shape), dtype=_work_dtype(dtype))
        x.uniform_(float(self.minval), float(self.maxval), generator=self._generator())
        return x.to(dtype)

    def get_config(self):
        return {'minval': self.minval, 'maxval': self.maxval, 'seed': self.seed}


def _truncated_normal(shape, mean, stddev, dtype, generator):
    """Normal draws kept within two standard deviations of the mean (as TF)."""
    x = torch.empty(shape, dtype=_work_dtype(dtype))
    mean, stddev = float(mean), float(stddev)
    torch.nn.init.trunc_normal_(x, mean, stddev, mean - 2. * stddev,
                                mean + 2. * stddev, generator=generator)
    return x.to(dtype)


class TruncatedNormal(_SeededInitializer):
    """Normal distribution cut at two standard deviations from the mean.

    This is the recommended initializer for neural network weights and filters.
    """

    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None):
        return _truncated_normal(_shape_tuple(shape), self.mean, self.stddev,
                                 _torch_dtype(dtype), self._generator())

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


_MODES = ('fan_in', 'fan_out', 'fan_avg')
_DISTRIBUTIONS = ('normal', 'uniform', 'truncated_normal', 'untruncated_normal')


class VarianceScaling(_SeededInitializer):
    """Scale the spread to the size of the weights.

    With ``n`` the fan-in, fan-out or their mean (``mode``), ``'normal'`` (and
    tf.keras's ``'truncated_normal'``) draws a normal truncated at two standard
    deviations with ``stddev = sqrt(scale / n) / .8796...``;
    ``'untruncated_normal'`` a plain normal with ``stddev = sqrt(scale / n)``;
    ``'uniform'`` a uniform on ``[-limit, limit]``, ``limit = sqrt(3 * scale / n)``.

    Raises:
        ValueError: for ``scale <= 0``, an unknown ``mode`` or ``distribution``.
    """

    def __init__(self, scale=1.0, mode='fan_in', distribution='normal', seed=None):
        if scale <= 0.:
            raise ValueError('`scale` must be a positive float. Got: %r' % (scale,))
        mode = str(mode).lower()
        if mode not in _MODES:
            raise ValueError('Invalid `mode` argument: expected one of %s but got %r.'
                             % (', '.join(_MODES), mode))
        distribution = str(distribution).lower()
        if distribution not in _DISTRIBUTIONS:
            raise ValueError('Invalid `distribution` argument: expected one of %s but '
                             'got %r.' % (', '.join(_DISTRIBUTIONS), distribution))
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        dtype = _torch_dtype(dtype)
        fan_in, fan_out = _compute_fans(shape)
        if self.mode == 'fan_in':
            scale = self.scale / max(1., fan_in)
        elif self.mode == 'fan_out':
            scale = self.scale / max(1., fan_out)
        else:
            scale = self.scale / max(1., float(fan_in + fan_out) / 2)
        generator = self._generator()
        if self.distribution in ('normal', 'truncated_normal'):
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV_FACTOR
            return _truncated_normal(shape, 0., stddev, dtype, generator)
        x = torch.empty(shape, dtype=_work_dtype(dtype))
        if self.distribution == 'untruncated_normal':
            x.normal_(0., math.sqrt(scale), generator=generator)
        else:
            limit = math.sqrt(3. * scale)
            x.uniform_(-limit, limit, generator=generator)
        return x.to(dtype)

    def get_config(self):
        return {'scale': self.scale, 'mode': self.mode,
                'distribution': self.distribution, 'seed': self.seed}


class Orthogonal(_SeededInitializer):
    """A random orthogonal matrix times ``gain``.

    The shape is flattened to ``(prod(shape[:-1]), shape[-1])``; the matrix
    comes from the QR decomposition of a normal matrix, with the signs fixed
    so that the result is uniformly distributed, then reshaped back.
    """

    def __init__(self, gain=1., seed=None):
        self.gain = gain
        self.seed = seed

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        dtype = _torch_dtype(dtype)
        if len(shape) < 2:
            raise ValueError('The Orthogonal initializer needs a shape of at least 2 '
                             'dimensions; got %s.' % (shape,))
        num_rows = int(np.prod(shape[:-1]))
        num_cols = shape[-1]
        # QR needs a tall matrix: work on the transpose when it is wide.
        tall = (max(num_rows, num_cols), min(num_rows, num_cols))
        a = torch.empty(tall, dtype=_work_dtype(dtype))
        a.normal_(0., 1., generator=self._generator())
        q, r = torch.linalg.qr(a)
        q = q * torch.sign(torch.diagonal(r))
        if num_rows < num_cols:
            q = q.t()
        return (float(self.gain) * q.reshape(shape)).to(dtype).contiguous()

    def get_config(self):
        return {'gain': self.gain, 'seed': self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only, may be non-square)."""

    def __init__(self, gain=1.):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape_tuple(shape)
        if len(shape) != 2:
            raise ValueError('Identity matrix initializer can only be used for 2D '
                             'matrices; got shape %s.' % (shape,))
        return float(self.gain) * torch.eye(shape[0], shape[1], dtype=_torch_dtype(dtype))

    def get_config(self):
        return {'gain': self.gain}


class _NamedVarianceScaling(VarianceScaling):
    """tf.keras's fixed VarianceScaling variants: their config is the seed."""
    _args = None  # (scale, mode, distribution)

    def __init__(self, seed=None):
        scale, mode, distribution = self._args
        super(_NamedVarianceScaling, self).__init__(scale, mode, distribution, seed)

    def get_config(self):
        return {'seed': self.seed}


class GlorotUniform(_NamedVarianceScaling):
    """Uniform with ``limit = sqrt(6 / (fan_in + fan_out))``."""
    _args = (1., 'fan_avg', 'uniform')


class GlorotNormal(_NamedVarianceScaling):
    """Truncated normal with ``stddev ~ sqrt(2 / (fan_in + fan_out))``."""
    _args = (1., 'fan_avg', 'truncated_normal')


class HeNormal(_NamedVarianceScaling):
    """Truncated normal with ``stddev ~ sqrt(2 / fan_in)``."""
    _args = (2., 'fan_in', 'truncated_normal')


class HeUniform(_NamedVarianceScaling):
    """Uniform with ``limit = sqrt(6 / fan_in)``."""
    _args = (2., 'fan_in', 'uniform')


class LecunNormal(_NamedVarianceScaling):
    """Truncated normal with ``stddev ~ sqrt(1 / fan_in)``."""
    _args = (1., 'fan_in', 'truncated_normal')


class LecunUniform(_NamedVarianceScaling):
    """Uniform with ``limit = sqrt(3 / fan_in)``."""
    _args = (1., 'fan_in', 'uniform')


def lecun_uniform(seed=None):
    """LeCun uniform: ``VarianceScaling(1., 'fan_in', 'uniform')``."""
    return VarianceScaling(scale=1., mode='fan_in', distribution='uniform', seed=seed)


def lecun_normal(seed=None):
    """LeCun normal: ``VarianceScaling(1., 'fan_in', 'normal')``."""
    return VarianceScaling(scale=1., mode='fan_in', distribution='normal', seed=seed)


def glorot_normal(seed=None):
    """Glorot (Xavier) normal: ``VarianceScaling(1., 'fan_avg', 'normal')``."""
    return VarianceScaling(scale=1., mode='fan_avg', distribution='normal', seed=seed)


def glorot_uniform(seed=None):
    """Glorot (Xavier) uniform: ``VarianceScaling(1., 'fan_avg', 'uniform')``."""
    return VarianceScaling(scale=1., mode='fan_avg', distribution='uniform', seed=seed)


def he_normal(seed=None):
    """He normal: ``VarianceScaling(2., 'fan_in', 'normal')``."""
    return VarianceScaling(scale=2., mode='fan_in', distribution='normal', seed=seed)


def he_uniform(seed=None):
    """He uniform: ``VarianceScaling(2., 'fan_in', 'uniform')``."""
    return VarianceScaling(scale=2., mode='fan_in', distribution='uniform', seed=seed)


# Short names, as in Keras 2.3.1.
zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
identity = Identity
orthogonal = Orthogonal


def _compute_fans(shape, data_format='channels_last'):
    """``(fan_in, fan_out)`` of a weight shape, as Keras 2.3.1 computes them.

    2-D ``(in, out)``; 3- to 5-D convolution kernels multiply by the receptive
    field (``channels_last``: ``(..., in, out)``; ``channels_first``:
    ``(out, in, ...)``); any other rank uses ``sqrt(prod(shape))`` for both.
    """
    shape = _shape_tuple(shape)
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (3, 4, 5):
        if data_format == 'channels_first':
            receptive_field_size = int(np.prod(shape[2:]))
            return shape[1] * receptive_field_size, shape[0] * receptive_field_size
        if data_format == 'channels_last':
            receptive_field_size = int(np.prod(shape[:-2]))
            return shape[-2] * receptive_field_size, shape[-1] * receptive_field_size
        raise ValueError('Invalid data_format: %r' % (data_format,))
    fan = math.sqrt(float(np.prod(shape)))
    return fan, fan


_OBJECTS = {name: globals()[name] for name in __all__
            if name not in ('serialize', 'deserialize', 'get', 'Initializer')}


def serialize(initializer):
    """``{'class_name': ..., 'config': ...}`` of an initializer."""
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """Build an initializer from ``serialize`` output (Keras 2 or tf.keras).

    Extra keys tf.keras writes (``module``, ``registered_name``) are ignored.

    Raises:
        ValueError: for an unknown class name; the message lists the known ones.
    """
    return deserialize_keras_object(config, module_objects=_OBJECTS,
                                    custom_objects=custom_objects,
                                    printable_module_name='initializer')


def get(identifier):
    """The initializer for a name, a serialized dict, a class or a callable.

    Example:
        >>> get('glorot_uniform').get_config()['mode']
        'fan_avg'
    """
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret initializer identifier: %r' % (identifier,))
