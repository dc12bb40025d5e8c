"""keras.applications.imagenet_utils: preprocess_input, decode_predictions,
_obtain_input_shape, against NumPy formulas and Keras 2.3.1's rules."""
import json
import urllib.error

import numpy as np
import pytest
import torch

from keras import backend as K
from keras.applications import (densenet, imagenet_utils, inception_resnet_v2, inception_v3,
                                mobilenet, mobilenet_v2, nasnet, resnet, resnet50, resnet_v2,
                                resnext, vgg16, vgg19, xception)
from keras.applications.imagenet_utils import (_obtain_input_shape, decode_predictions,
                                               preprocess_input)
from keras.utils import data_utils

CAFFE_MEAN = np.array([103.939, 116.779, 123.68])
TORCH_MEAN = np.array([0.485, 0.456, 0.406])
TORCH_STD = np.array([0.229, 0.224, 0.225])


def _images(shape=(2, 4, 5, 3)):
    return np.random.RandomState(0).uniform(0, 255, size=shape)


def _expected(x, mode, channels_last=True):
    """NumPy reference on channels-last data."""
    x = np.asarray(x, dtype='float64')
    if not channels_last:
        x = np.moveaxis(x, -3, -1)
    if mode == 'tf':
        y = x / 127.5 - 1.
    elif mode == 'torch':
        y = (x / 255. - TORCH_MEAN) / TORCH_STD
    else:
        y = x[..., ::-1] - CAFFE_MEAN
    return y if channels_last else np.moveaxis(y, -1, -3)


