"""NASNet-A (Zoph et al., "Learning Transferable Architectures for Scalable
Image Recognition", CVPR 2018): NASNetMobile (224x224) and NASNetLarge
(331x331), as in Keras 2.3.1.

NASNet is built channels-last only (with a warning when the configured data
format is channels-first).  Inputs are preprocessed with ``mode='tf'``.
"""
import warnings

from keras import backend as K
from keras.applications import _common, imagenet_utils
from keras.applications._common import correct_pad
from keras.applications.imagenet_utils import _obtain_input_shape, decode_predictions
from keras.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D,
                          Cropping2D, Dense, GlobalAveragePooling2D, MaxPooling2D,
                          SeparableConv2D, ZeroPadding2D, add, concatenate)

__all__ = ['NASNet', 'NASNetMobile', 'NASNetLarge', 'preprocess_input',
           'decode_predictions']

BASE_WEIGHTS_PATH = ('https://github.com/titu1994/Keras-NASNet/releases/download/v1.2/')
NASNET_MOBILE_WEIGHT_PATH = BASE_WEIGHTS_PATH + 'NASNet-mobile.h5'
NASNET_MOBILE_WEIGHT_PATH_NO_TOP = BASE_WEIGHTS_PATH + 'NASNet-mobile-no-top.h5'
NASNET_LARGE_WEIGHT_PATH = BASE_WEIGHTS_PATH + 'NASNet-large.h5'
NASNET_LARGE_WEIGHT_PATH_NO_TOP = BASE_WEIGHTS_PATH + 'NASNet-large-no-top.h5'
# default size -> ((file, URL, hash) with top, without top)
_FILES = {
    224: (('nasnet_mobile.h5', NASNET_MOBILE_WEIGHT_PATH, '020fb642bf7360b370c678b08e0adf61'),
          ('nasnet_mobile_no_top.h5', NASNET_MOBILE_WEIGHT_PATH_NO_TOP,
           '1ed92395b5b598bdda52abe5c0dbfd63')),
    331: (('nasnet_large.h5', NASNET_LARGE_WEIGHT_PATH, '11577c9a518f0070763c2b964a382f17'),
          ('nasnet_large_no_top.h5', NASNET_LARGE_WEIGHT_PATH_NO_TOP,
           'd81d89dc07e6e56530c4e77faddd61b5')),
}
_CHANNELS_FIRST_WARNING = (
    'The NASNet family of models is only available for the input data format '
    '"channels_last" (width, height, channels). However your settings specify the default '
    'data format "channels_first" (channels, width, height). You should set '
    '`image_data_format="channels_last"` in your Keras config located at '
    '~/.keras/keras.json. The model being returned right now will expect inputs to follow '
    'the "channels_last" data format.')


def _bn(x, name=None):
    return BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)(x)


