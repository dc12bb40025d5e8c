"""keras.losses, keras.objectives and keras.utils.losses_utils against NumPy formulas."""
import numpy as np
import pytest
import torch

from keras import losses, objectives
from keras.utils import losses_utils
from keras.utils.generic_utils import CustomObjectScope

EPS = 1e-7


def _rand(shape, seed, low=0., high=1.):
    return np.random.RandomState(seed).uniform(low, high, size=shape).astype('float32')


def _probs(shape, seed):
    x = _rand(shape, seed, 0.05, 1.)
    return (x / x.sum(-1, keepdims=True)).astype('float32')


def _onehot(labels, n):
    return np.eye(n, dtype='float32')[labels]


def _t(x):
    return torch.from_numpy(np.asarray(x))


def _run(fn, y_true, y_pred, **kwargs):
    return fn(_t(y_true), _t(y_pred), **kwargs).numpy()


def _np_log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _np_sigmoid_ce(z, x):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


def _np_convert_labels(t):
    return 2. * t - 1. if np.all((t == 0) | (t == 1)) else t


def _np_huber(t, p, delta=1.):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e ** 2, 0.5 * delta ** 2 + delta * (e - delta)),
                   axis=-1)


def _np_unit(x, axis=-1):
    return x / np.sqrt(np.maximum((x ** 2).sum(axis, keepdims=True), 1e-12))


T = _rand((6, 4), 1)
P = _rand((6, 4), 2)
REGRESSION = [
    ('mean_squared_error', lambda t, p: np.mean((p - t) ** 2, -1)),
    ('mean_absolute_error', lambda t, p: np.mean(np.abs(p - t), -1)),
    ('mean_absolute_percentage_error',
     lambda t, p: 100. * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1)),
    ('mean_squared_logarithmic_error',
     lambda t, p: np.mean((np.log(np.maximum(p, EPS) + 1.) - np.log(np.maximum(t, EPS) + 1.))
                          ** 2, -1)),
    ('logcosh', lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
    ('huber_loss', _np_huber),
    ('hinge', lambda t, p: np.mean(np.maximum(1. - _np_convert_labels(t) * p, 0.), -1)),
    ('squared_hinge',
     lambda t, p: np.mean(np.maximum(1. - _np_convert_labels(t) * p, 0.) ** 2, -1)),
    ('categorical_hinge',
     lambda t, p: np.maximum(0., np.max((1. - t) * p, -1) - np.sum(t * p, -1) + 1.)),
    ('kullback_leibler_divergence',
     lambda t, p: np.sum(np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1)),
                         -1)),
    ('poisson', lambda t, p: np.mean(p - t * np.log(p + EPS), -1)),
    ('cosine_proximity', lambda t, p: -np.sum(_np_unit(t) * _np_unit(p), -1)),
]


@pytest.mark.parametrize('name,ref', REGRESSION, ids=[n for n, _ in REGRESSION])
def test_function_matches_numpy(name, ref):
    fn = getattr(losses, name)
    t, p = T * 2. - 0.5, P * 3. - 1.
    if name == 'poisson':
        p = np.abs(p)
    out = _run(fn, t, p)
    assert out.shape == (6,) and out.dtype == np.float32
    np.testing.assert_allclose(out, ref(t.astype('float64'), p.astype('float64')),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name,ref', REGRESSION, ids=[n for n, _ in REGRESSION])
def test_function_on_3d_input_reduces_last_axis(name, ref):
    t, p = _rand((2, 3, 5), 3), _rand((2, 3, 5), 4)
    out = _run(getattr(losses, name), t, p)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, ref(t.astype('float64'), p.astype('float64')),
                               rtol=1e-5, atol=1e-6)


def test_epsilon_clipping_edges():
    t = np.array([[0., 1., 0.5]], 'float32')
    p = np.array([[0., -2., 2.]], 'float32')
    mape = _run(losses.mape, t, p)
    np.testing.assert_allclose(mape, 100. * np.mean([0. / EPS, 3., 3.]), rtol=1e-5)
    msle = _run(losses.msle, t, p)
    ref = np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2)
    np.testing.assert_allclose(msle, [ref], rtol=1e-5)
    kld = _run(losses.kld, np.array([[0., 1.]], 'float32'), np.array([[0.5, 0.]], 'float32'))
    np.testing.assert_allclose(kld, [EPS * np.log(EPS / 0.5) + np.log(1. / EPS)], rtol=1e-5)
    assert np.isfinite(_run(losses.logcosh, [[0.]], [[200.]])).all()
    np.testing.assert_allclose(_run(losses.logcosh, [[0.]], [[200.]]), [200. - np.log(2.)],
                               rtol=1e-6)


