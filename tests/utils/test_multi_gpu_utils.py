"""multi_gpu_model: Keras 2.3.1's errors on machines without enough GPUs, and
the data-parallel forward pass, run on CPU with stand-ins for the CUDA-only
``torch.nn.parallel`` primitives (threads included)."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from keras import backend as K
from keras.backend import session as K_session
from keras.engine.base_layer import Layer, collect_call_losses
from keras.layers import Dense, Input, concatenate
from keras.models import Model, Sequential
from keras.utils import multi_gpu_utils
from keras.utils.multi_gpu_utils import multi_gpu_model


class CpuParallelOps(object):
    """CPU versions of scatter / replicate / parallel_apply / gather."""

    @staticmethod
    def scatter(inputs, devices, dim=0):
        parts = [torch.tensor_split(x, len(devices), dim=dim) for x in inputs]
        return [tuple(p[i] for p in parts) for i in range(len(devices))
                if parts[0][i].shape[0] > 0]

    @staticmethod
    def replicate(network, devices, detach=False):
        """Like ``torch.nn.parallel.replicate``: module copies whose parameters
        are differentiable copies of the originals."""
        modules = list(network.modules())
        index = {id(m): i for i, m in enumerate(modules)}
        params = list(network.parameters())
        pindex = {id(p): i for i, p in enumerate(params)}
        replicas = []
        for _ in devices:
            copies = [m._replicate_for_data_parallel() for m in modules]
            pcopies = [p.detach().clone() if detach else p * 1 for p in params]
            for module, copy in zip(modules, copies):
                for key, child in module._modules.items():
                    setattr(copy, key, None if child is None else copies[index[id(child)]])
                for key, p in module._parameters.items():
                    if p is not None:
                        setattr(copy, key, pcopies[pindex[id(p)]])
            replicas.append(copies[0])
        return replicas

    @staticmethod
    def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
        with ThreadPoolExecutor(len(modules)) as pool:
            futures = [pool.submit(m, *x) for m, x in zip(modules, inputs)]
            return [f.result() for f in futures]

    @staticmethod
    def gather(outputs, target_device, dim=0):
        if isinstance(outputs[0], (list, tuple)):
            return [torch.cat([o[i] for o in outputs], dim) for i in range(len(outputs[0]))]
        return torch.cat(outputs, dim)


class PhaseScale(Layer):
    """Doubles its input in the training phase (reads the thread-local phase)."""

    def call(self, x):
        return x * (2. if K.learning_phase() else 1.)


def _model():
    x = Input((4,), name='x')
    h = Dense(6, activation='tanh', activity_regularizer='l1', name='h')(x)
    return Model(x, Dense(3, name='y')(PhaseScale()(h)), name='template')


def _two_in_two_out():
    a, b = Input((4,), name='a'), Input((2,), name='b')
    h = Dense(5, name='h')(concatenate([a, b]))
    return Model([a, b], [Dense(1, name='o1')(h), Dense(2, name='o2')(h)])


# ------------------------------------------------------------- errors (2.3.1)
def test_errors_without_enough_gpus(monkeypatch):
    monkeypatch.setattr(multi_gpu_utils, '_get_available_devices', lambda: ['/cpu:0'])
    model = _model()
    with pytest.raises(ValueError) as info:
        multi_gpu_model(model, gpus=2)
    assert str(info.value) == (
        "To call `multi_gpu_model` with `gpus=2`, we expect the following devices to be "
        "available: ['/cpu:0', '/gpu:0', '/gpu:1']. However this machine only has: "
        "['/cpu:0']. Try reducing `gpus`.")
    with pytest.raises(ValueError, match=r'with `gpus >= 2`. Received: `gpus=0`'):
        multi_gpu_model(model)
    with pytest.raises(ValueError, match=r'with `gpus >= 2`. Received: `gpus=1`'):
        multi_gpu_model(model, gpus=1)
    with pytest.raises(ValueError, match=r'with `len\(gpus\) >= 2`. Received: `gpus=\[0\]`'):
        multi_gpu_model(model, gpus=[0])


def test_error_lists_the_gpus_that_exist(monkeypatch):
    monkeypatch.setattr(multi_gpu_utils, '_get_available_devices',
                        lambda: ['/device:GPU:0', '/gpu:1', '/cpu:0'])
    with pytest.raises(ValueError) as info:
        multi_gpu_model(_model(), gpus=[0, 3])
    assert "['/cpu:0', '/gpu:0', '/gpu:3']" in str(info.value)
    assert "only has: ['/gpu:0', '/gpu:1', '/cpu:0']" in str(info.value)


def test_real_machine_check_matches_cuda_count():
    names = multi_gpu_utils._get_available_devices()
    n = torch.cuda.device_count() if torch.cuda.is_available() else 0
    assert names == ['/gpu:%d' % i for i in range(n)] + ['/cpu:0']
    if n < 2:
        with pytest.raises(ValueError, match='Try reducing `gpus`'):
            multi_gpu_model(_model(), gpus=n + 1 if n else 2)


# ----------------------------------------------------- the parallel forward
@pytest.mark.parametrize('phase', [0, 1])
def test_forward_matches_template_with_losses_and_phase(phase):
    model = _model()
    x = torch.from_numpy(np.random.RandomState(0).normal(size=(7, 4)).astype('float32'))
    with K_session.learning_phase_scope(phase):
        with collect_call_losses() as expected_losses:
            expected = model(x, training=bool(phase))
        out, losses = multi_gpu_utils.data_parallel_forward(
            model, [x], bool(phase), [0, 1, 2], 'cpu', CpuParallelOps)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    assert len(losses) == 3  # one activity-regularizer term per replica
    np.testing.assert_allclose(float(sum(losses).detach()), float(sum(expected_losses).detach()),
                               rtol=1e-5)


def test_forward_backward_reaches_template_weights():
    model = _model()
    x = torch.ones(4, 4)
    out, _ = multi_gpu_utils.data_parallel_forward(model, [x], True, [0, 1], 'cpu',
                                                   CpuParallelOps)
    out.sum().backward()
    got = [w.grad.clone() for w in model.trainable_weights]
    for w in model.trainable_weights:
        w.grad = None
    model(x, training=True).sum().backward()
    for g, w in zip(got, model.trainable_weights):
        np.testing.assert_allclose(g.numpy(), w.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_replica_plans_call_replica_layers():
    model = _two_in_two_out()
    replica = CpuParallelOps.replicate(model, [0])[0]
    multi_gpu_utils.rebind_plans(model, replica)
    replica_layers = set(id(m) for m in replica.modules())
    steps = replica._plan.steps
    assert steps and all(id(s.layer) in replica_layers for s in steps)
    assert all(s.layer is not o.layer for s, o in zip(steps, model._get_plan().steps))
    a, b = torch.ones(3, 4), torch.zeros(3, 2)
    outs, _ = multi_gpu_utils.data_parallel_forward(model, [a, b], False, [0, 1], 'cpu',
                                                    CpuParallelOps)
    for got, want in zip(outs, model([a, b])):
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5)


# ------------------------------------------------------- the returned model
def test_parallel_model_shares_weights_and_names(monkeypatch):
    monkeypatch.setattr(multi_gpu_utils, '_get_available_devices',
                        lambda: ['/gpu:0', '/gpu:1', '/cpu:0'])
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)  # keep weights on CPU
    template = _two_in_two_out()
    parallel = multi_gpu_model(template)
    assert parallel.input_names == template.input_names
    assert parallel.output_names == ['o1', 'o2']
    assert {id(w) for w in parallel.weights} == {id(w) for w in template.weights}
    a = np.random.rand(6, 4).astype('float32')
    b = np.random.rand(6, 2).astype('float32')
    for got, want in zip(parallel.predict([a, b]), template.predict([a, b])):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    parallel.compile('sgd', 'mse')
    before = template.get_weights()[0].copy()
    parallel.fit([a, b], [np.ones((6, 1)), np.ones((6, 2))], epochs=1, verbose=0)
    assert not np.allclose(before, template.get_weights()[0])


def test_siamese_output_names_are_numbered(monkeypatch):
    monkeypatch.setattr(multi_gpu_utils, '_get_available_devices',
                        lambda: ['/gpu:0', '/gpu:1', '/cpu:0'])
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    shared = Sequential([Dense(2, input_shape=(3,))], name='tower')
    a, b = Input((3,)), Input((3,))
    template = Model([a, b], [shared(a), shared(b)])
    parallel = multi_gpu_model(template, gpus=2)
    assert parallel.output_names == ['tower_1', 'tower_2']
