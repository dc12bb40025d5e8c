"""``Model``: a ``Network`` that can be compiled, trained, evaluated and used
to predict.  This file holds the API; the compiled state, the data adapters,
the steps and the loops live in :mod:`keras.training`."""
import warnings

import numpy as np
import torch

from keras import optimizers
from keras.distribute import collectives, sharding
from keras.engine.base_layer import Layer  # noqa: F401 (2.3.1 exported it here)
from keras.engine.network import Network
from keras.engine.subclassed import build_from_data, set_inputs
from keras.legacy.generator_arguments import keras1_generator_arguments
from keras.training import (compiled_state, data_adapters, data_checks, generators,
                            model_data, quick_predict, run_setup, training_graph)
from keras.training.batch_functions import BatchFunction
from keras.training.batch_sources import LimitedSteps, is_generator_like
from keras.training.legacy_helpers import check_generator_arguments
from keras.training.epoch_loop import fit_loop, joined_outputs, predict_loop, test_loop
from keras.utils.progbar import Progbar
# Names code imports from this module: Keras 2.3.1's, and Keras 1's slice_X
from keras import backend as K  # noqa: F401
from keras.utils.generic_utils import (slice_arrays, slice_X, to_list,  # noqa: F401
                                        unpack_singleton)

__all__ = ['Model']


def _training_graph_attribute(attribute, name=None):
    def get(model):
        state = compiled_state.of(model)
        if state is None or state.targets is None:
            raise _missing(model, name or attribute)
        return getattr(training_graph.of(model, state), attribute)
    return property(get, doc='``%s`` of the symbolic training graph (after compile).'
                    % (name or attribute))


