"""The loops behind ``fit``, ``evaluate`` and ``predict`` and their generator
forms: :func:`fit_loop`, :func:`test_loop` and :func:`predict_loop`.

Batches come from a batch source (arrays or generators); each batch runs the
step of the model's :class:`~keras.training.compiled_state.CompiledState`
(read at each batch: a generator's first batch may finish a deferred
``compile``, and a callback may recompile the model); callbacks get logs
whose tensor values are read only when a callback asks for them (the
progress bar, at its refresh rate).
"""
import torch

from keras import distribute
from keras.backend import session as K_session
from keras.distribute import collectives, training_sync
from keras.training import inference_grad
from keras.training.lazy_logs import LazyLogs
from keras.training.metric_aliases import AliasedDict
from keras.training.steps import predict_step

__all__ = ['fit_loop', 'test_loop', 'predict_loop', 'predict_batch', 'joined_outputs',
           'should_run_validation']


def should_run_validation(validation_freq, epoch):
    """Whether validation runs after (0-based) ``epoch``."""
    one_indexed = epoch + 1
    if isinstance(validation_freq, int):
        if validation_freq < 1:
            raise ValueError('`validation_freq` can not be less than 1.')
        return one_indexed % validation_freq == 0
    if not isinstance(validation_freq, (list, tuple, set)):
        raise ValueError('`validation_freq` must be an Integer or `collections.Container` '
                         '(e.g. list, tuple, etc.)')
    return one_indexed in validation_freq


def _batch_logs(step, rows, names, total, metric_values, aliases=None):
    logs = LazyLogs(batch=step, size=rows)
    logs.aliases = aliases
    logs['loss'] = total
    for name, value in zip(names[1:], metric_values):
        logs[name] = value
    return logs


def fit_loop(model, state, source, epochs, initial_epoch, callbacks, val_run=None,
             validation_freq=1, sequence=None):
    """Train over ``source`` for ``epochs``; returns ``model.history``.

    Args:
        state: the model's ``CompiledState``.
        source: an ArraySource or GeneratorSource.
        val_run: ``None`` or a function returning the validation values (in
            ``metrics_names`` order) at the end of an epoch.
        sequence: a ``Sequence`` read without workers (its ``on_epoch_end`` is
            called here).

    With several processes the ranks start from rank 0's weights, merge the
    epoch's loss and metrics before the callbacks see them, stop together
    (at the end of an epoch) when any rank asks to, and share rank 0's
    non-trainable weights after each epoch.
    """
    distributed = distribute.is_distributed()
    model.stop_training = False
    model.train(True)
    broadcast = distributed  # done before the first step (the model is built)
    callbacks.on_train_begin()
    # BackupAndRestore sets where an interrupted run stopped.
    initial_epoch = max(initial_epoch, model.__dict__.pop('_resume_from_epoch', 0))
    try:
        for epoch in range(initial_epoch, epochs):
            model.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            epoch_logs, broadcast = _train_epoch(model, state, source, callbacks, distributed,
                                                 broadcast)
            epoch_logs = AliasedDict(epoch_logs)
            epoch_logs.aliases = state.metric_aliases
            if sequence is not None:
                sequence.on_epoch_end()
            if distributed:
                training_sync.broadcast_model_state(model)
            if val_run is not None and should_run_validation(validation_freq, epoch):
                values = val_run()
                for name, value in zip(model.metrics_names, values):
                    epoch_logs['val_' + name] = value
                model.train(True)
            callbacks.on_epoch_end(epoch, epoch_logs)
            if distributed:
                model.stop_training = collectives.any_rank(model.stop_training)
            if model.stop_training:
                break
            _new_epoch_steps(source, callbacks)
    finally:
        close = getattr(source, 'close', None)
        if close is not None:
            close()
    callbacks.on_train_end()
    return model.history


def _new_epoch_steps(source, callbacks):
    """A ``Sequence`` read whole may change its length after an epoch: read
    it again and tell the callbacks (``params['steps']``), as Keras 2.3.1."""
    end_epoch = getattr(source, 'end_epoch', None)
    steps = end_epoch() if end_epoch is not None else None
    if steps is not None:
        callbacks.set_params(dict(callbacks.params, steps=steps))


def _train_epoch(model, state, source, callbacks, distributed, broadcast):
    """One pass over ``source``; returns the epoch logs the loop fills in (the
    merged training values when ``distributed``, else nothing: ``BaseLogger``
    averages the batch logs), and whether rank 0's state is still to be
    broadcast (``broadcast``: before the next step)."""
    loss_sum, seen = 0., 0
    known = len(model.metrics_names)
    for step, (xs, ys, sws, rows, total_rows) in enumerate(source.epoch()):
        # (read per batch: a generator's first batch may finish a deferred compile)
        steps = state.steps
        if broadcast:
            training_sync.broadcast_training_state(model, steps)
            broadcast = False
        logs = LazyLogs(batch=step, size=rows)
        callbacks.on_batch_begin(step, logs)
        total, _ = steps.train(xs, ys, sws, rows, total_rows)
        if len(model.metrics_names) != known:  # add_metric inside a layer's call
            callbacks.add_metric_names(model.metrics_names[known:])
            known = len(model.metrics_names)
        logs = _batch_logs(step, rows, model.metrics_names, total, steps.metric_values(),
                           state.metric_aliases)
        callbacks.on_batch_end(step, logs)
        if distributed:
            loss_sum = loss_sum + total * rows
            seen += rows
        elif model.stop_training:
            break  # with several ranks, stopping waits for the end of the epoch
    if not distributed:
        return {}, broadcast
    steps = state.steps
    loss_sum, seen = training_sync.reduce_loss(steps, loss_sum, seen)
    names = model.metrics_names
    epoch_logs = {names[0]: float(loss_sum.item()) / max(seen, 1.)}
    for name, value in zip(names[1:], steps.metric_values()):
        epoch_logs[name] = float(value.detach().reshape(()).item())
    return epoch_logs, broadcast


