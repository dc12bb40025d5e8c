"""``compile(target_tensors=...)``: Keras 2's way to give a model fixed targets.

Each output's target is a tensor: a placeholder (``K.placeholder``, fed from
``y`` as usual) or a tensor with a value, e.g. ``K.variable(targets)``, which
is then the target of every batch, and ``y`` is not passed.
"""
from keras.backend import variables as K_variables

__all__ = ['resolve', 'fixed_targets']


def resolve(model, target_tensors):
    """One entry per output: the given tensor or None; checked as Keras 2.3.1 does."""
    if target_tensors is None:
        return None
    names = list(model.output_names)
    if isinstance(target_tensors, (list, tuple)):
        if len(target_tensors) != len(names):
            raise ValueError('When passing a list as `target_tensors`, it should have one '
                             'entry per model output. The model has %d outputs, but you passed '
                             'target_tensors=%s' % (len(names), target_tensors))
        found = list(target_tensors)
    elif isinstance(target_tensors, dict):
        for key in target_tensors:
            if key not in names:
                raise ValueError('Unknown entry in `target_tensors` dictionary: "%s". Only '
                                 'expected the following keys: %s' % (key, names))
        found = [target_tensors.get(name) for name in names]
    elif K_variables.is_tensor(target_tensors):
        if len(names) != 1:
            raise ValueError('The model has %d outputs, but you passed a single tensor as '
                             '`target_tensors`. Expected a list or a dict of tensors.'
                             % len(names))
        found = [target_tensors]
    else:
        raise TypeError('Expected `target_tensors` to be a tensor, a list of tensors or a '
                        'dict of tensors; got %r.' % (target_tensors,))
    for name, t in zip(names, found):
        if t is not None and not K_variables.is_tensor(t):
            raise TypeError('`target_tensors` for output %s must be a tensor (a variable or '
                            'a placeholder); got %r.' % (name, t))
    return found


def fixed_targets(given, output_names, y):
    """``y`` for the data preparation: the values of the fixed target tensors
    ``given`` (what :func:`resolve` returned: one per output, or None) when
    the model was compiled with some (then ``y`` must be None)."""
    fixed = [t if t is not None and not getattr(t, '_is_keras_tensor', False) else None
             for t in (given or [])]
    if not any(t is not None for t in fixed):
        return y
    if y is not None:
        raise ValueError('The model was compiled with `target_tensors` holding the targets; '
                         'do not pass `y` (got target data for outputs %s).'
                         % (output_names,))
    return [None if t is None else K_variables.to_numpy(t) for t in fixed]
