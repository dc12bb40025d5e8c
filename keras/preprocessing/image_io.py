"""Reading, writing and converting images (Pillow <-> NumPy), and file listing.

Part of ``keras.preprocessing.image``; behaves as Keras 2.3.1 with
keras-preprocessing 1.1. Pillow is optional: the functions that need it raise
``ImportError`` saying so.
"""
import io
import os
import warnings

import numpy as np

from keras.backend import config as _config

try:
    from PIL import Image as pil_image
    from PIL import ImageEnhance
except ImportError:  # Pillow is an optional extra.
    pil_image = None
    ImageEnhance = None

__all__ = ['load_img', 'save_img', 'img_to_array', 'array_to_img', 'list_pictures',
           'validate_filename']

if pil_image is not None:
    _RESAMPLING = getattr(pil_image, 'Resampling', pil_image)
    _PIL_INTERPOLATION_METHODS = {
        'nearest': _RESAMPLING.NEAREST,
        'bilinear': _RESAMPLING.BILINEAR,
        'bicubic': _RESAMPLING.BICUBIC,
        'hamming': _RESAMPLING.HAMMING,
        'box': _RESAMPLING.BOX,
        'lanczos': _RESAMPLING.LANCZOS,
    }
else:
    _PIL_INTERPOLATION_METHODS = {}

_COLOR_MODES = {'grayscale': 'L', 'rgb': 'RGB', 'rgba': 'RGBA'}
_DATA_FORMATS = ('channels_first', 'channels_last')


def _require_pil(what):
    if pil_image is None:
        raise ImportError('Could not import PIL.Image. The use of `%s` requires PIL: '
                          'pip install Pillow' % what)


def default_data_format(data_format):
    """``data_format``, or the backend's ``image_data_format()`` when None."""
    return _config.image_data_format() if data_format is None else data_format


def default_dtype(dtype):
    """``dtype``, or the backend's ``floatx()`` (as a NumPy dtype) when None."""
    if dtype is not None:
        return dtype
    floatx = _config.floatx()
    return 'float32' if floatx == 'bfloat16' else floatx


def validate_filename(filename, white_list_formats):
    """Whether ``filename`` is an existing file with an allowed extension.

    Args:
        filename: path of the file.
        white_list_formats: tuple of allowed extensions, e.g. ``('png',)``.
    """
    return filename.lower().endswith(white_list_formats) and os.path.isfile(filename)