def test_loop(model, state, source, callbacks=None, progbar=None, count_samples=True,
              close_source=True):
    """Loss (averaged over samples) and metric values over ``source``
    (closed at the end unless ``close_source`` is False: a source that
    validates every epoch keeps its workers).

    With several processes each rank reads its shard and the sums behind the
    loss and the metrics are merged, so every rank returns the values over
    the whole data.

    Returns a list of floats in ``metrics_names`` order.
    """
    model.reset_metrics()
    model.train(False)
    total_sum = 0.
    seen = 0
    if callbacks is not None:
        callbacks.on_test_begin()
    try:
        for step, (xs, ys, sws, rows, _) in enumerate(source.epoch()):
            if callbacks is not None:
                callbacks.on_test_batch_begin(step, LazyLogs(batch=step, size=rows))
            steps = state.steps
            total = torch.zeros(())
            if rows:
                total, _ = steps.test(xs, ys, sws)
                total_sum = total_sum + total * rows
                seen += rows
            if callbacks is not None:
                logs = None
                if callbacks.wants_batch_hook('test', 'end'):
                    logs = _batch_logs(step, rows, model.metrics_names, total,
                                       steps.metric_values(), state.metric_aliases)
                callbacks.on_test_batch_end(step, logs)
            if progbar is not None:
                progbar.update(seen if count_samples else step + 1)
    finally:
        close = getattr(source, 'close', None)
        if close is not None and close_source:
            close()
    if distribute.is_distributed():
        total_sum, seen = training_sync.reduce_loss(state.steps, total_sum, seen)
    if not seen:
        raise ValueError('No data to evaluate: the input has 0 samples (or `steps` is 0).')
    values = [total_sum / max(seen, 1)] + state.steps.metric_values()
    result = [float(v.detach().reshape(()).item()) if isinstance(v, torch.Tensor) else float(v)
              for v in values]
    if callbacks is not None:
        callbacks.on_test_end()
    return result


def predict_loop(model, batches, callbacks=None, progbar=None, count_samples=True):
    """The model's outputs in inference mode, batch after batch.

    Args:
        batches: an iterable of batches, each the list of the model's input
            tensors on its device, or None for a step this process has no
            batch for (several processes).
        callbacks: a ``CallbackList`` in ``'predict'`` mode, or None.
        progbar: a ``Progbar`` advanced by samples (``count_samples``) or by steps.

    Returns:
        None without batches, else per output the list of its batches'
        detached tensors (see :func:`joined_outputs` and :func:`predict_batch`).
    """
    model.train(False)
    if callbacks is not None:
        callbacks.on_predict_begin()
    outs = None
    seen = 0
    with K_session.learning_phase_scope(0):
        for step, batch in enumerate(batches):
            if batch is None:
                continue
            rows = batch[0].shape[0]
            if callbacks is not None:
                callbacks.on_predict_batch_begin(step, {'batch': step, 'size': rows})
            y = predict_batch(model, batch)
            if outs is None:
                outs = [[] for _ in y]
            for acc, t in zip(outs, y):
                acc.append(t)
            if callbacks is not None:
                _predict_batch_end(callbacks, step, rows, y)
            seen += rows
            if progbar is not None:
                progbar.update(seen if count_samples else step + 1)
    if callbacks is not None:
        callbacks.on_predict_end()
    return outs


def predict_batch(model, batch):
    """The model's detached outputs for one batch (in the caller's mode and
    learning phase: see :func:`predict_loop`).  An output that shares memory
    with the batch's inputs (a model returning a view of ``x``) is copied, so
    no result aliases the caller's data."""
    device = batch[0].device
    y = inference_grad.run(model, lambda: predict_step(model, batch, device))
    fed = None
    outs = []
    for t in y:
        t = t.detach()
        if t.dim() and t.device.type == 'cpu':
            if fed is None:
                fed = set(b.untyped_storage().data_ptr() for b in batch if b is not None)
            if t.untyped_storage().data_ptr() in fed:
                t = t.clone()
        outs.append(t)
    return outs


def joined_outputs(outs):
    """One NumPy array per output from :func:`predict_loop`'s batches (one
    batch's tensor is returned without a copy)."""
    joined = []
    for batches in outs:
        if not batches[0].dim():
            joined.append(torch.stack(batches).cpu().numpy())
        elif len(batches) > 1:
            joined.append(torch.cat(batches, dim=0).cpu().numpy())
        else:
            joined.append(batches[0].cpu().numpy())
    return joined


def _predict_batch_end(callbacks, step, rows, outputs):
    """``on_predict_batch_end`` with Keras 2.3.1's logs (``'outputs'``: the
    batch's predictions as NumPy arrays, read only when a callback wants them)."""
    logs = None
    if callbacks.wants_batch_hook('predict', 'end'):
        logs = {'batch': step, 'size': rows,
                'outputs': [t.detach().cpu().numpy() for t in outputs]}
    callbacks.on_predict_batch_end(step, logs)
