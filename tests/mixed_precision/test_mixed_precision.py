"""keras.mixed_precision on CPU: policies, autocast in the loops, loss scaling."""
import numpy as np
import pytest
import torch

import keras
from keras import backend as K
from keras import mixed_precision
from keras.layers import Dense, Layer
from keras.mixed_precision import LossScaleOptimizer, Policy
from keras.models import Sequential


class _RecordDtype(Layer):
    """Passes its input through, remembering the dtype it arrived in."""
    seen = []

    def call(self, x):
        _RecordDtype.seen.append(x.dtype)
        return x

    def compute_output_shape(self, input_shape):
        return input_shape


def _model(optimizer='sgd'):
    model = Sequential([Dense(16, activation='relu', input_shape=(8,)), _RecordDtype(),
                        Dense(3, activation='softmax')])
    model.compile(optimizer, 'categorical_crossentropy', metrics=['accuracy'])
    return model


def _data(n=64):
    rng = np.random.RandomState(0)
    return rng.rand(n, 8).astype('float32'), np.eye(3, dtype='float32')[rng.randint(3, size=n)]


def test_policy_names_and_dtypes():
    p = Policy('mixed_float16')
    assert (p.name, p.compute_dtype, p.variable_dtype) == ('mixed_float16', 'float16', 'float32')
    p = Policy('mixed_bfloat16')
    assert (p.compute_dtype, p.variable_dtype) == ('bfloat16', 'float32')
    assert Policy('float64').compute_dtype == Policy('float64').variable_dtype == 'float64'
    assert Policy.from_config(p.get_config()) == p
    with pytest.raises(ValueError, match='mixed_float16'):
        Policy('mixed_int8')


def test_global_policy_and_experimental_alias():
    assert mixed_precision.global_policy().name == 'float32'
    mixed_precision.set_global_policy('mixed_bfloat16')
    assert mixed_precision.global_policy() == Policy('mixed_bfloat16')
    mixed_precision.experimental.set_policy(Policy('mixed_float16'))
    assert mixed_precision.experimental.global_policy().name == 'mixed_float16'
    mixed_precision.set_global_policy(None)
    assert mixed_precision.global_policy().name == K.floatx()
    from keras.mixed_precision.experimental import LossScaleOptimizer as Legacy
    fixed = Legacy(keras.optimizers.SGD(), loss_scale=128)
    assert not fixed.dynamic and float(fixed.loss_scale) == 128.


def test_mixed_bfloat16_computes_in_bfloat16_with_float32_weights():
    x, y = _data()
    mixed_precision.set_global_policy('mixed_bfloat16')
    model = _model()
    _RecordDtype.seen = []
    hist = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert set(_RecordDtype.seen) == {torch.bfloat16}
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert all(np.isfinite(hist.history['loss']))
    pred = model.predict(x)
    assert pred.dtype == np.float32
    mixed_precision.set_global_policy(None)
    # The layers keep the policy they were built with: still bfloat16 compute.
    np.testing.assert_allclose(model.predict(x), pred, atol=1e-6)
    reference = _model()  # built under float32
    reference.set_weights(model.get_weights())
    _RecordDtype.seen = []
    reference.evaluate(x, y, verbose=0)
    assert set(_RecordDtype.seen) == {torch.float32}
    np.testing.assert_allclose(reference.predict(x), pred, atol=3e-2)  # bfloat16: 8 bits


def test_mixed_float16_on_cpu_trains_with_loss_scaling():
    x, y = _data()
    mixed_precision.set_global_policy('mixed_float16')
    model = _model()
    _RecordDtype.seen = []
    start = [w.copy() for w in model.get_weights()]
    hist = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert set(_RecordDtype.seen) == {torch.float16}
    scaler = model._step_functions._loss_scaler
    assert isinstance(scaler, LossScaleOptimizer)
    assert scaler.inner_optimizer is model.optimizer  # the model keeps its optimizer
    assert float(scaler.loss_scale) == 2. ** 15
    assert np.isfinite(hist.history['loss'][0])
    assert any(not np.allclose(a, b) for a, b in zip(start, model.get_weights()))


def test_loss_scale_optimizer_unscales_skips_and_grows():
    p = torch.nn.Parameter(torch.tensor([1., 2.]))
    opt = LossScaleOptimizer(keras.optimizers.SGD(lr=0.1), initial_scale=8.,
                             dynamic_growth_steps=2)
    grad = torch.tensor([0.5, -1.])
    opt.apply_gradients([p], [grad * 8.])
    np.testing.assert_allclose(p.detach().numpy(), [1. - 0.05, 2. + 0.1], rtol=1e-6)
    opt.apply_gradients([p], [torch.tensor([float('inf'), 1.])])
    np.testing.assert_allclose(p.detach().numpy(), [0.95, 2.1], rtol=1e-6)  # skipped
    assert float(opt.loss_scale) == 4.
    opt.apply_gradients([p], [grad * 4.])
    opt.apply_gradients([p], [grad * 4.])
    assert float(opt.loss_scale) == 8.  # two good steps in a row
    assert int(K.get_value(opt.iterations)) == 3
    loss = torch.tensor(1.5)
    assert float(opt.get_scaled_loss(loss)) == 12.
    assert float(opt.get_unscaled_gradients([torch.tensor(16.), None])[0]) == 2.
    assert opt.get_unscaled_gradients([None]) == [None]


def test_loss_scale_optimizer_forwards_to_the_inner_optimizer():
    inner = keras.optimizers.Adam(lr=0.01)
    opt = LossScaleOptimizer(inner)
    assert opt.lr is inner.lr
    opt.lr = 0.5
    assert float(K.get_value(inner.lr)) == 0.5
    config = opt.get_config()
    assert config['inner_optimizer']['class_name'] == 'Adam'
    clone = LossScaleOptimizer.from_config(config)
    assert isinstance(clone.inner_optimizer, keras.optimizers.Adam)
    assert clone.dynamic_growth_steps == 2000
    with pytest.raises(ValueError, match='initial_scale'):
        LossScaleOptimizer(inner, dynamic=False)


def test_explicit_loss_scale_optimizer_in_compile():
    x, y = _data()
    model = _model(LossScaleOptimizer(keras.optimizers.SGD(lr=0.1), initial_scale=2. ** 10))
    reference = _model(keras.optimizers.SGD(lr=0.1))
    reference.set_weights(model.get_weights())
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    reference.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)  # scaling by 2**10 is exact


@pytest.mark.parametrize('policy', ['mixed_bfloat16', 'mixed_float16'])
def test_fused_lstm_trains_and_predicts_under_cpu_autocast(policy):
    """The fused LSTM kernel gets inputs of one dtype (CPU autocast alone gave
    it mixed ones, which oneDNN refused)."""
    from keras.layers import LSTM, Embedding
    x = np.random.RandomState(0).randint(1, 30, size=(16, 5))
    y = np.random.RandomState(1).randint(2, size=(16, 1))

    def build():
        model = Sequential([Embedding(30, 8, input_length=5), LSTM(4),
                            Dense(1, activation='sigmoid', dtype='float32')])
        model.compile('sgd', 'binary_crossentropy')
        return model
    reference = build()
    mixed_precision.set_global_policy(policy)
    model = build()
    model.set_weights(reference.get_weights())
    expected = reference.predict(x)
    got = model.predict(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=2e-2)
    history = model.fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history.history['loss'][0])
