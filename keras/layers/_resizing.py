"""UpSampling, ZeroPadding and Cropping layers (1D, 2D, 3D).

Part of Keras's ``keras.layers.convolutional`` module, kept in a file of its
own; import them from ``keras.layers`` or ``keras.layers.convolutional``.
"""
import torch.nn.functional as F

from keras.backend import config as K_config
from keras.backend.shape_ops import resize_images
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.legacy import conv_arguments as legacy
from keras.legacy.conv_arguments import keras1_arguments
from keras.utils import conv_utils

__all__ = ['UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D',
           'ZeroPadding3D', 'Cropping1D', 'Cropping2D', 'Cropping3D']


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _spatial_slice(data_format, rank, spatial):
    """Index tuple placing ``spatial`` (one entry per spatial axis) in the layout."""
    if data_format == 'channels_first':
        return (slice(None), slice(None)) + tuple(spatial)
    return (slice(None),) + tuple(spatial) + (slice(None),)


def _per_axis(input_shape, data_format, rank, fn):
    """Apply ``fn(axis, size)`` to the known spatial sizes of ``input_shape``."""
    shape = list(input_shape)
    first = 2 if data_format == 'channels_first' else 1
    for axis in range(rank):
        if shape[first + axis] is not None:
            shape[first + axis] = fn(axis, shape[first + axis])
    return tuple(shape)


def _pairs(value, rank, name):
    """An int, ``rank`` ints or ``rank`` pairs -> ``rank`` ``(before, after)`` pairs."""
    if _is_int(value):
        return ((int(value), int(value)),) * rank
    if not hasattr(value, '__len__') or len(value) != rank:
        raise ValueError('`%s` should be an int, a tuple of %d ints or a tuple of %d tuples '
                         'of 2 ints. Found: %r' % (name, rank, rank, value))
    ordinal = ('1st', '2nd', '3rd')
    return tuple(conv_utils.normalize_tuple(v, 2, '%s entry of %s' % (ordinal[i], name))
                 for i, v in enumerate(value))


def _non_negative(layer, name, pairs):
    if any(v < 0 for pair in pairs for v in pair):
        raise ValueError('%s: `%s` must not be negative; received %r.'
                         % (type(layer).__name__, name, pairs[0] if len(pairs) == 1 else pairs))
    return pairs


