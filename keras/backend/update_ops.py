"""Pending variable assignments: the update ops of Keras 2's graph mode.

In Keras 2, ``K.update(x, new_x)`` built an op that changed ``x`` only when a
function ran it (``K.function(..., updates=[...])``, the training function of
``fit``).  Here a value that is already known is assigned at once (eager
TensorFlow's behaviour); a value that is symbolic becomes an :class:`UpdateOp`,
which ``K.function`` computes with its outputs and assigns after them.

Layers whose own forward call changes their state (BatchNormalization's moving
statistics, stateful RNN states) report that change in ``layer.updates`` as an
``UpdateOp`` with ``applied_in_call=True``: running the layer in training
already applied it, so a function given such an op must not apply it again.
"""

__all__ = ['UpdateOp', 'is_update_op']

_MODES = ('assign', 'add', 'sub')


class UpdateOp(object):
    """``variable <- value`` (``mode='assign'``), ``+= value`` or ``-= value``.

    Attributes:
        variable: The variable (a ``torch.nn.Parameter``) that changes.
        value: The new value or increment: a tensor, a number or a symbolic
            ``KerasTensor`` computed when the update runs.
        mode: ``'assign'``, ``'add'`` or ``'sub'``.
        applied_in_call: True when the layer's own call makes this change, so
            that functions running the layer must not apply it a second time.
    """

    __slots__ = ('variable', 'value', 'mode', 'applied_in_call')

    def __init__(self, variable, value, mode='assign', applied_in_call=False):
        if mode not in _MODES:
            raise ValueError('UpdateOp mode must be one of %s; got %r.' % (_MODES, mode))
        self.variable = variable
        self.value = value
        self.mode = mode
        self.applied_in_call = bool(applied_in_call)

    def __repr__(self):
        name = getattr(self.variable, '_keras_name', None) or type(self.variable).__name__
        return '<UpdateOp %s %s%s>' % (name, self.mode,
                                      ' (applied in call)' if self.applied_in_call else '')


def is_update_op(x):
    return isinstance(x, UpdateOp)
