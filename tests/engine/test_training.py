"""compile / fit / evaluate / predict / *_on_batch / *_generator."""
import warnings

import numpy as np
import pytest
import torch

import keras
from keras import backend as K
from keras.layers import Dense, Dropout, Input
from keras.models import Model, Sequential
from keras.utils import Sequence


def _binary_model():
    model = Sequential([Dense(8, activation='relu', input_dim=4), Dense(1, activation='sigmoid')])
    return model


def _data(n=64, d=4):
    x = np.random.rand(n, d).astype('float32')
    y = (x.sum(axis=1, keepdims=True) > d / 2.).astype('float32')
    return x, y


def test_metric_names_follow_what_the_user_wrote():
    model = _binary_model()
    model.compile('sgd', 'binary_crossentropy', metrics=['acc'])
    assert model.metrics_names == ['loss', 'acc']
    model.compile('sgd', 'binary_crossentropy', metrics=['accuracy', 'mae'])
    assert model.metrics_names == ['loss', 'accuracy', 'mae']
    x, y = _data()
    h = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    assert sorted(h.history) == ['accuracy', 'loss', 'mae', 'val_accuracy', 'val_loss', 'val_mae']
    assert len(h.history['loss']) == 2 and h.epoch == [0, 1]


def test_accuracy_resolves_by_loss_and_output_shape():
    from keras import metrics
    inputs = Input(shape=(4,))
    model = Model(inputs, Dense(3, activation='softmax')(inputs))
    model.compile('sgd', 'sparse_categorical_crossentropy', metrics=['acc'])
    assert model._targets[0].metrics[0][1]._fn is metrics.sparse_categorical_accuracy
    model.compile('sgd', 'categorical_crossentropy', metrics=['acc'])
    assert model._targets[0].metrics[0][1]._fn is metrics.categorical_accuracy


def test_multi_output_names_and_loss_weights():
    x = Input(shape=(3,), name='x')
    a = Dense(1, name='a')(x)
    b = Dense(2, activation='softmax', name='b')(x)
    model = Model(x, [a, b])
    model.compile('sgd', loss={'a': 'mse', 'b': 'categorical_crossentropy'},
                  loss_weights={'a': 1., 'b': 0.5}, metrics={'b': ['acc']})
    assert model.metrics_names == ['loss', 'a_loss', 'b_loss', 'b_acc']
    xs = np.random.rand(8, 3)
    ya = np.random.rand(8, 1)
    yb = keras.utils.to_categorical(np.random.randint(2, size=8), 2)
    total, la, lb, acc = model.test_on_batch(xs, [ya, yb])
    np.testing.assert_allclose(total, la + 0.5 * lb, rtol=1e-5)
    pa, pb = model.predict(xs)
    np.testing.assert_allclose(la, np.mean((pa - ya) ** 2), rtol=1e-5)


def test_train_on_batch_returns_loss_before_the_update_and_changes_weights():
    model = Sequential([Dense(1, input_dim=2, kernel_initializer='ones', use_bias=False)])
    model.compile(keras.optimizers.SGD(lr=0.1), 'mse')
    x = np.array([[1., 2.]], dtype='float32')
    y = np.array([[0.]], dtype='float32')
    loss = model.train_on_batch(x, y)
    assert loss == pytest.approx(9.)  # (1*1 + 1*2 - 0)^2
    # grad of (w.x)^2 = 2 (w.x) x = [6, 12]; w <- w - 0.1 * grad
    np.testing.assert_allclose(model.get_weights()[0].ravel(), [1 - 0.6, 1 - 1.2], rtol=1e-6)


