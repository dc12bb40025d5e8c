"""The Layer base class: names, weights, build, nodes, errors."""
import numpy as np
import pytest
import torch

import keras
from keras import backend as K
from keras.engine.base_layer import Layer
from keras.layers import Dense, Input, Activation, Dropout


def test_automatic_names_count_per_class_from_one():
    a, b, c = Dense(2), Dense(3), Activation('relu')
    assert (a.name, b.name, c.name) == ('dense_1', 'dense_2', 'activation_1')
    K.clear_session()
    assert Dense(1).name == 'dense_1'


def test_add_weight_registers_parameters_in_keras_order_and_shape():
    layer = Dense(4)
    layer.build((None, 3))
    assert [tuple(w.shape) for w in layer.weights] == [(3, 4), (4,)]
    assert all(isinstance(w, torch.nn.Parameter) for w in layer.weights)
    assert layer.count_params() == 16
    assert [n for n, _ in layer.named_parameters()] == ['kernel', 'bias']


def test_set_weights_checks_everything_before_changing_anything():
    layer = Dense(2)
    layer.build((None, 3))
    before = layer.get_weights()
    with pytest.raises(ValueError, match='dense_1.*length 1.*expecting 2'):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r'\(2,\).*\(3,\).*dense_1'):
        layer.set_weights([np.ones((3, 2)), np.ones((3,))])
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    layer.set_weights([np.ones((3, 2)), np.full((2,), 2.)])
    np.testing.assert_array_equal(layer.get_weights()[1], [2., 2.])


def test_trainable_false_moves_weights_to_non_trainable():
    layer = Dense(2)
    layer.build((None, 3))
    layer.trainable = False
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2


def test_count_params_of_unbuilt_layer_raises():
    with pytest.raises(ValueError, match='isn\'t built'):
        Dense(2).count_params()


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match='input_dimm'):
        Activation('relu', input_dimm=3)


def test_input_spec_error_names_layer_and_shapes():
    x = Input(shape=(3,))
    layer = Dense(2)
    layer(x)
    with pytest.raises(ValueError, match='dense_1.*axis -1.*value 3.*\\(None, 5\\)'):
        layer(Input(shape=(5,)))


def test_node_attributes_single_and_shared():
    a = Input(shape=(140, 16))
    b = Input(shape=(140, 16))
    layer = Dense(8)
    ea = layer(a)
    assert layer.output is ea
    assert layer.input is a
    assert layer.input_shape == (None, 140, 16)
    assert layer.output_shape == (None, 140, 8)
    eb = layer(b)
    assert layer.get_output_at(0) is ea
    assert layer.get_output_at(1) is eb
    assert layer.get_input_at(1) is b
    assert layer.get_input_shape_at(1) == (None, 140, 16)
    assert layer.get_output_shape_at(0) == (None, 140, 8)
    with pytest.raises(AttributeError, match='multiple inbound nodes'):
        layer.output
    # same shapes on both nodes: the shape properties still work
    assert layer.output_shape == (None, 140, 8)


def test_unconnected_layer_output_raises():
    with pytest.raises(AttributeError, match='not connected'):
        Dense(2).output


class MyLayer(Layer):
    """The Keras 2 docs' custom layer, written exactly as there."""

    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super(MyLayer, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name='kernel', shape=(input_shape[1], self.output_dim),
                                      initializer='uniform', trainable=True)
        super(MyLayer, self).build(input_shape)

    def call(self, x):
        return K.dot(x, self.kernel)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)


def test_custom_layer_written_for_keras2_works():
    x = Input(shape=(5,))
    y = MyLayer(3)(x)
    assert y.shape == (None, 3)
    model = keras.models.Model(x, y)
    data = np.random.rand(4, 5).astype('float32')
    kernel = model.layers[1].get_weights()[0]
    np.testing.assert_allclose(model.predict(data), data.dot(kernel), rtol=1e-5)


class NoShapeLayer(Layer):
    def call(self, x):
        return torch.cat([x, x], dim=-1)


def test_output_shape_is_inferred_when_not_declared():
    x = Input(shape=(None, 4))
    y = NoShapeLayer()(x)
    assert y.shape == (None, None, 8)


def test_eager_call_on_numpy_like_tensor_builds_layer():
    layer = Dense(3)
    out = layer(torch.ones(2, 4))
    assert tuple(out.shape) == (2, 3)
    assert layer.built


def test_activity_regularizer_and_weight_regularizer_are_losses():
    layer = Dense(2, kernel_regularizer='l2', bias_regularizer=keras.regularizers.l1(0.5))
    layer.build((None, 3))
    losses = layer.losses
    assert len(losses) == 2
    k, b = layer.get_weights()
    np.testing.assert_allclose(float(losses[0].detach()), 0.01 * np.sum(k ** 2), rtol=1e-5)


def test_dropout_is_identity_at_test_time_and_scales_in_training():
    layer = Dropout(0.5)
    x = torch.ones(1000, 10)
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)).issubset({0., 2.})
    assert 0.4 < (y == 0).mean() < 0.6


def test_keras1_spellings_warn_and_translate():
    with pytest.warns(UserWarning, match='output_dim'):
        layer = Dense(output_dim=3, init='uniform', W_regularizer='l2', input_dim=4)
    assert layer.units == 3
    assert layer.batch_input_shape == (None, 4)
    with pytest.warns(UserWarning, match='`p` -> `rate`'):
        assert Dropout(p=0.3).rate == 0.3


def test_dense_units_given_twice_reads_keyword_as_input_dim():
    with pytest.warns(UserWarning, match='input dimension'):
        layer = Dense(32, units=784)
    assert layer.units == 32 and layer.batch_input_shape == (None, 784)


def test_get_weights_returns_copies():
    layer = Dense(2)
    layer.build((None, 3))
    weights = layer.get_weights()
    weights[0][:] = 123.
    assert not np.any(layer.get_weights()[0] == 123.)
