"""keras.metrics (functions and stateful classes) against NumPy formulas."""
import contextlib

import numpy as np
import pytest
import torch

from keras import backend as K
from keras import losses, metrics
from keras.utils.generic_utils import CustomObjectScope

EPS = 1e-7
RS = np.random.RandomState(42)
N, C = 8, 4
Y_BIN = (RS.rand(N, 1) > 0.5).astype('float32')
P_BIN = RS.rand(N, 1).astype('float32')
LABELS = RS.randint(0, C, size=N)
Y_CAT = np.eye(C, dtype='float32')[LABELS]
P_CAT = RS.rand(N, C).astype('float32')
P_CAT /= P_CAT.sum(-1, keepdims=True)
Y_REG = RS.rand(N, 3).astype('float32') * 2.
P_REG = RS.rand(N, 3).astype('float32') * 2.
W = np.array([1., 0., 2., 0.5, 1., 3., 0., 1.], 'float32')


def _t(x):
    return torch.from_numpy(np.asarray(x))


def _np(x):
    return x.detach().cpu().numpy()


def _np_weighted_mean(values, weights=None):
    values = np.asarray(values, 'float64')
    if weights is None:
        return values.mean()
    weights = np.broadcast_to(np.asarray(weights, 'float64').reshape(
        weights.shape + (1,) * (values.ndim - weights.ndim)), values.shape)
    return (values * weights).sum() / weights.sum()


# Metric functions ------------------------------------------------------------

def test_binary_accuracy():
    t = np.array([[1., 1., 0., 0.]], 'float32')
    p = np.array([[0.98, 1., 0., 0.6]], 'float32')
    np.testing.assert_allclose(_np(metrics.binary_accuracy(_t(t), _t(p))), [0.75])
    np.testing.assert_allclose(_np(metrics.binary_accuracy(_t(t), _t(p), threshold=0.7)),
                               [1.])
    np.testing.assert_allclose(_np(metrics.binary_accuracy(_t(Y_BIN), _t(P_BIN))),
                               (Y_BIN == np.round(P_BIN)).mean(-1))
    # Exactly 0.5 rounds to 0 (half to even), as TensorFlow's round.
    assert _np(metrics.binary_accuracy(_t([[0.]]), _t([[0.5]])))[0] == 1.


def test_categorical_and_sparse_accuracy():
    ref = (LABELS == P_CAT.argmax(-1)).astype('float32')
    np.testing.assert_allclose(_np(metrics.categorical_accuracy(_t(Y_CAT), _t(P_CAT))), ref)
    for y in (LABELS, LABELS[:, None], LABELS.astype('float32')[:, None]):
        out = metrics.sparse_categorical_accuracy(_t(y), _t(P_CAT))
        assert out.shape == (N,) and out.dtype == torch.float32
        np.testing.assert_allclose(_np(out), ref)
    tie = np.array([[0.4, 0.4, 0.2]], 'float32')
    np.testing.assert_allclose(_np(metrics.categorical_accuracy(_t([[1., 0., 0.]]), _t(tie))),
                               [1.])
    np.testing.assert_allclose(_np(metrics.accuracy(_t([1., 2., 3., 4.]),
                                                    _t([0., 2., 3., 4.]))), [0., 1., 1., 1.])


def _np_in_top_k(pred, target, k):
    score = pred[np.arange(len(pred)), target]
    return ((pred > score[:, None]).sum(-1) < k) & np.isfinite(pred).all(-1)


@pytest.mark.parametrize('k', [1, 2, 3])
def test_top_k_accuracy(k):
    ref = _np_in_top_k(P_CAT, LABELS, k).astype('float32')
    np.testing.assert_allclose(_np(metrics.top_k_categorical_accuracy(_t(Y_CAT), _t(P_CAT),
                                                                      k=k)), ref)
    for y in (LABELS, LABELS[:, None], LABELS.astype('float32')):
        np.testing.assert_allclose(
            _np(metrics.sparse_top_k_categorical_accuracy(_t(y), _t(P_CAT), k=k)), ref)


