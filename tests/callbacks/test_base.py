import numpy as np
import pytest
import torch

from keras import callbacks as cbks
from keras.callbacks.base import CallbackList, configure_callbacks
from keras.training import lazy_logs
from keras.training.lazy_logs import LazyLogs
from keras.utils.progbar import Progbar


class Recorder(cbks.Callback):
    def __init__(self):
        super(Recorder, self).__init__()
        self.calls = []

    def __getattribute__(self, name):
        attr = object.__getattribute__(self, name)
        if name.startswith('on_') and callable(attr):
            calls = object.__getattribute__(self, 'calls')

            def wrapper(*args):
                calls.append(name)
                return attr(*args)
            return wrapper
        return attr


def test_callback_list_dispatches_every_hook_in_order(model):
    first, second = Recorder(), Recorder()
    callbacks = CallbackList([first, second])
    callbacks.set_model(model)
    callbacks.set_params({'epochs': 1})
    assert first.model is model and second.params == {'epochs': 1}
    callbacks._call_begin_hook('train')
    callbacks.on_epoch_begin(0)
    callbacks.on_batch_begin(0, {'batch': 0, 'size': 1})
    callbacks.on_train_batch_end(0, {'batch': 0, 'size': 1})
    callbacks.on_test_batch_begin(0)
    callbacks.on_test_batch_end(0)
    callbacks.on_predict_batch_begin(0)
    callbacks.on_predict_batch_end(0)
    callbacks.on_epoch_end(0, {})
    callbacks._call_end_hook('train')
    for mode in ('test', 'predict'):
        callbacks._call_begin_hook(mode)
        callbacks._call_end_hook(mode)
    expected = ['on_train_begin', 'on_epoch_begin',
                'on_train_batch_begin', 'on_batch_begin', 'on_train_batch_end', 'on_batch_end',
                'on_test_batch_begin', 'on_test_batch_end',
                'on_predict_batch_begin', 'on_predict_batch_end', 'on_epoch_end',
                'on_train_end', 'on_test_begin', 'on_test_end', 'on_predict_begin',
                'on_predict_end']
    assert first.calls == expected and second.calls == expected
    assert list(callbacks) == [first, second]


def test_base_logger_weights_loss_by_size_and_keeps_stateful(model, batch_logs, reads):
    logger = cbks.BaseLogger(stateful_metrics=['acc'])
    logger.set_model(model)
    logger.set_params({'metrics': ['loss', 'acc', 'val_loss']})
    logger.on_epoch_begin(0)
    losses, accs, sizes = [0.5, 0.25, 1.0], [0.5, 0.625, 0.75], [4, 4, 2]
    for i, (loss, acc, size) in enumerate(zip(losses, accs, sizes)):
        logger.on_batch_end(i, batch_logs(i, size, loss=loss, acc=acc))
    assert reads.reads == 0
    logs = {'val_loss': 0.125}
    logger.on_epoch_end(0, logs)
    expected = np.dot(losses, sizes) / np.sum(sizes)
    assert logs['loss'] == pytest.approx(expected)
    assert logs['acc'] == 0.75 and logs['val_loss'] == 0.125
    assert all(type(v) is float for v in logs.values())


def test_history_records_epoch_logs(model):
    history = cbks.History()
    history.set_model(model)
    history.on_train_begin()
    history.on_epoch_end(0, {'loss': 1.0, 'val_loss': 2.0})
    history.on_epoch_end(1, {'loss': 0.5, 'val_loss': 1.5})
    assert history.epoch == [0, 1]
    assert history.history == {'loss': [1.0, 0.5], 'val_loss': [2.0, 1.5]}
    history.on_train_begin()
    assert history.history == {} and history.epoch == []


def test_lambda_callback_calls_given_functions(model):
    seen = []
    callback = cbks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(('eb', e)),
                                   on_epoch_end=lambda e, logs: seen.append(('ee', e)),
                                   on_batch_begin=lambda b, logs: seen.append(('bb', b)),
                                   on_batch_end=lambda b, logs: seen.append(('be', b)),
                                   on_train_begin=lambda logs: seen.append('tb'),
                                   on_train_end=lambda logs: seen.append('te'),
                                   on_test_begin=lambda logs: seen.append('xb'))
    callbacks = CallbackList([callback])
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(3)
    callbacks.on_train_batch_begin(1, {})
    callbacks.on_train_batch_end(1, {})
    callbacks.on_epoch_end(3, {})
    callbacks.on_train_end()
    callbacks.on_test_begin()
    assert seen == ['tb', ('eb', 3), ('bb', 1), ('be', 1), ('ee', 3), 'te', 'xb']
    cbks.LambdaCallback().on_epoch_end(0, {})  # defaults do nothing


