"""Callbacks in evaluate/predict and their generator forms, ``validation_data``,
and how fit_generator reads a Sequence (Keras 2.3.1's call pattern)."""
import collections
import threading

import numpy as np
import pytest

from keras.callbacks import Callback
from keras.layers import Dense, Input
from keras.models import Model, Sequential
from keras.utils import Sequence

HOOKS = ['on_batch_begin', 'on_batch_end', 'on_epoch_begin', 'on_epoch_end',
         'on_train_begin', 'on_train_end', 'on_train_batch_begin', 'on_train_batch_end',
         'on_test_begin', 'on_test_end', 'on_test_batch_begin', 'on_test_batch_end',
         'on_predict_begin', 'on_predict_end', 'on_predict_batch_begin',
         'on_predict_batch_end']


class Recorder(Callback):
    """Counts every hook and keeps the logs of the batch-end hooks."""

    def __init__(self):
        super(Recorder, self).__init__()
        self.counts = collections.Counter()
        self.end_logs = collections.defaultdict(list)

    def _hit(self, name, logs):
        self.counts[name] += 1
        if name.endswith('batch_end') and logs is not None:
            self.end_logs[name].append(dict(logs))


def _make_hook(name, two_args):
    if two_args:
        def hook(self, index, logs=None):
            self._hit(name, logs)
    else:
        def hook(self, logs=None):
            self._hit(name, logs)
    return hook


for _name in HOOKS:
    setattr(Recorder, _name, _make_hook(_name, 'batch' in _name or 'epoch' in _name))


def _model():
    model = Sequential([Dense(3, activation='relu', input_dim=4), Dense(2)])
    model.compile('sgd', 'mse', metrics=['mae'])
    return model


def _arrays(n=12):
    rng = np.random.RandomState(3)
    return rng.rand(n, 4).astype('float32'), rng.rand(n, 2).astype('float32')


def _batches(x, y=None, size=3):
    while True:
        for start in range(0, len(x), size):
            if y is None:
                yield x[start:start + size]
            else:
                yield x[start:start + size], y[start:start + size]


def _only(recorder, expected):
    called = {name: count for name, count in recorder.counts.items() if count}
    assert called == expected


def test_evaluate_calls_the_test_hooks_per_batch():
    model, (x, y), rec = _model(), _arrays(12), Recorder()
    loss, mae = model.evaluate(x, y, batch_size=5, callbacks=[rec], verbose=0)
    _only(rec, {'on_test_begin': 1, 'on_test_end': 1, 'on_test_batch_begin': 3,
                'on_test_batch_end': 3})
    last = rec.end_logs['on_test_batch_end'][-1]
    assert last['batch'] == 2 and last['size'] == 2
    assert set(last) == {'batch', 'size', 'loss', 'mae'}
    assert rec.params['metrics'] == ['loss', 'mae'] and rec.params['samples'] == 12
    assert rec.model is model


def test_evaluate_generator_calls_the_test_hooks_per_step():
    model, (x, y), rec = _model(), _arrays(12), Recorder()
    model.evaluate_generator(_batches(x, y), steps=4, callbacks=[rec])
    _only(rec, {'on_test_begin': 1, 'on_test_end': 1, 'on_test_batch_begin': 4,
                'on_test_batch_end': 4})
    assert rec.params['steps'] == 4


def test_predict_calls_the_predict_hooks_with_the_outputs():
    model, (x, _), rec = _model(), _arrays(10), Recorder()
    out = model.predict(x, batch_size=4, callbacks=[rec])
    _only(rec, {'on_predict_begin': 1, 'on_predict_end': 1, 'on_predict_batch_begin': 3,
                'on_predict_batch_end': 3})
    logs = rec.end_logs['on_predict_batch_end']
    assert [entry['size'] for entry in logs] == [4, 4, 2]
    np.testing.assert_allclose(np.concatenate([entry['outputs'][0] for entry in logs]), out,
                               rtol=1e-6)


def test_predict_generator_calls_the_predict_hooks():
    model, (x, _), rec = _model(), _arrays(12), Recorder()
    out = model.predict_generator(_batches(x), steps=4, callbacks=[rec])
    _only(rec, {'on_predict_begin': 1, 'on_predict_end': 1, 'on_predict_batch_begin': 4,
                'on_predict_batch_end': 4})
    firsts = rec.end_logs['on_predict_batch_end'][0]['outputs'][0]
    np.testing.assert_allclose(firsts, out[:3], rtol=1e-6)


def test_fit_validation_runs_the_test_hooks_on_fits_callbacks():
    model, (x, y), rec = _model(), _arrays(12), Recorder()
    model.fit(x, y, batch_size=4, epochs=2, validation_split=0.25, callbacks=[rec], verbose=0)
    assert rec.counts['on_test_begin'] == 2 and rec.counts['on_test_batch_end'] == 2
    assert rec.counts['on_train_batch_end'] == 6 and rec.counts['on_predict_begin'] == 0


