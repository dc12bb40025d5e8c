"""``predict`` of a few rows, in few steps: serving's common call.

``model.predict(x)`` for one NumPy array of at most ``batch_size`` rows is
one batch; the general path (:meth:`Model.predict`) spends more time
checking, slicing and gathering it than a small model spends computing it.
:func:`predictions` does the same work with only the checks that can fail
for such a call, and returns None wherever anything else could happen (a
dict or a list of arrays, several inputs, another dtype or shape than the
model's, callbacks, a progress bar, a stateful or subclassed model, a model
that has yet to build or finish compiling, several processes): the caller
then takes the general path, which gives the errors and the edge cases.

    model.predict(x[:1])    # this path
    model.predict(x)        # more rows than batch_size: the general path
"""
import os

import numpy as np
import torch

from keras.backend import session as K_session
from keras.training import compiled_state
from keras.training.epoch_loop import joined_outputs, predict_batch

__all__ = ['predictions']

_FACTS = '_quick_predict_facts'

# The NumPy dtype an input of each Keras dtype takes as it is
_NUMPY_DTYPES = {'float32': np.dtype('float32'), 'float64': np.dtype('float64'),
                 'float16': np.dtype('float16'), 'int32': np.dtype('int32'),
                 'int64': np.dtype('int64'), 'uint8': np.dtype('uint8'),
                 'bool': np.dtype('bool')}


class _Facts(object):
    """What a call needs to know of the model, found again for each new
    execution plan (layers added, a hook registered...) and after the weights
    move (``Network._weight_moves``: ``.to(device)``, ``.half()``...)."""
    __slots__ = ('plan', 'moves', 'spec_shape', 'numpy_dtype', 'stateful', 'first_weight',
                 'launched_several')

    def __init__(self, model, plan):
        self.plan = plan
        self.moves = model._weight_moves
        spec = model.inputs[0]
        self.spec_shape = tuple(spec.shape)
        self.numpy_dtype = _NUMPY_DTYPES.get(spec.dtype)
        self.stateful = model.stateful
        self.first_weight = next(iter(model.parameters()), None)
        # (a launcher sets WORLD_SIZE before the process starts: read once)
        self.launched_several = os.environ.get('WORLD_SIZE', '1') != '1'

    def device(self):
        if self.first_weight is None:
            return K_session.get_device()
        return self.first_weight.device


def _facts(model):
    plan = model._get_plan()
    facts = model.__dict__.get(_FACTS)
    if facts is None or facts.plan is not plan or facts.moves != model._weight_moves:
        facts = model.__dict__[_FACTS] = _Facts(model, plan)
    return facts


_DISTRIBUTED = torch.distributed.is_available()


def _several_processes(facts):
    return facts.launched_several or (_DISTRIBUTED and torch.distributed.is_initialized())


def _fits(facts, x):
    """Whether ``x`` is a batch of the model input's shape and dtype."""
    shape = facts.spec_shape
    if x.ndim != len(shape) or facts.numpy_dtype != x.dtype:
        return False
    for want, got in zip(shape[1:], x.shape[1:]):
        if want is not None and want != got:
            return False
    return True


def predictions(model, x, batch_size):
    """``model.predict(x, batch_size)`` with nothing else asked, or None
    where the general path must run (see the module docstring)."""
    if type(x) is not np.ndarray or not model._is_graph_network:
        return None
    if len(model.inputs) != 1 or x.ndim == 0 or not 0 < x.shape[0] <= batch_size or \
            not x.flags.c_contiguous:
        return None
    state = compiled_state.of(model)
    if state is not None and state.pending:
        return None
    facts = _facts(model)
    if facts.stateful or not _fits(facts, x) or _several_processes(facts):
        return None
    if model.__dict__.get('stop_training'):  # (what configuring no callbacks does)
        model.stop_training = False
    t = torch.from_numpy(x)
    device = facts.device()
    if device.type != 'cpu':
        t = t.to(device, non_blocking=True)
    model.train(False)
    with K_session.learning_phase_scope(0):
        outs = joined_outputs([[y] for y in predict_batch(model, [t])])
    return outs[0] if len(outs) == 1 else outs
