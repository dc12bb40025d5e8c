import os

import pytest

from keras.callbacks import ModelCheckpoint


def _run(callback, model, logs_per_epoch):
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, logs in enumerate(logs_per_epoch):
        callback.on_epoch_end(epoch, dict(logs))


def test_saves_every_epoch_with_formatted_path(model, tmp_path, capsys):
    pattern = str(tmp_path / 'weights.{epoch:02d}-{val_loss:.2f}.hdf5')
    _run(ModelCheckpoint(pattern, verbose=1), model, [{'val_loss': 0.5}, {'val_loss': 0.25}])
    first, second = str(tmp_path / 'weights.01-0.50.hdf5'), str(tmp_path / 'weights.02-0.25.hdf5')
    assert model.saved == [('model', first), ('model', second)]
    assert os.path.exists(first) and os.path.exists(second)
    assert capsys.readouterr().out == ('\nEpoch 00001: saving model to %s\n'
                                       '\nEpoch 00002: saving model to %s\n' % (first, second))


def test_save_best_only_min_mode_and_messages(model, tmp_path, capsys):
    path = str(tmp_path / 'best.h5')
    callback = ModelCheckpoint(path, monitor='val_loss', verbose=1, save_best_only=True,
                               save_weights_only=True)
    _run(callback, model, [{'val_loss': 0.5}, {'val_loss': 0.75}, {'val_loss': 0.25}])
    assert model.saved == [('weights', path), ('weights', path)]
    assert callback.best == 0.25
    assert capsys.readouterr().out == (
        '\nEpoch 00001: val_loss improved from inf to 0.50000, saving model to %s\n'
        '\nEpoch 00002: val_loss did not improve from 0.50000\n'
        '\nEpoch 00003: val_loss improved from 0.50000 to 0.25000, saving model to %s\n'
        % (path, path))


@pytest.mark.parametrize('monitor,mode,values,saves', [
    ('val_acc', 'auto', [0.5, 0.25, 0.75], 2),       # 'acc' in the name: maximize
    ('val_accuracy', 'auto', [0.5, 0.25, 0.75], 2),
    ('fmeasure', 'auto', [0.5, 0.25, 0.75], 2),
    ('val_loss', 'max', [0.5, 0.25, 0.75], 2),
    ('val_loss', 'auto', [0.5, 0.25, 0.75], 2),      # minimize: 0.5 then 0.25
    ('val_acc', 'min', [0.5, 0.75, 0.875], 1),
])
def test_mode_direction(model, tmp_path, monitor, mode, values, saves):
    callback = ModelCheckpoint(str(tmp_path / 'm.h5'), monitor=monitor, mode=mode,
                               save_best_only=True)
    _run(callback, model, [{monitor: v} for v in values])
    assert len(model.saved) == saves


def test_unknown_mode_warns_and_missing_monitor_skips(model, tmp_path):
    with pytest.warns(RuntimeWarning, match='ModelCheckpoint mode sideways is unknown'):
        callback = ModelCheckpoint(str(tmp_path / 'm.h5'), mode='sideways', save_best_only=True)
    with pytest.warns(RuntimeWarning, match='Can save best model only with val_loss available'):
        _run(callback, model, [{'loss': 1.0}])
    assert model.saved == []


def test_period_and_missing_format_key(model, tmp_path):
    callback = ModelCheckpoint(str(tmp_path / 'm{epoch}.h5'), period=2)
    _run(callback, model, [{}, {}, {}, {}])
    assert [os.path.basename(p) for _, p in model.saved] == ['m2.h5', 'm4.h5']
    with pytest.raises(KeyError, match='val_acc'):
        _run(ModelCheckpoint(str(tmp_path / '{val_acc}.h5')), model, [{'loss': 1.0}])
