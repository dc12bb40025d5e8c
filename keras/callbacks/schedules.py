"""Callbacks that change the optimizer's learning rate between epochs."""
import warnings

import numpy as np
import torch

from keras import backend as K
from keras.callbacks.base import Callback

__all__ = ['LearningRateScheduler', 'ReduceLROnPlateau']


def _optimizer_with_lr(model):
    optimizer = model.optimizer
    if not hasattr(optimizer, 'lr'):
        raise ValueError('Optimizer must have a "lr" attribute.')
    return optimizer


def get_lr(model):
    """The learning rate of ``model.optimizer`` as a NumPy scalar."""
    lr = _optimizer_with_lr(model).lr
    if isinstance(lr, torch.Tensor):
        return np.asarray(K.get_value(lr))[()]
    return lr


def set_lr(model, value):
    """Overwrite the learning rate of ``model.optimizer`` in place."""
    optimizer = _optimizer_with_lr(model)
    if isinstance(optimizer.lr, torch.Tensor):
        K.set_value(optimizer.lr, value)
    else:
        optimizer.lr = value


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch from a function.

    Args:
        schedule: ``schedule(epoch, lr)`` (or the older ``schedule(epoch)``)
            returning the new learning rate as a float; ``epoch`` is 0-based.
        verbose: 0 (quiet) or 1 (print the new rate).

    Example:
        >>> LearningRateScheduler(lambda epoch, lr: lr * 0.9)
    """

    def __init__(self, schedule, verbose=0):
        super(LearningRateScheduler, self).__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(get_lr(self.model))
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # the Keras 2.0 one-argument form
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError('The output of the "schedule" function should be float.')
        set_lr(self.model, lr)
        if self.verbose > 0:
            print('\nEpoch %05d: LearningRateScheduler setting learning rate to %s.'
                  % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs['lr'] = get_lr(self.model)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by ``factor`` when ``monitor`` stalls.

    Args:
        monitor: epoch log name to watch.
        factor: ``new_lr = lr * factor``; must be below 1.
        patience: epochs without improvement before reducing.
        verbose: 0 or 1.
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximizes names
            containing ``'acc'`` and minimizes the others.
        min_delta: smallest change that counts as an improvement (Keras 1
            called it ``epsilon``).
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: lower bound of the learning rate.

    Example:
        >>> ReduceLROnPlateau(monitor='val_loss', factor=0.2, patience=5, min_lr=0.001)
    """

    def __init__(self, monitor='val_loss', factor=0.1, patience=10, verbose=0, mode='auto',
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super(ReduceLROnPlateau, self).__init__()
        if 'epsilon' in kwargs:  # (Keras 2.3.1's warning, word for word)
            min_delta = kwargs.pop('epsilon')
            warnings.warn('`epsilon` argument is deprecated and will be removed, use '
                          '`min_delta` instead.', stacklevel=2)
        if kwargs:
            raise TypeError('ReduceLROnPlateau got unexpected keyword arguments: %s.'
                            % ', '.join(sorted(kwargs)))
        if factor >= 1.0:
            raise ValueError('ReduceLROnPlateau does not support a factor >= 1.0.')
        self.monitor = monitor
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0
        self.mode = mode
        self.monitor_op = None
        self._reset()

    def _reset(self):
        """Reset the best value and the wait and cooldown counters."""
        if self.mode not in ('auto', 'min', 'max'):
            warnings.warn('Learning Rate Plateau Reducing mode %s is unknown, '
                          'fallback to auto mode.' % self.mode, RuntimeWarning)
            self.mode = 'auto'
        if self.mode == 'min' or (self.mode == 'auto' and 'acc' not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs['lr'] = get_lr(self.model)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn('Reduce LR on plateau conditioned on metric `%s` which is not '
                          'available. Available metrics are: %s'
                          % (self.monitor, ','.join(list(logs.keys()))), RuntimeWarning)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch):
        old_lr = float(get_lr(self.model))
        if old_lr <= self.min_lr:
            return
        new_lr = max(old_lr * self.factor, self.min_lr)
        set_lr(self.model, new_lr)
        if self.verbose > 0:
            print('\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s.'
                  % (epoch + 1, new_lr))
        self.cooldown_counter = self.cooldown
        self.wait = 0
