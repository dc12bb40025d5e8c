"""Per-layer dtype policies (tf.keras 2.4+ semantics) on CPU."""
import numpy as np
import pytest
import torch

from keras import backend as K
from keras import mixed_precision
from keras.engine.graph import direct_call
from keras.layers import Activation, Dense, Input, Layer
from keras.mixed_precision import Policy
from keras.models import Model, Sequential, model_from_json
from keras.optimizers import Adam

MIXED_BF16 = {'class_name': 'Policy', 'config': {'name': 'mixed_bfloat16'}}


class Probe(Layer):
    """``x @ w`` with an identity ``w``, recording the dtype its input arrived
    in, the dtype of the product and whether autocast was on."""

    def __init__(self, **kwargs):
        super(Probe, self).__init__(**kwargs)
        self.seen = []

    def build(self, input_shape):
        self.w = self.add_weight(name='w', shape=(input_shape[-1], input_shape[-1]),
                                 initializer='identity')
        super(Probe, self).build(input_shape)

    def call(self, x):
        y = K.dot(x, self.w)
        self.seen.append((x.dtype, y.dtype, torch.is_autocast_enabled('cpu')))
        return y

    def compute_output_shape(self, input_shape):
        return input_shape


def _data(n=32, seed=0):
    rng = np.random.RandomState(seed)
    return rng.rand(n, 6).astype('float32'), np.eye(3, dtype='float32')[rng.randint(3, size=n)]


def _pattern_model(last):
    """Built under the global policy: Dense -> Probe -> Dense -> ``last`` (float32)."""
    inputs = Input((6,))
    x = Dense(8, activation='relu')(inputs)
    probe = Probe()
    x = Dense(3)(probe(x))
    out_probe = Probe(dtype='float32')
    outputs = last(out_probe(x))
    return Model(inputs, outputs), probe, out_probe


def test_default_policy_is_floatx_and_config_unchanged():
    layer = Dense(3)
    assert layer.dtype_policy == Policy('float32')
    assert layer.dtype == layer.compute_dtype == layer.variable_dtype == 'float32'
    assert layer.get_config()['dtype'] == 'float32'
    assert Dense(3, dtype='float64').get_config()['dtype'] == 'float64'
    assert Dense(3, dtype=np.float64).dtype == Dense(3, dtype=torch.float64).dtype == 'float64'
    assert Input((2,), dtype='int32')._keras_history[0].dtype == 'int32'
    model = Sequential([Dense(4, input_shape=(3,)), Activation('relu'), Dense(2)])
    model.predict(np.zeros((2, 3), 'float32'))
    assert all(s.run == s.layer.forward for s in model._get_plan().steps)  # nothing wrapped


def test_layers_fix_their_policy_at_construction():
    mixed_precision.set_global_policy('mixed_bfloat16')
    layer = Dense(3)
    plain = Dense(3, dtype='float32')
    half = Dense(3, dtype=Policy('mixed_float16'))
    from_dict = Dense(3, dtype={'class_name': 'Policy', 'config': {'name': 'mixed_float16'}})
    mixed_precision.set_global_policy(None)
    assert layer.dtype_policy.name == 'mixed_bfloat16'  # not changed by the global one
    assert (layer.compute_dtype, layer.variable_dtype, layer.dtype) == \
        ('bfloat16', 'float32', 'float32')
    assert plain.dtype_policy == Policy('float32')
    assert half.compute_dtype == from_dict.compute_dtype == 'float16'
    layer.build((None, 4))
    assert layer.kernel.dtype == layer.bias.dtype == torch.float32
    assert Dense(3, dtype='mixed_bfloat16').dtype_policy.name == 'mixed_bfloat16'
    with pytest.raises(ValueError, match='mixed_float16'):
        Dense(3, dtype='mixed_half')
    with pytest.raises(ValueError, match='floating point'):
        mixed_precision.set_global_policy('int32')


def test_config_round_trips_keep_policies():
    mixed_precision.set_global_policy('mixed_bfloat16')
    layer = Dense(3)
    assert layer.get_config()['dtype'] == MIXED_BF16
    assert Dense(3, dtype='float32').get_config()['dtype'] == 'float32'
    model, _, _ = _pattern_model(Activation('softmax', dtype='float32'))
    json_config = model.to_json()
    mixed_precision.set_global_policy(None)
    assert Dense.from_config(layer.get_config()).dtype_policy.name == 'mixed_bfloat16'
    assert Dense.from_config(dict(layer.get_config(), dtype='float64')).dtype == 'float64'
    older = {'class_name': 'PolicyV1', 'config': {'name': 'mixed_float16', 'loss_scale': None}}
    assert Dense(3, dtype=older).dtype_policy.name == 'mixed_float16'  # tf.keras 2.1-2.3
    keras3 = {'module': 'keras', 'class_name': 'DTypePolicy', 'registered_name': None,
              'config': {'name': 'float32'}}
    assert Dense(3, dtype=keras3).dtype_policy == Policy('float32')
    clone = model_from_json(json_config, custom_objects={'Probe': Probe})
    assert [l.dtype_policy.name for l in clone.layers[1:]] == \
        ['mixed_bfloat16'] * 3 + ['float32'] * 2


