"""keras.backend.load_backend: the Keras 2.3.1 module that names the backend and config file."""
import importlib
import os

from keras import backend as K
from keras.backend import config as K_config
from keras.backend import load_backend


def test_names_the_backend_and_the_config_file(tmp_path, monkeypatch):
    assert load_backend.backend() == K.backend() == load_backend._BACKEND == 'pytorch'
    home = str(tmp_path / 'kh')
    monkeypatch.setenv('KERAS_HOME', home)
    try:
        importlib.reload(load_backend)
        assert load_backend._keras_dir == home
        assert load_backend._config_path == os.path.join(home, 'keras.json')
        assert not os.path.exists(home)  # nothing is written on import
    finally:
        monkeypatch.undo()
        importlib.reload(load_backend)
    assert load_backend._config_path == os.path.join(K_config.keras_home(), 'keras.json')
