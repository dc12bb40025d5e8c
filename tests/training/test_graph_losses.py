"""Compiled losses that read other tensors of the model (keras.training.graph_losses).

The WGAN-GP recipe (keras-contrib's improved_wgan.py): the critic's loss for
interpolated samples is ``K.gradients(y_pred, averaged_samples)`` of a tensor
inside the model, and its gradient penalty trains the critic (second order).
References are computed with torch.autograd on the same weights and inputs.
"""
from functools import partial

import numpy as np
import pytest
import torch

from keras import backend as K
from keras.layers import Dense, Input
from keras.layers.merge import _Merge
from keras.models import Model, Sequential
from keras.optimizers import SGD

ALPHA = 0.3
BATCH = 8


class FixedAverage(_Merge):
    """WGAN-GP's random interpolation with a fixed weight, for exact tests."""

    def _merge_function(self, inputs):
        return ALPHA * inputs[0] + (1 - ALPHA) * inputs[1]


def wasserstein_loss(y_true, y_pred):
    return K.mean(y_true * y_pred)


def gradient_penalty_loss(y_true, y_pred, averaged_samples, gradient_penalty_weight):
    gradients = K.gradients(y_pred, averaged_samples)[0]
    gradients_sqr = K.square(gradients)
    gradients_sqr_sum = K.sum(gradients_sqr, axis=np.arange(1, len(gradients_sqr.shape)))
    gradient_l2_norm = K.sqrt(gradients_sqr_sum)
    gradient_penalty = gradient_penalty_weight * K.square(1 - gradient_l2_norm)
    return K.mean(gradient_penalty)


def _critic_model(penalty_weight, weights_from=None):
    """``(generator, critic, critic_model)``, WGAN-GP's critic training model."""
    gen = Sequential([Dense(16, input_dim=4, activation='relu'), Dense(6)])
    disc = Sequential([Dense(16, input_dim=6, activation='relu'), Dense(1)])
    if weights_from is not None:
        gen.set_weights(weights_from[0].get_weights())
        disc.set_weights(weights_from[1].get_weights())
    gen.trainable = False
    real, noise = Input(shape=(6,)), Input(shape=(4,))
    fake = gen(noise)
    avg = FixedAverage()([real, fake])
    gp = partial(gradient_penalty_loss, averaged_samples=avg,
                 gradient_penalty_weight=penalty_weight)
    gp.__name__ = 'gradient_penalty'
    model = Model([real, noise], [disc(real), disc(fake), disc(avg)])
    model.compile(optimizer=SGD(0.1), loss=[wasserstein_loss, wasserstein_loss, gp])
    return gen, disc, model


def _data(seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(BATCH, 6).astype('float32')
    z = rng.rand(BATCH, 4).astype('float32')
    pos = np.ones((BATCH, 1), 'float32')
    return [x, z], [pos, -pos, np.zeros((BATCH, 1), 'float32')]


def _torch_penalty(disc, avg, weight):
    """The penalty and its gradients for the critic's weights, by torch.autograd."""
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True)
              for w in disc.get_weights()]
    w1, b1, w2, b2 = params
    a = torch.tensor(avg, dtype=torch.float64, requires_grad=True)
    out = torch.relu(a @ w1 + b1) @ w2 + b2
    g, = torch.autograd.grad(out.sum(), a, create_graph=True)
    penalty = (weight * (1 - g.pow(2).sum(1).sqrt()) ** 2).mean()
    grads = torch.autograd.grad(penalty, params, allow_unused=True)  # (b2: unused)
    return penalty.item(), [np.zeros(p.shape) if t is None else t.numpy()
                            for p, t in zip(params, grads)]


def test_gradient_penalty_value_matches_torch_autograd_in_test_and_evaluate():
    gen, disc, model = _critic_model(10.)
    xs, ys = _data()
    avg = ALPHA * xs[0] + (1 - ALPHA) * gen.predict(xs[1])
    expected, _ = _torch_penalty(disc, avg, 10.)
    assert expected > 0
    np.testing.assert_allclose(model.test_on_batch(xs, ys)[3], expected, rtol=1e-4)
    np.testing.assert_allclose(model.evaluate(xs, ys, batch_size=BATCH, verbose=0)[3],
                               expected, rtol=1e-4)
    np.testing.assert_allclose(model.train_on_batch(xs, ys)[3], expected, rtol=1e-4)


