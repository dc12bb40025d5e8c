"""Keras 2 optimizers written with ``get_updates`` (Keras 2.3.1's base contract):
trained by ``fit``, used in hand-built ``K.function``s, saved with the model."""
import numpy as np
import pytest

import keras
from keras import backend as K
from keras.layers import BatchNormalization, Dense, Input
from keras.models import Model, Sequential
from keras.optimizers import SGD, Optimizer

RNG = np.random.RandomState(11)


class AMSGrad(Optimizer):
    """Adam with the running maximum of the second moment, written as for Keras 2."""

    def __init__(self, lr=0.01, beta_1=0.9, beta_2=0.99, epsilon=1e-7, **kwargs):
        super(AMSGrad, self).__init__(**kwargs)
        with K.name_scope(self.__class__.__name__):
            self.iterations = K.variable(0, dtype='int64', name='iterations')
            self.lr = K.variable(lr, name='lr')
            self.beta_1 = K.variable(beta_1, name='beta_1')
            self.beta_2 = K.variable(beta_2, name='beta_2')
        self.epsilon = epsilon

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        t = K.cast(self.iterations, K.floatx()) + 1
        lr_t = self.lr * (K.sqrt(1. - K.pow(self.beta_2, t)) / (1. - K.pow(self.beta_1, t)))
        ms = [K.zeros(K.int_shape(p), dtype=K.dtype(p), name='m_%d' % i)
              for i, p in enumerate(params)]
        vs = [K.zeros(K.int_shape(p), dtype=K.dtype(p), name='v_%d' % i)
              for i, p in enumerate(params)]
        vhats = [K.zeros(K.int_shape(p), dtype=K.dtype(p), name='vhat_%d' % i)
                 for i, p in enumerate(params)]
        self.weights = [self.iterations] + ms + vs + vhats
        for p, g, m, v, vhat in zip(params, grads, ms, vs, vhats):
            m_t = (self.beta_1 * m) + (1. - self.beta_1) * g
            v_t = (self.beta_2 * v) + (1. - self.beta_2) * K.square(g)
            vhat_t = K.maximum(vhat, v_t)
            self.updates.append(K.update(m, m_t))
            self.updates.append(K.update(v, v_t))
            self.updates.append(K.update(vhat, vhat_t))
            self.updates.append(K.update(p, p - lr_t * m_t / (K.sqrt(vhat_t) + self.epsilon)))
        return self.updates

    def get_config(self):
        config = {'lr': float(K.get_value(self.lr)), 'beta_1': float(K.get_value(self.beta_1)),
                  'beta_2': float(K.get_value(self.beta_2)), 'epsilon': self.epsilon}
        return dict(super(AMSGrad, self).get_config(), **config)


