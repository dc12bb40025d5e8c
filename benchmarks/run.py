"""Training speed of Keras Classic as a ratio to a hand-written PyTorch loop.

Both sides train the same model on the same data with the same batch size and
optimizer, in the same process, and both report the epoch's loss and accuracy
(kept on the device, read at the end of the epoch); the hand-written loop is
the floor an engine on PyTorch can reach.  Each round runs every side once,
in alternating order (torch, keras; keras, torch; ...); the ratio is the
median over rounds of each round's keras/torch time, printed with the
quartiles of those per-round ratios (how noisy the machine was).

    python benchmarks/run.py [--workloads mlp20 mnist_mlp ...] [--repeats 3] [--jit]
                             [--threads N]

Prints one line per workload: ``name  torch s/epoch  keras s/epoch  ratio``.
With ``--jit`` the Keras model is also trained with ``compile(...,
jit_compile=True)`` (the step under ``torch.compile``); the line then shows the
three epoch times, the compiled step's ratios to the hand-written loop and to
the eager step, and the compilation cost (first epoch minus a later one).
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


def compare(workload, repeats, jit=False):
    """Median seconds per epoch of each side, and each side's first epoch.

    Sides: ``torch`` (the hand-written loop), ``keras`` (eager step) and, with
    ``jit``, ``jit`` (``compile(..., jit_compile=True)``, whose first epoch
    includes the compilation).
    """
    torch.manual_seed(0)
    np.random.seed(0)
    data = workload.data()
    sides = [('torch', workload.torch_epoch(data)), ('keras', workload.keras_epoch(data))]
    if jit:
        sides.append(('jit', workload.keras_epoch(data, jit_compile=True)))
    first = {}
    for name, run in sides:  # warm-up (allocations, first-call costs, compilation)
        start = time.perf_counter()
        run()
        first[name] = time.perf_counter() - start
    times = dict((name, []) for name, _ in sides)
    for round_ in range(repeats):
        # (every other round in the reverse order: no side always runs first)
        for name, run in (sides if round_ % 2 == 0 else sides[::-1]):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    medians = dict((name, statistics.median(ts)) for name, ts in times.items())
    # Each round runs the sides back to back, so a round's ratio cancels most
    # of what other processes do to the machine meanwhile; its median is the
    # ratio reported, with the quartiles as the spread.
    ratios, spreads = {}, {}
    for name, ts in times.items():
        per_round = [t / b for t, b in zip(ts, times['torch'])]
        ratios[name] = statistics.median(per_round)
        spreads[name] = _quartiles(per_round)
    return medians, first, ratios, spreads


def _quartiles(values):
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--workloads', nargs='*', default=None)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=None,
                        help='torch intra-op threads (default: PyTorch\'s choice)')
    parser.add_argument('--jit', action='store_true',
                        help='also time the step compiled with torch.compile (jit_compile=True)')
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    names = args.workloads or [w.name for w in workloads.ALL if w.available()]
    if args.jit:
        print('%-14s %10s %10s %10s %9s %9s %10s' % ('workload', 'torch s/ep', 'keras s/ep',
                                                   'jit s/ep', 'jit/torch', 'jit/keras',
                                                   'compile s'))
    else:
        print('%-14s %12s %12s %8s  %s' % ('workload', 'torch s/ep', 'keras s/ep', 'ratio',
                                            'quartiles'))
    for w in workloads.ALL:
        if w.name not in names:
            continue
        if not w.available():
            print('%-14s skipped: %s' % (w.name, w.missing()))
            continue
        med, first, ratios, spreads = compare(w, args.repeats, jit=args.jit)
        t, k = med['torch'], med['keras']
        if args.jit:
            j = med['jit']
            print('%-14s %10.3f %10.3f %10.3f %9.3f %9.3f %10.1f' % (
                w.name, t, k, j, ratios['jit'], ratios['jit'] / ratios['keras'],
                first['jit'] - j), flush=True)
        else:
            print('%-14s %12.3f %12.3f %8.3f  %.3f-%.3f' % ((w.name, t, k, ratios['keras'])
                                                            + spreads['keras']), flush=True)


if __name__ == '__main__':
    main()
