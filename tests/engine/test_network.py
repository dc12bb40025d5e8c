"""Functional models and Sequential: graphs, plans, nesting, configs, summary."""
import json

import numpy as np
import pytest
import torch

import keras
from keras import backend as K
from keras.layers import Activation, Dense, Dropout, Input, Lambda
from keras.models import Model, Sequential, model_from_json, model_from_yaml


def _mlp():
    inputs = Input(shape=(6,))
    x = Dense(8, activation='relu')(inputs)
    return Model(inputs=inputs, outputs=Dense(3, activation='softmax')(x))


def test_functional_predict_matches_numpy():
    model = _mlp()
    x = np.random.rand(5, 6).astype('float32')
    k1, b1, k2, b2 = model.get_weights()
    h = np.maximum(x.dot(k1) + b1, 0).dot(k2) + b2
    expected = np.exp(h) / np.exp(h).sum(-1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, batch_size=2), expected, rtol=1e-5, atol=1e-6)


def test_train_sets_every_module_mode_even_when_the_model_already_has_it():
    model = Sequential([Dense(4, input_shape=(3,)), Dropout(0.5), Dense(2)])
    model.train(False)
    assert not any(m.training for m in model.modules())
    model.layers[1].train(True)  # a sub-layer out of step with the model
    assert model.train(False) is model
    assert not any(m.training for m in model.modules())
    model.train(True)
    assert all(m.training for m in model.modules())
    with pytest.raises(ValueError, match='boolean'):
        model.train(1)


def test_layers_order_names_and_get_layer():
    model = _mlp()
    assert [l.name for l in model.layers] == ['input_1', 'dense_1', 'dense_2']
    assert model.get_layer('dense_2') is model.layers[2]
    assert model.get_layer(index=1) is model.layers[1]
    with pytest.raises(ValueError, match='No such layer: nope'):
        model.get_layer('nope')


def test_multi_input_multi_output_and_dict_inputs():
    a = Input(shape=(3,), name='a')
    b = Input(shape=(2,), name='b')
    merged = Lambda(lambda t: torch.cat(t, dim=-1))([a, b])
    out1 = Dense(1, name='o1')(merged)
    out2 = Dense(2, name='o2')(a)
    model = Model(inputs=[a, b], outputs=[out1, out2])
    xa, xb = np.random.rand(4, 3), np.random.rand(4, 2)
    p1, p2 = model.predict([xa, xb])
    q1, q2 = model.predict({'a': xa, 'b': xb})
    assert p1.shape == (4, 1) and p2.shape == (4, 2)
    np.testing.assert_allclose(p1, q1)
    np.testing.assert_allclose(p2, q2)
    assert model.input_names == ['a', 'b'] and model.output_names == ['o1', 'o2']


def test_shared_layer_weights_are_shared():
    a, b = Input(shape=(4,)), Input(shape=(4,))
    shared = Dense(2)
    model = Model([a, b], [shared(a), shared(b)])
    x = np.random.rand(3, 4)
    y1, y2 = model.predict([x, x])
    np.testing.assert_allclose(y1, y2)
    assert len(model.weights) == 2


def test_model_called_like_a_layer_shares_weights():
    inner = _mlp()
    x = Input(shape=(6,))
    y = inner(x)
    outer = Model(x, y)
    data = np.random.rand(2, 6)
    np.testing.assert_allclose(outer.predict(data), inner.predict(data), rtol=1e-6)
    assert outer.count_params() == inner.count_params()


def test_graph_disconnected_error():
    a, b = Input(shape=(2,)), Input(shape=(2,))
    y = Dense(1)(Lambda(lambda t: t[0] + t[1])([a, b]))
    with pytest.raises(ValueError, match='Graph disconnected'):
        Model(a, y)


def test_duplicate_layer_names_error():
    x = Input(shape=(2,))
    y = Dense(2, name='same')(Dense(2, name='same')(x))
    with pytest.raises(ValueError, match='"same" is used 2 times'):
        Model(x, y)


def test_keras1_model_input_output_keywords():
    x = Input(shape=(2,))
    y = Dense(1)(x)
    with pytest.warns(UserWarning, match='`input` -> `inputs`'):
        model = Model(input=x, output=y)
    assert model.inputs == [x]


def test_config_round_trip_json_and_yaml_give_same_numbers():
    model = _mlp()
    data = np.random.rand(3, 6)
    for rebuilt in (Model.from_config(model.get_config()),
                    model_from_json(model.to_json()),
                    model_from_yaml(model.to_yaml())):
        rebuilt.set_weights(model.get_weights())
        np.testing.assert_allclose(rebuilt.predict(data), model.predict(data), rtol=1e-6)
    spec = json.loads(model.to_json())
    assert spec['class_name'] == 'Model' and spec['keras_version'] == '2.3.1'
    assert spec['config']['layers'][1]['inbound_nodes'] == [[['input_1', 0, 0, {}]]]


def test_nested_model_config_uses_node_index_one():
    inner = Sequential([Dense(4, input_shape=(3,)), Dense(2)], name='inner')
    x = Input(shape=(3,))
    outer = Model(x, Dense(1)(inner(x)))
    config = outer.get_config()
    assert config['layers'][2]['inbound_nodes'] == [[['inner', 1, 0, {}]]]
    again = Model.from_config(config)
    again.set_weights(outer.get_weights())
    data = np.random.rand(2, 3)
    np.testing.assert_allclose(again.predict(data), outer.predict(data), rtol=1e-6)


