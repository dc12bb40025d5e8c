"""Inference speed of ``model.predict`` as a ratio to a hand-written PyTorch call.

The MNIST MLP of the Keras 2 examples (784-512-512-10, Dropout 0.2) on both
sides, with the same weights, in the same process: Keras's
``model.predict(x)`` against ``net(torch.from_numpy(x)).numpy()`` under
``torch.no_grad()`` in eval mode (NumPy in, NumPy out, as ``predict``).

* latency: one sample per call; each round times ``--calls`` calls of each
  side (alternating which side goes first) and takes each side's median.
* throughput: 10,000 rows per call, in batches of ``--batch-size`` (Keras's
  default 32), the torch side looping over the same batches.

Each line gives the median over rounds of each side's time, the median of the
per-round keras/torch ratios and their quartiles (how noisy the machine was).

    python benchmarks/predict_latency.py [--rounds 15] [--calls 200] [--batch-size 32]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _models():
    """The Keras MLP and a torch ``Sequential`` holding copies of its weights."""
    from keras.layers import Dense, Dropout
    from keras.models import Sequential
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 10), torch.nn.Softmax(dim=-1))
    weights = model.get_weights()
    with torch.no_grad():
        for linear, (kernel, bias) in zip([net[0], net[3], net[6]],
                                          zip(weights[0::2], weights[1::2])):
            linear.weight.copy_(torch.from_numpy(kernel.T))
            linear.bias.copy_(torch.from_numpy(bias))
    net.eval()
    return model, net


def _torch_predict(net, batch_size):
    def run(x):
        outs = []
        with torch.no_grad():
            for start in range(0, x.shape[0], batch_size):
                outs.append(net(torch.from_numpy(x[start:start + batch_size])))
        return torch.cat(outs).numpy()
    return run


def _time_calls(fn, x, calls):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _quartiles(values):
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def compare(sides, x, rounds, calls):
    """Per side: the median over rounds of its per-round median call time, and
    the per-round keras/torch ratios."""
    for fn in sides.values():  # warm-up
        for _ in range(10):
            fn(x)
    times = dict((name, []) for name in sides)
    items = list(sides.items())
    for round_ in range(rounds):
        for name, fn in (items if round_ % 2 == 0 else items[::-1]):
            times[name].append(_time_calls(fn, x, calls))
    ratios = [k / t for k, t in zip(times['keras'], times['torch'])]
    return times, ratios


def report(label, times, ratios, unit, scale):
    tq, kq = _quartiles(times['torch']), _quartiles(times['keras'])
    rq = _quartiles(ratios)
    print('%-22s torch %8.3f %s (%.3f-%.3f)  keras %8.3f %s (%.3f-%.3f)  ratio %.3f (%.3f-%.3f)'
          % (label, scale * statistics.median(times['torch']), unit, scale * tq[0],
             scale * tq[1], scale * statistics.median(times['keras']), unit, scale * kq[0],
             scale * kq[1], statistics.median(ratios), rq[0], rq[1]), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--rounds', type=int, default=15)
    parser.add_argument('--calls', type=int, default=200)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--threads', type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, net = _models()
    x = np.random.RandomState(0).rand(10000, 784).astype('float32')
    one = x[:1]
    np.testing.assert_allclose(model.predict(x[:64]), _torch_predict(net, 32)(x[:64]),
                               rtol=1e-5, atol=1e-6)
    sides = {'torch': _torch_predict(net, args.batch_size),
             'keras': lambda a: model.predict(a, batch_size=args.batch_size)}
    times, ratios = compare(sides, one, args.rounds, args.calls)
    report('1 sample (ms/call)', times, ratios, 'ms', 1000.)
    calls = max(1, args.calls // 100)
    times, ratios = compare(sides, x, max(5, args.rounds // 2), calls)
    report('10,000 rows (ms/call)', times, ratios, 'ms', 1000.)


if __name__ == '__main__':
    main()