def test_top_k_ties_and_non_finite_as_in_top_k():
    pred = np.array([[0.1, 0.3, 0.3, 0.2], [0.1, 0.3, 0.3, 0.2], [0.1, 0.3, 0.3, 0.2],
                     [np.nan, 0.9, 0.1, 0.0]], 'float32')
    targets = np.array([2, 1, 3, 1])
    out = _np(metrics.sparse_top_k_categorical_accuracy(_t(targets), _t(pred), k=1))
    np.testing.assert_array_equal(out, [1., 1., 0., 0.])
    out = _np(metrics.sparse_top_k_categorical_accuracy(_t(targets), _t(pred), k=2))
    np.testing.assert_array_equal(out, [1., 1., 0., 0.])
    out = _np(metrics.top_k_categorical_accuracy(_t(np.eye(4, dtype='float32')[targets]),
                                                 _t(pred), k=3))
    np.testing.assert_array_equal(out, [1., 1., 1., 0.])


def test_cosine_is_positive_and_aliases():
    unit = lambda x: x / np.sqrt((x ** 2).sum(-1, keepdims=True))  # noqa: E731
    ref = (unit(Y_REG.astype('float64')) * unit(P_REG.astype('float64'))).sum(-1)
    np.testing.assert_allclose(_np(metrics.cosine_proximity(_t(Y_REG), _t(P_REG))), ref,
                               rtol=1e-5)
    assert metrics.cosine is metrics.cosine_similarity is metrics.cosine_proximity
    assert metrics.mse is metrics.MSE is losses.mean_squared_error
    assert metrics.mae is losses.mean_absolute_error
    assert metrics.mape is metrics.MAPE and metrics.msle is metrics.MSLE
    assert metrics.get('binary_crossentropy') is losses.binary_crossentropy


# Mean, Sum, wrapper ----------------------------------------------------------

def test_mean_and_sum_weighted():
    m = metrics.Mean()
    assert m.name == 'mean' and m.dtype == 'float32'
    assert float(m.result()) == 0. and m.result().shape == ()
    m.update_state(_t([1., 3., 5., 7.]), sample_weight=_t([1., 1., 0., 0.]))
    assert float(m.result()) == 2.
    m.update_state(_t(np.array([[1., 2., 3.], [4., 5., 6.]], 'float32')),
                   sample_weight=_t([1., 3.]))
    total = 4. + (1 + 2 + 3) + 3 * (4 + 5 + 6)
    np.testing.assert_allclose(_np(m.result()), total / (2. + 3 * 4), rtol=1e-6)
    m.reset_states()
    assert float(m.result()) == 0.
    s = metrics.Sum()
    s.update_state([1., 3., 5., 7.], sample_weight=[1., 1., 0., 0.])
    s.update_state(_t(2.))
    assert float(s.result()) == 6.
    with pytest.raises(ValueError, match='Incompatible shapes'):
        metrics.Mean().update_state(_t([1., 2., 3.]), sample_weight=_t([1., 2.]))


def test_call_updates_and_returns_result():
    m = metrics.Mean(name='my_mean')
    assert float(m(_t([1., 2.]))) == 1.5
    out = m(_t([6.]))
    assert float(out) == 3. and out._metric_obj is m


WRAPPERS = [
    (metrics.Accuracy, {}, metrics.accuracy, 'reg_equal'),
    (metrics.BinaryAccuracy, {'threshold': 0.3}, metrics.binary_accuracy, 'binary'),
    (metrics.CategoricalAccuracy, {}, metrics.categorical_accuracy, 'categorical'),
    (metrics.SparseCategoricalAccuracy, {}, metrics.sparse_categorical_accuracy, 'sparse'),
    (metrics.TopKCategoricalAccuracy, {'k': 2}, metrics.top_k_categorical_accuracy,
     'categorical'),
    (metrics.SparseTopKCategoricalAccuracy, {'k': 2},
     metrics.sparse_top_k_categorical_accuracy, 'sparse'),
    (metrics.MeanSquaredError, {}, losses.mean_squared_error, 'regression'),
    (metrics.MeanAbsoluteError, {}, losses.mean_absolute_error, 'regression'),
    (metrics.MeanAbsolutePercentageError, {}, losses.mean_absolute_percentage_error,
     'regression'),
    (metrics.MeanSquaredLogarithmicError, {}, losses.mean_squared_logarithmic_error,
     'regression'),
    (metrics.Hinge, {}, losses.hinge, 'binary'),
    (metrics.SquaredHinge, {}, losses.squared_hinge, 'binary'),
    (metrics.CategoricalHinge, {}, losses.categorical_hinge, 'categorical'),
    (metrics.LogCoshError, {}, losses.logcosh, 'regression'),
    (metrics.Poisson, {}, losses.poisson, 'regression'),
    (metrics.KLDivergence, {}, losses.kullback_leibler_divergence, 'categorical'),
    (metrics.CosineSimilarity, {}, metrics.cosine_proximity, 'regression'),
    (metrics.BinaryCrossentropy, {'label_smoothing': 0.1}, losses.binary_crossentropy,
     'binary'),
    (metrics.CategoricalCrossentropy, {'from_logits': True},
     losses.categorical_crossentropy, 'categorical'),
    (metrics.SparseCategoricalCrossentropy, {}, losses.sparse_categorical_crossentropy,
     'sparse'),
]


