"""``KerasVariable``: the ``torch.nn.Parameter`` behind every Keras weight and ``K.variable``.

It is a ``Parameter`` in every respect (modules register it, optimizers and
``DistributedDataParallel`` see it, ``torch.compile`` traces it) with one
addition Keras 2 code relies on: a ``name`` like TensorFlow's variable names,
``'dense_1/kernel:0'``.  Libraries written for Keras 2 group parameters by it
(learning-rate multipliers match ``param.name.startswith('dense_1/')``),
programs print it and callbacks key summaries by it.  PyTorch's own
``Tensor.name`` is a read-only slot, so the name lives in the instance's
``__dict__`` as ``_keras_name`` and this class exposes it.

    >>> w = K.variable(np.zeros(3), name='bias')
    >>> w.name
    'bias:0'
"""
import contextlib
import copy

import torch

__all__ = ['KerasVariable', 'tensorflow_name', 'as_plain_parameters']


def tensorflow_name(name):
    """``name`` as TensorFlow spells a variable's name: with an output index (``':0'``)."""
    if name is None:
        return None
    head, sep, tail = name.rpartition(':')
    return name if sep and tail.isdigit() else name + ':0'


class KerasVariable(torch.nn.Parameter):
    """A ``Parameter`` with a Keras (TensorFlow-style) ``name``.

    Pickling and ``copy.deepcopy`` keep the class, the name and any other
    attribute (a weight's ``constraint``).
    """

    # Keep PyTorch's fast dispatch: torch functions on the variable return plain
    # tensors without a ``__torch_function__`` round trip, like a ``Parameter``
    # (Python operators on variables alone also keep a recipe: see the end).
    __torch_function__ = torch._C._disabled_torch_function_impl

    def __new__(cls, data=None, requires_grad=True, name=None):
        variable = super().__new__(cls, data, requires_grad)
        if name is not None:
            variable.__dict__['_keras_name'] = name
        return variable

    @property
    def name(self):
        """The variable's name, ``'<layer>/<weight>:0'`` for a layer's weight."""
        return tensorflow_name(self.__dict__.get('_keras_name'))

    @name.setter
    def name(self, value):
        self.__dict__['_keras_name'] = value

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        copied = type(self)(self.data.clone(memory_format=torch.preserve_format),
                            self.requires_grad)
        memo[id(self)] = copied
        for key, value in self.__dict__.items():
            copied.__dict__[key] = copy.deepcopy(value, memo)
        return copied

    def __reduce_ex__(self, protocol):
        return (_rebuild_keras_variable,
                (self.data, self.requires_grad, dict(self.__dict__)))


def _rebuild_keras_variable(data, requires_grad, state):
    variable = KerasVariable(data, requires_grad)
    variable.__dict__.update(state)
    return variable


@contextlib.contextmanager
def as_plain_parameters(tensors):
    """Within the block, the given ``KerasVariable``s are plain ``Parameter``s.

    ``torch.export`` lifts ``Parameter`` objects it meets into the exported
    program's state but rejects parameter subclasses; the names come back on
    exit (they stay in each variable's ``__dict__``).
    """
    changed = [t for t in tensors if type(t) is KerasVariable]
    for t in changed:
        t.__class__ = torch.nn.Parameter
    try:
        yield
    finally:
        for t in changed:
            t.__class__ = KerasVariable


# Python operators on variables remember their recipe when every operand is a
# variable (Keras 2's graph expressions; see keras.backend.variable_expressions).
from keras.backend import variable_expressions as _expressions  # noqa: E402

for _name, _method in _expressions.OPERATORS.items():
    setattr(KerasVariable, _name, _method)
