"""keras.preprocessing.text against hand-worked keras-preprocessing 1.1 results."""
import json
import warnings
from collections import OrderedDict
from hashlib import md5

import numpy as np
import pytest

from keras.preprocessing import text
from keras.preprocessing.text import (Tokenizer, hashing_trick, one_hot,
                                      text_to_word_sequence, tokenizer_from_json)

CORPUS = ['The cat sat on the mat.', 'The dog ate my homework!', 'Cat and dog.']


def test_text_to_word_sequence():
    assert text_to_word_sequence('Hello, World!  Hi\tthere\n') == ['hello', 'world', 'hi',
                                                                  'there']
    assert text_to_word_sequence("Don't stop", lower=False) == ["Don't", 'stop']
    assert text_to_word_sequence('a,b;c', filters=';', split=',') == ['a', 'b', 'c']
    assert text_to_word_sequence('x--y', filters='') == ['x--y']


def test_hashing_trick_md5_is_stable_and_in_range():
    n = 7
    words = ['the', 'quick', 'brown', 'the']
    expected = [int(md5(w.encode()).hexdigest(), 16) % (n - 1) + 1 for w in words]
    assert hashing_trick('The quick, brown the', n, hash_function='md5') == expected
    assert hashing_trick('a b', 5, hash_function=len) == [1 % 4 + 1, 1 % 4 + 1]


def test_one_hot_range_and_consistency():
    seq = one_hot('apple Banana apple cherry', 10)
    assert len(seq) == 4
    assert all(1 <= i <= 9 for i in seq)
    assert seq[0] == seq[2]


def test_tokenizer_vocabulary():
    tok = Tokenizer()
    tok.fit_on_texts(CORPUS)
    assert tok.document_count == 3
    assert isinstance(tok.word_counts, OrderedDict)
    assert list(tok.word_counts.items())[:4] == [('the', 3), ('cat', 2), ('sat', 1), ('on', 1)]
    # Most frequent first; ties keep first-seen order.
    assert tok.word_index == {'the': 1, 'cat': 2, 'dog': 3, 'sat': 4, 'on': 5, 'mat': 6,
                              'ate': 7, 'my': 8, 'homework': 9, 'and': 10}
    assert tok.index_word == {i: w for w, i in tok.word_index.items()}
    assert tok.word_docs['the'] == 2 and tok.word_docs['cat'] == 2
    assert tok.index_docs[1] == 2 and tok.index_docs[10] == 1


def test_texts_to_sequences_num_words_and_oov():
    tok = Tokenizer(num_words=4)
    tok.fit_on_texts(CORPUS)
    assert tok.texts_to_sequences(['the cat and a dog sat']) == [[1, 2, 3]]
    oov = Tokenizer(num_words=4, oov_token='<unk>')
    oov.fit_on_texts(CORPUS)
    assert oov.word_index['<unk>'] == 1 and oov.word_index['the'] == 2
    # 'the'=2, 'cat'=3, 'and'=11 >= 4 -> oov, 'zebra' unknown -> oov.
    assert oov.texts_to_sequences(['the cat and zebra']) == [[2, 3, 1, 1]]
    assert oov.sequences_to_texts([[2, 3, 1, 9]]) == ['the cat <unk> <unk>']
    assert list(oov.texts_to_sequences_generator(['dog'])) == [[1]]


def test_sequences_to_texts_drops_unknown_without_oov():
    tok = Tokenizer()
    tok.fit_on_texts(CORPUS)
    assert tok.sequences_to_texts([[1, 2, 99], []]) == ['the cat', '']
    assert list(tok.sequences_to_texts_generator([[3]])) == ['dog']


def test_char_level_and_token_lists():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(['abba', 'Ac'])
    assert tok.word_index == {'a': 1, 'b': 2, 'c': 3}
    assert tok.texts_to_sequences(['cab']) == [[3, 1, 2]]
    lists = Tokenizer()
    lists.fit_on_texts([['Hello', 'world'], ['hello']])
    assert lists.word_index == {'hello': 1, 'world': 2}
    assert lists.texts_to_sequences([['WORLD', 'x']]) == [[2]]


def test_fit_on_generator():
    tok = Tokenizer()
    tok.fit_on_texts(t for t in CORPUS)
    assert tok.document_count == 3


def test_texts_to_matrix_modes():
    tok = Tokenizer()
    docs = ['a a b', 'b c', 'a']
    tok.fit_on_texts(docs)  # a:1 (3 times, 2 docs), b:2 (2 docs), c:3 (1 doc)
    width = 4
    binary = tok.texts_to_matrix(docs, mode='binary')
    np.testing.assert_array_equal(binary, [[0, 1, 1, 0], [0, 0, 1, 1], [0, 1, 0, 0]])
    count = tok.texts_to_matrix(docs, mode='count')
    np.testing.assert_array_equal(count, [[0, 2, 1, 0], [0, 0, 1, 1], [0, 1, 0, 0]])
    freq = tok.texts_to_matrix(docs, mode='freq')
    np.testing.assert_allclose(freq, [[0, 2 / 3, 1 / 3, 0], [0, 0, .5, .5], [0, 1, 0, 0]])
    tfidf = tok.texts_to_matrix(docs, mode='tfidf')
    docs_with = {1: 2, 2: 2, 3: 1}
    expected = np.zeros((3, width))
    for row, counts in enumerate([{1: 2, 2: 1}, {2: 1, 3: 1}, {1: 1}]):
        for j, c in counts.items():
            expected[row, j] = (1 + np.log(c)) * np.log(1 + 3 / (1 + docs_with[j]))
    np.testing.assert_allclose(tfidf, expected)


