"""keras.initializers: statistics, fans, orthogonality, seeds and configs."""
import json

import numpy as np
import pytest
import torch

from keras import initializers
from keras.initializers import _compute_fans

SHAPE = (200, 300)          # fan_in 200, fan_out 300: 60,000 draws
CONV_SHAPE = (3, 3, 16, 32)  # receptive field 9: fan_in 144, fan_out 288
TRUNC_FACTOR = .87962566103423978


@pytest.fixture(autouse=True)
def _fixed_global_seed():
    # Statistical checks below have several-sigma margins; a fixed global seed
    # keeps them from ever flaking.
    torch.manual_seed(1234)


def _np(x):
    assert isinstance(x, torch.Tensor)
    return x.numpy().astype('float64')


def _check_normal(x, mean, std, truncated=False):
    assert abs(x.mean() - mean) < 0.05 * std
    assert abs(x.std() - std) < 0.02 * std
    if truncated:
        assert x.min() >= mean - 2 * std / TRUNC_FACTOR * 1.0001
        assert x.max() <= mean + 2 * std / TRUNC_FACTOR * 1.0001


def _check_uniform(x, low, high):
    assert x.min() >= low and x.max() <= high
    assert x.min() < low + 0.01 * (high - low) and x.max() > high - 0.01 * (high - low)
    assert abs(x.mean() - (low + high) / 2.) < 0.02 * (high - low)
    assert abs(x.std() - (high - low) / np.sqrt(12.)) < 0.02 * (high - low)


def test_zeros_ones_constant():
    assert np.array_equal(_np(initializers.get('zeros')((2, 3))), np.zeros((2, 3)))
    assert np.array_equal(_np(initializers.get('one')((4,))), np.ones(4))
    x = initializers.Constant(value=2.5)((3, 2))
    assert x.dtype == torch.float32 and np.array_equal(_np(x), np.full((3, 2), 2.5))
    row = initializers.Constant([1., 2., 3.])((2, 3))
    np.testing.assert_array_equal(_np(row), [[1., 2., 3.], [1., 2., 3.]])


def test_dtype_argument():
    assert initializers.Zeros()((2,), dtype='float64').dtype == torch.float64
    assert initializers.Ones()((2,), dtype=torch.float16).dtype == torch.float16
    assert initializers.RandomNormal()((2, 2), dtype='float64').dtype == torch.float64
    assert initializers.glorot_uniform()((2, 2)).dtype == torch.float32
    assert initializers.Orthogonal()((3, 3), dtype='float64').dtype == torch.float64


def test_random_normal_and_uniform():
    _check_normal(_np(initializers.RandomNormal(mean=1., stddev=0.5)(SHAPE)), 1., 0.5)
    _check_uniform(_np(initializers.RandomUniform(-0.3, 0.7)(SHAPE)), -0.3, 0.7)
    _check_uniform(_np(initializers.get('uniform')(SHAPE)), -0.05, 0.05)


def test_truncated_normal_cut_at_two_stddev():
    x = _np(initializers.TruncatedNormal(mean=0.5, stddev=0.2)(SHAPE))
    assert x.min() >= 0.5 - 0.4 and x.max() <= 0.5 + 0.4
    assert x.min() < 0.5 - 0.39 and x.max() > 0.5 + 0.39
    # a normal truncated to +-2 sigma has std 0.8796 sigma
    assert abs(x.std() - 0.2 * TRUNC_FACTOR) < 0.004
    assert abs(x.mean() - 0.5) < 0.004


def test_compute_fans():
    assert _compute_fans((7, 11)) == (7, 11)
    assert _compute_fans(CONV_SHAPE) == (144, 288)
    assert _compute_fans((5, 4, 6)) == (20, 30)                 # Conv1D
    assert _compute_fans((2, 3, 4, 5, 6)) == (2 * 3 * 4 * 5, 2 * 3 * 4 * 6)
    assert _compute_fans((32, 16, 3, 3), 'channels_first') == (144, 288)
    assert _compute_fans((9,)) == (3., 3.)
    np.testing.assert_allclose(_compute_fans((2, 2, 2, 2, 2, 2)), (8., 8.))
    with pytest.raises(ValueError):
        _compute_fans(CONV_SHAPE, 'channels_middle')


