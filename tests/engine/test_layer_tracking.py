"""What layers and models report about their calls: ``losses``, ``updates``,
``get_losses_for``/``get_updates_for`` and the learning-phase flags, counted
per call as Keras 2.3.1 counted them."""
import warnings

import numpy as np
import pytest
import torch

from keras import backend as K
from keras import regularizers
from keras.backend.update_ops import UpdateOp
from keras.layers import (LSTM, Average, BatchNormalization, Bidirectional, Dense, Dropout,
                          GaussianNoise, Input, Lambda, Layer, SimpleRNN, TimeDistributed)
from keras.models import Model, Sequential


def _penalized_dense(**kwargs):
    return Dense(3, kernel_regularizer=regularizers.l2(0.01),
                 activity_regularizer=regularizers.l1(0.01), **kwargs)


def test_sequential_reports_weight_and_activity_losses():
    model = Sequential([_penalized_dense(input_shape=(4,)), Dense(2)])
    assert len(model.losses) == 2
    assert len(model.layers[0].get_losses_for(None)) == 1
    assert len(model.layers[0].get_losses_for(model.inputs[0])) == 1


def test_activity_loss_is_a_graph_tensor_with_the_penalty_value():
    x = Input((2,))
    layer = Dense(2, kernel_initializer='ones', use_bias=False,
                  activity_regularizer=regularizers.l1(0.5))
    y = layer(x)
    (loss,) = layer.get_losses_for(x)
    value = K.function([x], [loss])([np.array([[1., 2.]], 'float32')])[0]
    # outputs [3, 3]: 0.5 * (3 + 3)
    np.testing.assert_allclose(value, 3.0)
    assert y._keras_history[0] is layer


def test_layer_shared_twice_counts_its_activity_loss_per_call():
    shared = _penalized_dense()
    a, b = Input((4,)), Input((4,))
    model = Model([a, b], Average()([shared(a), shared(b)]))
    model.add_loss(2.5)
    # two activity losses, one weight penalty, the number
    assert len(model.losses) == 4
    assert 2.5 in model.losses


def test_model_called_on_new_inputs_reports_losses_for_those_calls():
    inner_in = Input((4,))
    inner = Model(inner_in, _penalized_dense()(inner_in))
    a, b = Input((4,)), Input((4,))
    outer = Model([a, b], Average()([inner(a), inner(b)]))
    assert len(inner.losses) == 2
    assert len(inner.get_losses_for(a)) == 1
    assert len(outer.losses) == 3  # an activity loss per call, one weight penalty


def test_layer_shared_by_two_models_has_its_weight_penalty_counted_once():
    shared = _penalized_dense()
    models = []
    for _ in range(2):
        x = Input((4,))
        models.append(Model(x, Dense(3, kernel_regularizer='l1')(shared(x))))
    a, b = Input((4,)), Input((4,))
    outer = Model([a, b], Average()([models[0](a), models[1](b)]))
    # 2 activity losses + shared penalty once + 2 unshared penalties
    assert len(outer.losses) == 5


def test_add_loss_keeps_what_it_was_given_per_inputs():
    x = Input((3,))
    layer = Dense(2)
    layer.add_loss(7, inputs=x)
    layer.add_loss(8)
    assert layer.get_losses_for(x) == [7]
    assert layer.get_losses_for(None) == [8]
    assert sorted(layer.losses) == [7, 8]


def test_loss_added_inside_call_is_reported_and_trains_once():
    class Penalty(Layer):
        def call(self, inputs):
            self.add_loss(K.sum(inputs * 0. + 1.), inputs=inputs)
            return inputs

    x = Input((3,))
    y = Penalty()(Dense(3, kernel_initializer='zeros', bias_initializer='zeros')(x))
    model = Model(x, y)
    (loss,) = model.losses
    np.testing.assert_allclose(K.function([x], [loss])([np.zeros((2, 3), 'float32')])[0], 6.)
    model.compile('sgd', 'mse')
    # mse is 0 (outputs and targets are zeros); the penalty counts once: 2 * 3 ones
    np.testing.assert_allclose(model.evaluate(np.zeros((2, 3)), np.zeros((2, 3)), verbose=0),
                               6., rtol=1e-6)


