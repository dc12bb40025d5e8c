"""The model-building and training examples of the seed documents
(../shared/seeds), run as written.  Where a snippet uses data it never defines
(``data``, ``labels``, ``x_train``...), the test defines it first with the
shapes the snippet implies."""
import numpy as np
import pytest

import keras


def requires(*names):
    missing = [n for n in names if not hasattr(keras.layers, n)]
    return pytest.mark.skipif(bool(missing), reason='layers not implemented yet: %s' % missing)


def test_sequential_list_and_add():
    from keras.models import Sequential
    from keras.layers import Dense, Activation

    model = Sequential([
        Dense(32, input_shape=(784,)),
        Activation('relu'),
        Dense(10),
        Activation('softmax'),
    ])
    model = Sequential()
    model.add(Dense(32, input_dim=784))
    model.add(Activation('relu'))
    assert model.output_shape == (None, 32)


def test_sequential_with_units_given_twice_as_in_keras_cn():
    from keras.models import Sequential
    from keras.layers import Dense, Activation
    with pytest.warns(UserWarning):
        model = Sequential([
            Dense(32, units=784),
            Activation('relu'),
            Dense(10),
            Activation('softmax'),
        ])
    assert model.output_shape == (None, 10)
    assert model.input_shape == (None, 784)


def test_layer_config_round_trips():
    from keras.layers import Dense
    from keras import layers
    layer = Dense(32)
    config = layer.get_config()
    reconstructed_layer = Dense.from_config(config)
    assert reconstructed_layer.get_config()['units'] == 32
    config = layer.get_config()
    layer = layers.deserialize({'class_name': layer.__class__.__name__,
                                'config': config})
    assert isinstance(layer, Dense) and layer.units == 32


def test_model_methods_from_models_doc(tmp_path):
    from keras.models import Sequential, Model
    from keras.layers import Dense
    model = Sequential()
    model.add(Dense(32, input_shape=(500,)))
    model.add(Dense(10, activation='softmax'))
    model.summary()
    config = model.get_config()
    model = Sequential.from_config(config)
    assert model.get_layer(index=1).units == 10
    weights = model.get_weights()
    model.set_weights(weights)
    path = str(tmp_path / 'w.h5')
    model.save_weights(path)
    model.load_weights(path, by_name=False)


def test_reshape_examples():
    from keras.models import Sequential
    from keras.layers import Reshape
    model = Sequential()
    model.add(Reshape((3, 4), input_shape=(12,)))
    assert model.output_shape == (None, 3, 4)
    model.add(Reshape((6, 2)))
    assert model.output_shape == (None, 6, 2)
    model.add(Reshape((-1, 2, 2)))
    assert model.output_shape == (None, 3, 2, 2)


def test_dense_first_layer_example():
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential()
    model.add(Dense(32, input_shape=(16,)))
    model.add(Dense(32))
    assert model.output_shape == (None, 32)


def test_compile_variants_and_custom_metric():
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential([Dense(1, activation='sigmoid', input_dim=4)])
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    model.compile(optimizer='rmsprop', loss='mse')

    import keras.backend as K

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)
    model.compile(optimizer='rmsprop', loss='binary_crossentropy',
                  metrics=['accuracy', mean_pred])
    hist = model.fit(np.random.random((64, 4)), np.random.randint(2, size=(64, 1)),
                     epochs=1, verbose=0)
    assert set(hist.history) == {'loss', 'accuracy', 'mean_pred'}


def test_binary_classification_example_learns():
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential()
    model.add(Dense(32, activation='relu', input_dim=100))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    data = np.random.random((1000, 100))
    labels = np.random.randint(2, size=(1000, 1))
    history = model.fit(data, labels, epochs=10, batch_size=32, verbose=0)
    # random labels: the model can only memorize, so the loss falls slowly
    assert history.history['loss'][-1] < history.history['loss'][0]
    assert history.history['accuracy'][-1] > history.history['accuracy'][0]


