"""scikit-learn wrappers: parameter routing, labels, probabilities, scores.

The wrappers need only NumPy; the tests that drive them through scikit-learn
itself skip when it is not installed.
"""
import warnings

import numpy as np
import pytest

from keras.layers import Dense
from keras.models import Sequential
from keras.wrappers.scikit_learn import BaseWrapper, KerasClassifier, KerasRegressor

N_FEATURES = 4


def _data(n=40, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(n, N_FEATURES)).astype('float32')
    y = np.arange(n) % n_classes
    return x, y


def build_classifier(hidden=5, n_classes=3, loss='sparse_categorical_crossentropy',
                     metrics=('accuracy',)):
    model = Sequential()
    model.add(Dense(hidden, activation='relu', input_dim=N_FEATURES))
    if n_classes == 2:
        model.add(Dense(1, activation='sigmoid'))
    else:
        model.add(Dense(n_classes, activation='softmax'))
    model.compile(optimizer='sgd', loss=loss, metrics=list(metrics))
    return model


def build_regressor(hidden=5):
    model = Sequential()
    model.add(Dense(hidden, activation='relu', input_dim=N_FEATURES))
    model.add(Dense(1))
    model.compile(optimizer='sgd', loss='mse')
    return model


class ClassBuilder(object):
    """A callable object as ``build_fn``."""

    def __call__(self, hidden=5):
        return build_classifier(hidden=hidden)


class SubclassedClassifier(KerasClassifier):
    """``build_fn=None``: the subclass's ``__call__`` builds the model."""

    def __call__(self, hidden=5):
        return build_classifier(hidden=hidden)


def _check_classifier(clf, x, y, labels):
    history = clf.fit(x, y)
    assert len(history.history['loss']) == clf.sk_params.get('epochs', 1)
    np.testing.assert_array_equal(clf.classes_, labels)
    assert clf.n_classes_ == len(labels)
    proba = clf.predict_proba(x)
    assert proba.shape == (len(x), len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1., rtol=1e-5)
    preds = clf.predict(x)
    np.testing.assert_array_equal(preds, labels[proba.argmax(axis=1)])
    expected_acc = np.mean(preds == y)
    np.testing.assert_allclose(clf.score(x, y), expected_acc, rtol=1e-6)


@pytest.mark.parametrize('make', [
    lambda: KerasClassifier(build_fn=build_classifier, hidden=3, epochs=2, batch_size=8,
                            verbose=0),
    lambda: KerasClassifier(build_fn=ClassBuilder(), hidden=3, epochs=2, verbose=0),
    lambda: SubclassedClassifier(hidden=3, epochs=2, verbose=0),
], ids=['function', 'callable_object', 'subclass'])
def test_classifier_build_fn_kinds(make):
    x, y = _data()
    clf = make()
    _check_classifier(clf, x, y, np.array([0, 1, 2]))
    assert clf.model.layers[0].units == 3  # ``hidden`` reached build_fn


def test_classifier_with_a_class_as_build_fn():
    class Builder(Sequential):
        def __init__(self, hidden=5):
            super(Builder, self).__init__()
            self.add(Dense(hidden, activation='relu', input_dim=N_FEATURES))
            self.add(Dense(3, activation='softmax'))
            self.compile('sgd', 'sparse_categorical_crossentropy', metrics=['acc'])

    x, y = _data()
    clf = KerasClassifier(build_fn=Builder, hidden=2, verbose=0)
    clf.fit(x, y)
    assert clf.model.layers[0].units == 2
    assert 0. <= clf.score(x, y) <= 1.


def test_classifier_string_labels_and_categorical_loss():
    x, y = _data()
    names = np.array(['cat', 'dog', 'emu'])
    clf = KerasClassifier(build_fn=build_classifier, loss='categorical_crossentropy',
                          epochs=1, verbose=0)
    _check_classifier(clf, x, names[y], names)


def test_classifier_one_hot_targets():
    x, y = _data()
    onehot = np.eye(3, dtype='float32')[y]
    clf = KerasClassifier(build_fn=build_classifier, loss='categorical_crossentropy', verbose=0)
    clf.fit(x, onehot)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    preds = clf.predict(x)
    np.testing.assert_array_equal(preds, clf.model.predict(x).argmax(axis=1))


def test_classifier_binary_predict_proba_has_two_columns():
    x, y = _data(n_classes=2)
    labels = np.array([-1, 1])
    clf = KerasClassifier(build_fn=build_classifier, n_classes=2,
                          loss='binary_crossentropy', verbose=0)
    clf.fit(x, labels[y])
    p1 = clf.model.predict(x)[:, 0]
    proba = clf.predict_proba(x)
    np.testing.assert_allclose(proba, np.stack([1 - p1, p1], axis=1), rtol=1e-6)
    np.testing.assert_array_equal(clf.predict(x).ravel(), labels[(p1 > 0.5).astype(int)])


