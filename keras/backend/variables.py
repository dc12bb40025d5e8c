"""Variables, constants, dtypes and shapes: the data side of ``keras.backend``.

A Keras variable is a :class:`~keras.backend.keras_variable.KerasVariable`
(a ``torch.nn.Parameter``) with ``requires_grad=False`` holding its own copy
of the value, named like TensorFlow's variables (``'name:0'``).  New
tensors are created on :func:`keras.backend.session.get_device`.
"""
import contextlib

import numpy as np
import torch

from keras.backend.array_conversion import numpy_to_tensor
from keras.backend.config import floatx
from keras.backend.keras_variable import KerasVariable
from keras.backend import graph_hooks, graph_scope
from keras.backend.session import get_device, get_uid, in_shape_probe
from keras.backend.symbolic import symbolic
from keras.backend.update_ops import UpdateOp

__all__ = [
    'to_torch_dtype', 'from_torch_dtype', 'as_tensor', 'cast_to_floatx',
    'variable', 'constant', 'placeholder', 'is_placeholder', 'is_variable',
    'is_tensor', 'is_keras_tensor', 'is_sparse', 'to_dense',
    'zeros', 'ones', 'eye', 'zeros_like', 'ones_like', 'identity',
    'random_uniform_variable', 'random_normal_variable', 'count_params',
    'cast', 'dtype', 'int_shape', 'shape', 'ndim', 'size', 'eval',
    'to_numpy', 'get_value', 'set_value', 'batch_get_value', 'batch_set_value',
    'get_variable_shape', 'print_tensor', 'update', 'update_add',
    'update_sub', 'moving_average_update', 'name_scope',
    'control_dependencies',
    'manual_variable_initialization', 'eager',
]

_TORCH_DTYPES = {
    'float16': torch.float16, 'half': torch.float16,
    'bfloat16': torch.bfloat16,
    'float32': torch.float32, 'float': torch.float32,
    'float64': torch.float64, 'double': torch.float64,
    'int8': torch.int8, 'int16': torch.int16, 'int32': torch.int32,
    'int64': torch.int64, 'int': torch.int64, 'uint8': torch.uint8,
    'bool': torch.bool, 'complex64': torch.complex64,
    'complex128': torch.complex128,
}
_KERAS_DTYPES = {v: k for k, v in _TORCH_DTYPES.items()
                 if k not in ('half', 'float', 'double', 'int')}


def to_torch_dtype(dtype):
    """Turn a Keras dtype (``'float32'``, numpy or torch dtype) into a torch dtype.

    ``None`` means :func:`floatx`.
    """
    if dtype is None:
        dtype = floatx()
    if isinstance(dtype, torch.dtype):
        return dtype
    if not isinstance(dtype, str):
        dtype = np.dtype(dtype).name
    name = dtype[:-4] if dtype.endswith('_ref') else dtype
    try:
        return _TORCH_DTYPES[name]
    except KeyError:
        raise UnknownDtypeError('Unknown dtype: %r. Expected one of %s.'
                                % (dtype, ', '.join(sorted(_KERAS_DTYPES.values()))))


class UnknownDtypeError(ValueError, TypeError):
    """A dtype name Keras does not know: a ``ValueError``, and the
    ``TypeError`` Keras 2.3.1's TensorFlow backend raised for it."""


def from_torch_dtype(dtype):
    """Turn a torch (or numpy) dtype into a Keras dtype string like ``'float32'``."""
    if not isinstance(dtype, torch.dtype):
        dtype = to_torch_dtype(dtype)
    return _KERAS_DTYPES.get(dtype, str(dtype).replace('torch.', ''))


def as_tensor(x, dtype=None, device=None):
    """Convert ``x`` (tensor, array, list or number) to a torch tensor.

    Tensors pass through (cast only when ``dtype`` is given).  Python floats
    and lists of floats become :func:`floatx`; NumPy arrays keep their dtype.
    """
    if isinstance(x, torch.Tensor):
        if dtype is not None:
            x = x.to(to_torch_dtype(dtype))
        return x if device is None else x.to(device)
    if device is None:
        device = get_device()
    if dtype is not None:
        return numpy_to_tensor(x, to_torch_dtype(dtype), device)
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        return numpy_to_tensor(x, device=device)
    arr = np.asarray(x)
    if arr.dtype.kind == 'f':
        arr = arr.astype(floatx() if floatx() != 'bfloat16' else 'float32')
    return numpy_to_tensor(arr, device=device)


