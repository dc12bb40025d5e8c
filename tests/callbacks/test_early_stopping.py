import numpy as np
import pytest

from keras.callbacks import EarlyStopping


def _run(callback, model, values, monitor='val_loss', weights=None):
    """Feed one monitored value per epoch until the model is told to stop."""
    callback.set_model(model)
    callback.on_train_begin()
    epochs = 0
    for epoch, value in enumerate(values):
        if weights is not None:
            model.weights = [np.full((2,), weights[epoch], dtype='float32')]
        callback.on_epoch_end(epoch, {monitor: value})
        epochs += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return epochs


def test_patience_counts_epochs_without_improvement(model, capsys):
    callback = EarlyStopping(patience=2, verbose=1)
    assert _run(callback, model, [1.0, 0.5, 0.6, 0.7, 0.1]) == 4
    assert callback.stopped_epoch == 3 and callback.best == 0.5
    assert capsys.readouterr().out == 'Epoch 00004: early stopping\n'


def test_min_delta_and_max_mode(model):
    # Improvements smaller than min_delta do not count.
    assert _run(EarlyStopping(min_delta=0.1, patience=1), model, [1.0, 0.95, 0.5]) == 2
    model.stop_training = False
    assert _run(EarlyStopping(monitor='val_acc', patience=1), model,
                [0.5, 0.6, 0.55], monitor='val_acc') == 3
    model.stop_training = False
    assert _run(EarlyStopping(monitor='val_acc', mode='min', patience=0), model,
                [0.5, 0.6], monitor='val_acc') == 2


def test_baseline_must_be_beaten(model):
    callback = EarlyStopping(monitor='val_acc', baseline=0.9, patience=2)
    assert _run(callback, model, [0.5, 0.6, 0.95, 0.95], monitor='val_acc') == 2


def test_restore_best_weights(model, capsys):
    callback = EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    _run(callback, model, [1.0, 0.25, 0.5], weights=[1.0, 2.0, 3.0])
    np.testing.assert_array_equal(model.weights[0], [2.0, 2.0])
    assert capsys.readouterr().out == ('Restoring model weights from the end of the best epoch\n'
                                       'Epoch 00003: early stopping\n')


def test_missing_monitor_warns(model):
    callback = EarlyStopping(monitor='val_loss')
    callback.set_model(model)
    callback.on_train_begin()
    with pytest.warns(RuntimeWarning) as record:
        callback.on_epoch_end(0, {'loss': 1.0, 'acc': 0.5})
    assert str(record[0].message) == ('Early stopping conditioned on metric `val_loss` which is '
                                      'not available. Available metrics are: loss,acc')
    assert not model.stop_training


def test_unknown_mode_warns():
    with pytest.warns(RuntimeWarning, match='EarlyStopping mode up is unknown'):
        callback = EarlyStopping(mode='up')
    assert callback.monitor_op == np.less
