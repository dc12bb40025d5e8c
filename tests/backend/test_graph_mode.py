"""Keras 2's graph-mode backend: placeholders, K.function with updates,
K.gradients on symbolic losses, and expressions on variables in a graph scope."""
import numpy as np
import pytest
import torch

from keras import backend as K
from keras.backend.graph_scope import graph_scope
from keras.backend.update_ops import UpdateOp

RNG = np.random.RandomState(7)


def test_placeholder_metadata():
    x = K.placeholder(shape=(2, None, 5), dtype='float64', name='images')
    assert K.is_placeholder(x) and K.is_tensor(x)
    assert K.is_keras_tensor(x) is False            # Keras 2: not until Input(tensor=x)
    assert K.int_shape(x) == (2, None, 5) and K.ndim(x) == 3 and K.dtype(x) == 'float64'
    y = K.placeholder(ndim=2)
    assert K.int_shape(y) == (None, None) and K.dtype(y) == K.floatx()
    assert K.int_shape(K.placeholder(shape=())) == ()
    assert K.int_shape(K.mean(x, axis=1)) == (2, 5)
    with pytest.raises(ValueError, match='shape'):
        K.placeholder()
    with pytest.raises(ValueError, match='ndim'):
        K.placeholder(shape=(2, 3), ndim=3)


