"""BatchNormalization (Keras 2.3.1) and LayerNormalization (tf.keras) against
NumPy formulas."""
import warnings

import numpy as np
import pytest
import torch

from keras.backend import session as K_session
from keras.layers import normalization
from keras.layers.normalization import BatchNormalization, LayerNormalization
from keras.utils.test_utils import layer_test

EPS = 1e-3


def _x(shape, seed=0):
    return np.random.RandomState(seed).normal(2., 3., size=shape).astype('float32')


def _np_bn(x, mean, var, gamma, beta, eps):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _bshape(ndim, axis):
    shape = [1] * ndim
    shape[axis] = -1
    return shape


def _random_weights(layer, seed=1):
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(0.5, 1.5, size=w.shape).astype('float32') for w in layer.weights]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize('kwargs, shape', [
    ({}, (3, 4)),
    ({'axis': 1}, (2, 3, 4, 4)),
    ({'center': False, 'scale': False}, (2, 5, 3)),
    ({'momentum': 0.8, 'epsilon': 0.1}, (2, 3)),
])
def test_layer_test(kwargs, shape):
    layer_test(BatchNormalization, kwargs=kwargs, input_shape=shape)


def test_weights_order_names_and_shapes():
    layer = BatchNormalization(name='bn')
    layer.build((None, 3, 5))
    assert [w._keras_name for w in layer.weights] == [
        'bn/gamma:0', 'bn/beta:0', 'bn/moving_mean:0', 'bn/moving_variance:0']
    assert [tuple(w.shape) for w in layer.weights] == [(5,)] * 4
    assert len(layer.trainable_weights) == 2 and len(layer.non_trainable_weights) == 2
    only_beta = BatchNormalization(scale=False, name='b2')
    only_beta.build((None, 4))
    assert [w._keras_name for w in only_beta.weights] == [
        'b2/beta:0', 'b2/moving_mean:0', 'b2/moving_variance:0']


@pytest.mark.parametrize('shape, axis', [((6, 4), -1), ((3, 5, 4), -1), ((2, 3, 3, 4), -1),
                                         ((2, 4, 3, 3), 1), ((2, 3, 5), 1), ((1, 5), -1),
                                         ((3, 1, 4), 0)])
def test_inference_uses_moving_statistics(shape, axis):
    layer = BatchNormalization(axis=axis)
    x = _x(shape)
    layer(torch.from_numpy(x), training=False)
    gamma, beta, mean, var = [w.reshape(_bshape(len(shape), axis)) for w in _random_weights(layer)]
    out = layer(torch.from_numpy(x), training=False).detach().numpy()
    np.testing.assert_allclose(out, _np_bn(x, mean, var, gamma, beta, EPS), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('shape, axis', [((6, 4), -1), ((3, 5, 4), -1), ((2, 3, 3, 4), -1),
                                         ((2, 4, 3, 3), 1), ((1, 5), -1), ((3, 1, 4), 0)])
def test_training_uses_batch_statistics_and_updates_moving(shape, axis):
    momentum = 0.9
    layer = BatchNormalization(axis=axis, momentum=momentum)
    x = _x(shape)
    layer.build(shape)
    gamma, beta, mm0, mv0 = _random_weights(layer)
    ndim = len(shape)
    red = tuple(i for i in range(ndim) if i != axis % ndim)
    mean = x.astype('float64').mean(axis=red)
    var = x.astype('float64').var(axis=red)  # biased
    n = np.prod([shape[i] for i in red])
    out = layer(torch.from_numpy(x), training=True).detach().numpy()
    b = _bshape(ndim, axis)
    expected = _np_bn(x, mean.reshape(b), var.reshape(b), gamma.reshape(b), beta.reshape(b), EPS)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    # Keras 2.3.1: moving = moving * momentum + batch * (1 - momentum), with the
    # batch variance scaled by n / (n - 1 - epsilon).
    new_mm, new_mv = layer.get_weights()[2:]
    np.testing.assert_allclose(new_mm, mm0 * momentum + mean * (1 - momentum), rtol=1e-5)
    expected_mv = mv0 * momentum + var * n / (n - (1. + EPS)) * (1 - momentum)
    np.testing.assert_allclose(new_mv, expected_mv, rtol=1e-5, atol=1e-6)


def test_learning_phase_decides_when_training_is_none():
    layer = BatchNormalization()
    x = torch.from_numpy(_x((8, 3)))
    with K_session.learning_phase_scope(0):
        out0 = layer(x).detach().numpy()
    np.testing.assert_allclose(out0, x.numpy() / np.sqrt(1 + EPS), rtol=1e-5)
    assert np.allclose(layer.get_weights()[2], 0.)
    with K_session.learning_phase_scope(1):
        out1 = layer(x).detach().numpy()
    np.testing.assert_allclose(out1.mean(axis=0), 0., atol=1e-5)
    assert not np.allclose(layer.get_weights()[2], 0.)


def test_frozen_layer_normalizes_with_batch_stats_but_keeps_moving_stats():
    layer = BatchNormalization()
    x = _x((10, 3))
    layer.build(x.shape)
    layer.trainable = False
    before = layer.get_weights()
    out = layer(torch.from_numpy(x), training=True).detach().numpy()
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + EPS)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_fused_and_general_paths_agree_with_gradients():
    torch.manual_seed(0)
    x = torch.randn(4, 3, 3, 5, dtype=torch.float32)
    w = torch.randn(4, 3, 3, 5)
    results = []
    for general in (False, True):
        layer = BatchNormalization()
        layer.build(tuple(x.shape))
        _random_weights(layer)
        xi = x.clone().requires_grad_(True)
        if general:
            out = layer._call_general(xi, True, True)
        else:
            out = layer(xi, training=True)
        (out * w).sum().backward()
        results.append((out.detach(), xi.grad, layer.gamma.grad, layer.beta.grad,
                        layer.moving_mean.detach().clone(),
                        layer.moving_variance.detach().clone()))
    for a, b in zip(*results):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)


