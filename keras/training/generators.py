"""``fit_generator``/``evaluate_generator``/``predict_generator``: the loops of
:mod:`keras.training.epoch_loop` fed by a Python generator or a
``keras.utils.Sequence``.

``fit_generator`` and ``evaluate_generator`` (Keras 2.3.1's signatures, also
at ``keras.engine.training_generator``) run on the model's
:class:`~keras.training.compiled_state.CompiledState`, which the first batch
may finish (a model built by its first data).
"""
import numpy as np

from keras.distribute import collectives, sharding
from keras.training import compiled_state, data_adapters, model_data
from keras.training.batch_sources import (GeneratorSource, is_generator_like,
                                          unpack_generator_output)
from keras.training.epoch_loop import fit_loop, predict_loop, test_loop
from keras.training.run_setup import callback_list as make_callback_list
from keras.training.run_setup import data_shard
from keras.utils.progbar import Progbar

__all__ = ['fit_generator', 'evaluate_generator', 'predict_generator']


def _converter(model, state, class_weight=None):
    """Standardize one generator batch and move it to the device."""

    def convert(x, y, sw):
        model._ensure_built_for(x)
        xs, ys, sws = model_data.prepare_arrays(model, state, x, y, sw, class_weight)
        rows = data_adapters.num_samples(xs)
        source = model_data.array_source(model, state, xs, ys, sws, max(rows, 1), False)
        return next(source.epoch())
    return convert


def fit_generator(model, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                  validation_data=None, validation_steps=None, validation_freq=1,
                  class_weight=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                  shuffle=True, initial_epoch=0):
    compiled_state.check_compiled(model, 'training the model')
    state = compiled_state.of(model)
    shard = data_shard(model)
    source = GeneratorSource(generator, steps_per_epoch, _converter(model, state, class_weight),
                             workers=workers, use_multiprocessing=use_multiprocessing,
                             max_queue_size=max_queue_size, shuffle=shuffle,
                             where='fit_generator', shard=shard)
    sequence = generator if source.is_sequence and workers == 0 else None
    val_source, val_arrays = None, None
    if validation_data is not None:
        if is_generator_like(validation_data):  # one reader for every epoch, as Keras 2.3.1
            val_source = GeneratorSource(validation_data, validation_steps,
                                         _converter(model, state),
                                         workers=workers,
                                         use_multiprocessing=use_multiprocessing,
                                         max_queue_size=max_queue_size,
                                         where='validation generator', shard=shard)
        else:
            x_val, y_val, sw_val = model_data.unpack_validation_data(validation_data)
            model._ensure_built_for(x_val)
            val = model_data.prepare_arrays(model, state, x_val, y_val, sw_val)
            val_source = model_data.array_source(model, state, val[0], val[1], val[2], 32, False,
                                                 shard)
            val_arrays = model_data.callback_validation_data(state, val)
    callback_list = make_callback_list(model, callbacks, val_source is not None, None, epochs,
                                       source.steps, None, verbose, 'steps')
    if val_arrays is not None:  # (Keras 2.3.1 sets it for arrays only)
        for callback in callback_list:
            callback.validation_data = val_arrays
    val_run = None
    if val_source is not None:
        def val_run():
            return test_loop(model, state, val_source, callback_list,
                             count_samples=val_arrays is not None, close_source=False)
    try:
        return fit_loop(model, state, source, epochs, initial_epoch, callback_list,
                        val_run=val_run, validation_freq=validation_freq, sequence=sequence)
    finally:
        if getattr(val_source, 'close', None) is not None:
            val_source.close()


def evaluate_generator(model, generator, steps=None, callbacks=None, max_queue_size=10,
                       workers=1, use_multiprocessing=False, verbose=0):
    compiled_state.check_compiled(model, 'evaluating the model')
    state = compiled_state.of(model)
    shard = data_shard(model)
    source = GeneratorSource(generator, steps, _converter(model, state), workers=workers,
                             use_multiprocessing=use_multiprocessing,
                             max_queue_size=max_queue_size, where='evaluate_generator',
                             shard=shard)
    progbar = None
    if verbose == 1 and (shard is None or shard.rank == 0):
        progbar = Progbar(target=source.steps)
    callback_list = make_callback_list(model, callbacks, False, None, None, source.steps, None,
                                       verbose, None, mode='test')
    values = test_loop(model, state, source, callback_list, progbar=progbar, count_samples=False)
    return values[0] if len(values) == 1 else values


def predict_generator(model, generator, steps=None, callbacks=None, max_queue_size=10,
                      workers=1, use_multiprocessing=False, verbose=0):
    """Predictions for every batch of ``generator``, concatenated in its order.

    With several processes each rank predicts every ``world``-th batch and the
    results are gathered, so every rank returns all of them, in order.
    """
    shard = data_shard(model)
    source = GeneratorSource(generator, steps, None, workers=workers,
                             use_multiprocessing=use_multiprocessing,
                             max_queue_size=max_queue_size, where='predict_generator',
                             shard=shard)
    if source.rank_local:
        raise ValueError('predict: this DataLoader uses a DistributedSampler, so each process '
                         'reads a different part of the data and the predictions cannot be '
                         'put back in order. predict splits the batches over the processes '
                         'itself: pass a DataLoader without a DistributedSampler.')
    progbar = None
    if verbose == 1 and (shard is None or shard.rank == 0):
        progbar = Progbar(target=source.steps)
    callback_list = make_callback_list(model, callbacks, False, None, None, source.steps, None,
                                       verbose, None, mode='predict')
    try:
        outs = predict_loop(model, _input_batches(model, source), callback_list, progbar,
                            count_samples=False)
    finally:
        source.close()
    # per batch, its output arrays
    batches = [] if outs is None else [[out[b].cpu().numpy() for out in outs]
                                       for b in range(len(outs[0]))]
    if shard is not None:  # global batch g was predicted by rank g % world
        parts = collectives.all_gather_objects(batches, what='gathering the predictions')
        batches = [parts[g % shard.world][g // shard.world]
                   for g in range(source.global_steps)]
    if not batches:
        return []
    result = [np.concatenate([b[i] for b in batches], axis=0) for i in range(len(batches[0]))]
    return result[0] if len(result) == 1 else result


def _input_batches(model, source):
    """The inputs of each generator item as tensors on the model's device
    (None for a step this process has no batch for)."""
    for item in source.items():
        if item is sharding.EMPTY_STEPS:
            yield None
            continue
        if isinstance(item, tuple) and len(item) in (2, 3):
            x = unpack_generator_output(item, 'predict_generator')[0]
        elif source.is_loader and isinstance(item, tuple) and len(item) == 1:
            x = item[0]  # (a TensorDataset of the inputs alone)
        else:
            x = item
        model._ensure_built_for(x)
        xs = model_data.standardize_inputs(model, x)
        yield data_adapters.to_device(xs, model_data.input_dtypes(model), model._model_device())
