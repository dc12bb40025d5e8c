"""The convolution core (keras.backend.conv_core): padding arithmetic, kernel
layouts and channels order, checked against TensorFlow's documented rules and
plain NumPy, and the layers / K functions running through it."""
import itertools

import numpy as np
import pytest
import torch

from keras import layers
from keras.backend import conv_core
from keras.backend import conv_ops
from keras.utils import conv_utils

RNG = np.random.RandomState(7)


def _tensor(*shape):
    return torch.as_tensor(RNG.randn(*shape).astype('float32'))


# ------------------------------------------------------------------ padding
@pytest.mark.parametrize('n,k,s,d', list(itertools.product(range(1, 9), range(1, 5),
                                                           range(1, 4), range(1, 3))))
def test_same_padding_follows_tensorflow(n, k, s, d):
    before, after = conv_core.same_padding(n, k, s, d)
    # TensorFlow: out = ceil(n / s), total = max((out - 1) * s + dilated - n, 0),
    # before = total // 2 (the extra entry of an odd total goes at the end).
    out = int(np.ceil(n / float(s)))
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    assert (before, after) == (total // 2, total - total // 2)
    padded = n + before + after
    assert (padded - ((k - 1) * d + 1)) // s + 1 == out
    assert out == conv_utils.conv_output_length(n, k, 'same', s, d)


def test_same_padding_examples():
    assert conv_core.same_padding(5, 2, 1) == (0, 1)     # odd total: extra at the end
    assert conv_core.same_padding(5, 3, 1) == (1, 1)
    assert conv_core.same_padding(4, 3, 2) == (0, 1)
    assert conv_core.same_padding(7, 3, 1, 2) == (2, 2)
    assert conv_core.same_padding(8, 1, 3) == (0, 0)


def test_torch_padding_splits_symmetric_and_extra():
    assert conv_core.torch_padding([(1, 1), (2, 2)]) == ((1, 2), None)
    # last axis first, in F.pad's order; only the difference is padded by hand
    assert conv_core.torch_padding([(0, 1), (1, 2)]) == ((0, 1), (0, 1, 0, 1))
    assert conv_core.torch_padding([(1, 2), (1, 1)]) == ((1, 1), (0, 0, 0, 1))


def test_conv_utils_reexports_the_core_rules():
    assert conv_utils.same_padding is conv_core.same_padding
    assert conv_utils.torch_padding is conv_core.torch_padding


def test_pad_input_same_causal_valid():
    x = torch.arange(1., 6.).reshape(1, 1, 5)
    padded, pad = conv_core.pad_input(x, 'same', (2,), (1,), (1,))
    assert pad == (0,) and padded.tolist() == [[[1., 2., 3., 4., 5., 0.]]]
    padded, pad = conv_core.pad_input(x, 'causal', (3,), (1,), (2,))
    assert pad == 0 and padded.tolist() == [[[0., 0., 0., 0., 1., 2., 3., 4., 5.]]]
    padded, pad = conv_core.pad_input(x, 'valid', (3,), (1,), (1,))
    assert pad == 0 and padded is x
    with pytest.raises(ValueError, match='Invalid padding'):
        conv_core.pad_input(x, 'full', (3,), (1,), (1,))


@pytest.mark.parametrize('n,k,s,padding', list(itertools.product(
    range(1, 6), range(1, 5), range(1, 4), ('valid', 'same'))))
def test_transpose_padding_gives_the_layer_output_size(n, k, s, padding):
    size = conv_utils.deconv_length(n, s, k, padding, None)
    before, extra = conv_core.transpose_padding(n, size, k, s, padding)
    full = (n - 1) * s + k
    assert full - 2 * before + extra == size
    assert before == (conv_core.same_padding(size, k, s)[0] if padding == 'same' else 0)
    assert extra < s


# ----------------------------------------------------------- kernel layouts
@pytest.mark.parametrize('nd', [1, 2, 3])
def test_kernel_layout_round_trip(nd):
    kernel = _tensor(*((2, 3, 4)[:nd] + (5, 6)))
    weight = conv_core.torch_kernel(kernel)
    assert tuple(weight.shape) == (6, 5) + (2, 3, 4)[:nd]
    assert weight.data_ptr() == kernel.data_ptr()   # a view, no copy
    for index in itertools.product(*[range(n) for n in kernel.shape]):
        *k, i, o = index
        assert weight[(o, i) + tuple(k)] == kernel[index]
    assert torch.equal(conv_core.keras_kernel(weight), kernel)


@pytest.mark.parametrize('nd', [1, 2])
def test_depthwise_layout_round_trip(nd):
    kernel = _tensor(*((3, 2)[:nd] + (4, 3)))            # (*k, in=4, multiplier=3)
    weight = conv_core.depthwise_kernel(kernel)
    assert tuple(weight.shape) == (12, 1) + (3, 2)[:nd]
    for c, m in itertools.product(range(4), range(3)):  # output channel c * mult + m
        assert torch.equal(weight[c * 3 + m, 0], kernel[..., c, m])
    assert torch.equal(conv_core.keras_depthwise_kernel(weight, 3), kernel)


def test_transposed_kernel_uses_the_same_permutation():
    kernel = _tensor(3, 3, 4, 2)                        # Keras (*k, out=4, in=2)
    weight = conv_core.torch_kernel(kernel)             # torch (in, out, *k)
    assert tuple(weight.shape) == (2, 4, 3, 3)
    assert torch.equal(weight[1, 3], kernel[:, :, 3, 1])


# ------------------------------------------------------------ channels order
@pytest.mark.parametrize('shape', [(2, 5, 3), (2, 5, 4, 3), (2, 5, 4, 6, 3)])
def test_channels_order_round_trip_is_a_view(shape):
    x = _tensor(*shape)
    first = conv_core.to_channels_first(x, 'channels_last')
    assert first.shape[1] == shape[-1] and first.data_ptr() == x.data_ptr()
    assert torch.equal(first, torch.movedim(x, -1, 1))
    assert torch.equal(conv_core.from_channels_first(first, 'channels_last'), x)
    assert conv_core.to_channels_first(x, 'channels_first') is x
    assert conv_core.from_channels_first(x, 'channels_first') is x


# -------------------------------------------------------------------- calls
def _np_conv1d_same(x, kernel, stride):
    """channels_last NumPy reference with TensorFlow's 'same' padding."""
    n, k = x.shape[1], kernel.shape[0]
    before, after = conv_core.same_padding(n, k, stride)
    x = np.pad(x, [(0, 0), (before, after), (0, 0)])
    steps = (x.shape[1] - k) // stride + 1
    return np.stack([np.tensordot(x[:, t * stride:t * stride + k], kernel, axes=([1, 2], [0, 1]))
                     for t in range(steps)], axis=1)


@pytest.mark.parametrize('n,k,s', [(5, 2, 1), (6, 3, 2), (7, 4, 3), (4, 1, 2)])
def test_conv_same_matches_numpy(n, k, s):
    x, kernel = _tensor(2, n, 3), _tensor(k, 3, 4)
    out = conv_core.conv(conv_core.to_channels_first(x, 'channels_last'),
                         conv_core.torch_kernel(kernel), None, (s,), 'same', (1,))
    out = conv_core.from_channels_first(out, 'channels_last')
    np.testing.assert_allclose(out.numpy(), _np_conv1d_same(x.numpy(), kernel.numpy(), s),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('padding,s,extra', [('valid', 2, 0), ('valid', 2, 1), ('same', 2, 0),
                                             ('same', 3, -1), ('same', 1, 0)])
def test_the_two_transposed_paths_agree(padding, s, extra):
    x, kernel = _tensor(2, 3, 5, 4), _tensor(3, 3, 6, 3)
    weight = conv_core.torch_kernel(kernel)
    size = [conv_utils.deconv_length(n, s, 3, padding, None) + extra for n in (5, 4)]
    one_op = conv_core.conv_transpose(x, weight, None, size, (s, s), padding, (1, 1))
    any_size = conv_core.conv_transpose_to(x, weight, size, (s, s), padding, (1, 1))
    assert list(one_op.shape[2:]) == size
    np.testing.assert_allclose(one_op.numpy(), any_size.numpy(), rtol=1e-5, atol=1e-5)


def test_conv_transpose_to_pads_zeros_past_the_full_result():
    x, kernel = torch.ones(1, 1, 2), torch.ones(2, 1, 1)
    out = conv_core.conv_transpose_to(x, conv_core.torch_kernel(kernel), [6], (2,), 'valid',
                                      (1,))
    assert out.tolist() == [[[1., 1., 1., 1., 0., 0.]]]


def test_pool_same_ignores_the_padded_entries():
    x = torch.arange(1., 6.).reshape(1, 1, 5)
    assert conv_core.pool(x, 'avg', (2,), (2,), 'same').tolist() == [[[1.5, 3.5, 5.]]]
    assert conv_core.pool(-x, 'max', (2,), (2,), 'same').tolist() == [[[-1., -3., -5.]]]


# --------------------------------------------- layers and K share the core
@pytest.mark.parametrize('padding,strides', [('same', 1), ('same', 2), ('valid', 2)])
def test_conv2d_layer_and_k_conv2d_give_the_same_numbers(padding, strides):
    x = _tensor(2, 7, 6, 3)
    layer = layers.Conv2D(4, 3, strides=strides, padding=padding, use_bias=False,
                          data_format='channels_last')
    layer.build(x.shape)
    expected = conv_ops.conv2d(x, layer.kernel, (strides, strides), padding, 'channels_last')
    assert torch.equal(layer.call(x), expected)


@pytest.mark.parametrize('padding', ['valid', 'same'])
def test_pooling_layer_and_k_pool2d_give_the_same_numbers(padding):
    x = _tensor(2, 7, 6, 3)
    for mode, cls in (('max', layers.MaxPooling2D), ('avg', layers.AveragePooling2D)):
        layer = cls(3, strides=2, padding=padding, data_format='channels_last')
        expected = conv_ops.pool2d(x, (3, 3), (2, 2), padding, 'channels_last', mode)
        assert torch.equal(layer.call(x), expected)


def test_k_conv2d_rejects_causal_padding_as_before():
    with pytest.raises(ValueError, match='Invalid padding'):
        conv_ops.conv2d(_tensor(1, 4, 4, 2), _tensor(2, 2, 2, 3), padding='causal')
