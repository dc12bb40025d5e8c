"""Jobs that outlive a killed worker, and jobs over two "nodes", under a real torchrun.

A worker killed with SIGKILL in the middle of an epoch ends the group;
``torchrun --max-restarts=1`` starts it again and ``BackupAndRestore`` brings
back the weights, the optimizer state and the epoch, so the job ends with the
weights of a run that was never interrupted (the interrupted epoch is done
again from its start).  The uninterrupted run here is a two-node job (one
process per node, c10d rendezvous on this machine).
"""
import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.skipif(not torch.distributed.is_available(),
                                reason='torch.distributed is not available')

_SCRIPT = '''
import os, signal, sys
import numpy as np
import torch
import keras
from keras.models import Sequential
from keras.layers import Dense

out, backup_dir, kill = sys.argv[1], sys.argv[2], sys.argv[3] == 'kill'
np.random.seed(0)
torch.manual_seed(0)
rng = np.random.RandomState(0)
x = rng.rand(256, 6).astype('float32')
y = (x @ rng.rand(6, 3)).astype('float32')
model = Sequential([Dense(16, activation='relu', input_shape=(6,)), Dense(3)])
model.compile(keras.optimizers.Adam(0.01), 'mse')


class KillRankOne(keras.callbacks.Callback):
    """On the first attempt, rank 1 dies without a word in epoch 2 (0-based)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_batch_end(self, batch, logs=None):
        first_try = os.environ.get('TORCHELASTIC_RESTART_COUNT', '0') == '0'
        if kill and first_try and os.environ['RANK'] == '1' and self.epoch == 2 and batch == 1:
            os.kill(os.getpid(), signal.SIGKILL)


history = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0,
                    callbacks=[keras.callbacks.BackupAndRestore(backup_dir), KillRankOne()])
if os.environ['RANK'] == '0':
    np.savez(out, *model.get_weights(), epochs=np.array(history.epoch),
             restarts=int(os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')))
'''


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _env():
    return dict(os.environ, KERAS_DEVICE='cpu', OMP_NUM_THREADS='1',
                KERAS_DISTRIBUTED_TIMEOUT='60')


def _finish(procs, timeout=240):
    outputs = []
    for proc in procs:
        try:
            out, _ = proc.communicate(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
        outputs.append(out.decode('utf-8', 'replace'))
        assert proc.returncode == 0, outputs[-1][-3000:]
    return outputs


def _launch(args, script, *script_args):
    command = [sys.executable, '-m', 'torch.distributed.run'] + args + [str(script)] + \
        [str(a) for a in script_args]
    return subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def _load(path):
    data = np.load(str(path))
    weights = [data['arr_%d' % i] for i in range(len(data.files) - 2)]
    return weights, list(data['epochs']), int(data['restarts'])


@pytest.mark.timeout(280)
def test_killed_worker_restarts_from_backup_and_matches_a_two_node_run(tmp_path):
    script = tmp_path / 'job.py'
    script.write_text(textwrap.dedent(_SCRIPT))
    # Uninterrupted: two "nodes" of one process each, c10d rendezvous.
    endpoint = '--rdzv_endpoint=127.0.0.1:%d' % _free_port()
    nodes = [_launch(['--nnodes=2', '--nproc_per_node=1', '--node_rank=%d' % r,
                      '--rdzv_backend=c10d', endpoint, '--rdzv_id=two_nodes'],
                     script, tmp_path / 'whole.npz', tmp_path / 'backup_whole', 'run')
             for r in (0, 1)]
    _finish(nodes)
    # Interrupted: rank 1 is SIGKILLed mid-epoch; torchrun restarts the group once.
    output = _finish([_launch(['--nproc_per_node=2', '--max-restarts=1',
                               '--master_addr=127.0.0.1', '--master_port=%d' % _free_port()],
                              script, tmp_path / 'resumed.npz', tmp_path / 'backup', 'kill')])[0]
    whole, whole_epochs, _ = _load(tmp_path / 'whole.npz')
    resumed, resumed_epochs, restarts = _load(tmp_path / 'resumed.npz')
    assert restarts == 1, output[-3000:]
    assert whole_epochs == [0, 1, 2, 3]
    assert resumed_epochs == [2, 3]  # epochs 0 and 1 came from the backup
    for a, b in zip(whole, resumed):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
    # A finished fit deletes its backup.
    assert not (tmp_path / 'backup').exists() and not (tmp_path / 'backup_whole').exists()