def test_validation_data_is_inputs_targets_and_weights():
    model, (x, y), (xv, yv) = _model(), _arrays(12), _arrays(6)
    first, second, third = Callback(), Callback(), Callback()
    model.fit(x, y, validation_data=(xv, yv), callbacks=[first], verbose=0)
    model.fit_generator(_batches(x, y), steps_per_epoch=2, validation_data=(xv, yv),
                        callbacks=[second], verbose=0)
    for callback in (first, second):
        arrays = callback.validation_data
        assert len(arrays) == 3 and arrays[0] is xv and arrays[1] is yv
        np.testing.assert_array_equal(arrays[2], np.ones(6))
    weights = np.arange(6.)
    model.fit(x, y, validation_data=(xv, yv, weights), callbacks=[third], verbose=0)
    np.testing.assert_array_equal(third.validation_data[2], weights)
    model.fit(x, y, callbacks=[third], verbose=0)
    assert third.validation_data == []


def test_validation_split_gives_the_held_out_rows():
    model, (x, y), callback = _model(), _arrays(12), Callback()
    model.fit(x, y, validation_split=0.25, callbacks=[callback], verbose=0)
    np.testing.assert_array_equal(callback.validation_data[0], x[9:])
    np.testing.assert_array_equal(callback.validation_data[1], y[9:])


class _GrowingBatches(Sequence):
    """20 rows in batches that grow by 2 after each epoch."""

    def __init__(self, rows=20, size=3):
        self.rows, self.size = rows, size

    def __len__(self):
        return -(-self.rows // self.size)

    def __getitem__(self, index):
        return np.ones((self.size, 4), 'float32'), np.zeros((self.size, 2), 'float32')

    def on_epoch_end(self):
        self.size += 2


class _Steps(Callback):
    def __init__(self):
        super(_Steps, self).__init__()
        self.batches, self.steps = [], []

    def set_params(self, params):
        super(_Steps, self).set_params(params)
        self.steps.append(params['steps'])

    def on_batch_begin(self, batch, logs=None):
        self.batches.append(batch)


@pytest.mark.parametrize('workers', [0, 1])
def test_a_sequence_that_changes_its_length_is_read_whole_each_epoch(workers):
    model, tracker = _model(), _Steps()
    model.fit_generator(_GrowingBatches(), epochs=4, workers=workers, callbacks=[tracker],
                        verbose=0)
    # ceil(20 / 3), ceil(20 / 5), ceil(20 / 7), ceil(20 / 9)
    assert tracker.batches == list(range(7)) + list(range(4)) + list(range(3)) * 2
    assert tracker.steps[:4] == [7, 4, 3, 3]


class _CountingSequence(Sequence):
    def __init__(self, length):
        self.length = length
        self.reads = []

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        self.reads.append(index)
        return np.ones((2, 4), 'float32'), np.zeros((2, 2), 'float32')


def test_one_validation_reader_serves_every_epoch():
    model, validation = _model(), _CountingSequence(8)
    model.fit_generator(_CountingSequence(3), epochs=4, validation_data=validation,
                        validation_steps=2, max_queue_size=1, verbose=0)
    # each epoch continues where the last stopped; a fresh reader per epoch
    # would prefetch again each time
    assert validation.reads[:8] == list(range(8))
    assert len(validation.reads) <= 4 * 2 + 2


def test_on_train_begin_runs_before_the_workers_read():
    model, (x, y) = _model(), _arrays(12)
    state = {'ready': False}
    seen = []

    class Ready(Callback):
        def on_train_begin(self, logs=None):
            state['ready'] = True

    def generator():
        while True:
            seen.append(state['ready'])
            yield x[:3], y[:3]

    thread_count = threading.active_count()
    model.fit_generator(generator(), steps_per_epoch=2, epochs=1, workers=1,
                        callbacks=[Ready()], verbose=0)
    assert seen and all(seen)
    assert threading.active_count() <= thread_count + 1


def test_callbacks_argument_must_hold_callbacks():
    model, (x, y) = _model(), _arrays(4)
    with pytest.raises(TypeError, match='list of Callback instances'):
        model.evaluate(x, y, callbacks=[Recorder], verbose=0)
    with pytest.raises(TypeError, match='list of Callback instances'):
        model.predict(x, callbacks=['nope'])


def test_functional_model_predict_hooks_see_every_output():
    inputs = Input((4,))
    model = Model(inputs, [Dense(2)(inputs), Dense(1)(inputs)])
    rec = Recorder()
    model.predict(np.ones((5, 4), 'float32'), batch_size=5, callbacks=[rec])
    outputs = rec.end_logs['on_predict_batch_end'][0]['outputs']
    assert [o.shape for o in outputs] == [(5, 2), (5, 1)]
