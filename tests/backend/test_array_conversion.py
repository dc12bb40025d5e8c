"""Any NumPy array (or SciPy sparse matrix) reaches the backend as a tensor."""
import numpy as np
import pytest
import torch

from keras import backend as K
from keras.backend.array_conversion import numpy_to_tensor
from keras.layers import Dense, Input
from keras.models import Model

sparse = pytest.importorskip('scipy.sparse')


def _odd_arrays():
    base = np.arange(24, dtype='float32').reshape(2, 3, 4)
    return {
        'negative strides': base[..., ::-1],
        'flipped twice': np.flip(np.flip(base, 1), 2),
        'strided view': base[:, ::2, 1::2],
        'transposed': base.transpose(2, 0, 1),
        'big-endian': base.astype('>f4'),
    }


@pytest.mark.parametrize('kind', sorted(_odd_arrays()))
def test_variable_constant_and_as_tensor_take_any_array(kind):
    arr = _odd_arrays()[kind]
    for tensor in (K.variable(arr), K.constant(arr), K.as_tensor(arr), numpy_to_tensor(arr)):
        np.testing.assert_array_equal(K.eval(tensor), arr)
        assert tensor.dtype == torch.float32


def test_variable_owns_its_memory_and_as_tensor_shares_where_it_can():
    arr = np.ones((2, 3), 'float32')
    v = K.variable(arr)
    arr[0, 0] = 5.
    assert K.eval(v)[0, 0] == 1.
    assert numpy_to_tensor(arr)[0, 0] == 5.  # shared, as torch.as_tensor


def test_set_value_set_weights_and_function_take_flipped_arrays():
    x = K.variable(np.zeros((2, 3)))
    flipped = np.arange(6.).reshape(3, 2)[::-1].T
    K.set_value(x, flipped)
    np.testing.assert_array_equal(K.eval(x), flipped)

    inp = Input((3,))
    model = Model(inp, Dense(2)(inp))
    kernel, bias = model.get_weights()
    model.set_weights([kernel[::-1, ::-1], bias[::-1]])
    np.testing.assert_array_equal(model.get_weights()[0], kernel[::-1, ::-1])

    f = K.function([inp], [model.output])
    batch = np.random.rand(4, 3).astype('float32')
    np.testing.assert_allclose(f([batch[:, ::-1]])[0], model.predict(batch[:, ::-1].copy()),
                               rtol=1e-6)


def test_bool_and_integer_variables_and_unknown_dtypes():
    assert K.dtype(K.variable(True, dtype='bool')) == 'bool'
    assert K.dtype(K.variable(np.array([1, 0], dtype=bool), dtype='bool')) == 'bool'
    assert K.dtype(K.variable(3, dtype='int16')) == 'int16'
    # an unknown dtype is a ValueError, and the TypeError Keras 2 code catches
    with pytest.raises(TypeError, match="Unknown dtype: 'complex7'"):
        K.variable(0, dtype='complex7')
    with pytest.raises(ValueError):
        K.to_torch_dtype('complex7')


def _scipy_matrix():
    rows, cols = np.array([0, 1, 3, 3]), np.array([2, 0, 1, 4])
    values = np.array([1.5, -2., 4., 0.5], 'float32')
    return sparse.csr_matrix((values, (rows, cols)), shape=(4, 5))


def test_scipy_sparse_variable_dot_and_concatenate():
    m = _scipy_matrix()
    v = K.variable(m)
    assert K.is_sparse(v) and K.int_shape(v) == (4, 5) and K.dtype(v) == 'float32'
    np.testing.assert_array_equal(K.eval(v), m.toarray())
    w = np.random.rand(5, 3).astype('float32')
    np.testing.assert_allclose(K.eval(K.dot(v, K.variable(w))), m.toarray().dot(w), rtol=1e-6)
    joined = K.concatenate([v, K.variable(sparse.coo_matrix(m))])
    assert K.is_sparse(joined)
    np.testing.assert_array_equal(K.eval(joined), np.concatenate([m.toarray()] * 2, axis=-1))
    assert not K.is_sparse(K.variable(m.toarray()))
