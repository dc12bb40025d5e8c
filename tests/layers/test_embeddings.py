"""keras.layers.embeddings.Embedding against NumPy row lookups and Keras 2.3.1's
shape, mask, config and legacy rules."""
import warnings

import numpy as np
import pytest
import torch

from keras import backend as K
from keras.engine.input_layer import Input
from keras.engine.sequential import Sequential
from keras.engine.training import Model
from keras.layers import Dense, Flatten
from keras.layers.embeddings import Embedding, EmbeddingIndexError
from keras.utils.test_utils import layer_test


def _matrix(rows, cols, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, size=(rows, cols)).astype('float32')


def test_layer_test_int_and_float_inputs():
    layer_test(Embedding, kwargs={'input_dim': 10, 'output_dim': 3, 'input_length': 2},
               input_shape=(3, 2), input_dtype='int32', expected_output_dtype='float32')
    layer_test(Embedding, kwargs={'input_dim': 10, 'output_dim': 3, 'mask_zero': True},
               input_shape=(3, 4), input_dtype='int32', expected_output_dtype='float32')
    layer_test(Embedding, kwargs={'input_dim': 10, 'output_dim': 3, 'input_length': (None, 5)},
               input_shape=(3, 4, 5), input_dtype='int32', expected_output_dtype='float32')


def test_lookup_matches_numpy_rows():
    w = _matrix(7, 4)
    ids = np.array([[0, 6, 3], [2, 2, 5]])
    model = Sequential([Embedding(7, 4, input_length=3, weights=[w])])
    np.testing.assert_array_equal(model.predict(ids), w[ids])
    # float arrays of ids (the Sequential input is float32 as in Keras) truncate to ints
    np.testing.assert_array_equal(model.predict(ids.astype('float32') + 0.4), w[ids])


def test_seed_example_shapes():
    model = Sequential()
    model.add(Embedding(1000, 64, input_length=10))
    model.compile('rmsprop', 'mse')
    out = model.predict(np.random.randint(1000, size=(32, 10)))
    assert out.shape == (32, 10, 64) and out.dtype == np.float32
    assert model.output_shape == (None, 10, 64)


def test_int32_input_model_and_default_initializer_range():
    x = Input((5,), dtype='int32')
    y = Embedding(50, 8)(x)
    assert y.shape == (None, 5, 8) and y.dtype == 'float32'
    model = Model(x, y)
    w = model.get_weights()[0]
    assert w.shape == (50, 8) and np.abs(w).max() <= 0.05
    np.testing.assert_array_equal(model.predict(np.arange(10).reshape(2, 5).astype('int32')),
                                  w[np.arange(10).reshape(2, 5)])


def test_no_input_length_gives_unknown_steps():
    layer = Embedding(10, 3)
    assert layer.batch_input_shape == (None, None)
    assert layer.compute_output_shape((None, None)) == (None, None, 3)
    assert layer.compute_output_shape((None, 7)) == (None, 7, 3)


def test_input_length_allows_flatten_dense():
    model = Sequential([Embedding(20, 4, input_length=6), Flatten(), Dense(1)])
    assert model.output_shape == (None, 1)
    model.compile('sgd', 'mse')
    model.fit(np.random.randint(20, size=(8, 6)), np.zeros((8, 1)), verbose=0)


def test_input_length_tuple_and_mismatch():
    layer = Embedding(10, 3, input_length=(None, 5))
    assert layer.compute_output_shape((None, 4, 5)) == (None, 4, 5, 3)
    with pytest.raises(ValueError, match='input_length'):
        layer.compute_output_shape((None, 4, 6))
    with pytest.raises(ValueError, match='input_length'):
        Embedding(10, 3, input_length=4).compute_output_shape((None, 4, 2))
    with pytest.raises(ValueError, match='input_length'):
        Embedding(10, 3, input_length=4)(Input((5,)))


def test_mask_zero():
    layer = Embedding(5, 2, mask_zero=True)
    ids = torch.tensor([[1, 0, 3], [0, 0, 4]])
    np.testing.assert_array_equal(layer.compute_mask(ids).numpy(), ids.numpy() != 0)
    assert Embedding(5, 2).compute_mask(ids) is None
    y = layer(Input((3,)))
    assert y._keras_mask is not None and y._keras_mask.shape == (None, 3)


