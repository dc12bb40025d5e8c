"""Where batches come from: in-memory arrays, or generators, ``Sequence``s and
PyTorch ``DataLoader``s.

A source's ``epoch()`` yields ``(xs, ys, sws, rows, total_rows)`` per step:
the batch's lists of tensors, its row count, and the row count of the step's
batches of all processes together when the source knows it without asking
the other ranks (a sharded array source), else None.

An array source converts the whole data set to torch tensors once (on the
model's device when it fits) and then cuts batches with tensor indexing, so a
training step never touches NumPy.  A generator source converts each batch as
it arrives, since that is the only form the data exists in.
"""
import inspect

import numpy as np
import torch
from torch.utils.data import DataLoader, DistributedSampler

from keras.distribute import sharding
from keras.training import data_adapters
from keras.utils import data_utils

__all__ = ['ArraySource', 'LimitedSteps', 'GeneratorSource', 'unpack_generator_output',
           'is_generator_like']

_MAX_DEVICE_BYTES = 1 << 30  # keep larger data sets on the host


def _nbytes(arrays):
    return sum(int(np.prod(a.shape)) * np.dtype(getattr(a, 'dtype', 'float32')).itemsize
               if not isinstance(a, torch.Tensor) else a.numel() * a.element_size()
               for a in arrays if a is not None)


