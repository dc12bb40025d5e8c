"""Whether loading may run code stored in a file (Lambda bytecode, pickles).

``load_model``, ``model_from_json`` and friends take ``safe_mode=True`` (the
default) and run their work inside :func:`safe_mode_scope`; code that would
execute stored bytecode calls :func:`require_unsafe` first.
"""
import contextlib
import threading

__all__ = ['safe_mode_scope', 'require_unsafe', 'in_safe_mode']

_STATE = threading.local()


def in_safe_mode():
    return getattr(_STATE, 'safe', True)


@contextlib.contextmanager
def safe_mode_scope(safe=True):
    previous = in_safe_mode()
    _STATE.safe = bool(safe)
    try:
        yield
    finally:
        _STATE.safe = previous


def require_unsafe(what):
    """Raise unless the caller turned safe mode off."""
    if in_safe_mode():
        raise ValueError('%s, and running it could execute arbitrary code. Loading it is '
                         'refused in safe mode. If you trust the source of this model, pass '
                         '`safe_mode=False` to `load_model` / `model_from_json` / '
                         '`model_from_config` (or wrap the call in '
                         '`keras.utils.safe_mode.safe_mode_scope(False)`).' % what)