def test_hinge_keeps_non_binary_labels_and_huber_delta():
    t = np.array([[-1., 1., 1.]], 'float32')
    p = np.array([[0.6, -0.7, -0.5]], 'float32')
    np.testing.assert_allclose(_run(losses.hinge, t, p), [1.6], rtol=1e-6)
    np.testing.assert_allclose(_run(losses.squared_hinge, t, p), [(1.6 ** 2 + 1.7 ** 2 +
                                                                   1.5 ** 2) / 3], rtol=1e-6)
    np.testing.assert_allclose(_run(losses.huber_loss, T, P * 4, delta=0.3),
                               _np_huber(T.astype('float64'), P * 4., 0.3), rtol=1e-5)


def _np_cce(t, p, axis=-1):
    p = p / p.sum(axis, keepdims=True)
    return -np.sum(t * np.log(np.clip(p, EPS, 1 - EPS)), axis)


def test_categorical_crossentropy():
    t, p = _onehot([0, 2, 1, 2], 3), _probs((4, 3), 5)
    np.testing.assert_allclose(_run(losses.categorical_crossentropy, t, p), _np_cce(t, p),
                               rtol=1e-5)
    unnormalized = p * 3.
    np.testing.assert_allclose(_run(losses.categorical_crossentropy, t, unnormalized),
                               _np_cce(t, p), rtol=1e-5)
    hard = np.array([[0., 1., 0.]], 'float32')
    np.testing.assert_allclose(_run(losses.categorical_crossentropy, [[1., 0., 0.]], hard),
                               [-np.log(EPS)], rtol=1e-4)
    logits = _rand((4, 3), 6, -3, 3)
    np.testing.assert_allclose(
        _run(losses.categorical_crossentropy, t, logits, from_logits=True),
        -np.sum(t * _np_log_softmax(logits.astype('float64')), -1), rtol=1e-5)


def test_categorical_crossentropy_label_smoothing_and_axis():
    t, p = _onehot([0, 2, 1], 3), _probs((3, 3), 7)
    smooth = t * 0.8 + 0.2 / 3
    np.testing.assert_allclose(
        _run(losses.categorical_crossentropy, t, p, label_smoothing=0.2),
        _np_cce(smooth, p), rtol=1e-5)
    t4, p4 = np.moveaxis(_onehot([[0, 1], [2, 2]], 3), -1, 1), _rand((2, 3, 2), 8, 0.1, 1)
    np.testing.assert_allclose(_run(losses.categorical_crossentropy, t4, p4, axis=1),
                               _np_cce(t4, p4, axis=1), rtol=1e-5)


def _np_sparse(labels, p, from_logits=False):
    logp = _np_log_softmax(p) if from_logits else \
        _np_log_softmax(np.log(np.clip(p, EPS, 1 - EPS)))
    return -np.take_along_axis(logp, labels[..., None].astype(int), -1)[..., 0]


@pytest.mark.parametrize('target_shape', ['flat', 'column', 'float'])
def test_sparse_categorical_crossentropy_targets(target_shape):
    labels = np.array([0, 2, 1, 2])
    p = _probs((4, 3), 9)
    y = {'flat': labels, 'column': labels[:, None],
         'float': labels.astype('float32')[:, None]}[target_shape]
    out = _run(losses.sparse_categorical_crossentropy, y, p)
    assert out.shape == (4,)
    np.testing.assert_allclose(out, _np_sparse(labels, p.astype('float64')), rtol=1e-5)


def test_sparse_categorical_crossentropy_logits_3d_and_ignore_class():
    labels = np.array([[0, 1, 2], [2, 2, 0]])
    logits = _rand((2, 3, 3), 10, -2, 2)
    out = _run(losses.sparse_categorical_crossentropy, labels, logits, from_logits=True)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, _np_sparse(labels, logits.astype('float64'), True),
                               rtol=1e-5)
    out = _run(losses.sparse_categorical_crossentropy, labels, logits, from_logits=True,
               ignore_class=2)
    ref = np.where(labels == 2, 0., _np_sparse(labels, logits.astype('float64'), True))
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-7)


def _np_bce(t, p):
    # Clipped in float32, as TensorFlow and torch do (1 - 1e-7 rounds there); epsilon
    # inside the logs, as Keras 2.3.1 on TensorFlow 2 and tf.keras compute it.
    p = np.clip(p.astype('float32'), np.float32(EPS), np.float32(1) - np.float32(EPS))
    p = p.astype('float64')
    return -np.mean(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS), -1)


