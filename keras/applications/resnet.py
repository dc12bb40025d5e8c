"""ResNet50, ResNet101 and ResNet152 with keras-applications 1.0.8's layer
names (``conv2_block1_1_conv``...), as ``keras.applications.resnet`` in Keras
2.3.1.  Inputs are preprocessed with ``mode='caffe'``.
"""
from keras.applications import imagenet_utils
from keras.applications.imagenet_utils import decode_predictions
from keras.applications.resnet_common import ResNet50, ResNet101, ResNet152

__all__ = ['ResNet50', 'ResNet101', 'ResNet152', 'preprocess_input', 'decode_predictions']


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='caffe'`` (see
    :func:`keras.applications.imagenet_utils.preprocess_input`)."""
    return imagenet_utils.preprocess_input(x, mode='caffe', **kwargs)
