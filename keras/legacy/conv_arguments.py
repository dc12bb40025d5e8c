"""Keras 1 argument spellings of the convolution, pooling, resizing and spatial
dropout layers.

One table ``{old_name: new_name}`` per layer family, and the few Keras 1 forms
a table cannot express: kernel sizes given as separate positional integers
(``Convolution2D(64, 3, 3)``), ``nb_row=``/``nb_col=``, Keras 1's
``Deconvolution2D`` ``output_shape`` and ``ZeroPadding2D``'s dict padding.
:func:`keras1_arguments` applies them to a layer's ``__init__`` before its
arguments are bound, with one warning per call
(:func:`keras.legacy.interfaces.convert_kwargs`).
"""
import functools
import warnings

from keras.backend import config as K_config
from keras.legacy.interfaces import convert_kwargs

__all__ = ['keras1_arguments', 'dim_ordering_to_data_format', 'CONV', 'CONV1D', 'TRANSPOSE',
           'SEPARABLE', 'POOL1D', 'POOL', 'DATA_FORMAT', 'UPSAMPLING1D', 'SPATIAL_DROPOUT',
           'conv1d_args',
           'conv2d_args', 'conv3d_args', 'deconv2d_args', 'separable_conv2d_args',
           'zeropadding2d_args']


def dim_ordering_to_data_format(value):
    """Keras 1 ``dim_ordering`` (``'tf'``, ``'th'``, ``'default'``) as a
    ``data_format`` value."""
    return {'tf': 'channels_last', 'th': 'channels_first', 'default': None}.get(value, value)


def keras1_arguments(table, preprocess=None):
    """Decorate a layer's ``__init__`` to accept its Keras 1 spellings.

    Args:
        table: ``{old_name: new_name}`` (``None`` drops the argument).
        preprocess: optional ``fn(class_name, args, kwargs) -> args`` that
            rewrites Keras 1 positional forms into keywords first.
    """
    def decorate(init):
        @functools.wraps(init)
        def wrapper(self, *args, **kwargs):
            if preprocess is not None:
                args = preprocess(type(self).__name__, args, kwargs)
            convert_kwargs(type(self).__name__, kwargs, table,
                           {'dim_ordering': dim_ordering_to_data_format})
            init(self, *args, **kwargs)
        return wrapper
    return decorate


_KERNEL_DIMS = {2: ('nb_row', 'nb_col'), 3: ('kernel_dim1', 'kernel_dim2', 'kernel_dim3')}

CONV = {'nb_filter': 'filters', 'subsample': 'strides', 'border_mode': 'padding',
        'dim_ordering': 'data_format', 'init': 'kernel_initializer',
        'W_regularizer': 'kernel_regularizer', 'b_regularizer': 'bias_regularizer',
        'W_constraint': 'kernel_constraint', 'b_constraint': 'bias_constraint',
        'bias': 'use_bias', 'atrous_rate': 'dilation_rate',
        'nb_row/nb_col': 'kernel_size',  # set by _gather_kernel_dims
        'kernel_dim1/kernel_dim2/kernel_dim3': 'kernel_size'}
CONV1D = {'nb_filter': 'filters', 'filter_length': 'kernel_size',
          'subsample_length': 'strides', 'border_mode': 'padding',
          'init': 'kernel_initializer', 'W_regularizer': 'kernel_regularizer',
          'b_regularizer': 'bias_regularizer', 'W_constraint': 'kernel_constraint',
          'b_constraint': 'bias_constraint', 'bias': 'use_bias', 'atrous_rate': 'dilation_rate'}
TRANSPOSE = dict(CONV)  # (Keras 1's output_shape: kept, see Conv2DTranspose)
SEPARABLE = {k: v for k, v in CONV.items() if k not in ('W_regularizer', 'W_constraint')}
SEPARABLE['init'] = 'depthwise_initializer'  # and pointwise_initializer: separable_conv2d_args
POOL1D = {'pool_length': 'pool_size', 'stride': 'strides', 'border_mode': 'padding'}
POOL = {'border_mode': 'padding', 'dim_ordering': 'data_format'}
DATA_FORMAT = {'dim_ordering': 'data_format'}
UPSAMPLING1D = {'length': 'size'}
SPATIAL_DROPOUT = {'p': 'rate', 'dim_ordering': 'data_format'}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _gather_kernel_dims(name, args, kwargs, rank):
    """Keras 1 kernel sizes: ``Convolution2D(64, 3, 3)``, ``nb_row=3, nb_col=3``,
    ``Convolution3D(8, 3, 3, 3)``, ``kernel_dim1=...`` -> one ``kernel_size``
    (under the key ``'nb_row/nb_col'``, renamed by the legacy table)."""
    keys = _KERNEL_DIMS[rank]
    given = list(args[1:1 + rank])
    if len(args) == rank + 1 and all(_is_int(v) for v in given):
        clash = [k for k in ('padding', 'strides', 'data_format') if k in kwargs]
        if clash:
            raise ValueError('%s got %d integers after `filters` (read as the Keras 1 kernel '
                             'size %s) and also `%s`. Pass the kernel size as a tuple, e.g. '
                             '%s(%r, %r, ...).' % (name, rank, tuple(given), clash[0], name,
                                                   args[0], tuple(given)))
        kwargs['/'.join(keys)] = tuple(given)
        return args[:1]
    if len(args) <= rank and all(_is_int(v) for v in given) and \
            all(k in kwargs for k in keys[len(given):]):
        kwargs['/'.join(keys)] = tuple(given) + tuple(kwargs.pop(k) for k in keys[len(given):])
        return args[:1]
    return args


