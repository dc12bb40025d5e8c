import numpy as np
import pytest
import torch

from keras import backend as K

RNG = np.random.RandomState(0)


def _close(a, b, **kw):
    np.testing.assert_allclose(K.eval(a), b, rtol=1e-5, atol=1e-6, **kw)


def test_dot_2d_and_nd_keras_rule():
    x, y = RNG.randn(2, 3).astype('f'), RNG.randn(3, 4).astype('f')
    _close(K.dot(x, y), x.dot(y))
    x3 = RNG.randn(5, 2, 3).astype('f')
    _close(K.dot(x3, y), np.einsum('abi,ij->abj', x3, y))
    y3 = RNG.randn(4, 3, 5).astype('f')
    out = K.dot(x, y3)  # (2, 3) . (4, 3, 5) -> (2, 4, 5)
    assert K.int_shape(out) == (2, 4, 5)
    _close(out, np.einsum('ai,kij->akj', x, y3))


def test_batch_dot_docstring_example_and_shapes():
    x = np.array([[1., 2.], [3., 4.]], 'f')
    y = np.array([[5., 6.], [7., 8.]], 'f')
    _close(K.batch_dot(x, y, axes=1), [[17.], [53.]])
    a = RNG.randn(32, 20, 1).astype('f')
    b = RNG.randn(32, 30, 20).astype('f')
    out = K.batch_dot(a, b, axes=(1, 2))
    assert K.int_shape(out) == (32, 1, 30)
    _close(out, np.einsum('bim,bni->bmn', a, b))
    c = RNG.randn(4, 3, 5).astype('f')
    d = RNG.randn(4, 5, 6).astype('f')
    _close(K.batch_dot(c, d), np.einsum('bij,bjk->bik', c, d))
    e = RNG.randn(4, 5).astype('f')
    _close(K.batch_dot(c, e), np.einsum('bij,bj->bi', c, e))        # default axes (2, 1)
    _close(K.batch_dot(e, d, axes=(1, 1)), np.einsum('bj,bjk->bk', e, d))


def test_batch_dot_errors():
    with pytest.raises(ValueError):
        K.batch_dot(np.ones(3, 'f'), np.ones((3, 2), 'f'))
    with pytest.raises(ValueError):
        K.batch_dot(np.ones((2, 3), 'f'), np.ones((4, 3), 'f'))
    with pytest.raises(ValueError):
        K.batch_dot(np.ones((2, 3), 'f'), np.ones((2, 3), 'f'), axes=0)
    with pytest.raises(ValueError):
        K.batch_dot(np.ones((2, 3), 'f'), np.ones((2, 4), 'f'), axes=1)
    with pytest.raises(ValueError):
        K.batch_dot(np.ones((2, 3), 'f'), np.ones((2, 3), 'f'), axes=[[1], [1]])


def test_transpose_gather():
    x = RNG.randn(2, 3, 4).astype('f')
    _close(K.transpose(x), x.T)
    ref = RNG.randn(5, 3).astype('f')
    idx = np.array([[4, 0], [1, 1]])
    _close(K.gather(ref, idx), ref[idx])


@pytest.mark.parametrize('name,np_fn', [
    ('max', np.max), ('min', np.min), ('sum', np.sum), ('prod', np.prod),
    ('mean', np.mean), ('var', np.var), ('std', np.std),
])
@pytest.mark.parametrize('axis', [None, 1, -1, [0, 2]])
@pytest.mark.parametrize('keepdims', [False, True])
def test_reductions(name, np_fn, axis, keepdims):
    x = RNG.rand(2, 3, 4).astype('f') + 0.5
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    _close(getattr(K, name)(x, axis=axis, keepdims=keepdims),
           np_fn(x, axis=np_axis, keepdims=keepdims))


