"""``ModelCheckpoint``: save the model (or its weights) as training goes."""
import string
import warnings

import numpy as np

from keras.callbacks.base import Callback
from keras.training.metric_aliases import AliasedDict

__all__ = ['ModelCheckpoint']


class ModelCheckpoint(Callback):
    """Saves the model after every ``period`` epochs.

    ``filepath`` may hold ``str.format`` fields filled from ``epoch`` (1-based)
    and the epoch logs, e.g. ``'weights.{epoch:02d}-{val_loss:.2f}.hdf5'``.

    Args:
        filepath: where to save.
        monitor: log name compared when ``save_best_only``.
        verbose: 0 or 1 (print a line on each decision).
        save_best_only: save only when ``monitor`` improved on the best so far.
        save_weights_only: ``model.save_weights`` instead of ``model.save``.
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximizes names
            containing ``'acc'`` or starting with ``'fmeasure'`` and minimizes
            the others.
        period: number of epochs between checkpoints.
    """

    def __init__(self, filepath, monitor='val_loss', verbose=0, save_best_only=False,
                 save_weights_only=False, mode='auto', period=1):
        super(ModelCheckpoint, self).__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = filepath
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.period = period
        self.epochs_since_last_save = 0
        if mode not in ('auto', 'min', 'max'):
            warnings.warn('ModelCheckpoint mode %s is unknown, fallback to auto mode.' % mode,
                          RuntimeWarning)
            mode = 'auto'
        if mode == 'auto':
            maximize = 'acc' in monitor or monitor.startswith('fmeasure')
        else:
            maximize = mode == 'max'
        self.monitor_op = np.greater if maximize else np.less
        self.best = -np.inf if maximize else np.inf

    def _format_path(self, epoch, logs):
        fields = AliasedDict(logs, epoch=epoch + 1)  # ('{val_acc}' of Keras 2.2 paths too)
        fields.aliases = getattr(logs, 'aliases', None)
        try:
            return string.Formatter().vformat(self.filepath, (), fields)
        except KeyError as error:
            raise KeyError('ModelCheckpoint could not fill the file path "%s": the epoch logs '
                           'have no %s. Available: epoch, %s.'
                           % (self.filepath, error, ', '.join(sorted(logs))))

    def _save(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        filepath = self._format_path(epoch, logs)
        if not self.save_best_only:
            if self.verbose > 0:
                print('\nEpoch %05d: saving model to %s' % (epoch + 1, filepath))
            self._save(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn('Can save best model only with %s available, skipping.'
                          % self.monitor, RuntimeWarning)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print('\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s'
                      % (epoch + 1, self.monitor, self.best, current, filepath))
            self.best = current
            self._save(filepath)
        elif self.verbose > 0:
            print('\nEpoch %05d: %s did not improve from %0.5f'
                  % (epoch + 1, self.monitor, self.best))