def test_categorical_classification_example_learns():
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential()
    model.add(Dense(32, activation='relu', input_dim=100))
    model.add(Dense(10, activation='softmax'))
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    data = np.random.random((1000, 100))
    labels = np.random.randint(10, size=(1000, 1))
    one_hot_labels = keras.utils.to_categorical(labels, num_classes=10)
    history = model.fit(data, one_hot_labels, epochs=10, batch_size=32, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]


def test_mlp_softmax_with_sgd_legacy_arguments():
    from keras.models import Sequential
    from keras.layers import Dense, Dropout
    from keras.optimizers import SGD
    x_train = np.random.random((1000, 20))
    y_train = keras.utils.to_categorical(np.random.randint(10, size=(1000, 1)), num_classes=10)
    x_test = np.random.random((100, 20))
    y_test = keras.utils.to_categorical(np.random.randint(10, size=(100, 1)), num_classes=10)
    model = Sequential()
    model.add(Dense(64, activation='relu', input_dim=20))
    model.add(Dropout(0.5))
    model.add(Dense(64, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation='softmax'))
    sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
    model.compile(loss='categorical_crossentropy', optimizer=sgd, metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=20, batch_size=128, verbose=0)
    score = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    assert len(score) == 2 and 0. <= score[1] <= 1.


def test_functional_fully_connected_and_model_as_layer():
    from keras.layers import Input, Dense
    from keras.models import Model
    inputs = Input(shape=(784,))
    x = Dense(64, activation='relu')(inputs)
    x = Dense(64, activation='relu')(x)
    predictions = Dense(10, activation='softmax')(x)
    model = Model(inputs=inputs, outputs=predictions)
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    data = np.random.random((64, 784))
    labels = keras.utils.to_categorical(np.random.randint(10, size=(64,)), 10)
    model.fit(data, labels, verbose=0)
    x = Input(shape=(784,))
    y = model(x)
    assert y.shape == (None, 10)


@requires('TimeDistributed')
def test_time_distributed_model_on_sequences():
    from keras.layers import Input, Dense, TimeDistributed
    from keras.models import Model
    inputs = Input(shape=(784,))
    model = Model(inputs, Dense(10, activation='softmax')(inputs))
    input_sequences = Input(shape=(20, 784))
    processed_sequences = TimeDistributed(model)(input_sequences)
    assert processed_sequences.shape == (None, 20, 10)


@requires('LSTM', 'Embedding')
def test_multi_input_multi_output_model():
    from keras.layers import Input, Embedding, LSTM, Dense
    from keras.models import Model
    main_input = Input(shape=(100,), dtype='int32', name='main_input')
    x = Embedding(output_dim=512, input_dim=10000, input_length=100)(main_input)
    lstm_out = LSTM(32)(x)
    auxiliary_output = Dense(1, activation='sigmoid', name='aux_output')(lstm_out)
    auxiliary_input = Input(shape=(5,), name='aux_input')
    x = keras.layers.concatenate([lstm_out, auxiliary_input])
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    main_output = Dense(1, activation='sigmoid', name='main_output')(x)
    model = Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', loss_weights=[1., 0.2])
    headline_data = np.random.randint(1, 10000, size=(32, 100))
    additional_data = np.random.random((32, 5))
    labels = np.random.randint(2, size=(32, 1))
    model.fit([headline_data, additional_data], [labels, labels], epochs=2, batch_size=32,
              verbose=0)
    model.compile(optimizer='rmsprop',
                  loss={'main_output': 'binary_crossentropy', 'aux_output': 'binary_crossentropy'},
                  loss_weights={'main_output': 1., 'aux_output': 0.2})
    h = model.fit({'main_input': headline_data, 'aux_input': additional_data},
                  {'main_output': labels, 'aux_output': labels}, epochs=2, batch_size=32,
                  verbose=0)
    assert set(h.history) == {'loss', 'main_output_loss', 'aux_output_loss'}


