"""Slices with negative steps (``x[..., ::-1]``) work in layers and on symbolic
tensors, as they did on TensorFlow; torch alone refuses them."""
import numpy as np
import pytest
import torch

import keras
from keras.backend import reversed_slices
from keras.layers import Dense, Flatten, Input, Lambda
from keras.models import Model, Sequential

E = Ellipsis


@pytest.mark.parametrize('index', [
    (E, slice(None, None, -1)),
    slice(None, None, -1),
    (slice(None), slice(None, None, -2)),
    (0, slice(2, 0, -1), None, slice(None, None, -3)),
    (slice(None, None, -1), E, 1),
    (None, E, slice(3, None, -2)),
    (slice(1, None), slice(-1, -4, -1)),
    (slice(None, None, -1), [0, 2]),
])
def test_getitem_matches_numpy(index):
    x = torch.arange(24.).reshape(2, 3, 4)
    expected = x.numpy()[index]
    got = reversed_slices.getitem(x, index).numpy()
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_gradients_flow_through_a_reversed_slice():
    x = torch.arange(6., requires_grad=True)
    weights = torch.arange(3.)
    (reversed_slices.getitem(x, slice(None, None, -2)) * weights).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0., 2., 0., 1., 0., 0.])


def test_a_lambda_flipping_channels_trains_and_predicts():
    images = np.random.RandomState(0).rand(2, 3, 3, 3).astype('float32')
    flip = Lambda(lambda t: t[..., ::-1] - 0.5)
    model = Sequential([flip, Flatten(), Dense(1)])
    model.build((None, 3, 3, 3))
    inner = Model(model.inputs, model.layers[0].output)
    np.testing.assert_allclose(inner.predict(images), images[..., ::-1] - 0.5, rtol=1e-6)
    assert flip._call_modes == (reversed_slices.enabled,)
    model.compile('sgd', 'mse')
    before = model.get_weights()[0].copy()
    model.fit(images, np.ones((2, 1)), verbose=0)
    assert not np.allclose(before, model.get_weights()[0])


def test_a_symbolic_tensor_sliced_backwards():
    inp = Input((4, 3))
    model = Model(inp, inp[:, ::-1, 1:])
    x = np.arange(24.).reshape(2, 4, 3).astype('float32')
    assert model.output_shape == (None, 4, 2)
    np.testing.assert_array_equal(model.predict(x), x[:, ::-1, 1:])


def test_layers_that_do_not_slice_backwards_are_untouched():
    layer = Lambda(lambda t: t * 2)
    layer(Input((3,)))
    layer(torch.ones(1, 3))
    assert layer._call_modes == ()

    def bad(t):
        raise ValueError('some other problem')

    with pytest.raises(ValueError, match='some other problem'):
        Lambda(bad, output_shape=(3,))(torch.ones(1, 3))