def test_function_of_placeholders_matches_numpy():
    x = K.placeholder(shape=(None, 3))
    v = K.variable(RNG.rand(3, 4))
    f = K.function([x], [K.softmax(x), K.dot(x, v) + 1.])
    data = RNG.rand(5, 3).astype('float32')
    soft, lin = f([data])
    e = np.exp(data - data.max(-1, keepdims=True))
    np.testing.assert_allclose(soft, e / e.sum(-1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(lin, data.dot(K.eval(v)) + 1., rtol=1e-5)
    with pytest.raises(ValueError, match='not among the function inputs'):
        K.function([K.placeholder(shape=(None, 3))], [x])  # x is not an input
    fixed = K.placeholder(shape=(None, 3))
    g = K.function([fixed], [fixed * 2])
    with pytest.raises(ValueError, match='Cannot feed'):
        g([np.zeros((2, 4))])


def test_nested_lists_of_arrays_are_fed_in_order_as_tf_keras_did():
    # f((xs, ys, sample_weights)): the lists _standardize_user_data returns
    a, b, c = (K.placeholder(shape=(None, 2)) for _ in range(3))
    f = K.function([a, b, c], [a + 2 * b + 3 * c])
    ones = np.ones((1, 2), 'float32')
    expected = [[6., 6.]]
    np.testing.assert_allclose(f(([ones], [ones], [ones]))[0], expected)
    np.testing.assert_allclose(f([ones, [ones, (ones,)]])[0], expected)
    np.testing.assert_allclose(f([[ones], [], [ones, ones]])[0], expected)
    # an array given as nested Python lists is one value, not a list of inputs
    g = K.function([a], [a * 2])
    np.testing.assert_allclose(g([[[1., 2.]]])[0], [[2., 4.]])
    with pytest.raises(ValueError, match='expects 3 input'):
        f(([ones], [ones]))


def test_updates_are_grouped_and_applied_after_the_outputs():
    a, b = K.variable(1.), K.variable(2.)
    x = K.placeholder(shape=())
    f = K.function([x], [x + a], updates=[(a, b), (b, a), K.update_add(a, x * 0.)])
    out = f([10.])
    assert out[0] == 11.                       # outputs see the old values
    assert K.eval(a) == 2. and K.eval(b) == 1.  # the swap is not sequential
    counter = K.variable(0.)
    inc = K.update_add(counter, x)
    dec = K.update_sub(counter, x * 0.5)
    assert isinstance(inc, UpdateOp) and inc.mode == 'add' and dec.mode == 'sub'
    g = K.function([x], [], updates=[inc, dec])
    g([4.])
    g([4.])
    assert K.eval(counter) == pytest.approx(4.)


def test_moving_average_and_assign_from_placeholders():
    v = K.variable(np.array([1., 3.]))
    x = K.placeholder(shape=(2,))
    op = K.moving_average_update(v, x, 0.9)
    assert isinstance(op, UpdateOp)
    f = K.function([x], [], updates=[op])
    f([np.array([11., 13.])])
    np.testing.assert_allclose(K.eval(v), [2., 4.], rtol=1e-6)
    f([np.array([12., 14.])])           # reads v's new value on the second call
    np.testing.assert_allclose(K.eval(v), [3., 5.], rtol=1e-6)


def test_updates_applied_by_a_layer_call_are_skipped():
    v = K.variable(5.)
    x = K.placeholder(shape=())
    f = K.function([x], [x], updates=[UpdateOp(v, x, 'assign', applied_in_call=True),
                                      K.update(v, x + 1.)])
    f([1.])
    assert K.eval(v) == 2.


def test_learning_phase_input_and_plan_built_once(monkeypatch):
    from keras.engine.graph import evaluation
    x = K.placeholder(shape=(None, 2))
    y = K.in_train_phase(x * 10., x)
    f = K.function([x, K.learning_phase()], [y])
    calls = []
    monkeypatch.setattr(evaluation, 'graph_sources',
                        lambda *a: calls.append(a) or (_ for _ in ()).throw(AssertionError))
    ones = np.ones((1, 2))
    np.testing.assert_array_equal(f([ones, 1])[0], ones * 10)
    np.testing.assert_array_equal(f([ones, 0])[0], ones)
    assert calls == []


def test_gradients_by_placeholder_variable_and_stop_gradient():
    x = K.placeholder(shape=(None, 3))
    w = K.variable(np.array([1., 2., 3.]))
    loss = K.sum(K.square(x) * w) + K.sum(K.stop_gradient(x) * 100.)
    gx, gw = K.gradients(loss, [x, w])
    f = K.function([x], [loss, gx, gw])
    data = RNG.rand(4, 3).astype('float32')
    value, dx, dw = f([data])
    np.testing.assert_allclose(dx, 2 * data * K.eval(w), rtol=1e-5)   # stop_gradient holds
    np.testing.assert_allclose(dw, (data ** 2).sum(0), rtol=1e-5)
    assert not w.requires_grad                                          # restored after the call


def test_graph_scope_records_expressions_on_variables():
    step = K.variable(0, dtype='int64')
    rate = K.variable(0.5)
    with graph_scope():
        t = K.cast(step, 'float32') + 1.
        scaled = rate * t
        half = 0.5 * rate
        op = K.update_add(step, 1)
    assert K.is_tensor(t) and not isinstance(t, torch.Tensor)
    assert not isinstance(half, torch.Tensor)
    assert isinstance(op, UpdateOp) and K.eval(step) == 0
    f = K.function([], [scaled, half], updates=[op])
    assert [float(v) for v in f([])] == [0.5, 0.25]
    K.set_value(rate, 2.)
    assert [float(v) for v in f([])] == [4., 1.]   # read at run time, after the increment
    assert K.eval(step) == 2
    # Outside a scope, known values are assigned at once.
    assert K.update_add(step, 1) is step and K.eval(step) == 3


def test_input_of_a_placeholder_builds_a_model_on_it():
    from keras.layers import Dense, Input
    from keras.models import Model
    x = K.placeholder(shape=(None, 3))
    assert not K.is_keras_tensor(x)
    inputs = Input(tensor=x)
    assert inputs is x and K.is_keras_tensor(x)
    model = Model(inputs, Dense(2)(inputs))
    data = RNG.rand(4, 3).astype('float32')
    f = K.function([x], [model.output])
    np.testing.assert_allclose(f([data])[0], model.predict(data), rtol=1e-5)


def test_unknown_sizes_broadcast_against_fixed_operands():
    x = K.placeholder(ndim=2)
    y = x + K.variable(np.ones((4, 2)))
    assert K.int_shape(y) == (4, 2)


def test_updates_in_a_layer_call_wait_while_shapes_are_probed():
    from keras.layers import Input, Layer

    class Counting(Layer):
        def build(self, input_shape):
            self.calls = K.variable(0.)
            super(Counting, self).build(input_shape)

        def call(self, inputs):
            op = K.update_add(self.calls, 1.)
            self.last_op = op
            return inputs * 2

    layer = Counting()
    layer(Input((2,)))
    assert K.eval(layer.calls) == 0. and isinstance(layer.last_op, UpdateOp)
    layer(torch.ones(1, 2))
    assert K.eval(layer.calls) == 1. and layer.last_op is layer.calls


def test_model_updates_applied_by_the_layer_are_applied_once():
    from keras.layers import BatchNormalization, Dense, Input
    from keras.models import Model
    inputs = Input((3,))
    bn = BatchNormalization(momentum=0.5)
    model = Model(inputs, Dense(1)(bn(inputs)))
    f = K.function([model.input, K.learning_phase()], [model.output], updates=model.updates)
    x = RNG.rand(8, 3).astype('float32') + 5
    f([x, 1])
    np.testing.assert_allclose(K.get_value(bn.moving_mean), 0.5 * x.mean(0), rtol=1e-5)


def test_function_moves_batchnorm_statistics_only_when_given_its_updates():
    """2.3.1: a function run in training phase uses batch statistics, and the
    moving averages change only when ``model.updates`` is among its updates."""
    import keras
    from keras import backend as K
    model = keras.models.Sequential([keras.layers.BatchNormalization(input_shape=(3,),
                                                                     momentum=0.5)])
    x = np.arange(12, dtype='float32').reshape(4, 3)
    moving_mean = model.layers[0].moving_mean
    plain = K.function([model.input, K.learning_phase()], [model.output])
    out = plain([x, 1])[0]
    np.testing.assert_allclose(out.mean(axis=0), 0., atol=1e-5)  # batch statistics
    np.testing.assert_allclose(K.get_value(moving_mean), 0.)
    training = K.function([model.input, K.learning_phase()], [model.output],
                          updates=model.updates)
    training([x, 1])
    np.testing.assert_allclose(K.get_value(moving_mean), 0.5 * x.mean(axis=0), rtol=1e-6)


# ----------------------------------------------- K.function fed with inner tensors
def _stack():
    from keras.layers import Dense
    from keras.models import Sequential
    return Sequential([Dense(4, activation='relu', input_shape=(3,)),
                       Dense(5, activation='tanh'), Dense(2)])


def test_function_fed_with_a_layer_output_runs_the_rest_of_the_model():
    """As a TensorFlow feed: the value given for an inner tensor replaces what
    computes it (running the top of a model on stored features)."""
    model = _stack()
    x = np.random.RandomState(0).rand(6, 3).astype('float32')
    features = K.function([model.input], [model.layers[0].output])([x])[0]
    top = K.function([model.layers[1].input], [model.output])
    np.testing.assert_allclose(top([features])[0], model.predict(x), atol=1e-6)
    # a tensor between two layers, and the learning phase beside it
    middle = K.function([model.layers[1].output, K.learning_phase()], [model.output])
    hidden = K.function([model.input], [model.layers[1].output])([x])[0]
    np.testing.assert_allclose(middle([hidden, 0])[0], model.predict(x), atol=1e-6)


def test_function_fed_with_an_inner_tensor_of_a_branching_graph():
    from keras.layers import Dense, Input, concatenate
    from keras.models import Model
    a = Input((3,))
    b = Dense(4)(a)
    c = Dense(2)(b)
    d = Dense(1)(concatenate([b, c]))
    model = Model(a, d)
    x = np.random.RandomState(1).rand(5, 3).astype('float32')
    fed_b = K.function([a], [b])([x])[0]
    np.testing.assert_allclose(K.function([b], [d])([fed_b])[0], model.predict(x), atol=1e-6)
    # a feed of c alone leaves b (read by the concatenation) unknown
    with pytest.raises(ValueError, match='input_'):
        K.function([c], [d])


def test_gradient_by_a_fed_inner_tensor():
    model = _stack()
    x = np.random.RandomState(2).rand(4, 3).astype('float32')
    inner = model.layers[1].input
    features = K.function([model.input], [inner])([x])[0]
    grad = K.function([inner], K.gradients(K.sum(model.output), [inner]))([features])[0]
    h = torch.tensor(features, requires_grad=True)
    out = h
    for layer in model.layers[1:]:
        out = layer(out)
    out.sum().backward()
    np.testing.assert_allclose(grad, h.grad.numpy(), atol=1e-6)


def test_a_fed_inner_tensor_with_a_mask_is_refused():
    from keras.layers import LSTM, Embedding
    from keras.models import Sequential
    model = Sequential([Embedding(10, 3, mask_zero=True, input_length=4), LSTM(2)])
    with pytest.raises(ValueError, match='carries a mask'):
        K.function([model.layers[0].output], [model.output])
