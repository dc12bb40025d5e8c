"""Data-parallel scaling of ``fit`` on CPU: 1 process vs N processes (gloo).

Trains the Keras 2 ``mnist_mlp`` example (512-512-10, Dropout 0.2, RMSprop)
and ``mnist_cnn`` example (Conv 32, Conv 64, MaxPool, Dense 128, Adadelta),
batch 128 per process, on MNIST from ``$KERAS_HOME/datasets/mnist.npz`` (the
MLP on 20,000 images, the CNN on 6,000 by default), and the same networks,
data split and optimizers as hand-written PyTorch loops.
Every process gets ``--threads`` intra-op threads (default 1), so N processes
use N times the cores of one: the efficiency is the N-process throughput
divided by N times the 1-process throughput (weak scaling: the global batch
grows with N).  The processes are started with the environment ``torchrun``
would give them.

Each process runs every engine in turn, one epoch each, round after round
(the first round is a warm-up), so that a slow moment of the machine falls on
all of them alike; an epoch is timed from a barrier of all ranks to the next,
and the figures are medians over the rounds:

- ``keras``: ``model.fit(epochs=1)``;
- ``torch``: the hand-written loop around ``DistributedDataParallel``;
- ``torch-1ar`` (N > 1): the hand-written loop with one flattened all-reduce
  of all gradients after the backward pass (no overlap: how Keras averaged
  before it used DDP);
- ``keras-local``/``torch-local`` (N > 1): the same steps under DDP's
  ``no_sync()``, which computes the same and communicates nothing.  The
  share of a step spent waiting on communication is
  ``1 - local / synchronized``.

    KERAS_HOME=../shared python benchmarks/scaling.py [--models mlp cnn] [--procs 2]
"""
import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 128


def _keras_model(name):
    import keras
    from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    from keras.models import Sequential
    if name == 'mlp':
        model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                            Dense(512, activation='relu'), Dropout(0.2),
                            Dense(10, activation='softmax')])
        optimizer = keras.optimizers.RMSprop()
    else:
        model = Sequential([Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
                            Conv2D(64, (3, 3), activation='relu'),
                            MaxPooling2D((2, 2)), Dropout(0.25), Flatten(),
                            Dense(128, activation='relu'), Dropout(0.5),
                            Dense(10, activation='softmax')])
        optimizer = keras.optimizers.Adadelta()
    model.compile(loss='categorical_crossentropy', optimizer=optimizer, metrics=['accuracy'])
    return model


def _data(name, samples):
    from benchmarks.workloads import MnistCNN, MnistMLP
    if name == 'mlp':
        x, y = MnistMLP().data()
        samples = samples or 20000
    else:
        x, y = MnistCNN().data()
    return (x[:samples], y[:samples]) if samples else (x, y)


def _keras_ddp(model):
    """The ``DistributedDataParallel`` module of the model's training step
    (made by its first distributed step)."""
    return model._compiled_state.steps._ddp.ddp


def _torch_net_and_optimizer(name):
    import torch
    from benchmarks.workloads import EPS
    nn = torch.nn
    if name == 'mlp':
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                            nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2),
                            nn.Linear(512, 10), nn.Softmax(dim=-1))
        return net, lambda params: torch.optim.RMSprop(params, lr=0.001, alpha=0.9, eps=EPS)
    net = nn.Sequential(_ChannelsFirst(), nn.Conv2d(1, 32, 3), nn.ReLU(),
                        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                        _ChannelsLast(), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(),
                        nn.Dropout(0.5), nn.Linear(128, 10), nn.Softmax(dim=-1))
    net = net.to(memory_format=torch.channels_last)
    return net, lambda params: torch.optim.Adadelta(params, lr=1.0, rho=0.95, eps=EPS)


def _permute(order):
    import torch

    class Permute(torch.nn.Module):
        def forward(self, x):
            return x.permute(*order)
    return Permute


_ChannelsFirst = _permute((0, 3, 1, 2))  # the Keras data is (batch, 28, 28, 1)
_ChannelsLast = _permute((0, 2, 3, 1))  # Keras's Flatten order


class _TorchLoop(object):
    """A hand-written epoch over the same strided shard as Keras's.

    ``average``: ``'ddp'`` (DistributedDataParallel's buckets), ``'one'`` (one
    flattened all-reduce after the backward pass) or None (one process).
    """

    def __init__(self, name, x, y, rank, world, average):
        import torch
        torch.manual_seed(0)
        self.net, make_optimizer = _torch_net_and_optimizer(name)
        self.params = list(self.net.parameters())
        if average == 'ddp':
            self.net = torch.nn.parallel.DistributedDataParallel(self.net)
        self.opt = make_optimizer(self.params)
        self.x, self.y = x, y
        self.rank, self.world, self.average = rank, world, average
        self.epochs = 0

    def epoch(self, local=False):
        import torch
        from benchmarks.workloads import categorical_crossentropy
        self.epochs += 1
        order = torch.randperm(len(self.x), generator=torch.Generator().manual_seed(self.epochs))
        sync = (self.net.no_sync() if local and self.average == 'ddp'
                else contextlib.nullcontext())
        with sync:
            for begin in range(0, len(self.x), BATCH * self.world):
                idx = order[begin:begin + BATCH * self.world][self.rank::self.world]
                loss = categorical_crossentropy(self.net(self.x[idx]), self.y[idx])
                self.opt.zero_grad(set_to_none=True)
                loss.backward()
                if self.average == 'one' and not local:
                    flat = torch.cat([p.grad.reshape(-1) for p in self.params])
                    torch.distributed.all_reduce(flat)
                    flat /= self.world
                    offset = 0
                    for p in self.params:
                        p.grad.copy_(flat[offset:offset + p.numel()].view_as(p))
                        offset += p.numel()
                self.opt.step()