def test_a_loss_layer_reading_tensors_of_its_enclosing_graph():
    # Deep Learning with Python's VAE: the loss layer's call uses z_mean and
    # z_log_var from the enclosing scope, not from its inputs.
    x = Input((4,))
    z_mean = Dense(2, name='z_mean')(x)
    z_log_var = Dense(2, name='z_log_var')(x)
    z = Lambda(lambda args: args[0] + 0.1 * K.exp(args[1] / 2))([z_mean, z_log_var])
    decoded = Dense(4, activation='sigmoid', name='decoded')(z)

    class VariationalLoss(Layer):
        def call(self, inputs):
            target, reconstruction = inputs
            xent = K.mean(K.binary_crossentropy(target, reconstruction), axis=-1)
            kl = -0.5 * K.mean(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
            self.add_loss(K.mean(xent + kl), inputs=inputs)
            return target

    model = Model(x, VariationalLoss()([x, decoded]))
    model.compile('adam', loss=None)
    data = np.random.RandomState(0).rand(8, 4).astype('float32')

    def expected():
        m, lv, rec = Model(x, [z_mean, z_log_var, decoded]).predict(data)  # (no dropout)
        rec = np.clip(rec, 1e-7, 1 - 1e-7)
        xent = -np.mean(data * np.log(rec) + (1 - data) * np.log(1 - rec), axis=-1)
        kl = -0.5 * np.mean(1 + lv - m ** 2 - np.exp(lv), axis=-1)
        return np.mean(xent + kl)

    np.testing.assert_allclose(model.evaluate(data, None, verbose=0), expected(), rtol=1e-4)
    (loss,) = model.losses  # a graph tensor K.function evaluates
    np.testing.assert_allclose(K.function([x], [loss])([data])[0], expected(), rtol=1e-4)
    before = model.get_layer('z_log_var').get_weights()[0].copy()
    history = model.fit(data, None, epochs=3, batch_size=8, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]
    # the KL term trains z_log_var, which only the enclosing scope connects to the loss
    assert not np.allclose(before, model.get_layer('z_log_var').get_weights()[0])
    assert len(model.get_layer(index=-1)._symbolic_losses) == 0  # nothing piles up per step


def test_a_custom_layer_with_a_shape_rule_reports_and_trains_its_call_losses():
    # Keras 2 ran every call on the graph at build time: the losses a call adds
    # are in model.losses even when compute_output_shape spares shape inference
    x = Input((4,))
    code = Dense(2, name='code')(x)
    decoded = Dense(4, name='decoded')(code)

    class Reconstruction(Layer):
        def call(self, inputs):
            target, output = inputs
            self.add_loss(K.mean(K.square(target - output)) + 0.1 * K.mean(K.square(code)),
                          inputs=inputs)
            return target

        def compute_output_shape(self, input_shape):
            return input_shape[0]

    class Fragile(Layer):  # its call cannot run on placeholder values: left to the real run
        def call(self, inputs):
            if float(K.sum(inputs)) == 0.:
                raise RuntimeError('zeros')
            return inputs

        def compute_output_shape(self, input_shape):
            return input_shape

    layer = Reconstruction()
    model = Model(x, Fragile()(layer([x, decoded])))
    assert len(model.losses) == 1
    model.compile('adam', loss=None)
    data = np.random.RandomState(1).rand(6, 4).astype('float32') + 0.1
    c, d = Model(x, [code, decoded]).predict(data)
    expected = np.mean((data - d) ** 2) + 0.1 * np.mean(c ** 2)
    np.testing.assert_allclose(model.evaluate(data, None, verbose=0), expected, rtol=1e-5)
    history = model.fit(data, None, epochs=3, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]
    assert layer._symbolic_losses == []


def test_a_loss_without_gradient_is_refused_in_keras_terms():
    class Constant(Layer):
        def call(self, inputs):
            x, _ = inputs
            self.add_loss(K.mean(x * 0.) + 1., inputs=inputs)  # no weight reaches it
            return x

    x = Input((3,))
    model = Model(x, Constant()([x, Dense(3)(x)]))
    model.compile('sgd', loss=None)
    with pytest.raises(ValueError, match='does not depend on any trainable weight'):
        model.fit(np.ones((2, 3)), None, verbose=0)


def test_eager_calls_report_only_the_latest_call_losses():
    layer = Dense(2, activity_regularizer='l2')
    first = torch.ones(3, 4)
    layer(first)
    second = torch.ones(3, 4)
    layer(second)
    assert layer.get_losses_for(first) == []
    assert len(layer.get_losses_for(second)) == 1
    assert len(layer.losses) == 1


def test_rnn_and_wrappers_report_their_cells_penalties():
    rnn = SimpleRNN(3, kernel_regularizer='l1', recurrent_regularizer='l1')
    rnn.build((None, 5, 2))
    assert len(rnn.losses) == 2 and len(rnn.cell.losses) == 2
    bidi = Bidirectional(SimpleRNN(3, kernel_regularizer='l1', bias_regularizer='l2'))
    x = Input((5, 2))
    bidi(x)
    bidi.forward_layer.add_loss(1., inputs=x)
    assert len(bidi.get_losses_for(None)) == 4
    assert bidi.get_losses_for(x) == [1.]
    model = Sequential([TimeDistributed(Dense(2, activity_regularizer='l1'),
                                        input_shape=(5, 4))])
    assert len(model.losses) == 1


def test_batchnorm_updates_are_reported_per_call_as_applied_in_call():
    bn = BatchNormalization()
    a, b = Input((4,)), Input((4,))
    bn(a)
    y = bn(b)
    ops = bn.get_updates_for(b)
    assert len(ops) == 2 and len(bn.updates) == 4
    assert all(isinstance(op, UpdateOp) and op.applied_in_call for op in ops)
    assert set(id(op.variable) for op in ops) == {id(bn.moving_mean), id(bn.moving_variance)}
    assert len(Model(b, y).updates) == 2
    bn(Input((4,)), training=False)
    assert len(bn.updates) == 4  # an inference call changes nothing


def test_frozen_layer_or_model_reports_no_updates():
    x = Input((3, 2))
    wrapped = TimeDistributed(BatchNormalization())
    model = Model(x, wrapped(x))
    assert len(wrapped.updates) == 2 and len(model.updates) == 2
    wrapped.trainable = False
    assert wrapped.updates == [] and model.updates == []
    wrapped.trainable = True
    model.trainable = False
    assert model.updates == []


def test_nested_model_reports_updates_for_its_new_call():
    inner = Sequential([Dense(3, input_shape=(3,)), BatchNormalization()])
    x = Input((3,))
    outer = Model(x, inner(x))
    assert len(inner.updates) == 2
    assert len(outer.updates) == 2
    assert outer.updates[0] is not inner.updates[0]


def test_add_update_per_inputs_and_through_wrappers():
    x = Input((3, 2))
    bidi = Bidirectional(SimpleRNN(3))
    bidi.forward_layer.add_update('fwd', inputs=x)
    bidi.backward_layer.add_update('bwd', inputs=None)
    assert bidi.get_updates_for(x) == ['fwd']
    assert bidi.get_updates_for(None) == ['bwd']
    assert len(bidi.updates) == 2


def test_stateful_rnn_reports_its_state_updates():
    x = Input(batch_shape=(2, 4, 3))
    rnn = LSTM(5, stateful=True)
    model = Model(x, rnn(x))
    assert len(model.updates) == 2
    assert len(model.state_updates) == 2


def test_learning_phase_flags_follow_the_layers_and_training_argument():
    x = Input((4,))
    dense = Dense(3)(x)
    dropped = Dropout(0.3)(dense)
    assert not dense._uses_learning_phase and dropped._uses_learning_phase
    assert not Dropout(0.)(dense)._uses_learning_phase
    assert not Dropout(0.3)(dense, training=True)._uses_learning_phase
    assert GaussianNoise(0.1)(dense)._uses_learning_phase
    assert Dense(2)(dropped)._uses_learning_phase
    assert Model(x, dropped).uses_learning_phase
    assert not Model(x, dense).uses_learning_phase
    new = Model(x, [dense, dropped])(Input((4,)))
    assert all(t._uses_learning_phase for t in new)
    rnn = SimpleRNN(2, dropout=0.2)
    assert rnn(torch.ones(2, 3, 4))._uses_learning_phase
    assert rnn(torch.ones(2, 3, 4), training=False)._uses_learning_phase is False
    assert Bidirectional(SimpleRNN(2, recurrent_dropout=0.2))(Input((3, 4)))._uses_learning_phase


def test_changing_trainable_after_compile_warns_when_training():
    x = Input((3,))
    inner = Model(x, Dense(1)(x))
    inner.trainable = False
    y = Input((3,))
    model = Model(y, Dense(1)(inner(y)))
    model.compile('sgd', 'mse')
    inner.trainable = True
    with pytest.warns(UserWarning, match='Discrepancy'):
        model.train_on_batch(np.zeros((2, 3)), np.zeros((2, 1)))
    model.compile('sgd', 'mse')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        model.train_on_batch(np.zeros((2, 3)), np.zeros((2, 1)))
        model.summary(print_fn=lambda line: None)


def test_update_made_in_call_is_reported_once_and_applied_once_per_batch():
    class Counter(Layer):
        def build(self, input_shape):
            self.seen = self.add_weight(name='seen', shape=(), initializer='zeros',
                                        trainable=False)
            super(Counter, self).build(input_shape)

        def call(self, inputs):
            self.add_update(K.update_add(self.seen, 1.), inputs)
            return inputs

    x = Input((3,))
    counter = Counter()
    model = Model(x, counter(Dense(3)(x)))
    assert K.get_value(counter.seen) == 0.  # building the graph changes nothing
    (op,) = counter.get_updates_for(counter.input)
    assert op.variable is counter.seen and op.applied_in_call
    assert len(model.updates) == 1
    model.compile('sgd', 'mse')
    model.train_on_batch(np.ones((4, 3)), np.ones((4, 3)))
    model.train_on_batch(np.ones((4, 3)), np.ones((4, 3)))
    assert K.get_value(counter.seen) == 2.