def test_binary_mlp_example():
    from keras.models import Sequential
    from keras.layers import Dense, Dropout
    x_train = np.random.random((1000, 20))
    y_train = np.random.randint(2, size=(1000, 1))
    x_test = np.random.random((100, 20))
    y_test = np.random.randint(2, size=(100, 1))
    model = Sequential()
    model.add(Dense(64, input_dim=20, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(64, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=20, batch_size=128, verbose=0)
    score = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    assert len(score) == 2


def test_vgg_like_convnet_example():
    from keras.models import Sequential
    from keras.layers import Dense, Dropout, Flatten
    from keras.layers import Conv2D, MaxPooling2D
    from keras.optimizers import SGD
    x_train = np.random.random((100, 100, 100, 3))
    y_train = keras.utils.to_categorical(np.random.randint(10, size=(100, 1)), num_classes=10)
    x_test = np.random.random((20, 100, 100, 3))
    y_test = keras.utils.to_categorical(np.random.randint(10, size=(20, 1)), num_classes=10)
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(100, 100, 3)))
    model.add(Conv2D(32, (3, 3), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(256, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation='softmax'))
    sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
    model.compile(loss='categorical_crossentropy', optimizer=sgd)
    epochs = 10 if _run_slow() else 1  # the document's 10 epochs take minutes on 2 CPU cores
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0)
    score = model.evaluate(x_test, y_test, batch_size=32, verbose=0)
    assert np.isfinite(score)
    assert model.output_shape == (None, 10)


def _run_slow():
    import os
    return os.environ.get('RUN_SLOW') == '1'


def test_conv1d_sequence_classifier_example():
    from keras.models import Sequential
    from keras.layers import Dense, Dropout
    from keras.layers import Conv1D, GlobalAveragePooling1D, MaxPooling1D
    seq_length = 64
    x_train = np.random.random((64, seq_length, 100))
    y_train = np.random.randint(2, size=(64, 1))
    x_test, y_test = x_train[:16], y_train[:16]
    model = Sequential()
    model.add(Conv1D(64, 3, activation='relu', input_shape=(seq_length, 100)))
    model.add(Conv1D(64, 3, activation='relu'))
    model.add(MaxPooling1D(3))
    model.add(Conv1D(128, 3, activation='relu'))
    model.add(Conv1D(128, 3, activation='relu'))
    model.add(GlobalAveragePooling1D())
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    model.fit(x_train, y_train, batch_size=16, epochs=10, verbose=0)
    score = model.evaluate(x_test, y_test, batch_size=16, verbose=0)
    assert len(score) == 2


def test_keras1_theano_convolution_then_flatten():
    from keras.models import Sequential
    from keras.layers import Convolution2D, Flatten
    model = Sequential()
    model.add(Convolution2D(64, 3, 3,
                            border_mode='same',
                            input_shape=(3, 32, 32)))
    assert model.output_shape == (None, 64, 32, 32)
    model.add(Flatten())
    assert model.output_shape == (None, 65536)


@requires('LSTM')
def test_lstm_documentation_shapes():
    from keras.models import Sequential
    from keras.layers import LSTM
    model = Sequential()
    model.add(LSTM(32, input_shape=(10, 64)))
    assert model.output_shape == (None, 32)
    model = Sequential()
    model.add(LSTM(32, input_dim=64, input_length=10))
    assert model.output_shape == (None, 32)
    # The document then adds LSTM(16) on this 2-D output; Keras 2 refuses that too
    # (an LSTM needs 3-D input: set return_sequences=True on the layer below).
    with pytest.raises(ValueError, match='expected ndim=3, found ndim=2'):
        model.add(LSTM(16))
    model = Sequential()
    model.add(LSTM(64, input_dim=64, input_length=10, return_sequences=True))
    model.add(LSTM(32, return_sequences=True))
    model.add(LSTM(10))
    assert model.output_shape == (None, 10)


@requires('Embedding')
def test_embedding_documentation_example():
    from keras.models import Sequential
    from keras.layers import Embedding
    model = Sequential()
    model.add(Embedding(1000, 64, input_length=10))
    input_array = np.random.randint(1000, size=(32, 10))
    model.compile('rmsprop', 'mse')
    output_array = model.predict(input_array)
    assert output_array.shape == (32, 10, 64)
