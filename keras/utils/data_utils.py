"""Cached downloads (``get_file``), file hashes, archives, and data enqueuers.

``get_file`` follows Keras 2.3.1's cache rules (``$KERAS_HOME`` or
``~/.keras``, then ``/tmp/.keras`` when that is not writable) and is kinder
offline: a cached file whose hash differs is used, with one warning, when the
origin cannot be reached, and a missing file gives an error saying what to put
where.  ``Sequence`` and the enqueuers live in ``keras.utils._enqueuers``.
"""
import hashlib
from urllib.request import urlretrieve  # noqa: F401 (2.3.1 exported it here)
import http.client
import os
import shutil
import tarfile
import tempfile
import warnings
import zipfile
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from keras.utils._enqueuers import (GeneratorEnqueuer, OrderedEnqueuer, Sequence,
                                    SequenceEnqueuer, get_index, init_pool,
                                    init_pool_generator, iter_sequence_infinite,
                                    next_sample)
from keras.utils.progbar import Progbar
from keras.utils.temp_files import temp_file_for

__all__ = ['get_file', 'validate_file', 'URLFetchError', 'Sequence',
           'SequenceEnqueuer', 'OrderedEnqueuer', 'GeneratorEnqueuer',
           'iter_sequence_infinite', 'get_index', 'init_pool',
           'init_pool_generator', 'next_sample']

# Second cache location, used when the preferred one is not writable.
_FALLBACK_CACHE = os.path.join(tempfile.gettempdir(), '.keras')
# (path, expected hash) pairs already served from a mismatching cache offline:
# they are not retried nor warned about again in this process.
_OFFLINE_FALLBACKS = set()
_CHUNK = 65536


class URLFetchError(Exception):
    """A download failed (``'URL fetch failure on <origin> : ...'``)."""


def _open_url(origin):
    """Open ``origin`` for reading (a hook tests replace to stay offline)."""
    return urlopen(origin, timeout=60)


