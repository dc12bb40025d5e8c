"""Weights and ``K.variable``s carry Keras 2's TensorFlow-style names (``'dense_1/kernel:0'``)."""
import copy
import pickle

import numpy as np
import pytest
import torch

import keras
from keras import backend as K
from keras.backend.keras_variable import KerasVariable, as_plain_parameters, tensorflow_name
from keras.layers import BatchNormalization, Dense
from keras.models import Sequential, load_model
from keras.optimizers import SGD, Optimizer


def _model():
    return Sequential([Dense(3, input_shape=(4,), name='hidden'), BatchNormalization(name='bn'),
                       Dense(1, name='out')])


def test_layer_weights_are_named_layer_slash_weight_colon_zero():
    model = _model()
    assert [w.name for w in model.weights] == [
        'hidden/kernel:0', 'hidden/bias:0', 'bn/gamma:0', 'bn/beta:0',
        'out/kernel:0', 'out/bias:0', 'bn/moving_mean:0', 'bn/moving_variance:0']
    assert model.get_layer('hidden').kernel.name == 'hidden/kernel:0'
    assert all(isinstance(w, torch.nn.Parameter) for w in model.weights)


def test_backend_variables_get_an_output_index():
    assert K.variable(np.zeros(2), name='bias').name == 'bias:0'
    assert K.variable(np.zeros(2), name='already:1').name == 'already:1'
    unnamed = K.variable(1.0)
    assert unnamed.name.endswith(':0') and unnamed.name.startswith('variable_')
    assert tensorflow_name(None) is None


def test_a_name_can_be_assigned():
    v = K.variable(0.0, name='a')
    v.name = 'scope/b:0'
    assert v.name == 'scope/b:0'


def test_names_survive_pickle_deepcopy_and_device_moves():
    model = _model()
    names = [w.name for w in model.weights]
    for other in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert [w.name for w in other.weights] == names
        assert all(type(w) is KerasVariable for w in other.weights)
    v = K.variable(np.ones(3), name='v', constraint=keras.constraints.NonNeg())
    w = copy.deepcopy(v)
    assert w.name == 'v:0' and isinstance(w.constraint, keras.constraints.NonNeg)
    assert w is not v and torch.equal(w.data, v.data)
    model.to(torch.float64)
    assert [w.name for w in model.weights] == names


def test_names_survive_save_and_load(tmp_path):
    model = _model()
    model.compile('sgd', 'mse')
    path = str(tmp_path / 'm.h5')
    model.save(path)
    assert [w.name for w in load_model(path).weights] == [w.name for w in model.weights]


def test_operations_on_a_variable_give_tensors():
    v = K.variable(np.ones(3), name='v')
    assert type(torch.matmul(v, v)) is torch.Tensor
    assert type(torch.ones(3) * v) is torch.Tensor  # on data: a plain tensor
    doubled = v * 2  # on variables only: a tensor that also keeps its recipe
    assert isinstance(doubled, torch.Tensor) and not isinstance(doubled, torch.nn.Parameter)
    np.testing.assert_array_equal(doubled.numpy(), [2., 2., 2.])
    assert type(torch.sqrt(doubled)) is torch.Tensor


def test_as_plain_parameters_restores_the_class():
    v = K.variable(np.ones(3), name='v')
    with as_plain_parameters([v]):
        assert type(v) is torch.nn.Parameter
    assert type(v) is KerasVariable and v.name == 'v:0'


class _NamePrefixMultiplier(Optimizer):
    """As Keras 2 LR-multiplier libraries group parameters: by ``param.name`` prefix."""

    def __init__(self, optimizer, multipliers, **kwargs):
        super(_NamePrefixMultiplier, self).__init__(**kwargs)
        self.optimizer = keras.optimizers.get(optimizer)
        self.multipliers = multipliers

    @property
    def iterations(self):
        return self.optimizer.iterations

    def _multiplier(self, name):
        found, length = 1.0, 0
        for prefix, value in self.multipliers.items():
            if name.startswith(prefix) and len(prefix) > length:
                found, length = value, len(prefix)
        return found

    def get_updates(self, loss, params):
        groups = {}
        for p in params:
            groups.setdefault(self._multiplier(p.name), []).append(p)
        self.updates, origin = [], self.optimizer.learning_rate
        for multiplier, group in groups.items():
            self.optimizer.learning_rate = origin * multiplier
            self.updates += self.optimizer.get_updates(loss, group)
        self.optimizer.learning_rate = origin
        self.weights = self.optimizer.weights
        return self.updates


def test_an_optimizer_grouping_parameters_by_name_prefix_trains():
    model = Sequential([Dense(2, input_shape=(3,), name='frozen_ish'), Dense(1, name='head')])
    before = model.get_weights()
    model.compile(_NamePrefixMultiplier(SGD(lr=0.1), {'frozen_ish/': 0.0}), 'mse')
    x = np.random.RandomState(0).rand(8, 3).astype('float32')
    model.train_on_batch(x, np.ones((8, 1), 'float32'))
    after = model.get_weights()
    np.testing.assert_array_equal(after[0], before[0])      # multiplier 0: unchanged
    np.testing.assert_array_equal(after[1], before[1])
    assert not np.allclose(after[2], before[2])               # multiplier 1: trained


@pytest.mark.parametrize('make', [lambda: K.variable(np.ones((2, 2)), name='k'),
                                  lambda: _model().weights[0]])
def test_keeps_parameter_behaviour_for_modules_and_autograd(make):
    v = make()
    module = torch.nn.Module()
    module.w = v
    assert list(module.parameters())[0] is v
    v.requires_grad_(True)
    (v * 3).sum().backward()
    assert torch.equal(v.grad, torch.full_like(v, 3.0))
