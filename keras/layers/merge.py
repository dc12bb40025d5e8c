"""Merge layers: combine a list of tensors into one (Add, Concatenate, Dot...).

Elementwise layers broadcast as Keras 2.3.1 does: shapes are compared from the
last axis, size 1 broadcasts, and an input of lower rank gets size-1 axes
inserted right after the batch axis.  The Keras 1 ``Merge`` layer and
``merge`` function are kept as thin translations to these classes.
"""
import functools
import sys
import types
import warnings

import torch

from keras.backend import math_ops as K_math
from keras.engine.base_layer import Layer
from keras.engine.graph import get_source_inputs
from keras.engine.layer_calls import is_shape_list
from keras.engine.training import Model

__all__ = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate',
           'Dot', 'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum',
           'concatenate', 'dot', 'Merge']
# ``merge`` (the Keras 1 function) is deliberately not in ``__all__``: Keras 1 code
# imports it as ``from keras.layers import merge`` while Keras 2 code uses
# ``keras.layers.merge`` as this module.  The module itself is made callable
# (see the end of the file), so both spellings work.


def _shape_list(layer, input_shape, what='A merge layer'):
    """``input_shape`` as a list of tuples; a ValueError for a single shape or
    a list of one (checked at every call, not only the first, as 2.3.1 did)."""
    if not isinstance(input_shape, (list, tuple)) or not is_shape_list(input_shape):
        raise ValueError('%s should be called on a list of inputs (layer %s got a single '
                         'input of shape %s).' % (what, layer.name, input_shape))
    if len(input_shape) < 2:
        raise ValueError('%s should be called on a list of at least 2 inputs (layer %s got '
                         '%d).' % (what, layer.name, len(input_shape)))
    return [tuple(s) for s in input_shape]


def _check_masks(inputs, mask):
    if not isinstance(mask, (list, tuple)):
        raise ValueError('`mask` should be a list.')
    if not isinstance(inputs, (list, tuple)):
        raise ValueError('`inputs` should be a list.')
    if len(mask) != len(inputs):
        raise ValueError('The lists `inputs` and `mask` should have the same length.')


class _Merge(Layer):
    """Base of the elementwise merge layers; subclasses define ``_merge_function``."""

    def __init__(self, **kwargs):
        super(_Merge, self).__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _compute_elemwise_op_output_shape(self, shape1, shape2):
        """Shape of an elementwise op on ``shape1`` and ``shape2`` (no batch axis),
        aligned from the last axis; ``None`` when either is unknown."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._compute_elemwise_op_output_shape(shape2, shape1)
        if not shape2:
            return tuple(shape1)
        output_shape = list(shape1[:-len(shape2)])
        for i, j in zip(shape1[-len(shape2):], shape2):
            if i is None or j is None:
                output_shape.append(None)
            elif i == 1:
                output_shape.append(j)
            elif j == 1 or i == j:
                output_shape.append(i)
            else:
                raise ValueError('Operands could not be broadcast together with shapes %s %s '
                                 '(layer %s).' % (tuple(shape1), tuple(shape2), self.name))
        return tuple(output_shape)

    def _merged_shape(self, shapes):
        output_shape = shapes[0][1:]
        for shape in shapes[1:]:
            output_shape = self._compute_elemwise_op_output_shape(output_shape, shape[1:])
        batch_sizes = set(s[0] for s in shapes) - {None}
        if len(batch_sizes) > 1:
            raise ValueError('Can not merge tensors with different batch sizes. Got tensors '
                             'with shapes : %s (layer %s).' % (shapes, self.name))
        batch = batch_sizes.pop() if batch_sizes else None
        return (batch,) + tuple(output_shape)

    def build(self, input_shape):
        shapes = _shape_list(self, input_shape)
        if len(shapes) < 2:
            raise ValueError('A merge layer should be called on a list of at least 2 inputs. '
                             'Got %d inputs (layer %s).' % (len(shapes), self.name))
        self._merged_shape(shapes)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError('A merge layer should be called on a list of inputs '
                             '(layer %s).' % self.name)
        inputs = list(inputs)
        ranks = [x.dim() for x in inputs]
        top = max(ranks)
        if min(ranks) != top:
            # Keras 2.3.1: lower-rank inputs get new axes right after the batch axis.
            inputs = [x.reshape(tuple(x.shape[:1]) + (1,) * (top - x.dim()) + tuple(x.shape[1:]))
                      if x.dim() < top else x for x in inputs]
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape):
        return self._merged_shape(_shape_list(self, input_shape))

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        _check_masks(inputs, mask)
        masks = [m for m in mask if m is not None]
        if not masks:
            return None
        return functools.reduce(torch.logical_and, [m.bool() for m in masks])


class Add(_Merge):
    """Sum of a list of inputs (all of the same shape, or broadcastable).

    Example:
        >>> a, b = Input(shape=(16,)), Input(shape=(16,))
        >>> added = Add()([a, b])            # shape (None, 16)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` for exactly two inputs."""

    def build(self, input_shape):
        super(Subtract, self).build(input_shape)
        if len(input_shape) != 2:
            raise ValueError('A `Subtract` layer should be called on exactly 2 inputs '
                             '(layer %s got %d).' % (self.name, len(input_shape)))

    def compute_output_shape(self, input_shape):
        shapes = _shape_list(self, input_shape, 'A `Subtract` layer')
        if len(shapes) != 2:
            raise ValueError('A `Subtract` layer should be called on exactly 2 inputs '
                             '(layer %s got %d).' % (self.name, len(shapes)))
        return super(Subtract, self).compute_output_shape(shapes)

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError('A `Subtract` layer should be called on exactly 2 inputs '
                             '(layer %s got %d).' % (self.name, len(inputs)))
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Elementwise product of a list of inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output * x
        return output


