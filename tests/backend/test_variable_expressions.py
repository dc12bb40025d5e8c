"""Operators on Keras variables remember how they were computed, so that an
update built outside any graph (keras-rl's soft target-network update) reads
the variables' current values each time it runs, as a Keras 2 graph did."""
import numpy as np
import torch

from keras import backend as K
from keras.backend.variable_expressions import VariableExpression
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import SGD, Optimizer


def test_an_expression_of_variables_is_its_value_and_a_recipe():
    a, b = K.variable([1., 2.]), K.variable([3., 5.])
    soft = 0.25 * a + (1. - 0.25) * b
    assert isinstance(soft, VariableExpression)
    np.testing.assert_allclose(soft.numpy(), [2.5, 4.25])
    assert type(torch.sqrt(soft)) is torch.Tensor  # torch functions: plain tensors
    np.testing.assert_allclose((-(a / b) ** 2 - 1).numpy(), [-1 - 1 / 9., -1 - 4 / 25.],
                               rtol=1e-6)
    data = torch.ones(2)
    assert type(data * a) is torch.Tensor and type(a * data + b) is torch.Tensor


def test_a_soft_update_in_k_function_reads_the_variables_at_each_call():
    source, target = K.variable([1.]), K.variable([0.])
    tau = 0.5
    step = K.function([], [], updates=[(target, tau * source + (1. - tau) * target)])
    expected = 0.
    for value in (1., 3., -2.):
        K.set_value(source, [value])
        step([])
        expected = tau * value + (1. - tau) * expected
        np.testing.assert_allclose(K.get_value(target), [expected], rtol=1e-6)


class _WithAdditionalUpdates(Optimizer):
    """keras-rl's AdditionalUpdatesOptimizer: an inner optimizer's updates plus
    updates built elsewhere (the target network's soft update)."""

    def __init__(self, optimizer, additional_updates):
        super(_WithAdditionalUpdates, self).__init__()
        self.optimizer = optimizer
        self.additional_updates = additional_updates

    def get_updates(self, loss, params):
        return self.optimizer.get_updates(loss=loss, params=params) + \
            self.additional_updates


def test_a_target_network_follows_its_source_through_get_updates():
    model = Sequential([Dense(1, input_shape=(1,), use_bias=False, kernel_initializer='ones')])
    target = Sequential([Dense(1, input_shape=(1,), use_bias=False,
                               kernel_initializer='zeros')])
    tau = 0.5
    updates = [(tw, tau * sw + (1. - tau) * tw)
               for tw, sw in zip(target.trainable_weights, model.trainable_weights)]
    model.compile(_WithAdditionalUpdates(SGD(lr=0.1), updates), 'mse')
    target_value = 0.
    for _ in range(3):
        source_value = model.get_weights()[0].item()
        model.train_on_batch(np.ones((1, 1)), np.zeros((1, 1)))
        # the updates of one step read the values from before it (grouped)
        target_value = tau * source_value + (1. - tau) * target_value
        np.testing.assert_allclose(target.get_weights()[0].item(), target_value, rtol=1e-6)
