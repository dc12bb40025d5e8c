"""Sources of backend graphs: ``K.placeholder`` and variables read by graph ops.

A placeholder is a symbolic input like ``Input()``'s, except that its shape is
complete as given (any size may be ``None``, the first is not special) and,
as in Keras 2, it is not a *Keras* tensor until it goes through
``Input(tensor=...)``.  A variable read inside a graph (see
:mod:`keras.backend.graph_scope`) becomes a source tensor whose value, when a
function runs, is the variable itself.
"""
import weakref

from torch.utils.weak import WeakIdKeyDictionary

from keras.backend import graph_hooks
from keras.backend import session as K_session
from keras.backend.variables import from_torch_dtype
from keras.engine.input_layer import InputLayer

__all__ = ['placeholder', 'variable_tensor', 'VariableInput', 'graph_sources']


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input of ``shape`` (``None`` for unknown sizes), or of rank ``ndim``."""
    if shape is None:
        if ndim is None:
            raise ValueError('K.placeholder needs a `shape` (a tuple, None for unknown '
                             'sizes) or an `ndim`; got neither.')
        shape = (None,) * int(ndim)
    elif isinstance(shape, int):
        shape = (shape,)
    shape = tuple(None if d is None else int(d) for d in shape)
    if ndim is not None and int(ndim) != len(shape):
        raise ValueError('K.placeholder got shape %s of rank %d but ndim=%s.'
                         % (shape, len(shape), ndim))
    layer_name = name or 'placeholder_%d' % K_session.get_uid('placeholder')
    layer = InputLayer(batch_input_shape=shape, dtype=dtype, name=layer_name)
    tensor = layer._inbound_nodes[0].output_tensors[0]
    tensor._is_placeholder = True
    tensor._is_backend_placeholder = True  # K.is_keras_tensor: False, as in Keras 2
    tensor._keras_sparse = bool(sparse)
    return tensor


class VariableInput(InputLayer):
    """The source of a graph that reads a variable: its value is the variable."""

    def __init__(self, variable):
        name = getattr(variable, '_keras_name', None) or 'variable'
        super(VariableInput, self).__init__(
            batch_input_shape=tuple(variable.shape), dtype=from_torch_dtype(variable.dtype),
            name='%s_read_%d' % (name.replace(':', '_'), K_session.get_uid('variable_read')))
        self._variable = weakref.ref(variable)

    @property
    def variable(self):
        variable = self._variable()
        if variable is None:
            raise ValueError('The variable read by %s no longer exists.' % self.name)
        return variable

    def get_config(self):
        raise NotImplementedError('%s reads a backend variable and cannot be serialized.'
                                  % self.name)


_SOURCES = WeakIdKeyDictionary()


def variable_tensor(variable):
    """The symbolic tensor reading ``variable`` (one per variable)."""
    tensor = _SOURCES.get(variable)
    if tensor is None:
        layer = VariableInput(variable)
        tensor = layer._inbound_nodes[0].output_tensors[0]
        tensor._is_backend_placeholder = True
        _SOURCES[variable] = tensor
    return tensor


graph_hooks.register(placeholder=placeholder, variable_tensor=variable_tensor)


def graph_sources(tensors, fed=()):
    """The source tensors (placeholders, inputs, variable reads) ``tensors`` depend on,
    in order of discovery, and the layers of the graph.  A tensor of ``fed``
    counts as a source: what computes it is not followed."""
    sources, layers, seen = [], [], set()
    fed = set(id(x) for x in fed)
    stack = [t for t in tensors]
    while stack:
        t = stack.pop()
        if id(t) in fed:
            if not any(s is t for s in sources):
                sources.append(t)
            continue
        layer, node_index, _ = t._keras_history
        key = (id(layer), node_index)
        if key in seen:
            continue
        seen.add(key)
        node = layer._inbound_nodes[node_index]
        if not node.inbound_layers:
            if not any(s is t for s in sources):
                sources.append(t)
            continue
        layers.append(layer)
        stack.extend(node.input_tensors)
    return sources, layers