def test_binary_crossentropy():
    t = (_rand((5, 3), 11) > 0.5).astype('float32')
    p = _rand((5, 3), 12)
    p[0, 0], p[1, 1] = 0., 1.
    out = _run(losses.binary_crossentropy, t, p)
    np.testing.assert_allclose(out, _np_bce(t, p.astype('float64')), rtol=1e-5)
    # saturated probabilities: Keras 2.3.1's value (on TensorFlow 2) for these
    sure = np.array([[1., 0.], [1., 0.]], 'float32')
    np.testing.assert_allclose(
        _run(losses.binary_crossentropy, np.array([[1., 0.], [0., 1.]], 'float32'), sure),
        [0., 15.3791], rtol=1e-4, atol=1e-6)
    naive = -np.mean(t * np.log(np.clip(p, EPS, 1 - EPS) + EPS) +
                     (1 - t) * np.log(1 - np.clip(p, EPS, 1 - EPS) + EPS), -1)
    np.testing.assert_allclose(out, naive, rtol=1e-4)
    logits = _rand((5, 3), 13, -4, 4)
    np.testing.assert_allclose(_run(losses.binary_crossentropy, t, logits, from_logits=True),
                               np.mean(_np_sigmoid_ce(t, logits.astype('float64')), -1),
                               rtol=1e-5)
    np.testing.assert_allclose(
        _run(losses.binary_crossentropy, t, p, label_smoothing=0.1),
        _np_bce(t * 0.9 + 0.05, p.astype('float64')), rtol=1e-5)


def test_cosine_names_and_aliases():
    assert losses.cosine is losses.cosine_proximity is losses.cosine_similarity
    for alias, name in [('mse', 'mean_squared_error'), ('MSE', 'mean_squared_error'),
                        ('mae', 'mean_absolute_error'), ('MAE', 'mean_absolute_error'),
                        ('mape', 'mean_absolute_percentage_error'),
                        ('MAPE', 'mean_absolute_percentage_error'),
                        ('msle', 'mean_squared_logarithmic_error'),
                        ('MSLE', 'mean_squared_logarithmic_error'),
                        ('kld', 'kullback_leibler_divergence'),
                        ('KLD', 'kullback_leibler_divergence'), ('huber', 'huber_loss'),
                        ('log_cosh', 'logcosh')]:
        assert getattr(losses, alias) is getattr(losses, name)
        assert losses.get(alias) is getattr(losses, name)


def test_objectives_reexports_losses():
    for name in losses.__all__:
        assert getattr(objectives, name) is getattr(losses, name)
    assert objectives.categorical_crossentropy is losses.categorical_crossentropy


def test_numpy_and_list_inputs_and_gradients():
    out = losses.mean_squared_error([[0., 1.]], [[1., 1.]])
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), [0.5])
    p = torch.tensor(P, requires_grad=True)
    losses.binary_crossentropy(torch.tensor(T > 0.5).float(), p).sum().backward()
    assert p.grad is not None and torch.isfinite(p.grad).all()
    out64 = losses.mse(torch.zeros(2, 2, dtype=torch.float64), torch.ones(2, 2,
                                                                          dtype=torch.float64))
    assert out64.dtype == torch.float64


def test_functions_are_symbolic():
    from keras.engine.input_layer import Input
    x = Input((4,))
    out = losses.mean_squared_error(x, x)
    assert getattr(out, '_is_keras_tensor', False)
    assert tuple(out.shape) == (None,)
    assert hasattr(losses.categorical_crossentropy, '__wrapped_backend_fn__')


# losses_utils and Loss classes -----------------------------------------------

def test_compute_weighted_loss_reductions():
    values = np.array([[1., 2.], [3., 4.], [5., 6.]], 'float32')
    w = np.array([1., 0., 2.], 'float32')
    R = losses_utils.Reduction
    weighted = values * w[:, None]
    out = losses_utils.compute_weighted_loss(_t(values), _t(w), reduction=R.NONE)
    np.testing.assert_allclose(out.numpy(), weighted)
    out = losses_utils.compute_weighted_loss(_t(values), _t(w), reduction=R.SUM)
    np.testing.assert_allclose(out.numpy(), weighted.sum(), rtol=1e-6)
    out = losses_utils.compute_weighted_loss(_t(values), _t(w))
    np.testing.assert_allclose(out.numpy(), weighted.sum() / 6., rtol=1e-6)
    out = losses_utils.compute_weighted_loss(_t(values), _t(w[:, None]))
    np.testing.assert_allclose(out.numpy(), weighted.sum() / 6., rtol=1e-6)
    out = losses_utils.compute_weighted_loss(_t(values), 0.5)
    np.testing.assert_allclose(out.numpy(), values.mean() * 0.5, rtol=1e-6)
    with pytest.raises(ValueError, match='Incompatible shapes'):
        losses_utils.compute_weighted_loss(_t(values), _t(np.ones(4, 'float32')))
    with pytest.raises(ValueError, match='Invalid Reduction'):
        losses_utils.compute_weighted_loss(_t(values), reduction='mean')