def test_evaluate_averages_over_samples_with_uneven_batches():
    model = _binary_model()
    model.compile('sgd', 'mse')
    x, y = _data(10)
    expected = np.mean((model.predict(x) - y) ** 2)
    assert model.evaluate(x, y, batch_size=3, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_sample_weight_and_class_weight_scale_the_loss():
    model = Sequential([Dense(1, input_dim=2)])
    model.compile('sgd', 'mse')
    x = np.random.rand(4, 2).astype('float32')
    y = np.random.rand(4, 1).astype('float32')
    err = ((model.predict(x) - y) ** 2).ravel()
    sw = np.array([1., 0., 2., 0.5], dtype='float32')
    assert model.test_on_batch(x, y, sample_weight=sw) == pytest.approx(
        np.sum(err * sw) / 4, rel=1e-5)
    clf = Sequential([Dense(2, activation='softmax', input_dim=2)])
    clf.compile('sgd', 'categorical_crossentropy')
    yc = keras.utils.to_categorical([0, 1, 1, 0], 2)
    p = np.clip(clf.predict(x), 1e-7, 1 - 1e-7)
    ce = -np.sum(yc * np.log(p), axis=1)
    w = np.array([1., 3., 3., 1.])
    loss = clf.train_on_batch(x, yc, class_weight={0: 1., 1: 3.})
    assert loss == pytest.approx(np.sum(ce * w) / 4, rel=1e-4)


def test_class_weight_missing_class_is_an_error():
    clf = Sequential([Dense(2, activation='softmax', input_dim=2)])
    clf.compile('sgd', 'categorical_crossentropy')
    with pytest.raises(ValueError, match='must contain all classes'):
        clf.fit(np.zeros((2, 2)), keras.utils.to_categorical([0, 1], 2), class_weight={0: 1.},
                verbose=0)


def test_fit_before_compile_and_bad_lengths_raise():
    model = _binary_model()
    x, y = _data()
    with pytest.raises(RuntimeError, match='compile'):
        model.fit(x, y, verbose=0)
    model.compile('sgd', 'mse')
    with pytest.raises(ValueError, match='same number of samples'):
        model.fit(x, y[:10], verbose=0)
    with pytest.raises(ValueError, match='expected dense_2 to have shape'):
        model.fit(x, np.zeros((64, 3)), verbose=0)


def test_categorical_crossentropy_with_integer_targets_is_a_target_shape_error():
    inputs = Input(shape=(4,))
    model = Model(inputs, Dense(3, activation='softmax')(inputs))
    model.compile('sgd', 'categorical_crossentropy')
    with pytest.raises(ValueError, match='expected dense_1 to have shape \\(3,\\) but got array '
                                         'with shape \\(1,\\)'):
        model.fit(np.zeros((4, 4)), np.zeros((4, 1)), verbose=0)
    # a user-defined loss makes no assumption about target shapes
    model.compile('sgd', lambda y_true, y_pred: K.mean(y_pred, axis=-1) * 0. + K.mean(y_true))
    assert model.train_on_batch(np.zeros((4, 4)), np.ones((4, 1))) == pytest.approx(1.)


def test_validation_split_takes_the_last_samples():
    model = _binary_model()
    model.compile('sgd', 'mse')
    x, y = _data(10)
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(logs['size'])
    model.fit(x, y, validation_split=0.2, batch_size=100, verbose=0, callbacks=[Spy()])
    assert seen == [8]


def test_initial_epoch_steps_per_epoch_and_validation_freq():
    model = _binary_model()
    model.compile('sgd', 'mse')
    x, y = _data(32)
    h = model.fit(x, y, epochs=5, initial_epoch=2, verbose=0, validation_data=(x, y),
                  validation_freq=2)
    assert h.epoch == [2, 3, 4]
    assert len(h.history['loss']) == 3 and len(h.history['val_loss']) == 1
    batches = []

    class Count(keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            batches.append(batch)
    model.fit(x, y, epochs=1, steps_per_epoch=3, batch_size=8, verbose=0, callbacks=[Count()])
    assert batches == [0, 1, 2]


def test_nb_epoch_is_accepted_with_a_warning():
    model = _binary_model()
    model.compile('sgd', 'mse')
    x, y = _data(8)
    with pytest.warns(UserWarning, match='nb_epoch'):
        h = model.fit(x, y, nb_epoch=2, verbose=0)
    assert len(h.history['loss']) == 2


def test_shuffle_false_keeps_batch_order():
    model = Sequential([Dense(1, input_dim=1)])
    model.compile('sgd', 'mse')
    firsts = []

    class Spy(keras.callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):
            firsts.append(batch)
    x = np.arange(10.).reshape(-1, 1)
    model.fit(x, x, batch_size=4, shuffle=False, verbose=0, callbacks=[Spy()])
    model.fit(x, x, batch_size=4, shuffle='batch', verbose=0)
    assert firsts == [0, 1, 2]


def test_learning_reduces_loss_and_freezing_keeps_weights():
    model = _binary_model()
    model.compile('adam', 'binary_crossentropy', metrics=['acc'])
    x, y = _data(256)
    h = model.fit(x, y, epochs=15, verbose=0, batch_size=32)
    assert h.history['loss'][-1] < h.history['loss'][0]
    model.layers[0].trainable = False
    model.compile('adam', 'binary_crossentropy')
    frozen = model.layers[0].get_weights()
    model.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_regularization_losses_are_added_to_the_training_loss():
    model = Sequential([Dense(1, input_dim=2, kernel_regularizer=keras.regularizers.l2(1.),
                              kernel_initializer='ones', use_bias=False)])
    model.compile('sgd', 'mse')
    x = np.zeros((2, 2), dtype='float32')
    assert model.test_on_batch(x, np.zeros((2, 1))) == pytest.approx(2.)


def test_add_loss_with_symbolic_tensor():
    inputs = Input(shape=(2,))
    out = Dense(1, kernel_initializer='ones', use_bias=False)(inputs)
    model = Model(inputs, out)
    model.add_loss(K.mean(out) * 0. + 5.)
    model.compile('sgd', loss=None)
    loss = model.train_on_batch(np.ones((2, 2)), None)
    assert loss == pytest.approx(5.)


class _Seq(Sequence):
    def __init__(self, x, y, batch):
        self.x, self.y, self.batch = x, y, batch
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch)))

    def __getitem__(self, i):
        s = slice(i * self.batch, (i + 1) * self.batch)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_fit_generator_with_sequence_and_python_generator():
    model = _binary_model()
    model.compile('sgd', 'mse', metrics=['acc'])
    x, y = _data(40)
    seq = _Seq(x, y, 8)
    h = model.fit_generator(seq, epochs=2, verbose=0, workers=0)
    assert seq.epochs_ended == 2 and len(h.history['loss']) == 2
    model.fit_generator(seq, epochs=1, verbose=0, workers=2, validation_data=seq)

    def gen():
        while True:
            for i in range(5):
                yield x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8]
    with pytest.warns(UserWarning, match='samples_per_epoch'):
        model.fit_generator(gen(), samples_per_epoch=5, nb_epoch=1, verbose=0)
    loss, acc = model.evaluate_generator(_Seq(x, y, 8), workers=0)
    expected = model.evaluate(x, y, verbose=0, batch_size=8)
    np.testing.assert_allclose([loss, acc], expected, rtol=1e-5)
    preds = model.predict_generator(_Seq(x, y, 8), workers=0)
    np.testing.assert_allclose(preds, model.predict(x), rtol=1e-6)


