"""Text preprocessing: word splitting, hashing and the ``Tokenizer``.

Behaves as Keras 2.3.1 (which re-exported keras-preprocessing 1.1): index 0 is
never given to a word, the most frequent word gets index 1 (or 2 when an
``oov_token`` takes index 1), and ties keep first-seen order.
"""
import json
from collections import OrderedDict, defaultdict
from hashlib import md5

import numpy as np

from keras.legacy.interfaces import convert_kwargs

__all__ = ['text_to_word_sequence', 'one_hot', 'hashing_trick', 'Tokenizer',
           'tokenizer_from_json']

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_MATRIX_MODES = ('binary', 'count', 'tfidf', 'freq')


def text_to_word_sequence(text, filters=DEFAULT_FILTERS, lower=True, split=' '):
    """Split a text into a list of words.

    Every character of ``filters`` is replaced by ``split`` before splitting;
    empty pieces are dropped.

    Args:
        text: the input string.
        filters: characters to remove (default: punctuation, tab and newline;
            the apostrophe is kept).
        lower: whether to lowercase the text first.
        split: the word separator.

    Returns:
        A list of words.

    Example:
        >>> text_to_word_sequence('Hello, World! hello.')
        ['hello', 'world', 'hello']
    """
    if lower:
        text = text.lower()
    if filters:
        text = text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in text.split(split) if word]