def _data(kind):
    return {'binary': (Y_BIN, P_BIN), 'categorical': (Y_CAT, P_CAT),
            'sparse': (LABELS[:, None].astype('float32'), P_CAT),
            'regression': (Y_REG, P_REG),
            'reg_equal': (np.round(Y_REG), np.round(P_REG))}[kind]


@pytest.mark.parametrize('cls,kwargs,fn,kind', WRAPPERS, ids=[w[0].__name__ for w in WRAPPERS])
def test_mean_metric_wrappers(cls, kwargs, fn, kind):
    y, p = _data(kind)
    per_sample = _np(fn(_t(y), _t(p), **kwargs)).astype('float64')
    m = cls(**kwargs)
    m.update_state(_t(y[:5]), _t(p[:5]), sample_weight=_t(W[:5]))
    m.update_state(_t(y[5:]), _t(p[5:]), sample_weight=_t(W[5:]))
    result = m.result()
    assert result.shape == ()
    np.testing.assert_allclose(_np(result), _np_weighted_mean(per_sample, W), rtol=1e-5)
    m.reset_states()
    m.update_state(_t(y), _t(p))
    np.testing.assert_allclose(_np(m.result()), per_sample.mean(), rtol=1e-5)
    clone = metrics.clone_metric(m)
    assert type(clone) is cls and clone.get_config() == m.get_config()
    assert float(clone.result()) == 0.
    again = metrics.deserialize(metrics.serialize(m))
    assert type(again) is cls and again.get_config() == m.get_config()


def test_root_mean_squared_error():
    m = metrics.RootMeanSquaredError()
    m.update_state(_t(Y_REG), _t(P_REG), sample_weight=_t(W))
    ref = np.sqrt(_np_weighted_mean((P_REG - Y_REG) ** 2, W))
    np.testing.assert_allclose(_np(m.result()), ref, rtol=1e-5)
    assert m.get_config() == {'name': 'root_mean_squared_error', 'dtype': 'float32'}


def test_wrapper_configs_match_keras_231():
    assert metrics.BinaryAccuracy().get_config() == {'name': 'binary_accuracy',
                                                     'dtype': 'float32', 'threshold': 0.5}
    assert metrics.TopKCategoricalAccuracy(3).get_config() == {
        'name': 'top_k_categorical_accuracy', 'dtype': 'float32', 'k': 3}
    assert metrics.CosineSimilarity(axis=1).get_config() == {
        'name': 'cosine_similarity', 'dtype': 'float32', 'axis': 1}


def test_mean_metric_wrapper_fn_config_and_tf_keras_dict():
    m = metrics.MeanMetricWrapper(metrics.binary_accuracy, name='acc', threshold=0.7)
    config = m.get_config()
    assert config == {'name': 'acc', 'dtype': 'float32', 'threshold': 0.7,
                      'fn': 'binary_accuracy'}
    clone = metrics.MeanMetricWrapper.from_config(config)
    assert clone._fn is metrics.binary_accuracy and clone._fn_kwargs == {'threshold': 0.7}
    tf_dict = {'class_name': 'MeanMetricWrapper',
               'config': {'name': 'accuracy', 'dtype': 'float32', 'fn': 'categorical_accuracy'}}
    m = metrics.get(tf_dict)
    assert m.name == 'accuracy' and m._fn is metrics.categorical_accuracy
    m.update_state(_t(Y_CAT), _t(P_CAT))
    np.testing.assert_allclose(_np(m.result()), (LABELS == P_CAT.argmax(-1)).mean(),
                               rtol=1e-6)


