"""Calling a layer: output sizes below 1 refused at build time, NumPy inputs
computed eagerly like torch tensors."""
import re

import numpy as np
import pytest
import torch

from keras import layers
from keras.models import Model, Sequential


@pytest.mark.parametrize('make, input_shape, output, told', [
    (lambda: layers.Conv2D(4, 5), (3, 3, 1), r'\(None, -1, -1, 4\)', r'kernel_size=\(5, 5\)'),
    (lambda: layers.Conv1D(4, 3, strides=2), (2, 1), r'\(None, 0, 4\)', r'strides=\(2,\)'),
    (lambda: layers.Conv2D(4, 2, dilation_rate=3), (3, 3, 1), r'\(None, 0, 0, 4\)',
     r'dilation_rate=\(3, 3\)'),
    (lambda: layers.MaxPooling2D(5), (3, 3, 1), r'\(None, 0, 0, 1\)', r'pool_size=\(5, 5\)'),
    (lambda: layers.AveragePooling1D(4), (3, 2), r'\(None, 0, 2\)', r'pool_size=\(4,\)'),
])
def test_an_output_size_below_one_is_refused_at_build(make, input_shape, output, told):
    layer = make()
    with pytest.raises(ValueError) as info:
        layer(layers.Input(shape=input_shape))
    message = str(info.value)
    assert layer.name in message and type(layer).__name__ in message
    assert 'input shape (None, %s)' % ', '.join(str(d) for d in input_shape) in message
    assert 'would output shape' in message
    assert re.search(output, message), message
    assert re.search(told, message), message


def test_cropping_more_than_an_axis_is_refused_but_all_of_it_is_allowed():
    with pytest.raises(ValueError, match=r'Cropping1D cropping1d_\d+: cropping \(2, 2\) removes '
                                         r'more than the whole axis of size 3 \(input shape '
                                         r'\(None, 3, 2\)\)'):
        layers.Cropping1D((2, 2))(layers.Input(shape=(3, 2)))
    # Keras 2.3.1 allowed cropping an axis to size 0; so does this.
    assert layers.Cropping1D((2, 2))(layers.Input(shape=(4, 2))).shape == (None, 0, 2)


def test_a_sequential_model_refuses_a_kernel_larger_than_its_input():
    with pytest.raises(ValueError, match=r'conv2d_\d+ \(Conv2D\).*kernel_size=\(5, 5\)'):
        Sequential([layers.Conv2D(4, 5, input_shape=(3, 3, 1)), layers.Flatten(),
                    layers.Dense(1)])


def test_a_wrapped_layer_names_the_wrapped_window():
    with pytest.raises(ValueError, match=r'time_distributed_\d+ .*kernel_size=\(5, 5\)'):
        layers.TimeDistributed(layers.Conv2D(2, 5))(layers.Input(shape=(4, 3, 3, 1)))


def test_same_padding_and_exact_windows_still_build():
    assert layers.Conv2D(4, 5, padding='same')(layers.Input(shape=(3, 3, 1))).shape == \
        (None, 3, 3, 4)
    assert layers.MaxPooling2D(3)(layers.Input(shape=(3, 3, 1))).shape == (None, 1, 1, 1)


def test_a_layer_called_on_numpy_computes_like_on_a_tensor():
    dense = layers.Dense(3)
    x = np.random.RandomState(0).rand(2, 4)  # float64, as NumPy makes it
    got = dense(x)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(got.detach().numpy(), x.dot(kernel) + bias, rtol=1e-5)
    np.testing.assert_allclose(dense(torch.as_tensor(x, dtype=torch.float32)).detach().numpy(),
                               got.detach().numpy())


def test_numpy_calls_of_conv_embedding_and_merge_layers():
    assert tuple(layers.Conv2D(3, 2)(np.ones((2, 4, 4, 1))).shape) == (2, 3, 3, 3)
    embedding = layers.Embedding(5, 2)
    rows = embedding(np.array([[1, 4]]))  # integer ids stay integers
    np.testing.assert_allclose(rows.detach().numpy()[0], embedding.get_weights()[0][[1, 4]])
    joined = layers.Concatenate()([np.ones((2, 1)), np.zeros((2, 2))])
    np.testing.assert_array_equal(joined.numpy(), [[1, 0, 0], [1, 0, 0]])


def test_a_model_called_on_numpy_matches_predict():
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    x = np.arange(6, dtype='float32').reshape(2, 3)
    np.testing.assert_allclose(model(x).detach().numpy(), model.predict(x), rtol=1e-6)


def test_a_layer_called_on_strings_says_what_to_pass():
    with pytest.raises(ValueError, match=r'dense_\d+ was called on a NumPy array of dtype <U1; '
                                         r'pass numbers'):
        layers.Dense(2)(np.array([['a', 'b']]))


def test_a_symbolic_tensor_has_no_len_and_cannot_be_iterated():
    # TensorFlow 1's graph tensors had no __len__: Keras 2 code tells one output
    # from a list of outputs with hasattr(x, '__len__') (keras-rl's agents do).
    x = layers.Input((3,))
    y = layers.Dense(2)(x)
    assert not hasattr(y, '__len__')
    assert hasattr([y, y], '__len__')
    with pytest.raises(TypeError, match='cannot be iterated'):
        a, b = y
    assert tuple(y[:, 0].shape) == (None,)


def test_shape_inference_passes_the_masks_the_graph_will_pass():
    # A layer without compute_output_shape whose call reads mask[i] (as
    # keras-self-attention's layers do) is shape-inferred with the masks.
    class PickFirst(layers.Layer):
        def __init__(self, **kwargs):
            super(PickFirst, self).__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            seen.append(None if mask is None else [m is not None for m in mask])
            keep = torch.unsqueeze(mask[0], -1).to(inputs[0].dtype)
            return inputs[0] * keep + inputs[1]

        def compute_mask(self, inputs, mask=None):
            return mask[0]

    seen = []
    tokens = layers.Input((4,))
    embedded = layers.Embedding(5, 3, mask_zero=True)(tokens)
    other = layers.Input((4, 3))
    out = PickFirst()([embedded, other])
    assert tuple(out.shape) == (None, 4, 3)
    assert seen and seen[0] == [True, False]
    model = Model([tokens, other], out)
    result = model.predict([np.array([[1, 2, 0, 0]]), np.zeros((1, 4, 3), 'float32')])
    assert np.all(result[0, 2:] == 0) and np.all(result[0, :2] != 0)
