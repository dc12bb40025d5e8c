"""HDF5 weights and model files (keras.saving)."""
import io
import json
import os
import warnings

import h5py
import numpy as np
import pytest

import keras
from keras.layers import Dense, Dropout, Input
from keras.models import Model, Sequential, load_model
from keras.saving import hdf5, overwrite, weights

FIXTURES = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared',
                                        'fixtures', 'keras2'))


def _mlp(name=None):
    model = Sequential(name=name)
    model.add(Dense(4, input_shape=(3,), activation='tanh'))
    model.add(Dropout(0.5))
    model.add(Dense(2))
    return model


def _functional():
    a = Input((3,), name='a')
    b = Input((2,), name='b')
    h = Dense(5, activation='relu', name='ha')(a)
    g = Dense(5, name='hb')(b)
    out = Dense(1, name='out')(keras.layers.add([h, g]))
    return Model([a, b], out)


def _nested():
    inner = Sequential([Dense(5, input_shape=(3,), activation='relu'), Dense(4)],
                       name='inner_seq')
    x = Input((3,))
    out = Dense(2, name='top')(inner(x))
    return Model(x, out)


def _randomize(model, seed=0):
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(-1, 1, w.shape).astype(w.dtype) for w in model.get_weights()])


def _same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


# ------------------------------------------------------------ save_weights
def test_weights_file_layout(tmp_path):
    model = _mlp()
    path = str(tmp_path / 'w.h5')
    model.save_weights(path)
    with h5py.File(path, 'r') as f:
        names = [n.decode() for n in f.attrs['layer_names']]
        assert names == [layer.name for layer in model.layers]
        assert f.attrs['backend'] == b'tensorflow'
        assert f.attrs['keras_version'].decode() == keras.__version__
        dense = model.layers[0]
        g = f[dense.name]
        wnames = [n.decode() for n in g.attrs['weight_names']]
        assert wnames == ['%s/kernel:0' % dense.name, '%s/bias:0' % dense.name]
        np.testing.assert_array_equal(g[wnames[0]][()], dense.get_weights()[0])
        assert isinstance(g[dense.name], h5py.Group)  # 'dense_1/kernel:0' -> nested groups
        assert len(f[model.layers[1].name].attrs['weight_names']) == 0  # Dropout


@pytest.mark.parametrize('build', [_mlp, _functional, _nested])
def test_weights_round_trip(tmp_path, build):
    src = build()
    _randomize(src)
    path = str(tmp_path / 'w.h5')
    src.save_weights(path)
    dst = build()
    dst.load_weights(path)
    _same_weights(src, dst)


def test_nested_model_group(tmp_path):
    model = _nested()
    path = str(tmp_path / 'w.h5')
    model.save_weights(path)
    inner = model.get_layer('inner_seq')
    with h5py.File(path, 'r') as f:
        wnames = [n.decode() for n in f['inner_seq'].attrs['weight_names']]
    assert wnames == [w._keras_name for w in inner.weights]
    assert len(wnames) == 4 and wnames[0].startswith(inner.layers[0].name + '/')


def test_save_weights_to_open_group_and_stream(tmp_path):
    src = _mlp()
    _randomize(src)
    path = str(tmp_path / 'g.h5')
    with h5py.File(path, 'w') as f:
        src.save_weights(f.create_group('sub'))
    dst = _mlp()
    with h5py.File(path, 'r') as f:
        dst.load_weights(f['sub'])
    _same_weights(src, dst)
    buf = io.BytesIO()
    src.save_weights(buf)
    buf.seek(0)
    dst2 = _mlp()
    dst2.load_weights(buf)
    _same_weights(src, dst2)


def test_any_extension_is_hdf5(tmp_path):
    model = _mlp()
    path = str(tmp_path / 'weights.ckpt')
    model.save_weights(path)
    assert h5py.is_hdf5(path)


def test_tf_format_refused(tmp_path):
    with pytest.raises(ValueError, match='TensorFlow checkpoint'):
        _mlp().save_weights(str(tmp_path / 'w'), save_format='tf')
    with pytest.raises(ValueError, match='Unknown save_format'):
        _mlp().save_weights(str(tmp_path / 'w'), save_format='pickle')