def test_several_axes_tf_keras():
    x = _x((2, 3, 4, 5))
    layer = BatchNormalization(axis=[1, 2])
    out = layer(torch.from_numpy(x), training=True).detach().numpy()
    assert [tuple(w.shape) for w in layer.weights] == [(1, 3, 4, 1)] * 4
    mean = x.mean(axis=(0, 3), keepdims=True)
    var = x.var(axis=(0, 3), keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + EPS), rtol=1e-4, atol=1e-4)


def test_get_config_keys_and_round_trip():
    layer = BatchNormalization(axis=1, momentum=0.9, name='bn')
    config = layer.get_config()
    assert sorted(config) == sorted([
        'name', 'trainable', 'dtype', 'axis', 'momentum', 'epsilon', 'center', 'scale',
        'beta_initializer', 'gamma_initializer', 'moving_mean_initializer',
        'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer',
        'beta_constraint', 'gamma_constraint'])
    again = BatchNormalization.from_config(config)
    assert again.axis == 1 and again.momentum == 0.9


def test_tf_keras_config_is_accepted():
    layer = BatchNormalization(axis=[3], renorm=False, renorm_clipping=None,
                               renorm_momentum=0.99, virtual_batch_size=None, adjustment=None,
                               fused=True, synchronized=False)
    assert layer.axis == 3
    for bad in ({'renorm': True}, {'virtual_batch_size': 4}, {'adjustment': lambda s: s}):
        with pytest.raises(NotImplementedError):
            BatchNormalization(**bad)


def test_keras1_arguments():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = BatchNormalization(mode=0, beta_init='one', gamma_init='zero')
    assert len(caught) == 1 and 'beta_initializer' in str(caught[0].message)
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.get_weights()[0], [0., 0.])
    np.testing.assert_array_equal(layer.get_weights()[1], [1., 1.])
    with pytest.raises(TypeError, match='`mode` argument'):
        BatchNormalization(mode=2)


def test_undefined_axis_is_an_error():
    with pytest.raises(ValueError, match='defined dimension'):
        BatchNormalization().build((None, None))


def test_regularizers_and_constraints():
    layer = BatchNormalization(gamma_regularizer='l2', beta_constraint='non_neg')
    layer.build((None, 3))
    assert len(layer.regularization_losses()) == 1


# ---------------------------------------------------------- LayerNormalization
def _np_ln(x, axes, gamma, beta, eps=EPS):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


@pytest.mark.parametrize('kwargs', [{}, {'axis': [1, 2]}, {'center': False, 'scale': False},
                                    {'axis': 1}])
def test_layer_norm_layer_test(kwargs):
    layer_test(LayerNormalization, kwargs=kwargs, input_shape=(2, 3, 4))


@pytest.mark.parametrize('axis, shape, param_shape', [
    (-1, (2, 3, 4), (4,)), ([1, 2], (2, 3, 4), (3, 4)), (1, (2, 3, 4), (3,)),
    ([1, 3], (2, 3, 2, 4), (3, 4))])
