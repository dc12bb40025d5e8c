"""``Sequence`` and the enqueuers that prepare batches in worker threads or processes.

Public through ``keras.utils.data_utils`` (and ``keras.utils``), as in Keras 2.3.1.
A background thread submits work to a pool (``ThreadPool`` or, with
``use_multiprocessing=True``, ``multiprocessing.Pool``) and puts the pending
results in a bounded queue; ``get()`` hands them out in submission order.
"""
import collections
import contextlib
import multiprocessing as mp
import queue
import random
import sys
import threading
import time
import warnings
from abc import abstractmethod
from multiprocessing.pool import ThreadPool

import numpy as np

__all__ = ['Sequence', 'SequenceEnqueuer', 'OrderedEnqueuer', 'GeneratorEnqueuer',
           'iter_sequence_infinite', 'init_pool', 'get_index',
           'init_pool_generator', 'next_sample']

# Sequences and generators by enqueuer uid; worker processes get a copy.
_SHARED_SEQUENCES = {}
_UID_LOCK = threading.Lock()
_UID_COUNTER = [0]
_RESULT_TIMEOUT = 30
# Seconds a stopped process pool gets to finish its tasks before being killed.
_SHUTDOWN_GRACE = 30


class Sequence(object):
    """Base class for a dataset read batch by batch, safe to use from workers.

    Subclasses implement ``__getitem__`` (a whole batch) and ``__len__``
    (number of batches), and may implement ``on_epoch_end``.  Each batch is
    seen once per epoch, even with several workers.

    Example:
        >>> class Batches(Sequence):
        ...     def __init__(self, x, y, batch_size):
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return int(np.ceil(len(self.x) / float(self.batch_size)))
        ...     def __getitem__(self, idx):
        ...         part = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        ...         return self.x[part], self.y[part]
    """

    use_sequence_api = True

    @abstractmethod
    def __getitem__(self, index):
        """The batch at position ``index``."""
        raise NotImplementedError

    @abstractmethod
    def __len__(self):
        """The number of batches."""
        raise NotImplementedError

    def on_epoch_end(self):
        """Called at the end of every epoch (e.g. to reshuffle)."""

    def __iter__(self):
        """Yield the batches in order."""
        for index in range(len(self)):
            yield self[index]


def iter_sequence_infinite(seq):
    """Iterate over ``seq`` again and again (stops if a pass yields nothing)."""
    while True:
        empty = True
        for item in seq:
            empty = False
            yield item
        if empty:
            return


def init_pool(seqs):
    """Pool initializer: install the shared sequences in a worker."""
    global _SHARED_SEQUENCES
    _SHARED_SEQUENCES = seqs


def get_index(uid, i):
    """Batch ``i`` of the sequence registered under ``uid``."""
    return _SHARED_SEQUENCES[uid][i]


def init_pool_generator(gens, random_seed=None):
    """Pool initializer for generators; seeds NumPy per worker when asked."""
    global _SHARED_SEQUENCES
    _SHARED_SEQUENCES = gens
    if random_seed is not None:
        np.random.seed(random_seed + mp.current_process().ident)


def next_sample(uid):
    """The next value of the generator registered under ``uid``."""
    return next(_SHARED_SEQUENCES[uid])


def _process_context():
    # Generators cannot be pickled: on Linux use fork, as Keras 2 always did.
    if sys.platform.startswith('linux') and 'fork' in mp.get_all_start_methods():
        return mp.get_context('fork')
    return mp.get_context()


class _Failed(object):
    """Stands in the queue for a result when the feeding thread failed."""

    idx = None

    def __init__(self, error):
        self.error = error

    def get(self, timeout=None):
        raise self.error

    def wait(self, timeout=None):
        return None

    def successful(self):
        return False


