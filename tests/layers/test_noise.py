"""Noise layers: identity at test time, Keras 2.3.1 noise formulas in training."""
import warnings

import numpy as np
import pytest
import torch

from keras.backend import session as K_session
from keras.layers import noise
from keras.utils.test_utils import layer_test

ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def _x(shape=(100, 200), seed=0):
    return torch.from_numpy(np.random.RandomState(seed).uniform(1, 2, size=shape)
                            .astype('float32'))


@pytest.mark.parametrize('cls, kwargs', [(noise.GaussianNoise, {'stddev': 0.5}),
                                         (noise.GaussianDropout, {'rate': 0.3}),
                                         (noise.AlphaDropout, {'rate': 0.3}),
                                         (noise.AlphaDropout, {'rate': 0.3, 'seed': 3})])
def test_identity_at_test_time(cls, kwargs):
    layer_test(cls, kwargs=kwargs, input_shape=(2, 3, 4))
    x = _x((4, 5))
    torch.testing.assert_close(cls(**kwargs)(x, training=False), x)
    with K_session.learning_phase_scope(0):
        torch.testing.assert_close(cls(**kwargs)(x), x)


def test_gaussian_noise_statistics():
    x = _x()
    with K_session.learning_phase_scope(1):
        diff = (noise.GaussianNoise(0.5)(x) - x).numpy()
    assert abs(diff.mean()) < 0.02
    assert abs(diff.std() - 0.5) < 0.02


def test_gaussian_dropout_statistics():
    x = _x()
    rate = 0.3
    factor = (noise.GaussianDropout(rate)(x, training=True) / x).numpy()
    assert abs(factor.mean() - 1.) < 0.02
    assert abs(factor.std() - np.sqrt(rate / (1 - rate))) < 0.02
    torch.testing.assert_close(noise.GaussianDropout(0.)(x, training=True), x)
    torch.testing.assert_close(noise.GaussianDropout(1.)(x, training=True), x)


def test_alpha_dropout_formula():
    x = _x()
    rate = 0.2
    out = noise.AlphaDropout(rate)(x, training=True).numpy()
    a = ((1 - rate) * (1 + rate * ALPHA_P ** 2)) ** -0.5
    b = -a * ALPHA_P * rate
    kept = np.isclose(out, a * x.numpy() + b, rtol=1e-6)
    dropped = np.isclose(out, a * ALPHA_P + b, rtol=1e-6)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - rate) < 0.01
    torch.testing.assert_close(noise.AlphaDropout(0.)(x, training=True), x)


def test_alpha_dropout_keeps_selu_statistics():
    z = torch.from_numpy(np.random.RandomState(0).normal(size=(200, 500)).astype('float32'))
    y = torch.selu(z)
    out = noise.AlphaDropout(0.1)(y, training=True).numpy()
    assert abs(out.mean() - y.numpy().mean()) < 0.02
    assert abs(out.std() - y.numpy().std()) < 0.02


def test_alpha_dropout_noise_shape_and_seed():
    x = _x((4, 50, 6))
    layer = noise.AlphaDropout(0.5, noise_shape=(None, 1, 6), seed=7)
    out = layer(x, training=True).numpy()
    a = ((1 - 0.5) * (1 + 0.5 * ALPHA_P ** 2)) ** -0.5
    dropped = np.isclose(out, a * ALPHA_P + -a * ALPHA_P * 0.5)
    assert np.all(dropped == dropped[:, :1, :])  # same mask at every step
    again = noise.AlphaDropout(0.5, noise_shape=(None, 1, 6), seed=7)(x, training=True)
    np.testing.assert_array_equal(out, again.numpy())


def test_seeded_gaussian_layers_repeat():
    x = _x((3, 4))
    a = noise.GaussianNoise(1., seed=5)(x, training=True)
    b = noise.GaussianNoise(1., seed=5)(x, training=True)
    torch.testing.assert_close(a, b)


def test_configs_and_keras1_names():
    assert noise.GaussianNoise(0.1, name='g').get_config() == {
        'name': 'g', 'trainable': True, 'dtype': 'float32', 'stddev': 0.1}
    assert noise.GaussianDropout(0.2).get_config()['rate'] == 0.2
    assert noise.AlphaDropout(0.2, seed=1).get_config()['rate'] == 0.2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert noise.GaussianNoise(sigma=0.3).stddev == 0.3
        assert noise.GaussianDropout(p=0.4).rate == 0.4
    assert len(caught) == 2
    with pytest.raises(TypeError):
        noise.GaussianNoise()
