"""Noise layers, active only in training: GaussianNoise, GaussianDropout,
AlphaDropout (Keras 2.3.1 formulas)."""
import math

import torch

from keras.backend import session as K_session
from keras.engine.base_layer import Layer
from keras.layers import _arguments
from keras.legacy.interfaces import convert_kwargs

__all__ = ['GaussianNoise', 'GaussianDropout', 'AlphaDropout']

# SELU constants (Klambauer et al., 2017).
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _in_training(training):
    if training is None:
        training = K_session.learning_phase()
    return bool(training)


class _Noise(Layer):
    """Shape- and mask-preserving layer drawing noise from a per-layer
    generator when ``seed`` is given (the global one otherwise)."""

    def __init__(self, seed=None, **kwargs):
        super(_Noise, self).__init__(**kwargs)
        self.supports_masking = True
        self.seed = seed
        self._generator = None

    @property
    def uses_learning_phase(self):
        """Noise in training only: for the dropouts, when ``0 < rate < 1``."""
        rate = getattr(self, 'rate', None)
        return rate is None or 0. < rate < 1.

    def _rng(self, device):
        if self.seed is None:
            return None
        if self._generator is None or self._generator.device != device:
            self._generator = torch.Generator(device=device)
            self._generator.manual_seed(int(self.seed))
        return self._generator

    def _normal(self, x, shape=None):
        shape = tuple(x.shape) if shape is None else shape
        return torch.randn(shape, dtype=x.dtype, device=x.device, generator=self._rng(x.device))

    def _uniform(self, x, shape):
        return torch.rand(shape, dtype=x.dtype, device=x.device, generator=self._rng(x.device))

    def compute_output_shape(self, input_shape):
        return input_shape

    def _config(self, config):
        base = Layer.get_config(self)
        return dict(list(base.items()) + list(config.items()))


class GaussianNoise(_Noise):
    """Adds zero-centered Gaussian noise of standard deviation ``stddev`` in training.

    Args:
        stddev: standard deviation of the noise.
    """

    def __init__(self, stddev=None, **kwargs):
        convert_kwargs('GaussianNoise', kwargs, {'sigma': 'stddev'})
        if stddev is None:
            stddev = kwargs.pop('stddev', None)
        if stddev is None:
            raise TypeError('GaussianNoise requires `stddev` (the noise standard deviation).')
        super(GaussianNoise, self).__init__(**kwargs)
        _arguments.real(self, 'stddev', stddev)
        self.stddev = stddev

    def call(self, inputs, training=None):
        if not _in_training(training):
            return inputs
        return inputs + self._normal(inputs) * self.stddev

    def get_config(self):
        return self._config({'stddev': self.stddev})


class GaussianDropout(_Noise):
    """Multiplies by 1-centered Gaussian noise of standard deviation
    ``sqrt(rate / (1 - rate))`` in training.

    Args:
        rate: drop probability, as with ``Dropout``.
    """

    def __init__(self, rate=None, **kwargs):
        convert_kwargs('GaussianDropout', kwargs, {'p': 'rate'})
        if rate is None:
            rate = kwargs.pop('rate', None)
        if rate is None:
            raise TypeError('GaussianDropout requires `rate` (the drop probability).')
        super(GaussianDropout, self).__init__(**kwargs)
        _arguments.fraction(self, 'rate', rate)
        self.rate = rate

    def call(self, inputs, training=None):
        if not 0 < self.rate < 1 or not _in_training(training):
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * (self._normal(inputs) * stddev + 1.0)

    def get_config(self):
        return self._config({'rate': self.rate})


class AlphaDropout(_Noise):
    """Dropout that keeps the mean and variance of SELU activations.

    Dropped units are set to SELU's negative saturation ``-alpha * scale``; the
    result is then scaled and shifted by ``a * x + b`` with
    ``a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5`` and
    ``b = -a * alpha_p * rate``.

    Args:
        rate: drop probability.
        noise_shape: shape of the keep/drop mask (``None`` entries follow the input).
        seed: random seed.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super(AlphaDropout, self).__init__(seed=seed, **kwargs)
        _arguments.fraction(self, 'rate', rate)
        self.rate = rate
        self.noise_shape = noise_shape

    def _get_noise_shape(self, inputs):
        if not self.noise_shape:
            return tuple(inputs.shape)
        return tuple(inputs.shape[i] if d is None else int(d)
                     for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=None):
        if not 0. < self.rate < 1. or not _in_training(training):
            return inputs
        rate = self.rate
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        kept = (self._uniform(inputs, self._get_noise_shape(inputs)) >= rate).to(inputs.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        x = inputs * kept + alpha_p * (1 - kept)
        return a * x + b

    def get_config(self):
        return self._config({'rate': self.rate})