def test_generator_methods_take_keras1_arguments():
    model = _binary_model()
    model.compile('sgd', 'mse')
    x, y = _data(40)
    batches = []

    class Counting(object):  # a Keras 1 era generator object with a batch_size
        batch_size = 8

        def __iter__(self):
            return self

        def __next__(self):
            i = len(batches) % 5
            batches.append(i)
            return x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8]

    with pytest.warns(UserWarning) as record:
        history = model.fit_generator(Counting(), samples_per_epoch=24, nb_epoch=2,
                                      nb_worker=1, pickle_safe=False, max_q_size=4, verbose=0)
    messages = ' '.join(str(w.message) for w in record)
    assert 'counts batches' in messages
    assert '`samples_per_epoch` -> `steps_per_epoch`' in messages and \
        '`pickle_safe` -> `use_multiprocessing`' in messages
    assert len(history.epoch) == 2 and len(batches) >= 6  # 24 samples / batch_size 8 = 3 steps
    with pytest.warns(UserWarning, match='`val_samples` -> `steps`'):
        preds = model.predict_generator(_Seq(x, y, 8), val_samples=2, workers=0)
    assert preds.shape == (16, 1)  # val_samples became a number of steps, as in 2.3.1
    with pytest.warns(UserWarning, match='`val_samples` -> `steps`'):
        loss = model.evaluate_generator(_Seq(x, y, 8), val_samples=5, nb_worker=0)
    np.testing.assert_allclose(loss, model.evaluate(x, y, batch_size=8, verbose=0), rtol=1e-5)
    with pytest.raises(TypeError, match='unexpected keyword arguments: nb_val_samples'), \
            pytest.warns(UserWarning, match='counts batches'):
        model.evaluate_generator(_Seq(x, y, 8), nb_val_samples=2)
    with pytest.raises(TypeError, match='twice'), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model.fit_generator(_Seq(x, y, 8), steps_per_epoch=2, samples_per_epoch=16)
    with pytest.raises(TypeError, match='unexpected keyword arguments: foo'):
        model.predict_generator(_Seq(x, y, 8), foo=1)


