"""The backend is the ground floor: the engine plugs its graphs in through hooks."""
import ast
import pathlib

import pytest

import keras
from keras.backend import graph_hooks

BACKEND = pathlib.Path(keras.__file__).parent / 'backend'


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and not node.level:
            yield node.module or ''
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name


def test_the_backend_imports_nothing_above_it():
    above = sorted('%s: %s' % (path.name, module)
                   for path in BACKEND.glob('*.py') for module in _imported_modules(path)
                   if module.split('.')[0] == 'keras' and not module.startswith('keras.backend'))
    assert above == []


def test_importing_keras_registers_every_hook():
    assert set(graph_hooks._HOOKS) == graph_hooks._NAMES


def test_a_missing_hook_names_what_is_missing(monkeypatch):
    monkeypatch.delitem(graph_hooks._HOOKS, 'placeholder')
    with pytest.raises(RuntimeError, match='placeholder'):
        keras.backend.placeholder(shape=(None, 2))


def test_unknown_hooks_are_refused():
    with pytest.raises(ValueError, match='Unknown backend graph hooks'):
        graph_hooks.register(no_such_hook=len)
