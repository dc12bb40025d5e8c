import os
import sys
import types

import pytest
import torch

from keras.callbacks import TensorBoard


def test_clear_import_error_without_tensorboard(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, 'torch.utils.tensorboard', None)
    with pytest.raises(ImportError, match='pip install tensorboard'):
        TensorBoard(log_dir=str(tmp_path))


def _events(run_dir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    accumulator = EventAccumulator(str(run_dir), size_guidance={'histograms': 0, 'scalars': 0})
    accumulator.Reload()
    return accumulator


def _fake_keras_model():
    kernel = torch.nn.Parameter(torch.arange(6.).reshape(2, 3))
    kernel._keras_name = 'dense_1/kernel:0'
    bias = torch.nn.Parameter(torch.zeros(3))
    layer = types.SimpleNamespace(name='dense_1', weights=[kernel, bias])
    return types.SimpleNamespace(layers=[layer], stop_training=False)


def test_epoch_scalars_and_histograms(tmp_path):
    pytest.importorskip('tensorboard')
    callback = TensorBoard(log_dir=str(tmp_path), histogram_freq=2)
    callback.set_model(_fake_keras_model())
    callback.on_train_begin()
    for epoch in range(3):
        callback.on_epoch_begin(epoch)
        callback.on_train_batch_end(0, {'batch': 0, 'size': 4, 'loss': torch.tensor(9.0)})
        callback.on_epoch_end(epoch, {'loss': 1.0 / (epoch + 1), 'acc': 0.5,
                                      'val_loss': 2.0 + epoch})
    callback.on_train_end()
    train, validation = _events(tmp_path / 'train'), _events(tmp_path / 'validation')
    assert sorted(train.Tags()['scalars']) == ['epoch_acc', 'epoch_loss']
    assert [(e.step, e.value) for e in train.Scalars('epoch_loss')] == \
        [(0, 1.0), (1, 0.5), (2, pytest.approx(1.0 / 3))]
    assert validation.Tags()['scalars'] == ['epoch_loss']
    assert [e.value for e in validation.Scalars('epoch_loss')] == [2.0, 3.0, 4.0]
    assert sorted(train.Tags()['histograms']) == ['dense_1/kernel_0', 'dense_1/weight_1_0']
    kernel = train.Histograms('dense_1/kernel_0')
    assert [h.step for h in kernel] == [0, 2]
    assert (kernel[0].histogram_value.min, kernel[0].histogram_value.max) == (0.0, 5.0)
    assert kernel[0].histogram_value.num == 6


def test_batch_scalars_with_update_freq(tmp_path):
    pytest.importorskip('tensorboard')
    callback = TensorBoard(log_dir=str(tmp_path), update_freq=5)
    callback.set_model(torch.nn.Linear(2, 1))
    for batch in range(4):
        callback.on_train_batch_end(batch, {'batch': batch, 'size': 3,
                                            'loss': torch.tensor(float(batch))})
    callback.on_epoch_end(0, {'loss': 1.5})
    callback.on_train_end()
    train = _events(tmp_path / 'train')
    # Written once at least 5 samples arrived since the last write: after batches 1 and 3.
    assert [(e.step, e.value) for e in train.Scalars('batch_loss')] == [(1, 1.0), (3, 3.0)]
    # Epoch scalars use the number of samples as step once update_freq is not 'epoch'.
    assert [e.step for e in train.Scalars('epoch_loss')] == [12]
    assert not os.path.exists(str(tmp_path / 'validation'))


def test_arguments(tmp_path):
    pytest.importorskip('tensorboard')
    with pytest.warns(UserWarning, match='write_grads'):
        TensorBoard(log_dir=str(tmp_path), write_grads=True, profile_batch=2)
    with pytest.warns(UserWarning, match='embeddings'):
        TensorBoard(log_dir=str(tmp_path), embeddings_freq=1)
    assert TensorBoard(log_dir=str(tmp_path), update_freq='batch').update_freq == 1
    with pytest.raises(ValueError, match='update_freq'):
        TensorBoard(log_dir=str(tmp_path), update_freq='often')
    with pytest.raises(TypeError, match='histogram_frequency'):
        TensorBoard(log_dir=str(tmp_path), histogram_frequency=1)


def test_fit_writes_event_files(tmp_path):
    pytest.importorskip('tensorboard')
    import numpy as np
    from keras.layers import Dense
    from keras.models import Sequential
    model = Sequential([Dense(1, input_shape=(4,))])
    model.compile('sgd', 'mse', metrics=['mae'])
    model.fit(np.random.rand(32, 4), np.random.rand(32, 1), epochs=2, verbose=0,
              validation_split=0.25, callbacks=[TensorBoard(str(tmp_path), histogram_freq=1)])
    train, validation = _events(tmp_path / 'train'), _events(tmp_path / 'validation')
    assert sorted(train.Tags()['scalars']) == ['epoch_loss', 'epoch_mae']
    assert [e.step for e in validation.Scalars('epoch_loss')] == [0, 1]
    assert sorted(train.Tags()['histograms']) == ['dense_1/bias_0', 'dense_1/kernel_0']
