"""Reuters newswires labelled by 46 topics, as sequences of word indices."""
import json

import numpy as np

from keras.datasets.imdb import _index_words, _object_array, _take_num_words
from keras.utils.data_utils import get_file

__all__ = ['load_data', 'get_word_index']

_ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters.npz'
_MD5 = '87aedbeb0cb229e378797a632c1997b6'
_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters_word_index.json'
_INDEX_MD5 = '4d44cc38712099c9e383dc6e5f11a921'


def load_data(path='reuters.npz', num_words=None, skip_top=0, maxlen=None,
              test_split=0.2, seed=113, start_char=1, oov_char=2, index_from=3,
              **kwargs):
    """Load the Reuters newswires (11,228 in all), shuffled then split.

    Args:
        path: file name in the cache (``~/.keras/datasets``).
        num_words: keep word indices below this (the most frequent words).
        skip_top: replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: drop the sequences of ``maxlen`` or more words.
        test_split: fraction of the newswires kept for the test set.
        seed: seed of the shuffle.
        start_char: index marking the start of a sequence (None: no marker).
        oov_char: index standing for cut words (None: cut words are removed).
        index_from: offset added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x as 1-D object arrays of
        lists of ints, y as int arrays.
    """
    num_words = _take_num_words(num_words, kwargs)
    path = get_file(path, origin=_ORIGIN, file_hash=_MD5)
    with np.load(path, allow_pickle=True) as f:
        xs, labels = f['x'], f['y']

    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, labels = xs[order], labels[order]
    xs, labels, _ = _index_words(list(xs), labels, num_words, skip_top, maxlen,
                                 start_char, oov_char, index_from)
    cut = int(len(xs) * (1 - test_split))
    return ((_object_array(xs[:cut]), np.array(labels[:cut])),
            (_object_array(xs[cut:]), np.array(labels[cut:])))


def get_word_index(path='reuters_word_index.json'):
    """The dictionary mapping each word to its index (1 = most frequent).

    Args:
        path: file name in the cache (``~/.keras/datasets``).
    """
    path = get_file(path, origin=_INDEX_ORIGIN, file_hash=_INDEX_MD5)
    with open(path) as f:
        return json.load(f)