def test_atomic_write_keeps_old_file(tmp_path, monkeypatch):
    model = _mlp()
    path = str(tmp_path / 'w.h5')
    model.save_weights(path)
    before = open(path, 'rb').read()
    _randomize(model, seed=3)

    def boom(group, layers):
        group.attrs['layer_names'] = np.array([b'half'])
        raise RuntimeError('disk full')

    monkeypatch.setattr(weights, 'save_weights_to_hdf5_group', boom)
    with pytest.raises(RuntimeError, match='disk full'):
        model.save_weights(path)
    assert open(path, 'rb').read() == before
    assert os.listdir(str(tmp_path)) == ['w.h5']  # the temporary file is gone


def test_overwrite_false_non_interactive_raises(tmp_path, monkeypatch):
    path = str(tmp_path / 'w.h5')
    model = _mlp()
    model.save_weights(path)
    monkeypatch.setattr(overwrite, '_interactive', lambda: False)
    with pytest.raises(FileExistsError, match='overwrite=True'):
        model.save_weights(path, overwrite=False)


def test_overwrite_false_asks(tmp_path, monkeypatch):
    path = str(tmp_path / 'w.h5')
    model = _mlp()
    model.save_weights(path)
    before = open(path, 'rb').read()
    monkeypatch.setattr(overwrite, '_interactive', lambda: True)
    answers = iter(['maybe', 'n'])
    monkeypatch.setattr('builtins.input', lambda prompt='': next(answers))
    _randomize(model, seed=5)
    model.save_weights(path, overwrite=False)
    assert open(path, 'rb').read() == before
    monkeypatch.setattr('builtins.input', lambda prompt='': 'y')
    model.save_weights(path, overwrite=False)
    fresh = _mlp()
    fresh.load_weights(path)
    _same_weights(model, fresh)


# ------------------------------------------------------------ load_weights
def test_layer_count_mismatch(tmp_path):
    path = str(tmp_path / 'w.h5')
    _mlp().save_weights(path)
    other = Sequential([Dense(4, input_shape=(3,))])
    with pytest.raises(ValueError, match='containing 2 layers into a model with 1 layers'):
        other.load_weights(path)


def test_shape_mismatch_leaves_model_unchanged(tmp_path):
    path = str(tmp_path / 'w.h5')
    _mlp().save_weights(path)
    other = Sequential([Dense(4, input_shape=(3,)), Dense(3)])
    before = other.get_weights()
    with pytest.raises(ValueError) as info:
        other.load_weights(path)
    msg = str(info.value)
    assert other.layers[1].name in msg and '(4, 3)' in msg and '(4, 2)' in msg
    assert 'kernel:0' in msg
    for a, b in zip(before, other.get_weights()):
        np.testing.assert_array_equal(a, b)  # the first layer was not loaded either


