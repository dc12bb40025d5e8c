"""keras.engine.training_utils (Keras 2.3.1's path of keras.training.legacy_helpers):
its helper names, checked against NumPy."""
import types

import numpy as np
import pytest
import torch

from keras import losses, metrics
from keras.engine import training_utils as tu
from keras.layers import Dense
from keras.models import Sequential
from keras.utils.data_utils import Sequence


def test_standardize_input_data():
    a, b = np.zeros((4, 3)), np.arange(4.)
    out = tu.standardize_input_data({'b': b, 'a': a}, ['a', 'b'], exception_prefix='input')
    assert out[0] is a and out[1].shape == (4, 1)  # 1-D data becomes a column
    out = tu.standardize_input_data([a, b], ['a', 'b'], shapes=[(None, 3), (None, 1)])
    assert [x.shape for x in out] == [(4, 3), (4, 1)]
    assert tu.standardize_input_data(None, ['a']) == [None]
    assert tu.standardize_input_data(None, []) == []
    with pytest.raises(ValueError, match='No data provided for "b"'):
        tu.standardize_input_data({'a': a}, ['a', 'b'])
    with pytest.raises(ValueError, match='Expected to see 2 array'):
        tu.standardize_input_data([a], ['a', 'b'], exception_prefix='input')
    with pytest.raises(ValueError, match='expected a to have shape'):
        tu.standardize_input_data(a, ['a'], shapes=[(None, 5)], exception_prefix='input')
    # batch axis only checked when asked
    tu.standardize_input_data(a, ['a'], shapes=[(8, 3)], check_batch_axis=False)
    with pytest.raises(ValueError):
        tu.standardize_input_data(a, ['a'], shapes=[(8, 3)], check_batch_axis=True)


def test_standardize_sample_and_class_weights():
    w = np.ones(3)
    assert tu.standardize_sample_weights(None, ['o1', 'o2']) == [None, None]
    assert tu.standardize_sample_weights(w, ['o'])[0] is w
    assert tu.standardize_sample_weights({'o2': w}, ['o1', 'o2']) == [None, w]
    assert tu.standardize_class_weights({0: 1., 1: 2.}, ['o']) == [{0: 1., 1: 2.}]
    with pytest.raises(ValueError, match='was a list of 1 elements'):
        tu.standardize_sample_weights([w], ['o1', 'o2'])
    with pytest.raises(TypeError, match='should be either a list or a dict'):
        tu.standardize_class_weights(w, ['o1', 'o2'])


def test_check_array_length_consistency():
    x, y = [np.zeros((4, 2))], [np.zeros((4, 1))]
    tu.check_array_length_consistency(x, y, [np.ones(4)])
    tu.check_array_lengths(x, y)
    with pytest.raises(ValueError, match='same number of samples as target arrays'):
        tu.check_array_length_consistency(x, [np.zeros((5, 1))])
    with pytest.raises(ValueError, match='All input arrays'):
        tu.check_array_length_consistency([np.zeros(3), np.zeros(4)], None)
    with pytest.raises(ValueError, match='Sample_weight arrays'):
        tu.check_array_length_consistency(x, y, [np.ones(3)])


def test_check_array_length_consistency_counts_none_as_no_samples():
    rows = np.zeros((5, 2, 2))
    tu.check_array_length_consistency(None, None, None)
    tu.check_array_length_consistency(rows, rows, rows)  # (an array: the list of its rows)
    tu.check_array_length_consistency([None], [None], [None])
    tu.check_array_length_consistency([rows], [rows], [])
    with pytest.raises(ValueError, match='Found 5 input samples and 0 target samples'):
        tu.check_array_length_consistency([rows], None, None)
    with pytest.raises(ValueError, match='Got 5 input samples and 0 target samples'):
        tu.check_array_length_consistency([rows], [rows], None)
    with pytest.raises(ValueError, match=r'Found 5 input samples and 3 target'):
        tu.check_array_length_consistency([rows], [np.zeros((3, 1))], None)
    tu.check_array_lengths([rows], [rows])  # (the lenient one: None is "not given")


