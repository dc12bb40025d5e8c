import numpy as np

from keras.callbacks import CSVLogger


def _train(callback, model, logs_per_epoch, stop_at=None):
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, logs in enumerate(logs_per_epoch):
        if epoch == stop_at:
            model.stop_training = True
        callback.on_epoch_end(epoch, logs)
    callback.on_train_end()


def test_header_sorted_and_rows(model, tmp_path):
    path = str(tmp_path / 'log.csv')
    _train(CSVLogger(path), model, [{'loss': 1.0, 'acc': 0.5, 'val_loss': 2.0},
                                    {'loss': 0.25, 'acc': 0.75, 'val_loss': 1.5}])
    with open(path, 'rb') as f:
        assert f.read() == (b'epoch,acc,loss,val_loss\r\n'
                            b'0,0.5,1.0,2.0\r\n'
                            b'1,0.75,0.25,1.5\r\n')


def test_append_writes_header_once(model, tmp_path):
    path = str(tmp_path / 'log.csv')
    _train(CSVLogger(path, separator=';', append=True), model, [{'loss': 1.0}])
    _train(CSVLogger(path, separator=';', append=True), model, [{'loss': 0.5}])
    with open(path) as f:
        assert f.read().splitlines() == ['epoch;loss', '0;1.0', '0;0.5']
    _train(CSVLogger(path), model, [{'loss': 0.25}])  # append=False overwrites
    with open(path) as f:
        assert f.read().splitlines() == ['epoch,loss', '0,0.25']


def test_stopped_training_fills_missing_with_na_and_formats_sequences(model, tmp_path):
    path = str(tmp_path / 'log.csv')
    _train(CSVLogger(path), model,
           [{'loss': 1.0, 'val_loss': 2.0, 'lr': np.float32(0.5)},
            {'loss': 0.5, 'lr': np.array([1, 2])}], stop_at=1)
    with open(path) as f:
        assert f.read().splitlines() == ['epoch,loss,lr,val_loss', '0,1.0,0.5,2.0',
                                         '1,0.5,"""[1, 2]""",NA']
