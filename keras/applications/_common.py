"""Steps every application builder shares: argument checks, the input tensor,
the feature pooling head, the model and its weights.

Keras 2.3.1 repeated these lines in each ``keras_applications`` module; here
they are written once.  The file names, URLs and hashes of the published
weights stay with each architecture.
"""
import os

from keras import backend as K
from keras.engine.graph import get_source_inputs
from keras.engine.input_layer import Input
from keras.engine.training import Model
from keras.layers import GlobalAveragePooling2D, GlobalMaxPooling2D
from keras.utils.data_utils import URLFetchError, get_file

__all__ = ['check_kwargs', 'check_weights', 'image_input', 'channel_axis',
           'pool_features', 'finish_model', 'correct_pad']

# Keras 2.3.1 passed its own modules to keras_applications under these names;
# they are accepted (and ignored) so such calls keep working.
_INJECTED_MODULES = ('backend', 'layers', 'models', 'utils')


def check_kwargs(kwargs):
    """Refuse keyword arguments an application does not know.

    Raises:
        TypeError: for any keyword other than Keras 2.3.1's injected
            ``backend``, ``layers``, ``models`` and ``utils``.
    """
    for key in kwargs:
        if key not in _INJECTED_MODULES:
            raise TypeError('Invalid keyword argument: %s' % (key,))


def check_weights(weights, include_top, classes):
    """Validate the ``weights`` / ``classes`` pair as Keras 2.3.1 does.

    Raises:
        ValueError: ``weights`` is neither ``None``, ``'imagenet'`` nor an
            existing file, or ImageNet weights with a top of ``classes != 1000``.
    """
    if not (weights in {'imagenet', None} or
            (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError('The `weights` argument should be either `None` (random '
                         'initialization), `imagenet` (pre-training on ImageNet), or '
                         'the path to the weights file to be loaded; got %r, which is '
                         'not an existing file.' % (weights,))
    if weights == 'imagenet' and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as '
                         'true, `classes` should be 1000 (got classes=%r).' % (classes,))


def image_input(input_tensor, input_shape):
    """The model's image input: a new ``Input``, or one wrapping ``input_tensor``."""
    if input_tensor is None:
        return Input(shape=input_shape)
    if not K.is_keras_tensor(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def channel_axis(last=-1):
    """The channel axis for the current data format (``last`` when channels last)."""
    return 1 if K.image_data_format() == 'channels_first' else last


def pool_features(x, pooling, avg_name=None, max_name=None):
    """Global pooling for ``include_top=False``: ``'avg'``, ``'max'`` or ``None``."""
    if pooling == 'avg':
        return GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == 'max':
        return GlobalMaxPooling2D(name=max_name)(x)
    return x


def _fetch_imagenet(model_name, fname, origin, file_hash):
    try:
        return get_file(fname, origin, cache_subdir='models', file_hash=file_hash)
    except URLFetchError as e:
        raise URLFetchError('Could not get the ImageNet weights of %s. %s'
                            % (model_name, e)) from None


def finish_model(img_input, input_tensor, outputs, name, weights, imagenet_file=None):
    """Build the ``Model`` and load its weights.

    Args:
        img_input: the image input tensor made by :func:`image_input`.
        input_tensor: the caller's ``input_tensor`` (its source inputs become
            the model's inputs).
        outputs: the output tensor.
        name: the model name.
        weights: ``None``, ``'imagenet'`` or a weights file path.
        imagenet_file: ``(file name, URL, hash or None)`` of the ImageNet
            weights in the Keras cache (``~/.keras/models``).
    """
    if input_tensor is not None and K.is_keras_tensor(input_tensor):
        inputs = get_source_inputs(input_tensor)
    else:  # no tensor, or a plain torch tensor wrapped by image_input
        inputs = img_input
    model = Model(inputs, outputs, name=name)
    if weights == 'imagenet':
        if imagenet_file is None:
            raise ValueError('No ImageNet weights are published for %s.' % name)
        model.load_weights(_fetch_imagenet(name, *imagenet_file))
    elif weights is not None:
        model.load_weights(weights)
    return model


def correct_pad(inputs, kernel_size):
    """``((top, bottom), (left, right))`` zero padding that makes a stride-2
    ``'valid'`` convolution see what TensorFlow's ``'same'`` padding would.
    """
    spatial = (2, 4) if K.image_data_format() == 'channels_first' else (1, 3)
    size = K.int_shape(inputs)[spatial[0]:spatial[1]]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    if size[0] is None:
        adjust = (1, 1)
    else:
        adjust = (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))