def test_terminate_on_nan(model, batch_logs, capsys):
    callback = cbks.TerminateOnNaN()
    callback.set_model(model)
    callback.on_batch_end(0, batch_logs(0, 2, loss=0.5))
    assert not model.stop_training
    callback.on_batch_end(7, batch_logs(7, 2, loss=float('inf')))
    assert model.stop_training
    assert capsys.readouterr().out == 'Batch 7: Invalid loss, terminating training\n'
    model.stop_training = False
    callback.on_batch_end(8, {'loss': float('nan')})
    assert model.stop_training


def test_configure_callbacks_for_fit(model):
    user = Recorder()
    callbacks = configure_callbacks([user], model, do_validation=True, batch_size=32, epochs=3,
                                    samples=100, verbose=1)
    kinds = [type(c) for c in callbacks]
    assert kinds == [cbks.BaseLogger, cbks.ProgbarLogger, Recorder, cbks.History]
    assert callbacks.callbacks[-1] is model.history
    assert callbacks.callbacks[0].stateful_metrics == {'acc'}
    assert callbacks.callbacks[1].stateful_metrics == {'acc'}
    assert not callbacks.callbacks[1].use_steps
    assert user.model is model and model.stop_training is False
    assert user.params == {'batch_size': 32, 'epochs': 3, 'steps': None, 'samples': 100,
                           'verbose': 1, 'do_validation': True,
                           'metrics': ['loss', 'acc', 'val_loss', 'val_acc']}
    quiet = configure_callbacks(None, model, epochs=1, steps_per_epoch=5, verbose=0)
    assert [type(c) for c in quiet] == [cbks.BaseLogger, cbks.History]
    assert quiet.params['metrics'] == ['loss', 'acc'] and quiet.params['steps'] == 5
    steps = configure_callbacks(None, model, epochs=1, steps_per_epoch=5, verbose=2)
    assert steps.callbacks[1].use_steps
    assert configure_callbacks(callbacks, model, mode='test') is callbacks


def test_configure_callbacks_for_evaluate_and_predict(model):
    class Wrapper(object):
        metrics_names = ['loss']
        stop_training = True

        def _get_callback_model(self):
            return model

    user = Recorder()
    test = configure_callbacks([user], Wrapper(), batch_size=8, samples=10, verbose=0,
                               mode='test')
    assert test.callbacks == [user] and user.model is model
    assert user.params == {'batch_size': 8, 'steps': None, 'samples': 10, 'verbose': 0,
                           'metrics': ['loss']}
    configure_callbacks([user], model, steps_per_epoch=3, mode='predict')
    assert user.params == {'batch_size': None, 'steps': 3, 'samples': None, 'verbose': 1}
    with pytest.raises(ValueError, match='mode'):
        configure_callbacks([], model, mode='fit')
    with pytest.raises(TypeError, match='Callback instances'):
        configure_callbacks([cbks.EarlyStopping], model)


def test_configure_callbacks_on_a_keras_model_resets_stop_training_and_finds_callback_model():
    from keras.layers import Dense
    from keras.models import Sequential
    net = Sequential([Dense(2, input_shape=(3,))])
    net.stop_training = True
    user = Recorder()
    configure_callbacks([user], net, mode='predict')
    assert net.stop_training is False and user.model is net
    other = Sequential([Dense(1, input_shape=(2,))])
    net._get_callback_model = lambda: other  # (set on the instance)
    configure_callbacks([user], net, mode='predict')
    assert user.model is other and other.stop_training is False


def test_progbar_logger_rejects_unknown_count_mode():
    with pytest.raises(ValueError, match='Unknown `count_mode`: epochs'):
        cbks.ProgbarLogger('epochs')


class Keras231ProgbarLogger(cbks.Callback):
    """Keras 2.3.1's ProgbarLogger: updates the bar with float values every batch."""

    def __init__(self, count_mode, stateful_metrics):
        super(Keras231ProgbarLogger, self).__init__()
        self.use_steps = count_mode == 'steps'
        self.stateful_metrics = set(stateful_metrics)

    def on_train_begin(self, logs=None):
        self.verbose, self.epochs = self.params['verbose'], self.params['epochs']

    def on_epoch_begin(self, epoch, logs=None):
        print('Epoch %d/%d' % (epoch + 1, self.epochs))
        self.target = self.params['steps' if self.use_steps else 'samples']
        self.progbar = Progbar(target=self.target, verbose=self.verbose,
                               stateful_metrics=self.stateful_metrics)
        self.seen = 0

    def on_batch_begin(self, batch, logs=None):
        if self.seen < self.target:
            self.log_values = []

    def on_batch_end(self, batch, logs=None):
        self.seen += 1 if self.use_steps else logs['size']
        self.log_values += [(k, logs[k]) for k in self.params['metrics'] if k in logs]
        if self.seen < self.target:
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs=None):
        self.log_values += [(k, logs[k]) for k in self.params['metrics'] if k in logs]
        self.progbar.update(self.seen, self.log_values)