def conv2d_args(name, args, kwargs):
    """``Convolution2D(64, 3, 3)`` and ``nb_row=``/``nb_col=``."""
    new_args = _gather_kernel_dims(name, args, kwargs, 2)
    if 'nb_row/nb_col' in kwargs:
        _theano_image_ordering(name, kwargs)
    return new_args


def _theano_image_ordering(name, kwargs):
    """Keras 1 code written for Theano gives images as ``(channels, rows, cols)``
    without saying so (``dim_ordering`` defaulted to ``'th'`` there).  When a
    Keras 1-spelled call gets such an ``input_shape`` (1 or 3 channels first,
    larger spatial sizes) and no ordering, read it channels-first, with a warning."""
    if any(k in kwargs for k in ('dim_ordering', 'data_format')):
        return
    shape = kwargs.get('input_shape')
    if shape is None and kwargs.get('batch_input_shape') is not None:
        shape = tuple(kwargs['batch_input_shape'])[1:]
    if shape is None or len(shape) != 3 or K_config.image_data_format() != 'channels_last':
        return
    channels, rows, cols = shape
    if channels in (1, 3) and rows is not None and cols is not None and \
            rows > channels and cols > channels:
        warnings.warn('%s: the Keras 1 call gives input_shape=%s, which reads as Theano '
                      '(channels, rows, cols) ordering; using data_format="channels_first". '
                      'Pass data_format="channels_last" (Keras 1: dim_ordering="tf") if the '
                      'last axis holds the channels.' % (name, tuple(shape)), stacklevel=4)
        kwargs['data_format'] = 'channels_first'


def conv3d_args(name, args, kwargs):
    """``Convolution3D(8, 3, 3, 3)`` and ``kernel_dim1=`` ... ``kernel_dim3=``."""
    return _gather_kernel_dims(name, args, kwargs, 3)


def conv1d_args(name, args, kwargs):
    """Keras 1 ``input_dim=``/``input_length=`` of ``Convolution1D``."""
    if 'input_dim' in kwargs and 'input_shape' not in kwargs:
        kwargs['input_shape'] = (kwargs.pop('input_length', None), kwargs.pop('input_dim'))
    return args


def deconv2d_args(name, args, kwargs):
    """Keras 1 ``Deconvolution2D(nb_filter, nb_row, nb_col, output_shape)``."""
    if len(args) == 4 and isinstance(args[3], (tuple, list)):  # Keras 1 output_shape
        kwargs['output_shape'] = args[3]
        args = args[:3]
    return _gather_kernel_dims(name, args, kwargs, 2)


def separable_conv2d_args(name, args, kwargs):
    """Keras 1 ``init=`` sets both kernels' initializers."""
    if 'init' in kwargs and 'pointwise_initializer' not in kwargs:
        kwargs['pointwise_initializer'] = kwargs['init']
    return _gather_kernel_dims(name, args, kwargs, 2)



def zeropadding2d_args(name, args, kwargs):
    """Keras 1 ``padding={'top_pad': ..., 'bottom_pad': ..., 'left_pad': ...,
    'right_pad': ...}``."""
    value = kwargs.get('padding', args[0] if args else None)
    if isinstance(value, dict):
        warnings.warn('Update your `%s` call to the Keras 2 API: a dict `padding` becomes '
                      '((top_pad, bottom_pad), (left_pad, right_pad)).' % name, stacklevel=3)
        value = ((value.get('top_pad', 0), value.get('bottom_pad', 0)),
                 (value.get('left_pad', 0), value.get('right_pad', 0)))
        if args:
            args = (value,) + tuple(args[1:])
        else:
            kwargs['padding'] = value
    return args