@pytest.mark.parametrize('mode', ['caffe', 'tf', 'torch'])
@pytest.mark.parametrize('shape', [(2, 4, 5, 3), (4, 5, 3)])
def test_preprocess_channels_last(mode, shape):
    x = _images(shape).astype('float32')
    out = preprocess_input(x.copy(), data_format='channels_last', mode=mode)
    np.testing.assert_allclose(out, _expected(x, mode), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize('mode', ['caffe', 'tf', 'torch'])
@pytest.mark.parametrize('shape', [(2, 3, 4, 5), (3, 4, 5)])
def test_preprocess_channels_first(mode, shape):
    x = _images(shape).astype('float32')
    out = preprocess_input(x.copy(), data_format='channels_first', mode=mode)
    np.testing.assert_allclose(out, _expected(x, mode, channels_last=False),
                               rtol=1e-5, atol=1e-4)


def test_preprocess_default_mode_and_format_follow_keras():
    x = _images()
    np.testing.assert_allclose(preprocess_input(x.copy()), _expected(x, 'caffe'))
    old = K.image_data_format()
    K.set_image_data_format('channels_first')
    try:
        xf = np.moveaxis(x, -1, 1)
        np.testing.assert_allclose(preprocess_input(xf.copy(), mode='tf'),
                                   _expected(xf, 'tf', channels_last=False))
    finally:
        K.set_image_data_format(old)


def test_preprocess_integer_input_becomes_floatx_and_float_is_in_place():
    ints = np.arange(2 * 2 * 2 * 3).reshape((2, 2, 2, 3)).astype('uint8')
    out = preprocess_input(ints, mode='tf')
    assert out.dtype == np.float32
    assert ints.dtype == np.uint8 and ints[0, 0, 0, 1] == 1
    np.testing.assert_allclose(out, ints / 127.5 - 1., rtol=1e-6)
    floats = np.full((1, 2, 2, 3), 255., dtype='float32')
    out = preprocess_input(floats, mode='tf')
    assert out is floats  # Keras writes over float input
    np.testing.assert_allclose(floats, 1.)


@pytest.mark.parametrize('mode', ['caffe', 'tf', 'torch'])
@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_preprocess_torch_tensor_matches_numpy(mode, data_format):
    x = _images((2, 3, 4, 3)).astype('float32')
    expected = preprocess_input(x.copy(), data_format=data_format, mode=mode)
    t = torch.from_numpy(x.copy())
    out = preprocess_input(t, data_format=data_format, mode=mode)
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(t.numpy(), x)  # tensors are not modified
    ints = preprocess_input(torch.ones((1, 2, 2, 3), dtype=torch.uint8), mode=mode)
    assert ints.dtype == torch.float32


def test_preprocess_symbolic_tensor_in_a_model():
    from keras.engine.input_layer import Input
    from keras.engine.training import Model
    inp = Input(shape=(4, 5, 3))
    model = Model(inp, preprocess_input(inp, mode='caffe'))
    x = _images().astype('float32')
    np.testing.assert_allclose(model.predict(x), _expected(x, 'caffe'), rtol=1e-5, atol=1e-4)


def test_preprocess_errors():
    with pytest.raises(ValueError, match='Unknown data_format'):
        preprocess_input(_images(), data_format='NHWC')
    with pytest.raises(ValueError, match='mode'):
        preprocess_input(_images(), mode='caffee')
    with pytest.raises(TypeError, match='Invalid keyword argument'):
        preprocess_input(_images(), scale=2)


@pytest.mark.parametrize('module,mode', [
    (vgg16, 'caffe'), (vgg19, 'caffe'), (resnet50, 'caffe'), (resnet, 'caffe'),
    (inception_v3, 'tf'), (xception, 'tf'), (mobilenet, 'tf'), (mobilenet_v2, 'tf'),
    (nasnet, 'tf'), (resnet_v2, 'tf'), (inception_resnet_v2, 'tf'),
    (densenet, 'torch'), (resnext, 'torch')])
def test_module_preprocess_input_modes(module, mode):
    x = _images()
    np.testing.assert_allclose(module.preprocess_input(x.copy()), _expected(x, mode),
                               rtol=1e-6, atol=1e-6)
    assert module.decode_predictions is decode_predictions


# ---------------------------------------------------------------- decode
@pytest.fixture
def offline(tmp_path, monkeypatch):
    def no_network(origin):
        raise urllib.error.URLError('no network in tests')
    monkeypatch.setattr(data_utils, '_open_url', no_network)
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    monkeypatch.setattr(imagenet_utils, 'CLASS_INDEX', None)
    return tmp_path / 'home'


def _fake_index():
    return {str(i): ['n%08d' % i, 'class_%d' % i] for i in range(1000)}


def test_decode_predictions_top_k(monkeypatch):
    monkeypatch.setattr(imagenet_utils, 'CLASS_INDEX', _fake_index())
    preds = np.random.RandomState(1).rand(2, 1000)
    preds[0, 7], preds[1, 999] = 5., 9.
    out = decode_predictions(preds, top=3)
    assert len(out) == 2 and all(len(r) == 3 for r in out)
    for row, result in zip(preds, out):
        best = np.argsort(-row)[:3]
        assert [r[0] for r in result] == ['n%08d' % i for i in best]
        assert [r[1] for r in result] == ['class_%d' % i for i in best]
        np.testing.assert_allclose([r[2] for r in result], row[best])
    assert decode_predictions(torch.from_numpy(preds))[0][0][1] == 'class_7'


def test_decode_predictions_bad_shape():
    with pytest.raises(ValueError, match=r'\(samples, 1000\)'):
        decode_predictions(np.zeros((2, 10)))
    with pytest.raises(ValueError, match='2D'):
        decode_predictions(np.zeros((1000,)))


def test_decode_predictions_offline_says_where_to_put_the_index(offline):
    with pytest.raises(data_utils.URLFetchError) as info:
        decode_predictions(np.zeros((1, 1000)))
    message = str(info.value)
    assert 'imagenet_class_index.json' in message
    assert str(offline / 'models' / 'imagenet_class_index.json') in message
    assert imagenet_utils.CLASS_INDEX_PATH in message


def test_decode_predictions_uses_a_cached_index_offline(offline):
    (offline / 'models').mkdir(parents=True)
    (offline / 'models' / 'imagenet_class_index.json').write_text(json.dumps(_fake_index()))
    preds = np.zeros((1, 1000))
    preds[0, 42] = 1.
    with pytest.warns(UserWarning, match='hash'):
        out = decode_predictions(preds, top=1)
    assert out[0][0][:2] == ('n00000042', 'class_42')


# ------------------------------------------------------------ input shape
def test_obtain_input_shape_defaults():
    assert _obtain_input_shape(None, 224, 32, 'channels_last', True) == (224, 224, 3)
    assert _obtain_input_shape(None, 224, 32, 'channels_first', True) == (3, 224, 224)
    assert _obtain_input_shape(None, 299, 75, 'channels_last', False) == (None, None, 3)
    assert _obtain_input_shape(None, 299, 75, 'channels_first', False) == (3, None, None)
    assert _obtain_input_shape((64, 48, 3), 224, 32, 'channels_last', True) == (64, 48, 3)
    assert _obtain_input_shape(None, 224, 32, 'channels_last', True,
                               weights='imagenet') == (224, 224, 3)
    assert _obtain_input_shape((100, None, 3), 224, 32, 'channels_last', False,
                               weights='imagenet') == (100, None, 3)


def test_obtain_input_shape_errors():
    with pytest.raises(ValueError, match=r'should be \(224, 224, 3\)'):
        _obtain_input_shape((200, 200, 3), 224, 32, 'channels_last', True, weights='imagenet')
    with pytest.raises(ValueError, match='at least 32x32'):
        _obtain_input_shape((31, 64, 3), 224, 32, 'channels_last', False)
    with pytest.raises(ValueError, match='at least 75x75'):
        _obtain_input_shape((3, 80, 74), 299, 75, 'channels_first', False)
    with pytest.raises(ValueError, match='3 channels'):
        _obtain_input_shape((64, 64, 1), 224, 32, 'channels_last', False, weights='imagenet')
    with pytest.raises(ValueError, match='three integers'):
        _obtain_input_shape((64, 64), 224, 32, 'channels_last', False)
    with pytest.raises(ValueError, match='static'):
        _obtain_input_shape((None, None, 3), 224, 32, 'channels_last', True)


def test_obtain_input_shape_warns_on_odd_channel_counts():
    with pytest.warns(UserWarning, match='1 or 3 input channels'):
        shape = _obtain_input_shape((64, 64, 5), 224, 32, 'channels_last', False)
    assert shape == (64, 64, 5)
    with pytest.warns(UserWarning, match='1 or 3 input channels'):
        shape = _obtain_input_shape((4, 64, 64), 224, 32, 'channels_first', True)
    assert shape == (4, 64, 64)