def test_generator_that_stops_early_is_a_clear_error():
    model = _binary_model()
    model.compile('sgd', 'mse')
    x, y = _data(8)
    with pytest.raises(RuntimeError, match='ran out of data'):
        model.fit_generator(iter([(x, y)]), steps_per_epoch=3, verbose=0, workers=0)


def test_predict_classes_and_proba():
    model = Sequential([Dense(3, activation='softmax', input_dim=2)])
    x = np.random.rand(5, 2)
    np.testing.assert_array_equal(model.predict_classes(x), model.predict(x).argmax(-1))
    np.testing.assert_allclose(model.predict_proba(x), model.predict(x))
    binary = _binary_model()
    assert binary.predict_classes(np.random.rand(3, 4)).shape == (3, 1)


def test_progress_bar_format(capsys):
    model = _binary_model()
    model.compile('sgd', 'mse', metrics=['acc'])
    x, y = _data(64)
    model.fit(x, y, epochs=1, verbose=2)
    out = capsys.readouterr().out
    assert 'Epoch 1/1' in out
    assert ' - loss: ' in out and ' - acc: ' in out


def test_fit_announces_the_validation_split(capsys):
    model = _binary_model()
    model.compile('sgd', 'mse')
    x, y = _data(50)
    model.fit(x, y, epochs=1, verbose=2, validation_split=0.2)
    assert capsys.readouterr().out.startswith('Train on 40 samples, validate on 10 samples\n'
                                              'Epoch 1/1\n')
    model.fit(x, y, epochs=1, verbose=1, validation_data=(x[:7], y[:7]))
    assert 'Train on 50 samples, validate on 7 samples\n' in capsys.readouterr().out
    model.fit(x, y, epochs=1, verbose=0, validation_split=0.2)
    model.fit(x, y, epochs=1, verbose=2)
    assert 'Train on' not in capsys.readouterr().out


def test_torch_optimizer_is_accepted():
    model = _binary_model()
    model.compile(torch.optim.SGD(model.parameters(), lr=0.1), 'mse')
    x, y = _data(16)
    before = model.get_weights()[0].copy()
    model.fit(x, y, verbose=0)
    assert not np.allclose(before, model.get_weights()[0])


def test_stateful_model_needs_divisible_batches():
    model = Sequential([Dense(2, batch_input_shape=(4, 3))])
    model.layers[0].stateful = True
    with pytest.raises(ValueError, match='divided by the batch size'):
        model.predict(np.zeros((6, 3)), batch_size=4)


def test_dropout_is_active_in_fit_only():
    model = Sequential([Dropout(0.5, input_shape=(100,))])
    model.compile('sgd', 'mse')
    x = np.ones((8, 100), dtype='float32')
    # all-ones target: in training half of the units are 0 and the rest 2
    assert model.train_on_batch(x, x) == pytest.approx(1., abs=0.3)
    assert model.test_on_batch(x, x) == pytest.approx(0.)


class _Subclassed(keras.Model):
    def __init__(self, num_classes=3):
        super(_Subclassed, self).__init__(name='my_model')
        self.dense_1 = Dense(8, activation='relu')
        self.dropout = Dropout(0.5)
        self.dense_2 = Dense(num_classes, activation='softmax')

    def call(self, inputs, training=None):
        return self.dense_2(self.dropout(self.dense_1(inputs), training=training))


