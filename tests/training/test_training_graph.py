"""The symbolic training graph of a compiled model: ``targets``,
``sample_weights``, ``total_loss`` and the ``_feed_*`` lists, as Keras 2 code
reads them to take gradients of the loss with ``K.function``."""
import numpy as np
import pytest

import keras
from keras import backend as K
from keras.layers import Dense, Input
from keras.models import Model, Sequential


def _data(n=6, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 3).astype('float32')
    y = keras.utils.to_categorical(rng.randint(0, 2, n), 2)
    return x, y


def _classifier(**compile_kwargs):
    model = Sequential([Dense(4, activation='tanh', input_shape=(3,), kernel_regularizer='l2'),
                        Dense(2, activation='softmax')])
    model.compile(keras.optimizers.SGD(lr=0.1), 'categorical_crossentropy', **compile_kwargs)
    return model


def test_the_classic_gradient_function_matches_a_training_step():
    model = _classifier()
    x, y = _data()
    grads = model.optimizer.get_gradients(model.total_loss, model.trainable_weights)
    inputs = model.inputs + model.targets + model.sample_weights + [K.learning_phase()]
    f = K.function(inputs, grads + [model.total_loss])
    *grad_values, loss = f([x, y, np.ones(len(x)), 0])
    # the loss is the one evaluate reports (cross-entropy plus the l2 penalty)
    np.testing.assert_allclose(loss, model.evaluate(x, y, verbose=0), rtol=1e-5)
    # and one SGD step moves each weight by -lr * its gradient
    before = model.get_weights()
    model.train_on_batch(x, y)
    for w0, w1, g in zip(before, model.get_weights(), grad_values):
        np.testing.assert_allclose(w1, w0 - 0.1 * g, rtol=1e-4, atol=1e-6)


def test_sample_weights_weigh_the_fed_loss():
    model = Sequential([Dense(2, activation='softmax', input_shape=(3,))])
    model.compile('sgd', 'categorical_crossentropy')
    x, y = _data()
    f = K.function(model._feed_inputs + model._feed_targets + model._feed_sample_weights,
                   [model.total_loss])
    weights = np.array([1., 0., 2., 0., 1., 0.], 'float32')
    loss = f([x, y, weights])[0]
    per_sample = -np.sum(y * np.log(model.predict(x)), axis=-1)
    np.testing.assert_allclose(loss, np.sum(per_sample * weights) / len(x), rtol=1e-5)
    np.testing.assert_allclose(loss, model.evaluate(x, y, sample_weight=weights, verbose=0),
                               rtol=1e-5)


def test_gradient_of_the_loss_with_respect_to_the_input():
    # saliency maps and adversarial examples (FGSM) take this gradient
    model = _classifier()
    x, y = _data(n=1)
    grad = K.function(model.inputs + model.targets + model.sample_weights,
                      K.gradients(model.total_loss, model.inputs))
    g = grad([x, y, np.ones(1)])[0]
    eps = 1e-2
    for i in range(3):
        step = np.zeros_like(x)
        step[0, i] = eps
        numeric = (model.evaluate(x + step, y, verbose=0) -
                   model.evaluate(x - step, y, verbose=0)) / (2 * eps)
        np.testing.assert_allclose(g[0, i], numeric, rtol=2e-2, atol=1e-4)


def test_several_outputs_loss_weights_and_an_output_without_loss():
    inp = Input((3,))
    a = Dense(2, name='a')(inp)
    b = Dense(1, name='b')(inp)
    c = Dense(1, name='c')(inp)
    model = Model(inp, [a, b, c])
    model.compile('sgd', loss={'a': 'mse', 'b': 'mae'}, loss_weights={'a': 1., 'b': 0.5})
    assert model.targets[2] is None and model.sample_weights[2] is None
    assert len(model._feed_targets) == 2 and model._feed_output_names == ['a', 'b']
    x = np.random.rand(4, 3).astype('float32')
    ya, yb = np.random.rand(4, 2), np.random.rand(4, 1)
    f = K.function(model._feed_inputs + model._feed_targets + model._feed_sample_weights,
                   [model.total_loss])
    loss = f([x, ya, yb, np.ones(4), np.ones(4)])[0]
    pa, pb, _ = model.predict(x)
    expected = np.mean((pa - ya) ** 2) + 0.5 * np.mean(np.abs(pb - yb))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_standardize_user_data_gives_the_arrays_in_feed_order():
    model = _classifier()
    x, y = _data()
    xs, ys, sws = model._standardize_user_data(x, y)
    assert [a.shape for a in xs] == [(6, 3)] and [a.shape for a in ys] == [(6, 2)]
    np.testing.assert_array_equal(sws[0], np.ones(6))
    f = K.function(model._feed_inputs + model._feed_targets + model._feed_sample_weights,
                   [model.total_loss])
    np.testing.assert_allclose(f(xs + ys + sws)[0], model.evaluate(x, y, verbose=0), rtol=1e-5)


def test_absent_before_compile_and_made_anew_by_each_compile():
    model = Sequential([Dense(2, input_shape=(3,))])
    assert not model._is_compiled
    assert not hasattr(model, 'total_loss')
    with pytest.raises(AttributeError, match='targets'):
        model.targets
    model.compile('sgd', 'mse')
    assert model._is_compiled
    first = model.total_loss
    assert model.total_loss is first  # made once per compile
    model.compile('sgd', 'mae')
    assert model.total_loss is not first
    x, y = np.ones((2, 3), 'float32'), np.zeros((2, 2), 'float32')
    f = K.function(model.inputs + model.targets + model.sample_weights, [model.total_loss])
    np.testing.assert_allclose(f([x, y, np.ones(2)])[0], np.mean(np.abs(model.predict(x))),
                               rtol=1e-5)


def test_a_subclassed_model_says_it_has_no_symbolic_loss():
    class Tiny(Model):
        def __init__(self):
            super(Tiny, self).__init__()
            self.dense = Dense(1)

        def call(self, x):
            return self.dense(x)

    model = Tiny()
    model.compile('sgd', 'mse')
    model.fit(np.ones((2, 3)), np.ones((2, 1)), verbose=0)
    with pytest.raises(AttributeError, match='subclassed'):
        model.total_loss
