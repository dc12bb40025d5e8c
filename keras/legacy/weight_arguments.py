"""``Layer.add_weight``'s arguments in the order Keras 2 has them, and in the
order Keras 1 and Keras 2.0 had them (shape first), which old custom layers use.

Keras 2.3.1 takes ``add_weight(name, shape, dtype, initializer, regularizer,
trainable, constraint)``. Keras 1 and 2.0 took ``add_weight(shape,
initializer, name, trainable, regularizer, constraint)``, and Keras 2.1-2.2
still accepted that through a legacy interface, so published layers call::

    self.W = self.add_weight((input_dim, units), initializer='glorot_uniform',
                             name='{}_W'.format(self.name))

A first positional argument that is a shape (a tuple or list) selects the old
order.
"""
import inspect

__all__ = ['add_weight_arguments', 'SIGNATURE']

_CURRENT = ('name', 'shape', 'dtype', 'initializer', 'regularizer', 'trainable', 'constraint')
_LEGACY = ('shape', 'initializer', 'name', 'trainable', 'regularizer', 'constraint')
_DEFAULTS = {'name': None, 'shape': None, 'dtype': None, 'initializer': None,
             'regularizer': None, 'trainable': True, 'constraint': None}

# Keras 2.3.1's signature, which ``add_weight(*args, **kwargs)`` shows to ``inspect``.
SIGNATURE = inspect.Signature(
    [inspect.Parameter('self', inspect.Parameter.POSITIONAL_OR_KEYWORD)] +
    [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=_DEFAULTS[name])
     for name in _CURRENT])


def add_weight_arguments(layer, args, kwargs):
    """``{argument: value}`` for ``layer.add_weight(*args, **kwargs)``.

    Raises:
        TypeError: for too many positional arguments, an unknown keyword, or an
            argument given both by position and by keyword.
    """
    legacy = bool(args) and isinstance(args[0], (tuple, list))
    order = _LEGACY if legacy else _CURRENT
    if len(args) > len(order):
        raise TypeError('add_weight on layer %s takes at most %d positional arguments (%s); '
                        'got %d.' % (layer.name, len(order), ', '.join(order), len(args)))
    found = dict(_DEFAULTS)
    found.update(zip(order, args))
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            raise TypeError('add_weight on layer %s got an unexpected keyword argument %r; '
                            'it takes %s.' % (layer.name, key, ', '.join(_CURRENT)))
        if key in order[:len(args)]:
            raise TypeError('add_weight on layer %s got multiple values for argument %r '
                            '(by position and by keyword).' % (layer.name, key))
        found[key] = value
    return found
