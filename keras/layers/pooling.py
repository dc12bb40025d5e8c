"""Pooling layers: max and average pooling over windows (1D, 2D, 3D) and over
whole feature maps (global pooling).

``'same'`` padding follows TensorFlow: the output has ``ceil(n / stride)``
steps, an odd total padding puts the extra entry at the end, and padded
entries take no part in a max or an average (the rules and the ``pool`` call
live in :mod:`keras.backend.conv_core`).
"""
import torch

from keras.backend import config as K_config
from keras.backend.conv_core import from_channels_first, pool, to_channels_first
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.utils import conv_utils
from keras.legacy import conv_arguments as legacy
from keras.legacy.conv_arguments import keras1_arguments

__all__ = ['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D',
           'AveragePooling2D', 'AveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
           'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
           'GlobalAveragePooling3D', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D',
           'AvgPool2D', 'AvgPool3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
           'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D']


class _Pooling(Layer):
    """Windowed pooling over ``_rank`` spatial axes (``_mode`` 'max' or 'avg')."""
    _rank = 2
    _mode = 'max'

    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super(_Pooling, self).__init__(**kwargs)
        if strides is None:
            strides = pool_size
        self.pool_size = _arguments.int_tuple(self, 'pool_size', pool_size, self._rank)
        self.strides = _arguments.int_tuple(self, 'strides', strides, self._rank)
        self.padding = conv_utils.normalize_padding(padding)
        if self.padding == 'causal':
            raise ValueError('%s: `padding` must be "valid" or "same", got "causal".'
                             % self.__class__.__name__)
        self.data_format = K_config.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs):
        x = to_channels_first(inputs, self.data_format)
        out = pool(x, self._mode, self.pool_size, self.strides, self.padding)
        return from_channels_first(out, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        first = 2 if self.data_format == 'channels_first' else 1
        space = [conv_utils.conv_output_length(n, k, self.padding, s)
                 for n, k, s in zip(input_shape[first:first + self._rank], self.pool_size,
                                    self.strides)]
        return input_shape[:first] + tuple(space) + input_shape[first + self._rank:]

    def get_config(self):
        config = {'pool_size': self.pool_size, 'padding': self.padding,
                  'strides': self.strides, 'data_format': self.data_format}
        base = super(_Pooling, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class _Pooling1D(_Pooling):
    _rank = 1

    @keras1_arguments(legacy.POOL1D)
    def __init__(self, pool_size=2, strides=None, padding='valid', data_format='channels_last',
                 **kwargs):
        super(_Pooling1D, self).__init__(pool_size, strides, padding, data_format, **kwargs)

    def get_config(self):
        config = super(_Pooling1D, self).get_config()
        order = ('strides', 'pool_size', 'padding', 'data_format')
        head = {k: v for k, v in config.items() if k not in order}
        return dict(list(head.items()) + [(k, config[k]) for k in order])


class _Pooling2D(_Pooling):
    _rank = 2

    @keras1_arguments(legacy.POOL)
    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super(_Pooling2D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class _Pooling3D(_Pooling):
    _rank = 3

    @keras1_arguments(legacy.POOL)
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None,
                 **kwargs):
        super(_Pooling3D, self).__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(_Pooling1D):
    """Max pooling over steps of ``(batch, steps, features)`` data.

    Args:
        pool_size: window length.
        strides: step between windows (default: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Output shape:
        ``(batch, pooled_steps, features)``.
    """
    _mode = 'max'


class AveragePooling1D(_Pooling1D):
    """Average pooling over steps; with ``'same'`` padding the padded entries
    are not counted. Arguments as :class:`MaxPooling1D`."""
    _mode = 'avg'


class MaxPooling2D(_Pooling2D):
    """Max pooling over rows and columns of images.

    Args:
        pool_size: int or 2 ints (``(2, 2)`` halves both sizes).
        strides: int or 2 ints (default: ``pool_size``).
        padding: ``'valid'`` or ``'same'``.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default:
            ``image_data_format()``).

    Example:
        >>> model.add(MaxPooling2D((2, 2), input_shape=(32, 32, 3)))
        >>> model.output_shape
        (None, 16, 16, 3)
    """
    _mode = 'max'


class AveragePooling2D(_Pooling2D):
    """Average pooling over rows and columns; with ``'same'`` padding the padded
    entries are not counted. Arguments as :class:`MaxPooling2D`."""
    _mode = 'avg'


class MaxPooling3D(_Pooling3D):
    """Max pooling over the three spatial axes of volumes. Arguments as
    :class:`MaxPooling2D`, with 3 entries per tuple."""
    _mode = 'max'


class AveragePooling3D(_Pooling3D):
    """Average pooling over the three spatial axes of volumes; padded entries
    are not counted."""
    _mode = 'avg'


class _GlobalPooling(Layer):
    """Reduces all ``_rank`` spatial axes with ``_reduce`` ('mean' or 'max')."""
    _rank = 2
    _reduce = 'max'

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super(_GlobalPooling, self).__init__(**kwargs)
        self.data_format = K_config.normalize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _axes(self):
        first = 2 if self.data_format == 'channels_first' else 1
        return tuple(range(first, first + self._rank))

    def call(self, inputs):
        if self._reduce == 'mean':
            return torch.mean(inputs, dim=self._axes(), keepdim=self.keepdims)
        return torch.amax(inputs, dim=self._axes(), keepdim=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        config = {'data_format': self.data_format}
        if self.keepdims:
            config['keepdims'] = True
        base = super(_GlobalPooling, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class _GlobalPooling1D(_GlobalPooling):
    _rank = 1

    def __init__(self, data_format='channels_last', **kwargs):
        super(_GlobalPooling1D, self).__init__(data_format, **kwargs)


class _GlobalPooling2D(_GlobalPooling):
    _rank = 2

    @keras1_arguments(legacy.DATA_FORMAT)
    def __init__(self, data_format=None, **kwargs):
        super(_GlobalPooling2D, self).__init__(data_format, **kwargs)


class _GlobalPooling3D(_GlobalPooling):
    _rank = 3

    @keras1_arguments(legacy.DATA_FORMAT)
    def __init__(self, data_format=None, **kwargs):
        super(_GlobalPooling3D, self).__init__(data_format, **kwargs)


class GlobalMaxPooling1D(_GlobalPooling1D):
    """Maximum over steps: ``(batch, steps, features)`` -> ``(batch, features)``."""
    _reduce = 'max'


class GlobalAveragePooling1D(_GlobalPooling1D):
    """Mean over steps: ``(batch, steps, features)`` -> ``(batch, features)``.

    Given a mask ``(batch, steps)`` (e.g. from ``Embedding(mask_zero=True)``)
    it averages over the unmasked steps only; the output has no mask.
    """
    _reduce = 'mean'

    def __init__(self, data_format='channels_last', **kwargs):
        super(GlobalAveragePooling1D, self).__init__(data_format, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super(GlobalAveragePooling1D, self).call(inputs)
        axis = self._axes()[0]
        weights = mask.to(inputs.dtype).unsqueeze(1 if axis == 2 else 2)
        total = torch.sum(inputs * weights, dim=axis, keepdim=self.keepdims)
        return total / torch.sum(weights, dim=axis, keepdim=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over rows and columns: ``(batch, rows, cols, channels)`` ->
    ``(batch, channels)`` (channels_last)."""
    _reduce = 'max'


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over rows and columns: ``(batch, rows, cols, channels)`` ->
    ``(batch, channels)`` (channels_last)."""
    _reduce = 'mean'


class GlobalMaxPooling3D(_GlobalPooling3D):
    """Maximum over the three spatial axes of volumes."""
    _reduce = 'max'


class GlobalAveragePooling3D(_GlobalPooling3D):
    """Mean over the three spatial axes of volumes."""
    _reduce = 'mean'


# Aliases (Keras 2.3.1 names).
AvgPool1D = AveragePooling1D
MaxPool1D = MaxPooling1D
AvgPool2D = AveragePooling2D
MaxPool2D = MaxPooling2D
AvgPool3D = AveragePooling3D
MaxPool3D = MaxPooling3D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
