"""The private members Keras 2.3.1 code reaches for: ``_make_train_function``
and its siblings (``train_function``...) and ``_set_inputs``."""
import numpy as np
import pytest

import keras
from keras.layers import Concatenate, Dense, Input
from keras.models import Model, Sequential


def _two_outputs():
    inputs = Input((3,), name='x')
    model = Model(inputs, [Dense(2, name='a')(inputs), Dense(1, name='b')(inputs)])
    model.compile('sgd', ['mse', None], metrics=['mae'])
    return model


def test_backend_functions_take_keras_2_flat_lists():
    model = _two_outputs()
    assert model.train_function is None and model.predict_function is None
    model._make_train_function()
    model._make_test_function()
    model._make_predict_function()
    x = np.random.RandomState(0).rand(5, 3).astype('float32')
    y = np.zeros((5, 2), 'float32')
    expected = model.test_on_batch(x, y)
    got = model.test_function([x, y, np.ones(5, 'float32')])
    np.testing.assert_allclose([float(v) for v in got], expected, rtol=1e-6)
    assert len(model.train_function([x, y])) == len(model.metrics_names)
    preds = model.predict_function([x])
    assert [p.shape for p in preds] == [(5, 2), (5, 1)]
    with pytest.raises(ValueError, match='expects 1 input array.*1 target'):
        model.train_function([x])
    model.compile('sgd', ['mse', None])
    assert model.train_function is None  # compile starts afresh, as in Keras 2.3.1


def test_make_train_function_needs_a_compiled_model():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(RuntimeError, match='compile'):
        model._make_train_function()
    model._make_predict_function()
    assert model.predict_function([np.ones((1, 3))])[0].shape == (1, 2)


def test_set_inputs_of_a_graph_model_whose_inputs_were_cleared():
    a, b = Input((4,)), Input((2,))
    model = Model([a, b], Concatenate()([Dense(3)(a), b]))
    with pytest.raises(ValueError, match='already set'):
        model._set_inputs([a, b])
    model.inputs = None
    model._set_inputs([np.ones((1, 4)), np.ones((1, 2))])
    assert model.predict([np.ones((2, 4)), np.ones((2, 2))]).shape == (2, 5)
    model.inputs = None
    with pytest.raises(ValueError, match='takes 2 input'):
        model._set_inputs([a])
    with pytest.raises(ValueError, match=r'shapes \[\(None, 4\), \(None, 2\)\]'):
        model._set_inputs([np.ones((1, 5)), np.ones((1, 2))])


def test_set_inputs_builds_a_deferred_sequential_or_a_subclassed_model():
    model = Sequential([Dense(2)])
    model._set_inputs(np.ones((3, 7)))
    assert model.input_shape == (None, 7) and model.output_shape == (None, 2)

    class Doubler(keras.Model):
        def call(self, x):
            return x * 2

    sub = Doubler()
    sub._set_inputs(Input((5,)))
    assert sub.outputs[0].shape == (None, 5)
    np.testing.assert_allclose(sub.predict(np.ones((2, 5))), 2 * np.ones((2, 5)))
