"""Data-parallel training on torch.distributed (gloo, 2 processes on CPU).

Each job forks two workers with the environment ``torchrun`` would give them
(``WORLD_SIZE``, ``RANK``, ``MASTER_ADDR``, ``MASTER_PORT``...); ``fit`` joins
the process group by itself.  The model is built and compiled in the test
process before the fork, so the single-process reference starts from the
same weights.
"""
import multiprocessing
import os
import socket
import time
import traceback

import numpy as np
import pytest
import torch

import keras
from keras import distribute
from keras.callbacks import LambdaCallback
from keras.layers import Dense
from keras.models import Sequential
from keras.utils import Sequence

torch_dist = pytest.importorskip('torch.distributed')
pytestmark = pytest.mark.skipif(not torch_dist.is_available() or
                                not torch_dist.is_gloo_available(),
                                reason='torch.distributed with gloo is not available')

WORLD = 2
TIMEOUT = 4  # seconds a collective waits for a silent rank


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, port, fn, queue):
    os.environ.update(WORLD_SIZE=str(WORLD), RANK=str(rank), LOCAL_RANK=str(rank),
                      MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port),
                      KERAS_DISTRIBUTED_TIMEOUT=str(TIMEOUT))
    torch.set_num_threads(1)
    try:
        queue.put((rank, 'ok', fn(rank)))
    except BaseException as error:  # report every failure to the test
        queue.put((rank, type(error).__name__, str(error) + '\n' + traceback.format_exc()))


def run_job(fn, deadline=60., wait_for=range(WORLD)):
    """Run ``fn(rank)`` in WORLD forked processes; ``{rank: (status, value)}``
    once the ranks ``wait_for`` have reported (the others are then killed)."""
    # DistributedDataParallel imports torch._dynamo when it is first made (seconds
    # of CPU): import it once here so that the forked ranks inherit it.
    import torch._dynamo  # noqa: F401
    ctx = multiprocessing.get_context('fork')
    queue = ctx.Queue()
    port = _free_port()
    procs = [ctx.Process(target=_worker, args=(r, port, fn, queue)) for r in range(WORLD)]
    for p in procs:
        p.start()
    results = {}
    end = time.time() + deadline
    try:
        while not set(wait_for) <= set(results) and time.time() < end:
            try:
                rank, status, value = queue.get(timeout=0.2)
            except Exception:
                if all(not p.is_alive() for p in procs) and queue.empty():
                    break
                continue
            results[rank] = (status, value)
    finally:
        for p in procs:
            if set(results) == set(range(WORLD)):
                p.join(timeout=max(0.1, end - time.time()))
            if p.is_alive():
                p.kill()
                p.join()
    assert set(wait_for) <= set(results), 'workers hung or died: got %s' % results
    return results


def _model(optimizer='sgd'):
    model = Sequential([Dense(6, activation='tanh', input_shape=(5,)),
                        Dense(3, activation='softmax')])
    opt = keras.optimizers.SGD(lr=0.1, momentum=0.9) if optimizer == 'sgd' else optimizer
    model.compile(opt, 'categorical_crossentropy', metrics=['accuracy'])
    return model


def _data(n, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 5).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(3, size=n)]
    return x, y


def _ok(results):
    for rank, (status, value) in results.items():
        assert status == 'ok', 'rank %d failed: %s %s' % (rank, status, value)
    return [results[r][1] for r in range(WORLD)]


def test_arrays_match_single_process_and_stay_identical():
    x, y = _data(29)  # uneven: the last global batch of 5 rows splits 3 + 2
    xv, yv = _data(11, seed=1)
    model = _model()
    start = model.get_weights()

    def job(rank):
        snapshots = []
        keep = LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))
        if rank == 1:
            model.set_weights([w + 1. for w in start])  # fit starts from rank 0's weights
        hist = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                         validation_data=(xv, yv), callbacks=[keep])
        return {'snapshots': snapshots, 'history': hist.history,
                'evaluate': model.evaluate(x, y, batch_size=3, verbose=0),
                'predict': model.predict(x, batch_size=4),
                'distributed': (distribute.is_distributed(), distribute.rank(),
                                distribute.world_size())}
    r0, r1 = _ok(run_job(job))
    assert r0['distributed'] == (True, 0, 2) and r1['distributed'] == (True, 1, 2)
    for a, b in zip(r0['snapshots'], r1['snapshots']):  # (a) identical after every epoch
        for wa, wb in zip(a, b):
            np.testing.assert_array_equal(wa, wb)
    reference = _model()  # (b) one process, the same global batch of 8
    reference.set_weights(start)
    hist = reference.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                         validation_data=(xv, yv))
    for w_ref, w in zip(reference.get_weights(), r0['snapshots'][-1]):
        np.testing.assert_allclose(w, w_ref, atol=1e-5)
    assert sorted(r0['history']) == sorted(hist.history)
    for key, values in hist.history.items():
        np.testing.assert_allclose(r0['history'][key], values, atol=1e-5, err_msg=key)
        assert r0['history'][key] == r1['history'][key]
    np.testing.assert_allclose(r0['evaluate'], reference.evaluate(x, y, verbose=0), atol=1e-5)
    np.testing.assert_allclose(r0['predict'], reference.predict(x), atol=1e-5)
    np.testing.assert_array_equal(r0['predict'], r1['predict'])


