"""The Keras 2 backend API (``from keras import backend as K``) over torch tensors.

Functions take torch tensors (NumPy arrays and Python numbers are converted)
and return torch tensors; ``K.eval``/``K.get_value`` return NumPy arrays.
Given symbolic ``KerasTensor``s, the tensor functions are recorded in the
model graph instead (see :mod:`keras.backend.symbolic`).

Topics: ``variables`` (creation, dtypes, shapes, values), ``math_ops``,
``shape_ops``, ``nn_ops`` (activations, losses, dropout), ``conv_ops``,
``random_ops``, ``ctc``, ``functional`` (``function``, ``rnn``).
"""
from keras.backend.config import (  # noqa: F401
    backend, epsilon, floatx, image_data_format, image_dim_ordering,
    normalize_data_format, set_epsilon, set_floatx, set_image_data_format,
    set_image_dim_ordering)
from keras.backend.session import (  # noqa: F401
    clear_session, get_device, get_uid, learning_phase, learning_phase_scope,
    reset_uids, set_device, set_learning_phase)
from keras.backend.symbolic import symbolic  # noqa: F401
from keras.backend.variables import (  # noqa: F401
    to_torch_dtype, from_torch_dtype, as_tensor, cast_to_floatx, variable, constant,
    placeholder, is_placeholder, is_variable, is_tensor, is_keras_tensor, is_sparse,
    to_dense, zeros, ones, eye, zeros_like, ones_like, identity,
    random_uniform_variable, random_normal_variable, count_params, cast, dtype,
    int_shape, shape, ndim, size, eval, to_numpy, get_value, set_value,
    batch_get_value, batch_set_value, get_variable_shape, print_tensor, update,
    update_add, update_sub, moving_average_update, name_scope, control_dependencies,
    manual_variable_initialization, eager)
from keras.backend.tf_session import get_session, set_session  # noqa: F401
from keras.backend.math_ops import (  # noqa: F401
    dot, batch_dot, transpose, gather, max, min, sum, prod, cumsum, cumprod, var,
    std, mean, any, all, argmax, argmin, square, abs, sqrt, exp, log, logsumexp,
    round, sign, pow, clip, equal, not_equal, greater, greater_equal, less,
    less_equal, maximum, minimum, sin, cos, normalize_batch_in_training,
    batch_normalization, l2_normalize, in_top_k, switch, in_train_phase,
    in_test_phase, stop_gradient, gradients, map_fn, foldl, foldr)
from keras.backend.shape_ops import (  # noqa: F401
    concatenate, reshape, permute_dimensions, resize_images, resize_volumes,
    repeat_elements, repeat, arange, tile, flatten, batch_flatten, expand_dims,
    squeeze, temporal_padding, spatial_2d_padding, spatial_3d_padding, stack,
    one_hot, reverse, slice, pattern_broadcast)
from keras.backend.nn_ops import (  # noqa: F401
    relu, elu, softmax, softplus, softsign, sigmoid, hard_sigmoid, tanh,
    categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy,
    dropout, bias_add)
from keras.backend.conv_ops import (  # noqa: F401
    conv1d, conv2d, conv3d, conv2d_transpose, conv3d_transpose, separable_conv1d,
    separable_conv2d, depthwise_conv2d, pool2d, pool3d, local_conv1d, local_conv2d)
from keras.backend.random_ops import (  # noqa: F401
    random_normal, random_uniform, random_binomial, truncated_normal)
from keras.backend.ctc import (  # noqa: F401
    ctc_label_dense_to_sparse, ctc_batch_cost, ctc_decode)
from keras.backend.functional import (  # noqa: F401
    function, Function, rnn)

__all__ = [
    'backend', 'epsilon', 'floatx', 'image_data_format', 'image_dim_ordering',
    'normalize_data_format', 'set_epsilon', 'set_floatx', 'set_image_data_format',
    'set_image_dim_ordering', 'clear_session', 'get_device', 'get_uid',
    'learning_phase', 'learning_phase_scope', 'reset_uids', 'set_device',
    'set_learning_phase', 'symbolic', 'to_torch_dtype', 'from_torch_dtype',
    'as_tensor', 'cast_to_floatx', 'variable', 'constant', 'placeholder',
    'is_placeholder', 'is_variable', 'is_tensor', 'is_keras_tensor', 'is_sparse',
    'to_dense', 'zeros', 'ones', 'eye', 'zeros_like', 'ones_like', 'identity',
    'random_uniform_variable', 'random_normal_variable', 'count_params', 'cast',
    'dtype', 'int_shape', 'shape', 'ndim', 'size', 'eval', 'to_numpy', 'get_value',
    'set_value', 'batch_get_value', 'batch_set_value', 'get_variable_shape',
    'print_tensor', 'update', 'update_add', 'update_sub', 'moving_average_update',
    'name_scope', 'control_dependencies', 'get_session', 'set_session',
    'manual_variable_initialization', 'eager', 'dot', 'batch_dot', 'transpose',
    'gather', 'max', 'min', 'sum', 'prod', 'cumsum', 'cumprod', 'var', 'std',
    'mean', 'any', 'all', 'argmax', 'argmin', 'square', 'abs', 'sqrt', 'exp', 'log',
    'logsumexp', 'round', 'sign', 'pow', 'clip', 'equal', 'not_equal', 'greater',
    'greater_equal', 'less', 'less_equal', 'maximum', 'minimum', 'sin', 'cos',
    'normalize_batch_in_training', 'batch_normalization', 'l2_normalize',
    'in_top_k', 'switch', 'in_train_phase', 'in_test_phase', 'stop_gradient',
    'gradients', 'map_fn', 'foldl', 'foldr', 'concatenate', 'reshape',
    'permute_dimensions', 'resize_images', 'resize_volumes', 'repeat_elements',
    'repeat', 'arange', 'tile', 'flatten', 'batch_flatten', 'expand_dims',
    'squeeze', 'temporal_padding', 'spatial_2d_padding', 'spatial_3d_padding',
    'stack', 'one_hot', 'reverse', 'slice', 'pattern_broadcast', 'relu', 'elu', 'softmax',
    'softplus', 'softsign', 'sigmoid', 'hard_sigmoid', 'tanh', 'categorical_crossentropy',
    'sparse_categorical_crossentropy', 'binary_crossentropy', 'dropout', 'bias_add',
    'conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'conv3d_transpose',
    'separable_conv1d', 'separable_conv2d', 'depthwise_conv2d', 'pool2d', 'pool3d',
    'local_conv1d', 'local_conv2d', 'random_normal', 'random_uniform',
    'random_binomial', 'truncated_normal', 'ctc_label_dense_to_sparse',
    'ctc_batch_cost', 'ctc_decode', 'function', 'Function', 'rnn'
]
