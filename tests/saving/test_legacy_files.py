"""Model files written by Keras 1.1/1.2, Keras 2.0-2.2 (TensorFlow and Theano)
and tf.keras 1.x/2.x load, predict the original numbers and keep training.

The files are written at test time by :mod:`legacy_files` (h5py, in each
version's layout) with NumPy references of what the saved models computed.
"""
import json
import warnings

import h5py
import numpy as np
import pytest
import torch

import keras
from keras.models import load_model, model_from_config, model_from_json

from tests.saving import legacy_files

CASES = sorted(legacy_files.all_cases())
UNCOMPILED = ('keras1_cnn_tf', 'keras1_bidirectional_td_bn')


def _predict(model, case):
    x = case.inputs if len(case.inputs) > 1 else case.inputs[0]
    return model.predict(x, batch_size=len(case.inputs[0]))


def _load(path, **kwargs):
    """``load_model`` and the warnings it gave (Keras 1 spelling notes left out)."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter('always')
        model = load_model(path, **kwargs)
    messages = [str(r.message) for r in record
                if not str(r.message).startswith(('Update your', 'The Keras 1'))]
    return model, messages


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp('legacy_files')
    return {name: legacy_files.build(name, folder) for name in CASES}


@pytest.mark.parametrize('name', CASES)
def test_loads_and_predicts(files, name):
    case = files[name]
    model, messages = _load(case.path)
    np.testing.assert_allclose(_predict(model, case), case.outputs[0], rtol=1e-5, atol=1e-5)
    if name in UNCOMPILED:
        assert messages == ['No training configuration found in save file: the model was '
                            '*not* compiled. Compile it manually.']
        assert getattr(model, 'optimizer', None) is None
    else:
        assert messages == []


@pytest.mark.parametrize('name', [n for n in CASES if n not in UNCOMPILED])
def test_optimizer_state_and_training_resume(files, name):
    case = files[name]
    model, _ = _load(case.path)
    with h5py.File(case.path, 'r') as f:
        training = json.loads(f.attrs['training_config'].decode('utf8'))
    opt_config = training['optimizer_config']
    assert type(model.optimizer).__name__ == opt_config['class_name']
    lr = opt_config['config'].get('lr', opt_config['config'].get('learning_rate'))
    assert abs(float(keras.backend.get_value(model.optimizer.lr)) - lr) < 1e-7
    state = model.optimizer.get_weights()
    assert len(state) == len(case.optimizer_state)
    for got, want in zip(state, case.optimizer_state):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    x = case.inputs if len(case.inputs) > 1 else case.inputs[0]
    y = np.random.RandomState(0).uniform(0, 1, case.outputs[0].shape).astype('float32')
    before = model.get_weights()
    loss = model.train_on_batch(x, y)
    assert np.all(np.isfinite(loss))
    assert int(keras.backend.get_value(model.optimizer.iterations)) == int(state[0]) + 1
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_keras1_sgd_momentum_resumes_on_the_right_entries(files):
    """SGD: p += momentum * v - lr * g.  Two copies get the same gradient, so their
    difference after one step is momentum * (the saved moments, converted)."""
    case = files['keras1_cnn_th']
    resumed, _ = _load(case.path)
    fresh, _ = _load(case.path, compile=False)
    fresh.compile(keras.optimizers.SGD(lr=0.05, momentum=0.9), 'mean_squared_error')
    x, y = case.inputs[0], np.ones((4, 3), 'float32')
    for model in (resumed, fresh):
        torch.manual_seed(0)  # the same Dropout mask for both
        model.train_on_batch(x, y)
    for a, b, v in zip(resumed.get_weights(), fresh.get_weights(), case.optimizer_state[1:]):
        np.testing.assert_allclose(a - b, 0.9 * v, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('name', CASES)
def test_model_from_json_and_load_weights(files, name):
    case = files[name]
    with h5py.File(case.path, 'r') as f:
        config = f.attrs['model_config'].decode('utf8')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = model_from_json(config)
        model.load_weights(case.path)
        by_name = model_from_config(json.loads(config))
        by_name.load_weights(case.path, by_name=True)
    for m in (model, by_name):
        np.testing.assert_allclose(_predict(m, case), case.outputs[0], rtol=1e-5, atol=1e-5)


def test_keras1_config_spellings_understood(files):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        cnn = load_model(files['keras1_cnn_th'].path, compile=False)
        rnn = load_model(files['keras1_embedding_lstm_gru'].path, compile=False)
    conv = cnn.layers[0].get_config()
    assert (conv['filters'], conv['kernel_size'], conv['padding'], conv['data_format']) == \
        (4, (3, 3), 'same', 'channels_first')
    assert cnn.layers[1].get_config()['data_format'] == 'channels_first'
    assert cnn.layers[2].get_config()['rate'] == 0.25
    assert cnn.input_shape == (None, 1, 5, 5)
    lstm = rnn.get_layer('lstm_1').get_config()
    assert (lstm['units'], lstm['recurrent_activation'], lstm['return_sequences']) == \
        (3, 'hard_sigmoid', True)
    assert rnn.inputs[0].dtype in ('int32', 'int64') or 'int' in str(rnn.inputs[0].dtype)
    assert rnn.get_layer('embedding_1').get_weights()[0].dtype == np.float32


def test_keras1_theano_file_without_backend_is_not_flipped(files):
    """Keras 1 never recorded the backend, so (as in Keras 2) kernels load as
    stored: keras1_cnn_tf's reference is a correlation with the stored kernel."""
    case = files['keras1_cnn_tf']
    with h5py.File(case.path, 'r') as f:
        assert 'backend' not in f.attrs and 'backend' not in f['model_weights'].attrs
        kernel = f['model_weights/convolution2d_1/convolution2d_1_W'][()]
    model, _ = _load(case.path)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], kernel)


