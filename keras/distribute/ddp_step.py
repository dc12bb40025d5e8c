"""Gradients averaged by PyTorch's ``DistributedDataParallel`` during the backward pass.

DDP puts the gradients in buckets and all-reduces each bucket as soon as the
backward pass has produced it, while the earlier layers are still being
differentiated, so communication hides behind compute.  Keras averages over
samples, not over ranks: each rank's loss is scaled by
``rows * world / total_rows`` before the backward pass, so DDP's mean over the
ranks is the gradient one process would get on the union of the batches, also
when the last batches differ in size.  ``total_rows`` is known locally for
arrays (each rank reads its rows of a global batch); for generators it is
summed over the ranks by an all-reduce that runs beside the forward pass.
A rank without a batch for a step (the end of an uneven epoch) repeats its
previous batch with weight 0, so that every rank runs the same graph and
joins every bucket's all-reduce.

One :class:`DDPStep` is made per compiled model, after the ranks share rank
0's weights; ``static_graph=True`` lets trainable weights that some step does
not use (an output without a loss) pass through DDP's bookkeeping.
"""
import warnings

import torch

from keras.distribute.process_group import guard, world_size

__all__ = ['DDPStep', 'check_unsharded']


def check_unsharded(model):
    """Refuse a model whose weights PyTorch's FSDP has sharded over the ranks
    (``torch.distributed.fsdp.fully_shard``): data parallel keeps a whole
    copy of the model on every rank."""
    for name, p in model.named_parameters():
        if hasattr(p, 'placements') and hasattr(p, 'device_mesh'):  # a DTensor
            raise ValueError(
                'Model %s: its weight %s is sharded over the processes (PyTorch FSDP\'s '
                'fully_shard). fit and train_on_batch train a whole copy of the model on '
                'every process (DistributedDataParallel) and cannot train a sharded one: '
                'call fit on the model without fully_shard, or train the sharded model in '
                'a hand-written PyTorch loop (see the README, "Scale out").'
                % (model.name, name))


class _ForwardModule(torch.nn.Module):
    """The model's training forward pass (losses included) as a module DDP wraps."""

    def __init__(self, model, forward):
        super(_ForwardModule, self).__init__()
        self.model = model
        self._run = forward

    def forward(self, xs, ys, sws):
        return self._run(xs, ys, sws)


class DDPStep(object):
    """Forward and backward of one training step under DDP.

    Args:
        model: the Keras model (its trainable weights must already be equal on
            every rank, and their ``requires_grad`` set for this compile).
        forward: ``forward(xs, ys, sws) -> (total, per_output, outputs, masks)``.
    """

    def __init__(self, model, forward):
        from torch.nn.parallel import DistributedDataParallel
        check_unsharded(model)
        device = next((p.device for p in model.parameters()), torch.device('cpu'))
        device_ids = [device] if device.type == 'cuda' else None
        with guard('setting up DistributedDataParallel'), warnings.catch_warnings():
            # (torch 2.13 renames it; the old name keeps buffers rank-local at init)
            warnings.filterwarnings('ignore', message='`broadcast_buffers` is deprecated')
            self.ddp = DistributedDataParallel(
                _ForwardModule(model, forward), device_ids=device_ids,
                broadcast_buffers=False, static_graph=True)
        self._last_batch = None
        self._device = device

    def run(self, xs, ys, sws, rows, scale_loss=None, total_rows=None):
        """Forward and backward; gradients averaged over the ranks land in ``.grad``.

        Args:
            xs, ys, sws: the batch, or ``xs=None`` for a rank without one.
            rows: the batch's sample count (0 without a batch).
            scale_loss: optional ``loss -> loss`` applied before the backward
                pass (loss scaling for float16).
            total_rows: the sample count of this step's batches of all ranks
                together, or None to sum ``rows`` over the ranks.

        Returns:
            ``(total, per_output, outputs, masks)`` of the forward pass (of the
            repeated batch when ``xs`` is None).
        """
        if xs is None:
            if self._last_batch is None:
                raise RuntimeError('This rank has no training batch at all in its first step: '
                                   'give every rank at least one batch (more samples than '
                                   'processes).')
            xs, ys, sws = self._last_batch
        else:
            self._last_batch = (xs, ys, sws)
        with guard('averaging the gradients'):  # (DDP's forward talks to the ranks too)
            if total_rows is None:
                summed = torch.tensor([float(rows)], dtype=torch.float32, device=self._device)
                pending = torch.distributed.all_reduce(summed, async_op=True)
            total, per_output, outputs, masks = self.ddp(xs, ys, sws)
            if total_rows is None:
                pending.wait()
                # (a tensor: no host read of the count on a GPU)
                weight = (float(rows) * world_size() / summed.clamp_min(1.))[0]
                loss = total * weight.to(total.dtype)
            else:
                loss = total * (float(rows) * world_size() / max(float(total_rows), 1.))
            if scale_loss is not None:
                loss = scale_loss(loss)
            loss.backward()
        return total, per_output, outputs, masks
