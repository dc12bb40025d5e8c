"""The callback protocol, its container, and the callbacks every ``fit`` uses.

Batch logs handed to callbacks are a :class:`keras.training.lazy_logs.LazyLogs`
whose values may be 0-d device tensors.  The loggers here add those tensors up
with tensor arithmetic (:func:`keras.training.lazy_logs.peek`) and turn them into
Python floats only when a number is shown or an epoch ends, so a training step
never waits for the device because of them.
"""
import collections
import time
import warnings

import numpy as np
import torch

from keras.training.lazy_logs import peek
from keras.training.metric_aliases import AliasedDict
from keras.utils import progbar as progbar_module
from keras.utils.progbar import Progbar

__all__ = ['Callback', 'CallbackList', 'BaseLogger', 'TerminateOnNaN', 'ProgbarLogger',
           'History', 'LambdaCallback', 'configure_callbacks']

_TRAIN = 'train'
_TEST = 'test'
_PREDICT = 'predict'
_MODES = (_TRAIN, _TEST, _PREDICT)


def _to_python(value):
    """A tensor as a Python float (or NumPy array); anything else unchanged."""
    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.numel() == 1:
            return float(value.reshape(()).item())
        return value.cpu().numpy()
    return value


def _raw(value):
    """A value ready for device-side accumulation: detached, float32 or wider."""
    if isinstance(value, torch.Tensor):
        if value.requires_grad:
            value = value.detach()
        if value.dtype is not torch.float32 and value.dtype is not torch.float64:
            value = value.float()
    return value


def _accumulate(totals, key, value, weight):
    """``totals[key] += value * weight``, in place (one device op) for tensors."""
    total = totals.get(key)
    if total is None:
        totals[key] = value * weight  # a new tensor, owned by ``totals``
    elif isinstance(total, torch.Tensor) and isinstance(value, torch.Tensor):
        total.add_(value, alpha=weight)
    else:
        totals[key] = total + value * weight


def _median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return 0.5 * (ordered[mid - 1] + ordered[mid])


# Batch hooks whose default calls an older hook (``on_train_batch_end`` calls
# ``on_batch_end``): a callback overriding either one must be called.
_DELEGATED_HOOKS = {'on_train_batch_begin': 'on_batch_begin',
                    'on_train_batch_end': 'on_batch_end'}


def _overrides(callback, hook_name):
    """Whether ``callback.hook_name`` may do more than :class:`Callback`'s no-op
    (a method of its class, or a function set on the instance as
    ``LambdaCallback`` does, or one a custom attribute lookup may supply)."""
    cls = type(callback)
    if cls.__getattribute__ is not object.__getattribute__ or hasattr(cls, '__getattr__'):
        return True
    for name in (hook_name, _DELEGATED_HOOKS.get(hook_name)):
        if name is None:
            continue
        if name in getattr(callback, '__dict__', ()):
            return True
        if getattr(type(callback), name, None) is not getattr(Callback, name):
            return True
    return False


class Callback(object):
    """Base class of callbacks: hooks called at points of training.

    Attributes:
        params: dict of training parameters (``'epochs'``, ``'steps'``,
            ``'samples'``, ``'verbose'``, ``'do_validation'``, ``'metrics'``...).
        model: the model being trained.

    ``on_epoch_end`` logs hold ``'loss'``, the metrics and, when validation
    ran, their ``'val_'`` counterparts.  Batch logs hold ``'batch'``,
    ``'size'`` and, at the end of a batch, ``'loss'`` and the metrics.
    """

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        """Kept for older code: called by ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """Kept for older code: called by ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of training epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of training epoch ``epoch`` with its results."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before a training batch; ``logs`` has ``'batch'`` and ``'size'``."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after a training batch with its results."""
        self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before a batch of ``evaluate`` (or of validation in ``fit``)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after a batch of ``evaluate`` (or of validation in ``fit``)."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a batch of ``predict``."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after a batch of ``predict``."""

    def on_train_begin(self, logs=None):
        """Called once when training starts."""

    def on_train_end(self, logs=None):
        """Called once when training ends."""

    def on_test_begin(self, logs=None):
        """Called when evaluation (or validation) starts."""

    def on_test_end(self, logs=None):
        """Called when evaluation (or validation) ends."""

    def on_predict_begin(self, logs=None):
        """Called when prediction starts."""

    def on_predict_end(self, logs=None):
        """Called when prediction ends."""