def test_shuffled_fit_sees_every_row_once_per_epoch():
    x = np.arange(10, dtype='float32').reshape(10, 1)
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile('sgd', 'mse')

    def job(rank):
        seen = []
        source = model._array_source([x], [x], [None], 2, True, model._data_shard(True))
        for _ in range(2):
            rows = [xs[0][:, 0].tolist() for xs, _, _, n, _ in source.epoch() if n]
            seen.append(sorted(v for r in rows for v in r))
        # each rank knows the size of every global batch without asking the others
        totals = [(n, total) for _, _, _, n, total in source.epoch()]
        model.fit(x, x, batch_size=2, epochs=1, verbose=0)
        sizes = []
        count = LambdaCallback(on_batch_end=lambda b, logs: sizes.append(logs['size']))
        model.fit(x, x, steps_per_epoch=3, epochs=1, verbose=0, callbacks=[count])
        return seen, sizes, totals
    (r0, sizes0, totals0), (r1, sizes1, totals1) = _ok(run_job(job))
    assert totals0 == [(2, 4), (2, 4), (1, 2)] and totals1 == [(2, 4), (2, 4), (1, 2)]
    for epoch in range(2):
        assert sorted(r0[epoch] + r1[epoch]) == list(range(10))
    assert sizes0 == [2, 2, 1] and sizes1 == [2, 2, 1]  # 3 global batches of 4, 4, 2 rows