def load_img(path, grayscale=False, color_mode='rgb', target_size=None,
             interpolation='nearest'):
    """Load an image file as a PIL image.

    Args:
        path: path (or open binary file) of the image.
        grayscale: deprecated; same as ``color_mode='grayscale'``.
        color_mode: ``'grayscale'``, ``'rgb'`` or ``'rgba'``.
        target_size: ``None`` (keep the size) or ``(height, width)``.
        interpolation: resampling used when resizing: ``'nearest'``,
            ``'bilinear'``, ``'bicubic'``, ``'lanczos'``, ``'box'`` or
            ``'hamming'``.

    Returns:
        A ``PIL.Image.Image`` (fully read; the file is closed).

    Raises:
        ImportError: if Pillow is not installed.
        ValueError: for an unknown ``color_mode`` or ``interpolation``.
    """
    if grayscale is True:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"')
        color_mode = 'grayscale'
    _require_pil('load_img')
    if color_mode not in _COLOR_MODES:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"; got %r.'
                         % (color_mode,))
    if hasattr(path, 'read'):
        img = pil_image.open(path)
    else:
        with open(path, 'rb') as f:
            img = pil_image.open(io.BytesIO(f.read()))
    if img.mode != _COLOR_MODES[color_mode]:
        img = img.convert(_COLOR_MODES[color_mode])
    if target_size is not None:
        width_height = (int(target_size[1]), int(target_size[0]))
        if img.size != width_height:
            if interpolation not in _PIL_INTERPOLATION_METHODS:
                raise ValueError('Invalid interpolation method {} specified. Supported '
                                 'methods are {}'.format(
                                     interpolation, ', '.join(_PIL_INTERPOLATION_METHODS)))
            img = img.resize(width_height, _PIL_INTERPOLATION_METHODS[interpolation])
    return img


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Turn a 3D array into a PIL image (1, 3 or 4 channels: L, RGB, RGBA).

    Args:
        x: the image array, ``(height, width, channels)`` or channels first.
        data_format: ``'channels_last'`` or ``'channels_first'``; default the
            backend's ``image_data_format()``.
        scale: whether to shift the values up to start at 0 (when negative)
            and stretch them so that the maximum becomes 255.
        dtype: dtype used for the computation; default ``floatx()``.

    Returns:
        A ``PIL.Image.Image``.

    Raises:
        ImportError: if Pillow is not installed.
        ValueError: for an array not of rank 3, a bad ``data_format`` or an
            unsupported number of channels.
    """
    _require_pil('array_to_img')
    data_format = default_data_format(data_format)
    x = np.array(x, dtype=default_dtype(dtype))
    if x.ndim != 3:
        raise ValueError('Expected image array to have rank 3 (single image). '
                         'Got array with shape: %s' % (x.shape,))
    if data_format not in _DATA_FORMATS:
        raise ValueError('Invalid data_format: %s' % (data_format,))
    if data_format == 'channels_first':
        x = x.transpose(1, 2, 0)
    if scale:
        x = x + max(-np.min(x), 0)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return pil_image.fromarray(x.astype('uint8'), 'RGBA')
    if channels == 3:
        return pil_image.fromarray(x.astype('uint8'), 'RGB')
    if channels == 1:
        return pil_image.fromarray(x[:, :, 0].astype('uint8'), 'L')
    raise ValueError('Unsupported channel number: %s' % (channels,))


def img_to_array(img, data_format=None, dtype=None):
    """Turn a PIL image into a 3D NumPy array.

    Args:
        img: a PIL image.
        data_format: ``'channels_last'`` (``(height, width, channels)``) or
            ``'channels_first'``; default the backend's ``image_data_format()``.
        dtype: the array dtype; default ``floatx()``.

    Returns:
        A 3D array (a grayscale image gets one channel).

    Raises:
        ValueError: for a bad ``data_format`` or image shape.
    """
    data_format = default_data_format(data_format)
    if data_format not in _DATA_FORMATS:
        raise ValueError('Unknown data_format: %s' % (data_format,))
    x = np.asarray(img, dtype=default_dtype(dtype))
    if x.ndim == 3:
        if data_format == 'channels_first':
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x[np.newaxis] if data_format == 'channels_first' else x[:, :, np.newaxis]
    else:
        raise ValueError('Unsupported image shape: %s' % (x.shape,))
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save a 3D array as an image file.

    Args:
        path: path or binary file object.
        x: the image array.
        data_format: ``'channels_last'`` or ``'channels_first'``; default the
            backend's ``image_data_format()``.
        file_format: e.g. ``'png'``; default from the file name's extension
            (required for file objects).
        scale: as in ``array_to_img``.
        **kwargs: passed to ``PIL.Image.Image.save``.
    """
    img = array_to_img(x, data_format=default_data_format(data_format), scale=scale)
    if img.mode == 'RGBA' and file_format in ('jpg', 'jpeg'):
        warnings.warn('The JPG format does not support RGBA images, converting to RGB.')
        img = img.convert('RGB')
    img.save(path, format=file_format, **kwargs)


def list_pictures(directory, ext=('jpg', 'jpeg', 'bmp', 'png', 'ppm', 'tif', 'tiff')):
    """Paths of all pictures under ``directory`` (recursively).

    Args:
        directory: the folder to search.
        ext: an extension or tuple of extensions (without the dot).
    """
    ext = tuple('.%s' % e for e in ((ext,) if isinstance(ext, str) else ext))
    return [os.path.join(root, f) for root, _, files in os.walk(directory)
            for f in files if f.lower().endswith(ext)]


def iter_valid_files(directory, white_list_formats, follow_links):
    """Yield ``(root, filename)`` for allowed files under ``directory``, sorted."""
    walk = sorted(os.walk(directory, followlinks=follow_links), key=lambda item: item[0])
    for root, _, files in walk:
        for fname in sorted(files):
            if fname.lower().endswith('.tiff'):
                warnings.warn('Using ".tiff" files with multiple bands will cause '
                              'distortion. Please verify your output.')
            if fname.lower().endswith(white_list_formats):
                yield root, fname


def list_valid_filenames_in_directory(directory, white_list_formats, split,
                                      class_indices, follow_links):
    """The files of one class folder, as paths relative to its parent.

    Args:
        directory: the class folder; its name must be a key of
            ``class_indices``.
        white_list_formats: allowed extensions.
        split: ``None`` or ``(start, stop)`` fractions: only that part of the
            sorted file list is kept (validation split).
        class_indices: class name -> index.
        follow_links: whether to follow symbolic links.

    Returns:
        ``(classes, filenames)``: the class index of each file and paths like
        ``'cats/cat001.png'``.
    """
    dirname = os.path.basename(directory)
    valid_files = list(iter_valid_files(directory, white_list_formats, follow_links))
    if split:
        count = len(valid_files)
        valid_files = valid_files[int(split[0] * count):int(split[1] * count)]
    classes, filenames = [], []
    for root, fname in valid_files:
        classes.append(class_indices[dirname])
        absolute_path = os.path.join(root, fname)
        filenames.append(os.path.join(dirname, os.path.relpath(absolute_path, directory)))
    return classes, filenames