def test_logsumexp_any_all_argminmax_cumulative():
    x = RNG.randn(3, 4).astype('f')
    _close(K.logsumexp(x, axis=1), np.log(np.exp(x).sum(axis=1)))
    _close(K.logsumexp(x), np.log(np.exp(x).sum()))
    b = np.array([[0, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(K.eval(K.any(b, axis=1)), [True, False])
    np.testing.assert_array_equal(K.eval(K.all(b + 1, axis=0)), [True] * 3)
    assert K.eval(K.any(b)) and not K.eval(K.all(b))
    np.testing.assert_array_equal(K.eval(K.argmax(x)), x.argmax(-1))
    np.testing.assert_array_equal(K.eval(K.argmin(x, axis=0)), x.argmin(0))
    _close(K.cumsum(x, axis=1), np.cumsum(x, axis=1))
    _close(K.cumprod(x), np.cumprod(x, axis=0))
    _close(K.mean(np.array([True, False, True, True])), 0.75)


def test_elementwise():
    x = RNG.randn(3, 4).astype('f')
    p = np.abs(x) + 0.1
    _close(K.square(x), x ** 2)
    _close(K.abs(x), np.abs(x))
    _close(K.sqrt(x), np.sqrt(np.clip(x, 0, None)))   # negatives clipped to 0
    _close(K.exp(x), np.exp(x))
    _close(K.log(p), np.log(p))
    _close(K.sign(x), np.sign(x))
    _close(K.pow(p, 3), p ** 3)
    _close(K.sin(x), np.sin(x))
    _close(K.cos(x), np.cos(x))
    _close(K.round(np.array([0.5, 1.5, 2.5, -0.5, 0.4])), [0., 2., 2., -0., 0.])


def test_clip():
    x = np.linspace(-3, 3, 7).astype('f')
    _close(K.clip(x, -1., 2.), np.clip(x, -1, 2))
    _close(K.clip(x, 1., 0.), np.full(7, 1.))         # max < min -> min
    _close(K.clip(x, None, 0.5), np.minimum(x, 0.5))
    _close(K.clip(x, torch.tensor(-1.), torch.tensor(1.)), np.clip(x, -1, 1))


def test_comparisons_and_extrema():
    x = np.array([1., 2., 3.], 'f')
    y = np.array([3., 2., 1.], 'f')
    for name, fn in [('equal', np.equal), ('not_equal', np.not_equal),
                     ('greater', np.greater), ('greater_equal', np.greater_equal),
                     ('less', np.less), ('less_equal', np.less_equal)]:
        out = getattr(K, name)(torch.tensor(x), y)
        assert out.dtype == torch.bool
        np.testing.assert_array_equal(K.eval(out), fn(x, y))
    _close(K.maximum(x, y), np.maximum(x, y))
    _close(K.minimum(torch.tensor(x), 2.), np.minimum(x, 2.))
    assert K.maximum(torch.tensor(x), 0.).dtype == torch.float32


def test_batch_normalization_formulas():
    x = RNG.randn(6, 3).astype('f')
    mean, var = RNG.randn(3).astype('f'), RNG.rand(3).astype('f')
    beta, gamma = RNG.randn(3).astype('f'), RNG.randn(3).astype('f')
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    _close(K.batch_normalization(x, mean, var, beta, gamma), expected)
    _close(K.batch_normalization(x, mean, var, None, None), (x - mean) / np.sqrt(var + 1e-3))
    x4 = RNG.randn(2, 3, 4, 5).astype('f')   # channels_first, axis=1
    m = mean.reshape(1, 3, 1, 1)
    expected = (x4 - m) / np.sqrt(var.reshape(1, 3, 1, 1) + 1e-3) * gamma.reshape(
        1, 3, 1, 1) + beta.reshape(1, 3, 1, 1)
    _close(K.batch_normalization(x4, mean, var, beta, gamma, axis=1), expected)


def test_normalize_batch_in_training():
    x = RNG.randn(4, 5, 3).astype('f')
    gamma, beta = RNG.rand(3).astype('f'), RNG.randn(3).astype('f')
    normed, mean, var = K.normalize_batch_in_training(x, gamma, beta, [0, 1])
    m, v = x.mean(axis=(0, 1)), x.var(axis=(0, 1))
    _close(mean, m)
    _close(var, v)
    _close(normed, (x - m) / np.sqrt(v + 1e-3) * gamma + beta)
    x4 = RNG.randn(3, 2, 4, 4).astype('f')   # channels_first: reduce 0, 2, 3
    g2, b2 = RNG.rand(2).astype('f'), RNG.randn(2).astype('f')
    normed, mean, var = K.normalize_batch_in_training(x4, g2, b2, [0, 2, 3], epsilon=1e-2)
    m, v = x4.mean(axis=(0, 2, 3)), x4.var(axis=(0, 2, 3))
    assert K.int_shape(mean) == (2,)
    shape = (1, 2, 1, 1)
    _close(normed, (x4 - m.reshape(shape)) / np.sqrt(v.reshape(shape) + 1e-2)
           * g2.reshape(shape) + b2.reshape(shape))


def test_l2_normalize_and_in_top_k():
    x = RNG.randn(3, 4).astype('f')
    _close(K.l2_normalize(x, axis=-1), x / np.sqrt((x ** 2).sum(-1, keepdims=True)))
    _close(K.l2_normalize(x), x / np.sqrt((x ** 2).sum()))
    _close(K.l2_normalize(np.zeros(3, 'f'), axis=0), np.zeros(3))
    pred = np.array([[0.1, 0.5, 0.4], [0.3, 0.3, 0.4], [0.6, 0.3, 0.1]], 'f')
    np.testing.assert_array_equal(K.eval(K.in_top_k(pred, np.array([2, 0, 2]), 1)),
                                  [False, False, False])
    np.testing.assert_array_equal(K.eval(K.in_top_k(pred, np.array([2, 0, 1]), 2)),
                                  [True, True, True])   # tie at the boundary counts


def test_switch():
    a, b = np.ones((2, 3), 'f'), np.zeros((2, 3), 'f')
    _close(K.switch(True, a, b), a)
    _close(K.switch(torch.tensor(0), lambda: a, lambda: b), b)
    cond = np.array([True, False])
    _close(K.switch(torch.tensor(cond), a, b), np.where(cond[:, None], a, b))
    with pytest.raises(ValueError):
        K.switch(torch.ones(2, 3, 4, dtype=torch.bool), a, b)


def test_in_train_and_test_phase():
    a, b = torch.ones(2), torch.zeros(2)
    _close(K.in_train_phase(a, b, training=1), [1., 1.])
    _close(K.in_train_phase(a, b, training=False), [0., 0.])
    _close(K.in_train_phase(lambda: a, lambda: b), [0., 0.])      # learning_phase() == 0
    with K.learning_phase_scope(1):
        _close(K.in_train_phase(lambda: a, lambda: b), [1., 1.])
        _close(K.in_test_phase(a, b), [0., 0.])
    _close(K.in_test_phase(a, b), [1., 1.])


def test_gradients_and_stop_gradient():
    w = torch.tensor([1., 2., 3.], requires_grad=True)
    unused = torch.tensor([1.], requires_grad=True)
    loss = K.sum(K.square(w))
    g = K.gradients(loss, [w, unused])
    _close(g[0], [2., 4., 6.])
    assert g[1] is None
    loss2 = K.sum(K.stop_gradient(w) * w)
    _close(K.gradients(loss2, [w])[0], [1., 2., 3.])
    assert isinstance(K.stop_gradient([w, w]), list)
    with pytest.raises(ValueError):
        K.gradients(K.sum(torch.ones(2)), [w])
    single = K.gradients(loss, w)  # always a list, as tf.gradients
    assert isinstance(single, list) and len(single) == 1
    _close(single[0], [2., 4., 6.])
    with torch.no_grad():
        detached_loss = K.sum(K.square(w))
    with pytest.raises(ValueError, match='autograd off'), torch.no_grad():
        K.gradients(detached_loss, w)


def test_higher_order():
    x = np.arange(1., 5.).astype('f')
    _close(K.map_fn(lambda e: e * 2, x), x * 2)
    _close(K.foldl(lambda acc, e: acc * 10 + e, x), 1234.)
    _close(K.foldr(lambda acc, e: acc * 10 + e, x), 4321.)
    _close(K.foldl(lambda acc, e: acc + e, x, initializer=torch.tensor(10.)), 20.)
