"""Xception (Chollet, "Xception: Deep Learning with Depthwise Separable
Convolutions", CVPR 2017), as in Keras 2.3.1.

Default input 299x299 (at least 71x71); inputs are preprocessed with
``mode='tf'`` (scaled to ``[-1, 1]``).
"""
from keras import backend as K
from keras.applications import _common, imagenet_utils
from keras.applications.imagenet_utils import _obtain_input_shape, decode_predictions
from keras.layers import (Activation, BatchNormalization, Conv2D, Dense,
                          GlobalAveragePooling2D, MaxPooling2D, SeparableConv2D, add)

__all__ = ['Xception', 'preprocess_input', 'decode_predictions']

TF_WEIGHTS_PATH = ('https://github.com/fchollet/deep-learning-models/'
                   'releases/download/v0.4/'
                   'xception_weights_tf_dim_ordering_tf_kernels.h5')
TF_WEIGHTS_PATH_NO_TOP = ('https://github.com/fchollet/deep-learning-models/'
                          'releases/download/v0.4/'
                          'xception_weights_tf_dim_ordering_tf_kernels_notop.h5')
_FILES = (('xception_weights_tf_dim_ordering_tf_kernels.h5', TF_WEIGHTS_PATH,
           '0a58e3b7378bc2990ea3b43d5981f1f6'),
          ('xception_weights_tf_dim_ordering_tf_kernels_notop.h5', TF_WEIGHTS_PATH_NO_TOP,
           'b0042744bf5b25fce3cb969f33bebb97'))


def _sep_bn(x, filters, name, axis):
    x = SeparableConv2D(filters, (3, 3), padding='same', use_bias=False, name=name)(x)
    return BatchNormalization(axis=axis, name=name + '_bn')(x)


def _residual(x, filters, axis):
    r = Conv2D(filters, (1, 1), strides=(2, 2), padding='same', use_bias=False)(x)
    return BatchNormalization(axis=axis)(r)


def _entry_block(x, block, filters, axis, first_relu=True):
    """Blocks 2-4 and 13: two separable convolutions, pooling, strided shortcut."""
    prefix = 'block%d' % block
    residual = _residual(x, filters[-1], axis)
    if first_relu:
        x = Activation('relu', name=prefix + '_sepconv1_act')(x)
    x = _sep_bn(x, filters[0], prefix + '_sepconv1', axis)
    x = Activation('relu', name=prefix + '_sepconv2_act')(x)
    x = _sep_bn(x, filters[1], prefix + '_sepconv2', axis)
    x = MaxPooling2D((3, 3), strides=(2, 2), padding='same', name=prefix + '_pool')(x)
    return add([x, residual])


def _middle_block(x, block, axis):
    """Blocks 5-12: three ReLU + separable convolutions and an identity shortcut."""
    residual = x
    prefix = 'block%d' % block
    for i in (1, 2, 3):
        x = Activation('relu', name=prefix + '_sepconv%d_act' % i)(x)
        x = _sep_bn(x, 728, prefix + '_sepconv%d' % i, axis)
    return add([x, residual])


def _flow(img_input, axis):
    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name='block1_conv1')(img_input)
    x = BatchNormalization(axis=axis, name='block1_conv1_bn')(x)
    x = Activation('relu', name='block1_conv1_act')(x)
    x = Conv2D(64, (3, 3), use_bias=False, name='block1_conv2')(x)
    x = BatchNormalization(axis=axis, name='block1_conv2_bn')(x)
    x = Activation('relu', name='block1_conv2_act')(x)
    x = _entry_block(x, 2, (128, 128), axis, first_relu=False)
    x = _entry_block(x, 3, (256, 256), axis)
    x = _entry_block(x, 4, (728, 728), axis)
    for block in range(5, 13):
        x = _middle_block(x, block, axis)
    x = _entry_block(x, 13, (728, 1024), axis)
    x = _sep_bn(x, 1536, 'block14_sepconv1', axis)
    x = Activation('relu', name='block14_sepconv1_act')(x)
    x = _sep_bn(x, 2048, 'block14_sepconv2', axis)
    return Activation('relu', name='block14_sepconv2_act')(x)


def Xception(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
             pooling=None, classes=1000, **kwargs):
    """Instantiate Xception (22,910,480 parameters with the top).

    Args:
        include_top: whether to include the final dense classifier.
        weights: ``None``, ``'imagenet'`` or a weights file path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: only with ``include_top=False`` (else ``(299, 299, 3)``);
            height and width at least 71.
        pooling: ``None``, ``'avg'`` or ``'max'`` with ``include_top=False``.
        classes: number of classes of the top.

    Returns:
        A ``keras.models.Model`` named ``'xception'``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=299, min_size=71,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = _flow(img_input, _common.channel_axis())
    if include_top:
        x = GlobalAveragePooling2D(name='avg_pool')(x)
        x = Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _common.pool_features(x, pooling)
    return _common.finish_model(img_input, input_tensor, x, 'xception', weights,
                                _FILES[0 if include_top else 1])


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='tf'`` (scale to ``[-1, 1]``)."""
    return imagenet_utils.preprocess_input(x, mode='tf', **kwargs)