def test_squeeze_or_expand_dimensions():
    pred, true = losses_utils.squeeze_or_expand_dimensions(torch.zeros(4, 1), torch.zeros(4))
    assert pred.shape == (4,) and true.shape == (4,)
    pred, true, w = losses_utils.squeeze_or_expand_dimensions(
        torch.zeros(4, 3), torch.zeros(4, 3), torch.ones(4))
    assert w.shape == (4, 1)
    pred, _, w = losses_utils.squeeze_or_expand_dimensions(torch.zeros(4), None,
                                                           torch.ones(4, 1))
    assert w.shape == (4,)


CLASS_CASES = [
    (losses.MeanSquaredError, {}, losses.mean_squared_error, {}),
    (losses.MeanAbsoluteError, {}, losses.mean_absolute_error, {}),
    (losses.MeanAbsolutePercentageError, {}, losses.mean_absolute_percentage_error, {}),
    (losses.MeanSquaredLogarithmicError, {}, losses.mean_squared_logarithmic_error, {}),
    (losses.BinaryCrossentropy, {'from_logits': True, 'label_smoothing': 0.2},
     losses.binary_crossentropy, {'from_logits': True, 'label_smoothing': 0.2}),
    (losses.CategoricalCrossentropy, {'label_smoothing': 0.1},
     losses.categorical_crossentropy, {'label_smoothing': 0.1}),
    (losses.Hinge, {}, losses.hinge, {}),
    (losses.SquaredHinge, {}, losses.squared_hinge, {}),
    (losses.CategoricalHinge, {}, losses.categorical_hinge, {}),
    (losses.Poisson, {}, losses.poisson, {}),
    (losses.LogCosh, {}, losses.logcosh, {}),
    (losses.KLDivergence, {}, losses.kullback_leibler_divergence, {}),
    (losses.Huber, {'delta': 0.5}, losses.huber_loss, {'delta': 0.5}),
    (losses.CosineSimilarity, {}, losses.cosine_proximity, {}),
]


@pytest.mark.parametrize('cls,kwargs,fn,fn_kwargs', CLASS_CASES,
                         ids=[c[0].__name__ for c in CLASS_CASES])
def test_loss_class_weighting_and_config(cls, kwargs, fn, fn_kwargs):
    t, p = T, P
    per_sample = _run(fn, t, p, **fn_kwargs).astype('float64')
    w = np.array([1., 0., 2., 0.5, 1., 3.], 'float32')
    loss = cls(**kwargs)
    np.testing.assert_allclose(loss(_t(t), _t(p)).numpy(), per_sample.mean(), rtol=1e-5)
    np.testing.assert_allclose(loss(_t(t), _t(p), sample_weight=_t(w)).numpy(),
                               (per_sample * w).sum() / 6., rtol=1e-5)
    none = cls(reduction='none', **kwargs)(_t(t), _t(p), sample_weight=_t(w))
    np.testing.assert_allclose(none.numpy(), per_sample * w, rtol=1e-5, atol=1e-7)
    total = cls(reduction=losses_utils.Reduction.SUM, **kwargs)(_t(t), _t(p))
    np.testing.assert_allclose(total.numpy(), per_sample.sum(), rtol=1e-5)
    clone = cls.from_config(loss.get_config())
    assert clone.get_config() == loss.get_config()
    again = losses.deserialize(losses.serialize(loss))
    assert type(again) is cls and again.get_config() == loss.get_config()


def test_loss_class_configs_match_keras_231():
    assert losses.MeanSquaredError().get_config() == {
        'reduction': 'sum_over_batch_size', 'name': 'mean_squared_error'}
    assert losses.BinaryCrossentropy(True).get_config() == {
        'reduction': 'sum_over_batch_size', 'name': 'binary_crossentropy',
        'from_logits': True, 'label_smoothing': 0}
    assert losses.Huber().get_config() == {'reduction': 'sum_over_batch_size',
                                           'name': 'huber_loss', 'delta': 1.0}
    assert losses.SparseCategoricalCrossentropy(True).get_config() == {
        'reduction': 'sum_over_batch_size', 'name': 'sparse_categorical_crossentropy',
        'from_logits': True}
    with pytest.raises(ValueError, match='Invalid Reduction'):
        losses.MeanSquaredError(reduction='avg')