class CallbackList(object):
    """Calls a list of callbacks in order.

    Args:
        callbacks: list of :class:`Callback` instances.
        queue_length: how many recent hook timings are kept to detect callbacks
            that are slow compared to the batch itself.
    """

    def __init__(self, callbacks=None, queue_length=10):
        self.callbacks = list(callbacks or [])
        self.queue_length = queue_length
        self.params = {}
        self.model = None
        self._reset_batch_timing()

    def _reset_batch_timing(self):
        self._delta_t_batch = 0.
        self._delta_ts = collections.defaultdict(
            lambda: collections.deque([], maxlen=self.queue_length))

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def add_metric_names(self, names):
        """Metrics that first appeared during training (``add_metric`` inside a
        layer's ``call``): show and record them like the compiled ones."""
        metrics = self.params.get('metrics')
        if metrics is None:
            return
        for name in names:
            if name not in metrics:
                metrics.append(name)
                if self.params.get('do_validation'):
                    metrics.append('val_' + name)
        for callback in self.callbacks:
            if isinstance(getattr(callback, 'stateful_metrics', None), set):
                callback.stateful_metrics.update(names)
            wanted = getattr(callback, '_wanted', None)
            if isinstance(wanted, set):
                wanted.update(names)
            progbar = getattr(callback, 'progbar', None)
            if progbar is not None and hasattr(progbar, 'stateful_metrics'):
                progbar.stateful_metrics = set(progbar.stateful_metrics) | set(names)

    def _call_batch_hook(self, mode, hook, batch, logs=None):
        """Run ``on_{mode}_batch_{hook}`` of every callback, timing it.

        Callbacks that leave the hook as :class:`Callback`'s no-op are skipped
        (most batch hooks of most callbacks), so an idle hook costs nothing.
        """
        if not self.callbacks:
            return
        hook_name = 'on_%s_batch_%s' % (mode, hook)
        active = self._active(hook_name)
        if not active:
            if hook == 'begin':
                self._t_enter_batch = time.time()
            return
        if hook == 'end':
            if not hasattr(self, '_t_enter_batch'):
                self._t_enter_batch = time.time()
            self._delta_t_batch = time.time() - self._t_enter_batch
        if logs is None:
            logs = {}
        t_before = time.time()
        for callback in active:
            getattr(callback, hook_name)(batch, logs)
        timings = self._delta_ts[hook_name]
        timings.append(time.time() - t_before)
        median = _median(timings)
        if (self._delta_t_batch > 0. and median > 0.95 * self._delta_t_batch
                and median > 0.1):
            warnings.warn('Method (%s) is slow compared to the batch update (%f). '
                          'Check your callbacks.' % (hook_name, median), RuntimeWarning)
        if hook == 'begin':
            self._t_enter_batch = time.time()

    def wants_batch_hook(self, mode, hook):
        """Whether some callback does something in ``on_{mode}_batch_{hook}``
        (so a loop builds that hook's logs only when they are read)."""
        return bool(self.callbacks) and bool(self._active('on_%s_batch_%s' % (mode, hook)))

    def _active(self, hook_name):
        """The callbacks whose ``hook_name`` does something (cached)."""
        # (an attribute set on an instance later, e.g. ``cb.on_batch_end = f``,
        # changes the size of its ``__dict__`` and so the key)
        key = tuple((id(c), len(getattr(c, '__dict__', ()))) for c in self.callbacks)
        cache = self.__dict__.setdefault('_active_hooks', {})
        entry = cache.get(hook_name)
        if entry is None or entry[0] != key:
            entry = (key, [c for c in self.callbacks if _overrides(c, hook_name)])
            cache[hook_name] = entry
        return entry[1]

    def _call_begin_hook(self, mode):
        """``on_train_begin``, ``on_test_begin`` or ``on_predict_begin``."""
        getattr(self, 'on_%s_begin' % mode)()

    def _call_end_hook(self, mode):
        """``on_train_end``, ``on_test_end`` or ``on_predict_end``."""
        getattr(self, 'on_%s_end' % mode)()

    def _call_hook(self, name, *args):
        for callback in self.callbacks:
            getattr(callback, name)(*args)

    def on_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'begin', batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'end', batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        """Call ``on_epoch_begin`` of every callback (training only)."""
        self._call_hook('on_epoch_begin', epoch, logs if logs is not None else {})
        self._reset_batch_timing()

    def on_epoch_end(self, epoch, logs=None):
        """Call ``on_epoch_end``; ``logs`` holds the epoch's (and ``val_``) results."""
        self._call_hook('on_epoch_end', epoch, logs if logs is not None else {})

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'begin', batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch_hook(_TRAIN, 'end', batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_TEST, 'begin', batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch_hook(_TEST, 'end', batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch_hook(_PREDICT, 'begin', batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch_hook(_PREDICT, 'end', batch, logs)

    def on_train_begin(self, logs=None):
        self._call_hook('on_train_begin', logs)

    def on_train_end(self, logs=None):
        self._call_hook('on_train_end', logs)

    def on_test_begin(self, logs=None):
        self._call_hook('on_test_begin', logs)

    def on_test_end(self, logs=None):
        self._call_hook('on_test_end', logs)

    def on_predict_begin(self, logs=None):
        self._call_hook('on_predict_begin', logs)

    def on_predict_end(self, logs=None):
        self._call_hook('on_predict_end', logs)

    def __iter__(self):
        return iter(self.callbacks)


class BaseLogger(Callback):
    """Averages the batch values of each metric over an epoch.

    Every ``fit`` adds one.  At the end of an epoch it writes into the epoch
    logs, for each name in ``params['metrics']`` seen in the batch logs and
    not already there, the average weighted by batch ``'size'`` (or the last
    value, for names in ``stateful_metrics``).  With several processes the
    loop puts the values merged over all ranks there first.

    Args:
        stateful_metrics: names whose batch values are already running values
            and are reported as they are.
    """

    def __init__(self, stateful_metrics=None):
        super(BaseLogger, self).__init__()
        self.stateful_metrics = set(stateful_metrics or ())

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}
        self._wanted = self.params.get('metrics')
        if self._wanted is not None:
            self._wanted = set(self._wanted)

    def on_batch_end(self, batch, logs=None):
        if not logs:
            return
        size = peek(logs, 'size', 0)
        if isinstance(size, torch.Tensor):
            size = int(size)
        self.seen += size
        for key in dict.keys(logs):
            if key in ('batch', 'size') or (self._wanted is not None and key not in self._wanted):
                continue
            value = _raw(peek(logs, key))
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                _accumulate(self.totals, key, value, size)

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for key in self.params['metrics']:
            if key not in self.totals or key in logs:
                continue  # (values the loop put there, e.g. merged over all ranks, win)
            total = _to_python(self.totals[key])
            if key in self.stateful_metrics:
                logs[key] = total
            else:
                logs[key] = total / self.seen if self.seen else float('nan')


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch loss is NaN or infinite.

    It reads the loss of every batch, so each batch waits for the device.
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get('loss')
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print('Batch %d: Invalid loss, terminating training' % batch)
            self.model.stop_training = True


class ProgbarLogger(Callback):
    """Prints the progress bar and the metrics of each epoch on stdout.

    The output is Keras 2.3.1's.  Batch values are added up on the device and
    read back only when the bar redraws (at most every ``Progbar.interval``
    seconds, and at the end of the epoch).

    Args:
        count_mode: ``'samples'`` or ``'steps'``: what the bar counts.
        stateful_metrics: names shown as given instead of averaged over the
            epoch.

    Raises:
        ValueError: for an unknown ``count_mode``.
    """

    def __init__(self, count_mode='samples', stateful_metrics=None):
        super(ProgbarLogger, self).__init__()
        if count_mode == 'samples':
            self.use_steps = False
        elif count_mode == 'steps':
            self.use_steps = True
        else:
            raise ValueError('Unknown `count_mode`: ' + str(count_mode))
        self.stateful_metrics = set(stateful_metrics or ())

    def on_train_begin(self, logs=None):
        self.verbose = self.params['verbose']
        self.epochs = self.params['epochs']

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self._seen_at_update = 0  # where Keras 2.3.1 last called Progbar.update
        self._names = collections.OrderedDict()  # shown names, first-seen order
        self._sums, self._counts, self._last = {}, {}, {}
        self.target = self.params.get('steps' if self.use_steps else 'samples')
        if self.verbose:
            print('Epoch %d/%d' % (epoch + 1, self.epochs))
            # Every value is handed over already averaged: mark all as stateful.
            shown = set(self.params.get('metrics', ())) | self.stateful_metrics
            self.progbar = Progbar(target=self.target, verbose=self.verbose,
                                   stateful_metrics=shown)

    def _add(self, key, value, weight):
        self._names[key] = True
        if key in self.stateful_metrics:
            self._last[key] = value
        else:
            _accumulate(self._sums, key, value, weight)
            self._counts[key] = self._counts.get(key, 0) + weight

    def _values(self):
        values = []
        for key in self._names:
            if key in self._last:
                values.append((key, _to_python(self._last[key])))
            else:
                total = _to_python(self._sums[key])
                values.append((key, total / max(1, self._counts[key])))
        return values

    def _redraw_due(self):
        if self.verbose != 1:
            return False  # verbose=2 prints only at the end of the epoch
        if self.target is None:
            return True
        bar = self.progbar
        return progbar_module._clock() - bar._last_update >= bar.interval

    def on_batch_end(self, batch, logs=None):
        if not self.verbose:
            return
        logs = logs or {}
        size = peek(logs, 'size', 0)
        step = 1 if self.use_steps else int(size)
        self.seen += step
        for key in self.params['metrics']:
            if key in logs:
                self._add(key, _raw(peek(logs, key)), step)
        # As in Keras 2.3.1, the last batch is drawn by on_epoch_end.
        if self.target is None or self.seen < self.target:
            self._seen_at_update = self.seen
            if self._redraw_due():
                self.progbar.update(self.seen, self._values())

    def on_epoch_end(self, epoch, logs=None):
        if not self.verbose:
            return
        logs = logs or {}
        # Keras 2.3.1 appends the epoch values to the last batch's values and
        # hands both to the bar, weighted by the steps since its last update.
        weight = self.seen - self._seen_at_update
        for key in self.params['metrics']:
            if key in logs:
                self._add(key, _raw(logs[key]), weight)
        self.progbar.update(self.seen, self._values())


class History(Callback):
    """Records the epoch logs; ``fit`` returns it.

    Attributes:
        epoch: list of epoch indices seen.
        history: dict mapping each log name to the list of its epoch values.
    """

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = AliasedDict()  # (answers to Keras 1/2.2 names: 'acc', 'val_acc')

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        self.history.aliases = getattr(logs, 'aliases', None) or self.history.aliases
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(_to_python(value))


class LambdaCallback(Callback):
    """A callback made of plain functions.

    Args:
        on_epoch_begin, on_epoch_end: called as ``f(epoch, logs)``.
        on_batch_begin, on_batch_end: called as ``f(batch, logs)``.
        on_train_begin, on_train_end: called as ``f(logs)``.
        **kwargs: other hooks (e.g. ``on_test_batch_end``) set as given.

    Example:
        >>> printer = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super(LambdaCallback, self).__init__()
        self.__dict__.update(kwargs)
        two_args = lambda step, logs: None  # noqa: E731
        one_arg = lambda logs: None  # noqa: E731
        self.on_epoch_begin = on_epoch_begin or two_args
        self.on_epoch_end = on_epoch_end or two_args
        self.on_batch_begin = on_batch_begin or two_args
        self.on_batch_end = on_batch_end or two_args
        self.on_train_begin = on_train_begin or one_arg
        self.on_train_end = on_train_end or one_arg


def _check_callbacks(callbacks):
    callbacks = list(callbacks or [])
    for callback in callbacks:
        if not hasattr(callback, 'set_model') or isinstance(callback, type):
            raise TypeError('`callbacks` must be a list of Callback instances '
                            '(e.g. `EarlyStopping()`); got %r.' % (callback,))
    return callbacks


def configure_callbacks(callbacks, model, do_validation=False, batch_size=None, epochs=None,
                        steps_per_epoch=None, samples=None, verbose=1, count_mode=None,
                        mode=_TRAIN):
    """Build the :class:`CallbackList` a ``fit``/``evaluate``/``predict`` loop drives.

    In ``'train'`` mode, as Keras 2.3.1's ``fit``: a ``BaseLogger``, a
    ``ProgbarLogger`` when ``verbose``, the user's callbacks, then a fresh
    ``History`` stored as ``model.history``.  In ``'test'`` and ``'predict'``
    mode only the user's callbacks.  An existing ``CallbackList`` (validation
    inside ``fit``) is returned unchanged.

    Args:
        callbacks: list of callbacks, ``None``, or a ``CallbackList``.
        model: the model (its ``_get_callback_model()`` when it has one is
            what callbacks see); ``model.metrics_names`` names the metrics.
        do_validation: whether ``val_`` metrics will be reported.
        batch_size, epochs, steps_per_epoch, samples, verbose: put in ``params``.
        count_mode: ``'steps'`` or ``'samples'`` for the progress bar; by
            default ``'steps'`` when ``steps_per_epoch`` is given.
        mode: ``'train'``, ``'test'`` or ``'predict'``.

    Returns:
        A ``CallbackList`` with model and params set and
        ``model.stop_training`` reset to ``False``.
    """
    if isinstance(callbacks, CallbackList):
        return callbacks
    if mode not in _MODES:
        raise ValueError('`mode` must be one of %s; got %r.' % (_MODES, mode))
    callbacks = _check_callbacks(callbacks)
    names = list(getattr(model, 'metrics_names', None) or [])
    params = {'batch_size': batch_size, 'steps': steps_per_epoch, 'samples': samples,
              'verbose': verbose}
    if mode == _TRAIN:
        if count_mode is None:
            count_mode = 'steps' if steps_per_epoch is not None else 'samples'
        model.history = History()
        loggers = [BaseLogger(stateful_metrics=names[1:])]
        if verbose:
            loggers.append(ProgbarLogger(count_mode, stateful_metrics=names[1:]))
        callbacks = loggers + callbacks + [model.history]
        metrics = names + (['val_' + n for n in names] if do_validation else [])
        params.update(epochs=epochs, do_validation=do_validation, metrics=metrics)
    elif mode == _TEST:
        params['metrics'] = names
    callback_list = CallbackList(callbacks)
    callback_list.set_model(_callback_model(model))
    callback_list.set_params(params)
    # (set only when needed: a layer's ``__setattr__`` is not free)
    if getattr(callback_list.model, '__dict__', {}).get('stop_training') is not False:
        callback_list.model.stop_training = False
    return callback_list


def _callback_model(model):
    """``model._get_callback_model()`` where the model has one, else ``model``.

    (Looked up in the instance and its class only: a miss through a layer's
    ``__getattr__`` costs more than the rest of a one-sample ``predict`` setup.)
    """
    get = getattr(model, '__dict__', {}).get('_get_callback_model') or \
        getattr(type(model), '_get_callback_model', None)
    if get is None:
        return model
    return model._get_callback_model()
