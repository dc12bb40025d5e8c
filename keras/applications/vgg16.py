"""VGG16 (Simonyan & Zisserman, "Very Deep Convolutional Networks for
Large-Scale Image Recognition", ICLR 2015), as in Keras 2.3.1.

Inputs are preprocessed with ``mode='caffe'`` (BGR, mean pixel subtracted).
"""
from keras import backend as K
from keras.applications import _common
from keras.applications.imagenet_utils import (_obtain_input_shape, decode_predictions,
                                               preprocess_input)
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D

__all__ = ['VGG16', 'preprocess_input', 'decode_predictions']

WEIGHTS_PATH = ('https://github.com/fchollet/deep-learning-models/'
                'releases/download/v0.1/'
                'vgg16_weights_tf_dim_ordering_tf_kernels.h5')
WEIGHTS_PATH_NO_TOP = ('https://github.com/fchollet/deep-learning-models/'
                       'releases/download/v0.1/'
                       'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5')
_HASHES = ('64373286793e3c8b2b4e3219cbf3544b', '6d6bbae143d832006294945121d1f1fc')
_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


def build_vgg(convs_per_block, model_name, imagenet_files, include_top, weights,
              input_tensor, input_shape, pooling, classes, kwargs):
    """The VGG family: five blocks of 3x3 convolutions, each ending in a 2x2
    max pooling, then (with ``include_top``) two 4096-unit dense layers.

    Args:
        convs_per_block: convolutions in each of the five blocks.
        model_name: ``'vgg16'`` or ``'vgg19'``.
        imagenet_files: ``(with top, without top)`` weight file descriptions
            ``(file name, URL, hash)``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=224, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = img_input
    for b, ((filters, _), n_convs) in enumerate(zip(_BLOCKS, convs_per_block), 1):
        for c in range(1, n_convs + 1):
            x = Conv2D(filters, (3, 3), activation='relu', padding='same',
                       name='block%d_conv%d' % (b, c))(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name='block%d_pool' % b)(x)
    if include_top:
        x = Flatten(name='flatten')(x)
        x = Dense(4096, activation='relu', name='fc1')(x)
        x = Dense(4096, activation='relu', name='fc2')(x)
        x = Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _common.pool_features(x, pooling)
    return _common.finish_model(img_input, input_tensor, x, model_name, weights,
                                imagenet_files[0 if include_top else 1])


def VGG16(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
          pooling=None, classes=1000, **kwargs):
    """Instantiate the VGG16 architecture (138,357,544 parameters with the top).

    Args:
        include_top: whether to include the three fully connected layers.
        weights: ``None`` (random), ``'imagenet'`` (downloaded through
            ``keras.utils.get_file`` into ``~/.keras/models``) or the path of a
            weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: shape without the batch axis; only when
            ``include_top=False`` (otherwise ``(224, 224, 3)``); height and
            width at least 32.
        pooling: with ``include_top=False``: ``None`` (4D output), ``'avg'`` or
            ``'max'`` (global pooling, 2D output).
        classes: number of classes of the top (1000 with ImageNet weights).

    Returns:
        A ``keras.models.Model``.

    Raises:
        ValueError: bad ``weights``, ``classes`` or input shape.
    """
    files = (('vgg16_weights_tf_dim_ordering_tf_kernels.h5', WEIGHTS_PATH, _HASHES[0]),
             ('vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5', WEIGHTS_PATH_NO_TOP,
              _HASHES[1]))
    return build_vgg((2, 2, 3, 3, 3), 'vgg16', files, include_top, weights, input_tensor,
                     input_shape, pooling, classes, kwargs)
