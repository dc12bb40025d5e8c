"""DenseNet121, DenseNet169 and DenseNet201 (Huang et al., "Densely Connected
Convolutional Networks", CVPR 2017), as in Keras 2.3.1.

Inputs are preprocessed with ``mode='torch'`` (``[0, 1]`` then per-channel
ImageNet mean and standard deviation).
"""
from keras import backend as K
from keras.applications import _common, imagenet_utils
from keras.applications.imagenet_utils import _obtain_input_shape, decode_predictions
from keras.layers import (Activation, AveragePooling2D, BatchNormalization, Concatenate,
                          Conv2D, Dense, GlobalAveragePooling2D, MaxPooling2D,
                          ZeroPadding2D)

__all__ = ['DenseNet', 'DenseNet121', 'DenseNet169', 'DenseNet201', 'dense_block',
           'transition_block', 'conv_block', 'preprocess_input', 'decode_predictions']

BASE_WEIGTHS_PATH = ('https://github.com/keras-team/keras-applications/'
                     'releases/download/densenet/')
# blocks -> (model name, hash with top, hash without top)
_VARIANTS = {
    (6, 12, 24, 16): ('densenet121', '9d60b8095a5708f2dcce2bca79d332c7',
                      '30ee3e1110167f948a6b9946edeeb738'),
    (6, 12, 32, 32): ('densenet169', 'd699b8f76981ab1b30698df4c175e90b',
                      'b8c4d4c20dd625c148057b9ff1c1176b'),
    (6, 12, 48, 32): ('densenet201', '1ceb130c1ea1b78c3bf6114dbdfd8807',
                      'c13680b51ded0fb44dff2d8f86ac8bb1'),
}
_EPS = 1.001e-5


def _bn_axis():
    return 3 if K.image_data_format() == 'channels_last' else 1


def dense_block(x, blocks, name):
    """``blocks`` densely connected :func:`conv_block`s (growth rate 32)."""
    for i in range(blocks):
        x = conv_block(x, 32, name=name + '_block' + str(i + 1))
    return x


def transition_block(x, reduction, name):
    """BN, ReLU, 1x1 convolution keeping ``reduction`` of the channels, 2x2 pooling."""
    axis = _bn_axis()
    x = BatchNormalization(axis=axis, epsilon=_EPS, name=name + '_bn')(x)
    x = Activation('relu', name=name + '_relu')(x)
    x = Conv2D(int(K.int_shape(x)[axis] * reduction), 1, use_bias=False,
               name=name + '_conv')(x)
    return AveragePooling2D(2, strides=2, name=name + '_pool')(x)


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 conv, BN-ReLU-3x3 conv; ``growth_rate`` new channels appended."""
    axis = _bn_axis()
    x1 = BatchNormalization(axis=axis, epsilon=_EPS, name=name + '_0_bn')(x)
    x1 = Activation('relu', name=name + '_0_relu')(x1)
    x1 = Conv2D(4 * growth_rate, 1, use_bias=False, name=name + '_1_conv')(x1)
    x1 = BatchNormalization(axis=axis, epsilon=_EPS, name=name + '_1_bn')(x1)
    x1 = Activation('relu', name=name + '_1_relu')(x1)
    x1 = Conv2D(growth_rate, 3, padding='same', use_bias=False, name=name + '_2_conv')(x1)
    return Concatenate(axis=axis, name=name + '_concat')([x, x1])


def _features(img_input, blocks):
    axis = _bn_axis()
    x = ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=False, name='conv1/conv')(x)
    x = BatchNormalization(axis=axis, epsilon=_EPS, name='conv1/bn')(x)
    x = Activation('relu', name='conv1/relu')(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = MaxPooling2D(3, strides=2, name='pool1')(x)
    for i, n in enumerate(blocks):
        x = dense_block(x, n, name='conv%d' % (i + 2))
        if i < 3:
            x = transition_block(x, 0.5, name='pool%d' % (i + 2))
    x = BatchNormalization(axis=axis, epsilon=_EPS, name='bn')(x)
    return Activation('relu', name='relu')(x)


def DenseNet(blocks, include_top=True, weights='imagenet', input_tensor=None,
             input_shape=None, pooling=None, classes=1000, **kwargs):
    """Instantiate a DenseNet with four dense blocks of ``blocks`` layers.

    Args:
        blocks: numbers of building blocks of the four dense blocks.
        include_top: whether to include the final dense classifier.
        weights: ``None``, ``'imagenet'`` (only for the 121/169/201 block
            counts) or a weights file path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: only with ``include_top=False`` (else ``(224, 224, 3)``);
            height and width at least 32.
        pooling: ``None``, ``'avg'`` or ``'max'`` with ``include_top=False``.
        classes: number of classes of the top.

    Returns:
        A ``keras.models.Model``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=224, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = _features(img_input, blocks)
    if include_top:
        x = GlobalAveragePooling2D(name='avg_pool')(x)
        x = Dense(classes, activation='softmax', name='fc1000')(x)
    else:
        x = _common.pool_features(x, pooling, avg_name='avg_pool', max_name='max_pool')
    variant = _VARIANTS.get(tuple(blocks))
    name = variant[0] if variant else 'densenet'
    imagenet = None
    if variant is not None:
        fname = '%s_weights_tf_dim_ordering_tf_kernels%s.h5' % (
            name, '' if include_top else '_notop')
        imagenet = (fname, BASE_WEIGTHS_PATH + fname, variant[1 if include_top else 2])
    return _common.finish_model(img_input, input_tensor, x, name, weights, imagenet)


def DenseNet121(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000, **kwargs):
    """DenseNet121 (8,062,504 parameters with the top); see :func:`DenseNet`."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape,
                    pooling, classes, **kwargs)


def DenseNet169(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000, **kwargs):
    """DenseNet169 (14,307,880 parameters with the top); see :func:`DenseNet`."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, **kwargs)


def DenseNet201(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000, **kwargs):
    """DenseNet201 (20,242,984 parameters with the top); see :func:`DenseNet`."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, **kwargs)


def preprocess_input(x, data_format=None, **kwargs):
    """ImageNet preprocessing with ``mode='torch'``."""
    return imagenet_utils.preprocess_input(x, data_format, mode='torch', **kwargs)
