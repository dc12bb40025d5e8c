"""Scikit-learn estimator API for Keras models (``KerasClassifier``, ``KerasRegressor``).

The wrappers only need NumPy: scikit-learn is optional and is only imported
when scikit-learn itself asks an estimator for its tags.

Example:
    >>> def build(units=8):
    ...     model = Sequential([Dense(units, activation='relu', input_dim=4),
    ...                         Dense(3, activation='softmax')])
    ...     model.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])
    ...     return model
    >>> clf = KerasClassifier(build_fn=build, units=16, epochs=5, verbose=0)
    >>> clf.fit(x, y).history['loss']        # doctest: +SKIP
    >>> clf.predict(x)                        # labels taken from ``y``
"""
import copy
import warnings

import numpy as np

from keras import losses
from keras.engine.sequential import Sequential
from keras.utils.generic_utils import has_arg, to_list
from keras.utils.np_utils import to_categorical

__all__ = ['BaseWrapper', 'KerasClassifier', 'KerasRegressor']

# Keras 1 spelling still accepted in ``sk_params`` (translated for ``fit``).
_LEGACY_FIT_PARAMS = {'nb_epoch': 'epochs'}


class BaseWrapper(object):
    """Common part of the scikit-learn wrappers; use a subclass.

    Args:
        build_fn: what builds, compiles and returns a fresh Keras model: a
            function, a class, or an object with ``__call__``.  With ``None``
            the subclass's own ``__call__`` method is the builder.
        **sk_params: arguments of ``build_fn`` and of the model's ``fit``,
            ``predict``, ``predict_proba``/``predict_classes`` and ``evaluate``
            (e.g. ``epochs``, ``batch_size``).  Each method takes the ones its
            signature names; arguments passed to a method call win over them.

    ``get_params``/``set_params`` expose ``build_fn`` and every ``sk_params``
    entry, so ``GridSearchCV`` can search over ``epochs`` or any argument of
    ``build_fn``.
    """

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _builder(self):
        return self.__call__ if self.build_fn is None else self.build_fn

    def check_params(self, params):
        """Raise ``ValueError`` for a name no builder or model method accepts.

        Args:
            params: dict of parameters to check.
        """
        legal_fns = [Sequential.fit, Sequential.predict, Sequential.predict_classes,
                     Sequential.evaluate, self._builder()]
        for name in params:
            if name in _LEGACY_FIT_PARAMS:
                continue
            if not any(has_arg(fn, name) for fn in legal_fns):
                raise ValueError('{} is not a legal parameter'.format(name))

    def get_params(self, **params):
        """All parameters: ``build_fn`` and the ``sk_params`` (``deep`` is ignored).

        Values are returned as stored (not copied), so ``sklearn.base.clone``
        sees the very objects it passed to the constructor.
        """
        res = dict(self.sk_params)
        res.update({'build_fn': self.build_fn})
        return res

    def set_params(self, **params):
        """Check and update ``sk_params``; returns ``self``."""
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override=None):
        """The ``sk_params`` that ``fn`` names, updated with ``override``.

        Args:
            fn: any callable.
            override: dict of values that replace ``sk_params`` entries.
        """
        res = {name: value for name, value in self.sk_params.items() if has_arg(fn, name)}
        res.update(override or {})
        return res

    def _fit_args(self, kwargs):
        args = copy.deepcopy(self.filter_sk_params(Sequential.fit))
        for old, new in _LEGACY_FIT_PARAMS.items():
            if old in self.sk_params and new not in args:
                warnings.warn('The `%s` argument is deprecated; use `%s` instead.' % (old, new),
                              stacklevel=3)
                args[new] = self.sk_params[old]
        for old, new in _LEGACY_FIT_PARAMS.items():
            if old in kwargs:
                kwargs = dict(kwargs)
                args[new] = kwargs.pop(old)
        args.update(kwargs)
        return args

    def fit(self, x, y, **kwargs):
        """Build a new model with ``build_fn`` and train it on ``(x, y)``.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            y: targets, ``(n_samples,)`` or ``(n_samples, n_outputs)``.
            **kwargs: arguments of the model's ``fit``; they win over ``sk_params``.

        Returns:
            The ``History`` object returned by the model's ``fit``.
        """
        builder = self._builder()
        self.model = builder(**self.filter_sk_params(builder))
        y = np.asarray(y)
        if losses.is_categorical_crossentropy(self.model.loss) and len(y.shape) != 2:
            y = to_categorical(y)
        return self.model.fit(x, y, **self._fit_args(kwargs))