def _numpy_amsgrad(params, grad_fn, steps, lr=0.01, b1=0.9, b2=0.99, eps=1e-7):
    params = [p.astype('float64') for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    vhat = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        grads = grad_fn(params)
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vhat[i] = np.maximum(vhat[i], v[i])
            params[i] = params[i] - lr_t * m[i] / (np.sqrt(vhat[i]) + eps)
    return params


def _linear_problem():
    x = RNG.randn(16, 3).astype('float32')
    y = x.dot(np.array([[1.], [-2.], [0.5]], 'float32')) + 0.3
    return x, y


def _mse_grads(x, y):
    def grads(params):
        w, b = params
        err = x.dot(w) + b - y
        return [2. * x.T.dot(err) / len(x), 2. * err.sum(0) / len(x)]
    return grads


def test_fit_trains_with_the_subclass_get_updates_and_matches_numpy():
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    start = model.get_weights()
    optimizer = AMSGrad()
    model.compile(optimizer, 'mse')
    for _ in range(5):
        model.train_on_batch(x, y)
    expected = _numpy_amsgrad(start, _mse_grads(x, y), 5)
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    assert K.get_value(optimizer.iterations) == 5
    assert len(optimizer.get_weights()) == 1 + 3 * 2
    history = model.fit(x, y, epochs=30, batch_size=8, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0] * 0.7


def test_base_contract_attributes_and_config():
    optimizer = AMSGrad(lr=0.02, clipnorm=1.5)
    assert optimizer.updates == [] and optimizer.weights == []
    optimizer.weights = [K.variable(1.)]                 # plain, assignable attributes
    assert K.get_value(optimizer.weights[0]) == 1.
    assert K.get_value(optimizer.iterations) == 0 and optimizer.iterations.dtype == \
        K.to_torch_dtype('int64')
    config = optimizer.get_config()
    assert config['clipnorm'] == 1.5 and config['lr'] == pytest.approx(0.02)
    clone = AMSGrad.from_config(config)
    assert K.get_value(clone.lr) == pytest.approx(0.02) and clone.clipnorm == 1.5


def test_get_gradients_clips_symbolic_gradients():
    w = K.variable(np.array([3., 4.]))
    x = K.placeholder(shape=(2,))
    loss = K.sum(x * w)
    optimizer = SGD(clipnorm=1., clipvalue=0.5)
    grads = optimizer.get_gradients(loss, [w])
    f = K.function([x], grads)
    np.testing.assert_allclose(f([np.array([3., 4.])])[0], [0.5, 0.5], rtol=1e-6)
    np.testing.assert_allclose(f([np.array([0.3, -0.4])])[0], [0.3, -0.4], rtol=1e-6)


def test_custom_optimizer_state_survives_save_and_load(tmp_path):
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(AMSGrad(lr=0.05), 'mse')
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    path = str(tmp_path / 'model.h5')
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={'AMSGrad': AMSGrad})
    assert isinstance(loaded.optimizer, AMSGrad)
    assert K.get_value(loaded.optimizer.lr) == pytest.approx(0.05)
    for a, b in zip(model.optimizer.get_weights(), loaded.optimizer.get_weights()):
        np.testing.assert_allclose(a, b)
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_ddpg_actor_update_through_k_function():
    states = Input((4,))
    actor = Model(states, Dense(2, use_bias=False)(states))
    action_grads = K.placeholder(shape=(None, 2))
    loss = -K.mean(actor.output * action_grads)
    optimizer = SGD(lr=0.1)
    train = K.function([actor.input, action_grads], [loss],
                       updates=optimizer.get_updates(loss=loss, params=actor.trainable_weights))
    s = RNG.randn(8, 4).astype('float32')
    a = RNG.randn(8, 2).astype('float32')
    w = actor.get_weights()[0]
    value = train([s, a])[0]
    np.testing.assert_allclose(value, -(s.dot(w) * a).mean(), rtol=1e-5)
    expected = w + 0.1 * s.T.dot(a) / a.size     # gradient ascent on the critic's signal
    np.testing.assert_allclose(actor.get_weights()[0], expected, rtol=1e-5)
    assert K.get_value(optimizer.iterations) == 1


def test_style_transfer_like_loop_lowers_the_loss():
    target = RNG.rand(1, 6, 6, 3).astype('float32')
    image = K.placeholder((1, 6, 6, 3))
    content = K.sum(K.square(image - K.constant(target)))
    smooth = K.sum(K.square(image[:, 1:, :, :] - image[:, :-1, :, :]))
    loss = content + 0.1 * smooth
    grads = K.gradients(loss, image)
    fetch = K.function([image], [loss] + grads)
    x = np.zeros((1, 6, 6, 3), 'float32')
    first = fetch([x])[0]
    for _ in range(30):
        value, grad = fetch([x])
        x = x - 0.1 * grad
    assert fetch([x])[0] < first / 5


class _Wrapper(Optimizer):
    """A Keras 2 wrapper (as LR multipliers, Lookahead): delegates to another optimizer."""

    def __init__(self, optimizer, **kwargs):
        super(_Wrapper, self).__init__(**kwargs)
        self.optimizer = keras.optimizers.get(optimizer)

    @property
    def iterations(self):
        return self.optimizer.iterations

    def get_updates(self, loss, params):
        self.updates = self.optimizer.get_updates(loss, params)
        self.weights = self.optimizer.weights
        return self.updates