class SequenceEnqueuer(object):
    """Base class: runs workers that fill a queue from ``sequence``.

    Example:
        >>> enqueuer = OrderedEnqueuer(seq)
        >>> enqueuer.start(workers=2, max_queue_size=10)
        >>> batches = enqueuer.get()   # an endless generator
        >>> x, y = next(batches)
        >>> enqueuer.stop()
    """

    def __init__(self, sequence, use_multiprocessing=False):
        self.sequence = sequence
        self.use_multiprocessing = use_multiprocessing
        with _UID_LOCK:
            self.uid = _UID_COUNTER[0]
            _UID_COUNTER[0] += 1
        self.workers = 0
        self.executor_fn = None
        self.queue = None
        self.run_thread = None
        self.stop_signal = None
        self._inflight = collections.deque()

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        """Start the feeding thread and its pool of ``workers``.

        Args:
            workers: number of worker threads or processes.
            max_queue_size: most results waiting in the queue.
        """
        if self.use_multiprocessing:
            self.executor_fn = self._get_executor_init(workers)
        else:
            self.executor_fn = lambda _: ThreadPool(workers)
        self.workers = workers
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self.run_thread = threading.Thread(target=self._run_guarded, daemon=True)
        self.run_thread.start()

    def _send_sequence(self):
        """Publish the sequence for workers created from now on."""
        _SHARED_SEQUENCES[self.uid] = self.sequence

    def stop(self, timeout=None):
        """Stop the workers and wait up to ``timeout`` seconds for them.

        Should be called by the thread that called ``start()``.
        """
        if self.stop_signal is None:
            return
        self.stop_signal.set()
        with self.queue.mutex:
            self.queue.queue.clear()
            self.queue.unfinished_tasks = 0
            self.queue.not_full.notify_all()
            self.queue.all_tasks_done.notify_all()
        if self.run_thread is not threading.current_thread():
            self.run_thread.join(timeout)
        _SHARED_SEQUENCES.pop(self.uid, None)

    @contextlib.contextmanager
    def _executor(self):
        executor = self.executor_fn(_SHARED_SEQUENCES)
        self._inflight = collections.deque()
        try:
            yield executor
        finally:
            self._shutdown(executor)

    def _submit(self, executor, fn, args):
        """``apply_async``, remembering the result until it is ready."""
        while self._inflight and self._inflight[0].ready():
            self._inflight.popleft()
        future = executor.apply_async(fn, args)
        self._inflight.append(future)
        return future

    def _shutdown(self, executor):
        """Close a pool without killing a process that may be writing a result.

        A worker killed while sending a result leaves half a message in the
        pool's pipe, on which ``Pool.terminate()`` then blocks forever; so
        processes get ``_SHUTDOWN_GRACE`` seconds to finish their tasks and
        are only killed past that.  Threads cannot be killed: queued tasks are
        dropped and running ones end on their own.
        """
        if not self.stop_signal.is_set():
            executor.close()
            executor.join()
        elif not self.use_multiprocessing:
            executor.terminate()
        else:
            executor.close()
            deadline = time.time() + _SHUTDOWN_GRACE
            for future in self._inflight:
                future.wait(max(0.0, deadline - time.time()))
            if all(future.ready() for future in self._inflight):
                executor.join()
            else:
                executor.terminate()
        self._inflight = collections.deque()

    def _run_guarded(self):
        try:
            self._run()
        except BaseException as e:  # handed to the consumer, which re-raises
            if not self.stop_signal.is_set():
                self.queue.put(_Failed(e))

    def _next_future(self):
        """The next pending result, or None if none came within 0.1 s."""
        try:
            return self.queue.get(block=True, timeout=0.1)
        except queue.Empty:
            return None

    def _task_done(self):
        try:
            self.queue.task_done()
        except ValueError:  # the queue was cleared by stop()
            pass

    @abstractmethod
    def _run(self):
        """Submit work to the executor and queue the pending results."""
        raise NotImplementedError

    @abstractmethod
    def _get_executor_init(self, workers):
        """A function ``shared_dict -> process pool``."""
        raise NotImplementedError

    @abstractmethod
    def get(self):
        """An endless generator of batches (``None`` values are skipped)."""
        raise NotImplementedError


