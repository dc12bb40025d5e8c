"""keras.training.metric_aliases: the metric names Keras 1 and 2.0-2.2 logged
('acc', 'val_acc', 'mean_absolute_error'...) read the values Keras 2.3.1 logs."""
import os
import warnings

import numpy as np
import pytest

from keras.callbacks import Callback, EarlyStopping, ModelCheckpoint
from keras.engine.input_layer import Input
from keras.engine.training import Model
from keras.layers import Dense
from keras.models import Sequential
from keras.training.metric_aliases import AliasedDict, legacy_names


def _data():
    rng = np.random.RandomState(0)
    x = rng.rand(120, 4).astype('float32')
    return x, (x.sum(1, keepdims=True) > 2).astype('float32')


class _Reader(Callback):
    """Reads logs the way a Keras 2.2 program's callback does."""

    def on_batch_end(self, batch, logs=None):
        self.batch = (logs.get('acc'), logs['mean_absolute_error'])

    def on_epoch_end(self, epoch, logs=None):
        self.epoch = (logs['acc'], logs.get('val_acc'), logs.get('val_mean_absolute_error'))


def test_history_and_callbacks_answer_to_keras22_names(tmp_path):
    x, y = _data()
    model = Sequential([Dense(8, activation='relu', input_shape=(4,)),
                        Dense(1, activation='sigmoid')])
    model.compile('adam', 'binary_crossentropy', metrics=['accuracy', 'mae'])
    reader = _Reader()
    path = str(tmp_path / 'best.h5')
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # (an unknown monitor would warn, and never save)
        history = model.fit(x, y, epochs=2, batch_size=40, validation_split=0.25, verbose=0,
                            callbacks=[reader, ModelCheckpoint(path, monitor='val_acc',
                                                               save_best_only=True),
                                       EarlyStopping(monitor='val_acc', patience=3)])
    # Keras 2.3.1's keys only...
    assert sorted(history.history) == ['accuracy', 'loss', 'mae', 'val_accuracy', 'val_loss',
                                       'val_mae']
    # ...and the older names read the same values
    assert history.history['acc'] == history.history['accuracy']
    assert history.history['val_acc'] == history.history['val_accuracy']
    assert history.history.get('mean_absolute_error') == history.history['mae']
    assert os.path.exists(path)
    assert reader.epoch == (history.history['accuracy'][-1], history.history['val_accuracy'][-1],
                            history.history['val_mae'][-1])
    assert None not in reader.batch
    with pytest.raises(KeyError):
        history.history['val_precision']
    assert history.history.get('acc_1') is None


def test_multi_output_names_get_their_output_prefix():
    x, y = _data()
    inp = Input((4,))
    model = Model(inp, [Dense(1, activation='sigmoid', name='a')(inp),
                        Dense(1, activation='sigmoid', name='b')(inp)])
    model.compile('sgd', 'binary_crossentropy', metrics=['accuracy'])
    history = model.fit(x, [y, y], epochs=1, verbose=0)
    assert history.history['a_acc'] == history.history['a_accuracy']
    assert history.history['b_acc'] == history.history['b_accuracy']


def test_a_logged_name_is_never_an_alias():
    """Compiled with both 'acc' and 'accuracy', each reads its own metric."""
    x, y = _data()
    model = Sequential([Dense(1, activation='sigmoid', input_shape=(4,))])
    model.compile('sgd', 'binary_crossentropy', metrics=['acc', 'accuracy'])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert model.metrics_names == ['loss', 'acc', 'accuracy']
    assert set(history.history) == {'loss', 'acc', 'accuracy'}


def test_tf_keras_code_reads_accuracy_after_compiling_with_acc():
    x, y = _data()
    model = Sequential([Dense(1, activation='sigmoid', input_shape=(4,))])
    model.compile('sgd', 'binary_crossentropy', metrics=['acc'])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert history.history['accuracy'] == history.history['acc']


def test_legacy_names():
    assert legacy_names('accuracy') == ['acc', 'accuracy']
    assert legacy_names('ce') == ['ce', 'crossentropy']
    assert legacy_names('mse') == ['mean_squared_error']
    assert legacy_names('mae', weighted=True) == ['weighted_mean_absolute_error']
    assert legacy_names(len) == []
    assert legacy_names('no_such_metric') == []


def test_aliased_dict_reads_through_aliases_only():
    logs = AliasedDict(accuracy=0.5, val_accuracy=0.25)
    logs.aliases = {'acc': 'accuracy'}
    assert logs['acc'] == 0.5 and logs['val_acc'] == 0.25 and logs.get('acc') == 0.5
    assert list(logs) == ['accuracy', 'val_accuracy'] and 'acc' not in logs
    assert logs.get('ce', 7) == 7
    with pytest.raises(KeyError):
        logs['ce']


def test_checkpoint_path_with_keras22_field_names(tmp_path):
    """``ModelCheckpoint('weights.{epoch:02d}-{val_acc:.2f}.hdf5')`` (Keras 2.2 code)."""
    x, y = _data()
    model = Sequential([Dense(1, activation='sigmoid', input_shape=(4,))])
    model.compile('sgd', 'binary_crossentropy', metrics=['accuracy'])
    pattern = str(tmp_path / 'weights.{epoch:02d}-{val_acc:.2f}.hdf5')
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0,
                        callbacks=[ModelCheckpoint(pattern, save_weights_only=True)])
    names = sorted(os.listdir(str(tmp_path)))
    assert names == ['weights.%02d-%.2f.hdf5' % (i + 1, acc)
                     for i, acc in enumerate(history.history['val_accuracy'])]
    with pytest.raises(KeyError, match='val_precision'):
        model.fit(x, y, epochs=1, validation_split=0.25, verbose=0, callbacks=[
            ModelCheckpoint(str(tmp_path / '{val_precision}.h5'))])