@pytest.mark.parametrize('inner', ['sgd', 'amsgrad'])
def test_wrapper_optimizers_train(inner):
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    start = model.get_weights()
    wrapped = SGD(lr=0.05) if inner == 'sgd' else AMSGrad()
    model.compile(_Wrapper(wrapped), 'mse')
    for _ in range(3):
        model.train_on_batch(x, y)
    if inner == 'sgd':
        expected = [p.astype('float64') for p in start]
        for _ in range(3):
            grads = _mse_grads(x, y)(expected)
            expected = [p - 0.05 * g for p, g in zip(expected, grads)]
    else:
        expected = _numpy_amsgrad(start, _mse_grads(x, y), 3)
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    assert K.get_value(wrapped.iterations) == 3


def test_layer_state_changes_once_per_batch_with_a_get_updates_optimizer():
    x = RNG.randn(32, 3).astype('float32') * 2 + 5
    model = Sequential([BatchNormalization(momentum=0.5, input_shape=(3,)), Dense(1)])
    model.compile(AMSGrad(), 'mse')
    model.train_on_batch(x, np.zeros((32, 1), 'float32'))
    moving_mean = K.get_value(model.layers[0].moving_mean)
    np.testing.assert_allclose(moving_mean, 0.5 * x.mean(0), rtol=1e-4)


class RAdam(Optimizer):
    """Rectified Adam (Liu et al., 2019) as Keras 2 libraries write it, with K.switch."""

    def __init__(self, lr=0.05, beta_1=0.9, beta_2=0.9, epsilon=1e-7, **kwargs):
        super(RAdam, self).__init__(**kwargs)
        self.iterations = K.variable(0, dtype='int64', name='iterations')
        self.lr = K.variable(lr, name='lr')
        self.beta_1 = K.variable(beta_1, name='beta_1')
        self.beta_2 = K.variable(beta_2, name='beta_2')
        self.epsilon = epsilon

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        t = K.cast(self.iterations, K.floatx()) + 1
        beta_1_t, beta_2_t = K.pow(self.beta_1, t), K.pow(self.beta_2, t)
        sma_inf = 2.0 / (1.0 - self.beta_2) - 1.0
        sma_t = sma_inf - 2.0 * t * beta_2_t / (1.0 - beta_2_t)
        ms = [K.zeros(K.int_shape(p)) for p in params]
        vs = [K.zeros(K.int_shape(p)) for p in params]
        self.weights = [self.iterations] + ms + vs
        for p, g, m, v in zip(params, grads, ms, vs):
            m_t = (self.beta_1 * m) + (1.0 - self.beta_1) * g
            v_t = (self.beta_2 * v) + (1.0 - self.beta_2) * K.square(g)
            m_corr_t = m_t / (1.0 - beta_1_t)
            v_corr_t = K.sqrt(v_t / (1.0 - beta_2_t))
            r_t = K.sqrt((sma_t - 4.0) / (sma_inf - 4.0) * (sma_t - 2.0) / (sma_inf - 2.0) *
                         sma_inf / sma_t)
            p_t = K.switch(sma_t >= 5, r_t * m_corr_t / (v_corr_t + self.epsilon), m_corr_t)
            self.updates += [K.update(m, m_t), K.update(v, v_t),
                             K.update(p, p - self.lr * p_t)]
        return self.updates


