"""``keras.engine.training_utils``: Keras 2.3.1's path of its training helpers,
which live in :mod:`keras.training.legacy_helpers`."""
from keras.training.legacy_helpers import *  # noqa: F401,F403
from keras.training.legacy_helpers import __all__  # noqa: F401
from keras.utils.data_utils import Sequence  # noqa: F401  (Keras 2.3.1 imported it here)
