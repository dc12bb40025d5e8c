"""Batch logs whose tensor values become Python floats only when read.

The training loop puts 0-d device tensors (the batch loss, running metric
values) into the ``logs`` dict it hands to callbacks.  Reading a value
(``logs['loss']``, ``logs.get``, ``items()``...) converts it once; a batch
whose logs nobody reads never waits for the device.
"""
import torch

from keras.training.metric_aliases import AliasedDict

__all__ = ['LazyLogs', 'peek']


def _materialize(value):
    if isinstance(value, torch.Tensor):
        if value.numel() == 1:
            return float(value.detach().reshape(()).item())
        return value.detach().cpu().numpy()
    return value


class LazyLogs(AliasedDict):
    """A ``dict`` that converts tensor values to floats on first access (and
    answers to older metric names: :class:`AliasedDict`)."""

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if isinstance(value, torch.Tensor):
            value = _materialize(value)
            dict.__setitem__(self, key, value)
        return value

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def values(self):
        return [self[k] for k in self.keys()]

    def __iter__(self):
        return iter(list(dict.keys(self)))

    def copy(self):
        logs = LazyLogs(dict.items(self))
        logs.aliases = self.aliases
        return logs

    def pop(self, key, *default):
        if key in self:
            value = self[key]
            dict.__delitem__(self, key)
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def __repr__(self):
        return repr(dict(self.items()))


def peek(logs, key, default=None):
    """The raw value (tensor or float) without converting it."""
    if key in logs:
        return dict.__getitem__(logs, key)
    return default