class OrderedEnqueuer(SequenceEnqueuer):
    """Feed the batches of a ``Sequence`` in order, each once per epoch.

    Args:
        sequence: a ``keras.utils.Sequence``.
        use_multiprocessing: worker processes instead of threads.
        shuffle: visit the batches in a new random order each epoch.
    """

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super(OrderedEnqueuer, self).__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle
        self.end_of_epoch_signal = threading.Event()

    def _get_executor_init(self, workers):
        return lambda seqs: _process_context().Pool(
            workers, initializer=init_pool, initargs=(seqs,))

    def _wait_queue(self):
        """Block until every queued batch was taken (or stop() was called)."""
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks and not self.stop_signal.is_set():
                self.queue.all_tasks_done.wait(0.1)

    def _run(self):
        while True:
            order = list(range(len(self.sequence)))
            self._send_sequence()  # new workers see the current state
            if self.shuffle:
                random.shuffle(order)
            with self._executor() as executor:
                for i in order:
                    if self.stop_signal.is_set():
                        return
                    future = self._submit(executor, get_index, (self.uid, i))
                    future.idx = i
                    self.queue.put(future, block=True)
                self._wait_queue()
                if self.stop_signal.is_set():
                    return
            self.sequence.on_epoch_end()
            self.end_of_epoch_signal.set()

    def join_end_of_epoch(self):
        """Wait (up to 30 s) until the feeding thread finished an epoch."""
        self.end_of_epoch_signal.wait(timeout=30)
        self.end_of_epoch_signal.clear()

    def get(self):
        """Yield the batches, in order, until ``stop()``.

        On an error (or ``KeyboardInterrupt``) the workers are stopped and the
        error is raised here.
        """
        try:
            while self.is_running():
                future = self._next_future()
                if future is None:
                    continue
                try:
                    inputs = future.get(timeout=_RESULT_TIMEOUT)
                except mp.TimeoutError:
                    warnings.warn('The input {} could not be retrieved. It could '
                                  'be because a worker has died.'.format(future.idx),
                                  UserWarning)
                    inputs = self.sequence[future.idx]
                finally:
                    self._task_done()
                if inputs is not None:
                    yield inputs
        except (Exception, KeyboardInterrupt):
            self.stop()
            raise


class GeneratorEnqueuer(SequenceEnqueuer):
    """Feed the values of a Python generator from worker threads or processes.

    With threads the generator must be thread-safe when ``workers > 1``.  With
    processes each worker runs its own copy of the generator (seed them with
    ``random_seed`` so that they differ).

    Args:
        sequence: a generator.
        use_multiprocessing: worker processes instead of threads.
        wait_time: ignored (deprecated).
        random_seed: NumPy seed of the worker processes, plus their ident.
    """

    def __init__(self, sequence, use_multiprocessing=False, wait_time=None,
                 random_seed=None):
        super(GeneratorEnqueuer, self).__init__(sequence, use_multiprocessing)
        self.random_seed = random_seed
        self._exhausted = threading.Event()
        if wait_time is not None:
            warnings.warn('`wait_time` is not used anymore.', DeprecationWarning)

    def _get_executor_init(self, workers):
        return lambda gens: _process_context().Pool(
            workers, initializer=init_pool_generator,
            initargs=(gens, self.random_seed))

    def _run(self):
        self._send_sequence()
        with self._executor() as executor:
            while not (self.stop_signal.is_set() or self._exhausted.is_set()):
                future = self._submit(executor, next_sample, (self.uid,))
                self.queue.put(future, block=True)

    def _drain(self):
        """Results still pending once the generator ran out, successful ones only."""
        self._exhausted.set()
        pending = []
        while True:
            alive = self.run_thread.is_alive()
            while True:
                try:
                    pending.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            if not alive:
                break
            self.run_thread.join(0.05)
        for future in pending:
            future.wait()
        return [future.get() for future in pending if future.successful()]

    def get(self):
        """Yield the generator's values until it ends or ``stop()`` is called."""
        try:
            while self.is_running():
                future = self._next_future()
                if future is None:
                    continue
                try:
                    inputs = future.get(timeout=_RESULT_TIMEOUT)
                except mp.TimeoutError:
                    warnings.warn('An input could not be retrieved. It could be '
                                  'because a worker has died. We do not have any '
                                  'information on the lost sample.', UserWarning)
                    continue
                finally:
                    self._task_done()
                if inputs is not None:
                    yield inputs
        except StopIteration:
            for inputs in self._drain():
                if inputs is not None:
                    yield inputs
        except (Exception, KeyboardInterrupt) as e:
            self.stop()
            if 'generator already executing' in str(e):
                raise RuntimeError(
                    'Your generator is NOT thread-safe. Keras requires a '
                    'thread-safe generator when `use_multiprocessing=False, '
                    'workers > 1`. For more information see issue #1638.') from e
            raise