KERNEL = (3, 3, 64, 32)  # fan_in 576, fan_out 288
PRESETS = [
    ('glorot_uniform', 'uniform', 2. / (576 + 288)),
    ('he_uniform', 'uniform', 2. / 576),
    ('lecun_uniform', 'uniform', 1. / 576),
    ('glorot_normal', 'normal', 2. / (576 + 288)),
    ('he_normal', 'normal', 2. / 576),
    ('lecun_normal', 'normal', 1. / 576),
    ('GlorotUniform', 'uniform', 2. / (576 + 288)),
    ('GlorotNormal', 'normal', 2. / (576 + 288)),
    ('HeUniform', 'uniform', 2. / 576),
    ('HeNormal', 'normal', 2. / 576),
    ('LecunUniform', 'uniform', 1. / 576),
    ('LecunNormal', 'normal', 1. / 576),
]


@pytest.mark.parametrize('name,kind,variance', PRESETS, ids=[p[0] for p in PRESETS])
def test_variance_scaling_presets(name, kind, variance):
    """Each preset has the variance its formula promises."""
    x = _np(initializers.get(name)(KERNEL))
    if kind == 'uniform':
        limit = np.sqrt(3. * variance)
        _check_uniform(x, -limit, limit)
    else:
        _check_normal(x, 0., np.sqrt(variance), truncated=True)


def test_variance_scaling_modes_and_distributions():
    x = _np(initializers.VarianceScaling(scale=3., mode='fan_out', distribution='uniform')(SHAPE))
    limit = np.sqrt(3. * 3. / 300)
    _check_uniform(x, -limit, limit)
    x = _np(initializers.VarianceScaling(2., 'fan_avg', 'normal')(SHAPE))
    _check_normal(x, 0., np.sqrt(2. / 250), truncated=True)
    x = _np(initializers.VarianceScaling(2., 'FAN_IN', 'truncated_normal')(SHAPE))
    _check_normal(x, 0., np.sqrt(2. / 200), truncated=True)
    x = _np(initializers.VarianceScaling(2., 'fan_in', 'untruncated_normal')(SHAPE))
    _check_normal(x, 0., np.sqrt(2. / 200))
    assert np.abs(x).max() > 2.5 * np.sqrt(2. / 200)  # not truncated


def test_variance_scaling_errors():
    with pytest.raises(ValueError):
        initializers.VarianceScaling(scale=0.)
    with pytest.raises(ValueError):
        initializers.VarianceScaling(mode='fan_sum')
    with pytest.raises(ValueError):
        initializers.VarianceScaling(distribution='cauchy')


@pytest.mark.parametrize('shape', [(6, 6), (10, 4), (4, 10), (3, 4, 5)])
def test_orthogonal(shape):
    x = _np(initializers.Orthogonal(gain=2., seed=3)(shape))
    assert x.shape == shape
    flat = x.reshape(-1, shape[-1])
    if flat.shape[0] >= flat.shape[1]:
        gram = flat.T.dot(flat)
    else:
        gram = flat.dot(flat.T)
    np.testing.assert_allclose(gram, 4. * np.eye(gram.shape[0]), atol=1e-5)


def test_identity():
    np.testing.assert_array_equal(_np(initializers.Identity(gain=3.)((3, 3))), 3. * np.eye(3))
    np.testing.assert_array_equal(_np(initializers.get('identity')((2, 4))), np.eye(2, 4))
    with pytest.raises(ValueError):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize('make', [
    lambda s: initializers.RandomNormal(seed=s),
    lambda s: initializers.RandomUniform(seed=s),
    lambda s: initializers.TruncatedNormal(seed=s),
    lambda s: initializers.glorot_uniform(seed=s),
    lambda s: initializers.he_normal(seed=s),
    lambda s: initializers.Orthogonal(seed=s),
])
def test_seeds_reproducible(make):
    a, b = make(42), make(42)
    first = a((8, 5))
    assert torch.equal(first, b((8, 5)))
    assert not torch.equal(first, make(43)((8, 5)))
    # as in Keras 2.3.1, the seed advances after each call
    assert a.seed == 43
    assert not torch.equal(first, a((8, 5)))


