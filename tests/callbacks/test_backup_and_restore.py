"""BackupAndRestore: an interrupted fit resumes with the weights, optimizer
state and epoch of its last backup, and ends as if it never stopped."""
import os

import numpy as np
import pytest
import torch

import keras
from keras.callbacks import BackupAndRestore
from keras.layers import Dense
from keras.models import Sequential

_rng = np.random.RandomState(0)
X = _rng.rand(64, 5).astype('float32')
Y = _rng.rand(64, 2).astype('float32')


def _model():
    torch.manual_seed(1)
    model = Sequential([Dense(8, activation='relu', input_shape=(5,)), Dense(2)])
    model.compile(keras.optimizers.Adam(0.01), 'mse')
    return model


class _StopAt(keras.callbacks.Callback):
    """Stands for a killed job: raises at the start of one epoch."""

    def __init__(self, epoch):
        super(_StopAt, self).__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt('job killed')


def _fit(model, callbacks, epochs=6):
    return model.fit(X, Y, epochs=epochs, batch_size=16, shuffle=False, verbose=0,
                     callbacks=callbacks)


def test_resumed_fit_ends_with_the_weights_of_an_uninterrupted_one(tmp_path):
    whole = _model()
    start = whole.get_weights()
    _fit(whole, [])
    backup_dir = str(tmp_path / 'backup')
    interrupted = _model()
    interrupted.set_weights(start)
    with pytest.raises(KeyboardInterrupt):
        _fit(interrupted, [BackupAndRestore(backup_dir), _StopAt(3)])
    assert os.listdir(backup_dir) == ['backup.h5']  # no temporary file beside it
    resumed = _model()  # a fresh process would build the model anew
    history = _fit(resumed, [BackupAndRestore(backup_dir)])
    assert history.epoch == [3, 4, 5]
    for a, b in zip(whole.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(b, a)
    np.testing.assert_array_equal(resumed.optimizer.get_weights()[0],
                                  whole.optimizer.get_weights()[0])  # iterations
    assert not os.path.exists(backup_dir)  # deleted once fit finished


def test_delete_checkpoint_false_keeps_the_last_backup(tmp_path):
    backup_dir = str(tmp_path / 'b')
    _fit(_model(), [BackupAndRestore(backup_dir, delete_checkpoint=False)], epochs=2)
    assert os.listdir(backup_dir) == ['backup.h5']
    history = _fit(_model(), [BackupAndRestore(backup_dir, delete_checkpoint=False)], epochs=3)
    assert history.epoch == [2]


def test_no_backup_starts_from_initial_epoch(tmp_path):
    history = _model().fit(X, Y, epochs=3, initial_epoch=1, verbose=0,
                           callbacks=[BackupAndRestore(str(tmp_path / 'none'))])
    assert history.epoch == [1, 2]


def test_arguments_are_checked():
    with pytest.raises(ValueError, match='backup_dir'):
        BackupAndRestore('')
    with pytest.raises(ValueError, match="save_freq='epoch'"):
        BackupAndRestore('/tmp/x', save_freq=10)
    with pytest.raises(ValueError, match='save_before_preemption'):
        BackupAndRestore('/tmp/x', save_before_preemption=True)


def test_a_file_that_is_not_a_backup_is_refused_by_name(tmp_path):
    backup_dir = tmp_path / 'b'
    backup_dir.mkdir()
    model = _model()
    model.save_weights(str(backup_dir / 'backup.h5'))
    with pytest.raises(ValueError, match='not a BackupAndRestore backup'):
        _fit(_model(), [BackupAndRestore(str(backup_dir))], epochs=1)
