import numpy as np

from keras import backend as K


def test_random_normal_and_uniform_statistics_and_seed():
    n = K.eval(K.random_normal((20000,), mean=2., stddev=3., seed=5))
    assert abs(n.mean() - 2.) < 0.1 and abs(n.std() - 3.) < 0.1
    np.testing.assert_array_equal(n, K.eval(K.random_normal((20000,), 2., 3., seed=5)))
    u = K.eval(K.random_uniform((2, 5000), minval=-1., maxval=3.))
    assert u.shape == (2, 5000) and u.dtype == np.float32
    assert u.min() >= -1. and u.max() < 3. and abs(u.mean() - 1.) < 0.1


def test_random_binomial_and_truncated_normal():
    b = K.eval(K.random_binomial((10000,), p=0.3, seed=2))
    assert set(np.unique(b)) <= {0., 1.} and abs(b.mean() - 0.3) < 0.02
    t = K.eval(K.truncated_normal((20000,), mean=1., stddev=0.5, seed=3, dtype='float64'))
    assert t.dtype == np.float64
    assert t.min() >= 0. and t.max() <= 2.
    # a normal truncated at 2 stddev has std ~0.88 of the untruncated one
    assert abs(t.std() - 0.5 * 0.8796) < 0.02