def _drive(progbar_logger, clock, params, epochs, make_logs):
    """Run a fit-like loop; ``epochs`` is a list of (batches, epoch_logs, ticks)."""
    callbacks = CallbackList([cbks.BaseLogger(stateful_metrics=['acc']), progbar_logger])
    callbacks.set_params(params)
    callbacks.on_train_begin()
    for epoch, (batches, epoch_logs, ticks) in enumerate(epochs):
        callbacks.on_epoch_begin(epoch)
        for i, ((size, loss, acc), tick) in enumerate(zip(batches, ticks)):
            callbacks.on_train_batch_begin(i, {'batch': i, 'size': size})
            clock.now += tick
            callbacks.on_train_batch_end(i, make_logs(i, size, loss=loss, acc=acc))
        callbacks.on_epoch_end(epoch, dict(epoch_logs))
    callbacks.on_train_end()


def _compare_with_keras231(capsys, clock, params, epochs, batch_logs, count_mode):
    start = clock.now
    _drive(cbks.ProgbarLogger(count_mode, stateful_metrics=['acc']), clock, params, epochs,
           batch_logs)
    ours = capsys.readouterr().out
    clock.now = start

    def plain(batch, size, **values):
        return dict(batch=batch, size=size, **values)
    _drive(Keras231ProgbarLogger(count_mode, ['acc']), clock, params, epochs, plain)
    assert ours == capsys.readouterr().out
    return ours


# (size, loss, running acc) per batch; values are exact in float32.
_BATCHES = [(3, 0.5, 0.25), (3, 0.25, 0.5), (3, 0.75, 0.625), (1, 0.125, 0.5)]
_PARAMS = {'epochs': 2, 'steps': None, 'samples': 10, 'verbose': 1,
           'metrics': ['loss', 'acc', 'val_loss', 'val_acc']}


def test_progbar_output_matches_keras231_samples(capsys, clock, batch_logs, reads):
    epochs = [(_BATCHES, {'val_loss': 0.375, 'val_acc': 0.75}, [0.02, 0.02, 0.03, 0.01]),
              (_BATCHES, {'val_loss': 0.25, 'val_acc': 0.875}, [0.06, 0.01, 0.1, 0.2])]
    out = _compare_with_keras231(capsys, clock, _PARAMS, epochs, batch_logs, 'samples')
    assert out.startswith('Epoch 1/2\n\n 3/10 [========>.....................] - ETA: 0s')
    assert ' - loss: 0.4625 - acc: 0.5000 - val_loss: 0.3750 - val_acc: 0.7500\n' in out
    assert 'Epoch 2/2' in out


def test_progbar_reads_values_only_when_drawing(capsys, clock, batch_logs, reads, monkeypatch):
    converted = []
    original = lazy_logs._materialize
    monkeypatch.setattr(lazy_logs, '_materialize',
                        lambda value: converted.append(1) or original(value))
    params = dict(_PARAMS, epochs=1, samples=60)
    logger = cbks.ProgbarLogger('samples', stateful_metrics=['acc'])
    callbacks = CallbackList([cbks.BaseLogger(stateful_metrics=['acc']), logger])
    callbacks.set_params(params)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    for i in range(20):  # 20 batches, the bar may redraw every 0.05 s: every 5th batch
        clock.now += 0.01
        callbacks.on_train_batch_end(i, batch_logs(i, 3, loss=0.5, acc=0.25))
    assert converted == []
    # First batch draws (2 reads: loss, acc), then batches 5, 10, 15; the last batch
    # is drawn by on_epoch_end.
    assert reads.reads == 4 * 2
    callbacks.on_epoch_end(0, {})
    assert converted == []
    assert capsys.readouterr().out.endswith(' - loss: 0.5000 - acc: 0.2500\n')


