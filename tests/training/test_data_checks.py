"""Bad data arguments of fit/evaluate/predict: a ValueError naming the argument,
what was expected and what came, raised before any batch runs."""
import numpy as np
import pytest

import keras
from keras import layers
from keras.models import Sequential


def _classifier(classes=3):
    model = Sequential([layers.Dense(classes, input_shape=(4,), activation='softmax')])
    model.compile('sgd', 'sparse_categorical_crossentropy',
                  metrics=['sparse_categorical_accuracy'])
    return model


X = np.random.RandomState(0).rand(12, 4).astype('float32')
Y = np.arange(12).reshape(-1, 1) % 3


@pytest.mark.parametrize('batch_size', [-5, 0, 2.5, 'a'])
def test_fit_rejects_a_batch_size_below_one(batch_size):
    model = _classifier()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r'fit: `batch_size` must be a positive integer.*'
                                         r'received %s' % repr(batch_size).replace('.', r'\.')):
        model.fit(X, Y, batch_size=batch_size, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_an_integral_float_batch_size_still_trains():
    history = _classifier().fit(X, Y, batch_size=4.0, epochs=1, verbose=0)
    assert len(history.history['loss']) == 1


@pytest.mark.parametrize('method', ['evaluate', 'predict'])
def test_evaluate_and_predict_reject_a_zero_batch_size(method):
    model = _classifier()
    args = (X, Y) if method == 'evaluate' else (X,)
    with pytest.raises(ValueError, match=r'%s: `batch_size` must be a positive integer.*'
                                         r'received 0' % method):
        getattr(model, method)(*args, batch_size=0, verbose=0)


@pytest.mark.parametrize('method', ['fit', 'evaluate', 'train_on_batch', 'test_on_batch'])
def test_zero_samples_is_an_error(method):
    with pytest.raises(ValueError, match=r'%s: received 0 samples \(`x` has shape \(0, 4\)\); '
                                         r'expected at least one sample' % method):
        kwargs = {'verbose': 0} if method in ('fit', 'evaluate') else {}
        getattr(_classifier(), method)(X[:0], Y[:0], **kwargs)


class _EmptySequence(keras.utils.Sequence):
    def __len__(self):
        return 0

    def __getitem__(self, index):
        return X, Y


@pytest.mark.parametrize('method', ['fit', 'fit_generator', 'evaluate_generator'])
def test_an_empty_sequence_is_an_error(method):
    with pytest.raises(ValueError, match=r'expected at least one batch per epoch; received a '
                                         r'Sequence of length 0'):
        getattr(_classifier(), method)(_EmptySequence(), verbose=0)


def test_zero_steps_for_a_generator_is_an_error():
    def batches():
        while True:
            yield X, Y
    with pytest.raises(ValueError, match=r'fit_generator: expected at least one batch.*'
                                         r'`steps`=0'):
        _classifier().fit_generator(batches(), steps_per_epoch=0, verbose=0)


@pytest.mark.parametrize('split', [-0.1, 1.0, 1.5, 'half'])
def test_validation_split_outside_zero_one_is_an_error(split):
    with pytest.raises(ValueError, match=r'`validation_split` must be a float in \[0, 1\).*'
                                         r'received %r' % (split,)):
        _classifier().fit(X, Y, validation_split=split, verbose=0)


def test_validation_split_inside_the_range_still_validates():
    history = _classifier().fit(X, Y, validation_split=0.25, verbose=0)
    assert 'val_loss' in history.history


def test_sample_weight_of_the_wrong_length_names_both_lengths():
    with pytest.raises(ValueError, match=r'sample_weight array with shape \(7,\) for an input '
                                         r'with shape \(12, 1\).*7 entries for 12 samples'):
        _classifier().fit(X, Y, sample_weight=np.ones(7), verbose=0)


def test_temporal_sample_weight_of_the_wrong_steps_names_the_shapes():
    model = Sequential([layers.TimeDistributed(layers.Dense(2), input_shape=(5, 4))])
    model.compile('sgd', 'mse', sample_weight_mode='temporal')
    with pytest.raises(ValueError, match=r'shape \(12, 4\) for an input with shape '
                                         r'\(12, 5, 2\).*first 2 axes, \(12, 5\)'):
        model.fit(np.zeros((12, 5, 4)), np.zeros((12, 5, 2)), sample_weight=np.ones((12, 4)),
                  verbose=0)


@pytest.mark.parametrize('bad', [3, 7, -1])
@pytest.mark.parametrize('method', ['fit', 'evaluate', 'train_on_batch', 'test_on_batch'])
def test_sparse_labels_out_of_range_name_the_loss_label_and_classes(method, bad):
    labels = Y.copy()
    labels[5] = bad
    model = _classifier()
    kwargs = {'verbose': 0} if method in ('fit', 'evaluate') else {}
    with pytest.raises(ValueError, match=r'sparse_categorical_crossentropy \(output dense_\d+\): '
                                         r'target label %d is out of range for 3 classes; '
                                         r'expected integer labels in \[0, 2\]' % bad):
        getattr(model, method)(X, labels, **kwargs)


def test_sparse_labels_in_validation_data_are_checked_too():
    with pytest.raises(ValueError, match=r'target label 9 is out of range for 3 classes'):
        _classifier().fit(X, Y, validation_data=(X, np.full((12, 1), 9)), verbose=0)


def test_string_inputs_name_x_and_the_dtype():
    with pytest.raises(ValueError, match=r'`x` \(for dense_\d+_input\) holds strings '
                                         r'\(dtype <U3\); expected numbers'):
        _classifier().fit(np.array([['abc'] * 4] * 12), Y, verbose=0)


def test_string_targets_name_y_and_the_dtype():
    with pytest.raises(ValueError, match=r'`y` \(for dense_\d+\) holds strings \(dtype <U3\); '
                                         r'expected numbers'):
        _classifier().fit(X, ['cat'] * 12, verbose=0)


def test_string_inputs_to_predict_are_an_error():
    with pytest.raises(ValueError, match=r'`x` .*holds strings'):
        _classifier().predict(np.array([['a'] * 4], dtype=object))


@pytest.mark.parametrize('kwargs, pattern', [
    ({'steps_per_epoch': 0}, r'fit: `steps_per_epoch` must be a positive integer.*received 0'),
    ({'steps_per_epoch': -1}, r'fit: `steps_per_epoch` .*received -1'),
    ({'epochs': 'a'}, r"fit: `epochs` must be an integer >= 0; received 'a'"),
    ({'epochs': 2.5}, r'fit: `epochs` must be an integer >= 0; received 2.5'),
    ({'initial_epoch': 'a'}, r"fit: `initial_epoch` must be an integer >= 0; received 'a'"),
])
def test_bad_counts_for_fit_are_named(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        _classifier().fit(X, Y, verbose=0, **kwargs)


def test_a_non_integer_epoch_count_is_still_the_type_error_keras_raised():
    with pytest.raises(TypeError):
        _classifier().fit(X, Y, epochs='3', verbose=0)


@pytest.mark.parametrize('method', ['evaluate', 'predict'])
def test_zero_steps_for_evaluate_and_predict_is_named(method):
    args = (X, Y) if method == 'evaluate' else (X,)
    with pytest.raises(ValueError, match=r'%s: `steps` must be a positive integer.*received 0'
                                         % method):
        getattr(_classifier(), method)(*args, steps=0, verbose=0)


def test_a_sparse_loss_object_names_itself_too():
    model = Sequential([layers.Dense(3, input_shape=(4,), activation='softmax')])
    model.compile('sgd', keras.losses.SparseCategoricalCrossentropy())
    with pytest.raises(ValueError, match=r'sparse_categorical_crossentropy .*target label 5 is '
                                         r'out of range for 3 classes'):
        model.fit(X, Y * 0 + 5, verbose=0)


def test_train_and_test_on_batch_return_numpy_scalars_as_keras_2():
    """Keras 2's on-batch methods returned what the session fetched: NumPy
    float32 scalars (``.tolist()`` works on them), not Python floats."""
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile('sgd', 'mse', metrics=['mae'])
    x, y = np.ones((4, 3), 'float32'), np.zeros((4, 2), 'float32')
    for result in (model.train_on_batch(x, y), model.test_on_batch(x, y)):
        assert [type(v) for v in result] == [np.float32, np.float32]
        assert isinstance(result[0].tolist(), float)
    model.compile('sgd', 'mse')
    assert type(model.train_on_batch(x, y)) is np.float32
    assert type(model.evaluate(x, y, verbose=0)) is float  # (evaluate: Python floats)