def test_gradient_penalty_trains_the_critic_second_order():
    gen0, disc0, model0 = _critic_model(0.)
    _, disc10, model10 = _critic_model(10., weights_from=(gen0, disc0))
    xs, ys = _data(1)
    start = disc0.get_weights()
    avg = ALPHA * xs[0] + (1 - ALPHA) * gen0.predict(xs[1])
    _, penalty_grads = _torch_penalty(disc0, avg, 10.)
    losses0 = model0.train_on_batch(xs, ys)
    losses10 = model10.train_on_batch(xs, ys)
    assert np.all(np.isfinite(losses0)) and np.all(np.isfinite(losses10))
    assert losses0[3] == 0 and losses10[3] > 0
    after0, after10 = disc0.get_weights(), disc10.get_weights()
    assert not np.allclose(start[0], after0[0])  # the Wasserstein terms train it
    # SGD: the two updates differ by exactly lr * d(penalty)/d(weights).
    assert np.abs(penalty_grads[0]).max() > 1e-3 and np.abs(penalty_grads[2]).max() > 1e-3
    for w0, w10, g in zip(after0, after10, penalty_grads):
        np.testing.assert_allclose(w0 - w10, 0.1 * g, rtol=1e-3, atol=1e-6)


def test_wgan_gp_program_trains_with_random_interpolation():
    class RandomWeightedAverage(_Merge):
        def _merge_function(self, inputs):
            weights = K.random_uniform((K.shape(inputs[0])[0], 1))
            return (weights * inputs[0]) + ((1 - weights) * inputs[1])

    disc = Sequential([Dense(16, input_dim=6, activation='relu'), Dense(1)])
    real, fake = Input(shape=(6,)), Input(shape=(6,))
    avg = RandomWeightedAverage()([real, fake])
    gp = partial(gradient_penalty_loss, averaged_samples=avg, gradient_penalty_weight=10)
    model = Model([real, fake], [disc(real), disc(fake), disc(avg)])
    model.compile('adam', loss=[wasserstein_loss, wasserstein_loss, gp])
    xs, ys = _data(2)
    xs[1] = np.random.rand(BATCH, 6).astype('float32')
    start = disc.get_weights()
    history = model.fit(xs, ys, epochs=3, batch_size=4, verbose=0).history
    assert all(np.all(np.isfinite(v)) for v in history.values())
    assert len(history['loss']) == 3
    assert not np.allclose(start[0], disc.get_weights()[0])


def _activity_model():
    inp = Input((4,))
    hidden = Dense(5, activation='tanh')(inp)
    return inp, hidden, Model(inp, Dense(2)(hidden))


def _torch_activity(model, x, y, scale):
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True)
              for w in model.get_weights()]
    w1, b1, w2, b2 = params
    h = torch.tanh(torch.tensor(x, dtype=torch.float64) @ w1 + b1)
    out = h @ w2 + b2
    loss = ((torch.tensor(y, dtype=torch.float64) - out) ** 2).mean() + scale * (h ** 2).mean()
    return loss.item(), [t.numpy() for t in torch.autograd.grad(loss, params)]


def test_loss_reading_a_hidden_tensor_without_gradients():
    def activity_loss(y_true, y_pred, hidden):
        return K.mean(K.square(y_true - y_pred), axis=-1) + 0.5 * K.mean(K.square(hidden))

    _, hidden, model = _activity_model()
    model.compile(SGD(0.1), partial(activity_loss, hidden=hidden))
    assert model._step_functions.graph_losses is not None
    rng = np.random.RandomState(3)
    x, y = rng.rand(6, 4).astype('float32'), rng.rand(6, 2).astype('float32')
    expected, grads = _torch_activity(model, x, y, 0.5)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-5)
    start = model.get_weights()
    np.testing.assert_allclose(model.train_on_batch(x, y), expected, rtol=1e-5)
    for w0, w1, g in zip(start, model.get_weights(), grads):
        np.testing.assert_allclose(w0 - w1, 0.1 * g, rtol=1e-4, atol=1e-6)


