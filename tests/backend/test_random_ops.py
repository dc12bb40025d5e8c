import numpy as np
import pytest
import torch

from keras import backend as K
from keras.backend import random_ops


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


def test_dropout_mask_keeps_the_right_share_scaled():
    torch.manual_seed(0)
    mask = random_ops.dropout_mask((200, 500), 0.3, torch.device('cpu'))
    assert mask.dtype == torch.float32 and mask.shape == (200, 500)
    kept = mask != 0
    assert torch.allclose(mask[kept], torch.tensor(1. / 0.7))
    assert abs(kept.float().mean().item() - 0.7) < 0.01


def test_dropout_mask_in_half_precision_and_seeded():
    mask = random_ops.dropout_mask((1000,), 0.5, torch.device('cpu'), torch.float16)
    assert mask.dtype == torch.float16
    assert set(mask.unique().tolist()) <= {0., 2.}
    a = random_ops.dropout_mask((50,), 0.5, torch.device('cpu'),
                                generator=torch.Generator().manual_seed(3))
    b = random_ops.dropout_mask((50,), 0.5, torch.device('cpu'),
                                generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_dropout_gradient_is_the_mask():
    torch.manual_seed(1)
    x = torch.ones(64, 32, requires_grad=True)
    y = random_ops.dropout(x, 0.25)
    y.sum().backward()
    assert torch.equal(x.grad, y.detach())  # d(x * mask)/dx = mask = y where x = 1
    values = y.detach().unique()
    assert len(values) == 2 and values[0] == 0.
    assert abs(values[1].item() - 1. / 0.75) < 1e-6


def test_keras1_argument_names_are_translated_with_a_warning():
    """Keras 1 spelled ``stddev`` ``std`` and ``minval``/``maxval`` ``low``/``high``
    (its variational autoencoder example: ``K.random_normal(..., std=epsilon_std)``)."""
    with pytest.warns(UserWarning, match='std'):
        x = K.random_normal((20000,), mean=1., std=0.5, seed=3)
    np.testing.assert_allclose(K.eval(x).std(), 0.5, rtol=0.05)
    with pytest.warns(UserWarning, match='low'):
        x = K.eval(K.random_uniform((20000,), low=2., high=3., seed=3))
    assert 2. <= x.min() and x.max() < 3. and abs(x.mean() - 2.5) < 0.02
    with pytest.raises(TypeError, match='unexpected keyword argument'):
        K.random_normal((2,), sigma=1.)
