"""What the training loops do differently when several processes train one
model: the same start, merged metrics, one printer (the gradients are averaged
by DDP: :mod:`keras.distribute.ddp_step`).

Every function here is a no-op (or returns its input) in a single process.
"""
import torch

from keras.backend import session as K_session
from keras.distribute import collectives
from keras.distribute.ddp_step import check_unsharded
from keras.distribute.process_group import is_distributed, rank, world_size
from keras.distribute.sharding import Shard

__all__ = ['broadcast_training_state', 'broadcast_model_state',
           'reduce_metric_states', 'reduce_loss', 'rank_callbacks', 'data_shard',
           'move_model_to_rank_device']


def data_shard(shuffle_seed=False):
    """This rank's :class:`Shard` (with a seed shared by all ranks), or None."""
    if not is_distributed():
        return None
    seed = collectives.shared_seed() if shuffle_seed else None
    return Shard(rank(), world_size(), seed)


def move_model_to_rank_device(model):
    """Move a model built before the group was joined to this rank's GPU."""
    device = K_session.get_device()
    if device.type != 'cuda':
        return
    for p in model.parameters():
        if p.device != device:
            model.to(device)
        return


def _optimizer_tensors(optimizer, params):
    inner = getattr(optimizer, 'inner_optimizer', None)
    tensors = []
    if inner is not None:
        tensors += _optimizer_tensors(inner, params)
        return tensors + list(getattr(optimizer, 'loss_scale_state', []))
    build = getattr(optimizer, 'build', None)
    if build is not None and params:
        build(params)
    tensors += list(getattr(optimizer, 'weights', []) or [])
    scalars = getattr(optimizer, '_scalars', {}) or {}
    seen = set(id(t) for t in tensors)
    tensors += [v for v in scalars.values() if id(v) not in seen]
    return tensors


def _model_tensors(model, trainable=True):
    seen, out = set(), []
    for t in list(model.parameters()) + list(model.buffers()):
        if id(t) in seen:
            continue
        seen.add(id(t))
        if trainable or not getattr(t, 'requires_grad', False):
            out.append(t)
    return out


def broadcast_training_state(model, steps):
    """Give every rank rank 0's weights, buffers and optimizer state (that of
    ``steps``, the model's compiled :class:`~keras.training.steps.StepFunctions`)."""
    if not is_distributed():
        return
    check_unsharded(model)
    tensors = _model_tensors(model) + _optimizer_tensors(steps.optimizer, steps.params)
    with torch.no_grad():
        collectives.broadcast_tensors([t.data if isinstance(t, torch.nn.Parameter) else t
                                       for t in tensors],
                                      what='broadcasting the initial weights')


def broadcast_model_state(model):
    """Give every rank rank 0's non-trainable state (e.g. BatchNormalization's
    moving statistics, which each rank updates from its own batches), as
    ``DistributedDataParallel`` does with buffers."""
    if not is_distributed():
        return
    tensors = [t.data if isinstance(t, torch.nn.Parameter) else t
               for t in _model_tensors(model, trainable=False) if t.dtype.is_floating_point]
    collectives.broadcast_tensors(tensors, what='broadcasting the non-trainable weights')


def _metric_objects(step_functions):
    out = []
    for target in step_functions.targets:
        if target.loss_metric is not None:
            out.append(target.loss_metric)
        out += [m for _, m in target.metrics + target.weighted_metrics]
    return out + list(getattr(step_functions, 'added_metrics', {}).values())


def reduce_metric_states(step_functions, extra=()):
    """Sum every metric's state tensors over the ranks (in place), so that
    ``result()`` is the value over all ranks' samples.

    Args:
        extra: more tensors summed in the same call (e.g. a loss sum and a
            sample count).

    Returns:
        The summed ``extra`` tensors.
    """
    extra = list(extra)
    if not is_distributed():
        return extra
    states = [w for m in _metric_objects(step_functions) for w in m.weights]
    summed = collectives.all_reduce_sum(states + extra, what='merging the metrics')
    with torch.no_grad():
        for state, value in zip(states, summed):
            state.copy_(value)
    return summed[len(states):]


def reduce_loss(step_functions, loss_sum, seen):
    """``(global loss sum, global sample count)``, merging the metrics too."""
    device = loss_sum.device if isinstance(loss_sum, torch.Tensor) else torch.device('cpu')
    loss_sum = torch.as_tensor(loss_sum, dtype=torch.float32, device=device).reshape(1)
    count = torch.tensor([float(seen)], dtype=torch.float32, device=device)
    loss_sum, count = reduce_metric_states(step_functions, [loss_sum, count])
    return loss_sum[0], float(count.item())


# The callback classes that write files (ModelCheckpoint, CSVLogger, TensorBoard),
# registered by keras.callbacks when imported: it builds on this package, so
# this module does not import it.
_FILE_WRITERS = []


def register_file_writing_callbacks(*classes):
    """Callbacks that ranks other than 0 skip (see :func:`rank_callbacks`)."""
    _FILE_WRITERS.extend(c for c in classes if c not in _FILE_WRITERS)


def rank_callbacks(callbacks, verbose):
    """``(callbacks, verbose)`` for this rank: ranks other than 0 print
    nothing and skip the callbacks that write files (the others run on every
    rank and, seeing the same merged epoch logs, decide the same)."""
    if not is_distributed() or rank() == 0:
        return callbacks, verbose
    kept = [c for c in (callbacks or []) if not isinstance(c, tuple(_FILE_WRITERS))]
    return kept, 0
