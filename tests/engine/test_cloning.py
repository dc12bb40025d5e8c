"""``keras.models.clone_model``: new layers, fresh weights, same architecture."""
import numpy as np
import pytest

from keras import backend as K
from keras import layers
from keras.engine.base_layer import Layer
from keras.models import Model, Sequential, clone_model


def _shared_dense_model():
    a = layers.Input(shape=(4,), name='a')
    b = layers.Input(shape=(4,), name='b')
    shared = layers.Dense(3, name='shared')
    xa = layers.BatchNormalization()(layers.Dropout(0.5)(shared(a)))
    out = layers.add([layers.Dense(3)(xa), shared(b)])
    return Model([a, b], out, name='source')


def _no_shared_parameters(m1, m2):
    ids = set(id(w) for w in m1.weights)
    return not any(id(w) in ids for w in m2.weights)


def test_clone_functional_has_new_layers_and_same_function():
    model = _shared_dense_model()
    clone = clone_model(model)
    assert clone.name == model.name
    assert [type(l) for l in clone.layers] == [type(l) for l in model.layers]
    assert not set(map(id, clone.layers)) & set(map(id, model.layers))
    assert _no_shared_parameters(model, clone)
    # the shared layer is shared again: one Dense holds both branches' weights
    assert len(clone.weights) == len(model.weights)
    clone.set_weights(model.get_weights())
    xa, xb = np.random.rand(5, 4), np.random.rand(5, 4)
    np.testing.assert_allclose(clone.predict([xa, xb]), model.predict([xa, xb]), rtol=1e-5)
    clone.compile('sgd', 'mse')
    before = [w.copy() for w in model.get_weights()]
    clone.train_on_batch([xa, xb], np.random.rand(5, 3))
    for w, v in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, v)


def test_clone_on_given_inputs_and_on_variables():
    model = _shared_dense_model()
    xa, xb = np.random.rand(6, 4), np.random.rand(6, 4)
    new_a = layers.Input(shape=(4,), name='new_a')
    new_b = layers.Input(shape=(4,), name='new_b')
    clone = clone_model(model, input_tensors=[new_a, new_b])
    assert clone.inputs == [new_a, new_b]

    fed = clone_model(model, input_tensors=[K.variable(xa), K.variable(xb)])
    fed.set_weights(model.get_weights())
    fed.compile('sgd', 'mse')
    np.testing.assert_allclose(fed.predict([xa, xb]), model.predict([xa, xb]), rtol=1e-5)
    fed.train_on_batch(None, np.zeros((6, 3)))  # the inputs come from the variables
    with pytest.raises(ValueError, match='has 2 input'):
        clone_model(model, input_tensors=[new_a])


def test_clone_multi_output_layers_and_nested_models():
    inputs = layers.Input(shape=(4,))

    class Swap(Layer):
        def call(self, inputs):
            return [inputs[1], inputs[0]]

        def compute_output_shape(self, input_shape):
            return [input_shape[1], input_shape[0]]

    first, second = layers.Lambda(lambda x: [x + 1, x * 2],
                                  lambda s: [s, s])(inputs)
    inner = Sequential([layers.Dense(3, input_shape=(4,))])
    p, q = Swap()([first, second])
    model = Model(inputs, [inner(p), q])
    clone = clone_model(model)
    assert _no_shared_parameters(model, clone)
    clone.set_weights(model.get_weights())
    x = np.random.rand(3, 4)
    for got, want in zip(clone.predict(x), model.predict(x)):
        np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_allclose(clone.predict(x)[1], x + 1, rtol=1e-6)


def test_clone_sequential_variants():
    model = Sequential([layers.Dense(4, input_shape=(4,)), layers.BatchNormalization(),
                        layers.Dense(2)])
    x = np.random.rand(5, 4)
    clone = clone_model(model)
    assert isinstance(clone, Sequential) and _no_shared_parameters(model, clone)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-5)

    on_input = clone_model(model, input_tensors=layers.Input(shape=(4,)))
    assert on_input.predict(x).shape == (5, 2)
    fed = clone_model(model, input_tensors=K.variable(x))
    fed.set_weights(model.get_weights())
    fed.compile('sgd', 'mse')
    target = np.random.rand(5, 2)
    expected = np.mean((model.predict(x) - target) ** 2)
    np.testing.assert_allclose(fed.test_on_batch(None, target), expected, rtol=1e-5)
    fed.train_on_batch(None, target)
    dense_out = layers.Dense(4)(layers.Input(shape=(4,)))
    with pytest.raises(ValueError, match='InputLayer'):
        clone_model(model, input_tensors=dense_out)


def test_clone_function_chooses_the_new_layers():
    model = Sequential([layers.Dense(3, input_shape=(2,)), layers.Dropout(0.3)])
    seen = []

    def clone_fn(layer):
        seen.append(layer.name)
        config = layer.get_config()
        if isinstance(layer, layers.Dropout):
            config['rate'] = 0.1
        return layer.__class__.from_config(config)

    clone = clone_model(model, clone_function=clone_fn)
    assert seen == [l.name for l in model.layers]
    assert clone.layers[1].rate == 0.1
    with pytest.raises(ValueError, match='must return a Layer'):
        clone_model(model, clone_function=lambda layer: None)


def test_clone_rnn_with_initial_state_from_the_graph():
    inputs = layers.Input(shape=(3, 2))
    seq, h, c = layers.LSTM(2, return_sequences=True, return_state=True)(inputs)
    out = layers.LSTM(2)(seq, initial_state=[h, c])
    model = Model(inputs, out)
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    x = np.random.rand(2, 3, 2)
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-5)


def test_clone_on_numpy_arrays_reads_them_as_inputs():
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    x = np.random.rand(4, 3)
    fed = clone_model(model, input_tensors=x)
    assert K.int_shape(fed.input) == (4, 3) and fed.input.dtype == 'float32'
    fed.set_weights(model.get_weights())
    fed.compile('sgd', 'mse')
    target = np.random.rand(4, 2)
    expected = np.mean((model.predict(x) - target) ** 2)
    np.testing.assert_allclose(fed.test_on_batch(None, target), expected, rtol=1e-5)
