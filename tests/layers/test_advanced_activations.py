"""Advanced activation layers against NumPy formulas (Keras 2.3.1)."""
import warnings

import numpy as np
import pytest
import torch

from keras.layers import advanced_activations as aa
from keras.utils.test_utils import layer_test


def _x(shape=(3, 4, 5), seed=0):
    x = np.random.RandomState(seed).uniform(-3, 3, size=shape).astype('float32')
    x.flat[:4] = [0., 1., -1., 6.]
    return x


def _apply(layer, x):
    return layer(torch.from_numpy(x)).detach().numpy()


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize('cls, kwargs, reference', [
    (aa.LeakyReLU, {}, lambda x: np.where(x >= 0, x, 0.3 * x)),
    (aa.LeakyReLU, {'alpha': 0.2}, lambda x: np.where(x >= 0, x, 0.2 * x)),
    (aa.ELU, {}, lambda x: np.where(x > 0, x, np.exp(x) - 1.)),
    (aa.ELU, {'alpha': 0.5}, lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1.))),
    (aa.ThresholdedReLU, {}, lambda x: np.where(x > 1., x, 0.)),
    (aa.ThresholdedReLU, {'theta': 0.5}, lambda x: np.where(x > 0.5, x, 0.)),
    (aa.Softmax, {}, lambda x: _np_softmax(x, -1)),
    (aa.Softmax, {'axis': 1}, lambda x: _np_softmax(x, 1)),
    (aa.ReLU, {}, lambda x: np.maximum(x, 0.)),
    (aa.ReLU, {'max_value': 2.5}, lambda x: np.clip(x, 0., 2.5)),
    (aa.ReLU, {'negative_slope': 0.1}, lambda x: np.where(x >= 0, x, 0.1 * x)),
    (aa.ReLU, {'threshold': 1.5}, lambda x: np.where(x >= 1.5, x, 0.)),
    (aa.ReLU, {'max_value': 6., 'negative_slope': 0.2, 'threshold': 0.5},
     lambda x: np.where(x >= 6., 6., np.where(x >= 0.5, x, 0.2 * (x - 0.5)))),
])
def test_formula_and_layer_test(cls, kwargs, reference):
    x = _x()
    np.testing.assert_allclose(_apply(cls(**kwargs), x), reference(x), rtol=1e-5, atol=1e-6)
    layer_test(cls, kwargs=kwargs, input_shape=(2, 3, 4))


def test_softmax_2d_uses_last_axis_as_keras_2_3_1():
    x = _x((3, 4))
    np.testing.assert_allclose(_apply(aa.Softmax(axis=0), x), _np_softmax(x, -1), rtol=1e-5)


def test_prelu_alpha_shape_and_formula():
    x = _x((2, 3, 4, 5))
    layer = aa.PReLU(shared_axes=[1, 2])
    layer.build(x.shape)
    assert tuple(layer.alpha.shape) == (1, 1, 5)
    alpha = np.random.RandomState(1).uniform(0, 1, size=(1, 1, 5)).astype('float32')
    layer.set_weights([alpha])
    np.testing.assert_allclose(_apply(layer, x), np.where(x >= 0, x, alpha * x), rtol=1e-6)
    full = aa.PReLU()
    full.build((None, 3, 4))
    assert tuple(full.alpha.shape) == (3, 4)
    assert full.input_spec.ndim == 3


@pytest.mark.parametrize('kwargs', [{}, {'shared_axes': 1}, {'shared_axes': [1, 2]},
                                    {'alpha_initializer': 'ones'}])
def test_prelu_layer_test(kwargs):
    layer_test(aa.PReLU, kwargs=kwargs, input_shape=(2, 3, 4))


def test_prelu_keras1_init_and_config():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = aa.PReLU(init='ones', name='p')
    assert len(caught) == 1 and 'alpha_initializer' in str(caught[0].message)
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.get_weights()[0], [1., 1.])
    config = aa.PReLU(shared_axes=(1, 2), name='p').get_config()
    assert sorted(config) == sorted(['name', 'trainable', 'dtype', 'alpha_initializer',
                                     'alpha_regularizer', 'alpha_constraint', 'shared_axes'])
    assert config['shared_axes'] == [1, 2]


def test_prelu_shared_axis_out_of_range():
    with pytest.raises(ValueError, match='shared axis'):
        aa.PReLU(shared_axes=[3]).build((None, 2, 3))


def test_configs_hold_float32_rounded_floats():
    config = aa.LeakyReLU(alpha=0.2, name='l').get_config()
    assert config == {'name': 'l', 'trainable': True, 'dtype': 'float32',
                      'alpha': 0.20000000298023224}
    assert aa.ELU(alpha=0.5).get_config()['alpha'] == 0.5
    assert aa.ThresholdedReLU(theta=2.).get_config()['theta'] == 2.
    assert aa.Softmax(axis=1).get_config()['axis'] == 1
    relu = aa.ReLU(max_value=6).get_config()
    assert relu['max_value'] == 6. and relu['negative_slope'] == 0. and relu['threshold'] == 0.
    assert aa.ReLU().get_config()['max_value'] is None
    assert isinstance(relu['max_value'], float)


def test_relu_errors():
    with pytest.raises(ValueError, match='max_value'):
        aa.ReLU(max_value=-1.)
    with pytest.raises(ValueError, match='negative_slope'):
        aa.ReLU(negative_slope=-0.1)


def test_masks_pass_through():
    for layer in (aa.LeakyReLU(), aa.PReLU(), aa.ELU(), aa.ThresholdedReLU(), aa.Softmax(),
                  aa.ReLU()):
        assert layer.supports_masking