def test_subclassed_model_compiles_before_data_and_trains():
    model = _Subclassed()
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    x = np.random.rand(64, 5).astype('float32')
    y = keras.utils.to_categorical(np.random.randint(3, size=64), 3)
    h = model.fit(x, y, epochs=2, verbose=0)
    assert model.metrics_names == ['loss', 'accuracy'] and len(h.history['loss']) == 2
    assert model.predict(x).shape == (64, 3)
    assert [w.shape for w in model.get_weights()] == [(5, 8), (8,), (8, 3), (3,)]
    np.testing.assert_allclose(model.predict(x[:4]), model.predict(x[:4]))  # dropout off


def test_subclassed_model_build_with_input_shape():
    model = _Subclassed()
    model.build((None, 7))
    assert model.count_params() == 7 * 8 + 8 + 8 * 3 + 3
    assert model.outputs[0].shape == (None, 3)


def test_deferred_sequential_compiles_before_it_is_built():
    model = Sequential()
    model.add(Dense(4))
    model.add(Dense(1))
    model.compile('sgd', 'mse', metrics=['mae'])
    assert not model.built
    h = model.fit(np.random.rand(16, 3), np.random.rand(16, 1), verbose=0)
    assert model.built and sorted(h.history) == ['loss', 'mae']


def test_add_metric_symbolic_and_inside_call():
    class Reporting(keras.layers.Layer):
        def call(self, x):
            self.add_metric(K.mean(x) * 0. + 7., name='seven')
            return x

        def compute_output_shape(self, input_shape):
            return input_shape
    inputs = Input(shape=(2,))
    hidden = Dense(3, kernel_initializer='ones', bias_initializer='zeros')(inputs)
    out = Reporting()(hidden)
    model = Model(inputs, out)
    model.add_metric(K.sum(hidden, axis=-1) * 0. + 2., name='two')
    model.compile('sgd', 'mse')
    assert model.metrics_names == ['loss', 'two']
    h = model.fit(np.ones((8, 2)), np.zeros((8, 3)), batch_size=4, epochs=2, verbose=0)
    assert model.metrics_names == ['loss', 'two', 'seven']
    np.testing.assert_allclose(h.history['two'], [2., 2.])
    np.testing.assert_allclose(h.history['seven'], [7., 7.])


def test_one_dimensional_targets_reach_custom_losses_as_columns():
    # Keras 2.3.1 turns every 1-D target into (n, 1): a custom loss written
    # against the (batch, 1) output (the siamese example's contrastive loss)
    # must not broadcast (batch,) against (batch, 1).
    seen = []

    def loss(y_true, y_pred):
        seen.append(('loss', tuple(y_true.shape), tuple(y_pred.shape)))
        return K.mean(K.square(y_pred - y_true))

    def metric(y_true, y_pred):
        seen.append(('metric', tuple(y_true.shape), tuple(y_pred.shape)))
        return K.mean(y_true)

    inputs = Input((3,))
    model = Model(inputs, Dense(1)(inputs))
    model.compile('sgd', loss, metrics=[metric])
    x, labels = np.random.rand(8, 3), np.arange(8)
    model.fit(x, labels, batch_size=4, verbose=0)
    model.train_on_batch(x, labels)
    _, mean_label = model.evaluate(x, labels, batch_size=8, verbose=0)
    assert mean_label == pytest.approx(3.5)
    assert {s[1:] for s in seen} == {((4, 1), (4, 1)), ((8, 1), (8, 1))}
    flat = Model(inputs, keras.layers.Lambda(lambda t: t[:, 0])(inputs))  # a rank-1 output
    flat.compile('sgd', loss)
    flat.fit(x, labels, batch_size=4, verbose=0)
    assert seen[-1] == ('loss', (4,), (4,))


