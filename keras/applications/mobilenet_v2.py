"""MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
Bottlenecks", CVPR 2018), as in Keras 2.3.1.

ImageNet weights exist for ``alpha`` in 0.35, 0.5, 0.75, 1.0, 1.3, 1.4 and
square inputs of 96, 128, 160, 192 or 224 pixels.  Inputs are preprocessed
with ``mode='tf'``.
"""
import warnings

from keras import backend as K
from keras.applications import _common, imagenet_utils
from keras.applications._common import correct_pad
from keras.applications.imagenet_utils import _obtain_input_shape, decode_predictions
from keras.layers import (Add, BatchNormalization, Conv2D, Dense, DepthwiseConv2D,
                          GlobalAveragePooling2D, ReLU, ZeroPadding2D)

__all__ = ['MobileNetV2', 'preprocess_input', 'decode_predictions']

BASE_WEIGHT_PATH = ('https://github.com/JonathanCMitchell/mobilenet_v2_keras/'
                    'releases/download/v1.1/')
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of inverted residual blocks 0..16.
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _make_divisible(v, divisor, min_value=None):
    """Round ``v`` to a multiple of ``divisor``, never losing more than 10%."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _bn(x, name):
    return BatchNormalization(axis=_common.channel_axis(), epsilon=1e-3, momentum=0.999,
                              name=name)(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand (1x1), depthwise 3x3, project (1x1); add the input when shapes agree."""
    in_channels = K.int_shape(inputs)[_common.channel_axis()]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = 'block_{}_'.format(block_id)
    if block_id:
        x = Conv2D(expansion * in_channels, kernel_size=1, padding='same', use_bias=False,
                   activation=None, name=prefix + 'expand')(x)
        x = ReLU(6., name=prefix + 'expand_relu')(_bn(x, prefix + 'expand_BN'))
    else:
        prefix = 'expanded_conv_'
    if stride == 2:
        x = ZeroPadding2D(padding=correct_pad(x, 3), name=prefix + 'pad')(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                        padding='same' if stride == 1 else 'valid',
                        name=prefix + 'depthwise')(x)
    x = ReLU(6., name=prefix + 'depthwise_relu')(_bn(x, prefix + 'depthwise_BN'))
    x = Conv2D(pointwise_filters, kernel_size=1, padding='same', use_bias=False,
               activation=None, name=prefix + 'project')(x)
    x = _bn(x, prefix + 'project_BN')
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=prefix + 'add')([inputs, x])
    return x


def _spatial(shape):
    """(rows, cols) of a shape without the batch axis."""
    if K.image_data_format() == 'channels_first':
        return shape[1], shape[2]
    return shape[0], shape[1]


def _default_size(input_shape, input_tensor):
    """The input size implied by ``input_shape`` or a Keras ``input_tensor``."""
    if input_shape is not None and input_tensor is not None:
        if not K.is_keras_tensor(input_tensor):
            raise ValueError('input_tensor specified: %r is not a keras tensor'
                             % (input_tensor,))
        if _spatial(K.int_shape(input_tensor)[1:]) != tuple(_spatial(input_shape)):
            raise ValueError('input_shape: %s and input_tensor: %r do not meet the same '
                             'shape requirements' % (input_shape, input_tensor))
    if input_shape is not None:
        rows, cols = _spatial(input_shape)
    elif input_tensor is not None and K.is_keras_tensor(input_tensor):
        rows, cols = _spatial(K.int_shape(input_tensor)[1:])
    else:
        return 224
    return rows if rows == cols and rows in _SIZES else 224


def _imagenet_rows(weights, alpha, rows, cols):
    if weights != 'imagenet':
        return rows
    if alpha not in _ALPHAS:
        raise ValueError('If imagenet weights are being loaded, alpha can be one of '
                         '`0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only.')
    if rows != cols or rows not in _SIZES:
        warnings.warn('`input_shape` is undefined or non-square, or `rows` is not in '
                      '[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will '
                      'be loaded as the default.')
        return 224
    return rows


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights='imagenet',
                input_tensor=None, pooling=None, classes=1000, **kwargs):
    """Instantiate MobileNetV2 (3,538,984 parameters with ``alpha=1`` and the top).

    Args:
        input_shape: only with ``include_top=False`` or a supported square
            size (else ``(224, 224, 3)``); height and width at least 32.
        alpha: width multiplier of every layer's filters.
        include_top: whether to include the classifier.
        weights: ``None``, ``'imagenet'`` or a weights file path.
        input_tensor: optional Keras tensor to use as the image input.
        pooling: ``None``, ``'avg'`` or ``'max'`` with ``include_top=False``.
        classes: number of classes of the top.

    Returns:
        A ``keras.models.Model`` named like ``'mobilenetv2_1.00_224'``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape,
                                      default_size=_default_size(input_shape, input_tensor),
                                      min_size=32, data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    rows = _imagenet_rows(weights, alpha, *_spatial(input_shape))
    img_input = _common.image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=correct_pad(img_input, 3), name='Conv1_pad')(img_input)
    x = Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
               padding='valid', use_bias=False, name='Conv1')(x)
    x = ReLU(6., name='Conv1_relu')(_bn(x, 'bn_Conv1'))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id)
    last_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_filters, kernel_size=1, use_bias=False, name='Conv_1')(x)
    x = ReLU(6., name='out_relu')(_bn(x, 'Conv_1_bn'))
    if include_top:
        x = GlobalAveragePooling2D()(x)
        x = Dense(classes, activation='softmax', use_bias=True, name='Logits')(x)
    else:
        x = _common.pool_features(x, pooling)
    imagenet = None
    if weights == 'imagenet':
        fname = ('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_' + str(alpha) + '_' +
                 str(rows) + ('' if include_top else '_no_top') + '.h5')
        imagenet = (fname, BASE_WEIGHT_PATH + fname, None)
    return _common.finish_model(img_input, input_tensor, x,
                                'mobilenetv2_%0.2f_%s' % (alpha, rows), weights, imagenet)


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='tf'`` (scale to ``[-1, 1]``)."""
    return imagenet_utils.preprocess_input(x, mode='tf', **kwargs)
