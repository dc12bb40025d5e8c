"""Keras 1 argument spellings of ``fit_generator``, ``evaluate_generator`` and
``predict_generator``, translated as Keras 2.3.1 did.

``samples_per_epoch`` becomes ``steps_per_epoch`` (divided by the
generator's ``batch_size`` when it has one, else taken as it is),
``val_samples`` becomes ``steps``, ``nb_val_samples`` ``validation_steps``,
``nb_epoch`` ``epochs``, ``nb_worker`` ``workers``, ``pickle_safe``
``use_multiprocessing`` and ``max_q_size`` ``max_queue_size``.  Keras 1 counted
samples where Keras 2 counts batches, so a call that uses those names also
gets a warning saying so.

    >>> model.fit_generator(gen, samples_per_epoch=1000, nb_epoch=5)
    ... # runs as model.fit_generator(gen, steps_per_epoch=1000, epochs=5)
"""
import inspect
import warnings

from keras.legacy.interfaces import convert_kwargs

__all__ = ['GENERATOR_LEGACY', 'keras1_generator_arguments']

GENERATOR_LEGACY = {'samples_per_epoch': 'steps_per_epoch', 'val_samples': 'steps',
                    'nb_epoch': 'epochs', 'nb_val_samples': 'validation_steps',
                    'nb_worker': 'workers', 'pickle_safe': 'use_multiprocessing',
                    'max_q_size': 'max_queue_size'}
_COUNTS = ('samples_per_epoch', 'val_samples', 'nb_epoch', 'nb_val_samples', 'nb_worker')


def keras1_generator_arguments(method, generator, arguments, kwargs):
    """``arguments`` (the named arguments of the bound ``method`` as called)
    with the Keras 1 spellings in ``kwargs`` translated into them.

    Raises:
        TypeError: for a keyword ``method`` does not know (in either
            spelling), or an argument given in both spellings.
    """
    if not kwargs:
        return arguments
    name = method.__name__
    kwargs = dict(kwargs)
    if 'samples_per_epoch' in kwargs and hasattr(generator, 'batch_size'):
        kwargs['samples_per_epoch'] = kwargs['samples_per_epoch'] // generator.batch_size
    if any(key in kwargs for key in _COUNTS):
        warnings.warn('The semantics of the Keras 2 arguments `steps_per_epoch`, `steps` and '
                      '`validation_steps` is not the same as that of the Keras 1 arguments '
                      '`samples_per_epoch`, `val_samples` and `nb_val_samples`: Keras 2 counts '
                      'batches drawn from the generator, not samples (steps_per_epoch = '
                      'samples_per_epoch / batch_size). Update your `%s` call accordingly.'
                      % name, stacklevel=3)
    table = {old: new for old, new in GENERATOR_LEGACY.items() if new in arguments}
    converted = convert_kwargs(name, kwargs, table)
    unknown = sorted(set(converted) - set(arguments))
    if unknown:
        raise TypeError('%s() got unexpected keyword arguments: %s' % (name, ', '.join(unknown)))
    defaults = inspect.signature(method).parameters
    arguments = dict(arguments)
    for key, value in converted.items():
        if arguments[key] is not defaults[key].default:
            raise TypeError('%s() got the argument `%s` twice: once in its Keras 1 spelling. '
                            'Pass only `%s`.' % (name, key, key))
        arguments[key] = value
    return arguments
