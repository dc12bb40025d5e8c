"""``keras.engine.training_utils``: Keras 2.3.1's path of its training helpers,
which live in :mod:`keras.training.legacy_helpers`."""
from keras.training.legacy_helpers import (  # noqa: F401
    batch_shuffle, call_metric_function, check_array_length_consistency, check_array_lengths,
    check_generator_arguments, check_loss_and_target_compatibility, check_num_samples,
    collect_per_output_metric_info, get_input_shape_and_dtype, get_loss_function,
    get_metric_function, get_metric_name, get_output_sample_weight_and_mode,
    get_static_batch_size, is_generator_or_sequence, is_sequence, iter_sequence_infinite,
    make_batches, prepare_loss_functions, prepare_loss_weights, prepare_sample_weights,
    should_run_validation, standardize_class_weights, standardize_input_data,
    standardize_sample_or_class_weights, standardize_sample_weights, standardize_single_array,
    standardize_weights, weighted_masked_objective)
from keras.utils.data_utils import Sequence  # noqa: F401  (Keras 2.3.1 imported it here)

__all__ = ['standardize_single_array', 'standardize_input_data',
           'standardize_sample_or_class_weights', 'standardize_class_weights',
           'standardize_sample_weights', 'check_array_length_consistency',
           'check_array_lengths', 'check_loss_and_target_compatibility',
           'check_generator_arguments', 'batch_shuffle', 'make_batches',
           'weighted_masked_objective', 'standardize_weights', 'check_num_samples',
           'iter_sequence_infinite', 'is_sequence', 'is_generator_or_sequence',
           'should_run_validation', 'get_static_batch_size', 'get_input_shape_and_dtype',
           'get_loss_function', 'get_output_sample_weight_and_mode', 'prepare_sample_weights',
           'prepare_loss_functions', 'prepare_loss_weights', 'collect_per_output_metric_info',
           'get_metric_name', 'get_metric_function', 'call_metric_function']
