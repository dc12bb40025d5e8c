"""Checks of layer constructor arguments, shared by the layer families.

Each returns the normalized value or raises a ``ValueError`` naming the layer
class, the argument, what was expected and what came, e.g.
``Dense: `units` must be a positive integer; received 'a' (str).``
"""
import numbers

from keras.engine.input_spec import ShapeArgumentError
from keras.utils import conv_utils

__all__ = ['positive_int', 'int_tuple', 'fraction', 'real', 'shape']


def _received(value):
    return '%r (%s)' % (value, type(value).__name__)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(layer, name, value, minimum=1):
    """``value`` as an int >= ``minimum`` (an integral float such as ``32.0`` is
    accepted)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not _is_int(value) or value < minimum:
        expected = 'a positive integer' if minimum == 1 else 'an integer >= %d' % minimum
        raise ValueError('%s: `%s` must be %s; received %s.'
                         % (type(layer).__name__, name, expected, _received(value)))
    return int(value)


def int_tuple(layer, name, value, n, minimum=1):
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints >= ``minimum``."""
    try:
        result = conv_utils.normalize_tuple(value, n, name)
    except ValueError as e:
        raise ValueError('%s: %s' % (type(layer).__name__, e))
    if any(v < minimum for v in result):
        raise ValueError('%s: `%s` must be an integer or a tuple of %d integers, each >= %d; '
                         'received %r.' % (type(layer).__name__, name, n, minimum, value))
    return result


def fraction(layer, name, value):
    """``value`` as a float (a rate or probability; the layer clamps it)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError('%s: `%s` must be a float between 0 and 1; received %s.'
                         % (type(layer).__name__, name, _received(value)))
    return float(value)


def real(layer, name, value):
    """``value`` as a float (a slope, threshold or standard deviation)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError('%s: `%s` must be a number; received %s.'
                         % (type(layer).__name__, name, _received(value)))
    return float(value)


def shape(layer, name, value):
    """``value`` as a tuple of ints (``None`` or ``-1`` for an unknown size)."""
    message = ('%s: `%s` must be a tuple of integers (None or -1 for an unknown size); '
               'received %s.' % (type(layer).__name__, name, _received(value)))
    if isinstance(value, (str, bytes)) or not hasattr(value, '__iter__'):
        raise ShapeArgumentError(message)  # (2.3.1 raised a TypeError here)
    result = []
    for item in value:
        if item is None:
            result.append(None)
        elif _is_int(item) and item >= -1:
            result.append(int(item))
        else:
            raise ShapeArgumentError(message)
    return tuple(result)
