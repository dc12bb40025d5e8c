import numpy as np
import pytest
import torch

from keras import backend as K

RNG = np.random.RandomState(5)


def _np_rnn(x, w, h0, mask=None, go_backwards=False):
    """Reference loop: h_t = tanh(x_t W + h_{t-1}); masked steps keep output and state."""
    steps = range(x.shape[1])[::-1] if go_backwards else range(x.shape[1])
    h, prev_out, outs = h0, np.zeros_like(h0), []
    for t in steps:
        new = np.tanh(x[:, t].dot(w) + h)
        if mask is not None:
            m = mask[:, t][:, None]
            new_out = np.where(m, new, prev_out)
            h = np.where(m, new, h)
        else:
            new_out = h = new
        outs.append(new_out)
        prev_out = new_out
    return outs[-1], np.stack(outs, 1), h


@pytest.mark.parametrize('go_backwards', [False, True])
@pytest.mark.parametrize('use_mask', [False, True])
def test_rnn_matches_reference_loop(go_backwards, use_mask):
    x = RNG.randn(3, 5, 2).astype('f')
    w = RNG.randn(2, 4).astype('f')
    h0 = RNG.randn(3, 4).astype('f')
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 1, 0, 1, 1]], bool) if use_mask else None
    seen_constants = []

    def step(x_t, states):
        h, c = states
        seen_constants.append(c)
        out = torch.tanh(x_t.matmul(torch.as_tensor(w)) + h)
        return out, [out]

    const = torch.ones(1)
    last, outs, states = K.rnn(step, x, [torch.as_tensor(h0)], go_backwards=go_backwards,
                               mask=mask, constants=[const])
    e_last, e_outs, e_h = _np_rnn(x, w, h0, mask, go_backwards)
    np.testing.assert_allclose(K.eval(last), e_last, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(K.eval(outs), e_outs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(K.eval(states[0]), e_h, rtol=1e-5, atol=1e-6)
    assert all(c is const for c in seen_constants) and len(seen_constants) == 5


def test_rnn_rejects_2d_input():
    with pytest.raises(ValueError):
        K.rnn(lambda x, s: (x, s), np.zeros((2, 3), 'f'), [torch.zeros(2)])


def test_function_on_real_tensors_and_updates():
    v = K.variable(np.array([1., 2.]))
    f = K.function([], [v], updates=[(v, v * 2)])
    np.testing.assert_array_equal(f([])[0], [1., 2.])
    np.testing.assert_array_equal(K.eval(v), [2., 4.])
    with pytest.raises(ValueError):
        K.function([torch.zeros(2)], [v])


def test_function_feeds_the_learning_phase_at_any_position():
    from keras.layers import Dropout
    x = K.placeholder(shape=(None, 3))
    y = Dropout(0.5)(x) * 2
    f = K.function([K.learning_phase(), x], [y, K.sum(x, axis=-1)])
    data = np.arange(6).reshape(2, 3)                  # ints: cast to the input's dtype
    test_out = f([0, data])
    assert isinstance(test_out, list) and test_out[0].dtype == np.float32
    np.testing.assert_array_equal(test_out[0], data * 2)
    np.testing.assert_array_equal(test_out[1], data.sum(-1))
    train_out = f([1, np.ones((200, 3))])[0]
    assert set(np.unique(train_out)) <= {0., 4.} and 0. in train_out
    assert K.learning_phase() == 0
    with pytest.raises(ValueError):
        f([data])


def test_function_single_output_without_phase():
    x = K.placeholder(shape=(None, 2))
    f = K.function([x], x * 2)
    np.testing.assert_array_equal(f([np.ones((1, 2))]), [[2., 2.]])


def test_function_of_gradients_saliency_and_weights():
    # The Keras 2 idiom of saliency maps, deep dream and filter visualization:
    # K.function([model.input], K.gradients(loss, model.input)).
    from keras.layers import Conv2D, Dense, Flatten, Input
    from keras.models import Model
    inputs = Input((4, 4, 1))
    features = Conv2D(2, 3, activation='relu', name='features')(inputs)
    outputs = Dense(1)(Flatten()(features))
    model = Model(inputs, outputs)
    loss = K.mean(model.output)
    saliency = K.gradients(loss, model.input)[0]
    assert saliency.shape == (None, 4, 4, 1)
    function = K.function([model.input], [loss, saliency])
    x = RNG.rand(3, 4, 4, 1).astype('float32')
    value, grad = function([x])
    assert grad.shape == (3, 4, 4, 1)
    xt = torch.tensor(x, requires_grad=True)
    model(xt).mean().backward()
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(value, model.predict(x).mean(), rtol=1e-6)
    # Grad-CAM: the gradient with respect to an inner layer's output.
    cam = K.function([model.input], K.gradients(loss, model.get_layer('features').output))
    assert cam([x])[0].shape == (3, 2, 2, 2)
    weights = K.function([model.input], K.gradients(loss, model.trainable_weights))([x])
    assert [w.shape for w in weights] == [tuple(v.shape) for v in model.trainable_weights]
