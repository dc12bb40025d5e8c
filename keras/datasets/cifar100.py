"""CIFAR-100: 32x32 colour images in 100 fine (20 coarse) classes."""
import os

import numpy as np

from keras.backend import config
from keras.datasets.cifar import load_batch
from keras.utils.data_utils import get_file

__all__ = ['load_data']

_ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'


def load_data(label_mode='fine'):
    """Load CIFAR-100.

    Args:
        label_mode: ``'fine'`` (100 classes) or ``'coarse'`` (20 classes).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images of shape
        ``(50000, 32, 32, 3)`` / ``(10000, 32, 32, 3)`` (channels_last) and
        int64 labels of shape ``(n, 1)``.

    Raises:
        ValueError: for an unknown ``label_mode``.
    """
    if label_mode not in ['fine', 'coarse']:
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`; '
                         'got %r.' % (label_mode,))
    path = get_file('cifar-100-python', origin=_ORIGIN, untar=True)
    key = label_mode + '_labels'
    x_train, y_train = load_batch(os.path.join(path, 'train'), label_key=key)
    x_test, y_test = load_batch(os.path.join(path, 'test'), label_key=key)

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if config.image_data_format() == 'channels_last':
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
