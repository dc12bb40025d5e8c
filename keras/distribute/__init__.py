"""``keras.distribute``: data-parallel training on ``torch.distributed``.

Start the same script once per device with ``torchrun``::

    torchrun --nproc_per_node=2 train.py

``fit``, ``evaluate`` and ``predict`` notice ``WORLD_SIZE`` > 1 in the
environment and join the process group themselves (gloo on CPU, nccl on CUDA,
one GPU per process chosen by ``LOCAL_RANK``); calling :func:`initialize` at
the top of the script does the same earlier, which is better on GPUs (the
model is then built on the right device).  Then, on every rank:

- ``fit`` starts from rank 0's weights and optimizer state, reads only this
  rank's part of the data (``batch_size`` is per rank: the global batch is
  ``batch_size * world_size``; see :mod:`keras.distribute.sharding`), and
  applies the gradients averaged over all ranks (weighted by their batch
  rows) by PyTorch's ``DistributedDataParallel``, bucket by bucket while the
  backward pass still runs, so the weights stay the same everywhere;
- the epoch's loss and metrics (and ``val_*``) are merged over all ranks'
  samples, so ``History``, ``EarlyStopping`` and ``ReduceLROnPlateau`` see the
  same numbers on every rank; a stop requested on any rank stops all ranks
  at the end of the epoch;
- only rank 0 prints and runs ``ModelCheckpoint``, ``CSVLogger`` and
  ``TensorBoard``;
- ``evaluate`` returns the value over the whole data set and ``predict`` the
  predictions for every sample, in the original order, on every rank.

``train_on_batch`` also averages the gradients (each rank passes its own
batch, and all ranks must call it together); ``test_on_batch`` and
``predict_on_batch`` are local.  Every rank runs the whole script, so guard
your own saving and printing with ``if keras.distribute.rank() == 0:``.

A rank that fails makes the others fail with :class:`DistributedError` at
their next collective (at once when its process exits, else after the
timeout of :func:`initialize`).
"""
from keras.distribute.process_group import (DistributedError, barrier, initialize,
                                            is_distributed, local_rank, maybe_initialize, rank,
                                            world_size)

__all__ = ['initialize', 'maybe_initialize', 'is_distributed', 'rank', 'world_size',
           'local_rank', 'barrier', 'DistributedError']
