"""Process-wide state of the backend: name counters, learning phase, device,
and whether a layer is being run on placeholder values to learn its shapes.

Keras 2 kept this state in a TensorFlow graph; here it is plain Python state,
reset by :func:`clear_session`.
"""
import collections
import contextlib
import threading

import torch

_UIDS = collections.defaultdict(int)
_STATE = threading.local()
_DEVICE = None


def get_uid(prefix=''):
    """Return 1, 2, 3, ... for successive calls with the same ``prefix``."""
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def reset_uids():
    _UIDS.clear()


def clear_session():
    """Forget layer-name counters and the manual learning phase."""
    reset_uids()
    _STATE.__dict__.pop('learning_phase', None)
    _STATE.__dict__.pop('learning_phase_override', None)


def learning_phase():
    """0 (test) or 1 (train) for the code running now.

    Inside ``fit``/``train_on_batch`` this is 1; in ``predict``/``evaluate`` 0;
    a value set with :func:`set_learning_phase` wins over both.
    """
    override = getattr(_STATE, 'learning_phase_override', None)
    if override is not None:
        return override
    return getattr(_STATE, 'learning_phase', 0)


def set_learning_phase(value):
    if value not in (0, 1, True, False):
        raise ValueError('Expected learning phase to be 0 or 1, got %r.' % (value,))
    _STATE.learning_phase_override = int(value)


class learning_phase_scope(object):
    """Run a block with the learning phase set to ``value`` (0 or 1).

    (A class rather than a generator context: training enters it every step.)
    """

    __slots__ = ('_value', '_previous')

    def __init__(self, value):
        self._value = int(value)

    def __enter__(self):
        self._previous = getattr(_STATE, 'learning_phase', 0)
        _STATE.learning_phase = self._value

    def __exit__(self, *exc_info):
        _STATE.learning_phase = self._previous
        return False


class in_call_updates_scope(object):
    """Run a block in which layers apply only the in-call updates of
    ``variables`` (BatchNormalization's moving statistics...).

    Outside any scope (``variables=None``) a layer called in training applies
    its own updates, as a PyTorch module does.  ``fit`` runs its steps with the
    variables of ``model.updates`` (frozen layers excluded), ``predict`` and
    ``evaluate`` with none.  (A class, reusable: training enters it every step.)
    """

    __slots__ = ('_variables', '_previous')

    def __init__(self, variables=None):
        self._variables = None if variables is None else frozenset(variables)

    def __enter__(self):
        self._previous = getattr(_STATE, 'in_call_updates', None)
        _STATE.in_call_updates = self._variables

    def __exit__(self, *exc_info):
        _STATE.in_call_updates = self._previous
        return False


def in_call_update_allowed(variable):
    """Whether a layer's call may change ``variable`` now (see
    :class:`in_call_updates_scope`)."""
    allowed = getattr(_STATE, 'in_call_updates', None)
    return allowed is None or variable in allowed


def get_device():
    """The device models and data go to: CUDA, then MPS, then CPU.

    Override with :func:`set_device` or the ``KERAS_DEVICE`` environment variable.
    """
    global _DEVICE
    if _DEVICE is None:
        import os
        name = os.environ.get('KERAS_DEVICE')
        if name:
            _DEVICE = torch.device(name)
        elif torch.cuda.is_available():
            _DEVICE = torch.device('cuda')
        elif getattr(torch.backends, 'mps', None) is not None and torch.backends.mps.is_available():
            _DEVICE = torch.device('mps')
        else:
            _DEVICE = torch.device('cpu')
    return _DEVICE


def set_device(device):
    """Choose the device for models built or trained from now on."""
    global _DEVICE
    _DEVICE = torch.device(device) if device is not None else None


@contextlib.contextmanager
def shape_probe():
    """Mark a block that runs a layer on placeholder zeros only to learn its
    output shapes (see :func:`in_shape_probe`)."""
    previous = getattr(_STATE, 'shape_probe', False)
    _STATE.shape_probe = True
    try:
        yield
    finally:
        _STATE.shape_probe = previous


def in_shape_probe():
    """Whether the code runs inside :func:`shape_probe`: its tensors are
    independent placeholders, so graph relations between them (``K.gradients``)
    only have to give results of the right shapes."""
    return getattr(_STATE, 'shape_probe', False)


@contextlib.contextmanager
def first_order_gradients():
    """Mark a block whose ``K.gradients`` results are not differentiated again
    (a ``K.function`` without nested gradients): they are computed without a
    graph of their own, which saves its memory (see :func:`gradients_create_graph`)."""
    previous = getattr(_STATE, 'first_order', False)
    _STATE.first_order = True
    try:
        yield
    finally:
        _STATE.first_order = previous


def gradients_create_graph():
    """Whether ``K.gradients`` returns differentiable gradients, as
    ``tf.gradients`` does: when autograd is on, outside :func:`first_order_gradients`."""
    return torch.is_grad_enabled() and not getattr(_STATE, 'first_order', False)
