"""MobileNet v1 (Howard et al., "MobileNets: Efficient Convolutional Neural
Networks for Mobile Vision Applications", 2017), as in Keras 2.3.1.

``alpha`` (width multiplier) scales every layer's filters; ImageNet weights
exist for ``alpha`` in 0.25, 0.50, 0.75, 1.0 and square inputs of 128, 160,
192 or 224 pixels.  Inputs are preprocessed with ``mode='tf'``.
"""
import warnings

from keras import backend as K
from keras.applications import _common, imagenet_utils
from keras.applications.imagenet_utils import _obtain_input_shape, decode_predictions
from keras.layers import (Activation, BatchNormalization, Conv2D, DepthwiseConv2D, Dropout,
                          GlobalAveragePooling2D, ReLU, Reshape, ZeroPadding2D)

__all__ = ['MobileNet', 'preprocess_input', 'decode_predictions']

BASE_WEIGHT_PATH = ('https://github.com/fchollet/deep-learning-models/'
                    'releases/download/v0.6/')
_SIZES = (128, 160, 192, 224)
_ALPHA_TEXT = {1.0: '1_0', 0.75: '7_5', 0.50: '5_0', 0.25: '2_5'}
# (pointwise filters, strides) of depthwise blocks 1..13.
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    """The stem: padding, strided convolution, batch norm and ReLU6."""
    axis = _common.channel_axis()
    filters = int(filters * alpha)
    x = ZeroPadding2D(padding=((0, 1), (0, 1)), name='conv1_pad')(inputs)
    x = Conv2D(filters, kernel, padding='valid', use_bias=False, strides=strides,
               name='conv1')(x)
    x = BatchNormalization(axis=axis, name='conv1_bn')(x)
    return ReLU(6., name='conv1_relu')(x)


def _depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier=1,
                          strides=(1, 1), block_id=1):
    """Depthwise 3x3 convolution, BN, ReLU6, pointwise 1x1 convolution, BN, ReLU6."""
    axis = _common.channel_axis()
    pointwise_conv_filters = int(pointwise_conv_filters * alpha)
    if strides == (1, 1):
        x = inputs
    else:
        x = ZeroPadding2D(((0, 1), (0, 1)), name='conv_pad_%d' % block_id)(inputs)
    x = DepthwiseConv2D((3, 3), padding='same' if strides == (1, 1) else 'valid',
                        depth_multiplier=depth_multiplier, strides=strides,
                        use_bias=False, name='conv_dw_%d' % block_id)(x)
    x = BatchNormalization(axis=axis, name='conv_dw_%d_bn' % block_id)(x)
    x = ReLU(6., name='conv_dw_%d_relu' % block_id)(x)
    x = Conv2D(pointwise_conv_filters, (1, 1), padding='same', use_bias=False,
               strides=(1, 1), name='conv_pw_%d' % block_id)(x)
    x = BatchNormalization(axis=axis, name='conv_pw_%d_bn' % block_id)(x)
    return ReLU(6., name='conv_pw_%d_relu' % block_id)(x)


def _spatial(input_shape):
    if K.image_data_format() == 'channels_first':
        return input_shape[1], input_shape[2]
    return input_shape[0], input_shape[1]


def _imagenet_rows(weights, alpha, depth_multiplier, rows, cols):
    """Check the ImageNet constraints; the input size whose weights to load."""
    if weights != 'imagenet':
        return rows
    if depth_multiplier != 1:
        raise ValueError('If imagenet weights are being loaded, depth multiplier must be 1')
    if alpha not in _ALPHA_TEXT:
        raise ValueError('If imagenet weights are being loaded, alpha can be one of '
                         '`0.25`, `0.50`, `0.75` or `1.0` only.')
    if rows != cols or rows not in _SIZES:
        warnings.warn('`input_shape` is undefined or non-square, or `rows` is not in '
                      '[128, 160, 192, 224]. Weights for input shape (224, 224) will be '
                      'loaded as the default.')
        return 224
    return rows


def _classifier(x, alpha, dropout, classes):
    if K.image_data_format() == 'channels_first':
        shape = (int(1024 * alpha), 1, 1)
    else:
        shape = (1, 1, int(1024 * alpha))
    x = GlobalAveragePooling2D()(x)
    x = Reshape(shape, name='reshape_1')(x)
    x = Dropout(dropout, name='dropout')(x)
    x = Conv2D(classes, (1, 1), padding='same', name='conv_preds')(x)
    x = Reshape((classes,), name='reshape_2')(x)
    return Activation('softmax', name='act_softmax')(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,
              include_top=True, weights='imagenet', input_tensor=None, pooling=None,
              classes=1000, **kwargs):
    """Instantiate MobileNet (4,253,864 parameters with ``alpha=1`` and the top).

    Args:
        input_shape: only with ``include_top=False`` or a supported square
            size (else ``(224, 224, 3)``); height and width at least 32.
        alpha: width multiplier of every layer's filters.
        depth_multiplier: depthwise channel multiplier (resolution multiplier).
        dropout: dropout rate before the classifier.
        include_top: whether to include the classifier.
        weights: ``None``, ``'imagenet'`` or a weights file path.
        input_tensor: optional Keras tensor to use as the image input.
        pooling: ``None``, ``'avg'`` or ``'max'`` with ``include_top=False``.
        classes: number of classes of the top.

    Returns:
        A ``keras.models.Model`` named like ``'mobilenet_1.00_224'``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    default_size = 224
    if input_shape is not None:
        rows, cols = _spatial(input_shape)
        if rows == cols and rows in _SIZES:
            default_size = rows
    input_shape = _obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    rows = _imagenet_rows(weights, alpha, depth_multiplier, *_spatial(input_shape))
    img_input = _common.image_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                  strides=(stride, stride), block_id=block_id)
    if include_top:
        x = _classifier(x, alpha, dropout, classes)
    else:
        x = _common.pool_features(x, pooling)
    imagenet = None
    if weights == 'imagenet':
        suffix = '' if include_top else '_no_top'
        fname = 'mobilenet_%s_%d_tf%s.h5' % (_ALPHA_TEXT[alpha], rows, suffix)
        imagenet = (fname, BASE_WEIGHT_PATH + fname, None)
    return _common.finish_model(img_input, input_tensor, x,
                                'mobilenet_%0.2f_%s' % (alpha, rows), weights, imagenet)


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='tf'`` (scale to ``[-1, 1]``)."""
    return imagenet_utils.preprocess_input(x, mode='tf', **kwargs)
