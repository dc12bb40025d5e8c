"""Training speed of Keras Classic as a ratio to a hand-written PyTorch loop.

Three sides train the same model on the same data with the same batch size
and optimizer, in the same process: the hand-written loop (``torch``, the
floor an engine on PyTorch can reach), ``fit`` with the eager step
(``eager``) and ``fit`` after ``compile(..., jit_compile=True)`` (``jit``).
All report the epoch's loss and accuracy (kept on the device, read at the end
of the epoch).  Each side's first epoch is timed alone (allocations, first
calls and, for ``jit``, the compilation); then each round runs every side
once, in alternating order; a ratio is the median over rounds of that round's
side/torch time, printed with the quartiles of the per-round ratios (how
noisy the machine was).

    python benchmarks/run.py [--workloads mlp_binary mnist_mlp ...] [--repeats 3]
                             [--no-jit] [--rss] [--threads N]

One line per workload: steps per epoch; steady ms/step of each side; the
ratios to the loop; each side's first epoch in seconds; which step the
compiled side kept (``compiled`` or ``eager``: see
``keras/training/compiled_or_eager.py``).  With ``--rss`` each side also
trains alone in a fresh process and its peak resident memory (MiB) is printed.
"""
import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import workloads  # noqa: E402

SIDES = ('torch', 'eager', 'jit')


def _runners(workload, data, sides):
    runners = []
    for name in sides:
        if name == 'torch':
            runners.append((name, workload.torch_epoch(data)))
        else:
            runners.append((name, workload.keras_epoch(data, jit_compile=name == 'jit')))
    return runners


def compare(workload, repeats, sides=SIDES):
    """Steps per epoch; per side: the median seconds per epoch, the first
    epoch, the median per-round ratio to ``torch`` and its quartiles; the step
    the compiled side kept."""
    torch.manual_seed(0)
    np.random.seed(0)
    data = workload.data()
    runners = _runners(workload, data, sides)
    steps = int(math.ceil(len(data[0]) / float(workload.batch_size)))
    first = {}
    for name, run in runners:
        start = time.perf_counter()
        run()
        first[name] = time.perf_counter() - start
    times = dict((name, []) for name in sides)
    for round_ in range(repeats):
        # (every other round in the reverse order: no side always runs first)
        for name, run in (runners if round_ % 2 == 0 else runners[::-1]):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    medians = dict((name, statistics.median(ts)) for name, ts in times.items())
    # Each round runs the sides back to back, so a round's ratio cancels most
    # of what other processes do to the machine meanwhile.
    ratios, spreads = {}, {}
    for name, ts in times.items():
        per_round = [t / b for t, b in zip(ts, times['torch'])]
        ratios[name] = statistics.median(per_round)
        spreads[name] = _quartiles(per_round)
    choice = ''
    for name, run in runners:
        if name == 'jit':
            functions = getattr(run.model, '_step_functions', None)
            choice = ','.join(sorted(set(getattr(functions, 'jit_choice', {}).values()))) or \
                'compiled'
    return steps, medians, first, ratios, spreads, choice


def _quartiles(values):
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def peak_rss(workload_name, side, epochs=2):
    """Peak resident MiB of a fresh process training ``side`` alone."""
    out = subprocess.run([sys.executable, os.path.abspath(__file__), '--rss-child', side,
                          '--workloads', workload_name, '--repeats', str(epochs)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def _rss_child(workload, side, epochs):
    torch.manual_seed(0)
    np.random.seed(0)
    (_, run), = _runners(workload, workload.data(), [side])
    for _ in range(epochs):
        run()
    print(_high_water_mib())


def _high_water_mib():
    """This process's peak resident memory.  (``VmHWM``: unlike ``ru_maxrss``
    it starts afresh at ``exec``, not from the parent's peak.)"""
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return float(line.split()[1]) / 1024.  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.  # KiB on Linux


def _header(sides, rss):
    cols = ['%-13s %6s' % ('workload', 'steps')]
    cols.append(' '.join('%7s' % ('ms/' + s[:5]) for s in sides))
    cols.append(' '.join('%18s' % (s + '/torch') for s in sides[1:]))
    cols.append(' '.join('%7s' % ('1st ' + s[:3]) for s in sides))
    if 'jit' in sides:
        cols.append('%8s' % 'kept')
    if rss:
        cols.append(' '.join('%7s' % ('MiB ' + s[:3]) for s in sides))
    return '  '.join(cols)


def _line(workload, sides, result, rss):
    steps, medians, first, ratios, spreads, choice = result
    cols = ['%-13s %6d' % (workload.name, steps)]
    cols.append(' '.join('%7.2f' % (1000. * medians[s] / steps) for s in sides))
    cols.append(' '.join('%6.3f (%.2f-%.2f)' % ((ratios[s],) + spreads[s]) for s in sides[1:]))
    cols.append(' '.join('%7.1f' % first[s] for s in sides))
    if 'jit' in sides:
        cols.append('%8s' % choice)
    if rss:
        cols.append(' '.join('%7.0f' % rss[s] for s in sides))
    return '  '.join(cols)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--workloads', nargs='*', default=None)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=None,
                        help='torch intra-op threads (default: PyTorch\'s choice)')
    parser.add_argument('--no-jit', action='store_true',
                        help='leave out the side compiled with jit_compile=True')
    parser.add_argument('--rss', action='store_true',
                        help='also each side\'s peak memory, trained alone in a fresh process')
    parser.add_argument('--rss-child', default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    chosen = [w for w in workloads.ALL if not args.workloads or w.name in args.workloads]
    if args.rss_child:
        return _rss_child(chosen[0], args.rss_child, args.repeats)
    sides = SIDES[:2] if args.no_jit else SIDES
    print(_header(sides, args.rss), flush=True)
    for w in chosen:
        if not w.available():
            print('%-13s skipped: %s' % (w.name, w.missing()))
            continue
        result = compare(w, args.repeats, sides)
        rss = dict((s, peak_rss(w.name, s)) for s in sides) if args.rss else None
        print(_line(w, sides, result, rss), flush=True)


if __name__ == '__main__':
    main()