def _numpy_radam(params, grad_fn, steps, lr=0.05, b1=0.9, b2=0.9, eps=1e-7):
    params = [p.astype('float64') for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    sma_inf = 2. / (1. - b2) - 1.
    for t in range(1, steps + 1):
        grads = grad_fn(params)
        sma_t = sma_inf - 2. * t * b2 ** t / (1. - b2 ** t)
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_corr = m[i] / (1 - b1 ** t)
            if sma_t >= 5:
                r = np.sqrt((sma_t - 4) / (sma_inf - 4) * (sma_t - 2) / (sma_inf - 2) *
                            sma_inf / sma_t)
                step = r * m_corr / (np.sqrt(v[i] / (1 - b2 ** t)) + eps)
            else:
                step = m_corr
            params[i] = params[i] - lr * step
    return params


def test_radam_with_switch_matches_numpy_through_both_branches():
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    start = model.get_weights()
    model.compile(RAdam(), 'mse')
    for _ in range(8):  # the rectified branch starts at step 6 with beta_2 = 0.9
        model.train_on_batch(x, y)
    expected = _numpy_radam(start, _mse_grads(x, y), 8)
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


class _Accumulating(Optimizer):
    """Gradient accumulation as Keras 2 libraries write it: overrides the inner
    optimizer's get_gradients and steps it every ``steps`` batches."""

    def __init__(self, optimizer, steps=2, **kwargs):
        super(_Accumulating, self).__init__(**kwargs)
        self.optimizer = keras.optimizers.get(optimizer)
        self.iterations = K.variable(0, dtype='int64', name='iterations')
        self.steps = steps

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        apply = K.equal((self.iterations + 1) % self.steps, 0)
        sums = [K.zeros(K.int_shape(p)) for p in params]
        totals = [s + g for s, g in zip(sums, grads)]
        self.optimizer.get_gradients = lambda _loss, _params: [
            K.switch(apply, total / self.steps, K.zeros_like(total)) for total in totals]
        self.updates += [K.update(s, K.switch(apply, K.zeros_like(total), total))
                         for s, total in zip(sums, totals)]
        self.updates += self.optimizer.get_updates(loss, params)
        self.weights = [self.iterations] + sums
        return self.updates


def test_gradient_accumulation_wrapper_steps_every_other_batch():
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    start = model.get_weights()
    model.compile(_Accumulating(SGD(lr=0.1), steps=2), 'mse')
    model.train_on_batch(x[:8], y[:8])
    for got, want in zip(model.get_weights(), start):
        np.testing.assert_allclose(got, want)   # a zero gradient: SGD leaves the weights
    model.train_on_batch(x[8:], y[8:])
    grads = [(a + b) / 2 for a, b in zip(_mse_grads(x[:8], y[:8])(start),
                                          _mse_grads(x[8:], y[8:])(start))]
    for got, p, g in zip(model.get_weights(), start, grads):
        np.testing.assert_allclose(got, p - 0.1 * g, rtol=1e-4, atol=1e-6)


class _LRMultiplier(Optimizer):
    """As Keras 2 LR-multiplier libraries do: scale the inner optimizer's learning rate
    per group of parameters by setting it to a symbolic value around get_updates."""

    def __init__(self, optimizer, multipliers, **kwargs):
        super(_LRMultiplier, self).__init__(**kwargs)
        self.optimizer = keras.optimizers.get(optimizer)
        self.multipliers = multipliers

    @property
    def iterations(self):
        return self.optimizer.iterations

    def get_updates(self, loss, params):
        self.updates, self.weights = [], []
        origin = self.optimizer.learning_rate
        for multiplier, group in zip(self.multipliers, ([params[0]], params[1:])):
            self.optimizer.learning_rate = origin * multiplier
            self.updates += self.optimizer.get_updates(loss, group)
        self.optimizer.learning_rate = origin
        self.weights = self.optimizer.weights
        return self.updates


def test_lr_multiplier_wrapper_scales_the_inner_learning_rate_per_group():
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    (w, b) = model.get_weights()
    inner = SGD(lr=0.1)
    model.compile(_LRMultiplier(inner, [0.5, 2.0]), 'mse')
    model.train_on_batch(x, y)
    gw, gb = _mse_grads(x, y)([w, b])
    np.testing.assert_allclose(model.get_weights()[0], w - 0.05 * gw, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], b - 0.2 * gb, rtol=1e-4, atol=1e-6)
    assert K.get_value(inner.learning_rate) == pytest.approx(0.1)
    assert K.get_value(inner.iterations) == 2          # one per group, as in Keras 2