def cast_to_floatx(x):
    """Cast a NumPy array (or number) to :func:`floatx`: a NumPy array, or for
    a number a NumPy scalar, which (unlike a 0-d array) multiplies a tensor::

        alpha = K.cast_to_floatx(0.3)     # as Keras 2 layers and regularizers keep it
        y = alpha * K.relu(x)
    """
    value = np.asarray(x, dtype=floatx())
    return value[()] if value.ndim == 0 else value


def _make_variable(tensor, name, constraint=None):
    v = KerasVariable(tensor, requires_grad=False,
                      name=name if name is not None else 'variable_%d' % get_uid('variable'))
    v.constraint = constraint
    return v


def variable(value, dtype=None, name=None, constraint=None):
    """Create a Keras variable (a non-trainable ``Parameter``) holding a copy of ``value``.

    Args:
        value: NumPy array (any strides), list, number, tensor, or SciPy
            sparse matrix (giving a sparse variable).
        dtype: Keras dtype; default :func:`floatx`.
        name: Optional name; the variable's ``name`` is ``'<name>:0'``.
        constraint: Optional projection applied after optimizer updates.
    """
    torch_dtype = to_torch_dtype(dtype)
    if isinstance(value, torch.Tensor):
        data = value.detach().to(device=get_device(), dtype=torch_dtype).clone()
    else:
        data = numpy_to_tensor(value, torch_dtype, get_device(), copy=True)
    return _make_variable(data, name, constraint)


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor filled with ``value`` (broadcast to ``shape`` if given)."""
    t = as_tensor(value, dtype=dtype or floatx())
    if shape is not None:
        shape = tuple(shape)
        t = t.expand(shape).clone() if t.numel() == 1 else t.reshape(shape)
    return t.clone() if not isinstance(value, torch.Tensor) else t


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input to feed through :func:`keras.backend.function`.

    Args:
        shape: Tuple of sizes, ``None`` for unknown ones (any axis).
        ndim: Rank, when ``shape`` is not given (all sizes unknown).
        dtype: Keras dtype; default :func:`floatx`.
        sparse: Accepted; the placeholder takes dense values.
        name: Optional name.
    """
    return graph_hooks.placeholder(shape=shape, ndim=ndim, dtype=dtype, sparse=sparse,
                                   name=name)


def is_placeholder(x):
    """True for a symbolic input (``K.placeholder`` or ``Input``)."""
    return bool(getattr(x, '_is_keras_tensor', False)) and bool(
        getattr(x, '_is_placeholder', False))


def is_variable(x):
    return isinstance(x, torch.nn.Parameter)


def is_tensor(x):
    """True for a torch tensor or a symbolic KerasTensor."""
    return isinstance(x, torch.Tensor) or bool(getattr(x, '_is_keras_tensor', False))


def is_keras_tensor(x):
    """True when ``x`` was made by ``Input`` or a Keras layer.

    Raises:
        ValueError: when ``x`` is not a tensor at all.
    """
    if not is_tensor(x):
        raise ValueError('Unexpectedly found an instance of type `%s`. Expected '
                         'a symbolic tensor instance.' % (type(x),))
    return bool(getattr(x, '_is_keras_tensor', False)) and not getattr(
        x, '_is_backend_placeholder', False)


def is_sparse(tensor):
    if getattr(tensor, '_is_keras_tensor', False):
        return bool(getattr(tensor, '_keras_sparse', False))
    return isinstance(tensor, torch.Tensor) and tensor.layout != torch.strided


@symbolic
def to_dense(tensor):
    return tensor.to_dense() if is_sparse(tensor) else tensor


def _filled_variable(fill, shape, dtype, name):
    if isinstance(shape, int):
        shape = (shape,)
    data = fill(tuple(shape), dtype=to_torch_dtype(dtype), device=get_device())
    return _make_variable(data, name)


