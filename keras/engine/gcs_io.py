"""``gs://`` paths for ``save_model``/``load_model`` (Keras 2.3.1's GCS decorators).

A Google Cloud Storage location is written through a local temporary file
and copied there, or copied here to a temporary file and read.  The copy
uses TensorFlow's ``tf.io.gfile`` when TensorFlow is installed, else
``fsspec`` (with ``gcsfs``); without either a ``gs://`` path raises an
``ImportError`` that says what to install.  Other paths pass through.
"""
import functools
import inspect
import os
import shutil
import tempfile

__all__ = ['allow_write_to_gcs', 'allow_read_from_gcs', 'is_gcs_location']


def is_gcs_location(filepath):
    return isinstance(filepath, str) and filepath.startswith('gs://')


def _open(path, mode):
    try:
        from tensorflow.io import gfile
        return gfile.GFile(path, mode)
    except ImportError:
        pass
    try:
        import fsspec
    except ImportError:
        raise ImportError('Reading or writing %s needs TensorFlow (tf.io.gfile) or fsspec with '
                          'gcsfs (`pip install gcsfs`).' % (path,))
    return fsspec.open(path, mode).open()


def _exists(path):
    if not is_gcs_location(path):
        return os.path.exists(path)
    try:
        with _open(path, 'rb'):
            return True
    except (IOError, OSError):
        return False


def _copy(source, target, overwrite=True):
    if not overwrite and _exists(target):
        from keras.utils.io_utils import ask_to_proceed_with_overwrite
        if not ask_to_proceed_with_overwrite(target):
            return
    with _open(source, 'rb') if is_gcs_location(source) else open(source, 'rb') as src, \
            _open(target, 'wb') if is_gcs_location(target) else open(target, 'wb') as dst:
        shutil.copyfileobj(src, dst)


def _temporary_path(filepath):
    handle, path = tempfile.mkstemp(suffix='_' + os.path.basename(filepath))
    os.close(handle)
    return path


def allow_write_to_gcs(save_function):
    """Wrap ``save_function(obj, filepath, overwrite=True, ...)`` so a ``gs://``
    ``filepath`` is written locally first, then copied to the bucket."""
    @functools.wraps(save_function)
    def save_wrapper(obj, filepath, overwrite=True, *args, **kwargs):
        if not is_gcs_location(filepath):
            return save_function(obj, filepath, overwrite, *args, **kwargs)
        local = _temporary_path(filepath)
        try:
            result = save_function(obj, local, True, *args, **kwargs)
            _copy(local, filepath, overwrite)
        finally:
            os.remove(local)
        return result
    return save_wrapper


def allow_read_from_gcs(load_function):
    """Wrap ``load_function`` (which has an argument named ``filepath``) so a
    ``gs://`` ``filepath`` is copied to a local file first."""
    names = list(inspect.signature(load_function).parameters)
    if 'filepath' not in names:
        raise ValueError('function %s has no argument filepath' % (load_function,))
    position = names.index('filepath')

    @functools.wraps(load_function)
    def load_wrapper(*args, **kwargs):
        args = list(args)
        in_kwargs = 'filepath' in kwargs
        filepath = kwargs['filepath'] if in_kwargs else (
            args[position] if position < len(args) else None)
        if not is_gcs_location(filepath):
            return load_function(*args, **kwargs)
        local = _temporary_path(filepath)
        try:
            _copy(filepath, local)
            if in_kwargs:
                kwargs['filepath'] = local
            else:
                args[position] = local
            return load_function(*args, **kwargs)
        finally:
            os.remove(local)
    return load_wrapper
