"""predict's short path for one small NumPy array (keras/training/quick_predict.py):
the same results, errors and side effects as the general path."""
import numpy as np
import pytest
import torch

import keras
from keras.layers import Dense, Dropout, Input, Lambda
from keras.models import Model, Sequential
from keras.training import quick_predict


def _mlp():
    model = Sequential([Dense(8, activation='relu', input_shape=(4,)), Dropout(0.5),
                        Dense(3, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    return model


def _facts(model):
    return model.__dict__.get(quick_predict._FACTS)


def test_one_row_matches_the_general_path():
    model = _mlp()
    x = np.random.RandomState(0).rand(50, 4).astype('float32')
    everything = model.predict(x, batch_size=50)  # (50 rows: this path too)
    general = model.predict(x, batch_size=7)  # several batches: the general path
    np.testing.assert_allclose(everything, general, rtol=1e-6, atol=1e-7)
    for i in (0, 17):
        one = model.predict(x[i:i + 1])
        assert one.shape == (1, 3) and one.dtype == np.float32
        np.testing.assert_allclose(one, general[i:i + 1], rtol=1e-6, atol=1e-7)
    assert _facts(model) is not None


def test_inference_mode_and_learning_phase():
    model = _mlp()
    x = np.ones((2, 4), 'float32')
    model.train(True)
    first = model.predict(x)
    np.testing.assert_array_equal(first, model.predict(x))  # Dropout is off
    assert not model.training
    assert keras.backend.learning_phase() == 0


def test_output_never_aliases_the_input():
    inp = Input((3,))
    model = Model(inp, Lambda(lambda t: t)(inp))
    x = np.arange(3, dtype='float32')[None]
    out = model.predict(x)
    out[0, 0] = 100.
    assert x[0, 0] == 0.


def test_several_outputs_give_a_list():
    inp = Input((4,))
    model = Model(inp, [Dense(2)(inp), Dense(5)(inp)])
    outs = model.predict(np.ones((1, 4), 'float32'))
    assert isinstance(outs, list) and [o.shape for o in outs] == [(1, 2), (1, 5)]


def test_facts_follow_a_changed_model():
    model = Sequential([Dense(4, input_shape=(2,))])
    assert model.predict(np.ones((1, 2), 'float32')).shape == (1, 4)
    facts = _facts(model)
    model.add(Dense(6))  # a new plan
    assert model.predict(np.ones((1, 2), 'float32')).shape == (1, 6)
    assert _facts(model) is not facts
    facts = _facts(model)
    model.to(torch.device('cpu'))  # weights moved (Module._apply)
    model.predict(np.ones((1, 2), 'float32'))
    assert _facts(model) is not facts


def test_other_inputs_take_the_general_path():
    model = _mlp()
    ref = model.predict(np.ones((1, 4), 'float32'))
    # float64 data is converted, a list is unpacked, as before
    np.testing.assert_allclose(model.predict(np.ones((1, 4))), ref, rtol=1e-6)
    np.testing.assert_allclose(model.predict([np.ones((1, 4), 'float32')]), ref, rtol=1e-6)
    # a shape the model does not take: Keras's error, naming the input
    with pytest.raises(ValueError, match='dense_.*_input'):
        model.predict(np.ones((1, 5), 'float32'))
    with pytest.raises(ValueError, match='batch_size'):
        model.predict(np.ones((1, 4), 'float32'), batch_size=0)


def test_callbacks_and_stop_training():
    model = _mlp()
    seen = []
    cb = keras.callbacks.LambdaCallback()
    cb.on_predict_batch_end = lambda batch, logs=None: seen.append(batch)
    model.predict(np.ones((1, 4), 'float32'), callbacks=[cb])
    assert seen == [0]
    model.stop_training = True
    model.predict(np.ones((1, 4), 'float32'))
    assert model.stop_training is False


def test_stateful_models_keep_their_batch_check():
    model = Sequential([keras.layers.SimpleRNN(2, stateful=True, batch_input_shape=(2, 3, 1))])
    with pytest.raises(ValueError, match='divided by the batch size'):
        model.predict(np.ones((1, 3, 1), 'float32'))