def _hash_file(fpath, algorithm='sha256', chunk_size=65535):
    """Hex digest of a file: ``'md5'``, else sha256 (``'auto'`` is sha256).

    Example:
        >>> _hash_file('/path/to/file.zip')
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    hasher = hashlib.md5() if algorithm == 'md5' else hashlib.sha256()
    with open(fpath, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            hasher.update(chunk)
    return hasher.hexdigest()


def _pick_algorithm(file_hash, algorithm='auto'):
    if algorithm == 'sha256' or (algorithm == 'auto' and len(file_hash) == 64):
        return 'sha256'
    return 'md5'


def validate_file(fpath, file_hash, algorithm='auto', chunk_size=65535):
    """Whether the file at ``fpath`` has the hash ``file_hash``.

    Args:
        fpath: path of the file.
        file_hash: expected sha256 or md5 hex digest.
        algorithm: ``'sha256'``, ``'md5'`` or ``'auto'`` (sha256 for 64 hex
            digits, md5 otherwise).
        chunk_size: bytes read at a time.
    """
    hasher = _pick_algorithm(str(file_hash), algorithm)
    return str(_hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def _is_writable_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


def _cache_dirs(cache_dir, cache_subdir):
    """(folders searched for a cached copy, folder written to)."""
    base = os.path.expanduser(cache_dir)
    primary = os.path.join(base, cache_subdir)
    if _is_writable_dir(base) and _is_writable_dir(primary):
        return [primary], primary
    fallback = os.path.join(_FALLBACK_CACHE, cache_subdir)
    return [primary, fallback], fallback


def _extract_archive(file_path, path='.', archive_format='auto'):
    """Extract a tar (incl. .gz/.bz2) or zip archive into ``path``.

    Members are first unpacked in a private folder under ``path`` and then
    moved into place, so a failed extraction leaves nothing half-written.

    Args:
        file_path: the archive.
        path: destination folder.
        archive_format: ``'auto'`` (tar then zip), ``'tar'``, ``'zip'``, a list
            of these, or ``None`` (do nothing).

    Returns:
        True if the archive matched a format and was extracted, else False.
    """
    if archive_format is None:
        return False
    if archive_format == 'auto':
        archive_format = ['tar', 'zip']
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    for kind in archive_format:
        if kind == 'tar' and tarfile.is_tarfile(file_path):
            _extract_into(path, lambda tmp: _untar(file_path, tmp))
            return True
        if kind == 'zip' and zipfile.is_zipfile(file_path):
            _extract_into(path, lambda tmp: _unzip(file_path, tmp))
            return True
    return False


def _untar(file_path, dest):
    with tarfile.open(file_path) as archive:
        if hasattr(tarfile, 'data_filter'):
            archive.extractall(dest, filter='data')
        else:
            archive.extractall(dest)


def _unzip(file_path, dest):
    with zipfile.ZipFile(file_path) as archive:
        archive.extractall(dest)


def _extract_into(path, extract):
    os.makedirs(path, exist_ok=True)
    staging = tempfile.mkdtemp(prefix='.extract-', dir=path)
    try:
        extract(staging)
        for name in os.listdir(staging):
            target = os.path.join(path, name)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            elif os.path.lexists(target):
                os.remove(target)
            os.replace(os.path.join(staging, name), target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _download(origin, fpath, announce=None):
    """Fetch ``origin`` into ``fpath`` through a temporary file and a rename.

    ``announce()`` runs once the origin answered, before any byte is copied,
    so that nothing is said about downloading when there is no network.

    Raises:
        URLFetchError: the origin could not be read.
    """
    message = 'URL fetch failure on {} : {} -- {}'
    try:
        response = _open_url(origin)
    except HTTPError as e:
        raise URLFetchError(message.format(origin, e.code, e.msg))
    except URLError as e:
        raise URLFetchError(message.format(origin, e.errno, e.reason))
    except (OSError, ValueError) as e:
        raise URLFetchError(message.format(origin, getattr(e, 'errno', None), e))
    if announce is not None:
        announce()
    folder = os.path.dirname(os.path.abspath(fpath))
    os.makedirs(folder, exist_ok=True)
    with temp_file_for(fpath, suffix='.part') as tmp:
        with response, open(tmp, 'wb') as out:
            _copy_with_progress(response, out, origin)
        os.replace(tmp, fpath)


def _copy_with_progress(response, out, origin):
    """Copy the body of ``response`` into ``out``, showing a progress bar."""
    length = response.headers.get('Content-Length') if response.headers else None
    total = int(length) if length and length.strip().isdigit() else None
    progbar = Progbar(total)
    done = 0
    while True:
        try:
            chunk = response.read(_CHUNK)
        except (OSError, http.client.HTTPException) as e:
            raise URLFetchError('URL fetch failure on {} : {} -- {}'.format(
                origin, getattr(e, 'errno', None), e))
        if not chunk:
            break
        out.write(chunk)
        done += len(chunk)
        progbar.update(min(done, total) if total else done)
    if total is not None and done < total:
        raise URLFetchError('URL fetch failure on {} : None -- the transfer '
                            'stopped after {} of {} bytes'.format(origin, done, total))


def _missing_file_message(error, name, fname, origin, write_path, file_hash):
    where = write_path
    if name != fname:
        where += ' (or its extracted contents at %s)' % write_path[:-len('.tar.gz')]
    text = ('%s\nNo cached copy of %r was found and its origin could not be '
            'reached. Download %s elsewhere and put the file at %s'
            % (error, fname, origin, where))
    if file_hash:
        text += ' (expected hash: %s)' % file_hash
    return text + '.'


def _use_stale_copy(fpath, file_hash, algorithm, origin, error):
    key = (os.path.abspath(fpath), file_hash)
    if key in _OFFLINE_FALLBACKS:
        return
    _OFFLINE_FALLBACKS.add(key)
    reason = str(error).split(' -- ', 1)[-1]  # (the URL is named once)
    warnings.warn(
        'Using the cached file %s (its %s hash is %s, not the expected %s): %s could not be '
        'reached: %s.'
        % (fpath, algorithm, _hash_file(fpath, algorithm), file_hash, origin, reason),
        UserWarning, stacklevel=4)


def _fetch(name, fname, origin, file_hash, algorithm, cache_dir, cache_subdir):
    """Path of a good (or, offline, the best available) copy of ``name``."""
    read_dirs, write_dir = _cache_dirs(cache_dir, cache_subdir)
    found = next((os.path.join(d, name) for d in read_dirs
                  if os.path.exists(os.path.join(d, name))), None)
    write_path = os.path.join(write_dir, name)
    if found is not None:
        if file_hash is None or validate_file(found, file_hash, algorithm):
            return found
        if (os.path.abspath(found), file_hash) in _OFFLINE_FALLBACKS:
            return found

    def announce():
        if found is not None:
            print('A local file was found, but it seems to be incomplete or outdated '
                  'because the ' + algorithm + ' file hash does not match the original '
                  'value of ' + file_hash + ' so we will re-download the data.')
        print('Downloading data from', origin)

    try:
        _download(origin, write_path, announce)
    except URLFetchError as e:
        if found is None:
            raise URLFetchError(_missing_file_message(
                e, name, fname, origin, os.path.join(read_dirs[0], name),
                file_hash)) from None
        _use_stale_copy(found, file_hash, algorithm, origin, e)
        return found
    if file_hash is not None and not validate_file(write_path, file_hash,
                                                   algorithm):
        warnings.warn('The file downloaded from %s to %s does not have the '
                      'expected %s hash %s.' % (origin, write_path, algorithm,
                                                file_hash), UserWarning)
    return write_path


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None,
             cache_subdir='datasets', hash_algorithm='auto', extract=False,
             archive_format='auto', cache_dir=None):
    """Return the path of ``fname`` in the Keras cache, downloading it if needed.

    The file lives in ``<cache_dir>/<cache_subdir>/<fname>``; ``cache_dir``
    defaults to ``$KERAS_HOME`` or ``~/.keras`` and ``/tmp/.keras`` stands in
    when that is not writable (a read-only cache is still read).  With a hash,
    a cached copy that does not match is downloaded again; if the origin
    cannot be reached the cached copy is used and a warning names both hashes.

    Args:
        fname: file name, or an absolute path.
        origin: URL of the file.
        untar: deprecated, use ``extract``; the download is ``fname + '.tar.gz'``
            and the path of the extracted ``fname`` is returned.
        md5_hash: deprecated, use ``file_hash``.
        file_hash: expected sha256 or md5 hex digest.
        cache_subdir: folder under the cache dir (or an absolute path).
        hash_algorithm: ``'md5'``, ``'sha256'`` or ``'auto'``.
        extract: extract the file if it is a tar or zip archive.
        archive_format: ``'auto'``, ``'tar'``, ``'zip'`` or ``None``.
        cache_dir: base cache folder.

    Returns:
        Path of the file (of the extracted folder with ``untar=True``).

    Raises:
        URLFetchError: no usable copy is cached and the download failed.
    """
    if cache_dir is None:
        cache_dir = os.environ.get('KERAS_HOME') or os.path.join(
            os.path.expanduser('~'), '.keras')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, 'md5'
    algorithm = _pick_algorithm(file_hash or '', hash_algorithm)
    if untar:
        read_dirs, write_dir = _cache_dirs(cache_dir, cache_subdir)
        for folder in read_dirs:
            if os.path.exists(os.path.join(folder, fname)):
                return os.path.join(folder, fname)
        fpath = _fetch(fname + '.tar.gz', fname, origin, file_hash, algorithm,
                       cache_dir, cache_subdir)
        _extract_archive(fpath, write_dir, archive_format='tar')
        return os.path.join(write_dir, fname)
    fpath = _fetch(fname, fname, origin, file_hash, algorithm, cache_dir,
                   cache_subdir)
    if extract:
        folder = os.path.dirname(fpath)
        if not os.access(folder, os.W_OK):
            folder = _cache_dirs(cache_dir, cache_subdir)[1]
        _extract_archive(fpath, folder, archive_format)
    return fpath
