"""``keras.wrappers``: adapters that let Keras models be used by other libraries."""
from keras.wrappers import scikit_learn  # noqa: F401

__all__ = ['scikit_learn']
