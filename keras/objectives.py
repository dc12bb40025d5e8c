"""Keras 1's name for :mod:`keras.losses`, kept so old code imports unchanged.

Example:
    >>> from keras.objectives import categorical_crossentropy
"""
from keras import losses as _losses

__all__ = list(_losses.__all__)
globals().update({_name: getattr(_losses, _name) for _name in __all__})
