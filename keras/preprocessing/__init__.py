"""``keras.preprocessing``: data preparation for text, sequences and images.

As in Keras 2.3.1 the three modules are imported with the package:
``keras.preprocessing.text``, ``keras.preprocessing.sequence`` and
``keras.preprocessing.image``.
"""
from keras.preprocessing import image, sequence, text  # noqa: F401

__all__ = ['image', 'sequence', 'text']