def test_old_state_that_cannot_map_warns_once(files, tmp_path):
    case = files['keras1_functional_gru_merge']
    path = str(tmp_path / 'cut.h5')
    with h5py.File(case.path, 'r') as src, h5py.File(path, 'w') as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        src.copy('model_weights', dst)
        group = dst.create_group('optimizer_weights')
        names = src['optimizer_weights'].attrs['weight_names'][:-1]  # one array lost
        group.attrs['weight_names'] = names
        for n in names:
            group.create_dataset(n.decode('utf8'), data=src['optimizer_weights'][n][()])
    model, messages = _load(path)
    assert len(messages) == 1 and 'freshly initialized optimizer' in messages[0]
    assert int(keras.backend.get_value(model.optimizer.iterations)) == 0
    x = case.inputs
    loss = model.train_on_batch(x, np.zeros((3, 2), 'float32'))
    assert np.isfinite(loss)
    uncompiled, _ = _load(path, compile=False)
    np.testing.assert_allclose(_predict(uncompiled, case), case.outputs[0], rtol=1e-5,
                               atol=1e-5)


def test_optimizer_config_with_a_name_key(files, tmp_path):
    """Some old optimizer configs carry their class name (``{'name': 'SGD', 'lr': ...}``)."""
    case = files['keras1_cnn_th']
    path = str(tmp_path / 'named.h5')
    with h5py.File(case.path, 'r') as src, h5py.File(path, 'w') as dst:
        for key in src:
            src.copy(key, dst)
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        training = json.loads(src.attrs['training_config'].decode('utf8'))
        training['optimizer_config']['config']['name'] = 'SGD'
        dst.attrs['training_config'] = np.bytes_(json.dumps(training).encode('utf8'))
    model, messages = _load(path)
    assert messages == []
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert int(keras.backend.get_value(model.optimizer.iterations)) == 7


def test_layouts_written_as_each_version_did(files):
    """Spot checks of the builders themselves against the old savers' code."""
    with h5py.File(files['keras1_embedding_lstm_gru'].path, 'r') as f:
        assert f.attrs['keras_version'] == b'1.2.2' and 'backend' not in f.attrs
        assert set(f['model_weights'].attrs) == {'layer_names'}
        names = [n.decode() for n in f['model_weights/lstm_1'].attrs['weight_names']]
        assert names[:4] == ['lstm_1_W_i:0', 'lstm_1_U_i:0', 'lstm_1_b_i:0', 'lstm_1_W_c:0']
        assert len(names) == 12
        assert isinstance(json.loads(f.attrs['model_config'])['config'], list)
    with h5py.File(files['keras1_functional_gru_merge'].path, 'r') as f:
        assert len(f['model_weights/gru_1'].attrs['weight_names']) == 9
    with h5py.File(files['keras2_0_theano_cnn'].path, 'r') as f:
        assert f.attrs['backend'] == b'theano'
        assert f['model_weights'].attrs['keras_version'] == b'2.0.8'
        assert 'conv2d_1/kernel' in f['model_weights/conv2d_1']
        assert len(f['optimizer_weights'].attrs['weight_names']) == 4  # no iterations
    with h5py.File(files['keras2_2_theano_sequential'].path, 'r') as f:
        assert json.loads(f.attrs['model_config'])['config']['name'] == 'sequential_1'
    with h5py.File(files['tf_keras2_functional_lstm'].path, 'r') as f:
        assert json.loads(f.attrs['model_config'])['class_name'] == 'Functional'
        names = [n.decode() for n in f['optimizer_weights'].attrs['weight_names']]
        assert names[:2] == ['RMSprop/iter:0', 'RMSprop/decay:0']