def test_layer_norm_numbers(axis, shape, param_shape):
    x = _x(shape)
    layer = LayerNormalization(axis=axis)
    layer.build(shape)
    assert [tuple(w.shape) for w in layer.weights] == [param_shape] * 2
    gamma, beta = _random_weights(layer)
    axes = tuple(a % len(shape) for a in (axis if isinstance(axis, list) else [axis]))
    bshape = [shape[i] if i in axes else 1 for i in range(len(shape))]
    out = layer(torch.from_numpy(x)).detach().numpy()
    expected = _np_ln(x, axes, gamma.reshape(bshape), beta.reshape(bshape))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_layer_norm_weights_and_config():
    layer = LayerNormalization(name='ln', epsilon=1e-5)
    layer.build((None, 6))
    assert [w._keras_name for w in layer.weights] == ['ln/gamma:0', 'ln/beta:0']
    config = layer.get_config()
    assert sorted(config) == sorted([
        'name', 'trainable', 'dtype', 'axis', 'epsilon', 'center', 'scale', 'beta_initializer',
        'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint',
        'gamma_constraint'])
    assert LayerNormalization.from_config(config).epsilon == 1e-5
    with pytest.raises(NotImplementedError):
        LayerNormalization(rms_scaling=True)


def test_module_exports():
    assert normalization.__all__ == ['BatchNormalization', 'LayerNormalization']


# ------------------------------------------------- moving statistics in models
def _bn_model(momentum=0.5):
    from keras.layers import Dense, Input
    from keras.models import Model
    x = Input((3,))
    h = Dense(3, kernel_initializer='identity', bias_initializer='zeros')(x)
    return Model(x, BatchNormalization(momentum=momentum)(h))


def _moving(model):
    return [w.copy() for w in model.layers[-1].get_weights()[2:]]


def test_one_train_batch_moves_the_statistics_once():
    model = _bn_model(momentum=0.5)
    model.compile('sgd', 'mse')
    x = _x((6, 3))
    model.train_on_batch(x, np.zeros((6, 3)))
    mean, var = _moving(model)
    # identity Dense (before its update): the batch is x; 0.5 * 0 + 0.5 * mean
    np.testing.assert_allclose(mean, 0.5 * x.mean(0), rtol=1e-5)
    n = 6.
    np.testing.assert_allclose(var, 0.5 + 0.5 * x.var(0) * n / (n - 1. - EPS), rtol=1e-5)


def test_frozen_base_model_keeps_its_statistics_in_transfer_learning():
    from keras.layers import Dense, Input
    from keras.models import Model
    base = _bn_model()
    base.trainable = False
    x = Input((3,))
    head = Model(x, Dense(2)(base(x)))
    head.compile('sgd', 'mse')
    assert head.updates == []
    data = _x((8, 3), seed=4)
    before = base.predict(data)
    stats = _moving(base)
    head.train_on_batch(data, np.ones((8, 2)))
    np.testing.assert_array_equal(base.predict(data), before)
    for a, b in zip(stats, _moving(base)):
        np.testing.assert_array_equal(a, b)


def test_freezing_the_layer_then_recompiling_decides_the_updates():
    model = _bn_model()
    layer = model.layers[-1]
    data, target = _x((8, 3), seed=5), np.zeros((8, 3))
    layer.trainable = False
    model.compile('sgd', 'mse')
    stats = _moving(model)
    model.train_on_batch(data, target)
    for a, b in zip(stats, _moving(model)):
        np.testing.assert_array_equal(a, b)
    layer.trainable = True
    model.compile('sgd', 'mse')
    assert len(model.updates) == 2
    model.train_on_batch(data, target)
    assert not np.allclose(stats[0], _moving(model)[0])


def test_predict_and_evaluate_never_move_the_statistics():
    model = _bn_model()
    model.compile('sgd', 'mse')
    data = _x((8, 3), seed=6)
    stats = _moving(model)
    K_session.set_learning_phase(1)
    try:
        out = model.predict(data)
        model.evaluate(data, np.zeros((8, 3)), verbose=0)
    finally:
        K_session._STATE.__dict__.pop('learning_phase_override', None)
    # learning phase 1: batch statistics, as Keras 2.3.1's predict did
    np.testing.assert_allclose(out, (data - data.mean(0)) / np.sqrt(data.var(0) + EPS),
                               rtol=1e-4, atol=1e-4)
    for a, b in zip(stats, _moving(model)):
        np.testing.assert_array_equal(a, b)


def test_shared_layer_updates_once_per_call_in_the_step():
    from keras.layers import Input
    from keras.models import Model
    bn = BatchNormalization(momentum=0.5)
    a, b = Input((3,)), Input((3,))
    model = Model([a, b], [bn(a), bn(b)])
    assert len(model.updates) == 4
    model.compile('sgd', 'mse')
    x1, x2 = _x((4, 3), seed=7), _x((4, 3), seed=8)
    model.train_on_batch([x1, x2], [np.zeros((4, 3))] * 2)
    # each call moves the statistics once, one after the other (in graph order)
    orders = [0.5 * (0.5 * first.mean(0)) + 0.5 * second.mean(0)
              for first, second in ((x1, x2), (x2, x1))]
    assert any(np.allclose(bn.get_weights()[2], m, rtol=1e-5) for m in orders)
