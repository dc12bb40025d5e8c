"""``InputSpec``: what a layer accepts, checked when it is called."""

import numbers

__all__ = ['InputSpec', 'assert_input_compatibility', 'shape_argument', 'ShapeArgumentError']


class ShapeArgumentError(ValueError, TypeError):
    """A bad ``shape``/``input_shape`` argument: a ``ValueError``, also the
    ``TypeError`` Keras 2.3.1 raised for a shape that was not a tuple."""


def shape_argument(owner, argument, value):
    """``value`` (ints, ``None`` for unknown sizes) as a tuple, or an error naming
    ``owner`` (a layer, or a name such as ``'Input'``) and ``argument``."""
    who = owner if isinstance(owner, str) else '%s %s' % (type(owner).__name__,
                                                          getattr(owner, 'name', ''))
    message = ('%s: `%s` must be a tuple of non-negative integers (None for an unknown '
               'size); received %r.' % (who, argument, value))
    if isinstance(value, (str, bytes)) or not hasattr(value, '__iter__'):
        raise ShapeArgumentError(message)
    result = []
    for d in value:
        if isinstance(d, float) and d.is_integer():
            d = int(d)
        if d is not None and (isinstance(d, bool) or not isinstance(d, numbers.Integral) or
                              d < 0):
            raise ShapeArgumentError(message)
        result.append(None if d is None else int(d))
    return tuple(result)


class InputSpec(object):
    """Rank, dtype and fixed sizes a layer expects of each input.

    Args:
        dtype: expected dtype string.
        shape: expected shape tuple (``None`` entries are free).
        ndim, max_ndim, min_ndim: expected rank, or bounds on it.
        axes: ``{axis: size}`` sizes that must match (e.g. Dense's input dim).
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def __repr__(self):
        spec = [('dtype=' + str(self.dtype)) if self.dtype else '',
                ('shape=' + str(self.shape)) if self.shape else '',
                ('ndim=' + str(self.ndim)) if self.ndim else '',
                ('max_ndim=' + str(self.max_ndim)) if self.max_ndim else '',
                ('min_ndim=' + str(self.min_ndim)) if self.min_ndim else '',
                ('axes=' + str(self.axes)) if self.axes else '']
        return 'InputSpec(%s)' % ', '.join(x for x in spec if x)


def assert_input_compatibility(layer, input_shapes):
    """Raise a ValueError naming ``layer`` when an input does not fit its spec.

    Args:
        layer: the layer being called (for ``input_spec`` and its name).
        input_shapes: list of shape tuples, one per input.
    """
    spec = layer.input_spec
    if not spec:
        return
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    if len(input_shapes) != len(specs):
        raise ValueError('Layer %s expects %d input(s), but it received %d input tensors.'
                         % (layer.name, len(specs), len(input_shapes)))
    for i, (s, shape) in enumerate(zip(specs, input_shapes)):
        if s is None or shape is None:
            continue
        ndim = len(shape)
        where = 'Input %d is incompatible with layer %s: ' % (i, layer.name)
        if s.ndim is not None and ndim != s.ndim:
            raise ValueError(where + 'expected ndim=%d, found ndim=%d (shape %s).'
                             % (s.ndim, ndim, tuple(shape)))
        if s.max_ndim is not None and ndim > s.max_ndim:
            raise ValueError(where + 'expected max_ndim=%d, found ndim=%d (shape %s).'
                             % (s.max_ndim, ndim, tuple(shape)))
        if s.min_ndim is not None and ndim < s.min_ndim:
            raise ValueError(where + 'expected min_ndim=%d, found ndim=%d (shape %s).'
                             % (s.min_ndim, ndim, tuple(shape)))
        for axis, value in s.axes.items():
            if value is None:
                continue
            try:
                actual = shape[int(axis)]
            except IndexError:
                raise ValueError(where + 'expected axis %s to exist, found shape %s.'
                                 % (axis, tuple(shape)))
            if actual is not None and actual != value:
                raise ValueError(where + 'expected axis %s of input shape to have value %s, '
                                 'but got shape %s.' % (axis, value, tuple(shape)))
        if s.shape is not None:
            for spec_dim, dim in zip(s.shape, shape):
                if spec_dim is not None and dim is not None and spec_dim != dim:
                    raise ValueError(where + 'expected shape=%s, found shape=%s.'
                                     % (s.shape, tuple(shape)))