@pytest.mark.parametrize('policy, half', [('mixed_bfloat16', torch.bfloat16),
                                          ('mixed_float16', torch.float16)])
def test_float32_output_layer_computes_in_float32(policy, half):
    x, y = _data()
    mixed_precision.set_global_policy(policy)
    model, probe, out_probe = _pattern_model(Activation('softmax', dtype='float32'))
    del probe.seen[:], out_probe.seen[:]  # (the call run once on placeholders at build)
    model.compile('adam', 'categorical_crossentropy')
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert set(probe.seen) == {(half, half, True)}  # after a mixed Dense: 16-bit
    assert set(out_probe.seen) == {(torch.float32, torch.float32, False)}
    assert model.predict(x).dtype == np.float32
    assert model(torch.as_tensor(x)).dtype == torch.float32
    steps = model._get_plan().steps
    wrapped = [s.layer.name for s in steps if s.run != direct_call(s.layer)]
    assert wrapped == [out_probe.name, model.layers[-1].name]  # only the float32 layers


def test_dense_float32_last_layer_gives_float32_outputs():
    mixed_precision.set_global_policy('mixed_bfloat16')
    inputs = Input((6,))
    hidden = Dense(8, activation='relu')(inputs)
    last = Dense(3, dtype='float32')
    outputs = last(hidden)
    model = Model(inputs, outputs)
    seen = []
    last.register_forward_hook(lambda m, i, o: seen.append((i[0].dtype, o.dtype)))
    model.predict(_data()[0])
    assert seen and set(seen) == {(torch.float32, torch.float32)}
    mixed_precision.set_global_policy(None)
    seen[:] = []
    model.predict(_data()[0])  # the plan is rebuilt for the new global policy
    assert set(seen) == {(torch.float32, torch.float32)}


def test_mixed_layer_inside_a_float32_model():
    x, y = _data()
    mixed = Probe(dtype='mixed_bfloat16')
    after = Probe()
    model = Sequential([Dense(6, input_shape=(6,)), mixed, after, Dense(3, activation='softmax')])
    del mixed.seen[:], after.seen[:]  # (the calls run once on placeholders at build)
    model.compile('sgd', 'categorical_crossentropy')
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert set(mixed.seen) == {(torch.float32, torch.bfloat16, True)}
    assert set(after.seen) == {(torch.float32, torch.float32, False)}
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model._step_functions._loss_scaler is None


def test_eager_calls_switch_autocast():
    mixed = Probe(dtype='mixed_bfloat16')
    out = mixed(torch.ones(2, 3))
    assert mixed.seen == [(torch.float32, torch.bfloat16, True)]
    assert out.dtype == torch.float32  # back to the dtype it arrived in
    plain = Probe()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        plain(torch.ones(2, 3, dtype=torch.bfloat16))
    assert plain.seen == [(torch.float32, torch.float32, False)]


def test_float32_base_model_inside_a_mixed_model():
    base_in = Input((6,))
    base = Model(base_in, Probe()(base_in))  # built under float32
    probe = base.layers[-1]
    mixed_precision.set_global_policy('mixed_bfloat16')
    inputs = Input((6,))
    model = Model(inputs, Dense(3, dtype='float32')(base(Dense(6)(inputs))))
    model.predict(_data()[0])
    assert set(probe.seen) == {(torch.float32, torch.float32, False)}


def test_training_under_mixed_bfloat16_lowers_the_loss():
    x = _data(128)[0]
    y = np.eye(3, dtype='float32')[x[:, :3].argmax(axis=1)]  # learnable labels
    mixed_precision.set_global_policy('mixed_bfloat16')
    model = Sequential([Dense(16, activation='relu', input_shape=(6,)),
                        Dense(3), Activation('softmax', dtype='float32')])
    model.compile(Adam(lr=0.02), 'categorical_crossentropy')
    history = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < 0.8 * losses[0]
    assert all(w.dtype == np.float32 for w in model.get_weights())
