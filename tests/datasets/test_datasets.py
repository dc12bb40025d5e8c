import hashlib
import io
import pickle
import tarfile
from urllib.error import URLError

import numpy as np
import pytest

from keras.backend import config
from keras.datasets import (boston_housing, cifar, cifar10, cifar100, imdb, mnist,
                            reuters)
from keras.utils import data_utils

SHARED_MNIST_MD5 = '1645a3b44f673782419eaed6fa02cb86'


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No network, a private cache, and a fresh once-only warning memory."""
    def no_network(origin):
        raise URLError('network disabled in tests')
    monkeypatch.setattr(data_utils, '_open_url', no_network)
    monkeypatch.setattr(data_utils, '_FALLBACK_CACHE', str(tmp_path / 'tmpkeras'))
    monkeypatch.setattr(data_utils, '_OFFLINE_FALLBACKS', set())
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    return tmp_path / 'home' / 'datasets'


def _save_npz(folder, name, **arrays):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    np.savez(str(path), **arrays)
    return hashlib.md5(path.read_bytes()).hexdigest()


def _objects(rows):
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = list(row)
    return out


def test_mnist_from_shared_cache_warns_once(monkeypatch):
    monkeypatch.setenv('KERAS_HOME', '/work/shared')
    with pytest.warns(UserWarning) as record:
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert len(record) == 1
    message = str(record[0].message)
    assert '/work/shared/datasets/mnist.npz' in message
    assert SHARED_MNIST_MD5 in message and mnist._MD5 in message
    assert mnist._ORIGIN in message
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert set(np.unique(y_test)) == set(range(10))


def test_missing_dataset_error_says_where_to_put_it(offline):
    with pytest.raises(data_utils.URLFetchError) as info:
        mnist.load_data()
    assert str(offline / 'mnist.npz') in str(info.value)
    assert mnist._ORIGIN in str(info.value)


# Reference for Keras 2.3.1's text-dataset rules, written out step by step.
def _reference(xs, ys, num_words, skip_top, maxlen, start_char, oov_char,
               index_from):
    rows, labels = [], []
    for x, y in zip(xs, ys):
        row = ([start_char] if start_char is not None else []) + \
              [w + index_from for w in x]
        if maxlen and len(row) >= maxlen:
            continue
        rows.append(row)
        labels.append(y)
    limit = num_words or max(max(r) for r in rows)
    out = []
    for row in rows:
        if oov_char is None:
            out.append([w for w in row if skip_top <= w < limit])
        else:
            out.append([w if skip_top <= w < limit else oov_char for w in row])
    return out, labels


IMDB_TRAIN = [[1, 5, 9], [2, 2, 30, 4], [7], [3, 11, 12, 13, 14, 8], [6, 6]]
IMDB_TEST = [[9, 1], [20, 21, 22, 23, 24, 25, 26], [4, 3, 2]]


@pytest.fixture
def imdb_file(offline, monkeypatch):
    md5 = _save_npz(offline, 'imdb.npz', x_train=_objects(IMDB_TRAIN),
                    y_train=np.array([0, 1, 0, 1, 1]),
                    x_test=_objects(IMDB_TEST), y_test=np.array([1, 0, 1]))
    monkeypatch.setattr(imdb, '_MD5', md5)


@pytest.mark.parametrize('kwargs', [
    {},
    {'num_words': 10},
    {'num_words': 12, 'skip_top': 5},
    {'maxlen': 5},
    {'index_from': 0, 'start_char': None},
    {'oov_char': None, 'num_words': 9},
])
def test_imdb_semantics(imdb_file, kwargs):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(seed=7, **kwargs)
    settings = dict(num_words=None, skip_top=0, maxlen=None, start_char=1,
                    oov_char=2, index_from=3)
    settings.update(kwargs)
    rng = np.random.RandomState(7)
    train_order = rng.permutation(len(IMDB_TRAIN))
    test_order = rng.permutation(len(IMDB_TEST))
    xs = [IMDB_TRAIN[i] for i in train_order] + [IMDB_TEST[i] for i in test_order]
    ys = [[0, 1, 0, 1, 1][i] for i in train_order] + [[1, 0, 1][i] for i in test_order]
    keep_train = sum(1 for x in xs[:5]
                     if not settings['maxlen'] or len(x) + 1 < settings['maxlen'])
    rows, labels = _reference(xs, ys, **settings)
    assert x_train.dtype == object and x_train.ndim == 1
    assert all(isinstance(row, list) for row in x_train)
    assert [list(r) for r in x_train] == rows[:keep_train]
    assert [list(r) for r in x_test] == rows[keep_train:]
    assert y_train.tolist() == labels[:keep_train]
    assert y_test.tolist() == labels[keep_train:]
    assert y_train.dtype.kind == 'i'


def test_imdb_argument_errors(imdb_file):
    with pytest.warns(UserWarning, match='num_words'):
        (x_train, _), _ = imdb.load_data(nb_words=10)
    assert max(max(x) for x in x_train) < 10
    with pytest.raises(TypeError, match='Unrecognized keyword'):
        imdb.load_data(bogus=1)
    with pytest.raises(ValueError, match='maxlen'):
        imdb.load_data(maxlen=1)


def test_reuters_split_and_semantics(offline, monkeypatch):
    xs = [[1, 2], [3, 4, 5], [6], [7, 8, 9, 10], [2, 2, 2], [11], [4, 5], [1]]
    ys = np.arange(8) % 3
    md5 = _save_npz(offline, 'reuters.npz', x=_objects(xs), y=ys)
    monkeypatch.setattr(reuters, '_MD5', md5)
    (x_train, y_train), (x_test, y_test) = reuters.load_data(
        num_words=11, skip_top=4, test_split=0.25, seed=3)
    order = np.random.RandomState(3).permutation(8)
    rows, labels = _reference([xs[i] for i in order], [ys[i] for i in order],
                              11, 4, None, 1, 2, 3)
    assert len(x_train) == 6 and len(x_test) == 2
    assert [list(r) for r in x_train] + [list(r) for r in x_test] == rows
    assert y_train.tolist() + y_test.tolist() == labels


def test_boston_housing_split(offline, monkeypatch):
    x = np.arange(30, dtype='float64').reshape(10, 3)
    y = np.arange(10, dtype='float64')
    _save_npz(offline, 'boston_housing.npz', x=x, y=y)
    digest = hashlib.sha256((offline / 'boston_housing.npz').read_bytes()).hexdigest()
    monkeypatch.setattr(boston_housing, '_SHA256', digest)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(seed=5)
    order = np.random.RandomState(5).permutation(10)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), x[order])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[order])
    assert x_train.shape == (8, 3) and x_test.shape == (2, 3)


def _cifar_batch(n, labels_key, seed):
    rng = np.random.RandomState(seed)
    data = rng.randint(0, 256, size=(n, 3072)).astype('uint8')
    labels = [int(v) for v in rng.randint(0, 10, size=n)]
    blob = pickle.dumps({b'data': data, labels_key: labels,
                         b'batch_label': b'synthetic'}, protocol=2)
    return data, labels, blob


def _tar_gz(path, folder, files):
    with tarfile.open(str(path), 'w:gz') as tar:
        for name, blob in files.items():
            info = tarfile.TarInfo(folder + '/' + name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))


def test_cifar10_from_tiny_archive(offline):
    files, datas, labels = {}, [], []
    for i, name in enumerate(['data_batch_%d' % k for k in range(1, 6)] +
                             ['test_batch']):
        data, lab, blob = _cifar_batch(2, b'labels', i)
        files[name] = blob
        datas.append(data)
        labels.append(lab)
    offline.mkdir(parents=True)
    _tar_gz(offline / 'cifar-10-batches-py.tar.gz', 'cifar-10-batches-py', files)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    expected = np.concatenate(datas[:5]).reshape(10, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(x_train, expected)
    assert x_train.dtype == np.uint8 and x_train.shape == (10, 32, 32, 3)
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert y_train.ravel().tolist() == sum(labels[:5], [])
    assert x_test.shape == (2, 32, 32, 3) and y_test.shape == (2, 1)
    np.testing.assert_array_equal(
        x_test, datas[5].reshape(2, 3, 32, 32).transpose(0, 2, 3, 1))


def test_cifar100_labels_and_channels_first(offline, monkeypatch):
    rng = np.random.RandomState(0)
    files, expected = {}, {}
    for name, n in [('train', 3), ('test', 2)]:
        data = rng.randint(0, 256, size=(n, 3072)).astype('uint8')
        fine, coarse = list(range(n)), [9] * n
        files[name] = pickle.dumps({b'data': data, b'fine_labels': fine,
                                    b'coarse_labels': coarse}, protocol=2)
        expected[name] = (data, fine, coarse)
    offline.mkdir(parents=True)
    _tar_gz(offline / 'cifar-100-python.tar.gz', 'cifar-100-python', files)
    monkeypatch.setattr(config, '_IMAGE_DATA_FORMAT', 'channels_first')
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode='coarse')
    assert x_train.shape == (3, 3, 32, 32)
    np.testing.assert_array_equal(x_train.reshape(3, 3072), expected['train'][0])
    assert y_train.ravel().tolist() == [9, 9, 9] and y_test.shape == (2, 1)
    with pytest.raises(ValueError, match='label_mode'):
        cifar100.load_data(label_mode='medium')


class _Evil(object):
    def __reduce__(self):
        import os
        return (os.getcwd, ())


def test_cifar_batch_refuses_arbitrary_objects(tmp_path):
    path = tmp_path / 'evil'
    path.write_bytes(pickle.dumps({b'data': _Evil(), b'labels': []}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match='getcwd'):
        cifar.load_batch(str(path))
