"""HDF5 files through h5py: opening, atomic writing, reading, damage checks.

The one place that touches h5py (:func:`_h5py`). What every Keras file here
goes through:

- :func:`write_h5`: a new file is written to a temporary file in the target's
  folder and renamed over the target (permissions kept), so a failure never
  leaves a half-written file; an open ``h5py`` group or a binary stream works
  too.
- :func:`open_h5` and :func:`reading`: reading a bad file (not HDF5, truncated,
  damaged, not from Keras) raises ``OSError`` (unreadable bytes) or
  ``ValueError`` (wrong content) naming the file; global heaps that would hang
  the HDF5 library are refused before h5py reads them
  (:func:`hdf5_heap_problem`), and :func:`read_array` refuses dataset shapes
  larger than the file before any allocation; a TensorFlow SavedModel
  directory is refused with an error saying how to convert it
  (:func:`saved_model_error`).
- string-list attributes split over several HDF5 attributes when too long
  (:func:`save_attributes_to_hdf5_group`), as Keras 2 writes them.
"""
import contextlib
import io
import json
import mmap
import os
import re
import stat
import struct

import numpy as np

from keras.saving.overwrite import ask_to_proceed_with_overwrite
from keras.saving.patch_points import patchable
from keras.utils.temp_files import temp_file_for

__all__ = ['HDF5_OBJECT_HEADER_LIMIT', 'save_attributes_to_hdf5_group',
           'load_attributes_from_hdf5_group', 'has_attribute', 'decode_attribute',
           'json_attribute', 'check_save_format', 'write_h5', 'open_h5', 'reading',
           'read_array', 'source_name', 'save_to_binary_h5py', 'load_from_binary_h5py',
           'hdf5_heap_problem', 'saved_model_error']

# Attributes larger than this do not fit an HDF5 object header.
HDF5_OBJECT_HEADER_LIMIT = 64512
_H5_FORMATS = (None, 'h5', 'hdf5')


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError('Saving and loading HDF5 files requires h5py (`pip install h5py`).')
    return h5py


