"""keras.initializations: Keras 1's initializer functions, and layers given them."""
import numpy as np
import pytest
import torch

from keras import backend as K
from keras import initializations
from keras.layers import Dense, SimpleRNN
from keras.models import Sequential


@pytest.mark.parametrize('name, std', [
    ('normal', 0.05), ('uniform', 0.1 / np.sqrt(12)),
    ('glorot_normal', np.sqrt(2. / (400 + 300))),
    ('glorot_uniform', np.sqrt(6. / 700) * 2 / np.sqrt(12)),
    ('he_normal', np.sqrt(2. / 400)), ('he_uniform', np.sqrt(6. / 400) * 2 / np.sqrt(12)),
    ('lecun_uniform', np.sqrt(3. / 400) * 2 / np.sqrt(12))])
def test_functions_return_variables_of_the_keras1_scale(name, std):
    torch.manual_seed(0)
    value = initializations.get(name)((400, 300), name='w')
    assert tuple(K.int_shape(value)) == (400, 300)
    np.testing.assert_allclose(K.eval(value).std(), std, rtol=0.05)


def test_fans_follow_the_dim_ordering():
    assert initializations.get_fans((32, 3, 5, 5), 'th') == (75, 800)
    assert initializations.get_fans((5, 5, 3, 32), 'tf') == (75, 800)
    with pytest.raises(ValueError, match='dim_ordering'):
        initializations.get_fans((5, 5, 3, 32), 'xy')


def test_identity_orthogonal_zero_one():
    np.testing.assert_allclose(K.eval(initializations.identity((3, 3), scale=2.)), 2 * np.eye(3))
    with pytest.raises(ValueError, match='square'):
        initializations.identity((3, 4))
    q = K.eval(initializations.orthogonal((6, 6), scale=1.))
    np.testing.assert_allclose(q.dot(q.T), np.eye(6), atol=1e-5)
    assert K.eval(initializations.zero((2,))).sum() == 0
    assert K.eval(initializations.one((2,))).sum() == 2


def test_layers_call_keras1_initializer_functions_their_way():
    """Keras 1's IRNN example: ``init=lambda shape, name: normal(shape, scale=.001,
    name=name)``, ``inner_init=lambda shape, name: identity(shape, scale=1.0, name=name)``."""
    torch.manual_seed(0)
    model = Sequential()
    model.add(SimpleRNN(50, init=lambda shape, name: initializations.normal(shape, scale=0.001,
                                                                             name=name),
                        inner_init=lambda shape, name: initializations.identity(shape, scale=1.0,
                                                                                name=name),
                        activation='relu', input_shape=(7, 40)))
    model.add(Dense(3, init=initializations.glorot_uniform))
    kernel, recurrent_kernel, _, dense_kernel, _ = model.get_weights()
    np.testing.assert_allclose(kernel.std(), 0.001, rtol=0.1)
    np.testing.assert_array_equal(recurrent_kernel, np.eye(50))
    limit = np.sqrt(6. / 53)
    assert np.abs(dense_kernel).max() <= limit and np.abs(dense_kernel).max() > limit / 2
    model.compile('rmsprop', 'mse')
    model.fit(np.random.rand(8, 7, 40), np.random.rand(8, 3), epochs=1, verbose=0)


def test_a_keras2_initializer_function_gets_the_dtype():
    seen = {}

    def init(shape, dtype=None):
        seen['dtype'] = dtype
        return torch.zeros(shape)
    Dense(2, kernel_initializer=init).build((None, 3))
    assert seen['dtype'] == torch.float32
