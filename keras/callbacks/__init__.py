"""``keras.callbacks``: hooks called during ``fit``, ``evaluate`` and ``predict``.

``TensorBoard`` needs the optional ``tensorboard`` package (checked when one
is created); everything else needs only the core dependencies.
"""
from keras.callbacks.backup_and_restore import BackupAndRestore
from keras.callbacks.base import (BaseLogger, Callback, CallbackList, History, LambdaCallback,
                                  ProgbarLogger, TerminateOnNaN, configure_callbacks)
from keras.callbacks.checkpoint import ModelCheckpoint
from keras.callbacks.csv_logger import CSVLogger
from keras.callbacks.early_stopping import EarlyStopping
from keras.callbacks.remote import RemoteMonitor
from keras.callbacks.schedules import LearningRateScheduler, ReduceLROnPlateau
from keras.callbacks.tensorboard import TensorBoard
from keras.distribute import training_sync as _training_sync

__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'TerminateOnNaN', 'ProgbarLogger',
           'History', 'ModelCheckpoint', 'EarlyStopping', 'RemoteMonitor',
           'LearningRateScheduler', 'ReduceLROnPlateau', 'CSVLogger', 'LambdaCallback',
           'TensorBoard', 'configure_callbacks', 'BackupAndRestore']

# On a torchrun group only rank 0 runs the callbacks that write files.
_training_sync.register_file_writing_callbacks(ModelCheckpoint, CSVLogger, TensorBoard)
