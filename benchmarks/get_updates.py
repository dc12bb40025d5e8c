"""A Keras 2 optimizer written with ``get_updates`` against the built-in one.

Trains the MNIST MLP (512-512-10, Dropout 0.2, batch 128) with the built-in
``Adam`` (fused multi-tensor update) and with ``GraphAdam``, the same formula
written as a Keras 2 subclass whose ``get_updates`` returns ``K.update`` ops,
and prints the median ratio of their epoch times (goal: at most 1.5).  As in
``run.py``, each round runs both sides in alternating order.

    python benchmarks/get_updates.py [--repeats 3] [--samples 60000]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.workloads import _mnist  # noqa: E402
from keras import backend as K  # noqa: E402
from keras.optimizers import Optimizer  # noqa: E402


class GraphAdam(Optimizer):
    """Keras 2.3.1's Adam update, written the Keras 2 way."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, **kwargs):
        super(GraphAdam, self).__init__(**kwargs)
        with K.name_scope(self.__class__.__name__):
            self.iterations = K.variable(0, dtype='int64', name='iterations')
            self.learning_rate = K.variable(learning_rate, name='learning_rate')
            self.beta_1 = K.variable(beta_1, name='beta_1')
            self.beta_2 = K.variable(beta_2, name='beta_2')
        self.epsilon = K.epsilon()

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        t = K.cast(self.iterations, K.floatx()) + 1
        lr_t = self.learning_rate * (K.sqrt(1. - K.pow(self.beta_2, t)) /
                                     (1. - K.pow(self.beta_1, t)))
        ms = [K.zeros(K.int_shape(p), dtype=K.dtype(p), name='m_%d' % i)
              for i, p in enumerate(params)]
        vs = [K.zeros(K.int_shape(p), dtype=K.dtype(p), name='v_%d' % i)
              for i, p in enumerate(params)]
        self.weights = [self.iterations] + ms + vs
        for p, g, m, v in zip(params, grads, ms, vs):
            m_t = (self.beta_1 * m) + (1. - self.beta_1) * g
            v_t = (self.beta_2 * v) + (1. - self.beta_2) * K.square(g)
            self.updates.append(K.update(m, m_t))
            self.updates.append(K.update(v, v_t))
            self.updates.append(K.update(p, p - lr_t * m_t / (K.sqrt(v_t) + self.epsilon)))
        return self.updates


def _epoch(optimizer, x, y):
    from keras.layers import Dense, Dropout
    from keras.models import Sequential
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=optimizer, metrics=['accuracy'])

    def run():
        model.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=True)
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--samples', type=int, default=60000)
    parser.add_argument('--threads', type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    from keras.optimizers import Adam
    np.random.seed(0)
    x, y = _mnist()
    x, y = x[:args.samples], y[:args.samples]
    sides = [('builtin', _epoch(Adam(), x, y)), ('get_updates', _epoch(GraphAdam(), x, y))]
    for _, run in sides:  # warm-up (and the get_updates trace)
        run()
    times = dict((name, []) for name, _ in sides)
    for round_ in range(args.repeats):
        for name, run in (sides if round_ % 2 == 0 else sides[::-1]):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    ratios = [g / b for g, b in zip(times['get_updates'], times['builtin'])]
    print('%-12s %12s %14s %8s' % ('workload', 'Adam s/ep', 'GraphAdam s/ep', 'ratio'))
    print('%-12s %12.3f %14.3f %8.3f' % ('mnist_mlp', statistics.median(times['builtin']),
                                         statistics.median(times['get_updates']),
                                         statistics.median(ratios)), flush=True)


if __name__ == '__main__':
    main()