class ArraySource(object):
    """Batches of ``[xs], [ys], [sample_weights]`` from arrays.

    Args:
        groups: lists of arrays ``(inputs, targets, sample_weights)``, all with the
            same number of rows (entries may be None).
        dtypes: matching lists of torch dtypes (None keeps the array's).
        batch_size: rows per batch.
        shuffle: True, False or ``'batch'`` (shuffle whole batches).
        device: where batches must end up.
        shard: None, or this rank's :class:`keras.distribute.sharding.Shard`:
            the rank then reads its rows of each global batch of
            ``batch_size * world`` rows, and an empty step (``rows == 0``,
            tensors None) where it has none.
    """

    def __init__(self, groups, dtypes, batch_size, shuffle, device, shard=None):
        self.n = data_adapters.num_samples([a for g in groups for a in g if a is not None])
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.device = device
        self.shard = shard
        self._epochs = 0
        everything = [a for g in groups for a in g if a is not None]
        on_device = device.type == 'cpu' or _nbytes(everything) <= _MAX_DEVICE_BYTES
        self.storage_device = device if on_device else torch.device('cpu')
        self.groups = [data_adapters.to_device(g, d, self.storage_device)
                       for g, d in zip(groups, dtypes)]
        if self.storage_device.type == 'cpu' and device.type == 'cuda':
            self.groups = [[None if t is None else t.pin_memory() for t in g]
                           for g in self.groups]

    @property
    def _global_batch(self):
        return self.batch_size * (self.shard.world if self.shard is not None else 1)

    @property
    def steps(self):
        return (self.n + self._global_batch - 1) // self._global_batch

    @property
    def local_samples(self):
        """The rows this process reads per epoch."""
        return self.n if self.shard is None else self.shard.rows(self.n)

    def _order(self):
        if self.shard is None:
            rng = np.random
        else:  # the same order on every rank
            rng = np.random.RandomState((self.shard.seed or 0) + self._epochs)
        size = self._global_batch
        if self.shuffle == 'batch':
            order = np.arange(self.n)
            full = (self.n // size) * size
            blocks = order[:full].reshape(-1, size)
            rng.shuffle(blocks)
            order = np.concatenate([blocks.reshape(-1), order[full:]])
            return torch.from_numpy(order)
        if self.shuffle:
            return torch.from_numpy(rng.permutation(self.n))
        return None

    def _take(self, rows):
        """One batch: ``rows`` a slice or an index tensor on the storage device."""
        if isinstance(rows, slice):
            batch = [[None if t is None else t[rows] for t in g] for g in self.groups]
        else:
            batch = [[None if t is None else t.index_select(0, rows) for t in g]
                     for g in self.groups]
        if self.storage_device != self.device:
            batch = [[None if t is None else t.to(self.device, non_blocking=True)
                      for t in g] for g in batch]
        return batch

    def epoch(self):
        """Yield ``(xs, ys, sws, rows, total_rows)`` for one pass over the data."""
        order = self._order()
        self._epochs += 1
        if order is not None:
            order = order.to(self.storage_device)
        if self.shard is not None:
            for item in self._sharded_epoch(order):
                yield item
            return
        for start in range(0, self.n, self.batch_size):
            stop = min(start + self.batch_size, self.n)
            batch = self._take(slice(start, stop) if order is None else order[start:stop])
            yield batch[0], batch[1], batch[2], stop - start, None

    def _sharded_epoch(self, order):
        size = self._global_batch
        for start in range(0, self.n, size):
            stop = min(start + size, self.n)
            positions = self.shard.positions(start, stop)
            if not len(positions):
                yield None, None, None, 0, stop - start
                continue
            idx = torch.from_numpy(positions).to(self.storage_device)
            batch = self._take(idx if order is None else order[idx])
            yield batch[0], batch[1], batch[2], len(positions), stop - start


class LimitedSteps(object):
    """An array source cut (or cycled) to a fixed number of steps per epoch."""

    def __init__(self, source, steps):
        self.source = source
        self.steps = steps
        self._iter = None

    def epoch(self):
        done = 0
        while done < self.steps:
            if self._iter is None:
                self._iter = self.source.epoch()
            for batch in self._iter:
                yield batch
                done += 1
                if done >= self.steps:
                    return
            self._iter = None


def unpack_generator_output(output, where):
    """``(x, y)`` or ``(x, y, sample_weight)`` from one generator item."""
    if not isinstance(output, tuple):
        if isinstance(output, list) and len(output) in (2, 3):
            output = tuple(output)
        else:
            raise ValueError('Output of generator should be a tuple `(x, y, sample_weight)` or '
                             '`(x, y)`. Found: %s (in %s)' % (str(output)[:200], where))
    if len(output) == 2:
        return output[0], output[1], None
    if len(output) == 3:
        return output
    if len(output) == 1:
        return output[0], None, None
    raise ValueError('Output of generator should be a tuple `(x, y, sample_weight)` or '
                     '`(x, y)`. Found a tuple of length %d (in %s)' % (len(output), where))


def is_generator_like(x):
    """Whether ``x`` is read batch by batch (a Python generator or iterator, a
    ``Sequence``, a ``torch.utils.data.DataLoader``) rather than as arrays."""
    return inspect.isgenerator(x) or isinstance(x, (data_utils.Sequence, DataLoader)) or (
        hasattr(x, '__next__') and not isinstance(x, (np.ndarray, list, tuple, dict)))


def _uses_distributed_sampler(loader):
    """Whether ``loader`` already reads only this rank's part of its data."""
    samplers = (getattr(loader, 'sampler', None),
                getattr(getattr(loader, 'batch_sampler', None), 'sampler', None))
    return any(isinstance(s, DistributedSampler) for s in samplers)


def _loader_length(loader, where):
    try:
        return len(loader)
    except TypeError:  # an IterableDataset without __len__
        raise ValueError('%s: this DataLoader has no length (its dataset is an '
                         'IterableDataset without __len__), so the number of batches per '
                         'epoch is unknown: pass `steps_per_epoch` (fit) or `steps` '
                         '(evaluate, predict).' % where)


def _loader_batches(loader):
    """The loader's batches, pass after pass (a ``(x, y)`` batch its collation
    made a list comes back as a tuple, as a generator would yield it)."""
    for item in data_utils.iter_sequence_infinite(loader):
        yield tuple(item) if isinstance(item, list) else item


class GeneratorSource(object):
    """Batches from a Python generator, a ``keras.utils.Sequence`` or a
    ``torch.utils.data.DataLoader``.

    ``convert(x, y, sw)`` standardizes and moves one batch to the device and
    returns ``(xs, ys, sws, rows, total_rows)``.  With a ``shard`` (several processes),
    ``steps`` counts global batches: the rank reads batches ``rank, rank +
    world, ...`` and yields ``ceil(steps / world)`` steps, empty ones
    (``rows == 0``) where it has no batch left.

    Worker threads or processes start when the first batch is read (so after
    ``on_train_begin``), and the same workers serve every later epoch.  A
    ``Sequence`` read without ``steps`` is read whole each epoch, its length
    read again after each epoch (:meth:`end_epoch`), as it may change.

    A ``DataLoader`` is read with its own workers (``workers`` does not
    apply); without ``steps`` an epoch is one pass over it (``len(loader)``
    batches), with ``steps`` its passes follow one another.  With several
    processes a loader whose sampler is a ``DistributedSampler`` already gives
    each rank its own batches (:attr:`rank_local`); any other loader is read
    like a generator (every rank reads it whole and keeps every
    ``world``-th batch, so it must give the same batches in the same order
    on every rank).
    """

    def __init__(self, generator, steps, convert, workers=1, use_multiprocessing=False,
                 max_queue_size=10, shuffle=False, where='fit_generator', shard=None):
        self.generator = generator
        self.is_sequence = isinstance(generator, data_utils.Sequence)
        self.is_loader = isinstance(generator, DataLoader)
        self._whole_sequence = self.is_sequence and steps is None
        if steps is None:
            if self.is_sequence:
                steps = len(generator)
            elif self.is_loader:
                steps = _loader_length(generator, where)
            else:
                raise ValueError('`steps=None` is only valid for a generator based on the '
                                 '`keras.utils.Sequence` class. Please specify `steps` or use '
                                 'the `keras.utils.Sequence` class.')
        # A loader with a DistributedSampler gives each rank its own batches already.
        self.rank_local = self.is_loader and shard is not None and \
            _uses_distributed_sampler(generator)
        if self.rank_local:
            shard = None
        if where != 'predict_generator' and int(steps) < 1:
            what = ('a Sequence of length %d' % len(generator) if self._whole_sequence
                    else '`steps`=%r' % (steps,))
            raise ValueError('%s: expected at least one batch per epoch; received %s.'
                             % (where, what))
        self.shard = shard
        self.global_steps = int(steps)
        self.steps = sharding.local_steps(self.global_steps, shard)
        self.convert = convert
        self.where = where
        self.enqueuer = None
        self._iterator = None
        if shard is not None and self.is_sequence:
            generator = sharding.ShardedSequence(generator, shard)
        if self.is_loader:  # (its own num_workers load the data)
            self._iterator = _loader_batches(generator)
        elif workers > 0:
            if self.is_sequence:
                self.enqueuer = data_utils.OrderedEnqueuer(
                    generator, use_multiprocessing=use_multiprocessing, shuffle=shuffle)
            else:
                self.enqueuer = data_utils.GeneratorEnqueuer(
                    generator, use_multiprocessing=use_multiprocessing)
            self._start = lambda: self.enqueuer.start(workers=workers,  # noqa: E731
                                                      max_queue_size=max_queue_size)
        elif self.is_sequence:
            self._iterator = data_utils.iter_sequence_infinite(generator)
        else:
            self._iterator = generator

    def _next(self):
        if self._iterator is None:  # the first batch: start the workers now
            self._start()
            self._iterator = self.enqueuer.get()
        try:
            return next(self._iterator)
        except StopIteration:
            raise RuntimeError('Your generator ran out of data before the expected number of '
                               'steps (%d) in %s. Make it loop forever (while True) or pass '
                               'a smaller `steps`.' % (self.global_steps, self.where))

    def items(self):
        """The raw generator items of one epoch (``EMPTY_STEPS`` for empty steps)."""
        if self.shard is None:
            return (self._next() for _ in range(self.steps))
        return sharding.shard_generator_items(self._next, self.global_steps, self.shard,
                                              self.is_sequence)

    def epoch(self):
        for item in self.items():
            if item is sharding.EMPTY_STEPS:
                yield None, None, None, 0, None
                continue
            x, y, sw = unpack_generator_output(item, self.where)
            yield self.convert(x, y, sw)

    def end_epoch(self):
        """After a training epoch: the new step count of a ``Sequence`` read
        whole (its length may change in its ``on_epoch_end``), else None."""
        if not self._whole_sequence:
            return None
        if self.enqueuer is not None and self._iterator is not None:
            self.enqueuer.join_end_of_epoch()  # (the workers call on_epoch_end)
        self.global_steps = len(self.generator)
        self.steps = sharding.local_steps(self.global_steps, self.shard)
        return self.steps

    def close(self):
        if self.enqueuer is not None:
            if self._iterator is not None:
                self.enqueuer.stop()
            self.enqueuer = None
