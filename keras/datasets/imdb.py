"""IMDB movie reviews labelled by sentiment, as sequences of word indices."""
import json
import warnings

import numpy as np

from keras.utils.data_utils import get_file

__all__ = ['load_data', 'get_word_index']

_ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb.npz'
_MD5 = '599dadb1135973df5b59232a0e9a887c'
_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb_word_index.json'
_INDEX_MD5 = 'bfafd718b763782e994055a2d397834f'


def _take_num_words(num_words, kwargs):
    """Accept the Keras 1 spelling ``nb_words``; refuse other extras."""
    if 'nb_words' in kwargs:
        warnings.warn('The `nb_words` argument in `load_data` has been '
                      'renamed `num_words`.')
        num_words = kwargs.pop('nb_words')
    if kwargs:
        raise TypeError('Unrecognized keyword arguments: ' + str(kwargs))
    return num_words


def _object_array(rows):
    """A 1-D object array holding each row as a Python list."""
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = list(row)
    return out


def _index_words(xs, labels, num_words, skip_top, maxlen, start_char,
                 oov_char, index_from):
    """Shift, filter and clip word indices as Keras 2.3.1's text datasets do.

    Sequences are prefixed with ``start_char`` and shifted by ``index_from``;
    those not shorter than ``maxlen`` are dropped; indices outside
    ``[skip_top, num_words)`` become ``oov_char`` (or are removed if it is None).

    Returns:
        ``(xs, labels, kept)``, ``kept`` being the positions of the rows kept.
    """
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    else:
        xs = [list(x) for x in xs]
    kept = list(range(len(xs)))
    if maxlen:
        kept = [i for i, x in enumerate(xs) if len(x) < maxlen]
        xs = [xs[i] for i in kept]
        labels = [labels[i] for i in kept]
    if not num_words and xs:
        num_words = max(max(x) for x in xs if len(x))
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x]
              for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    return xs, labels, kept


def load_data(path='imdb.npz', num_words=None, skip_top=0, maxlen=None,
              seed=113, start_char=1, oov_char=2, index_from=3, **kwargs):
    """Load the IMDB reviews (25,000 train, 25,000 test).

    Args:
        path: file name in the cache (``~/.keras/datasets``).
        num_words: keep word indices below this (the most frequent words).
        skip_top: replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: drop the sequences of ``maxlen`` or more words.
        seed: seed of the shuffle of each split.
        start_char: index marking the start of a sequence (None: no marker).
        oov_char: index standing for cut words (None: cut words are removed).
        index_from: offset added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x as 1-D object arrays of
        lists of ints, y as int arrays.

    Raises:
        ValueError: when ``maxlen`` is so low that no sequence is kept.
    """
    num_words = _take_num_words(num_words, kwargs)
    path = get_file(path, origin=_ORIGIN, file_hash=_MD5)
    with np.load(path, allow_pickle=True) as f:
        x_train, labels_train = f['x_train'], f['y_train']
        x_test, labels_test = f['x_test'], f['y_test']

    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, labels_train = x_train[order], labels_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, labels_test = x_test[order], labels_test[order]

    xs = list(x_train) + list(x_test)
    labels = np.concatenate([labels_train, labels_test])
    xs, labels, kept = _index_words(xs, labels, num_words, skip_top, maxlen,
                                    start_char, oov_char, index_from)
    if maxlen and not xs:
        raise ValueError('After filtering for sequences shorter than maxlen=' +
                         str(maxlen) + ', no sequence was kept. '
                         'Increase maxlen.')
    # Split where the training rows end among the kept ones (Keras 2.3.1 split
    # at the unfiltered count, moving test reviews into the training set).
    cut = sum(1 for i in kept if i < len(x_train))
    return ((_object_array(xs[:cut]), np.array(labels[:cut])),
            (_object_array(xs[cut:]), np.array(labels[cut:])))


def get_word_index(path='imdb_word_index.json'):
    """The dictionary mapping each word to its index (1 = most frequent).

    Args:
        path: file name in the cache (``~/.keras/datasets``).
    """
    path = get_file(path, origin=_INDEX_ORIGIN, file_hash=_INDEX_MD5)
    with open(path) as f:
        return json.load(f)
