"""Which part of the data each rank reads.

Arrays: the epoch's index order (shuffled with a seed shared by all ranks) is
cut into global batches of ``batch_size * world_size`` rows; rank ``r`` takes
rows ``r, r + world_size, ...`` of each global batch.  The ranks together see
every row once, and a global batch holds exactly the rows one process would
put in a batch of ``batch_size * world_size``.  When the last global batch
has fewer rows than ranks, the ranks left without a row run an empty step
(they still take part in the gradient average, with weight 0).

``fit(steps_per_epoch=k)`` on arrays runs ``k`` such global batches per epoch.

``Sequence``: rank ``r`` reads batches ``r, r + world_size, ...``.
Generators: every rank reads the whole generator and keeps every
``world_size``-th batch, so the generator must yield the same batches in
every process (seed it).  Each generator batch goes whole to one rank: a
``steps`` count (``steps_per_epoch``, ``validation_steps``, ``steps``) counts
generator batches, and each rank runs ``ceil(steps / world_size)`` steps
(the last one empty on the ranks with no batch left).
"""
import numpy as np

from keras.utils.data_utils import Sequence

__all__ = ['Shard', 'local_steps', 'ShardedSequence', 'shard_generator_items', 'interleave',
           'EMPTY_STEPS']


class Shard(object):
    """This rank's part: ``rank``, ``world`` (size) and the shuffling ``seed``."""

    def __init__(self, rank, world, seed=None):
        self.rank = int(rank)
        self.world = int(world)
        self.seed = seed

    def rows(self, n):
        """How many of ``n`` strided items fall to this rank."""
        return max(0, -(-(n - self.rank) // self.world))

    def positions(self, start, stop):
        """This rank's positions in ``[start, stop)``."""
        return np.arange(start + self.rank, stop, self.world)

    def __repr__(self):
        return 'Shard(rank=%d, world=%d)' % (self.rank, self.world)


def local_steps(steps, shard):
    """Steps each rank runs for ``steps`` global batches."""
    if shard is None or steps is None:
        return steps
    return -(-int(steps) // shard.world)


class ShardedSequence(Sequence):
    """The batches ``rank, rank + world, ...`` of a ``Sequence``."""

    def __init__(self, sequence, shard, global_len=None):
        self.sequence = sequence
        self.shard = shard
        self.global_len = len(sequence) if global_len is None else int(global_len)

    def __len__(self):
        return self.shard.rows(self.global_len)

    def __getitem__(self, index):
        return self.sequence[index * self.shard.world + self.shard.rank]

    def on_epoch_end(self):
        self.sequence.on_epoch_end()


class _EmptySteps(object):
    def __repr__(self):
        return 'EMPTY_STEPS'


EMPTY_STEPS = _EmptySteps()  # yielded where a rank has no batch for a step


def shard_generator_items(next_item, global_steps, shard, is_sharded_sequence):
    """Yield this rank's items for one epoch of ``global_steps`` batches, then
    ``EMPTY_STEPS`` up to ``local_steps``.

    Args:
        next_item: function returning the next item of the underlying iterator.
        is_sharded_sequence: the iterator already yields only this rank's
            batches (a ``ShardedSequence``); otherwise every item is read and
            every ``world``-th kept.
    """
    done = 0
    if is_sharded_sequence:
        for _ in range(shard.rows(global_steps)):
            yield next_item()
            done += 1
    else:
        for g in range(global_steps):
            item = next_item()
            if g % shard.world == shard.rank:
                yield item
                done += 1
    for _ in range(local_steps(global_steps, shard) - done):
        yield EMPTY_STEPS


def interleave(parts):
    """Undo the strided split: ``parts[r]`` holds items ``r, r + world, ...``."""
    world = len(parts)
    n = sum(len(p) for p in parts)
    if not n:
        return parts[0]
    first = next(p for p in parts if len(p))
    out = np.empty((n,) + tuple(first.shape[1:]), dtype=first.dtype)
    for r, part in enumerate(parts):
        out[r::world] = part
    return out
