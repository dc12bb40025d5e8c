"""``Model``: a ``Network`` that can be compiled, trained, evaluated and used
to predict.  The loops live in ``training_loop.py``; this file holds the API."""
import numpy as np
import torch

from keras.backend import session as K_session
from keras.engine import data_adapters
from keras.engine.layer_weights import to_torch_dtype
from keras.engine.network import Network

__all__ = ['Model']


class Model(Network):
    """A trainable graph of layers (``Model(inputs, outputs)``)."""

    # --------------------------------------------------------------- devices
    def _model_device(self):
        for p in self.parameters():
            return p.device
        return K_session.get_device()

    def _ensure_built_for(self, x):
        """Build a deferred Sequential (or subclassed model) from the first data."""
        if self._is_graph_network and self.inputs:
            return
        arrays = x if isinstance(x, (list, tuple)) else [x]
        first = np.asarray(arrays[0]) if not isinstance(arrays[0], torch.Tensor) else arrays[0]
        if hasattr(self, '_stack'):
            self.build((None,) + tuple(first.shape[1:]))
            return
        raise NotImplementedError('Subclassed models without a graph are not supported by '
                                  '%s.predict yet; build a functional model.' % self.name)

    def _input_dtypes(self):
        return [to_torch_dtype(x.dtype) for x in self.inputs]

    def _standardize_x(self, x, check_batch_axis=False):
        if isinstance(x, dict) or not isinstance(x, (list, tuple)):
            pass
        shapes = [x_.shape for x_ in self.inputs]
        return data_adapters.standardize(x, self.input_names, shapes, 'input',
                                         check_batch_axis=check_batch_axis)

    def _forward_batches(self, inputs, batch_size, verbose=0, steps=None):
        """Run the model in inference mode over ``inputs`` batch by batch."""
        n = data_adapters.num_samples(inputs)
        device = self._model_device()
        dtypes = self._input_dtypes()
        outs = None
        progbar = None
        slices = data_adapters.batch_slices(n, batch_size)
        if verbose == 1:
            from keras.utils.progbar import Progbar
            progbar = Progbar(target=n)
        self.train(False)
        with torch.no_grad(), K_session.learning_phase_scope(0):
            for start, stop in slices:
                batch = data_adapters.to_device([a[start:stop] for a in inputs], dtypes, device)
                y, _, _ = self.run_graph(batch, training=False)
                if outs is None:
                    outs = [[] for _ in y]
                for acc, t in zip(outs, y):
                    acc.append(t.detach())
                if progbar is not None:
                    progbar.update(stop)
        if outs is None:
            return [np.zeros((0,) + tuple(o.shape[1:]), dtype='float32') for o in self.outputs]
        return [torch.cat(acc, dim=0).cpu().numpy() if acc[0].dim() else
                torch.stack(acc).cpu().numpy() for acc in outs]

    # ---------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None,
                max_queue_size=10, workers=1, use_multiprocessing=False):
        """Predictions for ``x`` as a NumPy array (a list for several outputs)."""
        if batch_size is None and steps is None:
            batch_size = 32
        if x is None:
            raise ValueError('predict needs input data `x`.')
        self._ensure_built_for(x)
        inputs = self._standardize_x(x)
        n = data_adapters.num_samples(inputs)
        if steps is not None and batch_size is None:
            batch_size = max(1, int(np.ceil(n / float(steps))))
        self._check_stateful_batch(n, batch_size)
        outs = self._forward_batches(inputs, batch_size, verbose=verbose)
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x):
        """Predictions for one batch, with no batching."""
        self._ensure_built_for(x)
        inputs = self._standardize_x(x)
        outs = self._forward_batches(inputs, max(1, data_adapters.num_samples(inputs)))
        return outs[0] if len(outs) == 1 else outs

    def _check_stateful_batch(self, n, batch_size):
        if not self.stateful:
            return
        fixed = self.inputs[0].shape[0] if self.inputs else None
        if fixed is not None and n % fixed:
            raise ValueError('In a stateful network, you should only pass inputs with a number '
                             'of samples that can be divided by the batch size. Found: %d '
                             'samples. Batch size: %d.' % (n, fixed))
