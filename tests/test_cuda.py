"""The CUDA paths: training on a GPU equals training on the CPU, the step
reads nothing back from the device, mixed float16 scales the loss, the
compiled step and the fused recurrent kernels (cuDNN) give the eager CPU
numbers.  Skipped where no GPU is present (see tests/distribute for nccl)."""
import numpy as np
import pytest
import torch

import keras
from keras import backend as K
from keras import mixed_precision
from keras.layers import LSTM, GRU, Dense, Dropout, Embedding
from keras.models import Sequential

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')


@pytest.fixture(autouse=True)
def _restore_device_and_policy():
    yield
    K.set_device(None)
    mixed_precision.set_global_policy(None)


def _data(n=64, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 10).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(3, size=n)]
    return x, y


def _mlp(optimizer, **compile_kwargs):
    model = Sequential([Dense(16, activation='relu', input_shape=(10,)),
                        Dense(3, activation='softmax')])
    model.compile(optimizer, 'categorical_crossentropy', metrics=['accuracy'],
                  **compile_kwargs)
    return model


def _train_on(device, start, optimizer, **compile_kwargs):
    K.set_device(device)
    model = _mlp(optimizer, **compile_kwargs)
    model.set_weights(start)
    x, y = _data()
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    return model, history


@pytest.mark.parametrize('make_optimizer', [
    lambda: keras.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True, decay=0.01),
    lambda: keras.optimizers.Adam(lr=0.01, amsgrad=True),
    lambda: keras.optimizers.RMSprop(lr=0.01, clipnorm=1.),
])
def test_training_on_cuda_equals_training_on_cpu(make_optimizer):
    start = _mlp('sgd').get_weights()
    cpu, cpu_history = _train_on('cpu', start, make_optimizer())
    gpu, gpu_history = _train_on('cuda', start, make_optimizer())
    assert all(p.is_cuda for p in gpu.parameters())
    assert all(w.is_cuda for w in gpu.optimizer.weights)
    for a, b in zip(cpu.get_weights(), gpu.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    for key in cpu_history.history:
        np.testing.assert_allclose(gpu_history.history[key], cpu_history.history[key],
                                   rtol=1e-4, atol=1e-5)
    x, _ = _data(seed=1)
    np.testing.assert_allclose(gpu.predict(x), cpu.predict(x), rtol=1e-4, atol=1e-5)


def test_the_train_step_does_not_wait_for_the_gpu():
    K.set_device('cuda')
    model = _mlp(keras.optimizers.Adam(decay=0.01))
    x, y = _data()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)  # builds state, plans
    steps = model._step_functions
    xs = [torch.as_tensor(x[:16], device='cuda')]
    ys = [torch.as_tensor(y[:16], device='cuda')]
    torch.cuda.set_sync_debug_mode('error')
    try:
        for _ in range(3):
            steps.train(xs, ys, None, 16)
    finally:
        torch.cuda.set_sync_debug_mode('default')


def test_mixed_float16_trains_with_loss_scaling_and_float32_weights():
    mixed_precision.set_global_policy('mixed_float16')
    K.set_device('cuda')
    model = Sequential([Dense(32, activation='relu', input_shape=(10,)),
                        Dense(3), keras.layers.Activation('softmax', dtype='float32')])
    model.compile(keras.optimizers.Adam(lr=0.01), 'categorical_crossentropy')
    x, y = _data(256)
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    losses = history.history['loss']
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert model._step_functions._loss_scaler is not None
    assert model.predict(x).dtype == np.float32


def test_compiled_step_on_cuda_matches_eager():
    start = _mlp('sgd').get_weights()
    eager, eager_history = _train_on('cuda', start, keras.optimizers.Adam(lr=0.01))
    jit, jit_history = _train_on('cuda', start, keras.optimizers.Adam(lr=0.01),
                                 jit_compile=True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(jit_history.history['loss'], eager_history.history['loss'],
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('layer', [
    lambda: LSTM(8),
    lambda: GRU(8, reset_after=True, recurrent_activation='sigmoid'),
    lambda: LSTM(8, recurrent_activation='hard_sigmoid', return_sequences=True),
])
def test_recurrent_layers_on_cuda_equal_cpu(layer):
    def build():
        model = Sequential([Embedding(20, 6, input_length=7, mask_zero=True), layer()])
        model.compile('sgd', 'mse')
        return model
    x = np.random.RandomState(0).randint(1, 20, size=(5, 7))
    x[1, 4:] = 0  # post-padded row: the packed cuDNN path
    K.set_device('cpu')
    cpu = build()
    K.set_device('cuda')
    gpu = build()
    gpu.set_weights(cpu.get_weights())
    np.testing.assert_allclose(gpu.predict(x), cpu.predict(x), rtol=1e-4, atol=1e-5)
