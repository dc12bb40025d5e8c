"""Inception V3 (Szegedy et al., "Rethinking the Inception Architecture for
Computer Vision", CVPR 2016), as in Keras 2.3.1.

Default input 299x299 (at least 75x75); inputs are preprocessed with
``mode='tf'`` (scaled to ``[-1, 1]``).
"""
from keras import backend as K
from keras.applications import _common, imagenet_utils
from keras.applications.imagenet_utils import _obtain_input_shape, decode_predictions
from keras.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense,
                          GlobalAveragePooling2D, MaxPooling2D, concatenate)

__all__ = ['InceptionV3', 'conv2d_bn', 'preprocess_input', 'decode_predictions']

WEIGHTS_PATH = ('https://github.com/fchollet/deep-learning-models/'
                'releases/download/v0.5/'
                'inception_v3_weights_tf_dim_ordering_tf_kernels.h5')
WEIGHTS_PATH_NO_TOP = ('https://github.com/fchollet/deep-learning-models/'
                       'releases/download/v0.5/'
                       'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5')
_FILES = (('inception_v3_weights_tf_dim_ordering_tf_kernels.h5', WEIGHTS_PATH,
           '9a0d58056eeedaa3f26cb7ebd46da564'),
          ('inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5', WEIGHTS_PATH_NO_TOP,
           'bcbd6486424b2319ff4ef7d526e38f63'))


def conv2d_bn(x, filters, num_row, num_col, padding='same', strides=(1, 1), name=None):
    """Convolution (no bias), batch norm (no scale) and ReLU.

    With ``name``, the layers are ``name + '_conv'``, ``name + '_bn'`` and
    ``name``.
    """
    bn_axis = 1 if K.image_data_format() == 'channels_first' else 3
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
               use_bias=False, name=None if name is None else name + '_conv')(x)
    x = BatchNormalization(axis=bn_axis, scale=False,
                           name=None if name is None else name + '_bn')(x)
    return Activation('relu', name=name)(x)


def _avg_branch(x, filters):
    pooled = AveragePooling2D((3, 3), strides=(1, 1), padding='same')(x)
    return conv2d_bn(pooled, filters, 1, 1)


def _block_35(x, pool_filters, name, axis):
    """Mixed 0-2: 35 x 35 blocks."""
    branch1x1 = conv2d_bn(x, 64, 1, 1)
    branch5x5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    branch3x3dbl = conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch_pool = _avg_branch(x, pool_filters)
    return concatenate([branch1x1, branch5x5, branch3x3dbl, branch_pool], axis=axis,
                       name=name)


def _block_17(x, width, name, axis):
    """Mixed 4-7: 17 x 17 blocks with factorised 7x7 convolutions."""
    branch1x1 = conv2d_bn(x, 192, 1, 1)
    branch7x7 = conv2d_bn(x, width, 1, 1)
    branch7x7 = conv2d_bn(branch7x7, width, 1, 7)
    branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
    branch7x7dbl = conv2d_bn(x, width, 1, 1)
    for rows, cols in ((7, 1), (1, 7), (7, 1)):
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, rows, cols)
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
    branch_pool = _avg_branch(x, 192)
    return concatenate([branch1x1, branch7x7, branch7x7dbl, branch_pool], axis=axis,
                       name=name)


def _block_8(x, i, axis):
    """Mixed 9-10: 8 x 8 blocks with split 1x3 / 3x1 branches."""
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = concatenate([conv2d_bn(branch3x3, 384, 1, 3),
                             conv2d_bn(branch3x3, 384, 3, 1)],
                            axis=axis, name='mixed9_' + str(i))
    branch3x3dbl = conv2d_bn(x, 448, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 384, 3, 3)
    branch3x3dbl = concatenate([conv2d_bn(branch3x3dbl, 384, 1, 3),
                                conv2d_bn(branch3x3dbl, 384, 3, 1)], axis=axis)
    branch_pool = _avg_branch(x, 192)
    return concatenate([branch1x1, branch3x3, branch3x3dbl, branch_pool], axis=axis,
                       name='mixed' + str(9 + i))


def _reductions_and_tail(x, axis):
    x = _block_35(x, 32, 'mixed0', axis)
    x = _block_35(x, 64, 'mixed1', axis)
    x = _block_35(x, 64, 'mixed2', axis)
    # mixed 3: 17 x 17 x 768
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding='valid')
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding='valid')
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = concatenate([branch3x3, branch3x3dbl, branch_pool], axis=axis, name='mixed3')
    for width, name in ((128, 'mixed4'), (160, 'mixed5'), (160, 'mixed6'), (192, 'mixed7')):
        x = _block_17(x, width, name, axis)
    # mixed 8: 8 x 8 x 1280
    branch3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2),
                          padding='valid')
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding='valid')
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = concatenate([branch3x3, branch7x7x3, branch_pool], axis=axis, name='mixed8')
    for i in range(2):
        x = _block_8(x, i, axis)
    return x


def InceptionV3(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000, **kwargs):
    """Instantiate Inception V3 (23,851,784 parameters with the top).

    Args:
        include_top: whether to include the final dense classifier.
        weights: ``None``, ``'imagenet'`` or a weights file path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: only with ``include_top=False`` (else ``(299, 299, 3)``);
            height and width at least 75.
        pooling: ``None``, ``'avg'`` or ``'max'`` with ``include_top=False``.
        classes: number of classes of the top.

    Returns:
        A ``keras.models.Model`` named ``'inception_v3'``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=299, min_size=75,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    axis = 1 if K.image_data_format() == 'channels_first' else 3
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding='valid')
    x = conv2d_bn(x, 32, 3, 3, padding='valid')
    x = conv2d_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding='valid')
    x = conv2d_bn(x, 192, 3, 3, padding='valid')
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _reductions_and_tail(x, axis)
    if include_top:
        x = GlobalAveragePooling2D(name='avg_pool')(x)
        x = Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _common.pool_features(x, pooling)
    return _common.finish_model(img_input, input_tensor, x, 'inception_v3', weights,
                                _FILES[0 if include_top else 1])


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='tf'`` (scale to ``[-1, 1]``)."""
    return imagenet_utils.preprocess_input(x, mode='tf', **kwargs)
