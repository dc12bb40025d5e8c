"""keras.activations against NumPy formulas."""
import warnings

import numpy as np
import pytest
import torch

from keras import activations
from keras.utils.generic_utils import CustomObjectScope

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _x(shape=(4, 7), seed=0):
    return np.random.RandomState(seed).uniform(-4, 4, size=shape).astype('float32')


def _apply(fn, x, **kwargs):
    return fn(torch.from_numpy(x), **kwargs).numpy()


def _np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_sigmoid(x):
    return 1. / (1. + np.exp(-x))


ELEMENTWISE = [
    ('tanh', np.tanh),
    ('sigmoid', _np_sigmoid),
    ('softplus', lambda x: np.log(np.exp(x) + 1.)),
    ('softsign', lambda x: x / (np.abs(x) + 1.)),
    ('hard_sigmoid', lambda x: np.clip(0.2 * x + 0.5, 0., 1.)),
    ('exponential', np.exp),
    ('linear', lambda x: x),
    ('elu', lambda x: np.where(x > 0, x, np.exp(x) - 1.)),
    ('selu', lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1.))),
    ('relu', lambda x: np.maximum(x, 0.)),
    ('swish', lambda x: x * _np_sigmoid(x)),
    ('relu6', lambda x: np.clip(x, 0., 6.)),
]


@pytest.mark.parametrize('name,reference', ELEMENTWISE, ids=[n for n, _ in ELEMENTWISE])
def test_elementwise_matches_numpy(name, reference):
    x = _x((3, 5, 4))
    fn = activations.get(name)
    np.testing.assert_allclose(_apply(fn, x), reference(x.astype('float64')),
                               rtol=1e-5, atol=1e-6)


def test_hard_sigmoid_saturates():
    x = np.array([[-3., -2.5, 0., 2.5, 3.]], dtype='float32')
    np.testing.assert_allclose(_apply(activations.hard_sigmoid, x),
                               [[0., 0., 0.5, 1., 1.]], atol=1e-7)


def test_elu_alpha():
    x = _x()
    expected = np.where(x > 0, x, 0.5 * (np.exp(x) - 1.))
    np.testing.assert_allclose(_apply(activations.elu, x, alpha=0.5), expected, rtol=1e-5,
                               atol=1e-6)


def _np_relu(x, alpha=0., max_value=None, threshold=0.):
    """Keras 2.3.1's documented rule."""
    y = np.where(x >= threshold, x, alpha * (x - threshold))
    if max_value is not None:
        y = np.where(x >= max_value, max_value, y)
    return y


@pytest.mark.parametrize('kwargs', [
    {}, {'alpha': 0.3}, {'max_value': 6.}, {'max_value': 2.5},
    {'threshold': 1.}, {'alpha': 0.1, 'max_value': 3., 'threshold': 0.5},
    {'alpha': 0.2, 'threshold': -1.}, {'alpha': 0.2, 'max_value': 6},
])
def test_relu_variants(kwargs):
    x = _x((6, 9))
    np.testing.assert_allclose(_apply(activations.relu, x, **kwargs),
                               _np_relu(x.astype('float64'), **kwargs), rtol=1e-6, atol=1e-6)


def test_softmax_2d_3d():
    x2 = _x((5, 6))
    out = _apply(activations.softmax, x2)
    np.testing.assert_allclose(out, _np_softmax(x2), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(out.sum(axis=-1), np.ones(5), rtol=1e-5)
    x3 = _x((2, 3, 4))
    np.testing.assert_allclose(_apply(activations.softmax, x3), _np_softmax(x3),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_apply(activations.softmax, x3, axis=1),
                               _np_softmax(x3, axis=1), rtol=1e-5, atol=1e-7)


def test_softmax_2d_uses_last_axis_like_keras_231():
    x2 = _x((3, 4))
    np.testing.assert_allclose(_apply(activations.softmax, x2, axis=0), _np_softmax(x2),
                               rtol=1e-5, atol=1e-7)


def test_softmax_1d_raises():
    with pytest.raises(ValueError, match='1D'):
        activations.softmax(torch.ones(3))


def test_activations_are_differentiable():
    for name in ('relu', 'elu', 'selu', 'softmax', 'sigmoid', 'tanh', 'hard_sigmoid',
                 'softplus', 'softsign', 'exponential', 'linear'):
        x = torch.tensor(_x((2, 3)), requires_grad=True)
        activations.get(name)(x).sum().backward()
        assert x.grad is not None and torch.isfinite(x.grad).all(), name
    x = torch.tensor([[-1., 0.5, 2.]], requires_grad=True)
    activations.relu(x, alpha=0.1, max_value=1.).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.1, 1., 0.]])


def test_get_none_callable_and_name():
    assert activations.get(None) is activations.linear
    assert activations.get('relu') is activations.relu
    assert activations.get(activations.softmax) is activations.softmax
    fn = lambda x: x * 2  # noqa: E731
    assert activations.get(fn) is fn


def test_get_unknown_lists_known_names():
    with pytest.raises(ValueError) as err:
        activations.get('not_an_activation')
    assert 'not_an_activation' in str(err.value)
    assert 'relu' in str(err.value) and 'softmax' in str(err.value)


def test_get_bad_type():
    with pytest.raises(ValueError):
        activations.get(3)


def test_get_only_activation_names():
    with pytest.raises(ValueError):
        activations.get('torch')
    with pytest.raises(ValueError):
        activations.get('deserialize_keras_object')


def test_serialize_deserialize_round_trip():
    for name in ('relu', 'softmax', 'linear', 'hard_sigmoid', 'selu', 'exponential'):
        fn = activations.get(name)
        assert activations.serialize(fn) == name
        assert activations.deserialize(name) is fn


def test_dict_identifiers():
    assert activations.get({'class_name': 'relu', 'config': {}}) is activations.relu
    tfk = {'module': 'keras.activations', 'class_name': 'function', 'config': 'tanh',
           'registered_name': 'tanh'}
    assert activations.get(tfk) is activations.tanh


def test_custom_objects():
    def my_act(x):
        return x + 1

    assert activations.deserialize('my_act', custom_objects={'my_act': my_act}) is my_act
    with CustomObjectScope({'my_act': my_act}):
        assert activations.get('my_act') is my_act
    assert activations.serialize(my_act) == 'my_act'


def test_no_warning_for_plain_function():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        activations.get(activations.relu)


def test_float64_and_dtype_preserved():
    x = torch.tensor(_x((2, 3)).astype('float64'))
    for name in ('relu', 'hard_sigmoid', 'selu', 'softmax'):
        assert activations.get(name)(x).dtype == torch.float64


def test_advanced_activation_layers_by_dict(monkeypatch):
    """tf.keras may store an advanced-activation layer as an activation."""

    class LeakyReLU(torch.nn.Module):
        def __init__(self, alpha=0.3):
            super(LeakyReLU, self).__init__()
            self.alpha = alpha

        @classmethod
        def from_config(cls, config):
            return cls(**config)

        def get_config(self):
            return {'alpha': self.alpha}

    monkeypatch.setattr(activations, '_advanced_activation_layers',
                        lambda: {'LeakyReLU': LeakyReLU})
    layer = activations.get({'class_name': 'LeakyReLU', 'config': {'alpha': 0.1}})
    assert isinstance(layer, LeakyReLU) and layer.alpha == 0.1
    assert isinstance(activations.get('LeakyReLU'), LeakyReLU)
    assert activations.serialize(layer) == {'class_name': 'LeakyReLU',
                                            'config': {'alpha': 0.1}}
    # plain function names still win
    assert activations.get('relu') is activations.relu
