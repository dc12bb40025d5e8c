"""``EarlyStopping``: stop training when a monitored value stops improving."""
import warnings

import numpy as np

from keras.callbacks.base import Callback

__all__ = ['EarlyStopping']


class EarlyStopping(Callback):
    """Stops training once ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: epoch log name to watch.
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 0 or 1.
        mode: ``'auto'``, ``'min'`` or ``'max'``; ``'auto'`` maximizes names
            containing ``'acc'`` and minimizes the others.
        baseline: value to beat; training stops if ``patience`` epochs pass
            without beating it.
        restore_best_weights: on stopping, put back the weights of the best
            epoch (otherwise the last ones stay).
    """

    def __init__(self, monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto',
                 baseline=None, restore_best_weights=False):
        super(EarlyStopping, self).__init__()
        self.monitor = monitor
        self.baseline = baseline
        self.patience = patience
        self.verbose = verbose
        self.min_delta = min_delta
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        if mode not in ('auto', 'min', 'max'):
            warnings.warn('EarlyStopping mode %s is unknown, fallback to auto mode.' % mode,
                          RuntimeWarning)
            mode = 'auto'
        if mode == 'auto':
            maximize = 'acc' in monitor
        else:
            maximize = mode == 'max'
        self.monitor_op = np.greater if maximize else np.less
        # Improvement means current - min_delta beats best: flip the sign to minimize.
        self.min_delta = min_delta if maximize else -min_delta

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        if self.baseline is not None:
            self.best = self.baseline
        else:
            self.best = np.inf if self.monitor_op == np.less else -np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs or {})
        if current is None:
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print('Restoring model weights from the end of the best epoch')
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print('Epoch %05d: early stopping' % (self.stopped_epoch + 1))

    def get_monitor_value(self, logs):
        """The monitored value in ``logs``, or ``None`` with a warning."""
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn('Early stopping conditioned on metric `%s` which is not available. '
                          'Available metrics are: %s' % (self.monitor, ','.join(list(logs.keys()))),
                          RuntimeWarning)
        return value
