"""Keras 1 layers kept by Keras 2.3.1: MaxoutDense and Highway, against NumPy."""
import numpy as np
import pytest

from keras.layers import Highway, MaxoutDense
from keras.utils.test_utils import layer_test


def test_maxout_dense_matches_numpy():
    x = np.random.rand(3, 4).astype('float32')
    with pytest.warns(UserWarning, match='deprecated'):
        layer = MaxoutDense(2, nb_feature=3, input_dim=4)
    layer.build((None, 4))
    W, b = layer.get_weights()
    assert W.shape == (3, 4, 2) and b.shape == (3, 2)
    expected = (np.einsum('bi,fio->bfo', x, W) + b).max(axis=1)
    np.testing.assert_allclose(layer(__import__('torch').from_numpy(x)).detach().numpy(),
                               expected, rtol=1e-5)
    with pytest.warns(UserWarning):
        layer_test(MaxoutDense, kwargs={'output_dim': 3}, input_shape=(2, 5))


def test_highway_matches_numpy():
    import torch
    x = np.random.rand(3, 4).astype('float32')
    with pytest.warns(UserWarning):
        layer = Highway(activation='relu')
    layer.build((None, 4))
    W, W_carry, b, b_carry = layer.get_weights()
    np.testing.assert_array_equal(b_carry, np.ones(4))
    t = 1. / (1. + np.exp(-(x.dot(W_carry) + b_carry)))
    expected = np.maximum(x.dot(W) + b, 0) * t + (1 - t) * x
    np.testing.assert_allclose(layer(torch.from_numpy(x)).detach().numpy(), expected,
                               rtol=1e-5, atol=1e-6)
    with pytest.warns(UserWarning):
        layer_test(Highway, kwargs={'activation': 'tanh'}, input_shape=(2, 5))
