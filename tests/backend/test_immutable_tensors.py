"""``a *= b`` in a layer's call makes a new tensor, as on TensorFlow, once a
training step finds that torch's in-place version broke autograd."""
import numpy as np
import torch

from keras import backend as K
from keras.backend import immutable_tensors
from keras.layers import Dense, Input, Layer
from keras.models import Model


class _SoftPool(Layer):
    """Attention-style pooling written with augmented assignment (Keras 2 gists)."""

    def __init__(self, in_place=True, **kwargs):
        super(_SoftPool, self).__init__(**kwargs)
        self.in_place = in_place

    def call(self, x):
        a = K.exp(K.sum(x, axis=-1))
        if self.in_place:
            a *= 2.
            a /= K.sum(a, axis=1, keepdims=True)
        else:
            a = a * 2.
            a = a / K.sum(a, axis=1, keepdims=True)
        return K.sum(x * K.expand_dims(a), axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


def _model(in_place):
    inp = Input((5, 3))
    hidden = Dense(3, kernel_initializer='identity')(inp)
    out = Dense(1, kernel_initializer='ones')(_SoftPool(in_place)(hidden))
    model = Model(inp, out)
    model.compile('sgd', 'mse')
    return model


def test_augmented_assignment_in_a_call_trains_like_the_plain_expression():
    rng = np.random.RandomState(0)
    x, y = rng.rand(8, 5, 3).astype('float32'), rng.rand(8, 1).astype('float32')
    reference, model = _model(in_place=False), _model(in_place=True)
    np.testing.assert_allclose(model.predict(x), reference.predict(x), rtol=1e-6)
    for _ in range(2):
        np.testing.assert_allclose(model.train_on_batch(x, y), reference.train_on_batch(x, y),
                                   rtol=1e-5)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    pool = model.layers[2]
    assert immutable_tensors.enabled in pool._call_modes
    assert all(not l._call_modes for l in model.layers if l is not pool)  # (keras' own)


def test_the_mode_makes_new_tensors_but_leaves_variables_in_place():
    x = torch.ones(2, requires_grad=True)
    saved = torch.exp(x)
    variable = K.variable([1., 1.])
    with immutable_tensors.enabled():
        a = saved
        a *= 3.
        variable += 1.  # (a variable still changes in place)
    assert a is not saved and torch.allclose(saved, torch.exp(x))
    a.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.e, rtol=1e-6)
    np.testing.assert_allclose(K.get_value(variable), [2., 2.])


def test_other_backward_errors_are_not_retried():
    assert not immutable_tensors.is_refusal(RuntimeError('element 0 of tensors does not require '
                                                         'grad'))
    assert not immutable_tensors.is_refusal(ValueError('modified by an inplace operation'))
