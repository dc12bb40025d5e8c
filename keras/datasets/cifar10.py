"""CIFAR-10: 32x32 colour images in 10 classes (50,000 train, 10,000 test)."""
import os

import numpy as np

from keras.backend import config
from keras.datasets.cifar import load_batch
from keras.utils.data_utils import get_file

__all__ = ['load_data']

_ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'


def load_data():
    """Load CIFAR-10 (images in ``image_data_format()`` layout).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape
        ``(50000, 32, 32, 3)`` and ``(10000, 32, 32, 3)`` (channels_last), and
        labels of shape ``(50000, 1)`` (uint8) and ``(10000, 1)`` (int64).
    """
    path = get_file('cifar-10-batches-py', origin=_ORIGIN, untar=True)
    parts = [load_batch(os.path.join(path, 'data_batch_%d' % i))
             for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in parts]).astype('uint8')
    y_train = np.concatenate([np.asarray(y) for _, y in parts]).astype('uint8')
    x_test, y_test = load_batch(os.path.join(path, 'test_batch'))

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if config.image_data_format() == 'channels_last':
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
