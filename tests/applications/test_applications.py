"""keras.applications builders: Keras 2.3.1's published layer and parameter
counts, layer names, feature shapes, forward passes and weight loading."""
import urllib.error

import numpy as np
import pytest
import torch

from keras import applications, initializers
from keras import backend as K
from keras.applications import resnet, resnet_v2, resnext
from keras.engine.input_layer import Input
from keras.layers import Lambda
from keras.utils import data_utils


class _Unfilled(initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return torch.empty(tuple(shape))


@pytest.fixture
def cheap_weights(monkeypatch):
    """Unfilled weights: counting 138M parameters needs no random draws."""
    monkeypatch.setattr(initializers, 'get', lambda identifier: _Unfilled())


@pytest.fixture
def offline(tmp_path, monkeypatch):
    def no_network(origin):
        raise urllib.error.URLError('no network in tests')
    monkeypatch.setattr(data_utils, '_open_url', no_network)
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    return tmp_path / 'home' / 'models'


# (builder, layers, total params, non-trainable params, model name), at the
# default input size with the top, as published for Keras 2.3.1.
PUBLISHED = {
    'VGG16': (applications.VGG16, 23, 138357544, 0, 'vgg16'),
    'VGG19': (applications.VGG19, 26, 143667240, 0, 'vgg19'),
    'ResNet50': (applications.ResNet50, 177, 25636712, 53120, 'resnet50'),
    'InceptionV3': (applications.InceptionV3, 313, 23851784, 34432, 'inception_v3'),
    'Xception': (applications.Xception, 134, 22910480, 54528, 'xception'),
    'MobileNet': (applications.MobileNet, 93, 4253864, 21888, 'mobilenet_1.00_224'),
    'MobileNetV2': (applications.MobileNetV2, 157, 3538984, 34112, 'mobilenetv2_1.00_224'),
    'DenseNet121': (applications.DenseNet121, 429, 8062504, 83648, 'densenet121'),
    'DenseNet169': (applications.DenseNet169, 597, 14307880, 158400, 'densenet169'),
    'NASNetMobile': (applications.NASNetMobile, 771, 5326716, 36738, 'NASNet'),
    'InceptionResNetV2': (applications.InceptionResNetV2, 782, 55873736, 60544,
                          'inception_resnet_v2'),
    'resnet.ResNet50': (resnet.ResNet50, 177, 25636712, 53120, 'resnet50'),
    'ResNet50V2': (resnet_v2.ResNet50V2, 192, 25613800, 45440, 'resnet50v2'),
    'ResNeXt50': (resnext.ResNeXt50, 241, 25097128, 68224, 'resnext50'),
}

# Some of Keras's layer names (the weight files are read by these names).
NAMES = {
    'ResNet50': ['conv1', 'bn_conv1', 'res2a_branch2a', 'res2a_branch1', 'bn5c_branch2c',
                 'avg_pool', 'fc1000'],
    'resnet.ResNet50': ['conv1_conv', 'conv2_block1_0_conv', 'conv5_block3_out', 'probs'],
    'MobileNet': ['conv1_pad', 'conv_dw_13_relu', 'conv_preds', 'act_softmax'],
    'MobileNetV2': ['Conv1_pad', 'expanded_conv_depthwise', 'block_16_project_BN', 'out_relu',
                    'Logits'],
    'DenseNet121': ['conv1/conv', 'conv2_block6_concat', 'pool4_pool', 'fc1000'],
    'Xception': ['block1_conv1', 'block13_pool', 'block14_sepconv2_act'],
    'InceptionV3': ['mixed0', 'mixed9_1', 'mixed10', 'predictions'],
    'NASNetMobile': ['stem_conv1', 'reduction_concat_stem_1', 'adjust_bn_stem_2',
                     'normal_concat_12', 'predictions'],
    'InceptionResNetV2': ['mixed_5b', 'block35_10_ac', 'block8_10', 'conv_7b_ac'],
    'ResNet50V2': ['conv2_block1_preact_bn', 'conv5_block3_out', 'post_relu'],
    'ResNeXt50': ['conv2_block1_2_reduce', 'conv5_block3_out'],
}


def _non_trainable(model):
    return int(sum(np.prod(tuple(w.shape)) for w in model.non_trainable_weights))


@pytest.mark.parametrize('name', sorted(PUBLISHED))
def test_published_layer_and_parameter_counts(name, cheap_weights):
    builder, n_layers, n_params, n_frozen, model_name = PUBLISHED[name]
    model = builder(weights=None)
    assert len(model.layers) == n_layers
    assert model.count_params() == n_params
    assert _non_trainable(model) == n_frozen
    assert model.name == model_name
    assert model.output_shape == (None, 1000)
    assert set(NAMES.get(name, ())) <= {layer.name for layer in model.layers}


def test_vgg16_layer_names_and_shapes(cheap_weights):
    model = applications.VGG16(weights=None)
    names = [layer.name for layer in model.layers[1:]]
    expected = []
    for block, convs in enumerate((2, 2, 3, 3, 3), 1):
        expected += ['block%d_conv%d' % (block, c) for c in range(1, convs + 1)]
        expected.append('block%d_pool' % block)
    assert names == expected + ['flatten', 'fc1', 'fc2', 'predictions']
    assert tuple(model.get_layer('fc1').weights[0].shape) == (25088, 4096)
    assert model.input_shape == (None, 224, 224, 3)


@pytest.mark.parametrize('pooling,shape', [(None, (None, 1, 1, 256)), ('avg', (None, 256)),
                                           ('max', (None, 256))])
def test_feature_extractor_pooling_shapes(pooling, shape):
    model = applications.MobileNet(weights=None, include_top=False, input_shape=(32, 32, 3),
                                   alpha=0.25, pooling=pooling)
    assert model.output_shape == shape
    assert model.predict(np.random.rand(2, 32, 32, 3)).shape == (2,) + shape[1:]


@pytest.mark.parametrize('builder,kwargs,shape', [
    (applications.VGG19, dict(input_shape=(48, 64, 3)), (None, 1, 2, 512)),
    (applications.ResNet50, dict(input_shape=(64, 64, 3), pooling='avg'), (None, 2048)),
    (applications.DenseNet121, dict(pooling='max'), (None, 1024)),
    (applications.Xception, dict(input_shape=(71, 71, 3)), (None, 3, 3, 2048)),
    (applications.InceptionV3, dict(input_shape=(75, 75, 3)), (None, 1, 1, 2048)),
    (applications.NASNetMobile, dict(input_shape=(32, 32, 3)), (None, 1, 1, 1056)),
])
def test_include_top_false_shapes(builder, kwargs, shape, cheap_weights):
    model = builder(weights=None, include_top=False, **kwargs)
    assert model.output_shape == shape


def test_forward_pass_mobilenet_with_top():
    model = applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25,
                                   classes=7)
    y = model.predict(np.random.rand(2, 32, 32, 3))
    assert y.shape == (2, 7)
    np.testing.assert_allclose(y.sum(axis=1), 1., rtol=1e-5)