class KerasClassifier(BaseWrapper):
    """Scikit-learn classifier API for a Keras model.

    ``fit`` records the labels it saw in ``classes_`` (sorted unique values of
    ``y``, or ``0..n-1`` for one-hot ``y``) and ``n_classes_``; ``predict``
    returns labels from ``classes_``.
    """

    _estimator_type = 'classifier'

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Encode the labels of ``y``, then build and train a new model.

        Raises:
            ValueError: when ``y`` is neither 1-D nor 2-D.
        """
        y = np.array(y)
        if len(y.shape) == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (len(y.shape) == 2 and y.shape[1] == 1) or len(y.shape) == 1:
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError('Invalid shape for y: ' + str(y.shape))
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs['sample_weight'] = sample_weight
        return super(KerasClassifier, self).fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """Predicted labels, taken from ``classes_``.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            **kwargs: arguments of ``Sequential.predict_classes``.
        """
        kwargs = self.filter_sk_params(Sequential.predict_classes, kwargs)
        proba = self.model.predict(x, **kwargs)
        if proba.shape[-1] > 1:
            classes = proba.argmax(axis=-1)
        else:
            classes = (proba > 0.5).astype('int32')
        return self.classes_[classes]

    def predict_proba(self, x, **kwargs):
        """Class probabilities, ``(n_samples, n_classes)``.

        A model with one sigmoid output gives two columns, ``[1 - p, p]``, as
        scikit-learn expects for binary problems.
        """
        kwargs = self.filter_sk_params(Sequential.predict_proba, kwargs)
        probs = self.model.predict(x, **kwargs)
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs):
        """Mean accuracy on ``(x, y)``, from the model's ``'acc'``/``'accuracy'`` metric.

        Raises:
            ValueError: if the model was not compiled with ``metrics=['accuracy']``.
        """
        y = np.searchsorted(self.classes_, y)
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if losses.is_categorical_crossentropy(self.model.loss) and len(y.shape) != 2:
            y = to_categorical(y, num_classes=self.n_classes_)
        outputs = to_list(self.model.evaluate(x, y, **kwargs))
        for name, output in zip(self.model.metrics_names, outputs):
            if name in ('accuracy', 'acc'):
                return output
        raise ValueError('The model is not configured to compute accuracy. '
                         'You should pass `metrics=["accuracy"]` to '
                         'the `model.compile()` method.')

    def __sklearn_tags__(self):
        return _sklearn_tags('classifier')


class KerasRegressor(BaseWrapper):
    """Scikit-learn regressor API for a Keras model."""

    _estimator_type = 'regressor'

    def predict(self, x, **kwargs):
        """Predictions; a last axis of size 1 is squeezed away.

        Args:
            x: array of shape ``(n_samples, n_features)``.
            **kwargs: arguments of ``Sequential.predict``.
        """
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        preds = np.array(self.model.predict(x, **kwargs))
        if preds.shape[-1] == 1:
            return np.squeeze(preds, axis=-1)
        return preds

    def score(self, x, y, **kwargs):
        """Minus the model's loss on ``(x, y)`` (greater is better, as scikit-learn wants)."""
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss

    def __sklearn_tags__(self):
        return _sklearn_tags('regressor')


def _sklearn_tags(estimator_type):
    """Estimator tags for scikit-learn >= 1.6 (only scikit-learn calls this)."""
    from sklearn.utils import (ClassifierTags, RegressorTags,  # pylint: disable=import-outside-toplevel
                               Tags, TargetTags)
    return Tags(estimator_type=estimator_type,
                target_tags=TargetTags(required=True),
                classifier_tags=ClassifierTags() if estimator_type == 'classifier' else None,
                regressor_tags=RegressorTags() if estimator_type == 'regressor' else None)