def test_check_loss_and_target_compatibility():
    cce = tu.get_loss_function('categorical_crossentropy')
    mse = losses.MeanSquaredError()
    with pytest.raises(ValueError, match='`categorical_crossentropy` expects targets'):
        tu.check_loss_and_target_compatibility([np.zeros((4, 1))], [cce], [(None, 3)])
    with pytest.raises(ValueError, match='was passed for an output of shape'):
        tu.check_loss_and_target_compatibility([np.zeros((4, 2))], [mse], [(None, 3)])
    tu.check_loss_and_target_compatibility([np.zeros((4, 3)), None], [mse, cce],
                                           [(None, 3), (None, 2)])


def test_check_generator_arguments_and_num_samples():
    with pytest.raises(ValueError, match='`y` argument is not supported'):
        tu.check_generator_arguments(y=np.zeros(2))
    with pytest.raises(ValueError, match='`sample_weight` argument'):
        tu.check_generator_arguments(sample_weight=np.zeros(2))
    with pytest.raises(ValueError, match='validation_split'):
        tu.check_generator_arguments(validation_split=0.2)
    assert tu.check_num_samples([np.zeros((7, 2))], batch_size=3) == 7
    assert tu.check_num_samples([], steps=3) is None
    with pytest.raises(ValueError, match='the `batch_size` must be None'):
        tu.check_num_samples([np.zeros(3)], batch_size=2, steps=2)


