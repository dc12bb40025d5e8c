"""Let backend functions accept symbolic ``KerasTensor``s.

A backend function decorated with :func:`symbolic` runs as plain torch code on
real tensors.  Given a ``KerasTensor`` (from ``Input()`` or a layer output) it
instead records the call as a layer in the graph and returns a new
``KerasTensor``, so ``K.mean(model.output)`` or ``model.add_loss(K.sum(x))``
work as they did in Keras 2.
"""
import functools


def _is_keras_tensor(x):
    return getattr(x, '_is_keras_tensor', False)


def contains_keras_tensor(args, kwargs=None):
    for a in args:
        if _is_keras_tensor(a):
            return True
        if isinstance(a, (list, tuple)):
            for b in a:
                if _is_keras_tensor(b):
                    return True
    if kwargs:
        for a in kwargs.values():
            if _is_keras_tensor(a):
                return True
            if isinstance(a, (list, tuple)):
                for b in a:
                    if _is_keras_tensor(b):
                        return True
    return False


def symbolic(func):
    """Decorator: record ``func`` as a graph op when called on KerasTensors."""
    fn = func

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if contains_keras_tensor(args, kwargs):
            from keras.engine.op_layer import call_symbolically
            return call_symbolically(fn, args, kwargs)
        return fn(*args, **kwargs)

    wrapper.__wrapped_backend_fn__ = fn
    return wrapper
