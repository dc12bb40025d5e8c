"""What ``fit``/``evaluate``/``predict`` and their generator forms set up
before their loop: this process's share of the data and the callback list.

Example:
    >>> shard = data_shard(model, shuffle_seed=True)   # None in one process
    >>> callbacks = callback_list(model, [EarlyStopping()], False, 32, 10, None,
    ...                           1000, 1, 'samples')
"""
from keras import callbacks as cbks
from keras import distribute
from keras.distribute import training_sync

__all__ = ['data_shard', 'callback_list']


def data_shard(model, shuffle_seed=False):
    """This process's :class:`~keras.distribute.sharding.Shard` when several
    processes train together (joining the group the environment describes,
    as ``torchrun`` sets it up, and moving ``model`` to this rank's device),
    else None."""
    if distribute.maybe_initialize():
        training_sync.move_model_to_rank_device(model)
    return training_sync.data_shard(shuffle_seed)


def callback_list(model, callbacks, do_validation, batch_size, epochs, steps, samples,
                  verbose, count_mode, mode='train'):
    """The ``CallbackList`` of one run (the progress bar and ``History`` added;
    with several processes only rank 0's callbacks print or write files)."""
    callbacks, verbose = training_sync.rank_callbacks(list(callbacks or []), verbose)
    return cbks.configure_callbacks(callbacks, model, do_validation=do_validation,
                                    batch_size=batch_size, epochs=epochs,
                                    steps_per_epoch=steps, samples=samples,
                                    verbose=verbose, count_mode=count_mode, mode=mode)
