"""LossScaleOptimizer configs (tf.keras 2.4+ and 2.3 spellings) and model files."""
import os

import numpy as np
import pytest
import torch

import keras
from keras import mixed_precision
from keras.layers import Activation, Dense
from keras.mixed_precision import LossScaleOptimizer
from keras.models import Sequential, load_model


def _adam_config(lr=0.01):
    return {'class_name': 'Adam', 'config': {'learning_rate': lr, 'beta_1': 0.9,
                                             'beta_2': 0.999, 'epsilon': 1e-7}}


def test_get_config_is_tf_keras_format_and_round_trips():
    opt = LossScaleOptimizer(keras.optimizers.Adam(lr=0.01), dynamic=False, initial_scale=64)
    config = opt.get_config()
    assert sorted(config) == ['dynamic', 'dynamic_growth_steps', 'initial_scale',
                              'inner_optimizer']
    assert config['inner_optimizer']['class_name'] == 'Adam'
    assert (config['dynamic'], config['initial_scale']) == (False, 64.)
    serialized = keras.optimizers.serialize(opt)
    assert serialized['class_name'] == 'LossScaleOptimizer'
    for clone in (keras.optimizers.deserialize(serialized), keras.optimizers.get(serialized),
                  LossScaleOptimizer.from_config(config)):
        assert isinstance(clone, LossScaleOptimizer)
        assert isinstance(clone.inner_optimizer, keras.optimizers.Adam)
        assert clone.get_config() == config
    clone = keras.optimizers.get({'class_name': 'LossScaleOptimizerV1',
                                  'config': {'inner_optimizer': _adam_config(0.5),
                                             'dynamic': True, 'initial_scale': 8.,
                                             'dynamic_growth_steps': 10}})
    assert clone.dynamic and float(clone.loss_scale) == 8. and clone.dynamic_growth_steps == 10
    np.testing.assert_allclose(float(keras.backend.get_value(clone.lr)), 0.5, rtol=1e-6)


@pytest.mark.parametrize('loss_scale, dynamic, scale, growth', [
    ('dynamic', True, 2. ** 15, 2000),
    (128, False, 128., 2000),
    ({'class_name': 'FixedLossScale', 'config': {'loss_scale_value': 32.}}, False, 32., 2000),
    ({'class_name': 'DynamicLossScale',
      'config': {'initial_loss_scale': 256., 'increment_period': 100, 'multiplier': 2.}},
     True, 256., 100),
])
def test_tf_keras_2_3_config_spelling(loss_scale, dynamic, scale, growth):
    opt = keras.optimizers.deserialize({'class_name': 'LossScaleOptimizer', 'config': {
        'optimizer': _adam_config(), 'loss_scale': loss_scale}})
    assert isinstance(opt.inner_optimizer, keras.optimizers.Adam)
    assert (opt.dynamic, float(opt.loss_scale), opt.dynamic_growth_steps) == \
        (dynamic, scale, growth)


def test_tf_keras_2_3_dynamic_multiplier_must_be_two():
    with pytest.raises(ValueError, match='multiplier'):
        LossScaleOptimizer.from_config({'optimizer': _adam_config(), 'loss_scale': {
            'class_name': 'DynamicLossScale',
            'config': {'initial_loss_scale': 2., 'increment_period': 1, 'multiplier': 4.}}})


def _data(n=32):
    rng = np.random.RandomState(0)
    return rng.rand(n, 4).astype('float32'), rng.rand(n, 2).astype('float32')


def test_save_and_load_a_model_with_a_loss_scale_optimizer(tmp_path):
    x, y = _data()
    model = Sequential([Dense(8, activation='relu', input_shape=(4,)), Dense(2)])
    model.compile(LossScaleOptimizer(keras.optimizers.Adam(lr=0.01), initial_scale=2. ** 10,
                                     dynamic_growth_steps=50), 'mse')
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    path = os.path.join(str(tmp_path), 'model.h5')
    model.save(path)
    loaded = load_model(path)
    opt = loaded.optimizer
    assert isinstance(opt, LossScaleOptimizer)
    assert isinstance(opt.inner_optimizer, keras.optimizers.Adam)
    assert opt.get_config() == model.optimizer.get_config()
    saved_state = model.optimizer.get_weights()
    assert len(saved_state) > 1 and int(saved_state[0]) == 4  # iterations
    for a, b in zip(saved_state, opt.get_weights()):
        np.testing.assert_array_equal(a, b)
    # The next step continues from the restored state: same update as the original.
    model.train_on_batch(x[:8], y[:8])
    loaded.train_on_batch(x[:8], y[:8])
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_mixed_float16_model_file_keeps_policies_and_loss_scaling(tmp_path):
    x, y = _data()
    mixed_precision.set_global_policy('mixed_float16')
    model = Sequential([Dense(8, activation='relu', input_shape=(4,)), Dense(2),
                        Activation('linear', dtype='float32')])
    model.compile(keras.optimizers.SGD(lr=0.05), 'mse')
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    path = os.path.join(str(tmp_path), 'mixed.h5')
    model.save(path)
    mixed_precision.set_global_policy(None)
    loaded = load_model(path)
    assert [l.dtype_policy.name for l in loaded.layers] == \
        ['mixed_float16', 'mixed_float16', 'float32']
    assert all(w.dtype == torch.float32 for w in loaded.weights)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), atol=1e-6)
    loaded.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert isinstance(loaded._step_functions._loss_scaler, LossScaleOptimizer)
