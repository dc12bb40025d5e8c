"""The public surface of keras.backend and its symbolic dispatch."""
import pytest

from keras import backend as K
from keras.backend import conv_ops, ctc, graph_hooks, math_ops, nn_ops, shape_ops

KERAS_231_NAMES = """
epsilon set_epsilon floatx set_floatx cast_to_floatx image_data_format
set_image_data_format reset_uids get_uid learning_phase set_learning_phase is_sparse
to_dense variable is_variable constant is_keras_tensor is_tensor placeholder
is_placeholder shape int_shape ndim dtype eval zeros ones eye zeros_like ones_like
identity random_uniform_variable random_normal_variable count_params cast update
update_add update_sub moving_average_update dot batch_dot transpose gather max min
sum prod cumsum cumprod var std mean any all argmax argmin square abs sqrt exp log
logsumexp round sign pow clip equal not_equal greater greater_equal less less_equal
maximum minimum sin cos normalize_batch_in_training batch_normalization concatenate
reshape permute_dimensions resize_images resize_volumes repeat_elements repeat arange
tile flatten batch_flatten expand_dims squeeze temporal_padding spatial_2d_padding
spatial_3d_padding stack one_hot reverse slice get_value batch_get_value set_value
batch_set_value print_tensor function gradients stop_gradient rnn switch
in_train_phase in_test_phase relu elu softmax softplus softsign
categorical_crossentropy sparse_categorical_crossentropy binary_crossentropy sigmoid
hard_sigmoid tanh dropout l2_normalize in_top_k conv1d separable_conv1d conv2d
separable_conv2d conv2d_transpose depthwise_conv2d conv3d conv3d_transpose pool2d
pool3d bias_add random_normal random_uniform random_binomial truncated_normal
ctc_label_dense_to_sparse ctc_batch_cost ctc_decode map_fn foldl foldr local_conv1d
local_conv2d backend normalize_data_format name_scope symbolic eager size
control_dependencies clear_session manual_variable_initialization get_session
set_session get_variable_shape image_dim_ordering set_image_dim_ordering
""".split()


def test_every_keras_231_backend_name_is_exported():
    missing = [n for n in KERAS_231_NAMES if n not in K.__all__ or not hasattr(K, n)]
    assert missing == []
    assert len(set(K.__all__)) == len(K.__all__)


TENSOR_FUNCTIONS = sorted(
    set(math_ops.__all__ + shape_ops.__all__ + nn_ops.__all__ + conv_ops.__all__
        + ctc.__all__) - {'arange'}) + [
    'rnn', 'zeros_like', 'ones_like', 'identity', 'cast', 'shape', 'size',
    'print_tensor', 'to_dense']


@pytest.mark.parametrize('name', TENSOR_FUNCTIONS)
def test_tensor_functions_are_symbolic(name):
    assert hasattr(getattr(K, name), '__wrapped_backend_fn__'), name


@pytest.mark.parametrize('name', ['int_shape', 'ndim', 'dtype', 'is_keras_tensor',
                                  'is_tensor', 'eval', 'function'])
def test_metadata_functions_are_not_symbolic(name):
    assert not hasattr(getattr(K, name), '__wrapped_backend_fn__')


class _FakeKerasTensor(object):
    _is_keras_tensor = True
    shape = (None, 3)
    dtype = 'float32'


def test_keras_tensors_are_handed_to_the_engine(monkeypatch):
    calls = []
    monkeypatch.setitem(graph_hooks._HOOKS, 'call_symbolically',
                        lambda fn, args, kwargs: calls.append((fn, args, kwargs)) or 'kt')
    kt = _FakeKerasTensor()
    assert K.mean(kt, axis=1) == 'kt'
    assert calls[0][0] is K.mean.__wrapped_backend_fn__
    assert calls[0][2] == {'axis': 1}
    assert K.concatenate([kt, kt]) == 'kt'
    assert K.int_shape(kt) == (None, 3)
