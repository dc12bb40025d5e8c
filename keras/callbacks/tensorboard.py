"""``TensorBoard``: write event files TensorBoard can show.

Event files are written with ``torch.utils.tensorboard.SummaryWriter``, which
needs the optional ``tensorboard`` package (``pip install tensorboard``).
The layout is tf.keras 2.0's, which Keras 2.3.1 used: ``log_dir/train`` and
``log_dir/validation`` runs, scalars named ``epoch_<metric>`` (and
``batch_<metric>`` with ``update_freq``), ``val_`` values in the validation
run under the training name.
"""
import numbers
import os
import warnings

from keras.callbacks.base import Callback

__all__ = ['TensorBoard']

_TRAIN_RUN = 'train'
_VALIDATION_RUN = 'validation'
_NOT_METRICS = ('batch', 'size', 'num_steps')


def _summary_writer_class():
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as error:
        raise ImportError('The TensorBoard callback needs the `tensorboard` package to write '
                          'event files: install it with `pip install tensorboard`. (%s)' % error)
    return SummaryWriter


def _model_weights(model):
    """``(name, tensor)`` pairs, named as Keras names them (``dense_1/kernel_0``)."""
    layers = getattr(model, 'layers', None)
    if layers is None:
        return [(name, w) for name, w in model.named_parameters()]
    pairs = []
    for layer in layers:
        for i, weight in enumerate(layer.weights):
            name = getattr(weight, '_keras_name', None) or '%s/weight_%d:0' % (layer.name, i)
            pairs.append((name.replace(':', '_'), weight))
    return pairs


class TensorBoard(Callback):
    """Logs losses, metrics and weight histograms for TensorBoard.

    Run ``tensorboard --logdir=<log_dir>`` to see them.

    Args:
        log_dir: directory the event files go to.
        histogram_freq: every how many epochs to write histograms of the
            model's weights; 0 writes none.
        batch_size: ignored (as in Keras 2.3.1 on TensorFlow 2), with a warning.
        write_graph: ignored: no graph is written (PyTorch models have no
            TensorFlow graph to show).
        write_grads: ignored, with a warning.
        write_images: ignored, with a warning.
        embeddings_freq, embeddings_layer_names, embeddings_metadata,
        embeddings_data: ignored, with a warning.
        update_freq: ``'epoch'`` (scalars once per epoch), ``'batch'`` (also
            after every batch) or an integer: also after every that many
            samples.  Writing per batch reads the batch values, so the
            training step waits for the device each time it writes.
        **kwargs: ``profile_batch`` (tf.keras's profiler option) is accepted
            and ignored.

    Raises:
        ImportError: when the ``tensorboard`` package is not installed.
    """

    def __init__(self, log_dir='./logs', histogram_freq=0, batch_size=None, write_graph=True,
                 write_grads=False, write_images=False, embeddings_freq=0,
                 embeddings_layer_names=None, embeddings_metadata=None, embeddings_data=None,
                 update_freq='epoch', **kwargs):
        super(TensorBoard, self).__init__()
        self._writer_class = _summary_writer_class()
        kwargs.pop('profile_batch', None)
        if kwargs:
            raise TypeError('TensorBoard got unexpected keyword arguments: %s.'
                            % ', '.join(sorted(kwargs)))
        _warn_ignored(batch_size, write_grads, write_images, embeddings_freq or
                      embeddings_layer_names or embeddings_metadata or embeddings_data is not None)
        if update_freq == 'batch':
            update_freq = 1
        elif update_freq != 'epoch' and not isinstance(update_freq, numbers.Integral):
            raise ValueError("`update_freq` must be 'batch', 'epoch' or an integer number of "
                             "samples; got %r." % (update_freq,))
        self.log_dir = log_dir
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.update_freq = update_freq
        self._writers = {}
        self._samples_seen = 0
        self._samples_seen_at_last_write = 0
        self._total_batches_seen = 0

    def _writer(self, run):
        if run not in self._writers:
            self._writers[run] = self._writer_class(os.path.join(self.log_dir, run))
        return self._writers[run]

    def _log_metrics(self, logs, prefix, step):
        """Write every metric of ``logs`` as a scalar, ``val_`` ones to the validation run."""
        by_run = {_TRAIN_RUN: [], _VALIDATION_RUN: []}
        for key in list(logs.keys()):
            if key in _NOT_METRICS:
                continue
            if key.startswith('val_'):
                by_run[_VALIDATION_RUN].append((prefix + key[len('val_'):], logs[key]))
            else:
                by_run[_TRAIN_RUN].append((prefix + key, logs[key]))
        for run, values in by_run.items():
            if not values:
                continue  # no validation file when there is no validation data
            writer = self._writer(run)
            for name, value in values:
                writer.add_scalar(name, float(value), global_step=step)
            writer.flush()

    def _log_weights(self, epoch):
        writer = self._writer(_TRAIN_RUN)
        for name, weight in _model_weights(self.model):
            writer.add_histogram(name, weight.detach().cpu().numpy(), global_step=epoch)
        writer.flush()

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        self._samples_seen += logs.get('size', 1)
        since_write = self._samples_seen - self._samples_seen_at_last_write
        if self.update_freq != 'epoch' and since_write >= self.update_freq:
            self._log_metrics(logs, 'batch_', self._total_batches_seen)
            self._samples_seen_at_last_write = self._samples_seen
        self._total_batches_seen += 1

    def on_epoch_end(self, epoch, logs=None):
        step = epoch if self.update_freq == 'epoch' else self._samples_seen
        self._log_metrics(logs or {}, 'epoch_', step)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}


def _warn_ignored(batch_size, write_grads, write_images, embeddings):
    if batch_size is not None:
        warnings.warn('The TensorBoard callback `batch_size` argument (for histogram '
                      'computation) is deprecated. It will be ignored.')
    if write_grads:
        warnings.warn('The TensorBoard callback does not support gradients display. '
                      'The `write_grads` argument is ignored.')
    if write_images:
        warnings.warn('The TensorBoard callback does not write weights as images. '
                      'The `write_images` argument is ignored.')
    if embeddings:
        warnings.warn('The TensorBoard callback does not support embeddings display. '
                      'Embeddings-related arguments are ignored.')