def test_get_and_errors():
    assert metrics.get('accuracy') is metrics.accuracy
    assert metrics.get('mse') is losses.mean_squared_error
    assert metrics.get('cosine_similarity') is metrics.cosine_proximity
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    auc = metrics.get({'class_name': 'AUC', 'config': {'num_thresholds': 50, 'name': 'a'}})
    assert isinstance(auc, metrics.AUC) and auc.num_thresholds == 50
    with pytest.raises(ValueError, match='Unknown metric function: nope.*binary_accuracy'):
        metrics.get('nope')
    with pytest.raises(ValueError, match='Could not interpret'):
        metrics.get(3)
    with CustomObjectScope({'my_metric': metrics.binary_accuracy}):
        assert metrics.get('my_metric') is metrics.binary_accuracy
    assert metrics.clone_metrics(None) is None
    cloned = metrics.clone_metrics({'out': metrics.Mean(name='m'), 'f': metrics.mse})
    assert cloned['f'] is metrics.mse and cloned['out'].name == 'm'


def test_default_names_count_like_keras_231_layers():
    assert metrics.AUC().name == 'auc_1'
    assert metrics.AUC().name == 'auc_2'
    assert metrics.Precision().name == 'precision_1'
    assert metrics.TruePositives().name == 'true_positives_1'


def test_custom_metric_subclass_in_keras2_style():
    class CountPositives(metrics.Metric):
        def __init__(self, name='count_positives', **kwargs):
            super(CountPositives, self).__init__(name=name, **kwargs)
            self.count = self.add_weight('count', initializer='zeros')

        def update_state(self, y_true, y_pred, sample_weight=None):
            K.update_add(self.count, K.sum(K.cast(K.greater(y_pred, 0.5), 'float32')))

        def result(self):
            return self.count

    m = CountPositives()
    m.update_state(None, _t(P_BIN))
    assert float(m.result()) == float((P_BIN > 0.5).sum())
    assert [w.shape for w in m.weights] == [()]
    m.reset_states()
    assert float(m.result()) == 0.


# Confusion-matrix metrics --------------------------------------------------------

def _np_counts(y, p, thresholds, w=None):
    """tp, fp, tn, fn per threshold; float32 comparisons as TensorFlow."""
    y = np.asarray(y).reshape(-1) != 0
    p = np.asarray(p, 'float32').reshape(-1)
    w = np.ones_like(p, 'float64') if w is None else np.asarray(w, 'float64').reshape(-1)
    pos = p[None, :] > np.asarray(thresholds, 'float32')[:, None]
    tp = ((pos & y) * w).sum(1)
    fp = ((pos & ~y) * w).sum(1)
    tn = ((~pos & ~y) * w).sum(1)
    fn = ((~pos & y) * w).sum(1)
    return tp, fp, tn, fn


Y_SCORE = (RS.rand(60) > 0.4).astype('float32')
P_SCORE = np.clip(RS.rand(60) * 0.6 + Y_SCORE * 0.3, 0, 1).astype('float32')
P_SCORE[:3] = [0., 1., 0.5]
W_SCORE = RS.rand(60).astype('float32')


@pytest.mark.parametrize('cls,index', [(metrics.TruePositives, 0),
                                       (metrics.FalsePositives, 1),
                                       (metrics.TrueNegatives, 2),
                                       (metrics.FalseNegatives, 3)])
def test_confusion_counts(cls, index):
    m = cls()
    m.update_state(_t(Y_SCORE), _t(P_SCORE))
    assert m.result().shape == ()
    assert float(m.result()) == _np_counts(Y_SCORE, P_SCORE, [0.5])[index][0]
    thresholds = [0.7, 0.15, 0.5, 1.0, 0.0]
    m = cls(thresholds=thresholds)
    m.update_state(_t(Y_SCORE[:30]), _t(P_SCORE[:30]), sample_weight=_t(W_SCORE[:30]))
    m.update_state(_t(Y_SCORE[30:, None]), _t(P_SCORE[30:, None]),
                   sample_weight=_t(W_SCORE[30:]))
    np.testing.assert_allclose(_np(m.result()),
                               _np_counts(Y_SCORE, P_SCORE, thresholds, W_SCORE)[index],
                               rtol=1e-5)
    assert m.get_config() == {'name': m.name, 'dtype': 'float32', 'thresholds': thresholds}
    with pytest.raises(ValueError, match=r'\[0, 1\]'):
        cls(thresholds=[0.5, 1.5])


