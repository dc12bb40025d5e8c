"""VGG19 (Simonyan & Zisserman, ICLR 2015), as in Keras 2.3.1.

Inputs are preprocessed with ``mode='caffe'`` (BGR, mean pixel subtracted).
"""
from keras.applications.imagenet_utils import decode_predictions, preprocess_input
from keras.applications.vgg16 import build_vgg

__all__ = ['VGG19', 'preprocess_input', 'decode_predictions']

WEIGHTS_PATH = ('https://github.com/fchollet/deep-learning-models/'
                'releases/download/v0.1/'
                'vgg19_weights_tf_dim_ordering_tf_kernels.h5')
WEIGHTS_PATH_NO_TOP = ('https://github.com/fchollet/deep-learning-models/'
                       'releases/download/v0.1/'
                       'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5')
_HASHES = ('cbe5617147190e668d6c5d5026f83318', '253f8cb515780f3b799900260a226db6')


def VGG19(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
          pooling=None, classes=1000, **kwargs):
    """Instantiate the VGG19 architecture (143,667,240 parameters with the top).

    Arguments, return value and errors are those of
    :func:`keras.applications.vgg16.VGG16`; blocks 3 to 5 have four
    convolutions instead of three.
    """
    files = (('vgg19_weights_tf_dim_ordering_tf_kernels.h5', WEIGHTS_PATH, _HASHES[0]),
             ('vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5', WEIGHTS_PATH_NO_TOP,
              _HASHES[1]))
    return build_vgg((2, 2, 4, 4, 4), 'vgg19', files, include_top, weights, input_tensor,
                     input_shape, pooling, classes, kwargs)
