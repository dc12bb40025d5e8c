"""MNIST handwritten digits: 60,000 training and 10,000 test 28x28 images."""
import numpy as np

from keras.utils.data_utils import get_file

__all__ = ['load_data']

_ORIGIN = 'https://s3.amazonaws.com/img-datasets/mnist.npz'
_MD5 = '8a61469f7ea1b51cbae51d4f78837e45'


def load_data(path='mnist.npz'):
    """Load MNIST.

    Args:
        path: file name in the cache (``~/.keras/datasets`` or
            ``$KERAS_HOME/datasets``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes
        ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``.
    """
    path = get_file(path, origin=_ORIGIN, file_hash=_MD5)
    with np.load(path, allow_pickle=True) as f:
        x_train, y_train = f['x_train'], f['y_train']
        x_test, y_test = f['x_test'], f['y_test']
    return (x_train, y_train), (x_test, y_test)