@pytest.mark.parametrize('builder,kwargs', [
    (applications.MobileNetV2, dict(input_shape=(33, 33, 3), alpha=0.35, pooling='avg')),
    (applications.DenseNet121, dict(input_shape=(32, 32, 3), pooling='avg')),
])
def test_forward_pass_features(builder, kwargs):
    model = builder(weights=None, include_top=False, **kwargs)
    y = model.predict(np.random.rand(2, *kwargs["input_shape"]))
    assert y.shape == (2,) + model.output_shape[1:]
    assert np.all(np.isfinite(y))


def test_channels_first_models():
    old = K.image_data_format()
    K.set_image_data_format('channels_first')
    try:
        model = applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                       input_shape=(3, 32, 32))
        assert model.output_shape == (None, 256, 1, 1)
        assert model.predict(np.random.rand(1, 3, 32, 32)).shape == (1, 256, 1, 1)
        with pytest.warns(UserWarning, match='channels_last'):
            nasnet = applications.NASNetMobile(weights=None, include_top=False,
                                               input_shape=(32, 32, 3))
        assert nasnet.input_shape == (None, 32, 32, 3)
        assert K.image_data_format() == 'channels_first'  # restored
    finally:
        K.set_image_data_format(old)


def test_input_tensor():
    inp = Input(shape=(32, 32, 3))
    model = applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                   input_tensor=inp)
    assert model.inputs[0] is inp
    scaled = Lambda(lambda t: t * 2.)(inp)
    model = applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                     input_tensor=scaled, pooling='avg')
    assert model.inputs[0] is inp  # the source input of the given tensor
    assert model.predict(np.random.rand(1, 32, 32, 3)).shape == (1, 1280)
    model = applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                   input_tensor=torch.rand(2, 32, 32, 3), pooling='avg')
    assert model.input_shape == (2, 32, 32, 3)
    assert model.predict(np.random.rand(2, 32, 32, 3)).shape == (2, 256)


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match='weights'):
        applications.VGG16(weights=str(tmp_path / 'missing.h5'))
    with pytest.raises(ValueError, match='classes'):
        applications.ResNet50(weights='imagenet', classes=10)
    with pytest.raises(ValueError, match='static'):
        applications.Xception(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match='at least 75x75'):
        applications.InceptionV3(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match=r'should be \(224, 224, 3\)'):
        applications.DenseNet121(weights='imagenet', input_shape=(200, 200, 3))
    with pytest.raises(ValueError, match='alpha'):
        applications.MobileNet(weights='imagenet', alpha=0.3)
    with pytest.raises(ValueError, match='penultimate_filters'):
        applications.nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=100)
    with pytest.raises(TypeError, match='Invalid keyword argument'):
        applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3), foo=1)


