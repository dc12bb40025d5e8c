import numpy as np
import pytest
import torch

from keras import backend as K


def test_variable_is_a_frozen_parameter_holding_a_copy():
    value = np.array([[1, 2], [3, 4]])
    v = K.variable(value, name='example_var')
    assert isinstance(v, torch.nn.Parameter)
    assert not v.requires_grad
    assert v._keras_name == 'example_var'
    assert K.dtype(v) == 'float32'
    value[0, 0] = 100
    np.testing.assert_array_equal(K.eval(v), [[1., 2.], [3., 4.]])
    assert K.is_variable(v)
    assert K.dtype(K.variable(1.5, dtype='float64')) == 'float64'
    t = torch.ones(2)
    v2 = K.variable(t)
    t.add_(1)
    np.testing.assert_array_equal(K.get_value(v2), [1., 1.])


def test_constant_and_conversion():
    c = K.constant(3., shape=(2, 2))
    np.testing.assert_array_equal(K.eval(c), np.full((2, 2), 3., 'float32'))
    assert K.dtype(K.constant([1, 2])) == 'float32'
    assert K.dtype(K.constant([1, 2], dtype='int32')) == 'int32'
    assert K.is_tensor(c) and not K.is_variable(c)
    assert K.cast_to_floatx([1, 2]).dtype == np.float32


def test_a_number_cast_to_floatx_multiplies_tensors():
    # Keras 2 layers and regularizers keep ``self.alpha = K.cast_to_floatx(alpha)``
    # and compute ``self.alpha * tensor`` (a 0-d NumPy array would refuse)
    alpha = K.cast_to_floatx(0.25)
    assert alpha.dtype == np.float32 and np.ndim(alpha) == 0 and float(alpha) == 0.25
    x = torch.ones(3, requires_grad=True)
    y = alpha * x - x * alpha + alpha * K.sin(x)
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float32
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 0.25 * np.cos(1.), rtol=1e-6)


def test_dtype_helpers():
    assert K.to_torch_dtype('float32') is torch.float32
    assert K.to_torch_dtype('float64_ref') is torch.float64
    assert K.to_torch_dtype(np.int32) is torch.int32
    assert K.to_torch_dtype(None) is torch.float32
    assert K.from_torch_dtype(torch.int64) == 'int64'
    assert K.from_torch_dtype(torch.bool) == 'bool'
    assert K.dtype(np.zeros(2, 'float16')) == 'float16'
    with pytest.raises(ValueError):
        K.to_torch_dtype('float17')


def test_session_run_evaluates_fetches_as_tensorflow_1_did():
    import keras
    session = K.get_session()
    x = K.placeholder(shape=(None, 2))
    assert session.run(K.sum(x), feed_dict={x: [[1., 2.], [3., 4.]]}) == 10.
    model = keras.models.Sequential([keras.layers.Dense(3, input_shape=(2,)),
                                     keras.layers.Dropout(0.5)])
    data = np.ones((4, 2), 'float32')
    out, kernel = session.run([model.output, model.layers[0].kernel],
                              feed_dict={model.input: data, K.learning_phase(): 0})
    np.testing.assert_allclose(out, model.predict(data), rtol=1e-6)  # test phase: no dropout
    np.testing.assert_array_equal(kernel, K.get_value(model.layers[0].kernel))
    counter = K.variable(0.)
    step = K.update_add(counter, K.sum(x))  # symbolic value: an update op
    fetched = session.run({'total': K.sum(x), 'step': step}, feed_dict={x: [[2., 3.]]})
    assert fetched == {'total': 5., 'step': None} and K.get_value(counter) == 5.
    with pytest.raises(ValueError, match='feed_dict keys'):
        session.run(K.sum(x), feed_dict={'x': 1})


def test_set_session_accepts_a_tensorflow_session_with_a_warning():
    K.set_session(K.get_session())  # our own: silent
    with pytest.warns(UserWarning, match='has no effect'):
        K.set_session(object())  # e.g. tf.Session(config=...)


class _FakeKerasTensor(object):
    _is_keras_tensor = True
    shape = (None, 4, 5)
    dtype = 'float32'


def test_keras_tensor_checks_and_int_shape():
    kt = _FakeKerasTensor()
    assert K.is_keras_tensor(kt)
    assert not K.is_keras_tensor(torch.zeros(2))
    with pytest.raises(ValueError):
        K.is_keras_tensor(np.array([1, 2]))
    assert K.int_shape(kt) == (None, 4, 5)
    assert K.ndim(kt) == 3
    assert K.dtype(kt) == 'float32'
    with pytest.raises(ValueError):
        K.eval(kt)