class _Lookahead(Optimizer):
    """Lookahead (Zhang et al., 2019) as Keras 2 libraries write it: the slow
    weights read the fast weights *after* the inner update (K.control_dependencies)."""

    def __init__(self, optimizer, sync_period=2, slow_step=0.5, **kwargs):
        super(_Lookahead, self).__init__(**kwargs)
        self.optimizer = keras.optimizers.get(optimizer)
        self.sync_period = sync_period
        self.slow_step = slow_step

    @property
    def iterations(self):
        return self.optimizer.iterations

    def get_updates(self, loss, params):
        sync = K.equal((self.iterations + 1) // self.sync_period * self.sync_period,
                       self.iterations + 1)
        slow = [K.variable(K.get_value(p)) for p in params]
        self.updates = self.optimizer.get_updates(loss, params)
        with K.control_dependencies(self.updates):
            slow_updates = [K.update(q, K.switch(sync, q + self.slow_step * (p - q), q))
                            for p, q in zip(params, slow)]
            with K.control_dependencies(slow_updates):
                param_updates = [K.update(p, K.switch(sync, q, p)) for p, q in zip(params, slow)]
        self.updates += slow_updates + param_updates
        self.weights = self.optimizer.weights + slow
        return self.updates


@pytest.mark.parametrize('inner', ['sgd', 'amsgrad'])
def test_lookahead_syncs_with_the_updated_fast_weights(inner):
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    start = [p.astype('float64') for p in model.get_weights()]
    model.compile(_Lookahead(SGD(lr=0.05) if inner == 'sgd' else AMSGrad()), 'mse')
    for _ in range(4):
        model.train_on_batch(x, y)
    grads = _mse_grads(x, y)
    fast, slow = list(start), list(start)
    state = None
    for step in range(1, 5):
        if inner == 'sgd':
            fast = [p - 0.05 * g for p, g in zip(fast, grads(fast))]
        else:  # one AMSGrad step from the kept state
            state = _amsgrad_step(fast, grads(fast), step, state)
            fast = state[0]
        if step % 2 == 0:
            slow = [q + 0.5 * (p - q) for p, q in zip(fast, slow)]
            fast = list(slow)
    for got, want in zip(model.get_weights(), fast):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def _amsgrad_step(params, grads, t, state, lr=0.01, b1=0.9, b2=0.99, eps=1e-7):
    m, v, vhat = state[1:] if state else ([np.zeros_like(p) for p in params],) * 3
    m = [b1 * a + (1 - b1) * g for a, g in zip(m, grads)]
    v = [b2 * a + (1 - b2) * g * g for a, g in zip(v, grads)]
    vhat = [np.maximum(a, b) for a, b in zip(vhat, v)]
    lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    new = [p - lr_t * a / (np.sqrt(h) + eps) for p, a, h in zip(params, m, vhat)]
    return new, m, v, vhat


def test_a_get_gradients_override_is_used_by_fit():
    class HalfGradientSGD(SGD):
        def get_gradients(self, loss, params):
            return [g * 0.5 for g in super(HalfGradientSGD, self).get_gradients(loss, params)]

    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    start = model.get_weights()
    optimizer = HalfGradientSGD(lr=0.1)
    model.compile(optimizer, 'mse')
    model.train_on_batch(x, y)
    for got, p, g in zip(model.get_weights(), start, _mse_grads(x, y)(start)):
        np.testing.assert_allclose(got, p - 0.05 * g, rtol=1e-4, atol=1e-6)
    assert len(optimizer.weights) == 3 and K.get_value(optimizer.iterations) == 1


class _LossAdaptiveSGD(Optimizer):
    """SGD whose step size shrinks with the loss value: ``lr * min(1, loss)``."""

    def __init__(self, lr=0.1, **kwargs):
        super(_LossAdaptiveSGD, self).__init__(**kwargs)
        self.iterations = K.variable(0, dtype='int64', name='iterations')
        self.lr = K.variable(lr, name='lr')

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        lr_t = self.lr * K.minimum(1., loss)
        self.updates = [K.update_add(self.iterations, 1)]
        self.updates += [K.update(p, p - lr_t * g) for p, g in zip(params, grads)]
        return self.updates