def test_incoming_mask_is_dropped_without_mask_zero():
    # as in Keras 2.3.1, an Embedding without mask_zero outputs no mask
    mask = torch.ones(2, 3, dtype=torch.bool)
    assert Embedding(5, 2).compute_mask(torch.zeros(2, 3), mask) is None


def test_pretrained_frozen_embedding():
    w = _matrix(12, 5, seed=3)
    model = Sequential([Embedding(12, 5, weights=[w], input_length=4, trainable=False),
                        Flatten(), Dense(1)])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 1
    model.compile('sgd', 'mse')
    model.fit(np.random.randint(12, size=(16, 4)), np.random.rand(16, 1), verbose=0, epochs=2)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], w)


def test_training_updates_only_rows_seen():
    w = _matrix(6, 2)
    model = Sequential([Embedding(6, 2, input_length=2, weights=[w]), Flatten(), Dense(1)])
    model.compile('sgd', 'mse')
    model.train_on_batch(np.array([[1, 2]]), np.array([[5.]]))
    new = model.layers[0].get_weights()[0]
    np.testing.assert_array_equal(new[[0, 3, 4, 5]], w[[0, 3, 4, 5]])
    assert not np.allclose(new[[1, 2]], w[[1, 2]])


@pytest.mark.parametrize('bad', [7, -1])
def test_index_out_of_range_is_a_clear_error(bad):
    model = Sequential([Embedding(7, 2, input_length=3, name='words')])
    with pytest.raises(EmbeddingIndexError) as info:
        model.predict(np.array([[1, 2, 3], [4, bad, 0]]))
    message = str(info.value)
    assert 'words' in message and str(bad) in message and '[0, 7)' in message
    assert '(1, 1)' in message
    assert isinstance(info.value, IndexError) and isinstance(info.value, ValueError)


def test_index_check_always_and_invalid_mode():
    layer = Embedding(4, 2)
    layer.index_check = 'always'
    np.testing.assert_array_equal(layer(torch.tensor([[3, 0]])).shape, (1, 2, 2))
    with pytest.raises(EmbeddingIndexError, match='index 9'):
        layer(torch.tensor([[3, 9]]))
    layer.index_check = 'sometimes'
    with pytest.raises(ValueError, match='index_check'):
        layer(torch.tensor([[1]]))


def test_regularizer_constraint_and_config_round_trip():
    layer = Embedding(6, 3, embeddings_regularizer='l2', activity_regularizer='l1',
                      embeddings_constraint='non_neg', mask_zero=True, input_length=4,
                      name='emb')
    config = layer.get_config()
    assert sorted(config) == sorted(['name', 'trainable', 'batch_input_shape', 'dtype',
                                     'input_dim', 'output_dim', 'embeddings_initializer',
                                     'embeddings_regularizer', 'activity_regularizer',
                                     'embeddings_constraint', 'mask_zero', 'input_length'])
    assert config['embeddings_initializer']['class_name'] == 'RandomUniform'
    assert config['batch_input_shape'] == (None, 4)
    clone = Embedding.from_config(config)
    assert clone.get_config() == config
    model = Sequential([layer])
    w = model.get_weights()[0]
    x = np.array([[1, 2, 0, 5]])
    out = model.predict(x)
    losses = [float(l.detach()) for l in layer.regularization_losses()]
    np.testing.assert_allclose(losses, [0.01 * np.sum(w ** 2)], rtol=1e-5)
    np.testing.assert_allclose(out, w[x], rtol=1e-6)


def test_tf_keras_config_keys_accepted():
    config = {'name': 'embedding', 'trainable': True, 'dtype': 'float32',
              'batch_input_shape': [None, 7], 'input_dim': 50, 'output_dim': 6,
              'embeddings_initializer': {'module': 'keras.initializers',
                                         'class_name': 'RandomUniform',
                                         'config': {'minval': -0.05, 'maxval': 0.05,
                                                    'seed': None}, 'registered_name': None},
              'embeddings_regularizer': None, 'activity_regularizer': None,
              'embeddings_constraint': None, 'mask_zero': False, 'input_length': 7,
              'sparse': False}
    layer = Embedding.from_config(config)
    assert layer.input_length == 7 and layer.batch_input_shape == (None, 7)
    with pytest.raises(ValueError, match='sparse'):
        Embedding(5, 2, sparse=True)


