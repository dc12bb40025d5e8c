import hashlib
import io
import os
import pathlib
import tarfile
import threading
import time
import zipfile

import numpy as np
import pytest

from keras.utils import data_utils
from keras.utils.data_utils import (GeneratorEnqueuer, OrderedEnqueuer, Sequence,
                                    URLFetchError, _hash_file, get_file,
                                    iter_sequence_infinite, validate_file)

UNREACHABLE = 'http://127.0.0.1:9/x'  # connection refused at once


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch, tmp_path):
    monkeypatch.setattr(data_utils, '_FALLBACK_CACHE', str(tmp_path / 'tmpkeras'))
    monkeypatch.setattr(data_utils, '_OFFLINE_FALLBACKS', set())
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _md5(data):
    return hashlib.md5(data).hexdigest()


# --- hashes -----------------------------------------------------------------

def test_hash_file_and_validate(tmp_path):
    data = b'keras classic' * 1000
    path = _write(tmp_path / 'f.bin', data)
    sha = hashlib.sha256(data).hexdigest()
    assert _hash_file(str(path)) == sha
    assert _hash_file(str(path), 'md5', chunk_size=7) == _md5(data)
    assert validate_file(str(path), sha)
    assert validate_file(str(path), _md5(data))  # auto: 32 digits -> md5
    assert validate_file(str(path), _md5(data), algorithm='md5')
    assert not validate_file(str(path), sha, algorithm='md5')
    assert not validate_file(str(path), '0' * 64)


# --- get_file -----------------------------------------------------------------

def test_download_from_file_origin(tmp_path, capsys):
    data = os.urandom(200000)
    src = _write(tmp_path / 'src' / 'data.bin', data)
    path = get_file('data.bin', origin=src.as_uri(), file_hash=_md5(data))
    assert path == str(tmp_path / 'home' / 'datasets' / 'data.bin')
    assert pathlib.Path(path).read_bytes() == data
    out = capsys.readouterr().out
    assert 'Downloading data from ' + src.as_uri() in out
    assert '200000/200000 [==============================]' in out
    assert os.listdir(os.path.dirname(path)) == ['data.bin']  # no temp left
    # Cached and valid: no new download even from a dead origin.
    assert get_file('data.bin', origin=UNREACHABLE, file_hash=_md5(data)) == path
    assert capsys.readouterr().out == ''


def test_cache_dir_and_subdir_arguments(tmp_path):
    src = _write(tmp_path / 'src.txt', b'abc')
    path = get_file('a.txt', src.as_uri(), cache_dir=str(tmp_path / 'c'),
                    cache_subdir='sub', md5_hash=_md5(b'abc'))
    assert path == str(tmp_path / 'c' / 'sub' / 'a.txt')


def test_mismatch_and_reachable_origin_downloads_again(tmp_path, capsys):
    _write(tmp_path / 'home' / 'datasets' / 'f.txt', b'old')
    src = _write(tmp_path / 'src.txt', b'new')
    path = get_file('f.txt', src.as_uri(), file_hash=_md5(b'new'))
    assert pathlib.Path(path).read_bytes() == b'new'
    out = capsys.readouterr().out
    assert 'so we will re-download the data' in out  # Keras 2.3.1's words
    assert 'Downloading data from ' + src.as_uri() in out


def test_mismatch_and_unreachable_origin_warns_once(tmp_path, capsys):
    cached = _write(tmp_path / 'home' / 'datasets' / 'f.txt', b'old bytes')
    expected = _md5(b'the real file')
    with pytest.warns(UserWarning) as record:
        path = get_file('f.txt', UNREACHABLE, file_hash=expected)
    assert path == str(cached)
    assert cached.read_bytes() == b'old bytes'
    assert len(record) == 1
    message = str(record[0].message)
    for part in (str(cached), expected, _md5(b'old bytes'), UNREACHABLE):
        assert part in message
    # Offline, nothing is said about downloading: the warning is the one line.
    assert capsys.readouterr().out == ''
    # The second call neither retries nor warns.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert get_file('f.txt', UNREACHABLE, file_hash=expected) == str(cached)
    assert capsys.readouterr().out == ''


