"""Small standard datasets, fetched once into the Keras cache (``get_file``)."""
from keras.datasets import boston_housing
from keras.datasets import cifar10
from keras.datasets import cifar100
from keras.datasets import fashion_mnist
from keras.datasets import imdb
from keras.datasets import mnist
from keras.datasets import reuters

__all__ = ['boston_housing', 'cifar10', 'cifar100', 'fashion_mnist', 'imdb',
           'mnist', 'reuters']
