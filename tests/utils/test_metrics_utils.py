"""The small helpers of keras.utils.metrics_utils that Keras 2.3.1 exposed."""
import numpy as np
import pytest
import torch

from keras import backend as K
from keras import metrics
from keras.activations import Layer as ActivationsLayer
from keras.engine.base_layer import Layer
from keras.utils import metrics_utils


def test_weighted_assign_add_counts_rows_where_both_hold():
    var = torch.zeros(2)
    label = torch.tensor([[True, True, False], [True, False, True]])
    pred = torch.tensor([[True, False, False], [True, True, True]])
    out = metrics_utils.weighted_assign_add(label, pred, None, var)
    assert out is var
    np.testing.assert_array_equal(var.numpy(), [1., 2.])
    metrics_utils.weighted_assign_add(label, pred, torch.tensor([0.5, 2., 3.]), var)
    np.testing.assert_array_equal(var.numpy(), [1.5, 5.5])


def test_update_state_and_result_wrappers_call_through():
    m = metrics.Mean()
    update = metrics_utils.update_state_wrapper(m.update_state)
    result = metrics_utils.result_wrapper(m.result)
    update(m, np.array([1., 3.]))
    value = result(m)
    assert float(value) == pytest.approx(2.)
    assert m._call_result is value
    update(m, np.array([8.]))
    assert float(value) == pytest.approx(2.)  # a copy, not the live state
    assert float(result(m)) == pytest.approx(4.)


def test_pattern_broadcast_and_activations_layer():
    alpha = K.zeros((1, 1, 4))
    assert K.pattern_broadcast(alpha, [True, True, False]) is alpha
    with pytest.raises(ValueError, match='axis 0 is marked broadcastable but has size 2'):
        K.pattern_broadcast(K.zeros((2, 4)), [True, False])
    with pytest.raises(ValueError, match='has 1 entries but the tensor has 2 axes'):
        K.pattern_broadcast(K.zeros((1, 4)), [True])
    assert ActivationsLayer is Layer
