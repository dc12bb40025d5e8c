"""``keras.engine.training_generator``: Keras 2.3.1's path of the generator
loops, which live in :mod:`keras.training.generators`."""
from keras.training.generators import (evaluate_generator, fit_generator,  # noqa: F401
                                       predict_generator)

__all__ = ['fit_generator', 'evaluate_generator', 'predict_generator']
