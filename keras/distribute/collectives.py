"""The few collective operations training needs, each one call per group of
tensors of the same dtype and device (the tensors are flattened into one
buffer, reduced or broadcast, and copied back)."""
import numpy as np
import torch

from keras.distribute.process_group import guard, is_distributed, rank, world_size

__all__ = ['broadcast_tensors', 'all_reduce_sum', 'all_gather_objects', 'any_rank',
           'shared_seed']


def _dist():
    import torch.distributed as dist
    return dist


def _comm_device(device):
    """gloo reduces CPU (or CUDA) tensors; nccl only CUDA ones."""
    if _dist().get_backend() == 'nccl' and device.type != 'cuda':
        return torch.device('cuda', torch.cuda.current_device())
    return device


def _groups(tensors):
    by_key = {}
    for i, t in enumerate(tensors):
        by_key.setdefault((t.dtype, t.device), []).append(i)
    return by_key.items()


def _flat(tensors, device):
    return torch.cat([t.detach().reshape(-1).to(device) for t in tensors])


def _copy_back(flat, tensors):
    offset = 0
    with torch.no_grad():
        for t in tensors:
            n = t.numel()
            t.copy_(flat[offset:offset + n].view(t.shape).to(t.device))
            offset += n


def broadcast_tensors(tensors, what='broadcasting the weights', src=0):
    """Overwrite ``tensors`` (in place) with rank ``src``'s values."""
    tensors = [t for t in tensors if t is not None and t.numel()]
    if not is_distributed() or not tensors:
        return
    for (_, device), positions in _groups(tensors):
        group = [tensors[i] for i in positions]
        flat = _flat(group, _comm_device(device))
        with guard(what):
            _dist().broadcast(flat, src=src)
        _copy_back(flat, group)


def all_reduce_sum(tensors, what='summing values over the ranks'):
    """New tensors holding the element-wise sums of ``tensors`` over all ranks."""
    if not is_distributed():
        return [t.clone() for t in tensors]
    out = [None] * len(tensors)
    for (dtype, device), positions in _groups(tensors):
        group = [tensors[i] for i in positions]
        flat = _flat(group, _comm_device(device))
        with guard(what):
            _dist().all_reduce(flat)
        offset = 0
        for i in positions:
            n = tensors[i].numel()
            out[i] = flat[offset:offset + n].view(tensors[i].shape).to(device)
            offset += n
    return out


def all_gather_objects(obj, what='gathering results'):
    """``[obj of rank 0, obj of rank 1, ...]`` (picklable objects)."""
    if not is_distributed():
        return [obj]
    gathered = [None] * world_size()
    with guard(what):
        _dist().all_gather_object(gathered, obj)
    return gathered


def any_rank(flag, what='agreeing on stopping'):
    """Whether ``flag`` is true on at least one rank."""
    if not is_distributed():
        return bool(flag)
    device = _comm_device(torch.device('cpu'))
    value = torch.tensor([1. if flag else 0.], device=device)
    with guard(what):
        _dist().all_reduce(value)
    return bool(value.item() > 0)


def shared_seed():
    """A random seed drawn on rank 0 (from NumPy's global generator) and sent
    to every rank, so that all ranks shuffle the same way."""
    seed = int(np.random.randint(0, 2 ** 31 - 1))
    if not is_distributed():
        return seed
    value = torch.tensor([seed if rank() == 0 else 0], dtype=torch.int64,
                         device=_comm_device(torch.device('cpu')))
    with guard('sharing the shuffling seed'):
        _dist().broadcast(value, src=0)
    return int(value.item())