def test_sparse_class_and_rank_alignment():
    labels, p = np.array([0, 2, 1]), _probs((3, 3), 14)
    loss = losses.SparseCategoricalCrossentropy()
    np.testing.assert_allclose(loss(_t(labels), _t(p)).numpy(),
                               _np_sparse(labels, p.astype('float64')).mean(), rtol=1e-5)
    # (n,) targets against (n, 1) predictions are lined up, not broadcast to (n, n).
    y, q = np.array([0., 1., 1.], 'float32'), np.array([[0.5], [0.2], [0.9]], 'float32')
    np.testing.assert_allclose(losses.MeanSquaredError()(_t(y), _t(q)).numpy(),
                               np.mean((q[:, 0] - y) ** 2), rtol=1e-6)


def test_loss_function_wrapper_and_custom_function():
    def my_loss(y_true, y_pred, scale=1.):
        return scale * torch.mean(torch.abs(y_true - y_pred), dim=-1)
    wrapper = losses.LossFunctionWrapper(my_loss, name='mine', scale=2.)
    np.testing.assert_allclose(wrapper(_t(T), _t(P)).numpy(),
                               2. * np.abs(T - P).mean(), rtol=1e-5)
    config = wrapper.get_config()
    assert config == {'reduction': 'sum_over_batch_size', 'name': 'mine', 'scale': 2.,
                      'fn': 'my_loss'}
    with CustomObjectScope({'my_loss': my_loss}):
        clone = losses.LossFunctionWrapper.from_config(config)
    assert clone.fn is my_loss and clone._fn_kwargs == {'scale': 2.}
    assert losses.get(my_loss) is my_loss
    assert losses.deserialize('my_loss', custom_objects={'my_loss': my_loss}) is my_loss


def test_get_serialize_deserialize():
    assert losses.get(None) is None
    assert losses.get('categorical_crossentropy') is losses.categorical_crossentropy
    assert losses.serialize(losses.mse) == 'mean_squared_error'
    assert losses.deserialize('mean_squared_error') is losses.mean_squared_error
    assert losses.deserialize({'class_name': 'function', 'config': 'mse'}) is losses.mse
    tf_config = {'module': 'keras.losses', 'class_name': 'CategoricalCrossentropy',
                 'config': {'reduction': 'auto', 'name': 'categorical_crossentropy',
                            'from_logits': False, 'label_smoothing': 0.0, 'axis': -1},
                 'registered_name': None}
    loss = losses.get(tf_config)
    assert isinstance(loss, losses.CategoricalCrossentropy)
    t, p = _onehot([0, 1], 3), _probs((2, 3), 15)
    np.testing.assert_allclose(loss(_t(t), _t(p)).numpy(), _np_cce(t, p).mean(), rtol=1e-5)
    with pytest.raises(ValueError, match='Unknown loss function: not_a_loss.*mean_squared'):
        losses.get('not_a_loss')
    with pytest.raises(ValueError, match='Could not interpret'):
        losses.get(42)


def test_is_categorical_crossentropy():
    assert losses.is_categorical_crossentropy('categorical_crossentropy')
    assert losses.is_categorical_crossentropy(losses.categorical_crossentropy)
    assert losses.is_categorical_crossentropy(losses.CategoricalCrossentropy())
    assert not losses.is_categorical_crossentropy('mse')
    assert not losses.is_categorical_crossentropy(losses.BinaryCrossentropy())


@pytest.mark.parametrize('check, fn, cls, other', [
    (losses.is_sparse_categorical_crossentropy, losses.sparse_categorical_crossentropy,
     losses.SparseCategoricalCrossentropy, losses.categorical_crossentropy),
    (losses.is_binary_crossentropy, losses.binary_crossentropy,
     losses.BinaryCrossentropy, losses.mean_squared_error)])
def test_crossentropy_predicates_know_every_spelling(check, fn, cls, other):
    assert check(fn.__name__) and check(fn) and check(cls())
    assert check(losses.LossFunctionWrapper(fn))
    assert not check(other) and not check(other.__name__) and not check(None)

    def user_loss(y_true, y_pred):
        return fn(y_true, y_pred)
    assert not check(user_loss)