def _numpy_loss_adaptive_sgd(params, x, y, steps, lr=0.1):
    w, b = [p.astype('float64') for p in params]
    for _ in range(steps):
        err = x.dot(w) + b - y
        lr_t = lr * min(1., float((err ** 2).mean()))
        w, b = w - lr_t * 2. * x.T.dot(err) / len(x), b - lr_t * 2. * err.sum(0) / len(x)
    return [w, b]


@pytest.mark.parametrize('mixed', [False, True])
def test_get_updates_reading_the_loss_value_is_fed_the_batch_loss(mixed):
    x, y = _linear_problem()
    model = Sequential([Dense(1, input_shape=(3,))])
    model.set_weights([np.zeros((3, 1), 'float32'), np.zeros(1, 'float32')])  # loss > 1 first
    start = model.get_weights()
    optimizer = _LossAdaptiveSGD()
    if mixed:  # a LossScaleOptimizer passes the (unscaled) loss on to its inner optimizer
        optimizer = keras.mixed_precision.LossScaleOptimizer(optimizer, dynamic=False,
                                                              initial_scale=8.)
    model.compile(optimizer, 'mse')
    losses = [model.train_on_batch(x, y) for _ in range(6)]
    assert losses[0] > 1. > losses[-1]  # both sides of min(1, loss)
    expected = _numpy_loss_adaptive_sgd(start, x, y, 6)
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_ordinary_get_updates_is_not_fed_the_loss():
    model = Sequential([Dense(1, input_shape=(3,))])
    optimizer = AMSGrad()
    model.compile(optimizer, 'mse')
    model.train_on_batch(*_linear_problem())
    assert model._step_functions._feeds_loss is False
    assert not optimizer._reads_loss(model._collected_trainable_weights)


def test_apply_gradients_without_the_loss_a_get_updates_reads_is_a_clear_error():
    p = K.variable(np.ones(2))
    p.requires_grad_(True)
    with pytest.raises(ValueError, match='loss itself'):
        _LossAdaptiveSGD().apply_gradients([p], [K.variable(np.ones(2))])


class _TrustRatioSGD(Optimizer):
    """LARS-like: temporary variables made inside get_updates (``K.zeros([1])``,
    ``K.ones([1])``) appear only in the update expressions (keras-contrib's LARS)."""

    def __init__(self, lr=0.1, **kwargs):
        super(_TrustRatioSGD, self).__init__(**kwargs)
        self.iterations = K.variable(0, dtype='int64', name='iterations')
        self.lr = K.variable(lr, name='lr')

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        g_norm = K.sqrt(K.sum([K.sum(K.square(g)) for g in grads]))
        # (K.ones([1]) * self.lr: an expression of two variables, recorded as a graph op)
        scaled_lr = K.switch(K.greater(g_norm, K.zeros([1])),
                             K.ones([1]) * self.lr / (g_norm + 1e-7), K.ones([1]) * self.lr)
        for p, g in zip(params, grads):
            self.updates.append(K.update(p, p - scaled_lr * g))
        return self.updates


def test_variables_made_inside_get_updates_live_as_long_as_the_update_graph():
    import gc
    model = Sequential([Dense(1, input_shape=(2,), kernel_initializer='ones',
                              bias_initializer='zeros')])
    model.compile(_TrustRatioSGD(lr=0.1), 'mse')
    x, y = np.ones((4, 2), 'float32'), np.zeros((4, 1), 'float32')
    for _ in range(3):
        gc.collect()
        before = model.get_weights()
        model.train_on_batch(x, y)
        # the step along the normalised gradient has length lr
        step = np.sqrt(sum(np.sum((b - a) ** 2) for a, b in zip(model.get_weights(), before)))
        np.testing.assert_allclose(step, 0.1, rtol=1e-4)
