"""Keras Classic: the Keras 2 API on PyTorch.

>>> import keras
>>> from keras.models import Sequential
>>> from keras.layers import Dense
"""
__version__ = '2.3.1'

from keras import backend  # noqa: E402
from keras import activations, constraints, initializers, regularizers  # noqa: E402
from keras import engine, layers, models  # noqa: E402
from keras import losses, metrics, objectives, optimizers  # noqa: E402
from keras import callbacks, datasets, preprocessing, utils, wrappers  # noqa: E402
from keras import applications  # noqa: E402
from keras import distribute, mixed_precision  # noqa: E402  (the engine imports both already)
from keras.engine.input_layer import Input  # noqa: E402
from keras.engine.sequential import Sequential  # noqa: E402
from keras.engine.training import Model  # noqa: E402
