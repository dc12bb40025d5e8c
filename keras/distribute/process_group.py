"""Joining the torch.distributed process group a launcher describes.

``torchrun`` (and most launchers) put ``WORLD_SIZE``, ``RANK``,
``LOCAL_RANK``, ``MASTER_ADDR`` and ``MASTER_PORT`` in every process's
environment.  :func:`initialize` reads them and joins the group: gloo on CPU,
nccl when CUDA is present (each process then uses the GPU ``LOCAL_RANK``).
Every collective call is guarded by :func:`guard`, which turns a dead peer or
a timeout into one :class:`DistributedError` that says what happened.
"""
import atexit
import contextlib
import datetime
import os

import torch

from keras.backend import session as K_session

__all__ = ['DistributedError', 'initialize', 'default_backend', 'maybe_initialize',
           'is_distributed', 'rank', 'world_size', 'local_rank', 'barrier', 'guard',
           'timeout_seconds']

_DEFAULT_TIMEOUT = 1800.
_TIMEOUT_ENV = 'KERAS_DISTRIBUTED_TIMEOUT'
_state = {'timeout': None}


class DistributedError(RuntimeError):
    """A collective operation failed: another rank stopped or did not answer."""


def _dist():
    import torch.distributed as dist
    return dist


def _initialized():
    if not torch.distributed.is_available():
        return False
    return _dist().is_initialized()


def timeout_seconds():
    """The process-group timeout in seconds (set by :func:`initialize`)."""
    if _state['timeout'] is not None:
        return _state['timeout']
    return float(os.environ.get(_TIMEOUT_ENV, _DEFAULT_TIMEOUT))


def initialize(backend=None, timeout=None):
    """Join the process group described by the launcher's environment.

    Call it once at the top of a script started with
    ``torchrun --nproc_per_node=N script.py``; ``fit``, ``evaluate`` and
    ``predict`` also call it themselves when ``WORLD_SIZE`` > 1 is set.

    Args:
        backend: ``'gloo'`` or ``'nccl'``; default: :func:`default_backend`.
        timeout: seconds a collective may wait for the other ranks before the
            job fails with :class:`DistributedError` (default: the
            ``KERAS_DISTRIBUTED_TIMEOUT`` environment variable, else 1800).

    Returns:
        True when this process is now part of a group (or already was); False
        when the environment describes no group (a plain single process).

    Raises:
        ValueError: when the environment is incomplete.
    """
    if _initialized():
        return True
    if 'WORLD_SIZE' not in os.environ:
        return False
    missing = [k for k in ('RANK', 'MASTER_ADDR', 'MASTER_PORT') if k not in os.environ]
    if missing:
        raise ValueError('keras.distribute.initialize: WORLD_SIZE is set but %s is not. Start '
                         'the script with `torchrun --nproc_per_node=N script.py`, or set '
                         'WORLD_SIZE, RANK, MASTER_ADDR and MASTER_PORT yourself.'
                         % ', '.join(missing))
    seconds = float(timeout) if timeout is not None else timeout_seconds()
    _state['timeout'] = seconds
    if backend is None:
        backend = default_backend()
    kwargs = {}
    if backend == 'nccl':
        device = torch.device('cuda', local_rank())
        torch.cuda.set_device(device)
        K_session.set_device(device)
        kwargs['device_id'] = device
    dist = _dist()
    timeout = datetime.timedelta(seconds=seconds)
    with guard('joining the process group'):
        store = _restart_store(timeout)
        if store is not None:
            kwargs['store'] = store
        dist.init_process_group(backend, rank=int(os.environ['RANK']),
                                world_size=int(os.environ['WORLD_SIZE']),
                                timeout=timeout, **kwargs)
    atexit.register(_leave_group)
    return True


def _leave_group():
    """Leave the group before the interpreter exits: its communication threads
    (and DistributedDataParallel's) must be joined while Python still runs, or
    the process can abort at exit ('terminate called without an active
    exception')."""
    if _initialized():
        with contextlib.suppress(Exception):
            _dist().destroy_process_group()


def _restart_store(timeout):
    """A store of this attempt's own under a restarted ``torchrun`` group, or None.

    After ``torchrun --max-restarts`` restarts the workers, the launcher's
    store (static rendezvous, torchrun's default) still holds the previous
    attempt's keys, among them the addresses of dead processes, and joining
    through it hangs; keys under a prefix naming the attempt start clean.
    """
    attempt = os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')
    if attempt == '0':
        return None
    dist = _dist()
    agent_hosts_store = os.environ.get('TORCHELASTIC_USE_AGENT_STORE') == 'True'
    store = dist.TCPStore(os.environ['MASTER_ADDR'], int(os.environ['MASTER_PORT']),
                          int(os.environ['WORLD_SIZE']),
                          is_master=not agent_hosts_store and int(os.environ['RANK']) == 0,
                          timeout=timeout)
    return dist.PrefixStore('keras/attempt_%s/' % attempt, store)


def default_backend():
    """nccl when models train on CUDA (``keras.backend.get_device()``, so
    ``KERAS_DEVICE=cpu`` trains on CPU with gloo on a GPU machine) and this
    process has a GPU of its own (``LOCAL_RANK`` < the GPU count); else gloo."""
    if K_session.get_device().type == 'cuda' and local_rank() < torch.cuda.device_count():
        return 'nccl'
    return 'gloo'


def maybe_initialize():
    """Join the group when the environment asks for more than one process."""
    if _initialized():
        return True
    if int(os.environ.get('WORLD_SIZE', '1')) > 1:
        return initialize()
    return False


def is_distributed():
    """Whether this process trains together with others (world size > 1)."""
    return _initialized() and _dist().get_world_size() > 1


def rank():
    """This process's rank (0 without a process group)."""
    return _dist().get_rank() if _initialized() else 0


def world_size():
    """The number of processes (1 without a process group)."""
    return _dist().get_world_size() if _initialized() else 1


def local_rank():
    """The rank on this machine (``LOCAL_RANK``), which picks the GPU."""
    if 'LOCAL_RANK' in os.environ:
        return int(os.environ['LOCAL_RANK'])
    count = torch.cuda.device_count() if torch.cuda.is_available() else 1
    return int(os.environ.get('RANK', '0')) % max(count, 1)


def barrier():
    """Wait until every rank reaches this point (no-op in a single process)."""
    if is_distributed():
        with guard('a barrier'):
            _dist().barrier()


@contextlib.contextmanager
def guard(what):
    """Re-raise a failed collective as a :class:`DistributedError` naming ``what``."""
    try:
        yield
    except DistributedError:
        raise
    except RuntimeError as error:
        where = ('rank %d of %d' % (rank(), world_size())) if _initialized() else 'this process'
        raise DistributedError(
            'Distributed training stopped: %s failed on %s. Another process of the job '
            'stopped (it raised an error, crashed or was killed) or did not answer within the '
            'process-group timeout of %g s; look at the other ranks\' output for the first '
            'error. (%s: %s)' % (what, where, timeout_seconds(), type(error).__name__,
                                 str(error).strip()[:300])) from error