def test_keras1_arguments():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = Embedding(10, 4, init='normal', W_regularizer='l2', input_length=3)
    assert any('embeddings_initializer' in str(w.message) for w in caught)
    assert layer.embeddings_regularizer is not None
    layer = Embedding.from_config({'input_dim': 10, 'output_dim': 4, 'dropout': 0.2})
    assert layer.output_dim == 4 and layer.dropout == 0.2  # an old file's config keeps it
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        layer = Embedding(10, 4, dropout=0.)  # Keras 1 files store dropout=0.0
    assert 'dropout' not in layer.get_config() and not layer.uses_learning_phase
    with pytest.raises(TypeError, match='not understood'):
        Embedding(10, 4, bogus=1)
    with pytest.raises(ValueError, match='input_dim'):
        Embedding(0, 4)


def test_seed_text_classifier_trains():
    from keras.layers import LSTM, Dropout
    max_features = 64
    model = Sequential()
    model.add(Embedding(max_features, output_dim=256))
    model.add(LSTM(128))
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    x = np.random.randint(max_features, size=(32, 12))
    y = np.random.randint(2, size=(32, 1))
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert len(history.history['loss']) == 2
    assert model.evaluate(x, y, batch_size=16, verbose=0)[0] > 0


def test_mask_zero_reaches_lstm_in_training():
    from keras.layers import LSTM
    model = Sequential([Embedding(10, 4, mask_zero=True), LSTM(3)])
    model.compile('sgd', 'mse')
    x = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 0, 0]])
    padded = model.predict(x)
    # steps after the padding do not change the result
    np.testing.assert_allclose(model.predict(x[:, :3]), padded, rtol=1e-5, atol=1e-6)
    model.fit(x, np.zeros((2, 3)), verbose=0)


def test_keras1_dropout_drops_whole_words_in_training_only():
    """Keras 1's ``Embedding(dropout=p)``: per batch, each id of the vocabulary
    is dropped (all its occurrences) with probability p, the rest scaled."""
    torch.manual_seed(0)
    w = np.arange(1., 201.).reshape(50, 4).astype('float32')
    layer = Embedding(50, 4, dropout=0.5, weights=[w], input_length=None)
    ids = np.tile(np.arange(50), (3, 2))  # every id 6 times
    x = Input(shape=(100,), dtype='int32')
    model = Model(x, layer(x))
    assert model.uses_learning_phase
    np.testing.assert_array_equal(model.predict(ids), w[ids])  # inference: the rows
    out = K.function([x, K.learning_phase()], [model.output])([ids, 1])[0]
    scale = out / w[ids]
    np.testing.assert_allclose(np.unique(scale), [0., 2.])
    per_id = [np.unique(scale[ids == i]) for i in range(50)]
    assert all(len(values) == 1 for values in per_id)  # one draw per id
    dropped = sum(values[0] == 0. for values in per_id)
    assert 10 < dropped < 40
    config = layer.get_config()
    assert config['dropout'] == 0.5
    assert Embedding.from_config(config).dropout == 0.5


def test_keras1_imdb_lstm_spelling_trains():
    """The Keras 1 imdb_lstm example's layers, as old tutorials copy them."""
    from keras.layers import LSTM
    np.random.seed(0)
    model = Sequential()
    model.add(Embedding(100, 8, dropout=0.2, input_length=10))
    model.add(LSTM(8, dropout_W=0.2, dropout_U=0.2))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
    x = np.random.randint(1, 100, size=(64, 10))
    y = (x[:, :1] > 50).astype('float32')
    before = model.get_weights()[0].copy()
    history = model.fit(x, y, batch_size=16, nb_epoch=2, verbose=0)
    assert len(history.history['loss']) == 2
    assert not np.allclose(model.get_weights()[0], before)


@pytest.mark.parametrize('rate', [1.0, -0.1, 'high'])
def test_keras1_dropout_rate_is_checked(rate):
    with pytest.raises(ValueError, match=r'Embedding .*dropout.*\[0, 1\)'):
        Embedding(10, 4, dropout=rate, name='words')