class Average(_Merge):
    """Elementwise mean of a list of inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / len(inputs)


class Maximum(_Merge):
    """Elementwise maximum of a list of inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = torch.maximum(output, x)
        return output


class Minimum(_Merge):
    """Elementwise minimum of a list of inputs."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = torch.minimum(output, x)
        return output


class Concatenate(_Merge):
    """Concatenation of a list of inputs along ``axis``.

    Args:
        axis: the concatenation axis (default: the last one). The other axes
            must match.
    """

    def __init__(self, axis=-1, **kwargs):
        super(Concatenate, self).__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def build(self, input_shape):
        shapes = _shape_list(self, input_shape, 'A `Concatenate` layer')
        if len(shapes) < 2:
            raise ValueError('A `Concatenate` layer should be called on a list of at least '
                             '2 inputs (layer %s got %d).' % (self.name, len(shapes)))
        message = ('A `Concatenate` layer requires inputs with matching shapes except for '
                   'the concat axis. Got inputs shapes: %s (layer %s, axis=%s)'
                   % (shapes, self.name, self.axis))
        if len(set(len(s) for s in shapes)) != 1:
            raise ValueError(message)
        reduced = []
        for shape in shapes:
            shape = list(shape)
            try:
                del shape[self.axis]
            except IndexError:
                raise ValueError(message)
            reduced.append(shape)
        for dims in zip(*reduced):  # unknown sizes match anything
            if len(set(d for d in dims if d is not None)) > 1:
                raise ValueError(message)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError('A `Concatenate` layer should be called on a list of inputs '
                             '(layer %s).' % self.name)
        return torch.cat(list(inputs), dim=self.axis)

    def _merge_function(self, inputs):
        return torch.cat(list(inputs), dim=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = _shape_list(self, input_shape, 'A `Concatenate` layer')
        output_shape = list(shapes[0])
        for shape in shapes[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        _check_masks(inputs, mask)
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                m = torch.ones(x.shape, dtype=torch.bool, device=x.device)
            else:
                m = m.bool()
                while m.dim() < x.dim():
                    m = m.unsqueeze(-1)
                m = m.expand((m.shape[0],) + tuple(x.shape[1:]))  # the mask's own batch
            masks.append(m)
        return torch.all(torch.cat(masks, dim=self.axis), dim=-1)

    def get_config(self):
        config = {'axis': self.axis}
        base = super(Concatenate, self).get_config()
        return dict(list(base.items()) + list(config.items()))


class Dot(_Merge):
    """Per-sample dot product of two tensors along ``axes``.

    Args:
        axes: int, or a pair of ints (one axis of each input).
        normalize: L2-normalize both inputs along the dot axes first, so the
            result is the cosine similarity.

    Example:
        >>> a, b = Input(shape=(8,)), Input(shape=(8,))
        >>> Dot(axes=1)([a, b])              # shape (None, 1)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super(Dot, self).__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError('Invalid type for `axes` - should be a list or an int '
                                '(got %r).' % (axes,))
            if len(axes) != 2:
                raise ValueError('Invalid format for `axes` - should contain two elements '
                                 '(got %r).' % (axes,))
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError('Invalid format for `axes` - list elements should be '
                                 '"int" (got %r).' % (axes,))
            axes = list(axes)
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _axes_for(self, rank1, rank2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % rank1, self.axes % rank2]
            return [self.axes] * 2
        return [a % r if a < 0 else a for a, r in zip(self.axes, (rank1, rank2))]

    def _two_shapes(self, input_shape):
        shapes = _shape_list(self, input_shape, 'A `Dot` layer')
        if len(shapes) != 2:
            raise ValueError('A `Dot` layer should be called on a list of 2 inputs '
                             '(layer %s got %d).' % (self.name, len(shapes)))
        return shapes

    def build(self, input_shape):
        shape1, shape2 = self._two_shapes(input_shape)
        axes = self._axes_for(len(shape1), len(shape2))
        d1, d2 = shape1[axes[0]], shape2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError('Dimension incompatibility %s != %s. Layer shapes: %s, %s '
                             '(layer %s, axes=%s).'
                             % (d1, d2, shape1, shape2, self.name, self.axes))
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError('A `Dot` layer should be called on exactly 2 inputs '
                             '(layer %s).' % self.name)
        return self._merge_function(list(inputs))

    def _merge_function(self, inputs):
        x1, x2 = inputs
        axes = self._axes_for(x1.dim(), x2.dim())
        if self.normalize:
            x1 = K_math.l2_normalize(x1, axis=axes[0])
            x2 = K_math.l2_normalize(x2, axis=axes[1])
        return K_math.batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        shape1, shape2 = [list(s) for s in self._two_shapes(input_shape)]
        axes = self._axes_for(len(shape1), len(shape2))
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape += [1]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = {'axes': self.axes, 'normalize': self.normalize}
        base = super(Dot, self).get_config()
        return dict(list(base.items()) + list(config.items()))


