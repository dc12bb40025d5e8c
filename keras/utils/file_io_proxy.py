"""``tf_file_io_proxy``: test ``gs://`` saving and loading without a bucket
(Keras 2.3.1's ``keras.utils.test_utils.tf_file_io_proxy``).

Started, it replaces a module's ``tf_file_io`` (TensorFlow's ``file_io``
interface, which :mod:`keras.saving.gcs` copies ``gs://`` files with) by
an in-memory store for ``gs://`` paths; local paths still reach the disk.
With a real bucket (``bucket_name=`` or the ``GCS_TEST_BUCKET`` environment
variable) nothing is replaced and the files really go to the bucket.

    >>> with tf_file_io_proxy('keras.engine.saving.tf_file_io') as proxy:
    ...     path = proxy.get_filepath('model.h5')   # gs://mock-bucket/model.h5
    ...     save_model(model, path)
    ...     proxy.assert_exists(path)
    ...     copy = load_model(path)
    ...     proxy.delete_file(path)
"""
import io
import os
import types
from unittest import mock

from keras.saving import gcs

__all__ = ['tf_file_io_proxy']

_GCS_PREFIX = 'gs://'
_BUCKET_ENV = 'GCS_TEST_BUCKET'


class _StoredFile(io.BytesIO):
    """A writable in-memory file whose bytes go to ``store[name]`` on close."""

    def __init__(self, store, name):
        super(_StoredFile, self).__init__()
        self._store, self._name = store, name

    def close(self):
        if not self.closed:
            self._store[self._name] = self.getvalue()
        super(_StoredFile, self).close()


class tf_file_io_proxy(object):  # noqa: N801 (Keras 2.3.1's name)
    """Stand in for TensorFlow's ``file_io`` in tests of ``gs://`` paths.

    Args:
        file_io_module: the import path of the ``tf_file_io`` name to replace
            (e.g. ``'keras.engine.saving.tf_file_io'``); needed unless a real
            bucket is given.
        bucket_name: a real bucket (with or without ``gs://``); default: the
            ``GCS_TEST_BUCKET`` environment variable, else an in-memory
            ``mock-bucket``.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, file_io_module=None, bucket_name=None):
        if bucket_name is None:
            bucket_name = os.environ.get(_BUCKET_ENV)
        self.patched_file_io = None
        self._is_started = False
        if bucket_name is None:
            if file_io_module is None:
                raise ValueError('tf_file_io_proxy: `file_io_module` (e.g. '
                                 '"keras.engine.saving.tf_file_io") must be given to mock '
                                 'Google Cloud Storage; or pass `bucket_name` (or set %s) '
                                 'to use a real bucket.' % _BUCKET_ENV)
            self.mock_gcs = True
            self.file_io_module = file_io_module
            self.local_objects = {}
            self.bucket_name = 'mock-bucket'
            return
        if bucket_name.startswith(_GCS_PREFIX):
            bucket_name = bucket_name[len(_GCS_PREFIX):]
        self.bucket_name = bucket_name
        self.mock_gcs = False
        self.file_io_module = None
        self.local_objects = None
        try:
            self._real().file_exists(self.bucket_path)
        except ImportError:
            raise
        except Exception as e:  # noqa: BLE001 - any failure means no access
            raise IOError('tf_file_io_proxy: could not access the bucket %s (%s).'
                          % (self.bucket_path, e))

    @staticmethod
    def _real():
        return gcs.tf_file_io

    @property
    def bucket_path(self):
        """``gs://<bucket_name>``."""
        return _GCS_PREFIX + self.bucket_name

    def get_filepath(self, filename):
        """``filename`` inside the bucket."""
        return os.path.join(self.bucket_path, filename)

    # -- TensorFlow's file_io interface ---------------------------------------------

    def FileIO(self, name, mode):  # noqa: N802 (TensorFlow's name)
        """Open ``name``: ``gs://`` paths in memory when mocking, others on disk.
        The mock supports the modes ``'rb'`` and ``'wb'``."""
        self._check_started()
        if not self.mock_gcs:
            return self._real().FileIO(name, mode)
        if not name.startswith(_GCS_PREFIX):
            return open(name, mode)
        if mode == 'rb':
            if name not in self.local_objects:
                raise IOError('%s does not exist' % name)
            return io.BytesIO(self.local_objects[name])
        if mode == 'wb':
            return _StoredFile(self.local_objects, name)
        raise ValueError('tf_file_io_proxy mocks FileIO for the modes "rb" and "wb" only; '
                         'got mode=%r for %s.' % (mode, name))

    def file_exists(self, filename):
        """Whether ``filename`` exists (in memory for mocked ``gs://`` paths)."""
        self._check_started()
        if not self.mock_gcs:
            return self._real().file_exists(filename)
        if filename.startswith(_GCS_PREFIX):
            return filename in self.local_objects
        return os.path.exists(filename)

    def delete_file(self, filename):
        """Delete ``filename``."""
        if not self.mock_gcs:
            self._real().delete_file(filename)
        elif filename.startswith(_GCS_PREFIX):
            if filename not in self.local_objects:
                raise IOError('%s does not exist' % filename)
            del self.local_objects[filename]
        else:
            os.remove(filename)

    def assert_exists(self, filepath):
        """Raise ``AssertionError`` unless ``filepath`` exists."""
        self._check_started()
        if not self.file_exists(filepath):
            raise AssertionError('%s does not exist' % filepath)

    # -- patching -------------------------------------------------------------------

    def _check_started(self):
        if not self._is_started:
            raise RuntimeError('tf_file_io_proxy is not started: use it in a `with` block '
                               'or call start() first.')

    def start(self):
        """Replace ``file_io_module`` by this proxy (when mocking)."""
        if self._is_started:
            raise RuntimeError('tf_file_io_proxy.start() called on a started proxy.')
        if self.mock_gcs:
            stand_in = types.SimpleNamespace(FileIO=self.FileIO, file_exists=self.file_exists,
                                             delete_file=self.delete_file)
            self.patched_file_io = mock.patch(self.file_io_module, new=stand_in)
            self.patched_file_io.start()
        self._is_started = True

    def stop(self):
        """Put the replaced ``file_io_module`` back."""
        if not self._is_started:
            raise RuntimeError('tf_file_io_proxy.stop() called on a proxy that is not started.')
        if self.mock_gcs:
            self.patched_file_io.stop()
        self._is_started = False

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.stop()
