import numpy as np
import pytest
import torch

from keras import backend as K

RNG = np.random.RandomState(2)
EPS = 1e-7


def _close(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(K.eval(a), b, rtol=rtol, atol=atol)


def _ref_relu(x, alpha=0., max_value=None, threshold=0.):
    # Keras 2.3.1 keeps x only strictly above the threshold (0 at it).
    y = np.where(x > threshold, x, alpha * (x - threshold))
    if max_value is not None:
        y = np.where(x >= max_value, max_value, y)
    return y


@pytest.mark.parametrize('kwargs', [
    {}, {'alpha': 0.3}, {'max_value': 6.}, {'max_value': 2.5},
    {'threshold': 0.5}, {'alpha': 0.2, 'max_value': 1.5, 'threshold': 0.4},
    {'alpha': 0.1, 'threshold': -0.5},
])
def test_relu_variants(kwargs):
    x = np.linspace(-3, 8, 45).astype('f')
    _close(K.relu(x, **kwargs), _ref_relu(x, **kwargs))


def test_activations():
    x = RNG.randn(3, 5).astype('f')
    _close(K.elu(x), np.where(x > 0, x, np.exp(x) - 1))
    _close(K.elu(x, 0.5), np.where(x > 0, x, 0.5 * (np.exp(x) - 1)))
    e = np.exp(x - x.max(-1, keepdims=True))
    _close(K.softmax(x), e / e.sum(-1, keepdims=True))
    e0 = np.exp(x - x.max(0, keepdims=True))
    _close(K.softmax(x, axis=0), e0 / e0.sum(0, keepdims=True))
    _close(K.softplus(x), np.log(np.exp(x) + 1))
    _close(K.softsign(x), x / (np.abs(x) + 1))
    _close(K.sigmoid(x), 1 / (1 + np.exp(-x)))
    _close(K.hard_sigmoid(x * 3), np.clip(0.2 * x * 3 + 0.5, 0, 1))
    _close(K.tanh(x), np.tanh(x))


def test_categorical_crossentropy():
    target = np.eye(4, dtype='f')[[0, 3, 1]]
    raw = RNG.rand(3, 4).astype('f') + 0.1
    raw[1, 3] = 0.                                  # exercises the clip
    p = raw / raw.sum(-1, keepdims=True)
    p = np.clip(p, EPS, 1 - EPS)
    _close(K.categorical_crossentropy(target, raw), -(target * np.log(p)).sum(-1))
    logits = RNG.randn(3, 4).astype('f')
    lsm = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    _close(K.categorical_crossentropy(target, logits, from_logits=True),
           -(target * lsm).sum(-1))
    cf_out = np.moveaxis(raw.reshape(3, 4, 1), 1, 1)   # channels axis 1
    _close(K.categorical_crossentropy(target[:, :, None], cf_out, axis=1),
           -(target * np.log(p)).sum(-1)[:, None])
    with pytest.raises(ValueError):
        K.categorical_crossentropy(target, raw, axis=5)


def test_sparse_categorical_crossentropy():
    out = RNG.rand(3, 4).astype('f')
    labels = np.array([0, 3, 1])
    clipped = np.clip(out, EPS, 1 - EPS)
    expected = -np.log(clipped[np.arange(3), labels] / clipped.sum(-1))
    _close(K.sparse_categorical_crossentropy(labels, out), expected)
    _close(K.sparse_categorical_crossentropy(labels.reshape(3, 1).astype('f'), out), expected)
    seq = RNG.rand(2, 5, 4).astype('f')
    seq_labels = RNG.randint(0, 4, size=(2, 5))
    c = np.clip(seq, EPS, 1 - EPS)
    exp_seq = -np.log(np.take_along_axis(c, seq_labels[..., None], -1)[..., 0] / c.sum(-1))
    _close(K.sparse_categorical_crossentropy(seq_labels[..., None], seq), exp_seq)
    _close(K.sparse_categorical_crossentropy(seq_labels, seq), exp_seq)
    logits = RNG.randn(3, 4).astype('f')
    lsm = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    _close(K.sparse_categorical_crossentropy(labels, logits, from_logits=True),
           -lsm[np.arange(3), labels])
    _close(K.sparse_categorical_crossentropy(labels, np.ascontiguousarray(out.T), axis=0),
           expected)


def test_binary_crossentropy():
    target = np.array([[0., 1., 1., 0.5]], 'f')
    out = np.array([[0.2, 0.7, 1.0, 0.4]], 'f')
    p = np.clip(out, EPS, 1 - EPS)
    expected = -(target * np.log(p + EPS) + (1 - target) * np.log(1 - p + EPS))
    _close(K.binary_crossentropy(target, out), expected, rtol=1e-4)
    logits = RNG.randn(1, 4).astype('f')
    s = 1 / (1 + np.exp(-logits))
    _close(K.binary_crossentropy(target, logits, from_logits=True),
           -(target * np.log(s) + (1 - target) * np.log(1 - s)))


def test_dropout():
    x = np.ones((200, 50), 'f')
    y = K.eval(K.dropout(x, 0.4))
    assert set(np.unique(y)).issubset({0., 1. / 0.6}) or np.allclose(
        np.unique(y), [0., 1. / 0.6])
    assert abs((y == 0).mean() - 0.4) < 0.03
    a = K.eval(K.dropout(x, 0.5, seed=7))
    b = K.eval(K.dropout(x, 0.5, seed=7))
    np.testing.assert_array_equal(a, b)
    c = K.eval(K.dropout(x, 0.5, noise_shape=(None, 1), seed=1))
    assert np.all((c == 0).all(1) | (c == 2.).all(1))   # whole rows kept or dropped
    np.testing.assert_array_equal(K.eval(K.dropout(x, 0.)), x)


@pytest.mark.parametrize('level', [-0.5, 1., 1.5])
def test_dropout_level_outside_zero_one_is_refused(level):
    with pytest.raises(ValueError, match=r'`level`.*\[0, 1\)'):
        K.dropout(np.ones((3, 2), 'f'), level)


def test_bias_add():
    b = RNG.randn(3).astype('f')
    x2 = RNG.randn(2, 3).astype('f')
    _close(K.bias_add(x2, b), x2 + b)
    x4 = RNG.randn(2, 4, 5, 3).astype('f')
    _close(K.bias_add(x4, b, data_format='channels_last'), x4 + b)
    x4c = RNG.randn(2, 3, 4, 5).astype('f')
    _close(K.bias_add(x4c, b, data_format='channels_first'), x4c + b.reshape(1, 3, 1, 1))
    x3c = RNG.randn(2, 3, 6).astype('f')
    _close(K.bias_add(x3c, b, 'channels_first'), x3c + b.reshape(1, 3, 1))
    x5c = RNG.randn(1, 3, 2, 2, 2).astype('f')
    _close(K.bias_add(x5c, b, 'channels_first'), x5c + b.reshape(1, 3, 1, 1, 1))
    full = RNG.randn(4, 5, 3).astype('f')
    _close(K.bias_add(x4, full, 'channels_last'), x4 + full)
    _close(K.bias_add(x4c, full, 'channels_first'), x4c + full.reshape(1, 3, 4, 5))
    with pytest.raises(ValueError):
        K.bias_add(x4, np.zeros((3, 3), 'f'))
    assert K.bias_add(torch.zeros(2, 3), torch.ones(3)).dtype == torch.float32


def test_relu_takes_tensors_for_its_slope_cap_and_threshold():
    # keras-contrib's SReLU passes variables: K.relu(x - t_left, a_left, t_right - t_left)
    x = torch.linspace(-3, 3, 13)
    alpha, cap, threshold = torch.full((13,), 0.1), torch.tensor(2.), torch.tensor(0.5)
    expected = np.where(x >= 2., 2., np.where(x > 0.5, x, 0.1 * (x - 0.5)))
    np.testing.assert_allclose(K.relu(x, alpha, cap, threshold).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(K.relu(x, 0.1, 2., 0.5).numpy(), expected, rtol=1e-6)
    # NumPy numbers (0-d arrays included) are numbers
    np.testing.assert_allclose(K.relu(x, np.array(0.1), np.float32(2.), 0.5).numpy(), expected,
                               rtol=1e-6)
