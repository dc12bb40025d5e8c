"""Creating, naming and assigning layer weights (:class:`KerasVariable` parameters)."""
import inspect

import numpy as np
import torch

from keras import constraints, initializers, regularizers
from keras.backend import config as K_config
from keras.backend import session as K_session
from keras.backend.array_conversion import numpy_to_tensor
from keras.backend.keras_variable import KerasVariable
from keras.engine import module_keys
from keras.utils.generic_utils import has_arg

__all__ = ['create_weight', 'store_transposed', 'assign', 'adopt', 'weight_name',
           'to_torch_dtype', 'dtype_name', 'unique', 'to_numpy']

_DTYPES = {'float16': torch.float16, 'bfloat16': torch.bfloat16, 'float32': torch.float32,
           'float64': torch.float64, 'int8': torch.int8, 'int16': torch.int16,
           'int32': torch.int32, 'int64': torch.int64, 'uint8': torch.uint8,
           'bool': torch.bool, 'complex64': torch.complex64}


def to_torch_dtype(dtype):
    if dtype is None:
        dtype = K_config.floatx()
    if isinstance(dtype, torch.dtype):
        return dtype
    if hasattr(dtype, 'name') and not isinstance(dtype, str):  # numpy dtype
        dtype = dtype.name
    try:
        return _DTYPES[str(dtype)]
    except KeyError:
        raise ValueError('Unsupported dtype: %r. Expected one of %s.'
                         % (dtype, ', '.join(sorted(_DTYPES))))


def unique(weights):
    """``weights`` without repeats (shared weights appear once), order kept."""
    seen = set()
    out = []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            out.append(w)
    return out


def to_numpy(weights):
    """Independent NumPy copies of ``weights`` (never views of live parameters)."""
    return [w.detach().cpu().numpy().copy() for w in weights]


def dtype_name(torch_dtype):
    """``torch.float32`` -> ``'float32'``."""
    for name, dt in _DTYPES.items():
        if dt == torch_dtype:
            return name
    return str(torch_dtype).replace('torch.', '')


def weight_name(weight, default='weight'):
    """The Keras name of a weight, e.g. ``'dense_1/kernel:0'``."""
    return getattr(weight, '_keras_name', None) or default


def create_weight(layer, name, shape, dtype, initializer, regularizer, trainable, constraint):
    if shape is None:
        raise ValueError('add_weight on layer %s: `shape` is required (weight %r).'
                         % (layer.name, name))
    try:
        shape = tuple(int(d) for d in shape)
    except TypeError:
        raise ValueError('add_weight on layer %s: weight %r needs a fully defined shape, '
                         'got %s.' % (layer.name, name, (shape,)))
    name = name or 'weight'
    torch_dtype = to_torch_dtype(dtype or layer.dtype)
    init = initializers.get(initializer if initializer is not None else 'glorot_uniform')
    value = _initial_value(init, shape, torch_dtype, '%s_%s' % (layer.name, name))
    if isinstance(value, torch.Tensor):
        value = value.detach()
    value = torch.as_tensor(value, dtype=torch_dtype).reshape(shape)
    requires_grad = bool(trainable) and (torch_dtype.is_floating_point or torch_dtype.is_complex)
    param = KerasVariable(value.to(K_session.get_device()), requires_grad=requires_grad,
                          name='%s/%s:0' % (layer.name, name))
    layer.register_parameter(module_keys.weight_key(layer, name), param)
    if regularizer is not None:
        layer._regularizers.append((param, regularizers.get(regularizer)))
    if constraint is not None:
        layer._constraints.append((param, constraints.get(constraint)))
    if trainable:
        layer._trainable_weights.append(param)
    else:
        layer._non_trainable_weights.append(param)
    return param


def _initial_value(init, shape, torch_dtype, name):
    """``init(shape, dtype=...)``, or, for a Keras 1 initializer function (no
    ``dtype`` argument: ``keras.initializations.normal``, ``lambda shape,
    name: ...``), ``init(shape, name=..., dim_ordering='tf')`` with the
    arguments it takes (Keras 2 kernels are laid out as Keras 1's ``'tf'``)."""
    try:
        inspect.signature(init)
    except (TypeError, ValueError):  # (a callable Python cannot inspect: the Keras 2 way)
        return init(shape, dtype=torch_dtype)
    if has_arg(init, 'dtype', accept_all=True):
        return init(shape, dtype=torch_dtype)
    kwargs = {}
    if has_arg(init, 'name'):
        kwargs['name'] = name
    if has_arg(init, 'dim_ordering'):
        kwargs['dim_ordering'] = 'tf'
    return init(shape, **kwargs)


def store_transposed(param):
    """Keep a 2-D weight in column-major memory (same shape and values).

    ``param.t()`` is then contiguous: a kernel that PyTorch wants as
    ``(out, in)`` is handed over without a copy, and its gradient comes
    back in the weight's own memory order.  Set weights, optimizer slots
    (``zeros_like``) and gradients follow the weight's strides.
    """
    with torch.no_grad():
        param.data = param.data.t().contiguous().t()


def adopt(layer, weights, trainable):
    """Register weights made outside ``add_weight`` (``K.variable``)."""
    out = []
    for w in weights:
        if not isinstance(w, torch.nn.Parameter):
            w = KerasVariable(torch.as_tensor(w), requires_grad=False)
        if trainable and w.dtype.is_floating_point:
            w.requires_grad_(True)
        if not any(p is w for p in layer._parameters.values()):
            layer.register_parameter(_attribute_name(layer, 'weight'), w)
        if not getattr(w, '_keras_name', None):
            w._keras_name = '%s/weight_%d:0' % (layer.name, len(out))
        out.append(w)
    return out


def assign(layer, params, values):
    """Copy NumPy ``values`` into ``params``; check everything before changing any."""
    values = list(values)
    if len(values) != len(params):
        raise ValueError('You called `set_weights(weights)` on layer "%s" with a weight list '
                         'of length %d, but the layer was expecting %d weights (shapes %s). '
                         'Provided weights: %s...'
                         % (layer.name, len(values), len(params),
                            [tuple(p.shape) for p in params], str(values)[:50]))
    arrays = []
    for p, v in zip(params, values):
        arr = np.asarray(v)
        if tuple(arr.shape) != tuple(p.shape):
            raise ValueError('Layer weight shape %s not compatible with provided weight shape %s '
                             '(layer "%s", weight "%s").'
                             % (tuple(p.shape), tuple(arr.shape), layer.name, weight_name(p)))
        arrays.append(arr)
    with torch.no_grad():
        for p, arr in zip(params, arrays):
            p.copy_(numpy_to_tensor(arr, p.dtype, p.device))
