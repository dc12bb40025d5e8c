"""Keras 2.3.1's pickle form of models (``pickle_model``/``unpickle_model``,
``H5Dict``) and the ``gs://`` decorators of ``keras.engine.saving``."""
import json
import pickle

import h5py
import numpy as np
import pytest

from keras.engine import saving
from keras.saving import gcs
from keras.utils.test_utils import tf_file_io_proxy
from keras.engine.sequential import Sequential
from keras.layers import Dense
from keras.utils.io_utils import H5Dict


def _model():
    model = Sequential([Dense(4, input_shape=(3,), activation='relu', name='d1'),
                        Dense(2, name='d2')])
    model.compile('adam', 'mse', metrics=['acc'])
    model.fit(np.ones((8, 3)), np.ones((8, 2)), verbose=0)
    return model


def test_pickle_model_has_keras_2_3_1_layout():
    model = _model()
    state = saving.pickle_model(model)
    assert state['_is_group'] is True
    assert isinstance(state['model_config'], bytes)
    assert json.loads(state['model_config'].decode('utf8'))['class_name'] == 'Sequential'
    assert isinstance(state['training_config'], bytes)
    weights = state['model_weights']
    assert weights['layer_names'] == [b'd1', b'd2']
    assert weights['d1']['weight_names'] == [b'd1/kernel:0', b'd1/bias:0']
    assert weights['d1']['_d1/kernel:0_pickled'] is True
    kernel = pickle.loads(weights['d1']['d1/kernel:0'])
    np.testing.assert_array_equal(kernel, model.layers[0].get_weights()[0])
    assert 'weight_names' in state['optimizer_weights']


def test_unpickle_model_restores_weights_compile_and_optimizer():
    model = _model()
    restored = saving.unpickle_model(pickle.loads(pickle.dumps(saving.pickle_model(model))))
    x = np.random.RandomState(0).rand(5, 3)
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-6)
    assert restored.metrics_names == ['loss', 'acc']
    for a, b in zip(restored.optimizer.get_weights(), model.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)
    restored.fit(np.ones((8, 3)), np.ones((8, 2)), verbose=0)


def _keras231_state():
    """A pickle state written the way Keras 2.3.1's ``_serialize_model`` wrote
    it (built by hand: bytes, lists of bytes, pickled arrays with flags)."""
    config = {'class_name': 'Sequential', 'config': {'name': 'sequential_1', 'layers': [
        {'class_name': 'Dense', 'config': {
            'name': 'dense_1', 'trainable': True, 'batch_input_shape': [None, 2],
            'dtype': 'float32', 'units': 1, 'activation': 'linear', 'use_bias': True,
            'kernel_initializer': {'class_name': 'Zeros', 'config': {}},
            'bias_initializer': {'class_name': 'Zeros', 'config': {}},
            'kernel_regularizer': None, 'bias_regularizer': None,
            'activity_regularizer': None, 'kernel_constraint': None,
            'bias_constraint': None}}]}}
    kernel = np.array([[2.], [3.]], 'float32')
    bias = np.array([1.], 'float32')
    layer = {'_is_group': True, 'weight_names': [b'dense_1/kernel:0', b'dense_1/bias:0'],
             'dense_1/kernel:0': pickle.dumps(kernel), '_dense_1/kernel:0_pickled': True,
             'dense_1/bias:0': pickle.dumps(bias), '_dense_1/bias:0_pickled': True}
    return {'_is_group': True, 'keras_version': b'2.3.1', 'backend': b'tensorflow',
            'model_config': json.dumps(config).encode('utf8'),
            'model_weights': {'_is_group': True, 'layer_names': [b'dense_1'],
                              'backend': b'tensorflow', 'keras_version': b'2.3.1',
                              'dense_1': layer}}


def test_a_keras_2_3_1_pickle_loads_through_setstate():
    # What unpickling a 2.3.1 pickle does: ``Sequential.__new__`` then ``__setstate__``.
    model = Sequential.__new__(Sequential)
    with pytest.warns(UserWarning, match='No training configuration found'):
        model.__setstate__(pickle.loads(pickle.dumps(_keras231_state())))
    np.testing.assert_allclose(model.predict(np.array([[1., 1.]])), [[6.]])
    assert getattr(model, 'optimizer', None) is None  # no training_config: not compiled


def test_own_pickles_still_round_trip_everything():
    model = _model()
    again = pickle.loads(pickle.dumps(model))
    x = np.ones((2, 3))
    np.testing.assert_allclose(again.predict(x), model.predict(x))


def test_unpickled_model_trains_on_from_the_optimizer_state():
    model = _model()  # Adam: its moments decide the next step
    again = pickle.loads(pickle.dumps(model))
    x, y = np.random.RandomState(0).rand(8, 3), np.random.RandomState(1).rand(8, 2)
    model.train_on_batch(x, y)
    again.train_on_batch(x, y)
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    again._make_train_function()  # (and right after making Keras 2.3.1's functions)
    pickle.loads(pickle.dumps(again))