class _UpSampling(Layer):
    """Repeats (or interpolates) entries along the spatial axes by ``size``."""

    def __init__(self, size, data_format=None, **kwargs):
        super(_UpSampling, self).__init__(**kwargs)
        self.rank = len(size)
        self.size = _arguments.int_tuple(self, 'size', size, len(size))
        self.data_format = K_config.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        # One copy: a length-1 axis after each scaled axis, expanded, then merged.
        first = 2 if self.data_format == 'channels_first' else 1
        view, expand, final = [], [], []
        for axis, n in enumerate(inputs.shape):
            factor = self.size[axis - first] if 0 <= axis - first < self.rank else 1
            view.append(n)
            expand.append(n)
            final.append(n * factor)
            if factor != 1:
                view.append(1)
                expand.append(factor)
        return inputs.reshape(view).expand(expand).reshape(final)

    def compute_output_shape(self, input_shape):
        return _per_axis(input_shape, self.data_format, self.rank,
                         lambda axis, n: n * self.size[axis])

    def get_config(self):
        config = {'size': self.size, 'data_format': self.data_format}
        base = super(_UpSampling, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class UpSampling1D(_UpSampling):
    """Repeats each step ``size`` times: ``(batch, steps, features)`` ->
    ``(batch, steps * size, features)``."""

    @keras1_arguments(legacy.UPSAMPLING1D)
    def __init__(self, size=2, **kwargs):
        super(UpSampling1D, self).__init__((_arguments.positive_int(self, 'size', size),),
                                           'channels_last', **kwargs)

    def get_config(self):
        config = super(UpSampling1D, self).get_config()
        config['size'] = self.size[0]
        config.pop('data_format')
        return config


class UpSampling2D(_UpSampling):
    """Scales rows and columns by ``size`` (int or 2 ints).

    Args:
        size: up-sampling factors for rows and columns.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        interpolation: ``'nearest'`` (repeat) or ``'bilinear'`` (Keras 2.3.1's
            rule: source position ``i / size``, no half-pixel shift).
    """

    @keras1_arguments(legacy.DATA_FORMAT)
    def __init__(self, size=(2, 2), data_format=None, interpolation='nearest', **kwargs):
        super(UpSampling2D, self).__init__(conv_utils.normalize_tuple(size, 2, 'size'),
                                           data_format, **kwargs)
        if interpolation not in ('nearest', 'bilinear'):
            raise ValueError('interpolation should be one of "nearest" or "bilinear", got %r.'
                             % (interpolation,))
        self.interpolation = interpolation

    def call(self, inputs):
        if self.interpolation == 'bilinear':
            return resize_images(inputs, self.size[0], self.size[1], self.data_format,
                                 'bilinear')
        return super(UpSampling2D, self).call(inputs)

    def get_config(self):
        config = super(UpSampling2D, self).get_config()
        config['interpolation'] = self.interpolation
        return config


class UpSampling3D(_UpSampling):
    """Repeats entries along the three spatial axes by ``size`` (int or 3 ints)."""

    @keras1_arguments(legacy.DATA_FORMAT)
    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super(UpSampling3D, self).__init__(conv_utils.normalize_tuple(size, 3, 'size'),
                                           data_format, **kwargs)


class _ZeroPadding(Layer):
    """Adds zeros before and after each spatial axis (``padding``: pairs)."""

    def __init__(self, padding, data_format=None, **kwargs):
        super(_ZeroPadding, self).__init__(**kwargs)
        self.rank = len(padding)
        self.padding = _non_negative(self, 'padding', padding)
        self.data_format = K_config.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        pads = [0, 0] if self.data_format == 'channels_last' else []
        for before, after in reversed(self.padding):
            pads += [before, after]
        return F.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        return _per_axis(input_shape, self.data_format, self.rank,
                         lambda axis, n: n + sum(self.padding[axis]))

    def get_config(self):
        config = {'padding': self.padding, 'data_format': self.data_format}
        base = super(_ZeroPadding, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class ZeroPadding1D(_ZeroPadding):
    """Zero-pads the steps axis: ``padding`` is an int or ``(before, after)``."""

    def __init__(self, padding=1, **kwargs):
        super(ZeroPadding1D, self).__init__(
            (conv_utils.normalize_tuple(padding, 2, 'padding'),), 'channels_last', **kwargs)

    def get_config(self):
        config = super(ZeroPadding1D, self).get_config()
        config['padding'] = config['padding'][0]
        config.pop('data_format')
        return config


class ZeroPadding2D(_ZeroPadding):
    """Zero-pads rows and columns: ``padding`` is an int, ``(rows, cols)`` or
    ``((top, bottom), (left, right))``."""

    @keras1_arguments(legacy.DATA_FORMAT, legacy.zeropadding2d_args)
    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super(ZeroPadding2D, self).__init__(_pairs(padding, 2, 'padding'), data_format,
                                            **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Zero-pads the three spatial axes: an int, 3 ints or 3 pairs."""

    @keras1_arguments(legacy.DATA_FORMAT)
    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super(ZeroPadding3D, self).__init__(_pairs(padding, 3, 'padding'), data_format,
                                            **kwargs)


class _Cropping(Layer):
    """Removes ``(before, after)`` entries from each spatial axis."""

    def __init__(self, cropping, data_format=None, **kwargs):
        super(_Cropping, self).__init__(**kwargs)
        self.rank = len(cropping)
        self.cropping = _non_negative(self, 'cropping', cropping)
        self.data_format = K_config.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        spatial = [slice(before, -after if after else None) for before, after in self.cropping]
        return inputs[_spatial_slice(self.data_format, self.rank, spatial)]

    def compute_output_shape(self, input_shape):
        def crop(axis, n):
            if n - sum(self.cropping[axis]) < 0:
                raise ValueError('%s %s: cropping %s removes more than the whole axis of size '
                                 '%d (input shape %s).' % (type(self).__name__, self.name,
                                                 self.cropping[axis], n, tuple(input_shape)))
            return n - sum(self.cropping[axis])
        return _per_axis(input_shape, self.data_format, self.rank, crop)

    def get_config(self):
        config = {'cropping': self.cropping, 'data_format': self.data_format}
        base = super(_Cropping, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Cropping1D(_Cropping):
    """Crops the steps axis: ``cropping`` is an int or ``(before, after)``."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super(Cropping1D, self).__init__(
            (conv_utils.normalize_tuple(cropping, 2, 'cropping'),), 'channels_last', **kwargs)

    def get_config(self):
        config = super(Cropping1D, self).get_config()
        config['cropping'] = config['cropping'][0]
        config.pop('data_format')
        return config


class Cropping2D(_Cropping):
    """Crops rows and columns: an int, ``(rows, cols)`` or
    ``((top, bottom), (left, right))``."""

    @keras1_arguments(legacy.DATA_FORMAT)
    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super(Cropping2D, self).__init__(_pairs(cropping, 2, 'cropping'), data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes: an int, 3 ints or 3 pairs."""

    @keras1_arguments(legacy.DATA_FORMAT)
    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super(Cropping3D, self).__init__(_pairs(cropping, 3, 'cropping'), data_format, **kwargs)


