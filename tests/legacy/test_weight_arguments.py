"""``add_weight`` in Keras 2.3.1's order and in Keras 1 / 2.0's (shape first)."""
import numpy as np
import pytest

from keras import backend as K
from keras.layers import Layer
from keras.models import Sequential


class _Scale(Layer):
    def __init__(self, style, **kwargs):
        super(_Scale, self).__init__(**kwargs)
        self.style = style

    def build(self, input_shape):
        dim = input_shape[-1]
        if self.style == 'keras1':  # add_weight(shape, initializer, name=...)
            self.w = self.add_weight((dim,), 'ones', name='{}_w'.format(self.name))
        elif self.style == 'keras20_keywords':
            self.w = self.add_weight((dim,), initializer='ones', name='w', trainable=False)
        else:
            self.w = self.add_weight('w', (dim,), initializer='ones')
        super(_Scale, self).build(input_shape)

    def call(self, x):
        return x * self.w


@pytest.mark.parametrize('style', ['keras1', 'keras20_keywords', 'keras2'])
def test_both_argument_orders_make_the_same_weight(style):
    model = Sequential([_Scale(style, input_shape=(3,), name='scale')])
    (weight,) = model.layers[0].weights
    np.testing.assert_array_equal(K.get_value(weight), np.ones(3))  # the initializer is used
    assert weight.name.startswith('scale/') and K.int_shape(weight) == (3,)
    assert (len(model.trainable_weights) == 0) == (style == 'keras20_keywords')


def test_wrong_arguments_name_the_layer():
    layer = _Scale('keras2', name='odd')
    with pytest.raises(TypeError, match='odd.*multiple values for argument .name.'):
        layer.add_weight('w', (2,), name='again')
    with pytest.raises(TypeError, match='odd.*unexpected keyword argument .partitioner.'):
        layer.add_weight('w', (2,), partitioner=None)
    with pytest.raises(TypeError, match='odd.*at most 7 positional'):
        layer.add_weight('w', (2,), None, 'ones', None, True, None, 'extra')
