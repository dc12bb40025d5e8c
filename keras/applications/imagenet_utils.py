"""ImageNet input preprocessing and prediction decoding (Keras 2.3.1,
keras-applications 1.0.8).

``preprocess_input`` has three modes:

- ``'caffe'``: RGB to BGR, then subtract the ImageNet mean pixel
  ``(103.939, 116.779, 123.68)`` (BGR order); no scaling.
- ``'tf'``: scale to ``[-1, 1]`` (``x / 127.5 - 1``).
- ``'torch'``: scale to ``[0, 1]``, subtract ``(0.485, 0.456, 0.406)`` and
  divide by ``(0.229, 0.224, 0.225)`` per channel.

NumPy float arrays are changed in place (as in Keras); integer arrays are
converted to ``floatx()`` first.  Torch tensors and symbolic Keras tensors get
a new tensor.
"""
import json
import warnings

import numpy as np
import torch

from keras import backend as K
from keras.applications._common import check_kwargs
from keras.backend.symbolic import symbolic
from keras.utils.data_utils import URLFetchError, get_file

__all__ = ['preprocess_input', 'decode_predictions', 'CLASS_INDEX', 'CLASS_INDEX_PATH']

CLASS_INDEX = None
CLASS_INDEX_PATH = ('https://storage.googleapis.com/download.tensorflow.org/'
                    'data/imagenet_class_index.json')
_CLASS_INDEX_HASH = 'c2c37ea517e94d9795004a39431a14cb'

_MODES = ('caffe', 'tf', 'torch')
_CAFFE_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def _channel_view(x, data_format, c):
    """The ``c``-th channel of a 3D or 4D array, as a view."""
    if data_format == 'channels_last':
        return x[..., c]
    return x[c] if x.ndim == 3 else x[:, c]


def _preprocess_numpy_input(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(K.floatx(), copy=False)
    if mode == 'tf':
        x /= 127.5
        x -= 1.
        return x
    if mode == 'torch':
        x /= 255.
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        if data_format == 'channels_last':
            x = x[..., ::-1]
        else:
            x = x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]
        mean, std = _CAFFE_MEAN, None
    for c in range(3):
        channel = _channel_view(x, data_format, c)
        channel -= mean[c]
        if std is not None:
            channel /= std[c]
    return x


@symbolic
def _preprocess_tensor_input(x, data_format, mode):
    """The same arithmetic on a torch tensor, returning a new tensor."""
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(getattr(torch, K.floatx()))
    if mode == 'tf':
        return x / 127.5 - 1.
    if data_format == 'channels_last':
        axis = x.dim() - 1
    else:
        axis = 0 if x.dim() == 3 else 1
    shape = [1] * x.dim()
    shape[axis] = 3
    if mode == 'torch':
        x = x / 255.
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = torch.flip(x, dims=[axis])
        mean, std = _CAFFE_MEAN, None
    x = x - torch.tensor(mean, dtype=x.dtype, device=x.device).reshape(shape)
    if std is not None:
        x = x / torch.tensor(std, dtype=x.dtype, device=x.device).reshape(shape)
    return x


def preprocess_input(x, data_format=None, mode='caffe', **kwargs):
    """Preprocess a batch (4D) or an image (3D) for an ImageNet model.

    Args:
        x: NumPy array, torch tensor or symbolic Keras tensor of RGB values
            in ``[0, 255]``.  A NumPy float array is overwritten (pass
            ``np.copy(x)`` to keep it).
        data_format: ``'channels_last'`` or ``'channels_first'``; defaults
            to ``K.image_data_format()``.
        mode: ``'caffe'``, ``'tf'`` or ``'torch'`` (see the module docstring).

    Returns:
        The preprocessed array or tensor.

    Raises:
        ValueError: unknown ``data_format`` or ``mode``.

    Example:
        >>> preprocess_input(np.array([[[[255., 0., 0.]]]]), mode='tf')
        array([[[[ 1., -1., -1.]]]])
    """
    check_kwargs(kwargs)
    if data_format is None:
        data_format = K.image_data_format()
    if data_format not in {'channels_first', 'channels_last'}:
        raise ValueError('Unknown data_format ' + str(data_format))
    if mode not in _MODES:
        raise ValueError('Unknown preprocessing mode %r: expected one of %s.'
                         % (mode, ', '.join(repr(m) for m in _MODES)))
    if isinstance(x, torch.Tensor) or getattr(x, '_is_keras_tensor', False):
        return _preprocess_tensor_input(x, data_format, mode)
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    return _preprocess_numpy_input(x, data_format, mode)