def test_nan_and_infinite_predictions_count_as_in_tensorflow():
    y = np.array([1., 1., 0., 0.], 'float32')
    p = np.array([np.nan, np.inf, np.nan, -np.inf], 'float32')
    counts = {cls: cls() for cls in (metrics.TruePositives, metrics.FalseNegatives,
                                     metrics.TrueNegatives, metrics.FalsePositives)}
    for m in counts.values():
        m.update_state(_t(y), _t(p))
    assert [float(m.result()) for m in counts.values()] == [1., 1., 2., 0.]


def test_precision_recall_thresholds_and_weights():
    tp, fp, _, fn = _np_counts(Y_SCORE, P_SCORE, [0.5], W_SCORE)
    p, r = metrics.Precision(), metrics.Recall()
    for m in (p, r):
        m.update_state(_t(Y_SCORE), _t(P_SCORE), sample_weight=_t(W_SCORE))
    np.testing.assert_allclose(_np(p.result()), tp[0] / (tp[0] + fp[0]), rtol=1e-5)
    np.testing.assert_allclose(_np(r.result()), tp[0] / (tp[0] + fn[0]), rtol=1e-5)
    thresholds = [0.2, 0.99, 1.0]
    tp, fp, _, fn = _np_counts(Y_SCORE, P_SCORE, thresholds)
    p = metrics.Precision(thresholds=thresholds)
    p.update_state(_t(Y_SCORE), _t(P_SCORE))
    np.testing.assert_allclose(_np(p.result()),
                               np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.), rtol=1e-5)
    assert float(metrics.Recall().result()) == 0.
    assert p.get_config() == {'name': p.name, 'dtype': 'float32', 'thresholds': thresholds,
                              'top_k': None, 'class_id': None}


def test_precision_recall_top_k_and_class_id():
    y = (RS.rand(6, 5) > 0.6).astype('float32')
    s = RS.rand(6, 5).astype('float32')
    top2 = np.zeros_like(y, bool)
    np.put_along_axis(top2, np.argsort(-s, -1)[:, :2], True, -1)
    lab = y != 0
    p, r = metrics.Precision(top_k=2), metrics.Recall(top_k=2)
    for m in (p, r):
        m.update_state(_t(y), _t(s))
    np.testing.assert_allclose(_np(p.result()), (top2 & lab).sum() / top2.sum(), rtol=1e-6)
    np.testing.assert_allclose(_np(r.result()), (top2 & lab).sum() / lab.sum(), rtol=1e-6)
    p = metrics.Precision(class_id=1)
    p.update_state(_t(y), _t(s), sample_weight=_t(np.arange(6, dtype='float32')))
    tp, fp, _, _ = _np_counts(y[:, 1], s[:, 1], [0.5], np.arange(6))
    np.testing.assert_allclose(_np(p.result()), tp[0] / max(tp[0] + fp[0], 1e-12), rtol=1e-6)
    p = metrics.Precision(top_k=1, class_id=2)
    p.update_state(_t(y), _t(s))
    pos = s.argmax(-1) == 2
    expected = (pos & lab[:, 2]).sum() / pos.sum() if pos.sum() else 0.
    np.testing.assert_allclose(_np(p.result()), expected, rtol=1e-6)


def _spec_thresholds(n):
    return [0.5] if n == 1 else [0.] + [(i + 1) / (n - 1.) for i in range(n - 2)] + [1.]


def _safe_div(a, b):
    return np.where(b > 0, a / np.where(b > 0, b, 1.), 0.)


