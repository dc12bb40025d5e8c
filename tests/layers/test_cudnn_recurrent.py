"""CuDNNLSTM / CuDNNGRU (Keras 2.3.1 weight layout) give LSTM / GRU(reset_after)
numbers once their weights are read as cuDNN reads them."""
import numpy as np
import pytest
import torch

from keras.saving.legacy_weights import convert_rnn_weights
from keras.layers.cudnn_recurrent import CuDNNGRU, CuDNNLSTM
from keras.layers.recurrent import GRU, LSTM
from keras.utils.test_utils import layer_test


def _np_cudnn_to_keras(weights, n_gates):
    """cuDNN reads each gate block of a weight array as a row-major
    ``(units, rows)`` matrix; the Keras layout of that matrix is its transpose."""
    kernel, recurrent, bias = weights
    units = recurrent.shape[0]

    def per_gate(w):
        return np.concatenate([w[:, g * units:(g + 1) * units].reshape(units, -1).T
                               for g in range(n_gates)], axis=1)
    bias = bias.reshape(2, -1)
    bias = bias.sum(0) if n_gates == 4 else bias
    return [per_gate(kernel), per_gate(recurrent), bias]


def _pair(cudnn_cls, keras_layer, **kwargs):
    cudnn = cudnn_cls(4, return_sequences=True, return_state=True, **kwargs)
    cudnn.build((None, 5, 3))
    rng = np.random.RandomState(0)
    cudnn.set_weights([rng.uniform(-.6, .6, w.shape).astype('float32')
                       for w in cudnn.get_weights()])
    keras_layer.build((None, 5, 3))
    return cudnn, keras_layer


@pytest.mark.parametrize('cudnn_cls, make, n_gates', [
    (CuDNNLSTM, lambda **kw: LSTM(4, return_sequences=True, return_state=True, **kw), 4),
    (CuDNNGRU, lambda **kw: GRU(4, reset_after=True, return_sequences=True, return_state=True,
                                **kw), 3),
])
@pytest.mark.parametrize('go_backwards', [False, True])
def test_same_numbers_as_keras_layer(cudnn_cls, make, n_gates, go_backwards):
    cudnn, plain = _pair(cudnn_cls, make(go_backwards=go_backwards), go_backwards=go_backwards)
    weights = cudnn.get_weights()
    plain.set_weights(_np_cudnn_to_keras(weights, n_gates))
    x = torch.as_tensor(np.random.RandomState(1).uniform(-1, 1, (2, 5, 3)).astype('float32'))
    for a, b in zip(cudnn(x), plain(x)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-5)
    # the HDF5 loader's conversion agrees with this reading
    for a, b in zip(convert_rnn_weights(plain, weights), plain.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_weights_config_and_errors():
    lstm = CuDNNLSTM(3, name='c')
    lstm.build((None, 4, 2))
    assert [tuple(w.shape) for w in lstm.weights] == [(2, 12), (3, 12), (24,)]
    assert [w._keras_name for w in lstm.weights] == ['c/kernel:0', 'c/recurrent_kernel:0',
                                                     'c/bias:0']
    np.testing.assert_array_equal(lstm.get_weights()[2], [0] * 15 + [1] * 3 + [0] * 6)
    gru = CuDNNGRU(3)
    gru.build((None, 4, 2))
    assert [tuple(w.shape) for w in gru.weights] == [(2, 9), (3, 9), (18,)]
    keys = ['name', 'trainable', 'dtype', 'return_sequences', 'return_state', 'go_backwards',
            'stateful', 'units', 'kernel_initializer', 'recurrent_initializer',
            'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer',
            'bias_regularizer', 'activity_regularizer', 'kernel_constraint',
            'recurrent_constraint', 'bias_constraint']
    assert list(gru.get_config()) == keys
    assert list(lstm.get_config()) == keys[:11] + ['unit_forget_bias'] + keys[11:]
    with pytest.raises(ValueError, match='Masking is not supported'):
        lstm(torch.zeros(2, 4, 2), mask=torch.ones(2, 4, dtype=torch.bool))


@pytest.mark.parametrize('cls, kwargs', [(CuDNNLSTM, {'units': 3}),
                                         (CuDNNGRU, {'units': 3, 'return_sequences': True})])
def test_layer_test(cls, kwargs):
    layer_test(cls, kwargs=kwargs, input_shape=(2, 4, 3))


def test_stateful_cudnn_carries_state():
    layer = CuDNNGRU(3, stateful=True, batch_input_shape=(2, 4, 3))
    layer.build((2, 4, 3))
    x = torch.rand(2, 4, 3)
    first = layer(x)
    second = layer(x)
    assert not torch.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(layer(x).detach().numpy(), first.detach().numpy(), atol=1e-6)
