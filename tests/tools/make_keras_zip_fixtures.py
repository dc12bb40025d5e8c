"""Write tests/data/keras_zip/: ``.keras`` files saved by real tf.keras.

Run with TensorFlow 2.13-2.15 installed (not a dependency of this project):
``python /path/to/tests/tools/make_keras_zip_fixtures.py /path/to/tests/data/keras_zip``,
from a folder outside the repository (its ``keras`` package would shadow tf.keras).
For each case NAME it writes ``NAME.keras`` (``model.save`` after two epochs of
training) and ``NAME.npz``: ``x`` (or ``x0``, ``x1``), ``predict`` (outputs
of the saved model), ``step_x``/``step_y`` (one more training batch),
``trained_K`` (the trainable weights after ``train_on_batch(step_x, step_y)``,
which uses the saved optimizer state) and ``iterations``.
"""
import os
import sys

import numpy as np
from tensorflow import keras

L = keras.layers


def _cases(rng):
    x = rng.standard_normal((8, 3)).astype('float32')
    yield ('seq_bn', keras.Sequential([L.Dense(4, activation='relu', input_shape=(3,)),
                                       L.BatchNormalization(), L.Dense(2)]),
           x, rng.standard_normal((8, 2)), keras.optimizers.Adam(0.01), 'mse', ['mae'])
    a, b = keras.Input((3,), name='a'), keras.Input((2,), name='b')
    inner = keras.Sequential([L.Dense(4, activation='tanh', input_shape=(3,)), L.Dense(4)])
    out = L.Dense(1, activation='sigmoid')(L.Concatenate()([inner(a), b]))
    yield ('functional_nested', keras.Model([a, b], out),
           [x, rng.standard_normal((8, 2)).astype('float32')],
           (rng.random((8, 1)) > .5).astype('float32'), keras.optimizers.Adam(0.01),
           'binary_crossentropy', ['accuracy'])
    yield ('rnn', keras.Sequential([
        L.LSTM(4, return_sequences=True, input_shape=(5, 3)),
        L.Bidirectional(L.GRU(3, return_sequences=True)), L.TimeDistributed(L.Dense(2)),
        L.SimpleRNN(2)]), rng.standard_normal((8, 5, 3)).astype('float32'),
        rng.standard_normal((8, 2)), keras.optimizers.SGD(0.01, momentum=0.9), 'mse', None)
    yield ('conv', keras.Sequential([L.Conv2D(3, 3, input_shape=(6, 6, 2)), L.MaxPooling2D(),
                                     L.Flatten(), L.Dense(2)]),
           rng.standard_normal((8, 6, 6, 2)).astype('float32'), rng.standard_normal((8, 2)),
           keras.optimizers.RMSprop(0.01), 'mse', None)
    yield ('embedding_legacy_adam', keras.Sequential([
        L.Embedding(10, 3, input_length=4), L.GlobalAveragePooling1D(), L.Dense(1)]),
        rng.integers(0, 10, (8, 4)), rng.standard_normal((8, 1)),
        keras.optimizers.legacy.Adam(0.01), 'mse', None)


def main(folder):
    rng = np.random.default_rng(0)
    for name, model, x, y, optimizer, loss, metrics in _cases(rng):
        model.compile(optimizer, loss, metrics=metrics)
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
        model.save(os.path.join(folder, name + '.keras'))
        arrays = {'x%d' % i: v for i, v in enumerate(x)} if isinstance(x, list) else {'x': x}
        arrays['predict'] = model.predict(x, verbose=0)
        arrays['step_x'] = x[:4] if not isinstance(x, list) else np.zeros(0)
        arrays['step_y'] = np.asarray(y[:4], 'float32')
        step_x = [v[:4] for v in x] if isinstance(x, list) else x[:4]
        arrays['iterations'] = np.asarray(model.optimizer.iterations.numpy())
        model.train_on_batch(step_x, arrays['step_y'])
        for i, w in enumerate(model.trainable_weights):
            arrays['trained_%d' % i] = w.numpy()
        np.savez(os.path.join(folder, name + '.npz'), **arrays)


if __name__ == '__main__':
    main(sys.argv[1])
