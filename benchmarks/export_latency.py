"""Serving speed of an exported model: onnxruntime vs ``model.predict`` vs ``model(x)``.

For the MNIST MLP (512-512-10) and the MNIST CNN of the Keras 2 examples:
the median latency of one sample (ms) and the throughput on 10,000 samples
(samples/s, batches of 256), each path in the same process.

    python benchmarks/export_latency.py [--repeats 200]
"""
import argparse
import os
import statistics
import tempfile
import time

import numpy as np
import torch


def _mlp():
    from keras.layers import Dense, Dropout
    from keras.models import Sequential
    return Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                       Dense(512, activation='relu'), Dropout(0.2),
                       Dense(10, activation='softmax')]), (784,)


def _cnn():
    from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    from keras.models import Sequential
    return Sequential([Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
                       Conv2D(64, (3, 3), activation='relu'), MaxPooling2D((2, 2)),
                       Dropout(0.25), Flatten(), Dense(128, activation='relu'), Dropout(0.5),
                       Dense(10, activation='softmax')]), (28, 28, 1)


def _median_ms(fn, repeats):
    for _ in range(5):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000. * statistics.median(times)


def _throughput(fn, x, batch=256):
    fn(x[:batch])
    start = time.perf_counter()
    for i in range(0, len(x), batch):
        fn(x[i:i + batch])
    return len(x) / (time.perf_counter() - start)


def measure(name, build, repeats, folder):
    import onnxruntime as ort
    model, shape = build()
    x = np.random.RandomState(0).rand(10000, *shape).astype('float32')
    path = model.export(os.path.join(folder, name + '.onnx'))
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = ort.InferenceSession(path, options)
    feed = session.get_inputs()[0].name

    def eager(batch):
        with torch.no_grad():
            return model(torch.from_numpy(batch))
    paths = {
        'onnxruntime': lambda batch: session.run(None, {feed: batch}),
        'model.predict': lambda batch: model.predict(batch, batch_size=256),
        'model(x)': eager,
    }
    one = x[:1]
    for label, fn in paths.items():
        print('%-10s %-14s %10.3f ms %14.0f samples/s'
              % (name, label, _median_ms(lambda: fn(one), repeats), _throughput(fn, x)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--repeats', type=int, default=200)
    args = parser.parse_args(argv)
    print('%-10s %-14s %13s %24s' % ('model', 'path', '1 sample', '10,000 samples'))
    with tempfile.TemporaryDirectory() as folder:
        for name, build in (('mnist_mlp', _mlp), ('mnist_cnn', _cnn)):
            measure(name, build, args.repeats, folder)


if __name__ == '__main__':
    main()
