"""``CSVLogger``: stream epoch results to a CSV file."""
import collections
import csv
import io
import os

import numpy as np

from keras.callbacks.base import Callback

__all__ = ['CSVLogger']


def _csv_value(value):
    """Strings as they are, sequences as ``"[a, b]"``, numbers unchanged."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value
    if isinstance(value, collections.abc.Iterable):
        return '"[%s]"' % ', '.join(map(str, value))
    return value


class CSVLogger(Callback):
    """Writes one CSV row per epoch: ``epoch`` then the log names, sorted.

    Args:
        filename: path of the CSV file, e.g. ``'run/log.csv'``.
        separator: field separator.
        append: append to an existing file (writing the header only if the
            file is empty) instead of overwriting it.

    Example:
        >>> csv_logger = CSVLogger('training.log')
    """

    def __init__(self, filename, separator=',', append=False):
        super(CSVLogger, self).__init__()
        self.sep = separator
        self.filename = filename
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        mode = 'w'
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, 'r') as f:
                    self.append_header = not bool(len(f.readline()))
            mode = 'a'
        self.csv_file = io.open(self.filename, mode, newline='\n')

    def _make_writer(self):
        class _Dialect(csv.excel):
            delimiter = self.sep

        self.writer = csv.DictWriter(self.csv_file, fieldnames=['epoch'] + self.keys,
                                     dialect=_Dialect)
        if self.append_header:
            self.writer.writeheader()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
        if self.model.stop_training:
            # The last epoch may miss some values: 'NA' keeps the columns aligned.
            logs = dict((k, logs[k] if k in logs else 'NA') for k in self.keys)
        if not self.writer:
            self._make_writer()
        row = collections.OrderedDict([('epoch', epoch)])
        row.update((key, _csv_value(logs[key])) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self.csv_file.close()
        self.writer = None

    def __del__(self):
        csv_file = getattr(self, 'csv_file', None)
        if csv_file is not None and not csv_file.closed:
            csv_file.close()