@pytest.mark.parametrize('value', [0.1, 0.5, 0.8])
def test_sensitivity_and_specificity_at(value):
    n = 21
    tp, fp, tn, fn = _np_counts(Y_SCORE, P_SCORE, _spec_thresholds(n), W_SCORE)
    sens, spec = _safe_div(tp, tp + fn), _safe_div(tn, tn + fp)
    m = metrics.SensitivityAtSpecificity(value, num_thresholds=n)
    m.update_state(_t(Y_SCORE), _t(P_SCORE), sample_weight=_t(W_SCORE))
    np.testing.assert_allclose(_np(m.result()), sens[np.argmin(np.abs(spec - value))],
                               rtol=1e-5)
    m = metrics.SpecificityAtSensitivity(value, num_thresholds=n)
    m.update_state(_t(Y_SCORE), _t(P_SCORE), sample_weight=_t(W_SCORE))
    np.testing.assert_allclose(_np(m.result()), spec[np.argmin(np.abs(sens - value))],
                               rtol=1e-5)
    assert m.get_config() == {'name': m.name, 'dtype': 'float32', 'num_thresholds': n,
                              'sensitivity': value}
    with pytest.raises(ValueError, match='range'):
        metrics.SensitivityAtSpecificity(1.5)


def _np_auc(y, p, n=200, curve='ROC', method='interpolation', w=None):
    inner = [(i + 1) / (n - 1.) for i in range(n - 2)]
    thresholds = [0. - EPS] + inner + [1. + EPS]
    tp, fp, tn, fn = _np_counts(y, p, thresholds, w)
    if curve == 'PR' and method == 'interpolation':
        dtp = tp[:-1] - tp[1:]
        pp = tp + fp
        dp = pp[:-1] - pp[1:]
        slope = _safe_div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * pp[1:]
        ratio = np.where((pp[:-1] > 0) & (pp[1:] > 0), _safe_div(pp[:-1], pp[1:]), 1.)
        return np.sum(_safe_div(slope * (dtp + intercept * np.log(ratio)), tp[1:] + fn[1:]))
    recall = _safe_div(tp, tp + fn)
    if curve == 'ROC':
        x, yv = _safe_div(fp, fp + tn), recall
    else:
        x, yv = recall, _safe_div(tp, tp + fp)
    heights = {'interpolation': (yv[:-1] + yv[1:]) / 2., 'minoring': np.minimum(yv[:-1], yv[1:]),
               'majoring': np.maximum(yv[:-1], yv[1:])}[method]
    return np.sum((x[:-1] - x[1:]) * heights)


@pytest.mark.parametrize('curve', ['ROC', 'PR'])
@pytest.mark.parametrize('method', ['interpolation', 'minoring', 'majoring'])
def test_auc_matches_numpy(curve, method):
    m = metrics.AUC(num_thresholds=50, curve=curve, summation_method=method)
    m.update_state(_t(Y_SCORE[:25]), _t(P_SCORE[:25]), sample_weight=_t(W_SCORE[:25]))
    m.update_state(_t(Y_SCORE[25:]), _t(P_SCORE[25:]), sample_weight=_t(W_SCORE[25:]))
    assert m.result().shape == ()
    np.testing.assert_allclose(_np(m.result()),
                               _np_auc(Y_SCORE, P_SCORE, 50, curve, method, W_SCORE), rtol=1e-5)


