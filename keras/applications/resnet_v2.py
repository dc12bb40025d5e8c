"""ResNet50V2, ResNet101V2 and ResNet152V2 (pre-activation ResNets), as
``keras.applications.resnet_v2`` in Keras 2.3.1.  Inputs are preprocessed
with ``mode='tf'`` (scaled to ``[-1, 1]``).
"""
from keras.applications import imagenet_utils
from keras.applications.imagenet_utils import decode_predictions
from keras.applications.resnet_common import ResNet50V2, ResNet101V2, ResNet152V2

__all__ = ['ResNet50V2', 'ResNet101V2', 'ResNet152V2', 'preprocess_input',
           'decode_predictions']


def preprocess_input(x, **kwargs):
    """ImageNet preprocessing with ``mode='tf'`` (see
    :func:`keras.applications.imagenet_utils.preprocess_input`)."""
    return imagenet_utils.preprocess_input(x, mode='tf', **kwargs)
