"""keras.preprocessing.sequence against hand-worked keras-preprocessing 1.1 results."""
import math

import numpy as np
import pytest

from keras.preprocessing import sequence
from keras.preprocessing.sequence import (TimeseriesGenerator, _remove_long_seq,
                                          make_sampling_table, pad_sequences, skipgrams,
                                          timeseries_generator_from_json)
from keras.utils.data_utils import Sequence


def test_pad_sequences_padding_and_truncating():
    seqs = [[1], [1, 2], [1, 2, 3]]
    np.testing.assert_array_equal(pad_sequences(seqs), [[0, 0, 1], [0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(pad_sequences(seqs, padding='post'),
                                  [[1, 0, 0], [1, 2, 0], [1, 2, 3]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2), [[0, 1], [1, 2], [2, 3]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, truncating='post'),
                                  [[0, 1], [1, 2], [1, 2]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, value=-1),
                                  [[-1, 1], [1, 2], [2, 3]])
    assert pad_sequences(seqs).dtype == np.int32


def test_pad_sequences_dtypes_and_timestep_shapes():
    out = pad_sequences([[0.5, 1.5], [2.5]], dtype='float32', value=0.25)
    np.testing.assert_allclose(out, [[0.5, 1.5], [0.25, 2.5]])
    assert out.dtype == np.float32
    assert pad_sequences([[1.9]])[0, 0] == 1  # int32 cuts the fraction
    steps = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], maxlen=3, padding='post')
    assert steps.shape == (2, 3, 3)
    np.testing.assert_array_equal(steps[1, :, 0], [1, 0, 0])
    empty = pad_sequences([[], [1, 2]])
    np.testing.assert_array_equal(empty, [[0, 0], [1, 2]])
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)


def test_pad_sequences_strings():
    out = pad_sequences([['a', 'b'], ['c']], dtype=object, value='<pad>')
    assert out.tolist() == [['a', 'b'], ['<pad>', 'c']]
    out = pad_sequences([['aa'], ['b', 'c']], dtype='<U5', value='x', padding='post')
    assert out.tolist() == [['aa', 'x'], ['b', 'c']]
    out = pad_sequences([['a']], maxlen=2, dtype='object', value='p')
    assert out.tolist() == [['p', 'a']]
    with pytest.raises(ValueError, match='dtype=object'):
        pad_sequences([['a']], value='p')


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match='Padding'):
        pad_sequences([[1]], padding='middle')
    with pytest.raises(ValueError, match='Truncating'):
        pad_sequences([[1]], truncating='middle')
    with pytest.raises(ValueError, match='non-iterable'):
        pad_sequences([1, 2])
    with pytest.raises(ValueError, match='iterable'):
        pad_sequences(5)
    with pytest.raises(ValueError, match='expected shape'):
        pad_sequences([np.ones((2, 3)), np.ones((2, 4))])


def test_make_sampling_table_formula():
    table = make_sampling_table(6, sampling_factor=1e-3)
    expected = []
    for rank in range(6):
        r = max(rank, 1)
        f = 1e-3 * (r * (math.log(r) + 0.577) + 0.5 - 1. / (12. * r))
        expected.append(min(1., math.sqrt(f)))
    np.testing.assert_allclose(table, expected)
    assert make_sampling_table(3).shape == (3,)


def test_skipgrams_positive_pairs():
    couples, labels = skipgrams([1, 2, 0, 3], vocabulary_size=4, window_size=1,
                                negative_samples=0., shuffle=False)
    assert couples == [[1, 2], [2, 1]]  # 0 is a non-word: skipped as word and context
    assert labels == [1, 1]
    couples, labels = skipgrams([1, 2, 3], 4, window_size=2, negative_samples=0.,
                                shuffle=False, categorical=True)
    assert couples == [[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]]
    assert labels == [[0, 1]] * 6


def test_skipgrams_negatives_and_shuffle():
    seq = [1, 2, 3, 4, 5]
    couples, labels = skipgrams(seq, vocabulary_size=10, window_size=1,
                                negative_samples=2., shuffle=True, seed=3)
    positives = {(1, 2), (2, 1), (2, 3), (3, 2), (3, 4), (4, 3), (4, 5), (5, 4)}
    assert labels.count(1) == 8 and labels.count(0) == 16
    for (w, c), label in zip(couples, labels):
        assert 1 <= c <= 9 and w in seq
        if label == 1:
            assert (w, c) in positives
    again = skipgrams(seq, 10, window_size=1, negative_samples=0., shuffle=True, seed=3)
    base = skipgrams(seq, 10, window_size=1, negative_samples=0., shuffle=False)
    assert sorted(map(tuple, again[0])) == sorted(map(tuple, base[0]))


def test_skipgrams_sampling_table_drops_words():
    couples, labels = skipgrams([1, 2, 3], 4, sampling_table=np.zeros(4), shuffle=False)
    assert couples == [] and labels == []


def test_remove_long_seq():
    seqs, labels = _remove_long_seq(3, [[1], [1, 2, 3], [1, 2]], ['a', 'b', 'c'])
    assert seqs == [[1], [1, 2]] and labels == ['a', 'c']


def test_timeseries_generator_windows():
    data = np.arange(50).reshape(50, 1)
    gen = TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
    assert isinstance(gen, Sequence)
    assert len(gen) == 20
    x, y = gen[0]
    np.testing.assert_array_equal(x[:, :, 0], [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]])
    np.testing.assert_array_equal(y, [[10], [11]])
    x, y = gen[19]
    np.testing.assert_array_equal(y, [[48], [49]])


def test_timeseries_generator_stride_reverse_bounds():
    data = np.arange(20)
    gen = TimeseriesGenerator(data, data * 10, length=3, stride=4, start_index=2,
                              end_index=15, reverse=True, batch_size=2)
    # Window ends 5, 9, 13 -> two batches.
    assert len(gen) == 2
    x, y = gen[0]
    np.testing.assert_array_equal(x, [[4, 3, 2], [8, 7, 6]])
    np.testing.assert_array_equal(y, [50, 90])
    x, y = gen[1]
    np.testing.assert_array_equal(y, [130])


def test_timeseries_generator_shuffle_and_errors():
    data = np.arange(30)
    np.random.seed(0)
    gen = TimeseriesGenerator(data, data, length=5, shuffle=True, batch_size=8)
    x, y = gen[0]
    assert x.shape == (8, 5)
    np.testing.assert_array_equal(x[:, -1] + 1, y)
    assert y.min() >= 5 and y.max() <= 29
    with pytest.raises(ValueError, match='same length'):
        TimeseriesGenerator(data, data[:5], length=2)
    with pytest.raises(ValueError, match='start_index'):
        TimeseriesGenerator(data, data, length=40)


def test_timeseries_generator_json_round_trip():
    data = np.arange(12).reshape(12, 1).astype(float)
    gen = TimeseriesGenerator(data, data[:, 0], length=3, start_index=1, batch_size=4)
    back = timeseries_generator_from_json(gen.to_json())
    assert len(back) == len(gen)
    np.testing.assert_array_equal(back[0][0], gen[0][0])
    np.testing.assert_array_equal(back[1][1], gen[1][1])
    with pytest.raises(TypeError):
        TimeseriesGenerator([object()], [1], length=0).get_config()


def test_module_exports():
    for name in sequence.__all__:
        assert hasattr(sequence, name)
