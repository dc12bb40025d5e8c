"""keras.utils.generic_utils: function (de)serialization, slicing."""
import marshal

import numpy as np

import pytest

from keras.utils.generic_utils import func_dump, func_load


def _scaled(scale):
    def apply(x, shift=1.5):
        return x * scale + shift
    return apply


def test_func_dump_and_load_round_trip_with_closure_and_defaults():
    fn = _scaled(3)
    loaded = func_load(func_dump(fn))
    assert loaded(2) == 7.5
    assert loaded.__defaults__ == (1.5,)
    assert loaded.__closure__[0].cell_contents == 3


@pytest.mark.parametrize('fn', [lambda t: t * 4 - 1, _scaled(2)])
def test_func_load_reads_the_format_before_keras_2_1_2(fn):
    # Keras < 2.1.2 stored the marshalled bytes as text, without base64
    text = marshal.dumps(fn.__code__).decode('raw_unicode_escape')
    closure = [c.cell_contents for c in fn.__closure__] if fn.__closure__ else None
    loaded = func_load(text, defaults=fn.__defaults__, closure=closure)
    assert loaded.__code__ == fn.__code__
    assert loaded(5) == fn(5)


def test_func_load_keeps_cells_given_as_cells():
    fn = _scaled(5)
    code, defaults, _ = func_dump(fn)
    loaded = func_load(code, defaults=defaults, closure=fn.__closure__)
    assert loaded(1) == fn(1)


def test_keras1_slice_x_from_the_training_module():
    """Keras 1's addition_rnn example: ``from keras.engine.training import slice_X``."""
    from keras.engine.training import slice_X
    x = np.arange(20).reshape(10, 2)
    np.testing.assert_array_equal(slice_X(x, 0, 3), x[:3])
    np.testing.assert_array_equal(slice_X(x, 8), x[8:])
    first, second = slice_X([x, x * 2], np.array([4, 1]))
    np.testing.assert_array_equal(first, x[[4, 1]])
    np.testing.assert_array_equal(second, 2 * x[[4, 1]])