@pytest.mark.parametrize('init', [initializers.RandomNormal(), initializers.RandomUniform(),
                                  initializers.TruncatedNormal(), initializers.glorot_uniform(),
                                  initializers.Orthogonal()])
def test_unseeded_draws_its_seed_from_numpy_as_keras_2(init):
    """``np.random.seed(s)`` makes initial weights reproducible (Keras 2's recipe)."""
    np.random.seed(0)
    torch.manual_seed(1)
    a = init((4, 4))
    np.random.seed(0)
    torch.manual_seed(2)  # (torch's generator plays no part)
    b = init((4, 4))
    assert torch.equal(a, b)
    assert not torch.equal(init((4, 4)), a)  # (and the next weight differs)


ALL = [initializers.Zeros(), initializers.Ones(), initializers.Constant(1.5),
       initializers.RandomNormal(0.1, 0.2, 3), initializers.RandomUniform(-1., 1., 4),
       initializers.TruncatedNormal(0., 1., None),
       initializers.VarianceScaling(2., 'fan_out', 'uniform', 5),
       initializers.Orthogonal(1.5, 6), initializers.Identity(0.5),
       initializers.GlorotUniform(7), initializers.HeNormal()]


@pytest.mark.parametrize('init', ALL, ids=[type(i).__name__ for i in ALL])
def test_config_round_trip(init):
    config = json.loads(json.dumps(initializers.serialize(init)))
    clone = initializers.deserialize(config)
    assert type(clone) is type(init)
    assert clone.get_config() == init.get_config()


def test_tf_keras_configs():
    glorot = initializers.deserialize({'module': 'keras.initializers',
                                       'class_name': 'GlorotUniform',
                                       'config': {'seed': None}, 'registered_name': None})
    assert isinstance(glorot, initializers.VarianceScaling)
    assert (glorot.scale, glorot.mode, glorot.distribution) == (1., 'fan_avg', 'uniform')
    assert glorot.get_config() == {'seed': None}
    ortho = initializers.get({'class_name': 'Orthogonal', 'config': {'gain': 1.0, 'seed': None},
                              'module': 'keras.initializers', 'registered_name': None})
    assert ortho.gain == 1.0
    unif = initializers.get({'class_name': 'RandomUniform',
                             'config': {'minval': -0.05, 'maxval': 0.05, 'seed': None}})
    assert (unif.minval, unif.maxval) == (-0.05, 0.05)
    # TensorFlow 1 tf.keras stored a dtype in initializer configs
    zeros = initializers.get({'class_name': 'Zeros', 'config': {'dtype': 'float32'}})
    assert isinstance(zeros, initializers.Zeros)
    vs = initializers.get({'class_name': 'VarianceScaling',
                           'config': {'scale': 2.0, 'mode': 'fan_in',
                                      'distribution': 'truncated_normal', 'seed': None}})
    assert vs.distribution == 'truncated_normal'


def test_get_names_and_callables():
    init = initializers.get('glorot_uniform')
    assert isinstance(init, initializers.VarianceScaling)
    assert init.get_config() == {'scale': 1., 'mode': 'fan_avg', 'distribution': 'uniform',
                                 'seed': None}
    assert isinstance(initializers.get('he_normal'), initializers.VarianceScaling)
    assert isinstance(initializers.get('normal'), initializers.RandomNormal)
    assert isinstance(initializers.get('truncated_normal'), initializers.TruncatedNormal)
    assert isinstance(initializers.get(initializers.GlorotNormal), initializers.GlorotNormal)

    def my_init(shape, dtype=None):
        return torch.zeros(shape)

    assert initializers.get(my_init) is my_init


def test_unknown_and_bad_identifiers():
    with pytest.raises(ValueError) as err:
        initializers.get('glorot_unifrom')
    assert 'glorot_uniform' in str(err.value)
    with pytest.raises(ValueError):
        initializers.get(3)
