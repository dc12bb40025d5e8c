"""``compile(target_tensors=...)``: fixed targets held in variables, placeholders fed from y."""
import numpy as np
import pytest

from keras import backend as K
from keras.layers import Dense, Input
from keras.models import Model, Sequential

RNG = np.random.RandomState(3)


def _model():
    inputs = Input((3,))
    return Model(inputs, [Dense(2, name='a')(inputs), Dense(1, name='b')(inputs)])


def test_variable_targets_are_the_targets_of_every_batch():
    x = RNG.rand(6, 3).astype('float32')
    target = RNG.rand(6, 2).astype('float32')
    model = Sequential([Dense(2, input_shape=(3,), name='dense')])
    model.compile('sgd', 'mse', target_tensors=K.variable(target))
    expected = np.mean((model.predict(x) - target) ** 2)
    assert model.test_on_batch(x, None) == pytest.approx(expected, rel=1e-5)
    assert model.train_on_batch(x, None) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match='target_tensors'):
        model.train_on_batch(x, target)
    assert len(model.weights) == 2        # the target variable is not a model weight


def test_target_tensors_arguments_are_checked():
    model = _model()
    a, b = K.variable(np.zeros((4, 2))), K.variable(np.zeros((4, 1)))
    with pytest.raises(ValueError, match='one entry per model output'):
        model.compile('sgd', 'mse', target_tensors=[a])
    with pytest.raises(ValueError, match='single tensor'):
        model.compile('sgd', 'mse', target_tensors=a)
    with pytest.raises(ValueError, match='Unknown entry'):
        model.compile('sgd', 'mse', target_tensors={'c': a})
    with pytest.raises(TypeError):
        model.compile('sgd', 'mse', target_tensors=set())
    model.compile('sgd', 'mse', target_tensors={'a': a, 'b': b})
    model.train_on_batch(RNG.rand(4, 3), None, sample_weight={'a': np.ones(4)})


def test_placeholder_targets_are_fed_from_y():
    model = _model()
    model.compile('sgd', 'mse', target_tensors={'a': K.placeholder(shape=(None, 2))})
    x = RNG.rand(5, 3)
    ys = [RNG.rand(5, 2), RNG.rand(5, 1)]
    losses = model.test_on_batch(x, ys)
    pa, pb = model.predict(x)
    np.testing.assert_allclose(losses[1:], [np.mean((pa - ys[0]) ** 2),
                                            np.mean((pb - ys[1]) ** 2)], rtol=1e-5)