def decode_attribute(value):
    """An HDF5 attribute (bytes, NumPy bytes or str) as ``str``."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode('utf8')
    return str(value)


def json_attribute(group, name):
    """The JSON attribute ``name`` of ``group`` (``model_config``...), decoded."""
    try:
        return json.loads(decode_attribute(group.attrs[name]))
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError('its `%s` attribute is not valid JSON (%s)' % (name, e)) from e


# --------------------------------------------------------------- attributes
def save_attributes_to_hdf5_group(group, name, data):
    """Store the list of strings ``data`` as attribute ``name`` of ``group``.

    Lists too large for one HDF5 object header are split into attributes
    ``name0``, ``name1``, ... as Keras 2 does.
    """
    data = [x.encode('utf8') if isinstance(x, str) else x for x in data]
    too_long = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise RuntimeError('The following attributes cannot be saved to HDF5 file because they '
                           'are larger than %d bytes: %s'
                           % (HDF5_OBJECT_HEADER_LIMIT,
                              ', '.join(decode_attribute(x) for x in too_long)))
    array = np.asarray(data)
    n_chunks = 1
    chunks = np.array_split(array, n_chunks)
    while any(c.nbytes > HDF5_OBJECT_HEADER_LIMIT for c in chunks):
        n_chunks += 1
        chunks = np.array_split(array, n_chunks)
    if n_chunks > 1:
        for i, chunk in enumerate(chunks):
            group.attrs['%s%d' % (name, i)] = chunk
    else:
        group.attrs[name] = array


def load_attributes_from_hdf5_group(group, name):
    """The list of strings stored by :func:`save_attributes_to_hdf5_group`."""
    if name in group.attrs:
        return [decode_attribute(x) for x in np.atleast_1d(group.attrs[name])]
    data = []
    i = 0
    while '%s%d' % (name, i) in group.attrs:
        data += [decode_attribute(x) for x in np.atleast_1d(group.attrs['%s%d' % (name, i)])]
        i += 1
    return data


def has_attribute(group, name):
    """Whether ``group`` has attribute ``name``, whole or split in chunks."""
    return name in group.attrs or ('%s0' % name) in group.attrs


# ------------------------------------------------------------ file handling
def check_save_format(save_format):
    """Refuse formats other than HDF5 with a clear message."""
    if save_format in _H5_FORMATS:
        return
    if str(save_format).lower() in ('tf', 'tensorflow', 'savedmodel'):
        raise ValueError('save_format=%r: the TensorFlow checkpoint / SavedModel format is not '
                         'supported (there is no TensorFlow here). Keras 2 files are HDF5: use '
                         "save_format='h5' (the default)." % (save_format,))
    raise ValueError("Unknown save_format %r. Use 'h5' (HDF5, the Keras 2 format)."
                     % (save_format,))


def _is_stream(obj, method):
    return (not isinstance(obj, (str, bytes, os.PathLike))
            and callable(getattr(obj, method, None)))


def _new_file_mode(target):
    if os.path.exists(target):
        return stat.S_IMODE(os.stat(target).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _check_folder(path, target):
    """Refuse a target whose folder is missing or is not a folder, naming it."""
    folder = os.path.dirname(os.path.abspath(target))
    if os.path.isdir(folder):
        return
    if os.path.exists(folder):
        raise NotADirectoryError('Cannot save to %s: %s is a file, not a folder.'
                                 % (path, folder))
    raise FileNotFoundError('Cannot save to %s: the folder %s does not exist. Create it '
                            'first.' % (path, folder))


def write_h5(filepath, overwrite, write_fn, large_attributes=False):
    """Run ``write_fn(h5_group)`` on a new HDF5 file at ``filepath``, atomically.

    ``filepath`` may also be an open ``h5py.File``/``h5py.Group`` (written in
    place) or a binary stream with ``write`` (gets the file's bytes).
    Returns ``False`` when the user declined to overwrite an existing file.
    """
    h5py = _h5py()
    if isinstance(filepath, h5py.Group):
        write_fn(filepath)
        filepath.file.flush()
        return True
    libver = ('v108', 'latest') if large_attributes else ('earliest', 'latest')
    if _is_stream(filepath, 'write'):
        buffer = io.BytesIO()
        with h5py.File(buffer, 'w', libver=libver) as f:
            write_fn(f)
        filepath.write(buffer.getvalue())
        return True
    path = os.fspath(filepath)
    path = path.decode('utf8') if isinstance(path, bytes) else path
    target = os.path.realpath(path) if os.path.islink(path) else path
    if os.path.isdir(target):
        raise IsADirectoryError('Cannot save to %s: it is a directory. Give a file name such as '
                                '%s.' % (path, os.path.join(path, 'model.h5')))
    if not overwrite and os.path.isfile(target):
        if not patchable('ask_to_proceed_with_overwrite', ask_to_proceed_with_overwrite)(path):
            return False
    _check_folder(path, target)
    with temp_file_for(target) as tmp:
        try:
            with h5py.File(tmp, 'w', libver=libver) as f:
                write_fn(f)
                f.flush()
        except OSError as e:
            if e.errno is None:
                raise
            raise type(e)(e.errno, 'Cannot save to %s: %s' % (path, e.strerror or e)) from e
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    return True


@contextlib.contextmanager
def open_h5(filepath):
    """Open ``filepath`` (a path, an ``h5py`` group or a binary stream) for reading."""
    h5py = _h5py()
    if isinstance(filepath, h5py.Group):
        yield filepath
        return
    if _is_stream(filepath, 'read'):
        data = filepath.read()
        _check_heaps(data, source_name(filepath))
        with h5py.File(io.BytesIO(data), 'r') as f:
            yield f
        return
    path = os.fspath(filepath)
    path = path.decode('utf8') if isinstance(path, bytes) else path
    if os.path.isdir(path):
        if saved_model_error(path) is not None:
            raise saved_model_error(path)
        raise IOError('%s is a directory (a TensorFlow SavedModel?). Only HDF5 files (Keras 2 '
                      '`.h5` files) can be loaded.' % path)
    if not os.path.exists(path):
        raise IOError('No file or directory found at %s' % path)
    _check_heaps(path, path)
    try:
        f = h5py.File(path, 'r')
    except OSError as e:
        raise OSError('Unable to read %s as an HDF5 file: %s (%s). Keras 2 model and weight '
                      'files are HDF5 files.' % (path, _what_file(path), e))
    with f:
        yield f


def _check_heaps(source, name):
    problem = hdf5_heap_problem(source)
    if problem:
        raise OSError('Unable to read %s: it is a damaged HDF5 file (%s).' % (name, problem))


def _what_file(path):
    """What the first bytes of a file that h5py cannot open say it is."""
    try:
        with open(path, 'rb') as f:
            head = f.read(8)
    except OSError:
        return 'it cannot be read'
    if not head:
        return 'the file is empty'
    if head.startswith(b'\x89HDF'):
        return 'it is an HDF5 file, but truncated or damaged'
    if head.startswith(b'PK\x03\x04'):
        return 'it is a zip archive (a Keras 3 `.keras` file?), not HDF5'
    if head.lstrip()[:1] in (b'{', b'['):
        return 'it looks like JSON (an architecture from `to_json`? use `model_from_json`)'
    return 'it is not an HDF5 file'


def source_name(filepath):
    """How errors name what is being read."""
    h5py = _h5py()
    if isinstance(filepath, h5py.Group):
        try:
            return '%s (group %s)' % (filepath.file.filename, filepath.name)
        except Exception:  # noqa: BLE001 - a closed or damaged file
            return 'an HDF5 group'
    if isinstance(filepath, (str, bytes, os.PathLike)):
        path = os.fspath(filepath)
        return path.decode('utf8', 'replace') if isinstance(path, bytes) else path
    return str(getattr(filepath, 'name', None) or 'the stream %r' % (filepath,))


def _is_damage(error):
    """Errors that come from unreadable bytes rather than from what they say."""
    return (isinstance(error, (OSError, RuntimeError, KeyError, MemoryError,
                               UnicodeDecodeError, json.JSONDecodeError))
            or type(error).__module__.startswith('h5py'))


def _describe(error):
    if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
        return error.args[0]  # str(KeyError) adds quotes
    if isinstance(error, (OSError, ValueError, RuntimeError, KeyError)):
        return str(error)
    return '%s: %s' % (type(error).__name__, error)


@contextlib.contextmanager
def reading(filepath, what='weights'):
    """Turn any failure while loading ``filepath`` into an error that names it.

    Read failures and damaged content (h5py, JSON, decoding, ``KeyError``...)
    become ``OSError`` (h5py I/O errors) or ``ValueError`` (everything else)
    saying which file and what was wrong; errors that already name the file
    pass unchanged. Warnings raised as errors pass too.
    """
    source = source_name(filepath)
    try:
        yield
    except Warning:
        raise
    except Exception as e:  # noqa: BLE001 - re-raised with the file's name
        if isinstance(e, (OSError, ValueError)) and source in str(e):
            raise
        detail = _describe(e)
        hint = ''
        if _is_damage(e):
            hint = ' The file is damaged, truncated, or not a Keras file.'
        kind = OSError if isinstance(e, (OSError, RuntimeError)) else ValueError
        message = 'Unable to load %s from %s: %s.%s' % (what, source, detail.rstrip('.'), hint)
        # Damaged names decode to lone surrogates, which cannot be printed: escape them.
        message = message.encode('utf8', 'backslashreplace').decode('utf8')
        raise kind(message) from e


def read_array(dataset):
    """A dataset as a NumPy array, refusing sizes the file cannot hold (a damaged
    shape would otherwise ask for terabytes)."""
    try:
        size = dataset.file.id.get_filesize()
    except Exception:  # noqa: BLE001 - sizes unknown: read as it is
        size = None
    nbytes = int(np.prod(dataset.shape, dtype='float64')) * dataset.dtype.itemsize \
        if dataset.shape is not None else 0
    if size is not None and nbytes > size and dataset.compression is None:
        raise ValueError('dataset %s claims %d bytes, more than the whole file (%d bytes)'
                         % (dataset.name, nbytes, size))
    return np.asarray(dataset)


# ------------------------------------------------------------ in memory
def load_from_binary_h5py(load_function, stream):
    """Call ``load_function`` on an in-memory ``h5py.File`` read from ``stream``."""
    h5py = _h5py()
    data = stream.read()
    with h5py.File(io.BytesIO(data), 'r') as h5file:
        return load_function(h5file)


def save_to_binary_h5py(save_function, stream):
    """Call ``save_function`` on an in-memory ``h5py.File``, then write its bytes to ``stream``."""
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as h5file:
        result = save_function(h5file)
    stream.write(buffer.getvalue())
    return result


# ------------------------------------------------------- damage checks
# A global heap collection (where HDF5 keeps variable-length strings, e.g. the
# attributes h5py 3 writes): "GCOL", version 1, 3 reserved bytes, its size;
# then objects of (index u16, references u16, reserved u32, size u64, data
# padded to 8 bytes); index 0 is the free space and runs to the end.
_GCOL = re.compile(b'GCOL\x01\x00\x00\x00')


def _collection_problem(data, start):
    size = struct.unpack_from('<Q', data, start + 8)[0]
    end = start + size
    if size < 16 or end > len(data):
        return None  # not a collection, or one HDF5 itself reports as out of range
    pos = start + 16
    while pos + 16 <= end:
        index, _, _, length = struct.unpack_from('<HHIQ', data, pos)
        if index == 0:
            if length != end - pos:
                return ('the free space at byte %d says %d bytes where %d remain'
                        % (pos, length, end - pos))
            return None
        pos += 16 + (length + 7) // 8 * 8
    if pos > end:
        return 'a heap object at byte %d runs past the end of its collection' % pos
    return None


def hdf5_heap_problem(source):
    """Why the global heaps of an HDF5 file are damaged, or ``None`` if they look sound.

    The HDF5 library trusts these heaps' object sizes: some damaged ones make
    it loop forever or read out of bounds when a variable-length string is
    read, so they are checked before h5py sees the file.

    Args:
        source: a path, or the file's bytes.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _heaps_problem(source)
    with open(source, 'rb') as f:
        if os.fstat(f.fileno()).st_size < 16:
            return None
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _heaps_problem(data)


def _heaps_problem(data):
    if len(data) < 16:
        return None
    for match in _GCOL.finditer(data):
        if match.start() + 16 <= len(data):
            problem = _collection_problem(data, match.start())
            if problem:
                return problem
    return None


def saved_model_error(path):
    """The error for a TensorFlow SavedModel directory (``None`` if ``path`` is not one)."""
    if not os.path.isfile(os.path.join(path, 'saved_model.pb')):
        return None
    return IOError('%s is a TensorFlow SavedModel: a TensorFlow graph, which cannot be loaded '
                   'without TensorFlow. Convert it where TensorFlow is installed: load it '
                   'with `tf.keras.models.load_model(%r)` and save it with `model.save('
                   '"model.h5")` (or "model.keras"), then load that file here.' % (path, path))
