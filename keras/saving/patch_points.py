"""Names users patch on ``keras.engine.saving``, read there when they are used.

Keras 2.3.1's saving functions lived in ``keras.engine.saving`` and looked up
``tf_file_io`` (the Cloud Storage file operations) and
``ask_to_proceed_with_overwrite`` (the overwrite prompt) in that module when
called; users and tests patch them there (``tf_file_io_proxy(
'keras.engine.saving.tf_file_io')``). The saving functions, now in
:mod:`keras.saving`, read them from that module too: :func:`patchable`
returns the patched object, or the default when nothing was patched.
"""
import sys

__all__ = ['PUBLIC_MODULE', 'patchable']

PUBLIC_MODULE = 'keras.engine.saving'


def patchable(name, default):
    """``keras.engine.saving.<name>`` if that module is loaded, else ``default``."""
    module = sys.modules.get(PUBLIC_MODULE)
    return getattr(module, name, default) if module is not None else default
