"""Layer methods called on symbolic tensors (compute_mask, get_initial_state),
and the symbolic-shape rules of Keras 2.3.1's base Layer and Network."""
import numpy as np
import pytest
import torch

from keras import backend as K
from keras import layers
from keras.engine.base_layer import Layer
from keras.initializers import Constant
from keras.models import Model, Sequential


def _padded_batch():
    x = np.arange(1, 2 * 4 * 3 + 1, dtype='float32').reshape(2, 4, 3)
    x[0, 2:] = 0.
    x[1, 1] = 0.
    return x


def test_masking_compute_mask_on_symbolic_input_is_evaluable():
    inputs = layers.Input(shape=(4, 3))
    mask = layers.Masking(mask_value=0.).compute_mask(inputs)
    assert K.int_shape(mask) == (None, 4)
    x = _padded_batch()
    value = K.function([inputs], [mask])([x])[0]
    np.testing.assert_array_equal(value, np.any(x != 0, axis=-1))


def test_time_distributed_compute_mask_chains_symbolically():
    inputs = layers.Input(shape=(4, 3))
    masking = layers.Masking(mask_value=0.)
    wrapper = layers.TimeDistributed(layers.Dense(2))
    model = Sequential([masking, wrapper])
    model.build((None, 4, 3))
    first = masking.compute_mask(inputs)
    second = wrapper.compute_mask(inputs, first)
    x = _padded_batch()
    values = K.function([inputs], [first, second])([x])
    expected = np.any(x != 0, axis=-1)
    np.testing.assert_array_equal(values[0], expected)
    np.testing.assert_array_equal(values[1], expected)


def test_merge_mask_of_concrete_masks_is_computed_at_once():
    a = layers.Input(shape=(3, 2))
    b = layers.Input(shape=(3, 2))
    concat = layers.Concatenate(axis=1)
    concat([a, b])
    m1 = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)
    m2 = np.array([[1, 1, 1], [0, 0, 0]], dtype=bool)
    mask = concat.compute_mask([a, b], [K.variable(m1, dtype='bool'),
                                        K.variable(m2, dtype='bool')])
    np.testing.assert_array_equal(K.eval(mask), np.concatenate([m1, m2], axis=1))
    assert concat.compute_mask([a, b], [None, None]) is None
    with pytest.raises(ValueError):
        concat.compute_mask([a, b], [None])


def test_backend_op_on_masked_tensor_drops_the_mask():
    inputs = layers.Input(shape=(4, 3))
    masked = layers.Masking()(inputs)
    assert masked._keras_mask is not None
    total = K.sum(masked, axis=-1)
    assert total._keras_mask is None
    value = K.function([inputs], [total])([_padded_batch()])[0]
    np.testing.assert_allclose(value, _padded_batch().sum(-1))


def test_rnn_get_initial_state_on_symbolic_input():
    inputs = layers.Input(shape=(None, 6))
    rnn = layers.LSTM(5)
    rnn(inputs)
    states = rnn.get_initial_state(inputs)
    assert len(states) == 2
    assert [K.int_shape(s) for s in states] == [(None, 5), (None, 5)]
    values = K.function([inputs], states)([np.ones((3, 2, 6), 'float32')])
    for v in values:
        np.testing.assert_array_equal(v, np.zeros((3, 5)))


def test_network_compute_mask_gives_one_entry_per_output():
    a = layers.Input(shape=(4,))
    b = layers.Input(shape=(4,))
    h = layers.Dense(3)(layers.add([a, b]))
    two = Model([a, b], [h, layers.Dense(2)(h)])
    assert two.compute_mask([a, b], [None, None]) == [None, None]
    one = Model([a, b], h)
    assert one.compute_mask([a, b], [None, None]) is None


def test_super_compute_output_shape_is_the_input_shape():
    class Twice(Layer):
        def call(self, inputs):
            return [torch.abs(inputs), -torch.abs(inputs)]

        def compute_output_shape(self, input_shape):
            shape = super(Twice, self).compute_output_shape(input_shape)
            return [shape, shape]

    inputs = layers.Input(shape=(5, 2))
    pos, neg = Twice()(inputs)
    assert K.int_shape(pos) == K.int_shape(neg) == (None, 5, 2)
    total = layers.add([pos, neg])
    out = Model(inputs, total).predict(np.random.rand(3, 5, 2))
    np.testing.assert_allclose(out, np.zeros((3, 5, 2)), atol=1e-6)


def test_int64_layer_and_model_keep_int64_weights():
    class Offset(Layer):
        def __init__(self):
            super(Offset, self).__init__(dtype='int64')
            self.w = self.add_weight('w', [], initializer=Constant(3))

        def call(self, inputs):
            return inputs + self.w

    layer = Offset()
    assert K.dtype(layer.w) == 'int64'
    out = layer(torch.tensor([1, 2], dtype=torch.int64))
    assert out.dtype == torch.int64 and out.tolist() == [4, 5]

    class IntModel(Model):
        def __init__(self):
            super(IntModel, self).__init__(dtype='int64')
            self.w = self.add_weight('w', [], initializer=Constant(1))

    assert K.dtype(IntModel().w) == 'int64'


def test_model_rejects_repeated_inputs_and_non_tensor_outputs():
    a = layers.Input(shape=(3,))
    b = layers.Input(shape=(3,))
    out = layers.add([a, b])
    with pytest.raises(ValueError, match='redundant'):
        Model([a, b, a], out)
    with pytest.raises(ValueError, match='symbolic tensors'):
        Model([a, b], [out, 0])


def test_symbolic_method_results_that_follow_the_inputs_stay_symbolic():
    class PassMask(Layer):
        def compute_mask(self, inputs, mask=None):
            return mask

    class Fixed(Layer):
        """A mask that reads the values of a fully static input."""
        def compute_mask(self, inputs, mask=None):
            return inputs != 5.

    static = layers.Input(batch_shape=(2, 3))
    mask = layers.Masking()(static)._keras_mask
    passed = PassMask().compute_mask(static, mask)
    fixed = Fixed().compute_mask(static)
    x = np.array([[5., 1., 0.], [0., 0., 0.]], 'float32')
    got = K.function([static], [passed, fixed])([x])
    np.testing.assert_array_equal(got[1], x != 5.)
    assert K.int_shape(passed) == (2,)


def test_negative_output_size_is_a_clear_error():
    inputs = layers.Input(shape=(10, 1, 20, 20))  # channels_first data, channels_last layer
    with pytest.raises(ValueError, match=r'time_distributed_\d+ .*negative size'):
        layers.TimeDistributed(layers.Conv2D(15, (5, 5)))(inputs)
