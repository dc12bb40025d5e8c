"""Fashion-MNIST: 28x28 grayscale images of 10 kinds of clothing."""
import gzip
import os

import numpy as np

from keras.utils.data_utils import get_file

__all__ = ['load_data']

_BASE = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'
_FILES = ['train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz',
          't10k-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']


def _read_idx(path, offset):
    with gzip.open(path, 'rb') as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data():
    """Load Fashion-MNIST (cached in ``datasets/fashion-mnist``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes
        ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``.
    """
    subdir = os.path.join('datasets', 'fashion-mnist')
    paths = [get_file(name, origin=_BASE + name, cache_subdir=subdir)
             for name in _FILES]
    y_train = _read_idx(paths[0], 8)
    x_train = _read_idx(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read_idx(paths[2], 8)
    x_test = _read_idx(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