def test_classifier_fit_sample_weight_and_kwargs_win_over_sk_params():
    x, y = _data()
    clf = KerasClassifier(build_fn=build_classifier, epochs=3, verbose=0)
    history = clf.fit(x, y, sample_weight=np.ones(len(x)), epochs=1)
    assert len(history.history['loss']) == 1


def test_classifier_invalid_target_shape():
    x, _ = _data()
    clf = KerasClassifier(build_fn=build_classifier, verbose=0)
    with pytest.raises(ValueError, match='Invalid shape for y'):
        clf.fit(x, np.zeros((len(x), 2, 2)))


def test_score_without_accuracy_metric_raises():
    x, y = _data()
    clf = KerasClassifier(build_fn=build_classifier, metrics=(), verbose=0)
    clf.fit(x, y)
    with pytest.raises(ValueError, match='not configured to compute accuracy'):
        clf.score(x, y)


def test_regressor_predict_and_score():
    x, _ = _data()
    y = x.sum(axis=1)
    reg = KerasRegressor(build_fn=build_regressor, hidden=4, epochs=2, batch_size=10, verbose=0)
    history = reg.fit(x, y)
    assert len(history.history['loss']) == 2
    preds = reg.predict(x)
    assert preds.shape == (len(x),)
    np.testing.assert_allclose(preds, reg.model.predict(x)[:, 0], rtol=1e-6)
    mse = np.mean((preds - y) ** 2)
    np.testing.assert_allclose(reg.score(x, y), -mse, rtol=1e-4)


def test_check_params_rejects_unknown_names():
    with pytest.raises(ValueError, match='not_a_param is not a legal parameter'):
        KerasClassifier(build_fn=build_classifier, not_a_param=1)
    reg = KerasRegressor(build_fn=build_regressor)
    with pytest.raises(ValueError, match='bogus is not a legal parameter'):
        reg.set_params(bogus=3)
    # Names of fit / predict / evaluate and of build_fn are legal.
    KerasRegressor(build_fn=build_regressor, hidden=2, epochs=1, batch_size=4, verbose=0,
                   validation_split=0.1, steps=None)


def test_get_params_and_set_params():
    clf = KerasClassifier(build_fn=build_classifier, hidden=[4], epochs=2)
    params = clf.get_params(deep=False)
    assert params == {'build_fn': build_classifier, 'hidden': [4], 'epochs': 2}
    assert params['hidden'] is clf.sk_params['hidden']  # what sklearn.clone checks
    assert clf.set_params(epochs=5, hidden=7) is clf
    assert clf.get_params()['epochs'] == 5 and clf.get_params()['hidden'] == 7
    new = KerasClassifier(**clf.get_params())
    assert new.get_params() == clf.get_params()


def test_filter_sk_params_with_override():
    def fn(a, b=1):
        return a + b

    wrapper = BaseWrapper(build_fn=fn, a=1, b=2)
    assert wrapper.filter_sk_params(fn) == {'a': 1, 'b': 2}
    assert wrapper.filter_sk_params(fn, {'b': 5}) == {'a': 1, 'b': 5}


def test_legacy_nb_epoch_in_sk_params():
    x, y = _data()
    clf = KerasClassifier(build_fn=build_classifier, nb_epoch=2, verbose=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        history = clf.fit(x, y)
    assert len(history.history['loss']) == 2
    assert any('epochs' in str(w.message) for w in caught)


def test_cross_val_score_and_grid_search():
    sklearn = pytest.importorskip('sklearn')
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    assert sklearn.__version__
    x, y = _data(n=30)
    clf = KerasClassifier(build_fn=build_classifier, metrics=['acc'], epochs=1, verbose=0)
    cloned = clone(clf)  # a list parameter survives sklearn's identity check
    assert cloned.get_params()['metrics'] == ['acc'] and cloned is not clf
    scores = cross_val_score(clf, x, y, cv=2)
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))
    grid = GridSearchCV(KerasRegressor(build_fn=build_regressor, verbose=0),
                        param_grid={'hidden': [2, 3], 'epochs': [1]}, cv=2)
    grid.fit(x, x.sum(axis=1))
    assert grid.best_params_['hidden'] in (2, 3)
    pipe = Pipeline([('scale', StandardScaler()),
                     ('clf', KerasClassifier(build_fn=build_classifier, verbose=0))])
    pipe.fit(x, y)
    assert pipe.predict(x).shape == (len(x),)
