"""ResNeXt50 and ResNeXt101 (keras-applications 1.0.8's ``resnext``; Keras
2.3.1 did not re-export it, ``keras.applications.resnext`` is an addition).
Inputs are preprocessed with ``mode='torch'``.
"""
from keras.applications import imagenet_utils
from keras.applications.imagenet_utils import decode_predictions
from keras.applications.resnet_common import ResNeXt50, ResNeXt101

__all__ = ['ResNeXt50', 'ResNeXt101', 'preprocess_input', 'decode_predictions']


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='torch'`` (see
    :func:`keras.applications.imagenet_utils.preprocess_input`)."""
    return imagenet_utils.preprocess_input(x, mode='torch', **kwargs)