def test_imagenet_without_network_says_which_file_to_put_where(offline, cheap_weights):
    with pytest.raises(data_utils.URLFetchError) as info:
        applications.VGG16(weights='imagenet', include_top=False)
    message = str(info.value)
    fname = 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'
    assert str(offline / fname) in message
    assert applications.vgg16.WEIGHTS_PATH_NO_TOP in message
    assert '6d6bbae143d832006294945121d1f1fc' in message
    with pytest.raises(data_utils.URLFetchError, match='mobilenet_2_5_128_tf.h5'):
        applications.MobileNet(weights='imagenet', alpha=0.25, input_shape=(128, 128, 3))


def test_imagenet_loads_a_cached_file(offline):
    reference = applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                       input_shape=(128, 128, 3))
    offline.mkdir(parents=True)
    reference.save_weights(str(offline / 'mobilenet_2_5_128_tf_no_top.h5'))
    model = applications.MobileNet(weights='imagenet', include_top=False, alpha=0.25,
                                   input_shape=(128, 128, 3))
    for a, b in zip(reference.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_imagenet_cached_file_with_other_hash_is_used_offline(offline):
    reference = applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3),
                                   pooling='avg')
    offline.mkdir(parents=True)
    reference.save_weights(str(offline / 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'))
    with pytest.warns(UserWarning, match='hash'):
        model = applications.VGG16(weights='imagenet', include_top=False,
                                   input_shape=(32, 32, 3), pooling='avg')
    x = np.random.rand(1, 32, 32, 3)
    np.testing.assert_allclose(model.predict(x), reference.predict(x), rtol=1e-5, atol=1e-6)


def test_weights_file_round_trip_and_by_name(tmp_path):
    first = applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25,
                                   classes=5)
    path = str(tmp_path / 'mobilenet.h5')
    first.save_weights(path)
    second = applications.MobileNet(weights=path, input_shape=(32, 32, 3), alpha=0.25,
                                    classes=5)
    x = np.random.rand(2, 32, 32, 3)
    np.testing.assert_allclose(second.predict(x), first.predict(x), rtol=1e-5, atol=1e-6)
    # A feature extractor takes the named layers of the full model's file.
    features = applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                      input_shape=(32, 32, 3))
    features.load_weights(path, by_name=True)
    for a, b in zip(features.get_weights(), first.get_weights()):
        np.testing.assert_array_equal(a, b)