def test_missing_file_and_unreachable_origin_says_what_to_do(tmp_path):
    with pytest.raises(URLFetchError) as info:
        get_file('nothing.npz', UNREACHABLE, file_hash='a' * 32)
    message = str(info.value)
    assert isinstance(info.value, Exception)
    assert message.startswith('URL fetch failure on ' + UNREACHABLE)
    assert str(tmp_path / 'home' / 'datasets' / 'nothing.npz') in message
    assert 'a' * 32 in message
    assert not os.listdir(str(tmp_path / 'home' / 'datasets'))


class _BrokenResponse(io.BytesIO):
    """Says 100 bytes are coming, sends 10, then the connection drops."""

    headers = {'Content-Length': '100'}

    def read(self, size=-1):
        if self.tell() >= 10:
            raise ConnectionResetError(104, 'Connection reset by peer')
        return super(_BrokenResponse, self).read(10)


def test_interrupted_download_keeps_old_file_and_leaves_no_part(tmp_path, monkeypatch):
    cached = _write(tmp_path / 'home' / 'datasets' / 'f.bin', b'old')
    monkeypatch.setattr(data_utils, '_open_url',
                        lambda origin: _BrokenResponse(b'x' * 100))
    with pytest.warns(UserWarning, match='Connection reset'):
        path = get_file('f.bin', 'http://example.invalid/f.bin', file_hash='b' * 64)
    assert path == str(cached) and cached.read_bytes() == b'old'
    assert os.listdir(str(cached.parent)) == ['f.bin']


def test_read_only_cache_is_read_and_fallback_written(tmp_path, monkeypatch):
    readonly = tmp_path / 'home'
    _write(readonly / 'datasets' / 'kept.txt', b'kept')
    real = data_utils._is_writable_dir
    monkeypatch.setattr(data_utils, '_is_writable_dir', lambda p: (
        False if str(p).startswith(str(readonly)) else real(p)))
    assert get_file('kept.txt', UNREACHABLE) == str(readonly / 'datasets' / 'kept.txt')
    src = _write(tmp_path / 'src.txt', b'fresh')
    path = get_file('fresh.txt', src.as_uri())
    assert path == str(tmp_path / 'tmpkeras' / 'datasets' / 'fresh.txt')
    assert get_file('fresh.txt', UNREACHABLE) == path


def test_untar_and_extract(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        info = tarfile.TarInfo('pack/inner.txt')
        info.size = 5
        tar.addfile(info, io.BytesIO(b'hello'))
    src = _write(tmp_path / 'pack.tar.gz', buf.getvalue())
    path = get_file('pack', src.as_uri(), untar=True)
    assert path == str(tmp_path / 'home' / 'datasets' / 'pack')
    assert (pathlib.Path(path) / 'inner.txt').read_bytes() == b'hello'
    assert get_file('pack', UNREACHABLE, untar=True) == path  # already there

    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, 'w') as z:
        z.writestr('z/inside.txt', 'zipped')
    zsrc = _write(tmp_path / 'z.zip', zbuf.getvalue())
    zpath = get_file('z.zip', zsrc.as_uri(), extract=True)
    assert (pathlib.Path(zpath).parent / 'z' / 'inside.txt').read_text() == 'zipped'
    assert not data_utils._extract_archive(str(src), str(tmp_path), 'zip')
    assert not data_utils._extract_archive(str(src), str(tmp_path), None)


# --- Sequence and enqueuers ---------------------------------------------------

class Numbers(Sequence):
    def __init__(self, n, fail_at=None):
        self.n, self.fail_at, self.epochs = n, fail_at, 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError('bad batch %d' % i)
        time.sleep(0.002 * ((i * 7) % 3))  # finish out of order
        return np.array([i, self.epochs])

    def on_epoch_end(self):
        self.epochs += 1


def test_sequence_is_abstract_and_iterable():
    with pytest.raises(NotImplementedError):
        len(Sequence())
    with pytest.raises(NotImplementedError):
        Sequence()[0]
    assert [int(b[0]) for b in Numbers(3)] == [0, 1, 2]
    batches = iter_sequence_infinite(Numbers(2))
    assert [int(next(batches)[0]) for _ in range(5)] == [0, 1, 0, 1, 0]


