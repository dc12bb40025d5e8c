"""tf.keras 2.13-2.15 ``.keras`` archives: files laid out as tf.keras writes them
load (architecture, weights, compile settings, optimizer state), and our own
``model.save('x.keras')`` writes that layout and reads it back."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import keras
from keras import layers as L
from keras.models import Model, Sequential, load_model
from keras.saving.keras_zip import variables as zip_variables
from tests.saving.keras_zip_files import (adam_compile_config, arrays, batch_norm, dense,
                                          input_layer, lstm, obj, weights_h5,
                                          write_keras_file)


def _relu(x):
    return np.maximum(x, 0)


def _archive(path):
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read('config.json'))
        names = zf.namelist()
        with h5py.File(io.BytesIO(zf.read('model.weights.h5')), 'r') as f:
            paths = _dataset_paths(f)
    return names, config, paths


def _dataset_paths(group, prefix=''):
    """Every dataset path, hard links included (``visititems`` lists one name each)."""
    out = []
    for key, item in group.items():
        if isinstance(item, h5py.Dataset):
            out.append(prefix + key)
        else:
            out += _dataset_paths(item, prefix + key + '/')
    return out


# --------------------------------------------------------- files from tf.keras
def _tf_sequential_file(tmp_path, rng):
    (w0, b0, gamma, beta, mean, w1, b1) = arrays(rng, (3, 4), (4,), (4,), (4,), (4,), (4, 2),
                                                 (2,))
    var = np.abs(arrays(rng, (4,))[0]) + 0.5
    layers = [input_layer('dense_input', (3,)), dense('dense', 4, 'relu'),
              batch_norm('batch_normalization'), dense('dense_1', 2)]
    config = obj('keras', 'Sequential', {'name': 'sequential', 'layers': layers},
                 build_config={'input_shape': [None, 3]},
                 compile_config=adam_compile_config('mse', ['accuracy']))
    trainable = [w0, b0, gamma, beta, w1, b1]
    slots = arrays(rng, *[a.shape for a in trainable for _ in range(2)])
    weights = {'layers/dense': [w0, b0], 'layers/batch_normalization': [gamma, beta, mean, var],
               'layers/dense_1': [w1, b1], 'optimizer': [np.int64(5)] + slots,
               'metrics/mean': [np.float32(3.), np.float32(2.)]}
    path = write_keras_file(str(tmp_path / 'seq.keras'), config, weights)

    def reference(x):
        h = _relu(x @ w0 + b0)
        h = gamma * (h - mean) / np.sqrt(var + 1e-3) + beta
        return h @ w1 + b1
    return path, reference, slots


def test_tf_keras_sequential_file_loads_with_weights_and_compile_settings(tmp_path):
    rng = np.random.default_rng(0)
    path, reference, slots = _tf_sequential_file(tmp_path, rng)
    model = load_model(path)
    assert isinstance(model, Sequential)
    assert [l.name for l in model.layers] == ['dense', 'batch_normalization', 'dense_1']
    x = rng.standard_normal((5, 3)).astype('float32')
    np.testing.assert_allclose(model.predict(x), reference(x), rtol=1e-5, atol=1e-5)
    assert model.loss == 'mse'
    assert type(model.optimizer).__name__ == 'Adam'
    assert np.isclose(keras.backend.get_value(model.optimizer.learning_rate), 0.01)
    # tf.keras keeps m_k, v_k per weight; Keras 2 order is [iterations] + all m + all v.
    state = model.optimizer.get_weights()
    assert int(state[0]) == 5
    for k in range(6):
        np.testing.assert_array_equal(state[1 + k], slots[2 * k])
        np.testing.assert_array_equal(state[7 + k], slots[2 * k + 1])
    model.fit(x, reference(x), epochs=1, verbose=0)


def test_uncompiled_load_ignores_compile_config(tmp_path):
    path, reference, _ = _tf_sequential_file(tmp_path, np.random.default_rng(1))
    model = load_model(path, compile=False)
    assert getattr(model, 'optimizer', None) is None
    x = np.ones((2, 3), 'float32')
    np.testing.assert_allclose(model.predict(x), reference(x), rtol=1e-5, atol=1e-5)


def test_tf_keras_functional_file_with_nested_sequential(tmp_path):
    rng = np.random.default_rng(2)
    wa, ba, wb, bb, wo, bo = arrays(rng, (2, 3), (3,), (3, 3), (3,), (5, 1), (1,))
    inner = obj('keras', 'Sequential', {'name': 'sequential', 'layers': [
        input_layer('dense_in', (2,)), dense('inner_dense', 3, 'tanh'),
        dense('inner_dense_2', 3)]}, build_config={'input_shape': [None, 2]},
        name='sequential', inbound_nodes=[[['in_a', 0, 0, {}]]])
    concat = obj('keras.layers', 'Concatenate',
                 {'name': 'concatenate', 'trainable': True, 'dtype': 'float32', 'axis': -1},
                 name='concatenate',
                 inbound_nodes=[[['sequential', 1, 0, {}], ['in_b', 0, 0, {}]]])
    layers = [dict(input_layer('in_a', (2,)), name='in_a', inbound_nodes=[]),
              dict(input_layer('in_b', (2,)), name='in_b', inbound_nodes=[]),
              inner, concat,
              dict(dense('out', 1, 'sigmoid'), name='out',
                   inbound_nodes=[[['concatenate', 0, 0, {}]]])]
    config = obj('keras.src.engine.functional', 'Functional', {
        'name': 'model', 'layers': layers, 'input_layers': [['in_a', 0, 0], ['in_b', 0, 0]],
        'output_layers': [['out', 0, 0]]}, registered_name='Functional',
        compile_config=adam_compile_config(obj('builtins', 'function', 'binary_crossentropy',
                                               registered_name='function')))
    weights = {'layers/sequential/layers/dense': [wa, ba],
               'layers/sequential/layers/dense_1': [wb, bb], 'layers/dense': [wo, bo]}
    model = load_model(write_keras_file(str(tmp_path / 'f.keras'), config, weights))
    xa, xb = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    h = np.tanh(xa @ wa + ba) @ wb + bb
    expected = 1 / (1 + np.exp(-(np.concatenate([h, xb], 1) @ wo + bo)))
    out = model.predict([xa.astype('float32'), xb.astype('float32')])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert model.loss == 'binary_crossentropy'


def test_tf_keras_recurrent_and_wrapper_paths(tmp_path):
    rng = np.random.default_rng(3)
    cell = lambda: arrays(rng, (2, 12), (3, 12), (12,))  # noqa: E731
    lstm_w, fw, bw = cell(), cell(), cell()
    td_w = arrays(rng, (6, 2), (2,))
    bidi = obj('keras.layers', 'Bidirectional', {
        'name': 'bidirectional', 'trainable': True, 'dtype': 'float32',
        'layer': lstm('lstm_1', 3, return_sequences=True), 'merge_mode': 'concat'})
    td = obj('keras.layers', 'TimeDistributed', {'name': 'time_distributed', 'trainable': True,
                                                  'dtype': 'float32', 'layer': dense('d', 2)})
    config = obj('keras', 'Sequential', {'name': 'sequential', 'layers': [
        input_layer('in', (4, 2)), lstm('lstm', 3, return_sequences=True),
        dense('proj', 2), bidi, td]})
    proj = arrays(rng, (3, 2), (2,))
    weights = {'layers/lstm/cell': lstm_w, 'layers/dense': proj,
               'layers/bidirectional/forward_layer/cell': fw,
               'layers/bidirectional/backward_layer/cell': bw,
               'layers/time_distributed/layer': td_w}
    model = load_model(write_keras_file(str(tmp_path / 'r.keras'), config, weights),
                       compile=False)
    reference = Sequential([L.LSTM(3, return_sequences=True, input_shape=(4, 2)), L.Dense(2),
                            L.Bidirectional(L.LSTM(3, return_sequences=True)),
                            L.TimeDistributed(L.Dense(2))])
    reference.set_weights(lstm_w + proj + fw + bw + td_w)
    x = rng.standard_normal((3, 4, 2)).astype('float32')
    np.testing.assert_allclose(model.predict(x), reference.predict(x), rtol=1e-5, atol=1e-5)


def test_weights_h5_in_tf_keras_layout(tmp_path):
    rng = np.random.default_rng(4)
    w0, b0, w1, b1 = arrays(rng, (3, 4), (4,), (4, 2), (2,))
    path = tmp_path / 'm.weights.h5'
    path.write_bytes(weights_h5({'layers/dense': [w0, b0], 'layers/dense_1': [w1, b1]}))
    model = Sequential([L.Dense(4, input_shape=(3,)), L.Dense(2)])
    model.load_weights(str(path))
    np.testing.assert_array_equal(model.layers[1].get_weights()[0], w1)
    with pytest.raises(ValueError, match='by_name'):
        model.load_weights(str(path), by_name=True)
    small = Sequential([L.Dense(4, input_shape=(3,)), L.Dense(3)])
    before = small.get_weights()
    with pytest.raises(ValueError, match=r'dense_\d+.*shape \(4, 3\).*\(4, 2\).*layers/dense_1'):
        small.load_weights(str(path))
    for a, b in zip(before, small.get_weights()):  # nothing assigned
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------- our own saves
def _trained_functional():
    inp = L.Input((3,), name='x')
    inner = Sequential([L.Dense(4, activation='relu', input_shape=(3,)), L.Dense(4)],
                       name='inner')
    h = L.BatchNormalization()(inner(inp))
    out = L.Dense(2, activation='softmax')(L.Dropout(0.1)(h))
    model = Model(inp, out)
    model.compile(keras.optimizers.Adam(0.01), 'categorical_crossentropy', metrics=['acc'])
    x = np.random.rand(16, 3).astype('float32')
    y = keras.utils.to_categorical(np.random.randint(0, 2, 16), 2)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model, x


def test_save_writes_the_tf_keras_layout(tmp_path):
    model, _ = _trained_functional()
    path = str(tmp_path / 'm.keras')
    model.save(path)
    names, config, paths = _archive(path)
    assert names == ['metadata.json', 'config.json', 'model.weights.h5']
    with zipfile.ZipFile(path) as zf:
        assert set(json.loads(zf.read('metadata.json'))) == {'keras_version', 'date_saved'}
    assert set(config) >= {'module', 'class_name', 'config', 'registered_name',
                           'compile_config'}
    assert (config['module'], config['class_name']) == ('keras', 'Model')
    layer_entries = config['config']['layers']
    assert all(set(e) >= {'module', 'class_name', 'config', 'registered_name', 'name',
                          'inbound_nodes'} for e in layer_entries)
    dense_cfg = [e for e in layer_entries if e['class_name'] == 'Dense'][0]['config']
    assert dense_cfg['kernel_initializer']['module'] == 'keras.initializers'
    compile_config = config['compile_config']
    assert compile_config['optimizer']['module'] == 'keras.optimizers'  # Adam: same numbers
    assert compile_config['loss'] == 'categorical_crossentropy'
    n_trainable = len(model.trainable_weights)
    expected = {'layers/sequential/layers/dense/vars/0', 'layers/sequential/layers/dense_1/vars/1',
                'layers/batch_normalization/vars/3', 'layers/dense/vars/1',
                'optimizer/vars/0', 'optimizer/vars/%d' % (2 * n_trainable)}
    assert expected <= set(paths)
    assert not any(p.startswith('layers/input_layer/vars/') for p in paths)


def test_older_tf_keras_names_are_hard_links(tmp_path):
    """tf.keras 2.13/2.14 look for a model's layers under
    ``_layer_checkpoint_dependencies`` (2.13 counting each weighted layer twice):
    the same groups are linked there, not copied."""
    model = Sequential([L.Dense(3, input_shape=(2,)), L.Dropout(0.1), L.Dense(1)])
    path = str(tmp_path / 'm.keras')
    model.save(path)
    with zipfile.ZipFile(path) as zf, \
            h5py.File(io.BytesIO(zf.read('model.weights.h5')), 'r') as f:
        old = f['_layer_checkpoint_dependencies']
        assert old['dense'] == f['layers/dense']
        assert old['dense_1'] == f['layers/dense_1']  # 2.14's name
        assert old['dense_2'] == f['layers/dense_1']  # 2.13's name
        assert old['dropout'] == f['layers/dropout']
        assert f['layers/dense_1/vars/0'].shape == (3, 1)


def test_round_trip_keeps_predictions_and_optimizer_state(tmp_path):
    model, x = _trained_functional()
    path = str(tmp_path / 'm.keras')
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6, atol=1e-6)
    for a, b in zip(model.optimizer.get_weights(), loaded.optimizer.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert loaded.loss == 'categorical_crossentropy'
    fresh = Model.from_config(model.get_config())
    fresh.load_weights(path)  # load_weights reads a .keras archive too
    np.testing.assert_allclose(fresh.predict(x), model.predict(x), rtol=1e-6, atol=1e-6)


def test_save_format_keras_and_sequential_rnn_round_trip(tmp_path):
    model = Sequential([L.Embedding(10, 4, input_length=5), L.Bidirectional(L.GRU(3)),
                        L.Dense(1)])
    model.compile('sgd', 'mse')
    x = np.random.randint(0, 10, (6, 5))
    model.fit(x, np.random.rand(6, 1), verbose=0)
    path = str(tmp_path / 'model.bin')
    keras.models.save_model(model, path, save_format='keras')
    assert zipfile.is_zipfile(path)
    _, config, paths = _archive(path)
    assert config['build_config'] == {'input_shape': [None, 5]}
    assert 'layers/bidirectional/forward_layer/cell/vars/0' in paths
    assert 'layers/embedding/vars/0' in paths
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6, atol=1e-6)


def test_save_is_atomic(tmp_path, monkeypatch):
    model = Sequential([L.Dense(2, input_shape=(3,))])
    path = str(tmp_path / 'm.keras')
    model.save(path)
    before = open(path, 'rb').read()

    def broken(h5, model):
        raise RuntimeError('disk full')
    monkeypatch.setattr(zip_variables, 'write_layers', broken)
    with pytest.raises(RuntimeError):
        model.save(path)
    assert open(path, 'rb').read() == before
    assert os.listdir(str(tmp_path)) == ['m.keras']


# ------------------------------------------------------------------- refusals
def test_unknown_class_is_refused_with_unknown_layer(tmp_path):
    config = obj('keras', 'Sequential', {'name': 's', 'layers': [
        input_layer('in', (3,)), obj('my_package.layers', 'Fancy', {'name': 'fancy'},
                                     registered_name='my_package>Fancy')]})
    path = write_keras_file(str(tmp_path / 'u.keras'), config, {})
    with pytest.raises(ValueError, match='Unknown layer: Fancy'):
        load_model(path)


def test_saved_model_directory_is_refused(tmp_path):
    folder = tmp_path / 'exported'
    folder.mkdir()
    (folder / 'saved_model.pb').write_bytes(b'\x08\x01')
    (folder / 'variables').mkdir()
    for load in (load_model, Sequential([L.Dense(1, input_shape=(2,))]).load_weights):
        with pytest.raises(IOError, match=r"TensorFlow SavedModel.*graph.*model\.save"):
            load(str(folder))


def test_lambda_bytecode_refused_in_safe_mode(tmp_path):
    path, _, _ = _tf_sequential_file(tmp_path, np.random.default_rng(5))
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read('config.json'))
        weights = zf.read('model.weights.h5')
    config['compile_config']['loss'] = {'class_name': '__lambda__',
                                        'config': {'value': ['AAAA', None, None]}}
    with zipfile.ZipFile(path, 'w') as zf:
        zf.writestr('config.json', json.dumps(config))
        zf.writestr('model.weights.h5', weights)
    with pytest.raises(ValueError, match='safe_mode=False'):
        load_model(path)


@pytest.mark.parametrize('optimizer', [
    keras.optimizers.SGD(0.1, momentum=0.9), keras.optimizers.RMSprop(), keras.optimizers.Adagrad(),
    keras.optimizers.Adadelta(), keras.optimizers.Adamax(), keras.optimizers.Nadam(),
    keras.optimizers.Adam(amsgrad=True),
    keras.optimizers.deserialize({'class_name': 'RMSprop', 'config': {
        'momentum': 0.5, 'centered': True, 'is_legacy_optimizer': False}})],
    ids=lambda o: type(o).__name__ + ('_tf2' if getattr(o, '_tf2', False) else ''))
def test_optimizer_state_round_trip(tmp_path, optimizer):
    model = Sequential([L.Dense(3, input_shape=(2,)), L.Dense(1)])
    model.compile(optimizer, 'mse')
    x = np.random.rand(8, 2).astype('float32')
    model.fit(x, np.random.rand(8, 1), epochs=2, batch_size=4, verbose=0)
    path = str(tmp_path / 'o.keras')
    model.save(path)
    opt_config = _archive(path)[1]['compile_config']['optimizer']
    tf2 = getattr(optimizer, '_tf2', False)
    # tf.keras 2.11+ classes where their numbers are Keras 2's (no `decay`).
    newer = tf2 or type(optimizer).__name__ in ('SGD', 'Adam', 'Adamax', 'Adadelta')
    assert opt_config['module'] == ('keras.optimizers' if newer else 'keras.optimizers.legacy')
    assert not newer or 'decay' not in opt_config['config']
    assert opt_config['config'].get('is_legacy_optimizer', True) != newer
    loaded = load_model(path)
    assert type(loaded.optimizer) is type(optimizer)
    assert getattr(loaded.optimizer, '_tf2', False) == tf2
    saved, restored = model.optimizer.get_weights(), loaded.optimizer.get_weights()
    assert len(saved) == len(restored) and int(restored[0]) == 4
    for a, b in zip(saved, restored):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


# ------------------------------------------- files written by real tf.keras 2.15
DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'data',
                    'keras_zip')


CASES = [('v2_15', name) for name in ('seq_bn', 'functional_nested', 'rnn', 'conv',
                                      'embedding_legacy_adam')]
CASES += [(version, name) for version in ('v2_13', 'v2_14')
          for name in ('seq_bn', 'functional_nested', 'rnn')]


@pytest.mark.parametrize('version, name', CASES)
def test_files_written_by_tf_keras(version, name):
    """Made by tests/tools/make_keras_zip_fixtures.py with tf.keras 2.13.1, 2.14.1
    and 2.15.1 (three layouts of the model level): predictions, and (for the
    tf.keras 2.11+ optimizers, whose state tf.keras saves) the weights after one
    more training step from the restored optimizer state are tf.keras's."""
    data = np.load(os.path.join(DATA, version, name + '.npz'))
    x = [data['x0'], data['x1']] if 'x0' in data else data['x']
    model = load_model(os.path.join(DATA, version, name + '.keras'))
    np.testing.assert_allclose(model.predict(x), data['predict'], rtol=1e-5, atol=1e-5)
    if name == 'embedding_legacy_adam':  # tf.keras does not save legacy optimizer state
        assert not getattr(model.optimizer, '_tf2', False)
        return
    assert int(model.optimizer.get_weights()[0]) == int(data['iterations'])
    step_x = [v[:4] for v in x] if isinstance(x, list) else data['step_x']
    model.train_on_batch(step_x, data['step_y'])
    for i, w in enumerate(model.trainable_weights):
        np.testing.assert_allclose(w.detach().cpu().numpy(), data['trained_%d' % i],
                                   rtol=1e-4, atol=1e-6)