class _Batches(Sequence):
    def __init__(self, x, y, size):
        self.x, self.y, self.size = x, y, size

    def __len__(self):
        return -(-len(self.x) // self.size)

    def __getitem__(self, i):
        part = slice(i * self.size, (i + 1) * self.size)
        return self.x[part], self.y[part]


def test_sequence_and_generator_are_sharded_by_batch():
    x, y = _data(20)
    model = _model()
    start = model.get_weights()

    def generator():
        while True:
            for i in range(5):
                yield x[4 * i:4 * i + 4], y[4 * i:4 * i + 4]

    def job(rank):
        out = {}
        h = model.fit_generator(_Batches(x, y, 4), epochs=2, verbose=0, workers=0)
        out['sequence'] = (model.get_weights(), h.history)
        model.set_weights(start)
        model.optimizer.set_weights([np.zeros_like(w) for w in model.optimizer.get_weights()])
        model.fit_generator(generator(), steps_per_epoch=5, epochs=2, verbose=0, workers=1)
        out['generator'] = model.get_weights()
        out['predict'] = model.predict_generator(_Batches(x, y, 4), workers=0)
        out['evaluate'] = model.evaluate_generator(generator(), steps=5, workers=0)
        return out
    r0, r1 = _ok(run_job(job))
    reference = _model()
    reference.set_weights(start)
    hist = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for key in ('sequence', 'generator'):
        weights = r0[key][0] if key == 'sequence' else r0[key]
        for w_ref, w, w1 in zip(reference.get_weights(), weights,
                                r1[key][0] if key == 'sequence' else r1[key]):
            np.testing.assert_allclose(w, w_ref, atol=1e-5, err_msg=key)
            np.testing.assert_array_equal(w, w1)
    np.testing.assert_allclose(r0['sequence'][1]['loss'], hist.history['loss'], atol=1e-5)
    np.testing.assert_allclose(r0['predict'], reference.predict(x), atol=1e-5)
    assert r0['predict'].shape == (20, 3)
    np.testing.assert_allclose(r0['evaluate'], reference.evaluate(x, y, verbose=0), atol=1e-5)


def test_rank_zero_prints_and_early_stopping_agrees():
    x, y = _data(16)
    model = _model()

    def job(rank):
        import contextlib
        import io
        buffer = io.StringIO()
        stop = keras.callbacks.EarlyStopping(monitor='loss', patience=0, min_delta=10.)
        with contextlib.redirect_stdout(buffer):
            hist = model.fit(x, y, batch_size=4, epochs=5, verbose=2, callbacks=[stop])
        return buffer.getvalue(), len(hist.history['loss'])
    (out0, epochs0), (out1, epochs1) = _ok(run_job(job))
    assert 'Epoch 1/5' in out0 and out1 == ''
    assert epochs0 == epochs1 == 2


def _fail_on_rank_one(x, y, model, hang):
    def job(rank):
        def boom(epoch, logs):
            if rank == 1 and epoch == 1:
                if hang:
                    time.sleep(60)  # silent: rank 0 waits for the timeout, then fails
                raise ValueError('rank 1 broke on purpose')
        model.fit(x, y, batch_size=4, epochs=4, verbose=0,
                  callbacks=[LambdaCallback(on_epoch_begin=boom)])
        return 'finished'
    return job


@pytest.mark.parametrize('hang', [False, True])
def test_a_failing_rank_ends_the_job_with_a_clear_error(hang):
    x, y = _data(16)
    model = _model()
    began = time.time()
    results = run_job(_fail_on_rank_one(x, y, model, hang), deadline=30., wait_for=[0])
    elapsed = time.time() - began
    status0, message0 = results[0]
    if not hang:
        assert results[1][0] == 'ValueError'
    assert status0 == 'DistributedError', message0
    assert 'Another process of the job stopped' in message0
    assert 'rank 0 of 2' in message0
    assert elapsed < TIMEOUT + 8


def test_single_process_api():
    assert not distribute.is_distributed()
    assert distribute.rank() == 0 and distribute.world_size() == 1
    assert distribute.initialize() is False  # no launcher environment: nothing to join
    distribute.barrier()  # a no-op


def test_default_backend_follows_the_training_device():
    from keras import backend as K
    from keras.distribute import process_group
    K.set_device('cpu')
    try:
        assert process_group.default_backend() == 'gloo'  # also on a GPU machine
        if torch.cuda.is_available():
            K.set_device('cuda')
            assert process_group.default_backend() == 'nccl'
    finally:
        K.set_device(None)


def test_loader_with_distributed_sampler_trains_on_each_ranks_part():
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset
    x, y = _data(24)
    model = _model()
    start = model.get_weights()

    def job(rank):
        data = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
        # rank r reads rows r, r + 2, ...: its 4-row batches make the global batches of 8
        loader = DataLoader(data, batch_size=4,
                            sampler=DistributedSampler(data, WORLD, rank, shuffle=False))
        history = model.fit(loader, epochs=2, verbose=0)
        with pytest.raises(ValueError, match='DistributedSampler'):
            model.predict(loader)
        return model.get_weights(), history.history, model.evaluate(loader, verbose=0)
    (w0, h0, e0), (w1, h1, e1) = _ok(run_job(job))
    reference = _model()
    reference.set_weights(start)
    hist = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b, ref in zip(w0, w1, reference.get_weights()):
        np.testing.assert_allclose(a, ref, atol=1e-5)
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(h0['loss'], hist.history['loss'], atol=1e-5)
    np.testing.assert_allclose(e0, reference.evaluate(x, y, verbose=0), atol=1e-5)
    assert e0 == e1


def test_compiled_forward_under_ddp_matches_one_process():
    x, y = _data(29)  # the last global batch of 5 rows splits 3 + 2: it runs eagerly
    model = _model()
    start = model.get_weights()
    model.compile(keras.optimizers.SGD(lr=0.1, momentum=0.9), 'categorical_crossentropy',
                  jit_compile='aot_eager')

    def job(rank):
        model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
        return model.get_weights()
    w0, w1 = _ok(run_job(job, deadline=120.))
    reference = _model()
    reference.set_weights(start)
    reference.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for a, b, ref in zip(w0, w1, reference.get_weights()):
        np.testing.assert_allclose(a, ref, atol=1e-5)
        np.testing.assert_array_equal(a, b)


def test_get_updates_reading_the_loss_is_fed_the_loss_of_the_global_batch():
    """An optimizer whose get_updates reads the loss value gets the loss over
    all ranks' batches, as one process would on the global batch."""
    from tests.test_optimizers_get_updates import _LossAdaptiveSGD
    x, y = _data(20)  # the last global batch of 4 rows splits 2 + 2
    model = _model(_LossAdaptiveSGD(lr=0.5))
    start = model.get_weights()

    def job(rank):
        model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        return model.get_weights()
    w0, w1 = _ok(run_job(job))
    reference = _model(_LossAdaptiveSGD(lr=0.5))
    reference.set_weights(start)
    reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b, ref in zip(w0, w1, reference.get_weights()):
        np.testing.assert_allclose(a, ref, atol=1e-5)
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(reference.get_weights()[0], start[0])