def test_sequences_to_matrix_width_and_errors():
    tok = Tokenizer(num_words=3)
    out = tok.sequences_to_matrix([[1, 2, 5], []], mode='count')
    np.testing.assert_array_equal(out, [[0, 1, 1], [0, 0, 0]])
    with pytest.raises(ValueError, match='Unknown vectorization mode'):
        tok.sequences_to_matrix([[1]], mode='bogus')
    with pytest.raises(ValueError, match='tfidf'):
        tok.sequences_to_matrix([[1]], mode='tfidf')
    with pytest.raises(ValueError, match='num_words'):
        Tokenizer().sequences_to_matrix([[1]])


def test_fit_on_sequences_for_tfidf():
    tok = Tokenizer(num_words=4)
    tok.fit_on_sequences([[1, 1, 2], [2, 3]])
    assert tok.document_count == 2
    assert dict(tok.index_docs) == {1: 1, 2: 2, 3: 1}
    out = tok.sequences_to_matrix([[1, 1]], mode='tfidf')
    assert out[0, 1] == pytest.approx((1 + np.log(2)) * np.log(1 + 2 / 2))


def test_json_round_trip():
    tok = Tokenizer(num_words=5, oov_token='<oov>')
    tok.fit_on_texts(CORPUS)
    payload = tok.to_json(indent=1)
    assert json.loads(payload)['class_name'] == 'Tokenizer'
    back = tokenizer_from_json(payload)
    assert back.word_index == tok.word_index
    assert back.index_word == tok.index_word  # int keys restored
    assert list(back.word_counts.items()) == list(tok.word_counts.items())
    assert back.document_count == 3 and back.num_words == 5
    texts = ['the dog ate the cat', 'unknown words']
    assert back.texts_to_sequences(texts) == tok.texts_to_sequences(texts)
    np.testing.assert_allclose(back.texts_to_matrix(texts, 'tfidf'),
                               tok.texts_to_matrix(texts, 'tfidf'))
    back.fit_on_texts(['new words'])  # still fittable after loading
    assert 'new' in back.word_index


def test_nb_words_legacy_spelling():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        tok = Tokenizer(nb_words=3)
    assert tok.num_words == 3
    assert len(caught) == 1 and 'num_words' in str(caught[0].message)
    with pytest.raises(TypeError):
        Tokenizer(num_words=3, nb_words=3)
    with pytest.raises(TypeError, match='Unrecognized'):
        Tokenizer(bogus=1)


def test_module_exports():
    for name in text.__all__:
        assert hasattr(text, name)


def test_pretrained_embedding_recipe():
    """The seeds' GloVe recipe (Keras 1 spellings), on a corpus made here."""
    from keras.layers import Conv1D, Dense, Embedding, GlobalMaxPooling1D, Input
    from keras.models import Model
    from keras.preprocessing.sequence import pad_sequences
    from keras.utils import to_categorical
    rng = np.random.RandomState(0)
    vocab = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta']
    texts = [' '.join(rng.choice(vocab, size=rng.randint(3, 9))) for _ in range(20)]
    labels = [int('alpha' in t) for t in texts]
    embeddings_index = {w: rng.rand(4).astype('float32') for w in vocab[:6]}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tokenizer = Tokenizer(nb_words=6)
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(texts)
    word_index = tokenizer.word_index
    data = pad_sequences(sequences, maxlen=10)
    labels = to_categorical(np.asarray(labels))
    assert data.shape == (20, 10) and data.max() < 6
    embedding_matrix = np.zeros((len(word_index) + 1, 4))
    for word, i in word_index.items():
        vector = embeddings_index.get(word)
        if vector is not None:
            embedding_matrix[i] = vector
    embedding_layer = Embedding(len(word_index) + 1, 4, weights=[embedding_matrix],
                                input_length=10, trainable=False)
    sequence_input = Input(shape=(10,), dtype='int32')
    x = Conv1D(3, 3, activation='relu')(embedding_layer(sequence_input))
    x = GlobalMaxPooling1D()(x)
    preds = Dense(2, activation='softmax')(x)
    model = Model(sequence_input, preds)
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['acc'])
    model.fit(data, labels, validation_split=0.2, epochs=1, batch_size=4, verbose=0)
    np.testing.assert_allclose(embedding_layer.get_weights()[0], embedding_matrix, rtol=1e-6)