def test_auc_close_to_exact_roc_and_config():
    m = metrics.AUC(num_thresholds=1000)
    m.update_state(_t(Y_SCORE), _t(P_SCORE))
    pos, neg = P_SCORE[Y_SCORE == 1], P_SCORE[Y_SCORE == 0]
    exact = ((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (
        len(pos) * len(neg))
    assert abs(float(m.result()) - exact) < 5e-3
    config = metrics.AUC(num_thresholds=4, curve='PR', name='auc').get_config()
    assert set(config) == {'name', 'dtype', 'num_thresholds', 'curve', 'summation_method',
                           'thresholds'}
    assert config['curve'] == 'PR' and config['summation_method'] == 'interpolation'
    np.testing.assert_allclose(config['thresholds'], [1 / 3., 2 / 3.])
    clone = metrics.AUC.from_config(config)
    assert clone.num_thresholds == 4 and clone.thresholds == metrics.AUC(4).thresholds
    custom = metrics.AUC(thresholds=[0.6, 0.2])
    assert custom.num_thresholds == 4 and custom.thresholds[1:-1] == [0.2, 0.6]
    assert float(metrics.AUC().result()) == 0.
    with pytest.raises(ValueError, match='num_thresholds'):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match='curve'):
        metrics.AUC(curve='XY')
    with pytest.raises(ValueError, match='summation'):
        metrics.AUC(summation_method='left')


def test_auc_multi_label_and_logits():
    y = (RS.rand(40, 3) > 0.5).astype('float32')
    s = np.clip(RS.rand(40, 3) * 0.7 + y * 0.2, 0, 1).astype('float32')
    per_label = [_np_auc(y[:, j], s[:, j], 30) for j in range(3)]
    m = metrics.AUC(num_thresholds=30, multi_label=True)
    m.update_state(_t(y), _t(s))
    np.testing.assert_allclose(_np(m.result()), np.mean(per_label), rtol=1e-5)
    lw = [1., 0., 3.]
    m = metrics.AUC(num_thresholds=30, multi_label=True, num_labels=3, label_weights=lw)
    m.update_state(_t(y), _t(s))
    np.testing.assert_allclose(_np(m.result()), np.dot(per_label, lw) / 4., rtol=1e-5)
    logits = np.log(s.clip(1e-3, 1 - 1e-3) / (1 - s.clip(1e-3, 1 - 1e-3))).astype('float32')
    m = metrics.AUC(num_thresholds=30, from_logits=True)
    m.update_state(_t(y), _t(logits))
    probs = (1. / (1. + np.exp(-logits.astype('float64')))).astype('float32')
    np.testing.assert_allclose(_np(m.result()), _np_auc(y, probs, 30), rtol=1e-5)


def _np_mean_iou(y, p, n, w=None):
    cm = np.zeros((n, n))
    np.add.at(cm, (y.reshape(-1), p.reshape(-1)), 1. if w is None else w.reshape(-1))
    tp = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - tp
    return _safe_div(tp, denom).sum() / (denom != 0).sum()


def test_mean_iou():
    y = RS.randint(0, 4, size=(3, 5))
    p = RS.randint(0, 3, size=(3, 5))
    m = metrics.MeanIoU(num_classes=5)
    m.update_state(_t(y), _t(p.astype('float32')))
    np.testing.assert_allclose(_np(m.result()), _np_mean_iou(y, p, 5), rtol=1e-6)
    assert m.result().dtype == torch.float32
    w = RS.rand(3, 5).astype('float32')
    m.reset_states()
    m.update_state(_t(y), _t(p), sample_weight=_t(w))
    np.testing.assert_allclose(_np(m.result()), _np_mean_iou(y, p, 5, w), rtol=1e-6)
    m.reset_states()
    m.update_state(_t(y), _t(p), sample_weight=_t(w[:, 0]))
    np.testing.assert_allclose(_np(m.result()),
                               _np_mean_iou(y, p, 5, np.repeat(w[:, :1], 5, 1)), rtol=1e-6)
    scores = np.eye(5, dtype='float32')[p] + 0.01
    dense = metrics.MeanIoU(5, sparse_y_pred=False, ignore_class=0)
    dense.update_state(_t(y), _t(scores))
    keep = y != 0
    np.testing.assert_allclose(_np(dense.result()), _np_mean_iou(
        y[keep], p[keep], 5), rtol=1e-6)
    assert metrics.MeanIoU(3, name='iou').get_config() == {'name': 'iou', 'dtype': 'float32',
                                                           'num_classes': 3}


# Device, autograd and synchronization ----------------------------------------------

@contextlib.contextmanager
def _forbid_host_sync():
    """Fail on any tensor-to-Python conversion (what a device sync needs)."""
    def boom(*args, **kwargs):
        raise AssertionError('update_state read a tensor value on the host')
    names = ('item', '__bool__', '__index__', '__int__', '__float__', 'tolist', 'numpy')
    saved = {name: getattr(torch.Tensor, name) for name in names}
    try:
        for name in names:
            setattr(torch.Tensor, name, boom)
        yield
    finally:
        for name, value in saved.items():
            setattr(torch.Tensor, name, value)


SYNC_CASES = [(cls, kind) for cls, _, _, kind in WRAPPERS] + [
    (metrics.RootMeanSquaredError, 'regression'), (metrics.TruePositives, 'binary'),
    (metrics.Precision, 'binary'), (metrics.Recall, 'binary'),
    (lambda: metrics.Precision(top_k=2), 'categorical'),
    (lambda: metrics.SensitivityAtSpecificity(0.5), 'binary'),
    (lambda: metrics.SpecificityAtSensitivity(0.5), 'binary'), (metrics.AUC, 'binary'),
    (lambda: metrics.AUC(multi_label=True), 'categorical'),
    (lambda: metrics.MeanIoU(4), 'iou')]


@pytest.mark.parametrize('make,kind', SYNC_CASES)
def test_update_state_never_reads_values_on_host(make, kind):
    y, p = (LABELS, P_CAT.argmax(-1)) if kind == 'iou' else _data(kind)
    y, p, w = _t(y), _t(p), _t(W)
    m = make()
    with _forbid_host_sync():
        m.update_state(y, p, sample_weight=w)
        m.update_state(y, p)
        result = m.result()
    assert torch.isfinite(result).all()


def test_update_ignores_autograd_and_returns_detached_state():
    p = torch.tensor(P_REG, requires_grad=True)
    m = metrics.MeanSquaredError()
    m.update_state(_t(Y_REG), p)
    assert not m.result().requires_grad
    assert not any(w.requires_grad for w in m.weights)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_state_moves_to_data_device_without_sync():
    m = metrics.AUC()
    mean = metrics.Mean()
    cpu = metrics.Mean()
    cpu.update_state(_t([1., 2.]))
    assert cpu.total.device.type == 'cpu'
    y, p = _t(Y_BIN).cuda(), _t(P_BIN).cuda()
    m.update_state(y, p)
    mean.update_state(p)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode('error')
    try:
        m.update_state(y, p, sample_weight=_t(W).cuda())
        mean.update_state(p, sample_weight=_t(W).cuda())
    finally:
        torch.cuda.set_sync_debug_mode('default')
    assert m.true_positives.device.type == 'cuda' and mean.total.device.type == 'cuda'
    assert all(w.device.type == 'cuda' for w in m.weights)
    assert m.result().device.type == 'cuda'


@pytest.mark.parametrize('make,y_true,y_pred', [
    (lambda: metrics.CategoricalAccuracy(), np.eye(3)[[0, 2, 1, 1]], np.random.rand(4, 3)),
    (lambda: metrics.SparseCategoricalAccuracy(), np.array([[0], [2], [1], [1]]),
     np.random.rand(4, 3)),
    (lambda: metrics.BinaryAccuracy(threshold=0.3), np.array([[1.], [0.], [1.], [0.]]),
     np.random.rand(4, 1)),
    (lambda: metrics.MeanSquaredError(), np.random.rand(4, 2), np.random.rand(4, 2)),
    (lambda: metrics.MeanMetricWrapper(metrics.mae, name='m'), np.random.rand(4),
     np.random.rand(4, 1)),
])
def test_training_loop_update_equals_update_state(make, y_true, y_pred):
    """The training step's shortcut gives the same state as ``update_state``."""
    reference, fast = make(), make()
    assert fast.has_plain_update
    for _ in range(2):
        reference.update_state(y_true, y_pred)
        fast._update_unweighted(torch.as_tensor(y_true), torch.as_tensor(y_pred).float())
    for a, b in zip(reference.get_weights(), fast.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_metrics_with_their_own_update_state_take_the_full_path():
    assert not getattr(metrics.RootMeanSquaredError(), 'has_plain_update', False)

    class Custom(metrics.MeanMetricWrapper):
        def update_state(self, y_true, y_pred, sample_weight=None):
            return super(Custom, self).update_state(y_true, y_pred * 2.)
    assert not Custom(metrics.mae).has_plain_update


def test_result_after_the_training_shortcut_and_after_reset():
    metric = metrics.CategoricalAccuracy()
    y_true = torch.tensor([[0., 1.], [1., 0.], [1., 0.]])
    y_pred = torch.tensor([[0.2, 0.8], [0.3, 0.7], [0.9, 0.1]])
    metric._update_unweighted(y_true, y_pred)
    assert float(metric.result()) == pytest.approx(2. / 3.)
    metric.reset_states()
    assert float(metric.result()) == 0.  # (0, not NaN, for no data)
    metric._update_unweighted(y_true, y_pred)
    metric.update_state(y_true, y_pred, sample_weight=[0., 0., 0.])
    assert float(metric.result()) == pytest.approx(2. / 3.)
    metric.set_weights([np.float32(0.), np.float32(0.)])
    assert float(metric.result()) == 0.
