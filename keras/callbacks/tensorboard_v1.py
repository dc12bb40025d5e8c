"""``keras.callbacks.tensorboard_v1``: Keras 2.3.1's path for its TensorBoard callback.

There is one ``TensorBoard`` here (see :mod:`keras.callbacks.tensorboard`);
both of Keras 2.3.1's module paths name it.
"""
from keras.callbacks.base import Callback  # noqa: F401  (Keras 2.3.1 imported it here)
from keras.callbacks.tensorboard import TensorBoard  # noqa: F401

__all__ = ['TensorBoard']
