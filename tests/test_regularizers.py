"""keras.regularizers against NumPy formulas."""
import json

import numpy as np
import pytest
import torch

from keras import regularizers


def _w(shape=(5, 4), seed=0):
    return np.random.RandomState(seed).normal(size=shape).astype('float32')


def _f32(v):
    return float(np.float32(v))


def _np_penalty(w, l1=0., l2=0.):
    w = w.astype('float64')
    return _f32(l1) * np.abs(w).sum() + _f32(l2) * np.square(w).sum()


@pytest.mark.parametrize('make,l1,l2', [
    (lambda: regularizers.L1L2(l1=0.1, l2=0.2), 0.1, 0.2),
    (lambda: regularizers.l1(0.3), 0.3, 0.),
    (lambda: regularizers.l2(0.05), 0., 0.05),
    (lambda: regularizers.l1_l2(), 0.01, 0.01),
    (lambda: regularizers.L1(0.02), 0.02, 0.),
    (lambda: regularizers.L2(), 0., 0.01),
    (lambda: regularizers.get('l2'), 0., 0.01),
    (lambda: regularizers.get('l1_l2'), 0.01, 0.01),
])
def test_penalty_matches_numpy(make, l1, l2):
    w = _w()
    value = make()(torch.from_numpy(w))
    assert isinstance(value, torch.Tensor) and value.dim() == 0
    np.testing.assert_allclose(value.item(), _np_penalty(w, l1, l2), rtol=1e-5)


def test_zero_penalty_is_a_tensor():
    value = regularizers.L1L2()(torch.ones(3, 2))
    assert isinstance(value, torch.Tensor) and value.item() == 0.
    assert regularizers.Regularizer()(torch.ones(2)).item() == 0.


def test_penalty_is_differentiable():
    w = torch.tensor(_w((3, 3)), requires_grad=True)
    regularizers.L1L2(l1=0.1, l2=0.2)(w).backward()
    expected = _f32(0.1) * np.sign(w.detach().numpy()) + 2 * _f32(0.2) * w.detach().numpy()
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-5)


def test_config_is_float32_rounded_like_keras():
    assert regularizers.l2(0.01).get_config() == {'l1': 0., 'l2': _f32(0.01)}
    assert regularizers.L2(0.01).get_config() == {'l2': 0.009999999776482582}
    assert regularizers.L1(0.5).get_config() == {'l1': 0.5}


@pytest.mark.parametrize('reg', [regularizers.L1L2(0.1, 0.2), regularizers.L1(0.3),
                                 regularizers.L2(0.4)])
def test_round_trip(reg):
    config = json.loads(json.dumps(regularizers.serialize(reg)))
    clone = regularizers.deserialize(config)
    assert type(clone) is type(reg)
    assert clone.get_config() == reg.get_config()


def test_tf_keras_and_keras1_dicts():
    reg = regularizers.get({'module': 'keras.regularizers', 'class_name': 'L2',
                            'config': {'l2': 0.01}, 'registered_name': None})
    assert isinstance(reg, regularizers.L1L2) and reg.l2 == _f32(0.01) and reg.l1 == 0.
    reg = regularizers.get({'class_name': 'L1', 'config': {'l1': 0.02}})
    assert reg.l1 == _f32(0.02) and reg.l2 == 0.
    reg = regularizers.get({'name': 'L1L2Regularizer', 'l1': 0.0, 'l2': 0.03})
    assert isinstance(reg, regularizers.L1L2) and reg.l2 == _f32(0.03)
    reg = regularizers.get({'class_name': 'L1L2', 'config': {'l1': 0.1, 'l2': 0.}})
    assert reg.l1 == _f32(0.1)


def test_get_none_callable_errors():
    assert regularizers.get(None) is None

    def custom(w):
        return torch.sum(w)

    assert regularizers.get(custom) is custom
    with pytest.raises(ValueError) as err:
        regularizers.get('l3')
    assert 'l1_l2' in str(err.value)
    with pytest.raises(ValueError):
        regularizers.get(0.01)
