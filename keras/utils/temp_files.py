"""Temporary files beside a target, findable and cleaned after a crash.

Saves and downloads write ``.NAME.<pid>-<random>.tmp`` in the target's folder
and rename it over the target when complete.  The writer's process id in the
name tells later writers whether the file is still being written: one whose
process is gone (killed during a save) is removed by the next write of the
same target, one of a live process (a concurrent writer) is left alone.

Example:

>>> with temp_file_for('/data/model.h5') as tmp:   # doctest: +SKIP
...     write_everything(tmp)
...     os.replace(tmp, '/data/model.h5')
"""
import contextlib
import os
import re
import tempfile
import threading
import time

__all__ = ['temp_file_for', 'remove_stale_temp_files']

# Files named by earlier versions (``.NAME.<random>.tmp``, no process id) are
# taken as abandoned once untouched for this long.
_UNNAMED_WRITER_GRACE_S = 600

_live = set()  # temp files this process is writing now
_live_lock = threading.Lock()


def _pattern(basename, suffix):
    return re.compile(r'^\.%s\.(?:(\d+)-)?[A-Za-z0-9_]+%s$'
                      % (re.escape(basename), re.escape(suffix)))


def _process_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else (or cannot tell)
    return True


def _abandoned(path, pid):
    if pid is None:
        try:
            return time.time() - os.path.getmtime(path) > _UNNAMED_WRITER_GRACE_S
        except OSError:
            return False
    if pid == os.getpid():
        with _live_lock:
            return path not in _live
    return not _process_alive(pid)


def remove_stale_temp_files(target, suffix='.tmp'):
    """Remove temporary files of ``target`` whose writing process is gone.

    Returns:
        The list of removed paths.
    """
    folder = os.path.dirname(os.path.abspath(target))
    pattern = _pattern(os.path.basename(target), suffix)
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if not match:
            continue
        path = os.path.join(folder, name)
        pid = int(match.group(1)) if match.group(1) else None
        if _abandoned(path, pid):
            with contextlib.suppress(OSError):
                os.remove(path)
                removed.append(path)
    return removed


@contextlib.contextmanager
def temp_file_for(target, suffix='.tmp'):
    """Create a temporary file beside ``target`` and yield its path.

    Stale temporary files of the same target are removed first.  The file is
    removed on exit unless it was renamed away (the caller's ``os.replace``).

    Raises:
        OSError: naming ``target`` (not the temporary file) when the folder
            cannot be written.
    """
    remove_stale_temp_files(target, suffix)
    folder = os.path.dirname(os.path.abspath(target))
    prefix = '.%s.%d-' % (os.path.basename(target), os.getpid())
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    except OSError as e:
        raise type(e)(e.errno, 'Cannot write %s: %s' % (target, e.strerror or e)) from None
    os.close(fd)
    with _live_lock:
        _live.add(tmp)
    try:
        yield tmp
    finally:
        with _live_lock:
            _live.discard(tmp)
        with contextlib.suppress(OSError):
            os.remove(tmp)
