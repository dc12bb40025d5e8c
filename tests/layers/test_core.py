"""Core layers against NumPy, through layer_test (shapes, configs, weights, files)."""
import copy
import json
import pickle

import numpy as np
import pytest
import torch

import keras
from keras import backend as K
from keras.layers import core
from keras.layers import Dense, Input
from keras.models import Model, Sequential
from keras.utils.safe_mode import safe_mode_scope
from keras.utils.test_utils import layer_test


def test_dense_on_2d_and_nd_input_matches_numpy():
    x = np.random.rand(3, 4, 5).astype('float32')
    out = layer_test(core.Dense, kwargs={'units': 2, 'activation': 'tanh'}, input_data=x)
    assert out.shape == (3, 4, 2)
    layer_test(core.Dense, kwargs={'units': 3, 'use_bias': False,
                                   'kernel_regularizer': 'l1_l2',
                                   'activity_regularizer': 'l2',
                                   'kernel_constraint': 'max_norm'}, input_shape=(2, 4))


def test_dense_config_has_keras_keys():
    config = core.Dense(3).get_config()
    assert list(config) == ['name', 'trainable', 'dtype', 'units', 'activation', 'use_bias',
                            'kernel_initializer', 'bias_initializer', 'kernel_regularizer',
                            'bias_regularizer', 'activity_regularizer', 'kernel_constraint',
                            'bias_constraint']


def test_dense_errors_name_the_layer():
    with pytest.raises(ValueError, match='positive'):
        core.Dense(0)
    with pytest.raises(ValueError, match='dense_.*min_ndim=2'):
        core.Dense(2)(Input(batch_shape=(3,)))


def test_activation_layer():
    x = np.random.randn(2, 3).astype('float32')
    out = layer_test(core.Activation, kwargs={'activation': 'relu'}, input_data=x)
    np.testing.assert_allclose(out, np.maximum(x, 0))


def test_dropout_noise_shape_drops_whole_columns():
    layer = core.Dropout(0.5, noise_shape=(None, 1, 6), seed=3)
    y = layer(torch.ones(4, 5, 6), training=True).numpy()
    # the same units are dropped at every step of a sample
    assert np.all(y == y[:, :1, :])
    layer_test(core.Dropout, kwargs={'rate': 0.5}, input_shape=(3, 2))


@pytest.mark.parametrize('cls, shape, fmt, noise_axes', [
    (core.SpatialDropout1D, (2, 5, 4), None, (1,)),
    (core.SpatialDropout2D, (2, 5, 5, 4), 'channels_last', (1, 2)),
    (core.SpatialDropout2D, (2, 4, 5, 5), 'channels_first', (2, 3)),
    (core.SpatialDropout3D, (2, 3, 3, 3, 4), 'channels_last', (1, 2, 3)),
])
def test_spatial_dropout_drops_whole_feature_maps(cls, shape, fmt, noise_axes):
    kwargs = {'rate': 0.5}
    if fmt:
        kwargs['data_format'] = fmt
    layer = cls(**kwargs)
    y = layer(torch.ones(shape), training=True).numpy()
    for axis in noise_axes:
        assert np.all(y == np.take(y, [0], axis=axis))
    np.testing.assert_array_equal(layer(torch.ones(shape)).numpy(), np.ones(shape))
    layer_test(cls, kwargs=kwargs, input_shape=shape)


@pytest.mark.parametrize('cls, keras1_kwargs, keras2_kwargs', [
    (core.SpatialDropout1D, {'p': 0.3}, {'rate': 0.3}),
    (core.SpatialDropout2D, {'p': 0.4, 'dim_ordering': 'th'},
     {'rate': 0.4, 'data_format': 'channels_first'}),
    (core.SpatialDropout3D, {'p': 0.2, 'dim_ordering': 'tf'},
     {'rate': 0.2, 'data_format': 'channels_last'}),
])
def test_spatial_dropout_accepts_keras1_spellings(cls, keras1_kwargs, keras2_kwargs):
    with pytest.warns(UserWarning, match='`p` -> `rate`'):
        old = cls(name='sd', **keras1_kwargs)
    assert old.get_config() == cls(name='sd', **keras2_kwargs).get_config()
    with pytest.raises(TypeError, match='both'):
        cls(p=0.1, rate=0.1)


def test_flatten_channels_first_orders_like_channels_last():
    x = np.arange(24, dtype='float32').reshape(1, 2, 3, 4)
    out = layer_test(core.Flatten, kwargs={'data_format': 'channels_first'}, input_data=x)
    np.testing.assert_array_equal(out, np.transpose(x, (0, 2, 3, 1)).reshape(1, -1))
    with pytest.raises(ValueError, match='not fully defined'):
        core.Flatten()(Input(shape=(None, 3)))


def test_reshape_with_unknown_dimension_and_errors():
    x = np.arange(24, dtype='float32').reshape(2, 12)
    out = layer_test(core.Reshape, kwargs={'target_shape': (-1, 2, 2)}, input_data=x)
    np.testing.assert_array_equal(out, x.reshape(2, 3, 2, 2))
    with pytest.raises(ValueError, match='total size'):
        core.Reshape((5,))(Input(shape=(12,)))
    with pytest.raises(ValueError, match='one unknown dimension'):
        core.Reshape((-1, -1))(Input(shape=(12,)))


def test_permute_and_errors():
    x = np.random.rand(2, 3, 4).astype('float32')
    out = layer_test(core.Permute, kwargs={'dims': (2, 1)}, input_data=x)
    np.testing.assert_array_equal(out, np.transpose(x, (0, 2, 1)))
    with pytest.raises(ValueError, match='consecutive'):
        core.Permute((0, 1))


