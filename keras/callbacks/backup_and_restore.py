"""``BackupAndRestore``: resume an interrupted ``fit`` where it stopped.

tf.keras's callback with its arguments and behaviour: at the end of each
epoch the model's weights, the optimizer's state and the epoch number are
written to ``backup_dir``; a later ``fit`` with the same callback starts from
them (the epoch that was in progress when the job died is run again); a
``fit`` that finishes deletes the backup.  Under ``torchrun`` rank 0 writes
and reads the backup and the other ranks receive its state, so a group that
``torchrun --max-restarts=N`` starts again after a killed worker carries on.
"""
import os
import shutil

import numpy as np
import torch

from keras.callbacks.base import Callback
from keras.distribute import collectives, process_group

__all__ = ['BackupAndRestore']

_FILE = 'backup.h5'


class BackupAndRestore(Callback):
    """Back up the training state every epoch; restore it when ``fit`` starts.

    Args:
        backup_dir: Folder for the backup (created when needed). Use one
            folder per training job: another job's backup would be restored.
        save_freq: ``'epoch'`` (the only supported frequency).
        delete_checkpoint: Delete the backup when training finishes.
        save_before_preemption: Accepted for tf.keras compatibility (there is
            no preemption notice here); must be False.

    Example:

    >>> backup = keras.callbacks.BackupAndRestore('/tmp/job_backup')
    >>> model.fit(x, y, epochs=10, callbacks=[backup])  # doctest: +SKIP
    """

    def __init__(self, backup_dir, save_freq='epoch', delete_checkpoint=True,
                 save_before_preemption=False):
        super(BackupAndRestore, self).__init__()
        if not backup_dir:
            raise ValueError('BackupAndRestore: `backup_dir` must be a folder path; got %r.'
                             % (backup_dir,))
        if save_freq != 'epoch':
            raise ValueError("BackupAndRestore: save_freq=%r is not supported; use "
                             "save_freq='epoch' (a backup at the end of every epoch)."
                             % (save_freq,))
        if save_before_preemption:
            raise ValueError('BackupAndRestore: save_before_preemption=True needs a cloud '
                             'preemption notice, which does not exist here; leave it False.')
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.save_before_preemption = save_before_preemption

    @property
    def _path(self):
        return os.path.join(self.backup_dir, _FILE)

    def on_train_begin(self, logs=None):
        epoch = 0
        if process_group.rank() == 0 and os.path.exists(self._path):
            epoch = _restore(self.model, self._path)
        if process_group.is_distributed():
            shared = torch.tensor([epoch], dtype=torch.int64)
            collectives.broadcast_tensors([shared], what='sharing the restored epoch')
            epoch = int(shared.item())
        # fit's epoch loop reads this once, after on_train_begin (see keras.training.epoch_loop).
        self.model._resume_from_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if process_group.rank() != 0:
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        _backup(self.model, self._path, epoch + 1)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and process_group.rank() == 0 \
                and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir, ignore_errors=True)


def _backup(model, path, next_epoch):
    """Write weights, optimizer state and the epoch to start from, atomically."""
    # Deferred: keras.saving.model_file imports keras.engine.sequential, which imports
    # keras.engine.training, which imports keras.callbacks (this module); and
    # keras.saving is not part of `import keras`.
    from keras.saving import hdf5, model_file, weights
    names, values = model_file.optimizer_arrays(model.optimizer)

    def write(f):
        f.attrs['next_epoch'] = int(next_epoch)
        weights.save_weights_to_hdf5_group(f.create_group('model_weights'), model.layers)
        group = f.create_group('optimizer_weights')
        weights.write_named_arrays(group, names, values)

    hdf5.write_h5(path, True, write)


def _restore(model, path):
    """Load the backup into ``model``; return the epoch to start from."""
    from keras.saving import hdf5, model_file, weights  # deferred: see _backup
    with hdf5.reading(path, 'a training backup'), hdf5.open_h5(path) as f:
        if 'next_epoch' not in f.attrs or 'model_weights' not in f:
            raise ValueError('%s is not a BackupAndRestore backup (no epoch or weights); '
                             'remove it or give another backup_dir.' % path)
        weights.load_weights_from_hdf5_group(f['model_weights'], model.layers)
        if len(f['optimizer_weights'].attrs.get('weight_names', [])):
            model_file.restore_optimizer(model, f['optimizer_weights'])
        return int(np.asarray(f.attrs['next_epoch']))
