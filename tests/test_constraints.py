"""keras.constraints against NumPy formulas (Keras 2.3.1's epsilon placement)."""
import json
import warnings

import numpy as np
import pytest
import torch

from keras import constraints

EPS = 1e-7


def _w(shape=(6, 4), seed=0):
    return (3. * np.random.RandomState(seed).normal(size=shape)).astype('float32')


def _apply(constraint, w):
    return constraint(torch.from_numpy(w)).numpy()


def _np_norms(w, axis):
    return np.sqrt(np.sum(np.square(w.astype('float64')), axis=axis, keepdims=True))


@pytest.mark.parametrize('axis', [0, 1, [0, 1, 2]])
def test_max_norm(axis):
    w = _w((3, 3, 2, 5)) if isinstance(axis, list) else _w()
    norms = _np_norms(w, tuple(axis) if isinstance(axis, list) else axis)
    expected = w * (np.clip(norms, 0, 2.) / (EPS + norms))
    out = _apply(constraints.MaxNorm(max_value=2., axis=axis), w)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert np.all(_np_norms(out, tuple(axis) if isinstance(axis, list) else axis) <= 2. + 1e-5)


def test_max_norm_keeps_small_weights():
    w = np.full((4, 3), 0.1, dtype='float32')
    np.testing.assert_allclose(_apply(constraints.max_norm(3.), w), w, rtol=1e-5)


def test_non_neg():
    w = _w()
    np.testing.assert_array_equal(_apply(constraints.NonNeg(), w), np.where(w >= 0, w, 0.))


@pytest.mark.parametrize('axis', [0, 1])
def test_unit_norm(axis):
    w = _w()
    expected = w / (EPS + _np_norms(w, axis))
    out = _apply(constraints.UnitNorm(axis=axis), w)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_np_norms(out, axis), 1., rtol=1e-5)


@pytest.mark.parametrize('kwargs', [{}, {'min_value': 1., 'max_value': 4.},
                                    {'min_value': 2., 'max_value': 3., 'rate': 0.3, 'axis': 1}])
def test_min_max_norm(kwargs):
    w = _w()
    lo, hi = kwargs.get('min_value', 0.), kwargs.get('max_value', 1.)
    rate, axis = kwargs.get('rate', 1.), kwargs.get('axis', 0)
    norms = _np_norms(w, axis)
    desired = rate * np.clip(norms, lo, hi) + (1 - rate) * norms
    expected = w * (desired / (EPS + norms))
    np.testing.assert_allclose(_apply(constraints.MinMaxNorm(**kwargs), w), expected,
                               rtol=1e-5, atol=1e-6)


def test_zero_weights_stay_finite():
    w = np.zeros((3, 2), dtype='float32')
    for c in (constraints.MaxNorm(), constraints.UnitNorm(), constraints.MinMaxNorm(1., 2.)):
        assert np.all(np.isfinite(_apply(c, w)))


def test_aliases():
    assert constraints.max_norm is constraints.MaxNorm is constraints.maxnorm
    assert constraints.non_neg is constraints.NonNeg is constraints.nonneg
    assert constraints.unit_norm is constraints.UnitNorm is constraints.unitnorm
    assert constraints.min_max_norm is constraints.MinMaxNorm
    assert isinstance(constraints.get('maxnorm'), constraints.MaxNorm)
    assert isinstance(constraints.get('non_neg'), constraints.NonNeg)


@pytest.mark.parametrize('c', [constraints.MaxNorm(3, axis=[0, 1]), constraints.NonNeg(),
                               constraints.UnitNorm(1), constraints.MinMaxNorm(0.5, 2., 0.7, 1)])
def test_round_trip(c):
    config = json.loads(json.dumps(constraints.serialize(c)))
    clone = constraints.deserialize(config)
    assert type(clone) is type(c) and clone.get_config() == c.get_config()


def test_config_keys():
    assert constraints.MaxNorm().get_config() == {'max_value': 2, 'axis': 0}
    assert constraints.MinMaxNorm().get_config() == {'min_value': 0., 'max_value': 1.,
                                                     'rate': 1., 'axis': 0}
    assert constraints.UnitNorm().get_config() == {'axis': 0}


def test_tf_keras_and_keras1_dicts():
    c = constraints.get({'module': 'keras.constraints', 'class_name': 'MaxNorm',
                         'config': {'max_value': 3, 'axis': 0}, 'registered_name': None})
    assert c.max_value == 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        c = constraints.get({'name': 'MaxNorm', 'm': 4, 'axis': 1})
    assert (c.max_value, c.axis) == (4, 1)
    assert any('max_value' in str(w.message) for w in caught)
    assert isinstance(constraints.get({'name': 'NonNeg'}), constraints.NonNeg)


def test_get_none_callable_errors():
    assert constraints.get(None) is None
    fn = lambda w: w  # noqa: E731
    assert constraints.get(fn) is fn
    assert isinstance(constraints.get(constraints.NonNeg), constraints.NonNeg)
    with pytest.raises(ValueError) as err:
        constraints.get('max_nrom')
    assert 'max_norm' in str(err.value)
    with pytest.raises(ValueError):
        constraints.get(2)
