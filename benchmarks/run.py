"""Training speed of Keras Classic as a ratio to a hand-written PyTorch loop.

Both sides train the same model on the same data with the same batch size and
optimizer, in the same process; the hand-written loop is the floor an engine
on PyTorch can reach.  Runs alternate (torch, keras, torch, keras, ...) and
the median epoch time of each side is compared.

    python benchmarks/run.py [--workloads mlp20 mnist_mlp ...] [--repeats 3]

Prints one line per workload: ``name  torch s/epoch  keras s/epoch  ratio``.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import workloads  # noqa: E402


def time_epochs(run_epoch, repeats):
    run_epoch()  # warm-up (allocations, first-call costs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_epoch()
        times.append(time.perf_counter() - start)
    return times


def compare(workload, repeats):
    torch.manual_seed(0)
    np.random.seed(0)
    data = workload.data()
    torch_epoch = workload.torch_epoch(data)
    keras_epoch = workload.keras_epoch(data)
    t_times, k_times = [], []
    torch_epoch()
    keras_epoch()
    for _ in range(repeats):
        start = time.perf_counter()
        torch_epoch()
        t_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        keras_epoch()
        k_times.append(time.perf_counter() - start)
    t, k = statistics.median(t_times), statistics.median(k_times)
    return t, k, k / t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--workloads', nargs='*', default=None)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args(argv)
    names = args.workloads or [w.name for w in workloads.ALL if w.available()]
    print('%-14s %12s %12s %8s' % ('workload', 'torch s/ep', 'keras s/ep', 'ratio'))
    for w in workloads.ALL:
        if w.name not in names:
            continue
        if not w.available():
            print('%-14s skipped: %s' % (w.name, w.missing()))
            continue
        t, k, ratio = compare(w, args.repeats)
        print('%-14s %12.3f %12.3f %8.3f' % (w.name, t, k, ratio), flush=True)


if __name__ == '__main__':
    main()