def test_shapes_and_counts():
    x = torch.zeros(2, 3, 4)
    assert K.int_shape(x) == (2, 3, 4)
    assert all(isinstance(d, int) for d in K.int_shape(x))
    assert tuple(K.shape(x)) == (2, 3, 4)
    assert K.ndim(x) == 3
    assert K.count_params(x) == 24
    assert K.get_variable_shape(K.zeros((2, 5))) == (2, 5)
    assert int(K.size(x)) == 24


def test_filled_variables():
    np.testing.assert_array_equal(K.eval(K.zeros((2, 3))), np.zeros((2, 3)))
    np.testing.assert_array_equal(K.eval(K.ones(3)), np.ones(3))
    np.testing.assert_array_equal(K.eval(K.eye(3)), np.eye(3))
    np.testing.assert_array_equal(K.eval(K.eye((2, 3))), np.eye(2, 3))
    assert K.is_variable(K.zeros((1,)))
    x = torch.ones(2, 2, dtype=torch.float64)
    z = K.zeros_like(x)
    assert K.dtype(z) == 'float32'  # Keras 2.3.1 defaults to floatx
    np.testing.assert_array_equal(K.eval(K.ones_like(x, dtype='int32')), np.ones((2, 2)))
    ident = K.identity(x)
    assert ident is not x
    np.testing.assert_array_equal(K.eval(ident), K.eval(x))


def test_random_variables_follow_numpy_seed_and_bounds():
    np.random.seed(3)
    a = K.random_uniform_variable((200,), -2., 3.)
    np.random.seed(3)
    b = K.random_uniform_variable((200,), -2., 3.)
    np.testing.assert_array_equal(K.eval(a), K.eval(b))
    assert K.eval(a).min() >= -2. and K.eval(a).max() < 3.
    n = K.eval(K.random_normal_variable((4000,), 1., 2., seed=1))
    assert abs(n.mean() - 1.) < 0.15 and abs(n.std() - 2.) < 0.15
    assert K.is_variable(a)


def test_cast():
    x = torch.tensor([1.7, -2.2])
    np.testing.assert_array_equal(K.eval(K.cast(x, 'int32')), np.array([1.7, -2.2]).astype('int32'))
    assert K.dtype(K.cast(x, 'float16')) == 'float16'
    assert K.dtype(x) == 'float32'


def test_set_and_get_values():
    v = K.variable(np.zeros((2, 2)))
    K.set_value(v, np.arange(4).reshape(2, 2))
    np.testing.assert_array_equal(K.get_value(v), [[0, 1], [2, 3]])
    with pytest.raises(ValueError):
        K.set_value(v, np.zeros(3))
    w = K.variable(np.zeros(3))
    K.batch_set_value([(v, np.ones((2, 2))), (w, np.full(3, 2.))])
    got = K.batch_get_value([v, w])
    np.testing.assert_array_equal(got[0], np.ones((2, 2)))
    np.testing.assert_array_equal(got[1], np.full(3, 2.))


def test_updates_are_in_place():
    v = K.variable(np.array([1., 2.]))
    assert K.update(v, np.array([3., 4.])) is v
    np.testing.assert_allclose(K.eval(v), [3., 4.])
    K.update_add(v, np.array([1., 1.]))
    np.testing.assert_allclose(K.eval(v), [4., 5.])
    K.update_sub(v, torch.tensor([2., 2.]))
    np.testing.assert_allclose(K.eval(v), [2., 3.])
    K.moving_average_update(v, np.array([10., 0.]), 0.9)
    np.testing.assert_allclose(K.eval(v), [2. * 0.9 + 10. * 0.1, 3. * 0.9], rtol=1e-6)


def test_misc_compat(capsys):
    x = torch.tensor([1., 2.])
    assert K.print_tensor(x, message='value:') is x
    assert 'value:' in capsys.readouterr().out
    with K.name_scope('block'):
        pass
    with K.control_dependencies([x]):
        pass
    assert not K.is_sparse(x)
    assert K.to_dense(x) is x


def test_get_value_returns_a_copy():
    v = K.variable(np.array([1., 2.]))
    before = K.get_value(v)
    K.set_value(v, np.array([5., 6.]))
    np.testing.assert_array_equal(before, [1., 2.])
    arr = K.eval(v)
    arr[0] = -1.
    np.testing.assert_array_equal(K.eval(v), [5., 6.])
