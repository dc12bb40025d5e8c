"""Data-parallel scaling of ``fit`` on CPU: 1 process vs N processes (gloo).

Trains the Keras 2 ``mnist_mlp`` example (512-512-10, Dropout 0.2, RMSprop,
batch 128 per process) on MNIST from ``$KERAS_HOME/datasets/mnist.npz``.
Every process gets ``--threads`` intra-op threads (default 1), so N processes
use N times the cores of one: the efficiency is the N-process throughput
divided by N times the 1-process throughput (weak scaling: the global batch
grows with N).  The processes are started with the environment ``torchrun``
would give them.

The same model, data split and optimizer also run as a hand-written PyTorch
loop around ``DistributedDataParallel`` (``--engine torch``, run by default
beside Keras): the per-step ratio Keras / torch at 1 and N processes is the
cost of Keras's step, and the N-process over 1-process step time of each
engine is the share communication adds to a step.

    KERAS_HOME=../shared python benchmarks/scaling.py [--procs 2] [--epochs 2]
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worker(args):
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    sys.path.insert(0, ROOT)
    from benchmarks.workloads import MnistMLP
    import keras
    x, y = MnistMLP().data()
    if args.samples:
        x, y = x[:args.samples], y[:args.samples]
    np.random.seed(0)
    from keras.layers import Dense, Dropout
    from keras.models import Sequential
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.RMSprop(),
                  metrics=['accuracy'])
    times, hist = [], None
    for _ in range(args.epochs + 1):  # the first epoch is a warm-up
        start = time.perf_counter()
        hist = model.fit(x, y, batch_size=128, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    if keras.distribute.rank() == 0:
        print(json.dumps({'world': keras.distribute.world_size(), 'samples': len(x),
                          'epoch_s': sorted(times[1:])[len(times[1:]) // 2],
                          'loss': hist.history['loss'][-1],
                          'acc': hist.history['accuracy'][-1]}), flush=True)


def torch_worker(args):
    """The hand-written loop: DDP around the same network, the same strided shard."""
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    sys.path.insert(0, ROOT)
    from benchmarks.workloads import EPS, MnistMLP, categorical_crossentropy
    x, y = MnistMLP().data()
    if args.samples:
        x, y = x[:args.samples], y[:args.samples]
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 10), torch.nn.Softmax(dim=-1))
    if world > 1:
        torch.distributed.init_process_group('gloo', rank=rank, world_size=world)
        net = torch.nn.parallel.DistributedDataParallel(net)
    opt = torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=EPS)
    xs, ys = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(y)
    batch, times = 128, []
    for _ in range(args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(xs), generator=torch.Generator().manual_seed(len(times)))
        for begin in range(0, len(xs), batch * world):
            idx = order[begin:begin + batch * world][rank::world]
            loss = categorical_crossentropy(net(xs[idx]), ys[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    if rank == 0:
        print(json.dumps({'world': world, 'samples': len(x),
                          'epoch_s': sorted(times[1:])[len(times[1:]) // 2],
                          'loss': float(loss.detach()), 'acc': float('nan')}), flush=True)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def launch(procs, args, engine='keras'):
    """Run the ``engine``'s worker in ``procs`` processes; rank 0's JSON result."""
    port = _free_port()
    children = []
    for rank in range(procs):
        env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
        if procs > 1:
            env.update(WORLD_SIZE=str(procs), RANK=str(rank), LOCAL_RANK=str(rank),
                       MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
        cmd = [sys.executable, os.path.abspath(__file__), '--worker', '--engine', engine,
               '--threads', str(args.threads), '--epochs', str(args.epochs),
               '--samples', str(args.samples)]
        children.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, cwd=ROOT))
    outs = [c.communicate()[0].decode() for c in children]
    if any(c.returncode for c in children):
        raise RuntimeError('a worker failed: %s' % [c.returncode for c in children])
    return json.loads(outs[0].strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--procs', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--samples', type=int, default=0, help='use the first N (0: all)')
    parser.add_argument('--engine', choices=('keras', 'torch'), default='keras',
                        help=argparse.SUPPRESS)
    parser.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return torch_worker(args) if args.engine == 'torch' else worker(args)
    os.environ.setdefault('KERAS_HOME', os.path.join(ROOT, '..', 'shared'))
    runs = {(engine, n): launch(n, args, engine)
            for n in (1, args.procs) for engine in ('keras', 'torch')}
    print('%-8s %-10s %10s %12s %10s' % ('engine', 'processes', 's/epoch', 'samples/s', 'loss'))
    for (engine, n), r in sorted(runs.items()):
        print('%-8s %-10d %10.2f %12.0f %10.4f' % (engine, n, r['epoch_s'],
                                                   r['samples'] / r['epoch_s'], r['loss']))
    for n in (1, args.procs):
        print('%d process(es): keras / hand-written DDP loop, time per epoch: %.3fx'
              % (n, runs['keras', n]['epoch_s'] / runs['torch', n]['epoch_s']))
    for engine in ('keras', 'torch'):
        one, many = runs[engine, 1], runs[engine, args.procs]
        rate1, rate_n = one['samples'] / one['epoch_s'], many['samples'] / many['epoch_s']
        print('%s: speed-up %.2fx, scaling efficiency %.0f%%, a step takes %.2fx the time of '
              'one process (%d threads per process)'
              % (engine, rate_n / rate1, 100. * rate_n / (args.procs * rate1),
                 many['epoch_s'] * args.procs / one['epoch_s'], args.threads))


if __name__ == '__main__':
    main()
