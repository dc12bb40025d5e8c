"""Global numeric settings: float type, fuzz factor, image layout.

Read once from ``$KERAS_HOME/keras.json`` (default ``~/.keras/keras.json``), as
Keras 2 does.  Nothing is written at import time.
"""
import json
import os

_FLOATX = 'float32'
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = 'channels_last'
_VALID_FLOATX = ('float16', 'bfloat16', 'float32', 'float64')


def keras_home():
    """The folder holding ``keras.json`` and the ``datasets`` cache."""
    if os.environ.get('KERAS_HOME'):
        return os.environ['KERAS_HOME']
    base = os.path.expanduser('~')
    if not os.access(base, os.W_OK):
        base = '/tmp'
    return os.path.join(base, '.keras')


def _load_config_file():
    global _FLOATX, _EPSILON, _IMAGE_DATA_FORMAT
    path = os.path.join(keras_home(), 'keras.json')
    if not os.path.exists(path):
        return
    try:
        with open(path) as f:
            cfg = json.load(f)
    except (ValueError, OSError):
        return
    if cfg.get('floatx') in _VALID_FLOATX:
        _FLOATX = cfg['floatx']
    if isinstance(cfg.get('epsilon'), (int, float)):
        _EPSILON = float(cfg['epsilon'])
    if cfg.get('image_data_format') in ('channels_last', 'channels_first'):
        _IMAGE_DATA_FORMAT = cfg['image_data_format']


_load_config_file()


def epsilon():
    """The fuzz factor used in numeric expressions (default ``1e-7``)."""
    return _EPSILON


def set_epsilon(e):
    global _EPSILON
    _EPSILON = float(e)


def floatx():
    """The default float type as a string, e.g. ``'float32'``."""
    return _FLOATX


def set_floatx(floatx):
    global _FLOATX
    if floatx not in _VALID_FLOATX:
        raise ValueError('Unknown floatx type: %r. Expected one of %s.'
                         % (floatx, ', '.join(_VALID_FLOATX)))
    _FLOATX = str(floatx)


def image_data_format():
    """``'channels_last'`` (default) or ``'channels_first'``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ('channels_last', 'channels_first'):
        raise ValueError("Unknown data_format: %r. Expected 'channels_last' "
                         "or 'channels_first'." % (data_format,))
    _IMAGE_DATA_FORMAT = str(data_format)


def normalize_data_format(value):
    """``None`` -> the global default; otherwise validated and lower-cased."""
    if value is None:
        value = image_data_format()
    data_format = str(value).lower()
    if data_format not in ('channels_first', 'channels_last'):
        raise ValueError("The `data_format` argument must be one of "
                         "'channels_first', 'channels_last'. Received: %r" % (value,))
    return data_format


def backend():
    """Name of the compute engine (``'pytorch'``)."""
    return 'pytorch'


# Keras 1 names for the image layout.
def image_dim_ordering():
    return 'th' if _IMAGE_DATA_FORMAT == 'channels_first' else 'tf'


def set_image_dim_ordering(dim_ordering):
    if dim_ordering not in ('tf', 'th'):
        raise ValueError("Unknown dim_ordering: %r (expected 'tf' or 'th')." % (dim_ordering,))
    set_image_data_format('channels_first' if dim_ordering == 'th' else 'channels_last')