def _load_class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        try:
            fpath = get_file('imagenet_class_index.json', CLASS_INDEX_PATH,
                             cache_subdir='models', file_hash=_CLASS_INDEX_HASH)
        except URLFetchError as e:
            raise URLFetchError('decode_predictions needs the ImageNet class index '
                                'imagenet_class_index.json. %s' % (e,)) from None
        with open(fpath) as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5, **kwargs):
    """Turn ImageNet class probabilities into readable labels.

    Args:
        preds: array of shape ``(samples, 1000)``.
        top: how many guesses to return per sample.

    Returns:
        One list per sample of ``(class_name, class_description, score)``
        tuples, best first.

    Raises:
        ValueError: ``preds`` is not 2D with 1000 columns.
        URLFetchError: the class index is neither cached in
            ``~/.keras/models`` nor downloadable (the message says where to
            put ``imagenet_class_index.json``).
    """
    check_kwargs(kwargs)
    if isinstance(preds, torch.Tensor):
        preds = preds.detach().cpu().numpy()
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError('`decode_predictions` expects a batch of predictions (i.e. a '
                         '2D array of shape (samples, 1000)). Found array with shape: '
                         + str(preds.shape))
    index = _load_class_index()
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def _default_shape(input_shape, default_size, data_format, weights):
    """The default input shape, keeping a caller's channel count when allowed."""
    if weights != 'imagenet' and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == 'channels_first' else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn('This model usually expects 1 or 3 input channels. However, it '
                          'was passed an input_shape with ' + str(channels) +
                          ' input channels.')
    else:
        channels = 3
    if data_format == 'channels_first':
        return (channels, default_size, default_size)
    return (default_size, default_size, channels)


def _check_given_shape(input_shape, min_size, data_format, weights):
    if len(input_shape) != 3:
        raise ValueError('`input_shape` must be a tuple of three integers.')
    if data_format == 'channels_first':
        channels, spatial = input_shape[0], input_shape[1:]
    else:
        channels, spatial = input_shape[-1], input_shape[:2]
    if channels != 3 and weights == 'imagenet':
        raise ValueError('The input must have 3 channels; got `input_shape=' +
                         str(input_shape) + '`')
    if any(d is not None and d < min_size for d in spatial):
        raise ValueError('Input size must be at least ' + str(min_size) + 'x' +
                         str(min_size) + '; got `input_shape=' + str(input_shape) + '`')


def _obtain_input_shape(input_shape, default_size, min_size, data_format,
                        require_flatten, weights=None):
    """Work out and validate an application's input shape (no batch axis).

    Args:
        input_shape: ``None`` or the caller's shape.
        default_size: the architecture's default height and width.
        min_size: the smallest height or width it accepts.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        require_flatten: whether a fixed-size classifier follows (then the
            shape must be fully known).
        weights: ``None``, ``'imagenet'`` or a path; ImageNet weights need 3
            channels, and the default shape when a top is included.

    Returns:
        A shape tuple, possibly with ``None`` for height and width.

    Raises:
        ValueError: for a shape the model cannot take.
    """
    default_shape = _default_shape(input_shape, default_size, data_format, weights)
    if input_shape is not None:
        input_shape = tuple(input_shape)
    if weights == 'imagenet' and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError('When setting `include_top=True` and loading `imagenet` '
                             'weights, `input_shape` should be ' + str(default_shape) + '.')
        return default_shape
    if input_shape:
        _check_given_shape(input_shape, min_size, data_format, weights)
    elif require_flatten:
        input_shape = default_shape
    elif data_format == 'channels_first':
        input_shape = (3, None, None)
    else:
        input_shape = (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError('If `include_top` is True, you should specify a static '
                         '`input_shape`. Got `input_shape=' + str(input_shape) + '`')
    return input_shape
