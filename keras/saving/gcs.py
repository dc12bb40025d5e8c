"""``gs://`` paths for ``save_model``/``load_model`` (Keras 2.3.1's GCS decorators).

A Google Cloud Storage location is written through a local temporary file
and copied there, or copied here to a temporary file and read.  The copy goes
through a *file-io* object with TensorFlow's ``file_io`` interface
(``FileIO(name, mode)``, ``file_exists(name)``, ``delete_file(name)``): the
``tf_file_io`` of the decorated function's module when it has one (for the
functions of :mod:`keras.saving`, ``keras.engine.saving.tf_file_io``, which
can be patched in tests as in 2.3.1: see :mod:`keras.saving.patch_points` and
:class:`keras.utils.test_utils.tf_file_io_proxy`; likewise the
``ask_to_proceed_with_overwrite`` prompt), else this module's
default, which uses TensorFlow when it is installed and ``fsspec`` (with
``gcsfs``) otherwise; without either a ``gs://`` path raises an
``ImportError`` that says what to install.  Other paths pass through.
"""
import functools
import inspect
import os
import shutil
import sys
import tempfile

from keras.saving.overwrite import ask_to_proceed_with_overwrite
from keras.saving.patch_points import patchable

__all__ = ['allow_write_to_gcs', 'allow_read_from_gcs', 'is_gcs_location', 'tf_file_io']


def is_gcs_location(filepath):
    return isinstance(filepath, str) and filepath.startswith('gs://')


class _DefaultFileIO(object):
    """TensorFlow's ``file_io`` operations for ``gs://`` paths, done by
    TensorFlow when it is installed, else by fsspec; local paths use the
    operating system."""

    @staticmethod
    def _tensorflow():
        try:
            from tensorflow.io import gfile
        except ImportError:
            return None
        return gfile

    @staticmethod
    def _fsspec(path):
        try:
            import fsspec
        except ImportError:
            raise ImportError('Reading or writing %s needs TensorFlow (tf.io.gfile) or fsspec '
                              'with gcsfs (`pip install gcsfs`).' % (path,))
        return fsspec

    def FileIO(self, name, mode):  # noqa: N802 (TensorFlow's name)
        if not is_gcs_location(name):
            return open(name, mode)
        gfile = self._tensorflow()
        if gfile is not None:
            return gfile.GFile(name, mode)
        return self._fsspec(name).open(name, mode).open()

    def file_exists(self, name):
        if not is_gcs_location(name):
            return os.path.exists(name)
        gfile = self._tensorflow()
        if gfile is not None:
            return gfile.exists(name)
        fs, path = self._fsspec(name).core.url_to_fs(name)
        return fs.exists(path)

    def delete_file(self, name):
        if not is_gcs_location(name):
            os.remove(name)
            return
        gfile = self._tensorflow()
        if gfile is not None:
            gfile.remove(name)
            return
        fs, path = self._fsspec(name).core.url_to_fs(name)
        fs.rm(path)


tf_file_io = _DefaultFileIO()


def _from_module_of(function, name):
    module_name = getattr(function, '__module__', None) or ''
    if module_name.startswith('keras.saving.'):  # ours: read on keras.engine.saving
        return patchable(name, None)
    return getattr(sys.modules.get(module_name), name, None)


def _file_io(function):
    """The file-io object for ``function``: its module's ``tf_file_io``, else ours."""
    return _from_module_of(function, 'tf_file_io') or tf_file_io


def _ask(function, target):
    """Whether to overwrite ``target``: ``function``'s module's prompt, else
    :func:`keras.utils.io_utils.ask_to_proceed_with_overwrite` (as patched there)."""
    ask = _from_module_of(function, 'ask_to_proceed_with_overwrite')
    if ask is None:
        ask = getattr(sys.modules.get('keras.utils.io_utils'), 'ask_to_proceed_with_overwrite',
                      ask_to_proceed_with_overwrite)
    return ask(target)


def _copy(file_io, source, target, overwrite=True, ask=None):
    """Copy ``source`` to ``target``; with ``overwrite=False`` an existing
    ``target`` is replaced only if ``ask(target)`` (default: the prompt) agrees."""
    if not overwrite and file_io.file_exists(target):
        if not (ask or functools.partial(_ask, None))(target):
            return
    with file_io.FileIO(source, 'rb') as src, file_io.FileIO(target, 'wb') as dst:
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
            _copy(_file_io(save_function), local, filepath, overwrite,
                  functools.partial(_ask, save_function))
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
            _copy(_file_io(load_function), filepath, local)
            if in_kwargs:
                kwargs['filepath'] = local
            else:
                args[position] = local
            return load_function(*args, **kwargs)
        finally:
            os.remove(local)
    return load_wrapper
