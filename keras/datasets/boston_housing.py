"""Boston housing prices: 13 features per house, price in k$ as the target."""
import numpy as np

from keras.utils.data_utils import get_file

__all__ = ['load_data']

_ORIGIN = 'https://s3.amazonaws.com/keras-datasets/boston_housing.npz'
_SHA256 = 'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5'


def load_data(path='boston_housing.npz', test_split=0.2, seed=113):
    """Load the Boston housing data, shuffled with ``seed`` then split.

    Args:
        path: file name in the cache (``~/.keras/datasets``).
        test_split: fraction of the samples kept for the test set.
        seed: seed of the shuffle done before the split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``.
    """
    assert 0 <= test_split < 1
    path = get_file(path, origin=_ORIGIN, file_hash=_SHA256)
    with np.load(path, allow_pickle=True) as f:
        x, y = f['x'], f['y']
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]),
                                                     np.array(y[cut:]))
