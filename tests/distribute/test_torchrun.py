"""The seeds' MNIST MLP and CNN, launched with ``torchrun --nproc_per_node=2``
as a user would (a real launcher, real processes, real MNIST from
``../shared``), against the same script in one process.

On CPU the ranks use gloo (``KERAS_DEVICE=cpu``); on a machine with two GPUs
the CUDA case runs them on nccl.  Each script is the seed example with fewer
samples and epochs; nothing in it mentions distribution.
"""
import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest
import torch

SHARED = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
HAVE_MNIST = os.path.exists(os.path.join(SHARED, 'datasets', 'mnist.npz'))

pytestmark = [
    pytest.mark.skipif(not HAVE_MNIST, reason='needs ../shared/datasets/mnist.npz'),
    pytest.mark.skipif(not torch.distributed.is_available(),
                       reason='torch.distributed is not available'),
]

_PROLOGUE = '''
import json, os, sys
import numpy as np
np.random.seed(0)
import torch
torch.manual_seed(0)
import keras
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers import Dense, Dropout, Conv2D, MaxPooling2D, Flatten
from keras import backend as K
(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train, y_train = x_train[:TRAIN], y_train[:TRAIN]
x_test, y_test = x_test[:2000], y_test[:2000]
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)
'''

_MLP = '''
x_train = x_train.reshape(-1, 784).astype('float32') / 255
x_test = x_test.reshape(-1, 784).astype('float32') / 255
model = Sequential()
model.add(Dense(128, activation='relu', input_shape=(784,)))
model.add(Dropout(0.2))
model.add(Dense(10, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
'''

_CNN = '''
x_train = x_train.reshape(-1, 28, 28, 1).astype('float32') / 255
x_test = x_test.reshape(-1, 28, 28, 1).astype('float32') / 255
model = Sequential()
model.add(Conv2D(8, kernel_size=(3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(32, activation='relu'))
model.add(Dense(10, activation='softmax'))
model.compile(loss=keras.losses.categorical_crossentropy,
              optimizer=keras.optimizers.Adadelta(lr=1.0), metrics=['accuracy'])
'''

_EPILOGUE = '''
history = model.fit(x_train, y_train, batch_size=BATCH, epochs=EPOCHS, verbose=2,
                    validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
if os.environ.get('RANK', '0') == '0':
    with open(sys.argv[1], 'w') as f:
        json.dump({'score': score, 'history': history.history,
                   'world': int(os.environ.get('WORLD_SIZE', '1'))}, f)
'''


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _run(tmp_path, body, nproc, batch, epochs, train, device):
    script = tmp_path / ('job_%d.py' % nproc)
    script.write_text(textwrap.dedent(_PROLOGUE + body + _EPILOGUE)
                      .replace('TRAIN', str(train)).replace('BATCH', str(batch))
                      .replace('EPOCHS', str(epochs)))
    result = tmp_path / ('result_%d.json' % nproc)
    env = dict(os.environ, KERAS_HOME=SHARED, KERAS_DEVICE=device, OMP_NUM_THREADS='1',
               KERAS_DISTRIBUTED_TIMEOUT='60')
    if nproc == 1:
        command = [sys.executable, str(script), str(result)]
    else:
        command = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=%d' % nproc,
                   '--master_addr=127.0.0.1', '--master_port=%d' % _free_port(),
                   str(script), str(result)]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=240, cwd=str(tmp_path))
    output = done.stdout.decode('utf-8', 'replace')
    assert done.returncode == 0, output[-3000:]
    with open(str(result)) as f:
        return json.load(f), output


def _compare(tmp_path, body, batch, epochs, train, device, floor):
    one, _ = _run(tmp_path, body, 1, batch, epochs, train, device)
    two, printed = _run(tmp_path, body, 2, batch // 2, epochs, train, device)
    assert two['world'] == 2 and one['world'] == 1
    # only rank 0 prints: one 'Epoch' header per epoch, not two
    assert printed.count('Epoch 1/%d' % epochs) == 1, printed[-2000:]
    assert one['score'][1] > floor and two['score'][1] > floor, (one['score'], two['score'])
    # (small, short runs: the two differ by the usual run-to-run spread only)
    assert abs(one['score'][1] - two['score'][1]) < 0.05
    assert sorted(two['history']) == sorted(one['history'])
    assert len(two['history']['loss']) == epochs


def test_mnist_mlp_under_torchrun_on_cpu(tmp_path):
    _compare(tmp_path, _MLP, batch=128, epochs=3, train=6000, device='cpu', floor=0.85)


def test_mnist_cnn_under_torchrun_on_cpu(tmp_path):
    # (2 short epochs; two ranks take half the steps of one: 0.82-0.86 seen, chance is 0.1)
    _compare(tmp_path, _CNN, batch=64, epochs=2, train=4000, device='cpu', floor=0.75)


@pytest.mark.skipif(torch.cuda.device_count() < 2 or not torch.distributed.is_nccl_available(),
                    reason='needs two CUDA GPUs and nccl')
def test_mnist_mlp_under_torchrun_on_two_gpus_with_nccl(tmp_path):
    _compare(tmp_path, _MLP, batch=128, epochs=3, train=6000, device='cuda', floor=0.85)