def worker(args):
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    sys.path.insert(0, ROOT)
    import keras
    keras.distribute.initialize()
    rank, world = keras.distribute.rank(), keras.distribute.world_size()
    x, y = _data(args.model, args.samples)
    np.random.seed(0)
    model = _keras_model(args.model)
    xs, ys = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(y)
    loops = {'torch': _TorchLoop(args.model, xs, ys, rank, world,
                                 'ddp' if world > 1 else None)}
    if world > 1:
        loops['torch-1ar'] = _TorchLoop(args.model, xs, ys, rank, world, 'one')

    def keras_epoch(local=False):
        with _keras_ddp(model).no_sync() if local else contextlib.nullcontext():
            return model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)

    engines = {'keras': keras_epoch}
    for name, loop in loops.items():
        engines[name] = loop.epoch
    if world > 1:
        engines['keras-local'] = lambda: keras_epoch(local=True)
        engines['torch-local'] = lambda: loops['torch'].epoch(local=True)
    times = {name: [] for name in engines}
    hist = None
    for _ in range(args.epochs + 1):  # the first round is a warm-up
        for name, run in engines.items():
            # every engine's epoch starts together and ends when the last rank is done
            keras.distribute.barrier()
            start = time.perf_counter()
            out = run()
            keras.distribute.barrier()
            times[name].append(time.perf_counter() - start)
            if name == 'keras':
                hist = out
    if rank == 0:
        median = lambda v: sorted(v)[len(v) // 2]
        steps = -(-len(x) // (BATCH * world))
        result = {'world': world, 'samples': len(x), 'steps': steps,
                  'loss': hist.history['loss'][-1], 'acc': hist.history['accuracy'][-1],
                  'epoch_s': {name: median(t[1:]) for name, t in times.items()},
                  # per round, so that the machine's slow moments cancel
                  'keras_over_torch': median([k / t for k, t in zip(times['keras'][1:],
                                                                    times['torch'][1:])])}
        print(json.dumps(result), flush=True)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def launch(procs, args):
    """Run the worker in ``procs`` processes; rank 0's JSON result."""
    port = _free_port()
    children = []
    for rank in range(procs):
        env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
        if procs > 1:
            env.update(WORLD_SIZE=str(procs), RANK=str(rank), LOCAL_RANK=str(rank),
                       MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
        cmd = [sys.executable, os.path.abspath(__file__), '--worker', '--model', args.model,
               '--threads', str(args.threads), '--epochs', str(args.epochs),
               '--samples', str(args.samples)]
        children.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, cwd=ROOT))
    outs = [c.communicate()[0].decode() for c in children]
    if any(c.returncode for c in children):
        raise RuntimeError('a worker failed: %s' % [c.returncode for c in children])
    return json.loads(outs[0].strip().splitlines()[-1])


def report(runs, procs, threads):
    """Print the table and the ratios of the runs ``{processes: result}``."""
    print('%-12s %-10s %10s %10s %12s' % ('engine', 'processes', 's/epoch', 'ms/step',
                                          'samples/s'))
    for n, r in sorted(runs.items()):
        for engine, seconds in sorted(r['epoch_s'].items()):
            print('%-12s %-10d %10.2f %10.2f %12.0f' % (engine, n, seconds,
                                                        1e3 * seconds / r['steps'],
                                                        r['samples'] / seconds))
    for n, r in sorted(runs.items()):
        print('%d process(es): keras / hand-written DDP loop, time per epoch: %.3fx '
              '(median of the per-round ratios)' % (n, r['keras_over_torch']))
    many = runs[procs]['epoch_s']
    for engine in ('keras', 'torch'):
        print('%s, %d processes: %.0f%% of a step waits on communication (1 - %s-local / %s)'
              % (engine, procs, 100. * (1. - many[engine + '-local'] / many[engine]),
                 engine, engine))
    print('torch, %d processes: one all-reduce after the backward pass takes %.3fx the time '
          'of DDP\'s buckets' % (procs, many['torch-1ar'] / many['torch']))
    for engine in ('keras', 'torch'):
        one, r_many = runs[1], runs[procs]
        rate1 = one['samples'] / one['epoch_s'][engine]
        rate_n = r_many['samples'] / r_many['epoch_s'][engine]
        print('%s: speed-up %.2fx, scaling efficiency %.0f%%, a step takes %.2fx the time of '
              'one process (%d threads per process)'
              % (engine, rate_n / rate1, 100. * rate_n / (procs * rate1),
                 r_many['epoch_s'][engine] * procs / one['epoch_s'][engine], threads))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--procs', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--epochs', type=int, default=3, help='timed rounds after a warm-up')
    parser.add_argument('--samples', type=int, default=0,
                        help='use the first N images (0: 20,000 for the MLP, 6,000 for the CNN)')
    parser.add_argument('--models', nargs='+', choices=('mlp', 'cnn'), default=['mlp', 'cnn'])
    parser.add_argument('--model', choices=('mlp', 'cnn'), help=argparse.SUPPRESS)
    parser.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if args.procs < 2:
        parser.error('--procs must be at least 2 (1 process is always run)')
    os.environ.setdefault('KERAS_HOME', os.path.join(ROOT, '..', 'shared'))
    for name in args.models:
        args.model = name
        print('\n== mnist_%s ==' % name)
        report({n: launch(n, args) for n in (1, args.procs)}, args.procs, args.threads)


if __name__ == '__main__':
    main()