def _conv1x1(x, filters, name):
    return Conv2D(filters, (1, 1), strides=(1, 1), padding='same', use_bias=False,
                  name=name, kernel_initializer='he_normal')(x)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two [ReLU, separable convolution, batch norm] blocks."""
    x = Activation('relu')(ip)
    if strides == (2, 2):
        x = ZeroPadding2D(padding=correct_pad(x, kernel_size),
                          name='separable_conv_1_pad_%s' % block_id)(x)
        conv_pad = 'valid'
    else:
        conv_pad = 'same'
    x = SeparableConv2D(filters, kernel_size, strides=strides,
                        name='separable_conv_1_%s' % block_id, padding=conv_pad,
                        use_bias=False, kernel_initializer='he_normal')(x)
    x = _bn(x, 'separable_conv_1_bn_%s' % block_id)
    x = Activation('relu')(x)
    x = SeparableConv2D(filters, kernel_size, name='separable_conv_2_%s' % block_id,
                        padding='same', use_bias=False, kernel_initializer='he_normal')(x)
    return _bn(x, 'separable_conv_2_bn_%s' % block_id)


def _halve(p, filters, block_id, index, shift):
    """One half of the factorised reduction of the previous path."""
    if shift:
        p = ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p = Cropping2D(cropping=((1, 0), (1, 0)))(p)
    p = AveragePooling2D((1, 1), strides=(2, 2), padding='valid',
                         name='adjust_avg_pool_%d_%s' % (index, block_id))(p)
    return Conv2D(filters // 2, (1, 1), padding='same', use_bias=False,
                  name='adjust_conv_%d_%s' % (index, block_id),
                  kernel_initializer='he_normal')(p)


def _adjust_block(p, ip, filters, block_id=None):
    """Match the previous path ``p`` to the size and filters of ``ip``."""
    if p is None:
        return ip
    p_shape, ip_shape = K.int_shape(p), K.int_shape(ip)
    if p_shape[-2] != ip_shape[-2]:
        p = Activation('relu', name='adjust_relu_1_%s' % block_id)(p)
        p1 = _halve(p, filters, block_id, 1, shift=False)
        p2 = _halve(p, filters, block_id, 2, shift=True)
        p = concatenate([p1, p2], axis=-1)
        return _bn(p, 'adjust_bn_%s' % block_id)
    if p_shape[-1] != filters:
        p = Activation('relu')(p)
        p = _conv1x1(p, filters, 'adjust_conv_projection_%s' % block_id)
        return _bn(p, 'adjust_bn_%s' % block_id)
    return p


def _cell_input(ip, p, filters, kind, block_id):
    p = _adjust_block(p, ip, filters, block_id)
    h = Activation('relu')(ip)
    h = _conv1x1(h, filters, '%s_conv_1_%s' % (kind, block_id))
    return p, _bn(h, '%s_bn_1_%s' % (kind, block_id))


def _avg3(x, strides, name):
    return AveragePooling2D((3, 3), strides=strides,
                            padding='same' if strides == (1, 1) else 'valid', name=name)(x)


def _normal_a_cell(ip, p, filters, block_id=None):
    """A NASNet-A normal cell (Fig. 4 of the paper); returns ``(x, ip)``."""
    p, h = _cell_input(ip, p, filters, 'normal', block_id)
    x1_1 = _separable_conv_block(h, filters, kernel_size=(5, 5),
                                 block_id='normal_left1_%s' % block_id)
    x1_2 = _separable_conv_block(p, filters, block_id='normal_right1_%s' % block_id)
    x1 = add([x1_1, x1_2], name='normal_add_1_%s' % block_id)
    x2_1 = _separable_conv_block(p, filters, (5, 5), block_id='normal_left2_%s' % block_id)
    x2_2 = _separable_conv_block(p, filters, (3, 3), block_id='normal_right2_%s' % block_id)
    x2 = add([x2_1, x2_2], name='normal_add_2_%s' % block_id)
    x3 = _avg3(h, (1, 1), 'normal_left3_%s' % block_id)
    x3 = add([x3, p], name='normal_add_3_%s' % block_id)
    x4_1 = _avg3(p, (1, 1), 'normal_left4_%s' % block_id)
    x4_2 = _avg3(p, (1, 1), 'normal_right4_%s' % block_id)
    x4 = add([x4_1, x4_2], name='normal_add_4_%s' % block_id)
    x5 = _separable_conv_block(h, filters, block_id='normal_left5_%s' % block_id)
    x5 = add([x5, h], name='normal_add_5_%s' % block_id)
    x = concatenate([p, x1, x2, x3, x4, x5], axis=-1, name='normal_concat_%s' % block_id)
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    """A NASNet-A reduction cell (Fig. 4 of the paper); returns ``(x, ip)``."""
    p, h = _cell_input(ip, p, filters, 'reduction', block_id)
    h3 = ZeroPadding2D(padding=correct_pad(h, 3), name='reduction_pad_1_%s' % block_id)(h)
    x1_1 = _separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                                 block_id='reduction_left1_%s' % block_id)
    x1_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                 block_id='reduction_right1_%s' % block_id)
    x1 = add([x1_1, x1_2], name='reduction_add_1_%s' % block_id)
    x2_1 = MaxPooling2D((3, 3), strides=(2, 2), padding='valid',
                        name='reduction_left2_%s' % block_id)(h3)
    x2_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                 block_id='reduction_right2_%s' % block_id)
    x2 = add([x2_1, x2_2], name='reduction_add_2_%s' % block_id)
    x3_1 = _avg3(h3, (2, 2), 'reduction_left3_%s' % block_id)
    x3_2 = _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                 block_id='reduction_right3_%s' % block_id)
    x3 = add([x3_1, x3_2], name='reduction_add3_%s' % block_id)
    x4 = _avg3(x1, (1, 1), 'reduction_left4_%s' % block_id)
    x4 = add([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3),
                                 block_id='reduction_left4_%s' % block_id)
    x5_2 = MaxPooling2D((3, 3), strides=(2, 2), padding='valid',
                        name='reduction_right5_%s' % block_id)(h3)
    x5 = add([x5_1, x5_2], name='reduction_add4_%s' % block_id)
    x = concatenate([x2, x3, x4, x5], axis=-1, name='reduction_concat_%s' % block_id)
    return x, ip


def _cells(x, num_blocks, filters, multiplier, skip_reduction):
    p = None
    x, p = _reduction_a_cell(x, p, filters // (multiplier ** 2), block_id='stem_1')
    x, p = _reduction_a_cell(x, p, filters // multiplier, block_id='stem_2')
    for stage in range(3):
        if stage:
            x, p0 = _reduction_a_cell(x, p, filters * multiplier ** stage,
                                      block_id='reduce_%d' % (stage * num_blocks))
            p = p if skip_reduction else p0
        first_id = stage * num_blocks + (1 if stage else 0)
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, filters * multiplier ** stage,
                                  block_id='%d' % (first_id + i))
    return Activation('relu')(x)


def _check_nasnet_args(input_shape, weights, penultimate_filters, filter_multiplier):
    if (isinstance(input_shape, tuple) and None in input_shape and weights == 'imagenet'):
        raise ValueError('When specifying the input shape of a NASNet and loading '
                         '`ImageNet` weights, the input_shape argument must be static (no '
                         'None entries). Got: `input_shape=' + str(input_shape) + '`.')
    if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
        raise ValueError('For NASNet-A models, the `penultimate_filters` must be a multiple '
                         'of 24 * (`filter_multiplier` ** 2). Current value: %d'
                         % penultimate_filters)


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights=None,
           input_tensor=None, pooling=None, classes=1000, default_size=None, **kwargs):
    """Instantiate a NASNet-A model.

    Args:
        input_shape: static shape (no ``None``: NASNet needs a fixed size);
            height and width at least 32.
        penultimate_filters: filters of the penultimate layer (a multiple of
            ``24 * filter_multiplier ** 2``).
        num_blocks: normal cells per stage.
        stem_block_filters: filters of the stem convolution.
        skip_reduction: whether reduction cells feed the next stage's first cell.
        filter_multiplier: filter growth between stages.
        include_top, weights, input_tensor, pooling, classes: as for the
            other applications.
        default_size: default input size (224 mobile, 331 large).

    Returns:
        A ``keras.models.Model`` named ``'NASNet'``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    _check_nasnet_args(input_shape, weights, penultimate_filters, filter_multiplier)
    default_size = default_size or 331
    # The model is channels-last whatever the configured format (Keras 2.3.1
    # read `input_shape` in the configured format and built a broken model).
    input_shape = _obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                      data_format='channels_last',
                                      require_flatten=True, weights=weights)
    old_data_format = None
    if K.image_data_format() != 'channels_last':
        warnings.warn(_CHANNELS_FIRST_WARNING)
        old_data_format = K.image_data_format()
        K.set_image_data_format('channels_last')
    try:
        img_input = _common.image_input(input_tensor, input_shape)
        filters = penultimate_filters // 24
        x = Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding='valid',
                   use_bias=False, name='stem_conv1', kernel_initializer='he_normal')(img_input)
        x = _bn(x, 'stem_bn1')
        x = _cells(x, num_blocks, filters, filter_multiplier, skip_reduction)
        if include_top:
            x = GlobalAveragePooling2D()(x)
            x = Dense(classes, activation='softmax', name='predictions')(x)
        else:
            x = _common.pool_features(x, pooling)
        files = _FILES.get(default_size)
        if weights == 'imagenet' and files is None:
            raise ValueError('ImageNet weights can only be loaded with NASNetLarge or '
                             'NASNetMobile')
        imagenet = files[0 if include_top else 1] if files else None
        return _common.finish_model(img_input, input_tensor, x, 'NASNet', weights, imagenet)
    finally:
        if old_data_format:
            K.set_image_data_format(old_data_format)


def NASNetLarge(input_shape=None, include_top=True, weights='imagenet', input_tensor=None,
                pooling=None, classes=1000, **kwargs):
    """NASNet-A Large, 331x331 (88,949,818 parameters with the top); see :func:`NASNet`."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6,
                  stem_block_filters=96, skip_reduction=True, filter_multiplier=2,
                  include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=331, **kwargs)


def NASNetMobile(input_shape=None, include_top=True, weights='imagenet', input_tensor=None,
                 pooling=None, classes=1000, **kwargs):
    """NASNet-A Mobile, 224x224 (5,326,716 parameters with the top); see :func:`NASNet`."""
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4,
                  stem_block_filters=32, skip_reduction=False, filter_multiplier=2,
                  include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=224, **kwargs)


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='tf'`` (scale to ``[-1, 1]``)."""
    return imagenet_utils.preprocess_input(x, mode='tf', **kwargs)
