"""Sequence preprocessing: padding, skip-grams and a time-series batcher.

Behaves as Keras 2.3.1 (keras-preprocessing 1.1). ``skipgrams`` draws from
Python's ``random`` module, as Keras did, so the same seeds give the same
pairs.
"""
import json
import random

import numpy as np

from keras.utils.data_utils import Sequence

__all__ = ['pad_sequences', 'make_sampling_table', 'skipgrams', 'TimeseriesGenerator',
           'timeseries_generator_from_json']


def _check_side(name, value):
    if value not in ('pre', 'post'):
        raise ValueError('%s type "%s" not understood; expected "pre" or "post".'
                         % (name, value))


def _sample_shape(sequences):
    """The shape of one timestep, taken from the first non-empty sequence."""
    for seq in sequences:
        if len(seq) > 0:
            return np.asarray(seq).shape[1:]
    return ()


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre',
                  truncating='pre', value=0.):
    """Pad (and cut) sequences to one length, giving a 2D (or more) array.

    Args:
        sequences: a list of sequences (lists or arrays; each timestep may
            itself be an array, all of the same shape).
        maxlen: the output length; default the longest sequence.
        dtype: the output dtype; use ``object`` (or a string dtype) to pad
            sequences of strings.
        padding: ``'pre'`` or ``'post'``: where the padding goes.
        truncating: ``'pre'`` or ``'post'``: which end of a too-long sequence
            is cut off.
        value: the padding value (a number, or a string with ``dtype=object``).

    Returns:
        A NumPy array of shape ``(len(sequences), maxlen) + timestep_shape``.

    Raises:
        ValueError: for a bad ``padding``/``truncating``, a non-sequence
            entry, timesteps of different shapes, or a string ``value`` with a
            numeric ``dtype``.

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3],
               [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, '__len__'):
        raise ValueError('`sequences` must be iterable.')
    lengths = []
    for seq in sequences:
        try:
            lengths.append(len(seq))
        except TypeError:
            raise ValueError('`sequences` must be a list of iterables. '
                             'Found non-iterable: ' + str(seq))
    _check_side('Padding', padding)
    _check_side('Truncating', truncating)
    if maxlen is None:
        maxlen = int(np.max(lengths)) if lengths else 0
    sample_shape = _sample_shape(sequences)
    kind = np.dtype(dtype).kind
    if isinstance(value, str) and kind not in ('O', 'U', 'S'):
        raise ValueError("`dtype` {} is not compatible with `value`'s type: {}\n"
                         'You should set `dtype=object` for variable length strings.'
                         .format(dtype, type(value)))
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    if maxlen == 0:
        return out
    for row, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = seq[-maxlen:] if truncating == 'pre' else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError('Shape of sample %s of sequence at position %s '
                             'is different from expected shape %s'
                             % (kept.shape[1:], row, sample_shape))
        if padding == 'post':
            out[row, :len(kept)] = kept
        else:
            out[row, -len(kept):] = kept
    return out


def make_sampling_table(size, sampling_factor=1e-5):
    """Word2vec-style keep probabilities for words ranked by frequency.

    Word frequencies are assumed to follow Zipf's law,
    ``1 / freq(rank) ~ rank * (log(rank) + gamma) + 1/2 - 1/(12 * rank)``
    (``gamma = 0.577``), and a word is kept with probability
    ``min(1, sqrt(sampling_factor / freq))``.

    Args:
        size: number of words (ranks ``0 .. size - 1``; rank 0 counts as 1).
        sampling_factor: the word2vec sampling factor.

    Returns:
        A float array of length ``size``, for ``skipgrams(sampling_table=...)``.
    """
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inv_freq = rank * (np.log(rank) + gamma) + 0.5 - 1. / (12. * rank)
    scaled = sampling_factor * inv_freq
    return np.minimum(1., scaled / np.sqrt(scaled))


def _positive_pairs(sequence, window_size, categorical, sampling_table):
    couples, labels = [], []
    positive = [0, 1] if categorical else 1
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([wi, sequence[j]])
                labels.append(positive)
    return couples, labels


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.,
              shuffle=True, categorical=False, sampling_table=None, seed=None):
    """Skip-gram pairs from a sequence of word indices.

    Each word ``w_i`` (index 0 is skipped) is paired with every non-zero
    word within ``window_size`` positions (label 1); then
    ``int(n_positive * negative_samples)`` pairs of a context word and a
    random word in ``[1, vocabulary_size - 1]`` are added (label 0).

    Args:
        sequence: a list of word indices.
        vocabulary_size: the largest possible index + 1.
        window_size: half-width of the context window.
        negative_samples: ratio of negative to positive pairs (0 for none).
        shuffle: whether to shuffle the pairs (pairs and labels together).
        categorical: labels as ``[0, 1]`` / ``[1, 0]`` instead of 1 / 0.
        sampling_table: keep probability per word index (see
            ``make_sampling_table``); a word is skipped when a uniform draw
            is above it.
        seed: seed for the shuffle.

    Returns:
        ``(couples, labels)``: a list of ``[word, context]`` pairs and their
        labels.
    """
    couples, labels = _positive_pairs(sequence, window_size, categorical, sampling_table)
    if negative_samples > 0:
        n_negative = int(len(labels) * negative_samples)
        words = [pair[0] for pair in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)]
                    for i in range(n_negative)]
        labels += [[1, 0] if categorical else 0] * n_negative
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10e6)
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels


def _remove_long_seq(maxlen, seq, label):
    """Keep only the sequences shorter than ``maxlen`` (and their labels)."""
    kept_seq, kept_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            kept_seq.append(x)
            kept_label.append(y)
    return kept_seq, kept_label


class TimeseriesGenerator(Sequence):
    """Batches of fixed-length windows over a time series, as a ``Sequence``.

    The sample ending just before step ``i`` is
    ``data[i - length:i:sampling_rate]`` and its target is ``targets[i]``;
    ``i`` runs from ``start_index + length`` to ``end_index`` in steps of
    ``stride``.

    Args:
        data: an indexable of timesteps (axis 0 is time).
        targets: one target per timestep, same length as ``data``.
        length: window length in timesteps.
        sampling_rate: step between timesteps inside a window.
        stride: step between consecutive windows.
        start_index: first usable timestep of ``data``.
        end_index: last usable timestep (default ``len(data) - 1``).
        shuffle: draw window ends at random instead of in order.
        reverse: give each window in reverse time order.
        batch_size: windows per batch (the last batch may be smaller).

    Example:
        >>> data = np.arange(50).reshape(50, 1)
        >>> gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2,
        ...                           batch_size=2)
        >>> len(gen)
        20
        >>> gen[0][0][:, :, 0]
        array([[0, 2, 4, 6, 8],
               [1, 3, 5, 7, 9]])
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError('Data and targets have to be of same length. Data length '
                             'is {} while target length is {}'
                             .format(len(data), len(targets)))
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        # As in Keras, `start_index` holds the first window *end*.
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError('`start_index+length=%i > end_index=%i` is disallowed, as '
                             'no part of the sequence would be left to be used as '
                             'current step.' % (self.start_index, self.end_index))

    def __len__(self):
        step = self.batch_size * self.stride
        return (self.end_index - self.start_index + step) // step

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1,
                                     size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            last = min(first + self.batch_size * self.stride, self.end_index + 1)
            rows = np.arange(first, last, self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate]
                            for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self):
        """The arguments, with ``data`` and ``targets`` as JSON strings.

        Raises:
            TypeError: if the data or targets cannot be written as JSON.
        """
        def as_json(values, what):
            if isinstance(values, np.ndarray):
                values = values.tolist()
            try:
                return json.dumps(values)
            except TypeError:
                raise TypeError('%s not JSON Serializable:' % what, values)

        return {
            'data': as_json(self.data, 'Data'),
            'targets': as_json(self.targets, 'Targets'),
            'length': self.length,
            'sampling_rate': self.sampling_rate,
            'stride': self.stride,
            'start_index': self.start_index - self.length,
            'end_index': self.end_index,
            'shuffle': self.shuffle,
            'reverse': self.reverse,
            'batch_size': self.batch_size,
        }

    def to_json(self, **kwargs):
        """A JSON string ``{"class_name": ..., "config": get_config()}``."""
        return json.dumps({'class_name': self.__class__.__name__,
                           'config': self.get_config()}, **kwargs)


def timeseries_generator_from_json(json_string):
    """Rebuild a ``TimeseriesGenerator`` from its ``to_json()`` output.

    ``data`` and ``targets`` come back as NumPy arrays.
    """
    config = dict(json.loads(json_string)['config'])
    config['data'] = np.asarray(json.loads(config['data']))
    config['targets'] = np.asarray(json.loads(config['targets']))
    return TimeseriesGenerator(**config)
