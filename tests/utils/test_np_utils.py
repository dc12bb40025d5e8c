import numpy as np
import pytest

from keras.utils import np_utils
from keras.utils.np_utils import normalize, to_categorical


def _onehot(labels, n):
    labels = np.asarray(labels)
    return (labels[..., None] == np.arange(n)).astype('float32')


@pytest.mark.parametrize('shape', [(5,), (5, 1), (3, 4), (2, 3, 1), (2, 3, 4)])
def test_to_categorical_shapes_and_values(shape):
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 4, size=shape)
    out = to_categorical(labels, 4)
    base = labels[..., 0] if len(shape) > 1 and shape[-1] == 1 else labels
    assert out.shape == base.shape + (4,)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, _onehot(base, 4))


def test_to_categorical_infers_num_classes_and_dtype():
    out = to_categorical([0, 2, 1, 2, 0], dtype='int32')
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, _onehot([0, 2, 1, 2, 0], 3))


def test_to_categorical_single_column_stays_2d():
    # (1,) is not squeezed: only a trailing 1 of a >1-D array is.
    assert to_categorical([1], 3).shape == (1, 3)
    assert to_categorical([[1]], 3).shape == (1, 3)


@pytest.mark.parametrize('labels, bad', [([0, 5], 5), ([-1, 2], -1)])
def test_to_categorical_label_out_of_range_names_the_label(labels, bad):
    with pytest.raises(ValueError, match=r'label %d is out of range for num_classes=3; '
                                         r'expected labels in \[0, 2\]' % bad) as info:
        to_categorical(labels, 3)
    assert isinstance(info.value, IndexError)  # what Keras 2.3.1 raised


@pytest.mark.parametrize('num_classes', ['3', 2.5, -2])
def test_to_categorical_bad_num_classes_is_named(num_classes):
    with pytest.raises(ValueError, match=r'`num_classes` must be a positive integer; '
                                         r'received %r' % (num_classes,)):
        to_categorical([0, 1], num_classes)


def test_to_categorical_string_labels_are_named():
    with pytest.raises(ValueError, match=r'`y` must hold integer class labels; received list '
                                         r'of dtype <U3'):
        to_categorical(['cat', 'dog'])


@pytest.mark.parametrize('axis', [-1, 0, 1])
@pytest.mark.parametrize('order', [1, 2])
def test_normalize_matches_numpy_norm(axis, order):
    x = np.random.RandomState(1).randn(4, 5)
    expected = x / np.expand_dims(np.linalg.norm(x, ord=order, axis=axis), axis)
    np.testing.assert_allclose(normalize(x, axis=axis, order=order), expected)


def test_normalize_leaves_zero_rows_and_copies():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert x[0, 0] == 3.0


def test_normalize_1d():
    out = normalize(np.array([3.0, 4.0]))
    assert out.shape == (1, 2)  # Keras 2.3.1 keeps the norm axis
    np.testing.assert_allclose(out, [[0.6, 0.8]])


def test_public_names():
    assert set(np_utils.__all__) == {'to_categorical', 'normalize'}