def zeros(shape, dtype=None, name=None):
    """A variable of zeros."""
    return _filled_variable(torch.zeros, shape, dtype, name)


def ones(shape, dtype=None, name=None):
    """A variable of ones."""
    return _filled_variable(torch.ones, shape, dtype, name)


def eye(size, dtype=None, name=None):
    """An identity-matrix variable; ``size`` is ``n`` or ``(n, m)``."""
    n, m = size if isinstance(size, (list, tuple)) else (size, size)
    data = torch.eye(n, m, dtype=to_torch_dtype(dtype), device=get_device())
    return _make_variable(data, name)


@symbolic
def zeros_like(x, dtype=None, name=None):
    """Zeros shaped like ``x``; the dtype defaults to :func:`floatx` (as Keras 2.3.1)."""
    x = as_tensor(x)
    return torch.zeros_like(x, dtype=to_torch_dtype(dtype))


@symbolic
def ones_like(x, dtype=None, name=None):
    """Ones shaped like ``x``; the dtype defaults to :func:`floatx` (as Keras 2.3.1)."""
    x = as_tensor(x)
    return torch.ones_like(x, dtype=to_torch_dtype(dtype))


@symbolic
def identity(x, name=None):
    """A copy of ``x``."""
    return as_tensor(x).clone()


def _numpy_seeded_generator(seed):
    if seed is None:
        seed = np.random.randint(10e8)  # reproducible under np.random.seed
    return torch.Generator().manual_seed(int(seed))


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A variable drawn from U(low, high)."""
    gen = _numpy_seeded_generator(seed)
    data = torch.rand(tuple(shape), generator=gen, dtype=torch.float64)
    data = (data * (high - low) + low).to(to_torch_dtype(dtype))
    return variable(data, dtype=dtype, name=name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A variable drawn from N(mean, scale**2)."""
    gen = _numpy_seeded_generator(seed)
    data = torch.randn(tuple(shape), generator=gen, dtype=torch.float64)
    data = (data * scale + mean).to(to_torch_dtype(dtype))
    return variable(data, dtype=dtype, name=name)


def count_params(x):
    """Number of elements of ``x`` (its static shape's product)."""
    return int(np.prod(int_shape(x)))


@symbolic
def cast(x, dtype):
    """``x`` converted to ``dtype`` (a new tensor; variables stay unchanged)."""
    return as_tensor(x).to(to_torch_dtype(dtype))


def dtype(x):
    """The Keras dtype string of ``x``, e.g. ``'float32'``."""
    return from_torch_dtype(x.dtype)


def int_shape(x):
    """Shape of ``x`` as a tuple of ints (``None`` for unknown symbolic dims)."""
    if getattr(x, '_is_keras_tensor', False):
        return tuple(x.shape)
    if hasattr(x, 'shape'):
        return tuple(int(d) if d is not None else None for d in x.shape)
    return np.shape(x)


@symbolic
def shape(x):
    """The concrete shape of a tensor (a ``torch.Size``)."""
    return as_tensor(x).shape


def ndim(x):
    """Number of axes of ``x``."""
    return len(int_shape(x))


@symbolic
def size(x, name=None):
    """Number of elements of ``x``, as a scalar int tensor."""
    x = as_tensor(x)
    return torch.tensor(x.numel(), dtype=torch.int32, device=x.device)


def to_numpy(x):
    """A NumPy copy of a tensor, array or number."""
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.layout != torch.strided:
            x = x.to_dense()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.to('cpu', copy=True).numpy()  # a copy, never a view of a variable
    if getattr(x, '_is_keras_tensor', False):
        raise ValueError('Cannot evaluate the symbolic tensor %r: it has no value '
                         'until a model is called on data. Build a '
                         '`K.function(inputs, [tensor])` and call it instead.' % (x,))
    return np.asarray(x)


def eval(x):
    """The value of a tensor or variable, as a NumPy array."""
    return to_numpy(x)


def get_value(x):
    """The value of a variable, as a NumPy array."""
    return to_numpy(x)


def batch_get_value(ops):
    """Values of several tensors, as a list of NumPy arrays."""
    return [to_numpy(x) for x in ops]