def _md5_hash(word):
    return int(md5(word.encode()).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS,
                  lower=True, split=' '):
    """Turn a text into word indices in ``[1, n - 1]`` by hashing each word.

    Args:
        text: the input string.
        n: size of the hashing space; index 0 is never produced.
        hash_function: ``None`` (Python's ``hash``, which changes between
            runs unless ``PYTHONHASHSEED`` is set), ``'md5'`` (stable), or a
            function from a string to an int.
        filters: characters to remove.
        lower: whether to lowercase the text.
        split: the word separator.

    Returns:
        A list of ints, one per word (different words may collide).
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == 'md5':
        hash_function = _md5_hash
    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(text, n, filters=DEFAULT_FILTERS, lower=True, split=' '):
    """``hashing_trick`` with Python's ``hash``: word indices in ``[1, n - 1]``.

    Args:
        text: the input string.
        n: size of the vocabulary (hashing space).
        filters: characters to remove.
        lower: whether to lowercase the text.
        split: the word separator.

    Returns:
        A list of ints, one per word.
    """
    return hashing_trick(text, n, hash_function=hash, filters=filters,
                         lower=lower, split=split)


class Tokenizer(object):
    """Builds a word index from texts and turns texts into sequences or matrices.

    Args:
        num_words: if set, only words with index below ``num_words`` (the
            ``num_words - 1`` most frequent) are used when converting.
            Keras 1 called it ``nb_words``.
        filters: characters removed from texts.
        lower: whether to lowercase texts.
        split: word separator.
        char_level: if True every character is a token.
        oov_token: if set, it takes index 1 and replaces unknown words (and
            words beyond ``num_words``) in ``texts_to_sequences``.
        document_count: starting document count (used when reloading).

    Attributes:
        word_counts: ``OrderedDict`` word -> number of occurrences.
        word_docs: word -> number of documents containing it.
        index_docs: index -> number of documents containing it.
        word_index: word -> index (1 for the most frequent word).
        index_word: index -> word.
        document_count: number of texts or sequences fitted on.

    Example:
        >>> tok = Tokenizer(num_words=100)
        >>> tok.fit_on_texts(['the cat', 'the dog'])
        >>> tok.texts_to_sequences(['the dog'])
        [[1, 3]]
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=' ',
                 char_level=False, oov_token=None, document_count=0, **kwargs):
        if 'nb_words' in kwargs and num_words is not None:
            raise TypeError('Tokenizer got both the Keras 1 argument `nb_words` and '
                            'its Keras 2 name `num_words`; pass only `num_words`.')
        convert_kwargs('Tokenizer', kwargs, {'nb_words': 'num_words'})
        num_words = kwargs.pop('num_words', num_words)
        if kwargs:
            raise TypeError('Unrecognized keyword arguments: ' + str(kwargs))
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.document_count = document_count
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.index_docs = defaultdict(int)
        self.word_index = {}
        self.index_word = {}

    def _tokens(self, text):
        """The tokens of one text (a string, or a list of tokens already)."""
        if isinstance(text, list):
            return [t.lower() for t in text] if self.lower else text
        if self.char_level:
            return text.lower() if self.lower else text
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        """Count the words of ``texts`` and rebuild ``word_index``.

        Args:
            texts: strings, or lists of tokens (taken as they are, only
                lowercased when ``lower``); a generator works too.
        """
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for token in tokens:
                self.word_counts[token] = self.word_counts.get(token, 0) + 1
            for token in set(tokens):
                self.word_docs[token] += 1
        # A stable sort: equally frequent words keep their first-seen order.
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(word for word, _ in by_count)
        self.word_index = {word: i for i, word in enumerate(vocabulary, start=1)}
        self.index_word = {i: word for word, i in self.word_index.items()}
        for word, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences):
        """Count in how many sequences each index occurs (for tf-idf).

        Args:
            sequences: a list of lists of word indices.
        """
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts):
        """Turn each text into a list of word indices.

        Unknown words, and words whose index is ``num_words`` or more, are
        dropped, or replaced by the ``oov_token``'s index when one is set.

        Args:
            texts: a list of strings (or of token lists).

        Returns:
            A list of lists of ints.
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Like ``texts_to_sequences``, yielding one sequence at a time."""
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            sequence = []
            for token in self._tokens(text):
                i = self.word_index.get(token)
                if i is not None and not (self.num_words and i >= self.num_words):
                    sequence.append(i)
                elif self.oov_token is not None:
                    sequence.append(oov_index)
            yield sequence

    def sequences_to_texts(self, sequences):
        """Turn lists of word indices back into space-joined texts.

        Args:
            sequences: a list of lists of ints.

        Returns:
            A list of strings.
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Like ``sequences_to_texts``, yielding one text at a time."""
        oov_index = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for i in seq:
                word = self.index_word.get(i)
                if word is not None and not (self.num_words and i >= self.num_words):
                    words.append(word)
                elif self.oov_token is not None:
                    words.append(self.index_word[oov_index])
            yield ' '.join(words)

    def texts_to_matrix(self, texts, mode='binary'):
        """``sequences_to_matrix(texts_to_sequences(texts), mode)``."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode='binary'):
        """Turn lists of word indices into a ``(len(sequences), num_words)`` matrix.

        Args:
            sequences: a list of lists of ints.
            mode: ``'binary'`` (1 where the word occurs), ``'count'``,
                ``'freq'`` (count / sequence length) or ``'tfidf'``
                (``(1 + log(count)) * log(1 + docs / (1 + docs_with_word))``).

        Returns:
            A float64 NumPy array; indices at or above the width are ignored.

        Raises:
            ValueError: unknown ``mode``, no width known (no ``num_words`` and
                not fitted), or ``'tfidf'`` before any fitting.
        """
        if mode not in _MATRIX_MODES:
            raise ValueError('Unknown vectorization mode: %r; expected one of %s.'
                             % (mode, ', '.join(_MATRIX_MODES)))
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError('Specify a dimension (`num_words` argument), '
                             'or fit on some text data first.')
        if mode == 'tfidf' and not self.document_count:
            raise ValueError('Fit the Tokenizer on some data before using tfidf mode.')
        matrix = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            if not len(seq):
                continue
            counts = defaultdict(int)
            for i in seq:
                if i < width:
                    counts[i] += 1
            for i, count in counts.items():
                matrix[row, i] = self._weight(mode, i, count, len(seq))
        return matrix

    def _weight(self, mode, index, count, length):
        if mode == 'count':
            return count
        if mode == 'freq':
            return count / length
        if mode == 'binary':
            return 1.
        idf = np.log(1 + self.document_count / (1 + self.index_docs.get(index, 0)))
        return (1 + np.log(count)) * idf

    def get_config(self):
        """The settings and vocabulary, the dictionaries as JSON strings."""
        return {
            'num_words': self.num_words,
            'filters': self.filters,
            'lower': self.lower,
            'split': self.split,
            'char_level': self.char_level,
            'oov_token': self.oov_token,
            'document_count': self.document_count,
            'word_counts': json.dumps(self.word_counts),
            'word_docs': json.dumps(self.word_docs),
            'index_docs': json.dumps(self.index_docs),
            'index_word': json.dumps(self.index_word),
            'word_index': json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """A JSON string ``{"class_name": "Tokenizer", "config": ...}``.

        Args:
            **kwargs: passed to ``json.dumps``.
        """
        return json.dumps({'class_name': self.__class__.__name__,
                           'config': self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """Rebuild a ``Tokenizer`` from ``Tokenizer.to_json()`` output.

    Args:
        json_string: the JSON text.

    Returns:
        A ``Tokenizer`` with the same settings and vocabulary.
    """
    config = dict(json.loads(json_string)['config'])
    word_counts = json.loads(config.pop('word_counts'), object_pairs_hook=OrderedDict)
    word_docs = json.loads(config.pop('word_docs'))
    # JSON object keys are strings: turn the integer keys back into ints.
    index_docs = {int(k): v for k, v in json.loads(config.pop('index_docs')).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop('index_word')).items()}
    word_index = json.loads(config.pop('word_index'))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = defaultdict(int, word_docs)
    tokenizer.index_docs = defaultdict(int, index_docs)
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
