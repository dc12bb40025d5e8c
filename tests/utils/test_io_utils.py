"""keras.utils.io_utils (Keras 2.3.1's path): HDF5Matrix and the overwrite prompt."""
import h5py
import numpy as np
import pytest

from keras.saving import overwrite
from keras.utils.io_utils import HDF5Matrix, ask_to_proceed_with_overwrite


@pytest.fixture
def h5_data(tmp_path):
    path = str(tmp_path / 'data.h5')
    data = np.arange(40, dtype='float32').reshape(10, 4)
    with h5py.File(path, 'w') as f:
        f.create_dataset('x', data=data)
    yield path, data
    for f in HDF5Matrix.refs.values():
        f.close()
    HDF5Matrix.refs.clear()


def test_hdf5_matrix_slices(h5_data):
    path, data = h5_data
    m = HDF5Matrix(path, 'x', start=2, end=8)
    assert len(m) == 6 and m.shape == (6, 4) and m.ndim == 2 and m.size == 24
    assert m.dtype == np.float32
    np.testing.assert_array_equal(m[0:3], data[2:5])
    np.testing.assert_array_equal(m[:], data[2:8])
    np.testing.assert_array_equal(m[1], data[3])
    np.testing.assert_array_equal(m[np.array([0, 2])], data[[2, 4]])
    np.testing.assert_array_equal(m[[1, 5]], data[[3, 7]])
    with pytest.raises(IndexError):
        m[6]
    with pytest.raises(IndexError):
        m[0:7]


def test_hdf5_matrix_normalizer(h5_data):
    path, data = h5_data
    m = HDF5Matrix(path, 'x', normalizer=lambda v: v / 2.)
    np.testing.assert_allclose(m[0:2], data[0:2] / 2.)
    assert m.shape == (10, 4)


def test_prompt_answers(monkeypatch, capsys):
    monkeypatch.setattr(overwrite, '_interactive', lambda: True)
    answers = iter(['what', ' Y '])
    monkeypatch.setattr('builtins.input', lambda prompt='': next(answers))
    assert ask_to_proceed_with_overwrite('f.h5') is True
    assert 'overwrite=True' in capsys.readouterr().out
    monkeypatch.setattr('builtins.input', lambda prompt='': 'n')
    assert ask_to_proceed_with_overwrite('f.h5') is False


def test_prompt_without_terminal(monkeypatch):
    monkeypatch.setattr(overwrite, '_interactive', lambda: False)
    with pytest.raises(FileExistsError, match='not an interactive session'):
        ask_to_proceed_with_overwrite('f.h5')

    def closed(prompt=''):
        raise EOFError

    monkeypatch.setattr(overwrite, '_interactive', lambda: True)
    monkeypatch.setattr('builtins.input', closed)
    with pytest.raises(FileExistsError):
        ask_to_proceed_with_overwrite('f.h5')


def test_prompt_answered_by_a_replaced_input_without_terminal(monkeypatch, capsys):
    # no tty, but a caller answers for the user (as Keras 2 tests patch the input function)
    import types
    monkeypatch.setattr(overwrite, '_interactive', lambda: False)
    monkeypatch.setattr('builtins.input', lambda prompt='': 'y')
    assert ask_to_proceed_with_overwrite('f.h5') is True
    monkeypatch.undo()
    monkeypatch.setattr(overwrite, '_interactive', lambda: False)
    six_moves = types.ModuleType('six.moves')
    six_moves.input = lambda prompt='': 'n'
    monkeypatch.setitem(__import__('sys').modules, 'six.moves', six_moves)
    assert ask_to_proceed_with_overwrite('f.h5') is False