def test_progbar_output_matches_keras231_steps_and_early_end(capsys, clock, batch_logs):
    params = dict(_PARAMS, steps=5, samples=None, epochs=2)
    # Epoch 1: batches of varying size in steps mode (generator-style logs).
    # Epoch 2: training stops after 3 of 5 steps (the bar never reaches its end).
    epochs = [(_BATCHES + [(2, 0.5, 0.75)], {'val_loss': 0.5, 'val_acc': 0.5},
               [0.03, 0.03, 0.03, 0.03, 0.03]),
              (_BATCHES[:3], {'val_loss': 0.25}, [0.1, 0.01, 0.1])]
    _compare_with_keras231(capsys, clock, params, epochs, batch_logs, 'steps')


def test_progbar_verbose2_matches_keras231(capsys, clock, batch_logs):
    params = dict(_PARAMS, verbose=2, epochs=1)
    epochs = [(_BATCHES, {'val_loss': 0.375, 'val_acc': 0.75}, [1.0, 1.0, 1.0, 1.0])]
    out = _compare_with_keras231(capsys, clock, params, epochs, batch_logs, 'samples')
    assert out == ('Epoch 1/1\n - 4s - loss: 0.4625 - acc: 0.5000 - val_loss: 0.3750'
                   ' - val_acc: 0.7500\n')


def test_default_fit_callbacks_never_convert_batch_values(model, batch_logs, reads):
    callbacks = configure_callbacks([], model, epochs=1, samples=8, verbose=0)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    for i in range(4):
        callbacks.on_train_batch_begin(i, LazyLogs(batch=i, size=2))
        callbacks.on_train_batch_end(i, batch_logs(i, 2, loss=0.25 * (i + 1), acc=0.5))
    assert reads.reads == 0
    callbacks.on_epoch_end(0, {})
    callbacks.on_train_end()
    assert model.history.history == {'loss': [0.625], 'acc': [0.5]}


def test_base_logger_accepts_half_precision_and_grad_tensors(model):
    logger = cbks.BaseLogger()
    logger.set_params({'metrics': ['loss']})
    logger.on_epoch_begin(0)
    weight = torch.tensor(1.0, requires_grad=True)
    for i, size in enumerate([2, 6]):
        loss = (weight * (i + 1)).half()  # float16 with a graph attached
        logger.on_batch_end(i, LazyLogs(batch=i, size=size, loss=loss))
    assert logger.totals['loss'].dtype == torch.float32
    assert not logger.totals['loss'].requires_grad
    logs = {}
    logger.on_epoch_end(0, logs)
    assert logs['loss'] == pytest.approx((1.0 * 2 + 2.0 * 6) / 8)


def test_no_host_sync_between_redraws_on_cuda(model, clock, capsys):
    if not torch.cuda.is_available():
        pytest.skip('needs CUDA')
    callbacks = configure_callbacks([], model, epochs=1, samples=40, verbose=1)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    values = [(torch.tensor(0.5, device='cuda'), torch.tensor(0.25, device='cuda'))
              for _ in range(10)]

    def run_batch(i):
        loss, acc = values[i]
        callbacks.on_train_batch_begin(i, LazyLogs(batch=i, size=4))
        callbacks.on_train_batch_end(i, LazyLogs(batch=i, size=4, loss=loss, acc=acc))

    run_batch(0)  # draws the bar; the clock then stands still, so no more redraws
    torch.cuda.set_sync_debug_mode('error')
    try:
        for i in range(1, 10):
            run_batch(i)
    finally:
        torch.cuda.set_sync_debug_mode(0)
    callbacks.on_epoch_end(0, {})
    assert model.history.history == {'loss': [0.5], 'acc': [0.25]}


def test_batch_hooks_reach_every_kind_of_override():
    """Skipping no-op hooks must never skip a callback that does something."""
    seen = []

    class OldStyle(cbks.Callback):  # overrides the Keras 2.2 name only
        def on_batch_end(self, batch, logs=None):
            seen.append(('old', batch))

    class NewStyle(cbks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(('new', batch))

    idle = cbks.Callback()
    callbacks = CallbackList([OldStyle(), idle])
    callbacks.on_train_batch_end(0, {})
    callbacks.append(NewStyle())  # the cache follows the list
    callbacks.on_train_batch_end(1, {})
    idle.on_batch_end = lambda batch, logs=None: seen.append(('instance', batch))
    callbacks.on_train_batch_end(2, {})
    lam = cbks.LambdaCallback(on_batch_begin=lambda batch, logs: seen.append(('lambda', batch)))
    CallbackList([lam]).on_train_batch_begin(3, {})
    assert seen == [('old', 0), ('old', 1), ('new', 1), ('old', 2), ('instance', 2),
                    ('new', 2), ('lambda', 3)]
