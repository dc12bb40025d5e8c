import numpy as np
import pytest
import torch

from keras.callbacks import LearningRateScheduler, ReduceLROnPlateau


def test_scheduler_new_and_old_signatures(model, capsys):
    callback = LearningRateScheduler(lambda epoch, lr: lr * 0.5, verbose=1)
    callback.set_model(model)
    callback.on_epoch_begin(0)
    expected = float(np.float32(0.01)) * 0.5
    assert float(model.optimizer.lr) == pytest.approx(expected)
    assert isinstance(model.optimizer.lr, torch.Tensor)
    assert capsys.readouterr().out == ('\nEpoch 00001: LearningRateScheduler setting learning '
                                       'rate to %s.\n' % expected)
    logs = {}
    callback.on_epoch_end(0, logs)
    assert logs['lr'] == np.float32(expected) and isinstance(logs['lr'], np.float32)

    old_style = LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    old_style.set_model(model)
    old_style.on_epoch_begin(3)
    assert float(model.optimizer.lr) == pytest.approx(0.025)


def test_scheduler_checks_output_and_optimizer(model, fake_model_class):
    callback = LearningRateScheduler(lambda epoch: 1)
    callback.set_model(model)
    with pytest.raises(ValueError, match='should be float'):
        callback.on_epoch_begin(0)
    no_lr = fake_model_class()
    no_lr.optimizer = object()
    callback.set_model(no_lr)
    with pytest.raises(ValueError, match='must have a "lr" attribute'):
        callback.on_epoch_begin(0)


def _plateau(model, callback, values):
    callback.set_model(model)
    callback.on_train_begin()
    lrs = []
    for epoch, value in enumerate(values):
        logs = {'val_loss': value}
        callback.on_epoch_end(epoch, logs)
        lrs.append(float(model.optimizer.lr))
    return lrs


def test_reduce_on_plateau_patience_cooldown_min_lr(fake_model_class, capsys):
    model = fake_model_class(lr=1.0)
    callback = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2, min_lr=0.2, verbose=1)
    lrs = _plateau(model, callback, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    # Reductions at epochs 1, 3, 5: the cooldown counter is decremented before the
    # check, so cooldown=2 skips one epoch (Keras 2.3.1); the floor is min_lr.
    assert lrs == pytest.approx([1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2])
    out = capsys.readouterr().out
    assert out == ('\nEpoch 00002: ReduceLROnPlateau reducing learning rate to 0.5.\n'
                   '\nEpoch 00004: ReduceLROnPlateau reducing learning rate to 0.25.\n'
                   '\nEpoch 00006: ReduceLROnPlateau reducing learning rate to 0.2.\n')


def test_reduce_on_plateau_min_delta_and_logs_lr(fake_model_class):
    model = fake_model_class(lr=1.0)
    callback = ReduceLROnPlateau(factor=0.1, patience=1, min_delta=0.1)
    # 0.95 is not an improvement of at least 0.1 over 1.0.
    assert _plateau(model, callback, [1.0, 0.95]) == pytest.approx([1.0, 0.1])
    logs = {'val_loss': 0.0}
    callback.on_epoch_end(2, logs)
    assert logs['lr'] == np.float32(0.1)


def test_reduce_on_plateau_legacy_epsilon_and_errors(model):
    with pytest.warns(UserWarning, match='`epsilon` argument is deprecated.*use `min_delta`'):
        callback = ReduceLROnPlateau(epsilon=0.5)
    assert callback.min_delta == 0.5 and not hasattr(callback, 'epsilon')
    with pytest.raises(ValueError, match='factor >= 1.0'):
        ReduceLROnPlateau(factor=1.0)
    with pytest.raises(TypeError, match='paitence'):
        ReduceLROnPlateau(paitence=3)
    with pytest.warns(RuntimeWarning, match='mode down is unknown'):
        assert ReduceLROnPlateau(mode='down').mode == 'auto'
    acc = ReduceLROnPlateau(monitor='val_acc')
    assert acc.best == -np.inf
    callback.set_model(model)
    with pytest.warns(RuntimeWarning, match='conditioned on metric `val_loss`.*: loss'):
        callback.on_epoch_end(0, {'loss': 1.0})
