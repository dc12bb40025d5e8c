"""ResNet50 (He et al., "Deep Residual Learning for Image Recognition",
CVPR 2016) with the layer names of Keras 2.3.1's ``keras.applications.ResNet50``
(``res2a_branch2a``, ``bn2a_branch2a``...), so its published weight files load.

``keras.applications.resnet.ResNet50`` is the same network with the newer
``conv2_block1_1_conv`` names.  Inputs are preprocessed with ``mode='caffe'``.
"""
import warnings

from keras import backend as K
from keras.applications import _common
from keras.applications.imagenet_utils import (_obtain_input_shape, decode_predictions,
                                               preprocess_input)
from keras.layers import (Activation, BatchNormalization, Conv2D, Dense,
                          GlobalAveragePooling2D, MaxPooling2D, ZeroPadding2D, add)

__all__ = ['ResNet50', 'identity_block', 'conv_block', 'preprocess_input',
           'decode_predictions']

WEIGHTS_PATH = ('https://github.com/fchollet/deep-learning-models/'
                'releases/download/v0.2/'
                'resnet50_weights_tf_dim_ordering_tf_kernels.h5')
WEIGHTS_PATH_NO_TOP = ('https://github.com/fchollet/deep-learning-models/'
                       'releases/download/v0.2/'
                       'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5')
_FILES = (('resnet50_weights_tf_dim_ordering_tf_kernels.h5', WEIGHTS_PATH,
           'a7b3fe01876f51b976af0dea6bc144eb'),
          ('resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5', WEIGHTS_PATH_NO_TOP,
           'a268eb855778b3df3c7506639542a6af'))


def _bn_axis():
    return 3 if K.image_data_format() == 'channels_last' else 1


def _main_path(x, kernel_size, filters, stage, block, strides=(1, 1)):
    """1x1 -> kxk -> 1x1 convolutions with batch norm (no final ReLU)."""
    conv_name = 'res' + str(stage) + block + '_branch'
    bn_name = 'bn' + str(stage) + block + '_branch'
    specs = (('2a', filters[0], (1, 1), strides, 'valid'),
             ('2b', filters[1], kernel_size, (1, 1), 'same'),
             ('2c', filters[2], (1, 1), (1, 1), 'valid'))
    for i, (suffix, n, size, step, padding) in enumerate(specs):
        x = Conv2D(n, size, strides=step, padding=padding, kernel_initializer='he_normal',
                   name=conv_name + suffix)(x)
        x = BatchNormalization(axis=_bn_axis(), name=bn_name + suffix)(x)
        if i < 2:
            x = Activation('relu')(x)
    return x


def identity_block(input_tensor, kernel_size, filters, stage, block):
    """A bottleneck block whose shortcut is the identity.

    Args:
        input_tensor: input tensor.
        kernel_size: size of the middle convolution.
        filters: the three convolutions' filters.
        stage: stage number (in the layer names).
        block: block letter (in the layer names).
    """
    x = _main_path(input_tensor, kernel_size, filters, stage, block)
    x = add([x, input_tensor])
    return Activation('relu')(x)


def conv_block(input_tensor, kernel_size, filters, stage, block, strides=(2, 2)):
    """A bottleneck block whose shortcut is a strided 1x1 convolution.

    Arguments are those of :func:`identity_block`, plus ``strides`` of the
    first convolution and of the shortcut.
    """
    x = _main_path(input_tensor, kernel_size, filters, stage, block, strides)
    shortcut = Conv2D(filters[2], (1, 1), strides=strides, kernel_initializer='he_normal',
                      name='res' + str(stage) + block + '_branch1')(input_tensor)
    shortcut = BatchNormalization(axis=_bn_axis(),
                                  name='bn' + str(stage) + block + '_branch1')(shortcut)
    x = add([x, shortcut])
    return Activation('relu')(x)


def _stages(x):
    plan = ((2, (64, 64, 256), 3), (3, (128, 128, 512), 4),
            (4, (256, 256, 1024), 6), (5, (512, 512, 2048), 3))
    for stage, filters, blocks in plan:
        strides = (1, 1) if stage == 2 else (2, 2)
        x = conv_block(x, 3, list(filters), stage=stage, block='a', strides=strides)
        for letter in 'bcdef'[:blocks - 1]:
            x = identity_block(x, 3, list(filters), stage=stage, block=letter)
    return x


def ResNet50(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
             pooling=None, classes=1000, **kwargs):
    """Instantiate ResNet50 (25,636,712 parameters with the top).

    Args:
        include_top: whether to include the final dense classifier.
        weights: ``None``, ``'imagenet'`` or a weights file path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: only with ``include_top=False`` (else ``(224, 224, 3)``);
            height and width at least 32.
        pooling: ``None``, ``'avg'`` or ``'max'`` with ``include_top=False``.
        classes: number of classes of the top.

    Returns:
        A ``keras.models.Model`` named ``'resnet50'``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=224, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=(3, 3), name='conv1_pad')(img_input)
    x = Conv2D(64, (7, 7), strides=(2, 2), padding='valid', kernel_initializer='he_normal',
               name='conv1')(x)
    x = BatchNormalization(axis=_bn_axis(), name='bn_conv1')(x)
    x = Activation('relu')(x)
    x = ZeroPadding2D(padding=(1, 1), name='pool1_pad')(x)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _stages(x)
    if include_top:
        x = GlobalAveragePooling2D(name='avg_pool')(x)
        x = Dense(classes, activation='softmax', name='fc1000')(x)
    elif pooling in ('avg', 'max'):
        x = _common.pool_features(x, pooling)
    else:
        warnings.warn('The output shape of `ResNet50(include_top=False)` has been changed '
                      'since Keras 2.2.0.')
    return _common.finish_model(img_input, input_tensor, x, 'resnet50', weights,
                                _FILES[0 if include_top else 1])
