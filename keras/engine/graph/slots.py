"""Arguments of a graph op with its symbolic tensors taken out, and put back.

A recorded call keeps its arguments with each ``KerasTensor`` (also inside
a list or tuple) replaced by a :class:`Slot` numbering it among the op's
inputs; at run time :func:`fill` puts the real values back in their places.
"""
from keras.engine.keras_tensor import is_keras_tensor

__all__ = ['Slot', 'extract', 'fill']


class Slot(object):
    """Marks where the i-th symbolic input goes back into the arguments."""
    __slots__ = ('index',)

    def __init__(self, index):
        self.index = index


def extract(value, tensors):
    """``value`` with its symbolic tensors appended to ``tensors`` and replaced by slots."""
    if is_keras_tensor(value):
        tensors.append(value)
        return Slot(len(tensors) - 1)
    if isinstance(value, (list, tuple)) and any(is_keras_tensor(v) for v in value):
        return type(value)(extract(v, tensors) for v in value)
    return value


def fill(value, real):
    """``value`` with each slot replaced by its entry of ``real``."""
    if isinstance(value, Slot):
        return real[value.index]
    if isinstance(value, (list, tuple)) and any(isinstance(v, Slot) for v in value):
        return type(value)(fill(v, real) for v in value)
    return value
