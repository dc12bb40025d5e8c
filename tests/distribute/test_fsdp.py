"""A Keras model sharded with PyTorch's FSDP (``fully_shard``), 2 processes on
CPU with gloo: trained in a hand-written loop it learns what one process
learns on the whole batch; ``fit`` refuses it in Keras terms."""
import numpy as np
import pytest
import torch

from keras.layers import Dense
from keras.models import Sequential

from tests.distribute.test_ddp import WORLD, _ok, run_job

fsdp = pytest.importorskip('torch.distributed.fsdp')
pytestmark = pytest.mark.skipif(not hasattr(fsdp, 'fully_shard'),
                                reason='this torch has no torch.distributed.fsdp.fully_shard')


def _model():
    return Sequential([Dense(16, activation='relu', input_shape=(8,)), Dense(4)])


def _data():
    rng = np.random.RandomState(1)
    return rng.rand(8, 8).astype('float32'), rng.rand(8, 4).astype('float32')


def _train(model, x, y, steps=3):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        loss = ((model(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def test_fully_sharded_keras_model_trains_in_a_torch_loop_like_one_process():
    x, y = _data()
    model = _model()
    start = model.get_weights()

    def job(rank):
        import keras
        keras.distribute.initialize()
        for layer in model.layers:
            fsdp.fully_shard(layer)
        fsdp.fully_shard(model)
        local_shapes = [tuple(p.to_local().shape) for p in model.parameters()]
        part = slice(rank * 4, rank * 4 + 4)  # each rank its half of the batch
        _train(model, x[part], y[part])
        return local_shapes, [p.full_tensor().detach().numpy() for p in model.parameters()]
    (shapes0, weights0), (shapes1, weights1) = _ok(run_job(job))
    # every weight is split along its first axis: each rank holds half of it
    halves = [(8 // WORLD, 16), (16 // WORLD,), (16 // WORLD, 4), (4 // WORLD,)]
    assert shapes0 == shapes1 == halves
    reference = _model()
    reference.set_weights(start)
    _train(reference, x, y)
    for w, w1, w_ref in zip(weights0, weights1, reference.parameters()):
        np.testing.assert_allclose(w, w_ref.detach().numpy(), atol=1e-6)
        np.testing.assert_array_equal(w, w1)


def test_fit_refuses_a_fully_sharded_model():
    x, y = _data()
    model = _model()
    model.compile('sgd', 'mse')

    def job(rank):
        import keras
        keras.distribute.initialize()
        fsdp.fully_shard(model)
        with pytest.raises(ValueError, match='sharded over the processes') as error:
            model.fit(x, y, epochs=1, verbose=0)
        return str(error.value)
    for message in _ok(run_job(job)):
        assert model.name in message and 'fully_shard' in message