def test_local_classes_pickle_by_name_and_load_in_a_custom_object_scope():
    from keras import losses, optimizers
    from keras.utils import CustomObjectScope

    class LocalSGD(optimizers.SGD):
        pass

    def local_mse(y_true, y_pred):
        return losses.mse(y_true, y_pred)

    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(LocalSGD(lr=0.1), local_mse)
    x = np.ones((4, 3))
    model.train_on_batch(x, np.zeros((4, 2)))
    state = pickle.dumps(model)  # the Keras 2.3.1 form: classes go by name
    with CustomObjectScope({'LocalSGD': LocalSGD, 'local_mse': local_mse}):
        again = pickle.loads(state)
    np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-6)
    assert type(again.optimizer) is LocalSGD
    assert again.optimizer.get_config()['learning_rate'] == pytest.approx(0.1)


def test_unpickle_model_rejects_other_states():
    with pytest.raises(ValueError, match='expected the dict Keras 2.3.1 pickled models as'):
        saving.unpickle_model({'a': 1})


def test_h5dict_on_a_dict_and_on_hdf5(tmp_path):
    state = {}
    d = H5Dict(state)
    d['name'] = b'x'
    d['array'] = np.arange(3)
    d['group']['names'] = [b'a', b'b']
    assert state['_array_pickled'] is True and state['group']['_is_group'] is True
    np.testing.assert_array_equal(d['array'], [0, 1, 2])
    assert isinstance(d['group'], H5Dict) and d['group']['names'] == [b'a', b'b']
    read_only = H5Dict(state, mode='r')
    with pytest.raises(ValueError, match='read-only'):
        read_only['new'] = 1
    with pytest.raises(KeyError):
        read_only['missing']
    with H5Dict(str(tmp_path / 'f.h5'), mode='w') as f:
        f['attr'] = b'v'
        f['data'] = np.ones((2, 2), 'float32')
        f['sub']['names'] = ['a', 'b']
        assert 'attr' in f and 'data' in f and 'nope' not in f
    with h5py.File(str(tmp_path / 'f.h5'), 'r') as f:
        d = H5Dict(f, mode='r')
        assert d['attr'] in (b'v', 'v')  # (h5py 3 reads short byte strings back as str)
        np.testing.assert_array_equal(d['data'], np.ones((2, 2)))
        assert d['sub']['names'] == [b'a', b'b']
    with pytest.raises(TypeError, match='H5Dict needs'):
        H5Dict(3)


def test_gcs_decorators(tmp_path):
    model = _model()
    with tf_file_io_proxy('keras.engine.saving.tf_file_io') as proxy:
        path = proxy.get_filepath('model.h5')
        assert path == 'gs://mock-bucket/model.h5'
        saving.save_model(model, path)
        proxy.assert_exists(path)
        assert proxy.local_objects[path][:8] == b'\x89HDF\r\n\x1a\n'
        loaded = saving.load_model(filepath=path)
        np.testing.assert_allclose(loaded.predict(np.ones((1, 3))),
                                   model.predict(np.ones((1, 3))))
        local = str(tmp_path / 'local.h5')
        saving.save_model(model, local)  # other paths pass through
        assert saving.load_model(local).layers[0].name == 'd1'
        proxy.delete_file(path)
        assert not proxy.file_exists(path)
        with pytest.raises(IOError, match='does not exist'):
            saving.load_model(path)
        with pytest.raises(ValueError, match='"rb" and "wb" only'):
            proxy.FileIO(path, 'r')
    assert saving.tf_file_io is gcs.tf_file_io  # put back
    with pytest.raises(RuntimeError, match='not started'):
        proxy.file_exists(path)
    with pytest.raises(ValueError, match='file_io_module'):
        tf_file_io_proxy()
    with pytest.raises(ValueError, match='has no argument filepath'):
        saving.allow_read_from_gcs(lambda path: path)


def test_gcs_weights_and_overwrite_prompt(monkeypatch):
    model = _model()
    original = model.get_weights()
    asked = []
    with tf_file_io_proxy('keras.engine.saving.tf_file_io') as proxy:
        path = proxy.get_filepath('weights.h5')
        model.save_weights(path)
        proxy.assert_exists(path)
        model.set_weights([w + 1. for w in original])
        model.load_weights(path)
        for a, b in zip(model.get_weights(), original):
            np.testing.assert_array_equal(a, b)

        # overwrite=False asks through keras.engine.saving's prompt (patchable, as in 2.3.1)
        monkeypatch.setattr(saving, 'ask_to_proceed_with_overwrite',
                            lambda target: asked.append(target) or False)
        model.set_weights([w * 0. for w in original])
        model.save_weights(path, overwrite=False)
        saving.save_model(model, proxy.get_filepath('model.h5'))
        saving.save_model(model, proxy.get_filepath('model.h5'), overwrite=False)
        assert asked == [path, proxy.get_filepath('model.h5')]
        model.load_weights(path)  # the declined save left the file as it was
        for a, b in zip(model.get_weights(), original):
            np.testing.assert_array_equal(a, b)
        monkeypatch.setattr(saving, 'ask_to_proceed_with_overwrite', lambda target: True)
        model.set_weights([w * 0. for w in original])
        model.save_weights(path, overwrite=False)
        model.set_weights(original)
        model.load_weights(path)
        assert all(not w.any() for w in model.get_weights())


def test_gcs_without_tensorflow_or_fsspec(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_gcs_packages(name, *args, **kwargs):
        if name.split('.')[0] in ('tensorflow', 'fsspec'):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, '__import__', no_gcs_packages)
    with pytest.raises(ImportError, match='gcsfs'):
        saving.save_model(_model(), 'gs://bucket/model.h5')