def add(inputs, **kwargs):
    """Functional form of :class:`Add`: the sum of ``inputs``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of :class:`Subtract`: ``inputs[0] - inputs[1]``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of :class:`Multiply`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of :class:`Average`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of :class:`Maximum`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of :class:`Minimum`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of :class:`Dot`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


# ---------------------------------------------------------------- Keras 1
_LEGACY_MODES = {'sum': ('Add', 'add'), 'mul': ('Multiply', 'multiply'),
                 'ave': ('Average', 'average'), 'max': ('Maximum', 'maximum'),
                 'concat': ('Concatenate', 'concatenate'), 'dot': ('Dot', 'dot'),
                 'cos': ('Dot', 'dot')}
# Keras 1 Merge options that mean nothing for the built-in modes.
_LEGACY_IGNORED = ('output_shape', 'output_mask', 'arguments', 'node_indices',
                   'tensor_indices', 'mode_type', 'output_shape_type', 'output_mask_type')


def _legacy_layer(caller, mode, concat_axis, dot_axes, kwargs):
    """The Keras 2 layer for a Keras 1 merge ``mode``, with one warning."""
    if callable(mode):
        return _function_merge(caller, mode, kwargs)
    if mode not in _LEGACY_MODES:
        raise ValueError('Invalid merge mode: %r. Expected one of %s.'
                         % (mode, ', '.join(sorted(_LEGACY_MODES))))
    for key in _LEGACY_IGNORED:
        kwargs.pop(key, None)
    class_name, function_name = _LEGACY_MODES[mode]
    if mode == 'concat':
        layer = Concatenate(axis=concat_axis, **kwargs)
        args = 'axis=%r' % (concat_axis,)
    elif mode in ('dot', 'cos'):
        layer = Dot(axes=dot_axes, normalize=(mode == 'cos'), **kwargs)
        args = 'axes=%r%s' % (dot_axes, ', normalize=True' if mode == 'cos' else '')
    else:
        layer = globals()[class_name](**kwargs)
        args = ''
    if caller == 'merge':
        new = '`keras.layers.%s([...]%s)`' % (function_name, ', ' + args if args else '')
    else:
        new = '`keras.layers.%s(%s)`' % (class_name, args)
    warnings.warn('The Keras 1 `%s(mode=%r)` is deprecated; use %s instead.'
                  % (caller, mode, new), stacklevel=3)
    return layer


def _function_merge(caller, function, kwargs):
    """Keras 1's ``merge(mode=fn, output_shape=..., output_mask=..., arguments=...)``:
    ``fn(list_of_tensors, **arguments)``, which is a ``Lambda`` on the list."""
    from keras.layers.lambda_layer import Lambda
    for key in ('node_indices', 'tensor_indices', 'mode_type', 'output_shape_type',
                'output_mask_type'):
        kwargs.pop(key, None)
    output_shape = kwargs.pop('output_shape', None)
    if isinstance(output_shape, list):
        output_shape = tuple(output_shape)
    layer = Lambda(function, output_shape=output_shape, mask=kwargs.pop('output_mask', None),
                   arguments=kwargs.pop('arguments', None), **kwargs)
    warnings.warn('The Keras 1 `%s(mode=<function>)` is deprecated; use '
                  '`keras.layers.Lambda(function, output_shape=...)([...])` instead.' % caller,
                  stacklevel=4)
    return layer


class Merge(object):
    """Keras 1 ``Merge`` layer: returns the equivalent Keras 2 merge layer.

    ``mode`` ``'sum'``, ``'mul'``, ``'ave'``, ``'max'``, ``'concat'``,
    ``'dot'`` and ``'cos'`` become :class:`Add`, :class:`Multiply`,
    :class:`Average`, :class:`Maximum`, ``Concatenate(axis=concat_axis)``,
    ``Dot(axes=dot_axes)`` and ``Dot(axes=dot_axes, normalize=True)``.
    Given ``layers`` (layers or models), it returns a functional ``Model``
    merging their outputs.
    """

    def __new__(cls, layers=None, mode='sum', concat_axis=-1, dot_axes=-1, name=None,
                **kwargs):
        if name is not None:
            kwargs['name'] = name
        node_indices = kwargs.get('node_indices')
        tensor_indices = kwargs.get('tensor_indices')
        layer = _legacy_layer('Merge', mode, concat_axis, dot_axes, kwargs)
        if not layers:
            return layer
        return _merge_model(layer, layers, node_indices, tensor_indices)

    @classmethod
    def from_config(cls, config):
        """A Keras 1 file's ``Merge``; a function it stores by name is looked up
        in the custom objects, one stored as bytecode needs ``safe_mode=False``."""
        from keras.layers.lambda_layer import _deserialize_function
        from keras.utils.generic_utils import get_custom_objects
        config = dict(config)
        globs = dict(get_custom_objects())
        for key in ('mode', 'output_shape', 'output_mask'):
            kind = config.pop(key + '_type', 'raw')
            if kind in ('lambda', 'function') and config.get(key) is not None:
                config[key] = _deserialize_function(config[key], kind, globs, config.get('name'))
        return cls(**config)


def _merge_model(layer, layers, node_indices, tensor_indices):
    if not isinstance(layers, (list, tuple)) or len(layers) < 2:
        raise TypeError('A Merge should only be applied to a list of layers with at least 2 '
                        'elements. Found: %s' % (layers,))
    tensors = []
    for i, source in enumerate(layers):
        node = node_indices[i] if node_indices else 0
        out = source.get_output_at(node)
        if isinstance(out, list):
            out = out[tensor_indices[i] if tensor_indices else 0]
        tensors.append(out)
    inputs = []
    for t in tensors:
        for s in get_source_inputs(t):
            if not any(s is x for x in inputs):
                inputs.append(s)
    return Model(inputs, layer(tensors))


def merge(inputs, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None,
          output_mask=None, arguments=None, name=None):
    """Keras 1 functional merge: ``merge([a, b], mode='concat', concat_axis=1)``.

    Returns the output of the equivalent Keras 2 layer (see :class:`Merge`).
    """
    kwargs = {'name': name} if name is not None else {}
    if callable(mode):
        kwargs.update(output_shape=output_shape, output_mask=output_mask, arguments=arguments)
    return _legacy_layer('merge', mode, concat_axis, dot_axes, kwargs)(inputs)


class _CallableModule(types.ModuleType):
    """This module, callable as the Keras 1 ``merge`` function."""

    def __call__(self, inputs, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None,
                 output_mask=None, arguments=None, name=None):
        return merge(inputs, mode=mode, concat_axis=concat_axis, dot_axes=dot_axes,
                     output_shape=output_shape, output_mask=output_mask,
                     arguments=arguments, name=name)


sys.modules[__name__].__class__ = _CallableModule
