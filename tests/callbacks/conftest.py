"""Shared fakes for the callback tests: a model stand-in, counted tensors, a clock."""
import types

import numpy as np
import pytest
import torch

from keras.training.lazy_logs import LazyLogs
from keras.utils import progbar as progbar_module


class CountingTensor(torch.Tensor):
    """A tensor that counts how often its value is read back to Python."""

    reads = 0

    def item(self):
        CountingTensor.reads += 1
        return super(CountingTensor, self).item()

    def __float__(self):
        CountingTensor.reads += 1
        return super(CountingTensor, self).__float__()


def counted(value):
    return torch.tensor(value, dtype=torch.float32).as_subclass(CountingTensor)


class FakeModel(object):
    """What callbacks use of a model: stop flag, optimizer lr, saving, weights."""

    def __init__(self, lr=0.01, metrics_names=('loss', 'acc')):
        self.stop_training = False
        self.optimizer = types.SimpleNamespace(lr=torch.tensor(lr, dtype=torch.float32))
        self.metrics_names = list(metrics_names)
        self.weights = [np.zeros((2,), dtype='float32')]
        self.saved = []

    def save(self, filepath, overwrite=True):
        with open(filepath, 'w') as f:
            f.write('model')
        self.saved.append(('model', filepath))

    def save_weights(self, filepath, overwrite=True):
        with open(filepath, 'w') as f:
            f.write('weights')
        self.saved.append(('weights', filepath))

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


class FakeClock(object):
    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def model():
    return FakeModel()


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_module, '_clock', fake)
    return fake


@pytest.fixture
def reads():
    """Reset and return the ``CountingTensor`` class (read its ``reads``)."""
    CountingTensor.reads = 0
    return CountingTensor


@pytest.fixture
def batch_logs():
    """``batch_logs(batch, size, loss=..., acc=...)`` -> LazyLogs of counted tensors."""
    def make(batch, size, **values):
        logs = LazyLogs(batch=batch, size=size)
        for key, value in values.items():
            logs[key] = counted(value)
        return logs
    return make


@pytest.fixture
def fake_model_class():
    return FakeModel