def test_make_batches_and_batch_shuffle():
    assert tu.make_batches(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert tu.make_batches(8, 4) == [(0, 4), (4, 8)]
    np.random.seed(3)
    shuffled = tu.batch_shuffle(np.arange(10), 3)
    np.testing.assert_array_equal(np.sort(shuffled), np.arange(10))
    np.testing.assert_array_equal(shuffled[9:], [9])  # the partial batch stays last
    blocks = shuffled[:9].reshape(3, 3)
    assert all(list(b) == list(range(b[0], b[0] + 3)) and b[0] % 3 == 0 for b in blocks)


def test_weighted_masked_objective_formula():
    rng = np.random.RandomState(0)
    yt, yp = rng.rand(4, 3).astype('float32'), rng.rand(4, 3).astype('float32')
    w = np.array([1., 0., 2., 1.], 'float32')
    mask = np.array([1, 1, 0, 1], 'float32')
    fn = tu.weighted_masked_objective(lambda a, b: ((a - b) ** 2).mean(dim=-1))
    got = fn(torch.tensor(yt), torch.tensor(yp), torch.tensor(w), torch.tensor(mask))
    score = ((yt - yp) ** 2).mean(axis=-1) * mask / (mask.mean() + 1e-7)
    expected = (score * w / (w != 0).mean()).mean()
    np.testing.assert_allclose(float(got), expected, rtol=1e-5)
    assert tu.weighted_masked_objective(None) is None


def test_standardize_weights():
    y = np.array([[1, 0], [0, 1], [0, 1]])
    np.testing.assert_allclose(tu.standardize_weights(y), np.ones(3))
    np.testing.assert_allclose(tu.standardize_weights(y, np.array([1., 2., 3.]), {0: 1., 1: 10.}),
                               [1., 20., 30.])
    np.testing.assert_allclose(tu.standardize_weights(np.zeros((2, 5, 1)),
                                                      sample_weight_mode='temporal'),
                               np.ones((2, 5)))
    with pytest.raises(ValueError, match='must contain all classes'):
        tu.standardize_weights(np.array([0, 1, 2]), class_weight={0: 1., 1: 1.})
    with pytest.raises(ValueError, match='sample_weight_mode="temporal"'):
        tu.standardize_weights(y, np.ones((3, 2)))
    with pytest.raises(ValueError, match='restricted to outputs that are at least 3D'):
        tu.standardize_weights(y, sample_weight_mode='temporal')


def test_sequence_checks_and_validation_freq():
    class Seq(Sequence):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return i

    assert tu.is_sequence(Seq()) and not tu.is_sequence([1, 2])
    assert tu.is_generator_or_sequence(x for x in range(2))
    assert isinstance(tu.iter_sequence_infinite(Seq()), types.GeneratorType)
    assert [tu.should_run_validation(2, e) for e in range(4)] == [False, True, False, True]
    assert tu.should_run_validation([1, 3], 2) and not tu.should_run_validation([1, 3], 1)
    with pytest.raises(ValueError):
        tu.should_run_validation(0, 1)


def test_input_shape_and_dtype_of_models():
    model = Sequential([Dense(2, batch_input_shape=(8, 3))])
    assert tu.get_input_shape_and_dtype(model) == ((8, 3), 'float32')
    assert tu.get_static_batch_size(model) == 8
    with pytest.raises(ValueError, match='empty Model'):
        tu.get_input_shape_and_dtype(Sequential())


def test_loss_preparation():
    fn = tu.get_loss_function('mse')
    assert isinstance(fn, losses.LossFunctionWrapper) and fn.fn is losses.mean_squared_error
    obj = losses.Huber()
    assert tu.get_loss_function(obj) is obj and tu.get_loss_function(None) is None
    with pytest.warns(UserWarning, match='Output b missing from loss dictionary'):
        fns = tu.prepare_loss_functions({'a': 'mae'}, ['a', 'b'])
    assert fns[0].fn is losses.mean_absolute_error and fns[1] is None
    with pytest.raises(ValueError, match='one entry per model outputs'):
        tu.prepare_loss_functions(['mse'], ['a', 'b'])
    with pytest.raises(ValueError, match='Unknown entries in loss'):
        tu.prepare_loss_functions({'c': 'mse'}, ['a'])
    assert tu.prepare_loss_weights(['a', 'b']) == [1., 1.]
    assert tu.prepare_loss_weights(['a', 'b'], {'b': 0.5}) == [1., 0.5]
    with pytest.raises(TypeError):
        tu.prepare_loss_weights(['a'], 3.)


def test_sample_weight_placeholders():
    weights, modes = tu.prepare_sample_weights(['a', 'b'], {'a': 'temporal', 'b': None}, [])
    assert modes == ['temporal', None]
    assert weights[0].shape == (None, None) and weights[1].shape == (None,)
    weights, modes = tu.prepare_sample_weights(['a', 'b'], None, [1])
    assert weights[1] is None and modes == [None, None]
    with pytest.raises(ValueError, match='Output missing'):
        tu.prepare_sample_weights(['a', 'b'], {'a': None}, [])


def test_metric_lookup_and_collection():
    sparse = tu.get_loss_function('sparse_categorical_crossentropy')
    assert tu.get_metric_function('acc', (None, 1)) is metrics.binary_accuracy
    assert tu.get_metric_function('accuracy', (None, 3), sparse) is \
        metrics.sparse_categorical_accuracy
    assert tu.get_metric_function('acc', (None, 3)) is metrics.categorical_accuracy
    assert tu.get_metric_function('ce', (None, 3)) is metrics.categorical_crossentropy
    assert tu.get_metric_function('mae') is metrics.mean_absolute_error
    # a bare loss function counts as compile counts it
    assert tu.get_metric_function('acc', (None, 3), losses.sparse_categorical_crossentropy) \
        is metrics.sparse_categorical_accuracy
    assert tu.get_metric_function('ce', (None, 3), losses.binary_crossentropy) \
        is metrics.binary_crossentropy
    assert tu.get_metric_name('acc') == 'acc'
    assert tu.get_metric_name(metrics.mean_absolute_error) == 'mean_absolute_error'
    info = tu.collect_per_output_metric_info(['acc', 'mae'], ['o1', 'o2'],
                                             [(None, 1), (None, 4)], [None, None])
    assert [list(d) for d in info] == [['acc', 'mae'], ['acc', 'mae']]
    assert all(isinstance(m, metrics.Metric) for d in info for m in d.values())
    assert tu.collect_per_output_metric_info(None, ['o'], [(None, 1)], [None]) == [{}]
    with pytest.raises(TypeError, match='not understood'):
        tu.collect_per_output_metric_info('acc', ['o'], [(None, 1)], [None])


def test_call_metric_function_with_mask():
    metric = metrics.MeanMetricWrapper(metrics.mean_absolute_error, name='mae')
    yt = torch.tensor([[0.], [1.], [2.]])
    yp = torch.tensor([[1.], [1.], [0.]])
    result = tu.call_metric_function(metric, yt, yp, mask=torch.tensor([1., 1., 0.]))
    np.testing.assert_allclose(float(result), (1. + 0.) / 2, rtol=1e-6)


def test_keras_2_3_1_paths_reexport_the_training_package():
    from keras.engine import training_generator
    from keras.training import generators, legacy_helpers
    for name in legacy_helpers.__all__:
        assert getattr(tu, name) is getattr(legacy_helpers, name)
    assert tu.Sequence is Sequence
    for name in ('fit_generator', 'evaluate_generator', 'predict_generator'):
        assert getattr(training_generator, name) is getattr(generators, name)