def test_sequential_ways_to_give_the_input_shape():
    for first in (Dense(32, input_shape=(784,)), Dense(32, input_dim=784),
                  Dense(32, batch_input_shape=(None, 784))):
        model = Sequential()
        model.add(first)
        assert model.output_shape == (None, 32)
        assert model.inputs[0].shape == (None, 784)
    model = Sequential([Dense(4, batch_size=8, input_shape=(6, 3))])
    assert model.inputs[0].shape == (8, 6, 3)


def test_sequential_deferred_build_and_pop():
    model = Sequential()
    model.add(Dense(4))
    model.add(Dense(2))
    assert not model.built
    out = model.predict(np.random.rand(3, 5))
    assert out.shape == (3, 2) and model.built
    assert model.layers[0].get_weights()[0].shape == (5, 4)
    model.pop()
    assert model.output_shape == (None, 4)
    assert len(model.layers) == 1


def test_sequential_config_round_trip_and_layers_exclude_input():
    model = Sequential([Dense(3, input_shape=(2,)), Activation('relu'), Dense(1)])
    assert [l.__class__.__name__ for l in model.layers] == ['Dense', 'Activation', 'Dense']
    config = model.get_config()
    assert config['layers'][0]['config']['batch_input_shape'] == (None, 2)
    again = Sequential.from_config(config)
    again.set_weights(model.get_weights())
    x = np.random.rand(4, 2)
    np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-6)
    # Keras 2.0-2.2 wrote the list of layers directly
    legacy = Sequential.from_config(config['layers'])
    assert len(legacy.layers) == 3


def test_summary_table_matches_keras_format(capsys):
    model = Sequential([Dense(32, input_shape=(784,)), Activation('relu'), Dense(10)])
    model.summary()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'Model: "sequential_1"'
    assert out[1] == '_' * 65
    assert out[2].rstrip() == 'Layer (type)                 Output Shape              Param #'
    assert out[4].rstrip() == 'dense_1 (Dense)              (None, 32)                25120'
    assert 'Total params: 25,450' in out
    assert 'Non-trainable params: 0' in out


def test_summary_functional_has_connected_to_column(capsys):
    a, b = Input(shape=(3,), name='a'), Input(shape=(3,), name='b')
    shared = Dense(2, name='shared')
    Model([a, b], [shared(a), shared(b)]).summary()
    out = capsys.readouterr().out
    assert 'Connected to' in out and 'a[0][0]' in out and 'b[0][0]' in out


def test_backend_ops_on_symbolic_tensors_become_graph_layers():
    x = Input(shape=(4,))
    y = K.mean(Dense(3)(x), axis=-1, keepdims=True) * 2 + 1
    assert y.shape == (None, 1)
    model = Model(x, y)
    data = np.random.rand(2, 4).astype('float32')
    k, b = model.layers[1].get_weights()
    expected = (data.dot(k) + b).mean(-1, keepdims=True) * 2 + 1
    np.testing.assert_allclose(model.predict(data), expected, rtol=1e-5)


def test_k_function_gives_intermediate_outputs():
    model = _mlp()
    get_hidden = K.function([model.input], [model.layers[1].output])
    data = np.random.rand(2, 6).astype('float32')
    k, b = model.layers[1].get_weights()
    np.testing.assert_allclose(get_hidden([data])[0], np.maximum(data.dot(k) + b, 0),
                               rtol=1e-5)


def test_predict_input_shape_errors_are_keras_messages():
    model = _mlp()
    with pytest.raises(ValueError, match='expected input_1 to have shape \\(6,\\) but got array '
                                         'with shape \\(5,\\)'):
        model.predict(np.zeros((2, 5)))
    with pytest.raises(ValueError, match='to have 2 dimensions'):
        model.predict(np.zeros((2, 6, 1)))


def test_lambda_with_arguments_and_output_shape():
    x = Input(shape=(4,))
    y = Lambda(lambda t, k: t[:, :k], output_shape=(2,), arguments={'k': 2})(x)
    assert y.shape == (None, 2)
    out = Model(x, y).predict(np.arange(8.).reshape(2, 4))
    np.testing.assert_array_equal(out, [[0, 1], [4, 5]])


def test_lambda_bytecode_refused_in_safe_mode():
    x = Input(shape=(2,))
    model = Model(x, Lambda(lambda t: t * 3)(x))
    with pytest.raises(ValueError, match='safe_mode=False'):
        model_from_json(model.to_json())
    again = model_from_json(model.to_json(), safe_mode=False)
    np.testing.assert_allclose(again.predict(np.ones((1, 2))), [[3., 3.]])


def test_model_is_a_torch_module():
    model = _mlp()
    assert isinstance(model, torch.nn.Module)
    assert len(list(model.parameters())) == 4
    out = model(torch.ones(2, 6))
    assert tuple(out.shape) == (2, 3)


def test_dropout_inactive_in_predict():
    model = Sequential([Dropout(0.9, input_shape=(100,))])
    x = np.ones((4, 100), dtype='float32')
    np.testing.assert_array_equal(model.predict(x), x)


def test_torch_forward_hooks_on_layers_run_inside_models():
    model = _mlp()
    model.predict(np.random.rand(2, 6))  # plan built before the hook exists
    seen = []
    model.layers[1].register_forward_hook(lambda module, inputs, output: seen.append(output.shape))
    model.predict(np.random.rand(3, 6))
    assert seen and tuple(seen[0]) == (3, 8)