def test_repeat_vector():
    x = np.random.rand(2, 3).astype('float32')
    out = layer_test(core.RepeatVector, kwargs={'n': 4}, input_data=x)
    np.testing.assert_array_equal(out, np.repeat(x[:, None, :], 4, axis=1))


def test_masking_zeroes_masked_steps_and_produces_a_mask():
    x = np.random.rand(2, 4, 3).astype('float32')
    x[0, 1] = 0.
    x[1, 3] = 0.
    out = layer_test(core.Masking, kwargs={'mask_value': 0.}, input_data=x)
    np.testing.assert_array_equal(out, x)
    mask = core.Masking().compute_mask(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(mask, [[1, 0, 1, 1], [1, 1, 1, 0]])
    y = core.Masking()(Input(shape=(4, 3)))
    assert y._keras_mask is not None


def test_activity_regularization_adds_the_penalty_in_training():
    model = Sequential([core.ActivityRegularization(l1=0.5, l2=0.25, input_shape=(2,))])
    model.compile('sgd', 'mse')
    x = np.array([[1., -2.]], dtype='float32')
    # mse is 0 (identity layer, target = input); penalty 0.5*3 + 0.25*5
    assert model.test_on_batch(x, x) == pytest.approx(0.5 * 3 + 0.25 * 5)


def test_lambda_layer_with_mask_function_and_config():
    x = np.random.rand(2, 3).astype('float32')
    out = layer_test(core.Lambda, kwargs={'function': K.square, 'output_shape': (3,)},
                     input_data=x)
    np.testing.assert_allclose(out, x ** 2, rtol=1e-6)
    layer = core.Lambda(lambda t: t, mask=lambda inputs, mask: inputs[:, :, 0] > 0)
    assert layer(Input(shape=(3, 2)))._keras_mask is not None


def test_lambda_output_shape_is_inferred_with_unknown_sizes():
    y = core.Lambda(lambda t: torch.cat([t, t], dim=1))(Input(shape=(None, 3)))
    assert y.shape == (None, None, 3)
    y = core.Lambda(lambda t: t.sum(dim=-1))(Input(shape=(5, 3)))
    assert y.shape == (None, 5)


def test_lambda_named_function_round_trips_without_bytecode():
    x = Input(shape=(3,))
    model = Model(x, core.Lambda(K.abs)(x))
    again = keras.models.model_from_json(model.to_json(), safe_mode=False)
    data = -np.ones((1, 3), dtype='float32')
    np.testing.assert_array_equal(again.predict(data), np.ones((1, 3)))


def test_lambda_config_in_memory_rebuilds_in_safe_mode():
    offset = np.float32(0.5)
    layer = core.Lambda(lambda t, k: t * k + offset, output_shape=lambda s: s,
                        arguments={'k': 3.0})
    config = layer.get_config()
    assert config['function_type'] == 'lambda'
    # (the Keras 2 layout: base64 bytecode, defaults, closure values)
    code, defaults, closure = config['function']
    assert isinstance(code, str) and closure == (offset,)
    again = core.Lambda.from_config(config)  # safe mode is on: no error
    x = Input(shape=(2,))
    data = np.array([[1., 2.]], dtype='float32')
    np.testing.assert_allclose(Model(x, again(x)).predict(data), data * 3 + 0.5)
    # a copy of the config is still the process's own
    copied = core.Lambda.from_config(copy.deepcopy(config))
    assert copied.function is layer.function


def test_model_from_config_of_a_live_model_with_a_lambda():
    """keras-rl clones its target network with ``model_from_config(model.get_config())``."""
    x = Input(shape=(4,))
    y = core.Lambda(lambda t: t[:, :1] + t[:, 1:] - K.mean(t[:, 1:], axis=1, keepdims=True),
                    output_shape=(3,))(Dense(4)(x))
    model = Model(x, y)
    clone = keras.models.model_from_config(
        {'class_name': 'Model', 'config': model.get_config()})
    clone.set_weights(model.get_weights())
    data = np.random.RandomState(0).rand(5, 4).astype('float32')
    np.testing.assert_allclose(clone.predict(data), model.predict(data), rtol=1e-6)


@pytest.mark.parametrize('written', ['json', 'pickle', 'json_text'])
def test_lambda_bytecode_written_out_needs_safe_mode_off(written):
    layer = core.Lambda(lambda t: t * 2)
    config = layer.get_config()
    if written == 'json':
        config = json.loads(json.dumps(config))
    elif written == 'pickle':
        config = pickle.loads(pickle.dumps(config))
    else:
        config['function'] = tuple(config['function'])  # the same text, no longer its own
    with pytest.raises(ValueError, match='safe_mode=False'):
        core.Lambda.from_config(config)
    with safe_mode_scope(False):
        again = core.Lambda.from_config(config)
    assert again.function(np.float32(2.)) == 4.


def test_lambda_records_the_dtypes_it_was_called_on():
    layer = core.Lambda(lambda t: t)
    assert layer._input_dtypes is None
    layer(Input(shape=(3,), dtype='float16'))
    assert layer._input_dtypes == 'float16'
    pair = core.Lambda(lambda ts: ts[0] + K.cast(ts[1], 'float32'))
    pair([Input(shape=(3,)), Input(shape=(3,), dtype='int32')])
    assert pair._input_dtypes == ['float32', 'int32']