def test_loss_reading_a_hidden_tensor_through_its_closure():
    _, hidden, model = _activity_model()

    def make_loss(h):
        def loss(y_true, y_pred):
            return K.mean(K.square(y_true - y_pred), axis=-1) + 2. * K.mean(K.square(h))
        return loss

    model.compile(SGD(0.1), make_loss(hidden))
    x, y = np.random.rand(5, 4).astype('float32'), np.random.rand(5, 2).astype('float32')
    expected, _ = _torch_activity(model, x, y, 2.)
    np.testing.assert_allclose(model.test_on_batch(x, y), expected, rtol=1e-5)


def test_ordinary_losses_keep_the_plain_step():
    _, _, model = _activity_model()
    for loss in ['mse', lambda y_true, y_pred: K.mean(K.abs(y_true - y_pred))]:
        model.compile('sgd', loss)
        assert model._step_functions.graph_losses is None
        loss_value = model.train_on_batch(np.ones((2, 4)), np.zeros((2, 2)))
        assert np.isfinite(loss_value)


def test_loss_reading_a_tensor_outside_the_model_is_refused_at_compile():
    _, _, model = _activity_model()
    stranger = Dense(2)(Input((3,)))
    with pytest.raises(ValueError, match='cannot compute'):
        model.compile('sgd', lambda y_true, y_pred: K.mean(y_pred - stranger))


def test_gradients_are_differentiable_under_autograd_and_sum_a_tensor_loss():
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    g = K.gradients(x ** 3, [x])[0]  # (a tensor loss: the gradient of its sum)
    np.testing.assert_allclose(g.detach().numpy(), [3., 12., 27.])
    second, = torch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(second.numpy(), [6., 12., 18.])


def test_k_function_evaluates_gradients_of_gradients():
    x = K.placeholder(shape=(3,))
    g = K.gradients(K.sum(x ** 3), x)[0]
    h = K.gradients(K.sum(g), x)[0]
    first = K.function([x], [g])
    both = K.function([x], [g, h])
    data = np.array([1., 2., 3.], 'float32')
    np.testing.assert_allclose(first([data])[0], [3., 12., 27.])
    out = both([data])
    np.testing.assert_allclose(out[0], [3., 12., 27.])
    np.testing.assert_allclose(out[1], [6., 12., 18.])


def test_jit_compile_runs_a_gradient_penalty_step_eagerly_with_a_warning():
    _, disc, model = _critic_model(10.)
    with pytest.warns(UserWarning, match='jit_compile is off'):
        model.compile(optimizer=SGD(0.1), loss=model.loss, jit_compile=True)
    assert model._step_functions.jit_compile is False
    xs, ys = _data(4)
    start = disc.get_weights()
    assert np.all(np.isfinite(model.train_on_batch(xs, ys)))
    assert not np.allclose(start[0], disc.get_weights()[0])


def test_metric_function_reading_a_hidden_tensor():
    """A compiled metric may report a tensor of its model (Keras 2 built it on
    the graph): fit, evaluate and train_on_batch give that tensor's mean."""
    from keras import backend as K
    from keras.layers import Dense, Input
    from keras.models import Model
    inputs = Input((3,))
    hidden = Dense(4, activation='relu')(inputs)
    model = Model(inputs, Dense(1)(hidden))

    def hidden_mean(y_true, y_pred):
        return K.mean(hidden)
    model.compile('sgd', 'mse', metrics=[hidden_mean])
    x = np.random.RandomState(0).rand(16, 3).astype('float32')
    y = np.random.RandomState(1).rand(16, 1).astype('float32')
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert sorted(history.history) == ['hidden_mean', 'loss']
    hidden_of = K.function([inputs], [hidden])
    loss, reported = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(reported, hidden_of([x])[0].mean(), rtol=1e-5)
    before = hidden_of([x])[0].mean()  # (the batch's values before its update)
    np.testing.assert_allclose(model.train_on_batch(x, y)[1], before, rtol=1e-5)
