"""``keras.applications``: ImageNet architectures of Keras 2.3.1
(keras-applications 1.0.8), with the same layer names and weight files.

Each builder takes ``include_top``, ``weights`` (``None``, ``'imagenet'`` or a
weights file path), ``input_tensor``, ``input_shape``, ``pooling`` and
``classes``.  ImageNet weights come through ``keras.utils.get_file`` from
``~/.keras/models`` (or ``$KERAS_HOME/models``); without a network and a
cached file, the error names the file to download and where to put it.

Example:
    >>> from keras.applications import MobileNet
    >>> model = MobileNet(weights=None, input_shape=(128, 128, 3),
    ...                   include_top=False, pooling='avg')
"""
import functools

from keras import backend, layers, models, utils
from keras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from keras.applications.inception_resnet_v2 import InceptionResNetV2
from keras.applications.inception_v3 import InceptionV3
from keras.applications.mobilenet import MobileNet
from keras.applications.mobilenet_v2 import MobileNetV2
from keras.applications.nasnet import NASNetLarge, NASNetMobile
from keras.applications.resnet import ResNet101, ResNet152
from keras.applications.resnet50 import ResNet50
from keras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from keras.applications.vgg16 import VGG16
from keras.applications.vgg19 import VGG19
from keras.applications.xception import Xception

__all__ = ['VGG16', 'VGG19', 'ResNet50', 'InceptionV3', 'InceptionResNetV2', 'Xception',
           'MobileNet', 'MobileNetV2', 'DenseNet121', 'DenseNet169', 'DenseNet201',
           'NASNetMobile', 'NASNetLarge', 'ResNet101', 'ResNet152', 'ResNet50V2',
           'ResNet101V2', 'ResNet152V2', 'keras_modules_injection']


def keras_modules_injection(base_fun):
    """Keras 2.3.1 helper: call ``base_fun`` with Keras's own ``backend``,
    ``layers``, ``models`` and ``utils`` modules as keyword arguments (kept for
    code written against ``keras_applications``)."""

    @functools.wraps(base_fun)
    def wrapper(*args, **kwargs):
        kwargs['backend'] = backend
        kwargs['layers'] = layers
        kwargs['models'] = models
        kwargs['utils'] = utils
        return base_fun(*args, **kwargs)
    return wrapper