def set_value(x, value):
    """Overwrite the variable ``x`` in place with ``value`` (same shape)."""
    value = np.asarray(value) if not isinstance(value, torch.Tensor) else value
    if tuple(value.shape) != tuple(x.shape):
        raise ValueError('Cannot set a variable of shape %s to a value of shape %s.'
                         % (tuple(x.shape), tuple(value.shape)))
    if not isinstance(value, torch.Tensor):
        value = numpy_to_tensor(value, x.dtype, x.device)
    with torch.no_grad():
        x.copy_(value.to(device=x.device, dtype=x.dtype))


def batch_set_value(tuples):
    """``set_value`` for each ``(variable, value)`` pair."""
    for x, value in tuples:
        set_value(x, value)


def get_variable_shape(x):
    return int_shape(x)


@symbolic
def print_tensor(x, message=''):
    """Print ``message`` and the value of ``x``; return ``x`` unchanged."""
    print(message, x)
    return x


def _in_place(x, fn):
    with torch.no_grad():
        fn(x)
    return x


def _check_variable(x, what):
    if not isinstance(x, torch.Tensor):
        raise ValueError('K.%s changes a variable (made with K.variable or a layer '
                         'weight); got %r.' % (what, x))


def _deferred(value):
    """Whether an update by ``value`` waits for a function to run it: the value
    is symbolic, a graph is being built, or a layer's shapes are probed."""
    return (bool(getattr(value, '_is_keras_tensor', False)) or graph_scope.building_graph()
            or in_shape_probe())


def update(x, new_x):
    """Set ``x`` to ``new_x``: at once (returns ``x``), or as an ``UpdateOp`` for
    ``K.function`` when ``new_x`` is symbolic or a graph is being built."""
    _check_variable(x, 'update')
    if _deferred(new_x):
        return UpdateOp(x, new_x, 'assign')
    return _in_place(x, lambda v: v.copy_(as_tensor(new_x, device=v.device)))


def update_add(x, increment):
    """``x += increment``: at once (returns ``x``) or as an ``UpdateOp`` (see :func:`update`)."""
    _check_variable(x, 'update_add')
    if _deferred(increment):
        return UpdateOp(x, increment, 'add')
    return _in_place(x, lambda v: v.add_(as_tensor(increment, device=v.device)))


def update_sub(x, decrement):
    """``x -= decrement``: at once (returns ``x``) or as an ``UpdateOp`` (see :func:`update`)."""
    _check_variable(x, 'update_sub')
    if _deferred(decrement):
        return UpdateOp(x, decrement, 'sub')
    return _in_place(x, lambda v: v.sub_(as_tensor(decrement, device=v.device)))


def _moving_average(x, value, momentum):
    target = as_tensor(value, device=x.device).to(x.dtype)
    return x - (x - target) * (1.0 - momentum)


def moving_average_update(x, value, momentum):
    """``x = x * momentum + value * (1 - momentum)``: at once (returns ``x``) or
    as an ``UpdateOp`` (see :func:`update`)."""
    _check_variable(x, 'moving_average_update')
    if _deferred(value):
        if graph_scope.building_graph():
            new = graph_scope.record_on_variables(_moving_average, (x, value, momentum), {})
        elif getattr(value, '_is_keras_tensor', False):
            new = graph_hooks.call_symbolically(_moving_average, (x, value, momentum), {})
        else:
            with torch.no_grad():
                new = _moving_average(x, value, momentum)
        return UpdateOp(x, new, 'assign')

    def step(v):
        target = as_tensor(value, device=v.device).to(v.dtype)
        v.sub_((v - target) * (1.0 - momentum))
    return _in_place(x, step)


@contextlib.contextmanager
def name_scope(name):
    """Accepted for compatibility; names are not scoped here."""
    yield


def control_dependencies(control_inputs):
    """Eager code already runs in order; while a graph is built (``get_updates``),
    ops built in the block read variables as the ``control_inputs`` updates
    leave them."""
    if graph_scope.building_graph():
        return graph_scope.control_dependencies(control_inputs)
    return contextlib.nullcontext()


def manual_variable_initialization(value):
    """Accepted for compatibility: variables are initialized when created."""


def eager(func):
    """Accepted for compatibility: everything runs eagerly already."""
    return func
