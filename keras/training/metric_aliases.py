"""The names Keras 1 and Keras 2.0-2.2 logged metrics under, kept as aliases.

Keras 2.3 logs a metric given to ``compile`` as a string under that string
(``'accuracy'``, ``'mae'``).  Keras 1 and 2.0-2.2 logged ``'accuracy'`` and
``'acc'`` as ``acc``, ``'crossentropy'`` and ``'ce'`` as ``ce``, any other
string under its function's name (``'mae'`` as ``mean_absolute_error``), and
weighted metrics with a ``weighted_`` prefix.  Programs of that time read
``history.history['val_acc']`` or watch ``monitor='val_acc'`` in
``ModelCheckpoint``/``EarlyStopping``.  The logs keep Keras 2.3.1's keys (what
``keys()``, ``items()`` and ``metrics_names`` list); reading an older name
(``[]``, ``get``) returns the value of the metric it named, with or without
``val_``.  (Code of tf.keras 2.x that reads ``'accuracy'`` after compiling
with ``'acc'`` finds it the same way.)

    model.compile('sgd', 'binary_crossentropy', metrics=['accuracy'])
    history = model.fit(x, y, validation_split=0.1)
    history.history['val_acc'] == history.history['val_accuracy']   # True
"""

__all__ = ['legacy_names', 'metric_aliases', 'AliasedDict']

_ACCURACY = ('accuracy', 'acc')
_CROSSENTROPY = ('crossentropy', 'ce')


def legacy_names(metric, weighted=False):
    """The other names a ``compile(metrics=...)`` entry was logged under."""
    if not isinstance(metric, str):
        return []  # (a function or a Metric object: the same name in every version)
    if metric in _ACCURACY:
        names = ['acc', 'accuracy']
    elif metric in _CROSSENTROPY:
        names = ['ce', 'crossentropy']
    else:
        from keras import metrics as metrics_module
        try:
            fn = metrics_module.get(metric)
        except ValueError:
            return []
        name = getattr(fn, 'name', None) or getattr(fn, '__name__', None)
        names = [name] if isinstance(name, str) else []
    if weighted:
        return ['weighted_' + names[0]] if names else []
    return names


def metric_aliases(targets, metric_lists, weighted_lists, taken):
    """``{older name: logged name}`` for the compiled ``targets`` (their
    ``(name, metric)`` lists in the order of the user's ``metric_lists``);
    names in ``taken`` (logged ones) are never aliases."""
    aliases = {}
    prefix_outputs = len(targets) > 1
    for target, specs, weighted_specs in zip(targets, metric_lists, weighted_lists):
        prefix = target.name + '_' if prefix_outputs else ''
        for built, user_specs, weighted in ((target.metrics, specs, False),
                                            (target.weighted_metrics, weighted_specs, True)):
            for (logged, _), spec in zip(built, user_specs):
                for old in legacy_names(spec, weighted):
                    old = prefix + old
                    if old != logged and old not in taken:
                        aliases.setdefault(old, logged)
    return aliases


def _resolve(aliases, key):
    if not aliases or not isinstance(key, str):
        return None
    if key in aliases:
        return aliases[key]
    if key.startswith('val_') and key[4:] in aliases:
        return 'val_' + aliases[key[4:]]
    return None


class AliasedDict(dict):
    """A ``dict`` that also answers (``[]``, ``get``) to the older names in
    its ``aliases`` (``{older name: key}``, also with ``val_`` in front)."""

    aliases = None

    def __missing__(self, key):
        alias = _resolve(self.aliases, key)
        if alias is None or not dict.__contains__(self, alias):
            raise KeyError(key)
        return self[alias]

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return self[key]
        alias = _resolve(self.aliases, key)
        if alias is not None and dict.__contains__(self, alias):
            return self[alias]
        return default
