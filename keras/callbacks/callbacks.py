"""``keras.callbacks.callbacks``: the module Keras 2.3.1 defined its callbacks in.

The classes live in topic files of this package (``base``, ``checkpoint``,
``early_stopping``...); this module re-exports them under the old path.
"""
from keras.callbacks.base import (BaseLogger, Callback, CallbackList, History,  # noqa: F401
                                  LambdaCallback, ProgbarLogger, TerminateOnNaN)
from keras.callbacks.checkpoint import ModelCheckpoint  # noqa: F401
from keras.callbacks.csv_logger import CSVLogger  # noqa: F401
from keras.callbacks.early_stopping import EarlyStopping  # noqa: F401
from keras.callbacks.remote import RemoteMonitor  # noqa: F401
from keras.callbacks.schedules import LearningRateScheduler, ReduceLROnPlateau  # noqa: F401
from keras.engine.training_utils import standardize_input_data  # noqa: F401
from keras.utils.generic_utils import Progbar  # noqa: F401

__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'TerminateOnNaN', 'ProgbarLogger',
           'History', 'ModelCheckpoint', 'EarlyStopping', 'RemoteMonitor',
           'LearningRateScheduler', 'ReduceLROnPlateau', 'CSVLogger', 'LambdaCallback']