class Model(Network):
    """A trainable graph of layers (``Model(inputs, outputs)``).

    What ``compile`` decided lives in one
    :class:`~keras.training.compiled_state.CompiledState`
    (``compiled_state.of(model)``), which this class hands to the loops and
    the data code of :mod:`keras.training`.
    """

    # Keras 2.3.1's backend functions, made by ``_make_*_function`` (a ``BatchFunction`` each).
    train_function = None
    test_function = None
    predict_function = None

    # ---------------------------------------------------------------- pickle
    def __getstate__(self):
        # Deferred: keras.saving.model_file imports keras.engine.sequential, which
        # imports this module (and keras.saving is not part of `import keras`).
        from keras.saving import model_pickle
        if model_pickle.needs_named_form(self):
            return model_pickle.pickle_model(self)
        return super(Model, self).__getstate__()

    def __setstate__(self, state):
        from keras.saving import model_pickle  # deferred: see __getstate__
        super(Model, self).__setstate__(state)
        model_pickle.rebind_optimizer_state(self.__dict__.get('optimizer'))

    # ------------------------------------------------------------------ data
    def _ensure_built_for(self, x):
        """Build a deferred Sequential (or subclassed model) from the first data,
        then finish a ``compile`` that waited for the model's outputs."""
        if not self.inputs:
            arrays = list(x.values()) if isinstance(x, dict) else (
                x if isinstance(x, (list, tuple)) else [x])
            arrays = [a if isinstance(a, torch.Tensor) else np.asarray(a) for a in arrays]
            if hasattr(self, '_stack'):
                self.build((None,) + tuple(arrays[0].shape[1:]))
            else:
                build_from_data(self, arrays)
        state = compiled_state.of(self)
        if state is not None and state.pending:
            self._finish_compile()

    def _input_dtypes(self):
        return model_data.input_dtypes(self)

    def _standardize_x(self, x, check_batch_axis=False):
        return model_data.standardize_inputs(self, x, check_batch_axis=check_batch_axis)

    def _forward_batches(self, inputs, batch_size, verbose=0, callbacks=None):
        """Run the model in inference mode over ``inputs`` batch by batch
        (``callbacks``: a ``CallbackList`` in ``'predict'`` mode, or None);
        one NumPy array per output."""
        n = data_adapters.num_samples(inputs)
        device = self._model_device()
        dtypes = self._input_dtypes()
        batches = (data_adapters.to_device([a[start:stop] for a in inputs], dtypes, device)
                   for start, stop in data_adapters.batch_slices(n, batch_size))
        outs = predict_loop(self, batches, callbacks,
                            Progbar(target=n) if verbose == 1 else None)
        if outs is None:
            return [np.zeros((0,) + tuple(o.shape[1:]), dtype='float32') for o in self.outputs]
        return joined_outputs(outs)

    # ---------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None,
                max_queue_size=10, workers=1, use_multiprocessing=False):
        """Predictions for ``x`` as a NumPy array (a list for several outputs)."""
        if batch_size is None and steps is None:
            batch_size = 32
        if type(x) is np.ndarray and steps is None and not verbose and not callbacks and \
                type(batch_size) is int and batch_size > 0:
            outs = quick_predict.predictions(self, x, batch_size)  # (one small array)
            if outs is not None:
                return outs
        if x is None:
            raise ValueError('predict needs input data `x`.')
        if is_generator_like(x):
            return self.predict_generator(x, steps=steps, callbacks=callbacks,
                                          max_queue_size=max_queue_size, workers=workers,
                                          use_multiprocessing=use_multiprocessing,
                                          verbose=verbose)
        batch_size = data_checks.check_batch_size(batch_size, 'predict')
        data_checks.check_steps(steps, 'steps', 'predict')
        self._ensure_built_for(x)
        inputs = self._standardize_x(x)
        n = data_adapters.num_samples(inputs)
        if steps is not None and batch_size is None:
            batch_size = max(1, int(np.ceil(n / float(steps))))
        self._check_stateful_batch(n, batch_size)
        shard = self._data_shard()
        if callbacks:
            callback_list = self._callbacks(callbacks, False, batch_size, None, steps, n,
                                            verbose, None, mode='predict')
        else:  # nothing to call back: what configuring an empty list leaves behind
            callback_list = None
            if self.__dict__.get('stop_training'):
                self.stop_training = False
        if shard is None:
            outs = self._forward_batches(inputs, batch_size, verbose, callback_list)
        else:  # rows rank, rank + world, ... here; all rows, in order, on every rank
            part = [a[shard.rank::shard.world] for a in inputs]
            outs = self._forward_batches(part, batch_size, verbose if shard.rank == 0 else 0,
                                         callback_list)
            parts = collectives.all_gather_objects(outs, what='gathering the predictions')
            outs = [sharding.interleave([p[i] for p in parts]) for i in range(len(outs))]
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x):
        """Predictions for one batch, with no batching."""
        self._ensure_built_for(x)
        inputs = self._standardize_x(x)
        outs = self._forward_batches(inputs, max(1, data_adapters.num_samples(inputs)))
        return outs[0] if len(outs) == 1 else outs

    # ------------------------------------------- Keras 2.3.1's private builders
    def _make_train_function(self):
        """Set ``self.train_function`` (``f(x + y + sample_weights)``)."""
        self._check_compiled('using it')
        if self.train_function is None:
            self.train_function = BatchFunction(self, 'train',
                                                compiled_state.of(self))

    def _make_test_function(self):
        """Set ``self.test_function`` (``f(x + y + sample_weights)``)."""
        self._check_compiled('using it')
        if self.test_function is None:
            self.test_function = BatchFunction(self, 'test',
                                               compiled_state.of(self))

    def _make_predict_function(self):
        """Set ``self.predict_function`` (``f(x)``)."""
        if self.predict_function is None:
            self.predict_function = BatchFunction(self, 'predict')

    def _set_inputs(self, inputs, outputs=None, training=None):
        """Keras 2.3.1's private setter of a model's inputs (tensors or arrays);
        see :func:`keras.engine.subclassed.set_inputs`.  ``outputs`` and
        ``training`` are accepted and unused: the graph or ``call`` gives them."""
        set_inputs(self, inputs)

    def _check_stateful_batch(self, n, batch_size):
        if not self.stateful:
            return
        fixed = self.inputs[0].shape[0] if self.inputs else None
        if fixed is not None and n % fixed:
            raise ValueError('In a stateful network, you should only pass inputs with a number '
                             'of samples that can be divided by the batch size. Found: %d '
                             'samples. Batch size: %d.' % (n, fixed))

    # ---------------------------------------------------------------- compile
    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                **kwargs):
        """Configure the model for training.

        Args:
            optimizer: name (``'rmsprop'``) or optimizer instance (Keras or torch).
            loss: name, function or Loss object; a list or dict for several outputs.
            metrics: list of names/functions/Metric objects, or per-output dict/list.
            loss_weights: per-output scalar weights (list or dict).
            sample_weight_mode: None or ``'temporal'`` (per output as list/dict).
            weighted_metrics: metrics weighted by sample_weight/class_weight.
            jit_compile: (keyword, tf.keras's name) True runs the training
                step (forward pass, losses, backward pass, optimizer update,
                metrics) through ``torch.compile``; a string names the
                ``torch.compile`` backend (``'inductor'``, the default, or
                ``'aot_eager'``...).  The second step (and the first step of a
                new batch size) pays the compilation.  With True (in one
                process) the next batches then run compiled and eagerly in
                turn, and the faster step is kept (a recurrent model may run
                faster eagerly); a named backend is always used.  A kept
                compiled step is then fixed, as Keras 2's train function was:
                values in tensors (weights, ``K.set_value(model.optimizer.lr,
                ...)``) are read at every step, a Python attribute changed
                later is seen after the next ``compile``.  Without dropout the
                results equal eager ones up to float rounding; dropout masks
                come from a different random stream.
        """
        state = compiled_state.attach(self)  # (one per model, reset by each compile)
        state.target_tensors_arg = target_tensors
        for key in kwargs:
            if key not in ('jit_compile', 'run_eagerly', 'steps_per_execution'):
                raise TypeError('Invalid keyword argument(s) in `compile`: %r' % (key,))
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.loss_weights = loss_weights
        self.sample_weight_mode = sample_weight_mode
        self._compile_metrics = metrics or []
        self._compile_weighted_metrics = weighted_metrics
        self._jit_compile = _jit_option(kwargs.get('jit_compile', False))
        self._supports_training = True
        for attr in ('train_function', 'test_function'):
            self.__dict__.pop(attr, None)
        # A model without outputs yet (deferred Sequential, subclassed model) finishes
        # compiling when the first data builds it, as in Keras 2.
        state.restart()
        if self.outputs:
            self._finish_compile()

    def _finish_compile(self):
        state = compiled_state.of(self)
        state.resolve(self, self.loss, self._compile_metrics, self.loss_weights,
                      self.sample_weight_mode, self._compile_weighted_metrics)
        self.metrics_names = state.metrics_names
        self.loss_functions = state.loss_functions
        self._collected_trainable_weights = self.trainable_weights
        state.build_steps(self, self.optimizer, self._collected_trainable_weights,
                          jit_compile=self._jit_compile)

    # Attributes of earlier versions, read from the compiled state (an
    # AttributeError before compile, as they were missing then).
    @property
    def _targets(self):
        state = compiled_state.of(self)
        if state is None or state.targets is None:
            raise _missing(self, '_targets')
        return state.targets

    @property
    def _step_functions(self):
        state = compiled_state.of(self)
        if state is None or state.steps is None:
            raise _missing(self, '_step_functions')
        return state.steps

    @property
    def _is_compiled(self):
        state = compiled_state.of(self)
        return state is not None and state.targets is not None

    # Keras 2's symbolic training graph (see keras.training.training_graph): made
    # on first use after each compile; an AttributeError before, as in 2.3.1.
    targets = _training_graph_attribute('targets')
    sample_weights = _training_graph_attribute('sample_weights')
    total_loss = _training_graph_attribute('total_loss')
    _feed_targets = _training_graph_attribute('feed_targets', '_feed_targets')
    _feed_sample_weights = _training_graph_attribute('feed_sample_weights',
                                                     '_feed_sample_weights')
    _feed_outputs = _training_graph_attribute('feed_outputs', '_feed_outputs')
    _feed_output_names = _training_graph_attribute('feed_output_names', '_feed_output_names')
    _feed_output_shapes = _training_graph_attribute('feed_output_shapes',
                                                    '_feed_output_shapes')
    _feed_loss_fns = _training_graph_attribute('feed_loss_fns', '_feed_loss_fns')

    def _standardize_user_data(self, x, y=None, sample_weight=None, class_weight=None,
                               check_array_lengths=True, batch_size=None):
        """``(inputs, targets, sample_weights)`` as lists of arrays in the order
        of ``model.inputs``, ``model._feed_targets`` and
        ``model._feed_sample_weights`` (weights of ones where none were given)."""
        self._check_compiled('_standardize_user_data')
        state = compiled_state.of(self)
        xs, ys, sws = model_data.prepare_arrays(self, state, x, y, sample_weight, class_weight,
                                                check_targets=y is not None)
        arrays = model_data.callback_validation_data(state, (xs, ys, sws))
        n = len(xs)
        fed = len(arrays[n:]) // 2
        return arrays[:n], arrays[n:n + fed], arrays[n + fed:]

    @property
    def metrics(self):
        """The stateful metric objects of a compiled model: the compiled ones,
        then those of ``add_metric`` (known once a step made them)."""
        state = compiled_state.of(self)
        return state.metrics() if state is not None else []

    def reset_metrics(self):
        state = compiled_state.of(self)
        if state is not None:
            state.reset_metrics()

    def _check_trainable_weights_consistency(self):
        """Warn when ``trainable`` changed since ``compile`` (the training step
        still updates the weights collected then), as Keras 2.3.1 did."""
        collected = self.__dict__.get('_collected_trainable_weights')
        if collected is not None and len(collected) != len(self.trainable_weights):
            warnings.warn(UserWarning(
                'Discrepancy between trainable weights and collected trainable weights, did '
                'you set `model.trainable` without calling `model.compile` after ?'))

    def _check_compiled(self, what):
        compiled_state.check_compiled(self, what)

    def _array_source(self, xs, ys, sws, batch_size, shuffle, shard=None):
        return model_data.array_source(self, compiled_state.of(self), xs, ys, sws,
                                       batch_size, shuffle, shard)

    def _data_shard(self, shuffle_seed=False):
        """This process's :class:`~keras.distribute.sharding.Shard` when several
        processes train together, else None (:func:`keras.training.run_setup.data_shard`)."""
        return run_setup.data_shard(self, shuffle_seed)

    def _callbacks(self, callbacks, do_validation, batch_size, epochs, steps, samples,
                   verbose, count_mode, mode='train'):
        return run_setup.callback_list(self, callbacks, do_validation, batch_size, epochs, steps,
                                       samples, verbose, count_mode, mode=mode)

    # -------------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0., validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, max_queue_size=10, workers=1, use_multiprocessing=False,
            **kwargs):
        """Train the model for ``epochs`` epochs; returns a ``History``.

        Under ``torchrun`` (``WORLD_SIZE`` > 1) it joins the process group and
        trains data-parallel, ``batch_size`` rows per process (:mod:`keras.distribute`).
        """
        if 'nb_epoch' in kwargs:
            warnings.warn('The `nb_epoch` argument in `fit` has been renamed `epochs`.',
                          stacklevel=2)
            epochs = kwargs.pop('nb_epoch')
        if kwargs:
            raise TypeError('Unrecognized keyword arguments: ' + str(kwargs))
        if is_generator_like(x):
            check_generator_arguments(y, sample_weight, validation_split=validation_split)
            return self.fit_generator(x, steps_per_epoch=steps_per_epoch, epochs=epochs,
                                      verbose=verbose, callbacks=callbacks,
                                      validation_data=validation_data,
                                      validation_steps=validation_steps,
                                      validation_freq=validation_freq,
                                      class_weight=class_weight,
                                      max_queue_size=max_queue_size, workers=workers,
                                      use_multiprocessing=use_multiprocessing, shuffle=shuffle,
                                      initial_epoch=initial_epoch)
        if batch_size is None and steps_per_epoch is None:
            batch_size = 32
        batch_size = data_checks.check_batch_size(batch_size, 'fit')
        data_checks.check_steps(steps_per_epoch, 'steps_per_epoch', 'fit')
        data_checks.check_epochs(epochs, initial_epoch)
        data_checks.check_validation_split(validation_split)
        self._ensure_built_for(x)
        self._check_compiled('training the model')
        state = compiled_state.of(self)
        xs, ys, sws = model_data.prepare_arrays(self, state, x, y, sample_weight, class_weight)
        data_checks.check_num_samples(xs + ys, 'fit')
        val = None
        if validation_data is not None:
            val = self._validation_arrays(validation_data)
        elif validation_split and 0. < validation_split < 1.:
            (xs, ys, sws), val = model_data.split_validation([xs, ys, sws],
                                                             validation_split)
        n = data_adapters.num_samples(xs + ys)  # x may be None: Input(tensor=...)
        shard = self._data_shard(shuffle_seed=True)
        if batch_size is None:  # each step is one global batch of all ranks together
            batch_size = max(1, -(-n // (int(steps_per_epoch) * (shard.world if shard else 1))))
        self._check_stateful_batch(n, batch_size)
        source = model_data.array_source(self, state, xs, ys, sws, batch_size, shuffle, shard)
        samples = source.local_samples
        if steps_per_epoch is not None:
            source = LimitedSteps(source, int(steps_per_epoch))
        val_run = None
        if val is not None:
            val_source = model_data.array_source(self, state, val[0], val[1], val[2], batch_size,
                                                 False, shard)
            val_run = lambda: test_loop(self, state, val_source, callback_list)  # noqa: E731
        callback_list = self._callbacks(callbacks, val is not None, batch_size, epochs,
                                        steps_per_epoch, samples, verbose,
                                        'steps' if steps_per_epoch else 'samples')
        _set_validation_data(callback_list, model_data.callback_validation_data(state, val))
        if val is not None and verbose and callback_list.params.get('verbose'):
            print('Train on %d samples, validate on %d samples'
                  % (n, data_adapters.num_samples(val[0])))
        return fit_loop(self, state, source, epochs, initial_epoch, callback_list,
                        val_run=val_run, validation_freq=validation_freq)

    def _validation_arrays(self, validation_data):
        x_val, y_val, sw_val = model_data.unpack_validation_data(validation_data)
        self._ensure_built_for(x_val)
        return model_data.prepare_arrays(self, compiled_state.of(self), x_val,
                                         y_val, sw_val)

    def _run_test(self, source, callbacks=None, progbar=None, count_samples=True,
                  close_source=True):
        return test_loop(self, compiled_state.of(self), source, callbacks=callbacks,
                         progbar=progbar, count_samples=count_samples,
                         close_source=close_source)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, max_queue_size=10, workers=1,
                 use_multiprocessing=False):
        """Loss and metrics on ``(x, y)``: a scalar, or a list (``metrics_names``)."""
        if is_generator_like(x):
            check_generator_arguments(y, sample_weight)
            return self.evaluate_generator(x, steps=steps, callbacks=callbacks,
                                           max_queue_size=max_queue_size, workers=workers,
                                           use_multiprocessing=use_multiprocessing,
                                           verbose=verbose)
        if batch_size is None and steps is None:
            batch_size = 32
        batch_size = data_checks.check_batch_size(batch_size, 'evaluate')
        data_checks.check_steps(steps, 'steps', 'evaluate')
        self._ensure_built_for(x)
        self._check_compiled('evaluating the model')
        state = compiled_state.of(self)
        xs, ys, sws = model_data.prepare_arrays(self, state, x, y, sample_weight)
        data_checks.check_num_samples(xs + ys, 'evaluate')
        n = data_adapters.num_samples(xs + ys)  # x may be None: Input(tensor=...)
        shard = self._data_shard()
        if batch_size is None:
            batch_size = max(1, -(-n // (int(steps) * (shard.world if shard else 1))))
        self._check_stateful_batch(n, batch_size)
        source = model_data.array_source(self, state, xs, ys, sws, batch_size, False, shard)
        progbar = None
        if verbose == 1 and (shard is None or shard.rank == 0):
            progbar = Progbar(target=source.local_samples)
        callback_list = self._callbacks(callbacks, False, batch_size, None, steps,
                                        source.local_samples, verbose, None, mode='test')
        values = test_loop(self, state, source, callback_list, progbar=progbar)
        return values[0] if len(values) == 1 else values

    # --------------------------------------------------------------- batches
    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, reset_metrics=True):
        """One gradient update on one batch; returns the loss (and metrics)."""
        self._ensure_built_for(x)
        self._check_compiled('training the model')
        state = compiled_state.of(self)
        xs, ys, sws = model_data.prepare_arrays(self, state, x, y, sample_weight, class_weight)
        data_checks.check_num_samples(xs + ys, 'train_on_batch')
        source = model_data.array_source(self, state, xs, ys, sws,
                                         max(1, data_adapters.num_samples(xs + ys)), False)
        xs_t, ys_t, sws_t, _, _ = next(source.epoch())
        self.train(True)
        steps = self._step_functions
        total, _ = steps.train(xs_t, ys_t, sws_t)
        values = [total] + steps.metric_values()
        result = [_numpy_scalar(v) for v in values]
        if reset_metrics:
            steps.reset_metrics()
        return result[0] if len(result) == 1 else result

    def test_on_batch(self, x, y, sample_weight=None, reset_metrics=True):
        """Loss (and metrics) on one batch, without training."""
        self._ensure_built_for(x)
        self._check_compiled('evaluating the model')
        state = compiled_state.of(self)
        xs, ys, sws = model_data.prepare_arrays(self, state, x, y, sample_weight)
        data_checks.check_num_samples(xs + ys, 'test_on_batch')
        source = model_data.array_source(self, state, xs, ys, sws,
                                         max(1, data_adapters.num_samples(xs + ys)), False)
        xs_t, ys_t, sws_t, _, _ = next(source.epoch())
        self.train(False)
        steps = self._step_functions
        total, _ = steps.test(xs_t, ys_t, sws_t)
        values = [total] + steps.metric_values()
        result = [_numpy_scalar(v) for v in values]
        if reset_metrics:
            steps.reset_metrics()
        return result[0] if len(result) == 1 else result

    # ------------------------------------------------------------ generators
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0, **kwargs):
        """Train on batches from a generator or ``keras.utils.Sequence``.

        Keras 1 spellings (``samples_per_epoch``, ``nb_epoch``,
        ``nb_val_samples``, ``nb_worker``, ``pickle_safe``, ``max_q_size``) are
        translated with a warning (:mod:`keras.legacy.generator_arguments`).
        """
        arguments = keras1_generator_arguments(self.fit_generator, generator, dict(
            steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
            callbacks=callbacks, validation_data=validation_data,
            validation_steps=validation_steps, validation_freq=validation_freq,
            class_weight=class_weight, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, shuffle=shuffle,
            initial_epoch=initial_epoch), kwargs)
        return generators.fit_generator(self, generator, **arguments)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0, **kwargs):
        """Loss and metrics over batches from a generator or ``Sequence``
        (Keras 1's ``val_samples``, ``nb_worker``... translated, with a warning)."""
        arguments = keras1_generator_arguments(self.evaluate_generator, generator, dict(
            steps=steps, callbacks=callbacks, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, verbose=verbose), kwargs)
        return generators.evaluate_generator(self, generator, **arguments)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0, **kwargs):
        """Predictions for batches from a generator or ``Sequence`` (Keras 1's
        ``val_samples``, ``nb_worker``... translated, with a warning)."""
        arguments = keras1_generator_arguments(self.predict_generator, generator, dict(
            steps=steps, callbacks=callbacks, max_queue_size=max_queue_size, workers=workers,
            use_multiprocessing=use_multiprocessing, verbose=verbose), kwargs)
        return generators.predict_generator(self, generator, **arguments)

    def export(self, filepath, format=None, verbose=False):
        """Write the model for serving without Keras (Keras 3's spelling):
        ``format='onnx'`` (ONNX) or ``'torch'`` (a ``torch.export`` program,
        ``.pt2``), in inference mode with a dynamic batch dimension; see
        :mod:`keras.saving.export`."""
        # Deferred: keras.saving.export imports keras.models, which imports this module.
        from keras.saving.export import export_model
        return export_model(self, filepath, format=format, verbose=verbose)


def _numpy_scalar(value):
    """A 0-d tensor as a NumPy scalar of its dtype (``np.float32``), what Keras
    2's ``train_on_batch``/``test_on_batch`` returned (a session's fetch)."""
    return value.detach().reshape(()).cpu().numpy()[()]


def _missing(model, name):
    return AttributeError("'%s' object has no attribute '%s'" % (type(model).__name__, name))


def _set_validation_data(callback_list, arrays):
    for callback in callback_list:
        callback.validation_data = arrays


def _jit_option(value):
    """``compile(jit_compile=...)``: False, True or a ``torch.compile`` backend name."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return value
    raise ValueError('`jit_compile` must be True, False or the name of a torch.compile backend '
                     '(e.g. "inductor", "aot_eager"); got %r.' % (value,))