def test_by_name_and_skip_mismatch(tmp_path):
    src = Sequential([Dense(4, input_shape=(3,), name='d1'), Dense(2, name='d2')])
    _randomize(src)
    path = str(tmp_path / 'w.h5')
    src.save_weights(path)
    dst = Sequential([Dense(4, input_shape=(3,), name='d1'), Dense(3, name='d2'),
                      Dense(2, name='d3')])
    with pytest.raises(ValueError, match=r'"d2".*has shape \(4, 3\), but the saved weight '
                                         r'.*has shape \(4, 2\)'):
        dst.load_weights(path, by_name=True)
    before_d2 = dst.get_layer('d2').get_weights()
    with pytest.warns(UserWarning, match='Skipping loading of weights for layer d2 due to '
                                         'mismatch in shape'):
        dst.load_weights(path, by_name=True, skip_mismatch=True)
    for a, b in zip(src.get_layer('d1').get_weights(), dst.get_layer('d1').get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(before_d2, dst.get_layer('d2').get_weights()):
        np.testing.assert_array_equal(a, b)


def test_by_name_count_mismatch(tmp_path):
    src = Sequential([Dense(4, input_shape=(3,), name='d1')])
    path = str(tmp_path / 'w.h5')
    src.save_weights(path)
    dst = Sequential([Dense(4, input_shape=(3,), name='d1', use_bias=False)])
    with pytest.raises(ValueError, match=r'expects 1 weight\(s\), but the saved weights have 2'):
        dst.load_weights(path, by_name=True)
    with pytest.warns(UserWarning, match='mismatch in number of weights'):
        dst.load_weights(path, by_name=True, skip_mismatch=True)


def test_missing_and_bad_files(tmp_path):
    with pytest.raises(IOError, match='No file or directory found'):
        _mlp().load_weights(str(tmp_path / 'nope.h5'))
    bad = tmp_path / 'bad.h5'
    bad.write_bytes(b'not hdf5')
    with pytest.raises(OSError, match='HDF5'):
        _mlp().load_weights(str(bad))
    with h5py.File(str(tmp_path / 'k3.h5'), 'w') as f:
        f.create_group('layers')
    with pytest.raises(ValueError, match='Keras 3'):
        _mlp().load_weights(str(tmp_path / 'k3.h5'))


def test_chunked_attributes(tmp_path):
    names = ['layer_%05d_%s' % (i, 'x' * 40) for i in range(3000)]
    with h5py.File(str(tmp_path / 'a.h5'), 'w') as f:
        hdf5.save_attributes_to_hdf5_group(f, 'layer_names', names)
        assert 'layer_names' not in f.attrs and 'layer_names0' in f.attrs
        assert hdf5.load_attributes_from_hdf5_group(f, 'layer_names') == names


def test_keras0_weights_file(tmp_path):
    model = _mlp()
    rng = np.random.RandomState(0)
    values = [rng.rand(*w.shape).astype('float32') for w in model.get_weights()]
    path = str(tmp_path / 'old.h5')
    with h5py.File(path, 'w') as f:  # Keras 0.x layout: layer_K / param_I
        f.attrs['nb_layers'] = 3
        for k, arrays in enumerate([values[:2], [], values[2:]]):
            g = f.create_group('layer_%d' % k)
            g.attrs['nb_params'] = len(arrays)
            for i, a in enumerate(arrays):
                g.create_dataset('param_%d' % i, data=a)
    model.load_weights(path)
    for a, b in zip(values, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- fixtures
def _fixture(name):
    path = os.path.join(FIXTURES, name + '.json')
    if not os.path.exists(path):
        pytest.skip('fixtures not available')
    with open(path) as f:
        meta = json.load(f)
    return meta, np.load(os.path.join(FIXTURES, name + '.npz'))


@pytest.mark.parametrize('name', ['dense_relu', 'dense_softmax', 'dense_3d', 'nested_sequential',
                                  'train_loss_mse'])
def test_fixture_weights_files(name):
    meta, data = _fixture(name)
    model = keras.models.model_from_json(meta['model_json'])
    model.load_weights(os.path.join(FIXTURES, name + '.weights.h5'))
    y = model.predict(data['x0'], batch_size=meta['predict_batch_size'])
    np.testing.assert_allclose(y, data['y0'], rtol=1e-5, atol=1e-5)
    by_name = keras.models.model_from_json(meta['model_json'])
    by_name.load_weights(os.path.join(FIXTURES, name + '.weights.h5'), by_name=True)
    _same_weights(model, by_name)


# -------------------------------------------------------------- model files
def _compiled_mlp():
    model = Sequential([Dense(4, input_shape=(3,), activation='tanh'), Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mse',
                  metrics=['mae'])
    return model


def _data(n=8, seed=0):
    rng = np.random.RandomState(seed)
    return rng.rand(n, 3).astype('float32'), rng.rand(n, 2).astype('float32')


@pytest.mark.parametrize('build', [_mlp, _functional, _nested])
def test_model_round_trip_uncompiled(tmp_path, build):
    model = build()
    _randomize(model)
    path = str(tmp_path / 'm.h5')
    model.save(path)
    with pytest.warns(UserWarning, match='No training configuration'):
        loaded = load_model(path)
    assert type(loaded) is type(model)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    _same_weights(model, loaded)
    rng = np.random.RandomState(1)
    x = [rng.rand(4, int(t.shape[-1])).astype('float32') for t in model.inputs]
    x = x[0] if len(x) == 1 else x
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6, atol=1e-6)


def test_model_file_layout(tmp_path):
    model = _compiled_mlp()
    x, y = _data()
    model.train_on_batch(x, y)
    path = str(tmp_path / 'm.h5')
    model.save(path)
    with h5py.File(path, 'r') as f:
        assert f.attrs['backend'] == b'tensorflow'
        assert f.attrs['keras_version'].decode() == keras.__version__
        config = json.loads(f.attrs['model_config'].decode())
        assert config['class_name'] == 'Sequential'
        training = json.loads(f.attrs['training_config'].decode())
        assert set(training) == {'optimizer_config', 'loss', 'metrics', 'weighted_metrics',
                                 'sample_weight_mode', 'loss_weights'}
        assert training['optimizer_config']['class_name'] == 'Adam'
        assert training['loss'] == 'mse' and training['metrics'] == ['mae']
        names = [n.decode() for n in f['optimizer_weights'].attrs['weight_names']]
        # Keras 2.3.1's Adam: iterations, then m, v and vhat for each of the 4 weights
        assert names[0] == 'Adam/iterations:0' and len(names) == 1 + 3 * 4
        assert int(f['optimizer_weights'][names[0]][()]) == 1
        assert [n.decode() for n in f['model_weights'].attrs['layer_names']] == \
            [l.name for l in model.layers]


def test_model_without_trainable_weights_counts_and_saves_iterations(tmp_path):
    # Keras 2.3.1 runs the (empty) update anyway: the step counter moves and is saved.
    inputs = Input((3,))
    frozen = Dense(2, trainable=False)
    model = Model(inputs, frozen(inputs))
    model.compile('adam', 'mse')
    x, y = _data()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    steps = 2 * int(np.ceil(len(x) / 4.))
    assert int(keras.backend.get_value(model.optimizer.iterations)) == steps
    path = str(tmp_path / 'frozen.h5')
    model.save(path)
    with h5py.File(path, 'r') as f:
        names = [n.decode() for n in f['optimizer_weights'].attrs['weight_names']]
        assert names == ['Adam/iterations:0']
    loaded = load_model(path)
    assert int(keras.backend.get_value(loaded.optimizer.iterations)) == steps


def test_compiled_round_trip_resumes_training(tmp_path):
    model = _compiled_mlp()
    x, y = _data()
    model.train_on_batch(x, y)
    path = str(tmp_path / 'm.h5')
    model.save(path)
    loaded = load_model(path)
    assert isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert abs(float(keras.backend.get_value(loaded.optimizer.lr)) - 0.01) < 1e-7
    for a, b in zip(model.optimizer.get_weights(), loaded.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert loaded.metrics_names == model.metrics_names
    x2, y2 = _data(seed=1)
    out_a = model.train_on_batch(x2, y2)
    out_b = loaded.train_on_batch(x2, y2)
    np.testing.assert_allclose(out_a, out_b, rtol=1e-6)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_compile_false_and_include_optimizer_false(tmp_path):
    model = _compiled_mlp()
    path = str(tmp_path / 'm.h5')
    model.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        loaded = load_model(path, compile=False)
    assert getattr(loaded, 'optimizer', None) is None
    model.save(path, include_optimizer=False)
    with h5py.File(path, 'r') as f:
        assert 'training_config' not in f.attrs and 'optimizer_weights' not in f


def test_model_to_open_file_and_stream(tmp_path):
    model = _compiled_mlp()
    path = str(tmp_path / 'm.h5')
    with h5py.File(path, 'w') as f:
        keras.models.save_model(model, f)
    with h5py.File(path, 'r') as f:
        loaded = load_model(f)
    _same_weights(model, loaded)
    buf = io.BytesIO()
    model.save(buf)
    buf.seek(0)
    _same_weights(model, load_model(buf))


def test_model_atomic_write(tmp_path, monkeypatch):
    model = _compiled_mlp()
    path = str(tmp_path / 'm.h5')
    model.save(path)
    before = open(path, 'rb').read()
    monkeypatch.setattr(weights, 'write_named_arrays',
                        lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    model.train_on_batch(*_data())
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert open(path, 'rb').read() == before
    assert os.listdir(str(tmp_path)) == ['m.h5']


def test_unmappable_optimizer_state_warns_once(tmp_path):
    model = _compiled_mlp()
    model.train_on_batch(*_data())
    path = str(tmp_path / 'm.h5')
    model.save(path)
    with h5py.File(path, 'a') as f:
        del f['optimizer_weights']
        g = f.create_group('optimizer_weights')
        weights.write_named_arrays(g, ['Adam/iterations:0', 'junk:0'],
                                   [np.array(3, 'int64'), np.zeros((7, 7), 'float32')])
    with pytest.warns(UserWarning, match='freshly initialized optimizer') as record:
        loaded = load_model(path)
    assert len([r for r in record if 'optimizer' in str(r.message)]) == 1
    assert int(keras.backend.get_value(loaded.optimizer.iterations)) == 0
    loaded.train_on_batch(*_data())  # the fresh optimizer works


def test_custom_objects(tmp_path):
    def my_loss(y_true, y_pred):
        return keras.backend.mean(keras.backend.abs(y_true - y_pred), axis=-1)

    model = _mlp()
    model.compile('sgd', loss=my_loss)
    path = str(tmp_path / 'm.h5')
    model.save(path)
    with pytest.raises(ValueError, match='custom_objects'):
        load_model(path)
    loaded = load_model(path, custom_objects={'my_loss': my_loss})
    assert loaded.loss is my_loss


def test_large_model_config(tmp_path):
    model = Sequential([Dense(1, input_shape=(1,), name='d_000_' + 'x' * 600)] +
                       [Dense(1, name='d_%03d_%s' % (i, 'x' * 600)) for i in range(1, 80)])
    path = str(tmp_path / 'big.h5')
    model.save(path)
    with h5py.File(path, 'r') as f:
        assert len(f.attrs['model_config']) > hdf5.HDF5_OBJECT_HEADER_LIMIT
    with pytest.warns(UserWarning, match='No training configuration'):
        loaded = load_model(path)
    assert len(loaded.layers) == 80


def test_not_a_model_file(tmp_path):
    path = str(tmp_path / 'w.h5')
    _mlp().save_weights(path)
    with pytest.raises(ValueError, match='No model found'):
        load_model(path)


def test_safe_mode_refuses_lambda_bytecode(tmp_path):
    x = Input((3,))
    model = Model(x, keras.layers.Lambda(lambda t: t * 2.0)(x))
    path = str(tmp_path / 'lam.h5')
    model.save(path)
    with pytest.raises(ValueError, match='safe_mode'):
        load_model(path)
    with pytest.warns(UserWarning):
        loaded = load_model(path, safe_mode=False)
    data = np.ones((2, 3), 'float32')
    np.testing.assert_allclose(loaded.predict(data), 2 * data)


@pytest.mark.parametrize('name', ['dense_relu', 'dense_selu', 'nested_sequential'])
def test_fixture_model_files(name):
    meta, data = _fixture(name)
    with pytest.warns(UserWarning, match='No training configuration'):
        model = load_model(os.path.join(FIXTURES, name + '.h5'))
    y = model.predict(data['x0'], batch_size=meta['predict_batch_size'])
    np.testing.assert_allclose(y, data['y0'], rtol=1e-5, atol=1e-5)


def test_fixture_tf_keras_optimizer_state():
    meta, data = _fixture('train_adam_resume')
    model = load_model(os.path.join(FIXTURES, 'train_adam_resume.h5'))
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    np.testing.assert_allclose(model.predict(data['x0']), data['y0'], rtol=1e-5, atol=1e-5)
    assert int(keras.backend.get_value(model.optimizer.iterations)) == int(data['saved_opt_w0'])


def test_fixture_tf_keras_metrics():
    meta, _ = _fixture('metrics_categorical')
    model = load_model(os.path.join(FIXTURES, 'metrics_categorical.h5'))
    assert model.metrics_names == meta['training']['metrics_names']
