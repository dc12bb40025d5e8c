"""Keras 2.3.1's ``model.train_function``/``test_function``/``predict_function``.

Keras 2.3.1 compiled these backend functions lazily (``_make_train_function``
and its siblings); code written for it calls them with one flat list,
``inputs + targets + sample_weights`` (and, with a learning-phase flag, one
more value, ignored here), and gets back ``[loss] + metrics`` (or the
predictions).  Here they are thin callers of ``train_on_batch``,
``test_on_batch`` and ``predict_on_batch``.

Example:
    >>> model._make_train_function()
    >>> loss, acc = model.train_function([x, y, np.ones(len(x))])
"""
import numpy as np

__all__ = ['BatchFunction']

_MODES = ('train', 'test', 'predict')


class BatchFunction(object):
    """One batch through ``model`` in ``mode`` (``'train'``, ``'test'`` or
    ``'predict'``), called with Keras 2.3.1's flat list of arrays.

    Args:
        state: the model's ``CompiledState`` (which outputs take targets), or
            None (``'predict'``).
    """

    def __init__(self, model, mode, state=None):
        if mode not in _MODES:
            raise ValueError('BatchFunction mode must be one of %s; got %r.' % (_MODES, mode))
        self.model = model
        self.mode = mode
        self.state = state

    def _split(self, values):
        model = self.model
        n_in = len(model.inputs)
        xs = values[:n_in]
        if self.mode == 'predict':
            return xs, None, None
        targets = self.state.targets if self.state is not None else None
        if targets is None:  # (compile not finished: Keras 2.3.1's AttributeError)
            targets = model._targets
        names = [t.name for t in targets if t.has_loss]
        k = len(names)
        if len(values) < n_in + k:
            raise ValueError('%s_function of model %s expects %d input array(s) then %d target '
                             'array(s) (and optionally %d sample weight arrays); got %d arrays.'
                             % (self.mode, model.name, n_in, k, k, len(values)))
        ys = values[n_in:n_in + k]
        weights = values[n_in + k:n_in + 2 * k]
        sws = dict(zip(names, weights)) if len(weights) == k else None
        return xs, ys, sws

    def __call__(self, inputs):
        values = list(inputs)
        xs, ys, sws = self._split(values)
        model = self.model
        if self.mode == 'predict':
            out = model.predict_on_batch(xs)
        elif self.mode == 'train':
            out = model.train_on_batch(xs, ys, sample_weight=sws)
        else:
            out = model.test_on_batch(xs, ys, sample_weight=sws)
        return [np.asarray(o) for o in out] if isinstance(out, list) else [np.asarray(out)]

    def __repr__(self):
        return '<BatchFunction %s of %s>' % (self.mode, self.model.name)
