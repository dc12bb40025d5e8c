"""Keras 2.3.1's ``keras.backend.load_backend``: where the config lives, which backend.

Keras 2.3.1 chose a backend here at import time.  This package has one, PyTorch,
so the module only reports it and the paths Keras 2 code reads
(``load_backend._config_path``, ``load_backend._keras_dir``).  The paths follow
``$KERAS_HOME`` as it was when the module was (re)loaded, as in Keras 2.3.1;
nothing is written.
"""
import os

from keras.backend.config import backend, keras_home

__all__ = ['backend']

_keras_dir = keras_home()
_config_path = os.path.expanduser(os.path.join(_keras_dir, 'keras.json'))
_BACKEND = backend()
