"""Keras names never collide with Keras attributes: a layer called ``'loss'`` in
a model, a weight called ``'weights'`` in a layer, a plain value assigned over a
registered weight or sub-layer (torch would refuse each of these)."""
import numpy as np
import pytest
import keras
from keras import backend as K
from keras import layers
from keras.models import Model, Sequential


def _xy(n=8):
    rng = np.random.RandomState(0)
    return rng.rand(n, 3).astype('float32'), rng.rand(n, 2).astype('float32')


def test_a_layer_named_like_a_model_attribute_keeps_both():
    # keras-rl's DQN names its loss-computing Lambda 'loss', then compiles.
    x = layers.Input((3,))
    y = layers.Dense(2, name='loss')(x)
    z = layers.Dense(2, name='optimizer')(y)
    model = Model(x, z)
    model.compile('sgd', 'mse')
    assert model.loss == 'mse'
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert model.get_layer('loss').name == 'loss'
    assert [l.name for l in model.layers][1:] == ['loss', 'optimizer']
    xs, ys = _xy()
    before = model.get_layer('loss').get_weights()[0].copy()
    model.fit(xs, ys, epochs=1, verbose=0)
    assert not np.allclose(before, model.get_layer('loss').get_weights()[0])


@pytest.mark.parametrize('name', ['loss', 'layers', 'inputs', 'history', 'summary', 'name'])
def test_sequential_layers_may_take_any_name(name):
    model = Sequential([layers.Dense(2, input_shape=(3,), name=name)])
    model.compile('sgd', 'mse')
    xs, ys = _xy()
    model.fit(xs, ys, epochs=1, verbose=0)
    assert model.get_layer(name) is model.layers[0]
    model.pop()
    assert model.layers == []


def test_a_weight_named_like_a_layer_attribute():
    class Scaled(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(name='weights', shape=(input_shape[-1], 2),
                                     initializer='ones')
            self.b = self.add_weight(name='input', shape=(2,), initializer='zeros')
            super(Scaled, self).build(input_shape)

        def call(self, x):
            return K.dot(x, self.w) + self.b

        def compute_output_shape(self, input_shape):
            return input_shape[:-1] + (2,)

    model = Sequential([Scaled(input_shape=(3,), name='scaled')])
    assert [w.name for w in model.weights] == ['scaled/weights:0', 'scaled/input:0']
    np.testing.assert_allclose(model.predict(np.ones((1, 3), 'float32')), [[3., 3.]])
    assert isinstance(model.layers[0].weights, list)  # the property still answers


def test_a_plain_value_assigned_over_a_weight_or_sub_layer():
    layer = layers.Dense(2)
    layer.build((None, 3))
    kernel = layer.kernel
    layer.kernel = K.transpose(kernel) * 1.  # a tensor, not a weight: Keras allows it
    assert layer.kernel.shape == (2, 3)
    assert any(w is kernel for w in layer.trainable_weights)
    assert any(p is kernel for p in layer.parameters())

    x = layers.Input((3,))
    model = Model(x, layers.Dense(2, name='foo')(x))
    inner = model.get_layer('foo')
    model.foo = 'a plain attribute'
    assert model.foo == 'a plain attribute'
    assert model.get_layer('foo') is inner
    assert inner in list(model.modules())


def test_a_shared_layer_is_registered_once():
    x = layers.Input((3,))
    dense = layers.Dense(3, name='loss')
    model = Model(x, dense(dense(x)))
    assert [m for m in model._modules.values() if m is dense] == [dense]
    assert len(list(model.parameters())) == 2