def _take(enqueuer, count):
    gen = enqueuer.get()
    return [next(gen) for _ in range(count)]


@pytest.mark.parametrize('processes', [False, True])
def test_ordered_enqueuer_in_order_no_duplicates(processes):
    enqueuer = OrderedEnqueuer(Numbers(12), use_multiprocessing=processes)
    enqueuer.start(workers=3, max_queue_size=4)
    batches = _take(enqueuer, 24)
    enqueuer.stop()
    assert [int(b[0]) for b in batches] == list(range(12)) * 2
    # on_epoch_end ran between the epochs, and the workers saw it.
    assert [int(b[1]) for b in batches] == [0] * 12 + [1] * 12
    assert not enqueuer.is_running()
    assert not enqueuer.run_thread.is_alive()


def test_ordered_enqueuer_shuffles_each_epoch():
    enqueuer = OrderedEnqueuer(Numbers(20), shuffle=True)
    enqueuer.start(workers=2, max_queue_size=5)
    batches = [int(b[0]) for b in _take(enqueuer, 40)]
    enqueuer.stop()
    first, second = batches[:20], batches[20:]
    assert sorted(first) == sorted(second) == list(range(20))
    assert first != list(range(20)) or second != list(range(20))


@pytest.mark.parametrize('processes', [False, True])
def test_ordered_enqueuer_error_stops_cleanly(processes):
    enqueuer = OrderedEnqueuer(Numbers(6, fail_at=3), use_multiprocessing=processes)
    enqueuer.start(workers=2, max_queue_size=3)
    gen = enqueuer.get()
    assert [int(next(gen)[0]) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match='bad batch 3'):
        next(gen)
    assert not enqueuer.is_running()
    enqueuer.run_thread.join(5)
    assert not enqueuer.run_thread.is_alive()


def test_ordered_enqueuer_keyboard_interrupt_stops():
    enqueuer = OrderedEnqueuer(Numbers(50))
    enqueuer.start(workers=2, max_queue_size=3)
    gen = enqueuer.get()
    next(gen)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    enqueuer.queue.get = interrupted  # as if Ctrl-C came while waiting
    with pytest.raises(KeyboardInterrupt):
        next(gen)
    assert not enqueuer.is_running()
    assert not enqueuer.run_thread.is_alive()


def _count_to(n):
    for i in range(n):
        yield np.array([i])


@pytest.mark.parametrize('processes', [False, True])
def test_generator_enqueuer_finite_generator(processes):
    enqueuer = GeneratorEnqueuer(_count_to(10), use_multiprocessing=processes)
    enqueuer.start(workers=1, max_queue_size=3)
    values = [int(v[0]) for v in enqueuer.get()]
    enqueuer.stop()
    assert values == list(range(10))
    assert not enqueuer.run_thread.is_alive()


def test_generator_enqueuer_threads_share_one_generator():
    enqueuer = GeneratorEnqueuer(_LockedIter(range(30)))
    enqueuer.start(workers=3, max_queue_size=5)
    values = list(enqueuer.get())
    enqueuer.stop()
    assert sorted(values) == list(range(30))


class _LockedIter(object):
    """A thread-safe iterator (what Keras asks for with workers > 1)."""

    def __init__(self, items):
        self.it, self.lock = iter(items), threading.Lock()

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            return next(self.it)


def test_generator_enqueuer_error_stops_cleanly():
    def broken():
        yield 1
        raise IOError('disk gone')

    enqueuer = GeneratorEnqueuer(broken())
    enqueuer.start(workers=1, max_queue_size=2)
    gen = enqueuer.get()
    assert next(gen) == 1
    with pytest.raises(IOError, match='disk gone'):
        next(gen)
    assert not enqueuer.is_running()


def test_wait_time_is_deprecated():
    with pytest.warns(DeprecationWarning):
        GeneratorEnqueuer(_count_to(1), wait_time=0.1)
