"""Inception-ResNet v2 (Szegedy et al., "Inception-v4, Inception-ResNet and
the Impact of Residual Connections on Learning", AAAI 2017), as in Keras 2.3.1.

Default input 299x299 (at least 75x75); inputs are preprocessed with
``mode='tf'`` (scaled to ``[-1, 1]``).
"""
from keras import backend as K
from keras.applications import _common, imagenet_utils
from keras.applications.imagenet_utils import _obtain_input_shape, decode_predictions
from keras.layers import (Activation, AveragePooling2D, BatchNormalization, Concatenate,
                          Conv2D, Dense, GlobalAveragePooling2D, Lambda, MaxPooling2D)

__all__ = ['InceptionResNetV2', 'conv2d_bn', 'inception_resnet_block', 'preprocess_input',
           'decode_predictions']

BASE_WEIGHT_URL = ('https://github.com/fchollet/deep-learning-models/'
                   'releases/download/v0.7/')
_FILES = (('inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5',
           'e693bd0210a403b3192acc6073ad2e96'),
          ('inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5',
           'd19885ff4a710c122648d3b5c3b684e4'))


def _axis():
    return 1 if K.image_data_format() == 'channels_first' else 3


def conv2d_bn(x, filters, kernel_size, strides=1, padding='same', activation='relu',
              use_bias=False, name=None):
    """Convolution, then batch norm (no scale; only without bias) and ``activation``.

    With ``name``, the layers are ``name``, ``name + '_bn'`` and ``name + '_ac'``.
    """
    x = Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias,
               name=name)(x)
    if not use_bias:
        x = BatchNormalization(axis=_axis(), scale=False,
                               name=None if name is None else name + '_bn')(x)
    if activation is not None:
        x = Activation(activation, name=None if name is None else name + '_ac')(x)
    return x


def _scaled_residual(inputs, scale):
    """``inputs[0] + scale * inputs[1]`` (the residual connection)."""
    return inputs[0] + inputs[1] * scale


def _branches(x, block_type):
    if block_type == 'block35':
        b0 = conv2d_bn(x, 32, 1)
        b1 = conv2d_bn(conv2d_bn(x, 32, 1), 32, 3)
        b2 = conv2d_bn(x, 32, 1)
        b2 = conv2d_bn(conv2d_bn(b2, 48, 3), 64, 3)
        return [b0, b1, b2]
    if block_type == 'block17':
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7])
        return [b0, conv2d_bn(b1, 192, [7, 1])]
    if block_type == 'block8':
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3])
        return [b0, conv2d_bn(b1, 256, [3, 1])]
    raise ValueError('Unknown Inception-ResNet block type. Expects "block35", "block17" '
                     'or "block8", but got: ' + str(block_type))


def inception_resnet_block(x, scale, block_type, block_idx, activation='relu'):
    """An Inception-ResNet block: ``activation(x + scale * branches(x))``.

    Args:
        x: input tensor.
        scale: scale of the residual branch.
        block_type: ``'block35'``, ``'block17'`` or ``'block8'``.
        block_idx: index in the layer names (``block35_1``...).
        activation: final activation, or ``None``.

    Raises:
        ValueError: unknown ``block_type``.
    """
    branches = _branches(x, block_type)
    block_name = block_type + '_' + str(block_idx)
    mixed = Concatenate(axis=_axis(), name=block_name + '_mixed')(branches)
    up = conv2d_bn(mixed, K.int_shape(x)[_axis()], 1, activation=None, use_bias=True,
                   name=block_name + '_conv')
    x = Lambda(_scaled_residual, output_shape=K.int_shape(x)[1:],
               arguments={'scale': scale}, name=block_name)([x, up])
    if activation is not None:
        x = Activation(activation, name=block_name + '_ac')(x)
    return x


def _stem(img_input):
    x = conv2d_bn(img_input, 32, 3, strides=2, padding='valid')
    x = conv2d_bn(x, 32, 3, padding='valid')
    x = conv2d_bn(x, 64, 3)
    x = MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding='valid')
    x = conv2d_bn(x, 192, 3, padding='valid')
    x = MaxPooling2D(3, strides=2)(x)
    b0 = conv2d_bn(x, 96, 1)
    b1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    b2 = conv2d_bn(x, 64, 1)
    b2 = conv2d_bn(conv2d_bn(b2, 96, 3), 96, 3)
    bp = conv2d_bn(AveragePooling2D(3, strides=1, padding='same')(x), 64, 1)
    return Concatenate(axis=_axis(), name='mixed_5b')([b0, b1, b2, bp])


def _body(x):
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type='block35', block_idx=block_idx)
    b0 = conv2d_bn(x, 384, 3, strides=2, padding='valid')
    b1 = conv2d_bn(conv2d_bn(x, 256, 1), 256, 3)
    b1 = conv2d_bn(b1, 384, 3, strides=2, padding='valid')
    bp = MaxPooling2D(3, strides=2, padding='valid')(x)
    x = Concatenate(axis=_axis(), name='mixed_6a')([b0, b1, bp])
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type='block17', block_idx=block_idx)
    b0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding='valid')
    b1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding='valid')
    b2 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3)
    b2 = conv2d_bn(b2, 320, 3, strides=2, padding='valid')
    bp = MaxPooling2D(3, strides=2, padding='valid')(x)
    x = Concatenate(axis=_axis(), name='mixed_7a')([b0, b1, b2, bp])
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type='block8', block_idx=block_idx)
    x = inception_resnet_block(x, scale=1., activation=None, block_type='block8',
                               block_idx=10)
    return conv2d_bn(x, 1536, 1, name='conv_7b')


def InceptionResNetV2(include_top=True, weights='imagenet', input_tensor=None,
                      input_shape=None, pooling=None, classes=1000, **kwargs):
    """Instantiate Inception-ResNet v2 (55,873,736 parameters with the top).

    Args:
        include_top: whether to include the final dense classifier.
        weights: ``None``, ``'imagenet'`` or a weights file path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: only with ``include_top=False`` (else ``(299, 299, 3)``);
            height and width at least 75.
        pooling: ``None``, ``'avg'`` or ``'max'`` with ``include_top=False``.
        classes: number of classes of the top.

    Returns:
        A ``keras.models.Model`` named ``'inception_resnet_v2'``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=299, min_size=75,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = _body(_stem(img_input))
    if include_top:
        x = GlobalAveragePooling2D(name='avg_pool')(x)
        x = Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _common.pool_features(x, pooling)
    fname, file_hash = _FILES[0 if include_top else 1]
    return _common.finish_model(img_input, input_tensor, x, 'inception_resnet_v2', weights,
                                (fname, BASE_WEIGHT_URL + fname, file_hash))


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='tf'`` (scale to ``[-1, 1]``)."""
    return imagenet_utils.preprocess_input(x, mode='tf', **kwargs)
