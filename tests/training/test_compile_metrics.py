"""Metric names and ``add_metric`` as Keras 2.3.1 reports them, compile's
argument checks, and sparse (SciPy) data in fit/evaluate/predict."""
import numpy as np
import pytest

import keras
from keras import backend as K
from keras import metrics
from keras.layers import Dense, Input
from keras.models import Model


def _two_outputs(names=('left', 'right')):
    inputs = Input((2,), name='x')
    shared = Dense(3, kernel_initializer='ones', trainable=False)(inputs)
    outs = [Dense(1, kernel_initializer='ones', trainable=False, name=n)(shared)
            for n in names]
    return Model(inputs, outs)


def test_the_same_metric_on_several_outputs_gets_numbered_names():
    model = _two_outputs()
    model.compile('sgd', 'mse', metrics=[metrics.MeanAbsoluteError(name='mae')],
                  weighted_metrics=[metrics.MeanAbsoluteError(name='mae')])
    assert model.metrics_names == ['loss', 'left_loss', 'right_loss', 'left_mae', 'left_mae_1',
                                   'right_mae', 'right_mae_1']
    assert [m.name for m in model.metrics] == model.metrics_names[3:]
    # one list for both outputs: each output has its own copy of the Metric object
    assert len(set(id(m) for m in model.metrics)) == 4
    x = np.array([[1., 1.], [2., 2.]], 'float32')
    y = [np.array([[6.], [12.]], 'float32'), np.array([[0.], [0.]], 'float32')]
    weights = [np.array([1., 3.]), np.array([1., 1.])]
    logs = model.evaluate(x, y, sample_weight=weights, batch_size=2, verbose=0)
    values = dict(zip(model.metrics_names, logs))
    # predictions are 6 and 12 on both outputs
    assert values['left_mae'] == pytest.approx(0.) and values['right_mae'] == pytest.approx(9.)
    assert values['right_mae_1'] == pytest.approx(9.)


def test_a_weighted_metric_keeps_the_users_name():
    model = _two_outputs()
    model.compile('sgd', 'mse', metrics=['mse'], weighted_metrics=['mse'])
    assert model.metrics_names[3:] == ['left_mse', 'left_mse_1', 'right_mse', 'right_mse_1']
    single = Model(*_single())
    single.compile('sgd', 'mse', metrics=['acc', 'acc'])
    assert single.metrics_names == ['loss', 'acc', 'acc_1']


def _single():
    inputs = Input((2,))
    return inputs, Dense(1)(inputs)


def test_outputs_without_a_loss_have_no_metrics_and_take_no_targets():
    model = _two_outputs()
    model.compile('sgd', ['mse', None], metrics=['mae'])
    assert model.metrics_names == ['loss', 'left_loss', 'left_mae']
    x = np.ones((4, 2), 'float32')
    model.fit(x, np.zeros((4, 1)), verbose=0)
    assert len(model.train_on_batch(x, np.zeros((4, 1)))) == 3


def test_add_metric_takes_its_name_from_a_metric_object():
    inputs = Input((1,))
    out = Dense(1, kernel_initializer='ones', use_bias=False, trainable=False)(inputs)
    model = Model(inputs, out)
    model.add_metric(K.sum(out), name='total')
    model.add_metric(metrics.Mean(name='average')(out))
    with pytest.raises(ValueError, match='needs a `name`'):
        model.add_metric(K.sum(out))
    model.compile('sgd', 'mse')
    x = np.arange(1., 7.).reshape(6, 1).astype('float32')
    history = model.fit(x, np.zeros((6, 1)), batch_size=3, epochs=1, verbose=0)
    assert model.metrics_names == ['loss', 'total', 'average']
    # 'total' is the mean of the batch sums (6 and 15); 'average' the Mean over all rows
    assert history.history['total'][-1] == pytest.approx(10.5)
    assert history.history['average'][-1] == pytest.approx(3.5)


class _Tracking(keras.Model):
    """A subclassed model with Metric attributes, reported from ``call``."""

    def __init__(self, twin=False):
        super(_Tracking, self).__init__(name='tracking')
        self.dense = Dense(2, kernel_initializer='ones')
        self.first = metrics.Mean(name='first')
        if twin:
            self.twin = metrics.Mean(name='first')

    def call(self, x):
        self.add_metric(K.sum(x), name='sum')
        self.add_metric(self.first(x), name='first')
        return self.dense(x)


def test_metric_attributes_come_before_add_metric_names():
    model = _Tracking()
    model.compile('sgd', 'mse')
    x, y = np.ones((6, 1), 'float32'), np.ones((6, 2), 'float32')
    history = model.fit(x, y, batch_size=3, epochs=2, verbose=0)
    assert model.metrics_names == ['loss', 'first', 'sum']
    assert history.history['first'][-1] == pytest.approx(1.)
    assert history.history['sum'][-1] == pytest.approx(3.)
    loss, first, total = model.evaluate(x, y, batch_size=3, verbose=0)
    assert (first, total) == (pytest.approx(1.), pytest.approx(3.))


def test_two_metric_objects_with_one_name_are_an_error():
    model = _Tracking(twin=True)
    model.compile('sgd', 'mse')
    with pytest.raises(ValueError, match='different names.*"first"'):
        model.fit(np.ones((4, 1)), np.ones((4, 2)), verbose=0)


def test_compile_checks_loss_weights_and_sample_weight_mode():
    model = _two_outputs()
    with pytest.raises(TypeError, match='loss_weights'):
        model.compile('sgd', 'mse', loss_weights=(0.5, 0.5))
    with pytest.raises(ValueError, match='"right" missing from the sample_weight_mode'):
        model.compile('sgd', 'mse', sample_weight_mode={'left': 'temporal'})
    model.compile('sgd', ['mse', None], sample_weight_mode={'left': None})
    model.compile('sgd', 'mse', loss_weights={'left': 1., 'right': 0.5})


def test_sparse_inputs_and_targets():
    sparse = pytest.importorskip('scipy.sparse')
    rng = np.random.RandomState(0)
    dense_x, dense_y = rng.rand(6, 2), rng.rand(6, 1)
    dense_x[dense_x < 0.5] = 0.
    model = Model(*_single())
    model.compile('sgd', 'mse')
    x, y = sparse.csr_matrix(dense_x), sparse.csr_matrix(dense_y)
    np.testing.assert_allclose(model.predict(x, batch_size=4), model.predict(dense_x),
                               rtol=1e-6)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(
        model.evaluate(dense_x, dense_y, verbose=0), rel=1e-6)
    model.fit([x], [y], validation_split=0.5, batch_size=2, verbose=0)