def test_models_that_take_gradients_in_their_forward_pass_evaluate_and_predict():
    # The SWWAE example's max-pooling switches: K.gradients inside a Lambda.
    def switches(tensors):
        before, after = tensors
        return K.gradients(K.sum(after), before)

    inputs = Input((4, 4, 1))
    features = keras.layers.Conv2D(2, 1)(inputs)
    pooled = keras.layers.MaxPooling2D()(features)
    where = keras.layers.Lambda(switches)([features, pooled])
    outputs = keras.layers.Flatten()(keras.layers.Multiply()([where, features]))
    model = Model(inputs, outputs)
    model.compile('sgd', 'mse')
    x, y = np.random.rand(6, 4, 4, 1), np.random.rand(6, 32)
    model.fit(x, y, batch_size=3, verbose=0, validation_data=(x, y))
    preds = model.predict(x, batch_size=2)
    mask = (preds != 0).reshape(6, 4, 4, 2)
    assert mask.reshape(6, 2, 2, 2, 2, 2).sum(axis=(2, 4)).max() == 1  # one switch per window
    np.testing.assert_allclose(model.predict_on_batch(x), preds, rtol=1e-6)
    np.testing.assert_allclose(model.predict_generator(iter([x[:3], x[3:]]), steps=2), preds,
                               rtol=1e-6)
    assert np.isfinite(model.evaluate(x, y, verbose=0))
    assert np.isfinite(model.test_on_batch(x, y))
    # A loss that takes gradients (a WGAN-GP-style penalty on the inputs' gradient).
    dense_in = Input((3,))
    critic = Model(dense_in, Dense(1)(dense_in))

    def penalty(y_true, y_pred):
        grad = K.gradients(K.sum(y_pred), critic.layers[1].kernel)[0]
        return K.mean(y_pred * y_true) + K.sum(K.square(grad))

    critic.compile('sgd', penalty)
    data = np.random.rand(4, 3)
    critic.fit(data, np.ones((4, 1)), verbose=0)
    assert np.isfinite(critic.evaluate(data, np.ones((4, 1)), verbose=0))


def test_gan_pattern_frozen_discriminator_inside_the_combined_model():
    # The DCGAN/ACGAN recipe: the discriminator is compiled, then frozen and
    # compiled again inside the combined model; each model trains what it
    # collected when it was compiled, in any order.
    discriminator = Sequential([Dense(4, activation='relu', input_dim=3),
                                Dense(1, activation='sigmoid')])
    discriminator.compile('sgd', 'binary_crossentropy')
    generator = Sequential([Dense(3, input_dim=2)])
    discriminator.trainable = False
    noise = Input((2,))
    combined = Model(noise, discriminator(generator(noise)))
    combined.compile('sgd', 'binary_crossentropy')
    assert len(combined._collected_trainable_weights) == 2  # the generator's only
    z, real = np.random.rand(8, 2), np.random.rand(8, 3)
    for _ in range(2):
        d_before = [w.copy() for w in discriminator.get_weights()]
        discriminator.train_on_batch(np.concatenate([real, generator.predict(z)]),
                                     np.array([1] * 8 + [0] * 8))
        assert all(not np.allclose(a, b) for a, b in zip(d_before, discriminator.get_weights()))
        d_before = [w.copy() for w in discriminator.get_weights()]
        g_before = [w.copy() for w in generator.get_weights()]
        combined.train_on_batch(z, np.ones(8))
        assert all(np.array_equal(a, b) for a, b in zip(d_before, discriminator.get_weights()))
        assert all(not np.allclose(a, b) for a, b in zip(g_before, generator.get_weights()))


def test_predict_never_returns_a_view_of_the_input_array():
    from keras.layers import Lambda
    inp = Input((3,))
    x = np.ones((2, 3), 'float32')
    for model in (Model(inp, inp), Model(inp, Lambda(lambda t: t[:, :2])(inp))):
        out = model.predict(x)
        out[:] = 5.
        np.testing.assert_array_equal(x, np.ones((2, 3)))
    # one batch or several: the same predictions
    model = Model(inp, Dense(2)(inp))
    data = np.random.RandomState(0).rand(10, 3).astype('float32')
    np.testing.assert_allclose(model.predict(data, batch_size=32),
                               model.predict(data, batch_size=3), rtol=1e-6)


def test_predict_without_callbacks_resets_stop_training_as_configuring_them_did():
    inp = Input((3,))
    model = Model(inp, Dense(1)(inp))
    model.stop_training = True
    model.predict(np.ones((1, 3)))
    assert model.stop_training is False
