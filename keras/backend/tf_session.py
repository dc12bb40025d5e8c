"""``K.get_session()``: the TensorFlow session Keras 2 code reaches for.

There is no graph to hold a session here: tensors are computed eagerly and
symbolic ones through ``K.function``.  Keras 2 programs still write
``K.get_session().run(fetches, feed_dict)`` to evaluate outputs and apply
update ops, and ``K.set_session(tf.Session(config=...))`` to tune TensorFlow;
:class:`Session` answers the first with ``K.function`` and the second is
accepted (TensorFlow's settings have nothing to act on).

>>> x = K.placeholder(shape=(None, 2))
>>> K.get_session().run(K.sum(x), feed_dict={x: [[1., 2.]]})
3.0
"""
import contextlib
import warnings

import numpy as np
import torch

from keras.backend.backend_function import function
from keras.backend.session import learning_phase_scope
from keras.backend.update_ops import UpdateOp
from keras.backend.variables import to_numpy

__all__ = ['Session', 'get_session', 'set_session']


def _flatten(fetches):
    """``(flat list, rebuild(values))`` for a fetch, list, tuple or dict of them."""
    if isinstance(fetches, dict):
        keys = list(fetches)
        flat = [fetches[k] for k in keys]
        return flat, lambda values: dict(zip(keys, values))
    if isinstance(fetches, (list, tuple)):
        kind = type(fetches)
        return list(fetches), lambda values: kind(values)
    return [fetches], lambda values: values[0]


class Session(object):
    """Evaluates fetches as a TensorFlow 1 session did.

    ``run(fetches, feed_dict)``: fetches are symbolic tensors (placeholders,
    model outputs, ``K`` ops on them), variables or tensors (their value), or
    update ops (applied; ``None`` returned for them), alone or in lists,
    tuples and dicts; ``feed_dict`` maps placeholders (and
    ``K.learning_phase()``) to values.
    """

    graph = None

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        flat, rebuild = _flatten(fetches)
        feeds, phase = [], None
        for key, value in (feed_dict or {}).items():
            if getattr(key, '_is_keras_tensor', False):
                feeds.append((key, value))
            elif isinstance(key, (int, bool, np.integer)):
                phase = int(value)  # K.learning_phase() as a key
            else:
                raise ValueError('Session.run: feed_dict keys must be placeholders or symbolic '
                                 'inputs (or K.learning_phase()); got %r.' % (key,))
        is_update = [isinstance(f, UpdateOp) or (isinstance(f, (list, tuple)) and len(f) == 2
                                                 and isinstance(f[0], torch.Tensor)
                                                 and not isinstance(f[1], torch.Tensor))
                     for f in flat]
        outputs = [f for f, u in zip(flat, is_update) if not u and f is not None]
        updates = [f for f, u in zip(flat, is_update) if u]
        fn = function([k for k, _ in feeds], outputs, updates=updates)
        values = [v for _, v in feeds]
        if phase is not None:
            with learning_phase_scope(phase):
                results = fn(values)
        else:
            results = fn(values)
        results = iter(results)
        out = [None if (u or f is None) else _scalar(to_numpy(next(results)))
               for f, u in zip(flat, is_update)]
        return rebuild(out)

    def close(self):
        """Nothing to release."""

    def as_default(self):
        return contextlib.nullcontext(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


def _scalar(value):
    value = np.asarray(value)
    return value.item() if value.ndim == 0 else value


_SESSION = Session()


def get_session():
    """The session object Keras 2 code evaluates fetches with (see :class:`Session`)."""
    return _SESSION


def set_session(session):
    """Accepted: a TensorFlow session's configuration (GPU memory growth, thread
    counts) has nothing to act on here; ``K.get_session()`` keeps evaluating."""
    if session is not None and not isinstance(session, Session):
        warnings.warn('K.set_session: the TensorFlow session is not used (there is no '
                      'TensorFlow here); its configuration has no effect. Use '
                      'KERAS_DEVICE or keras.backend.set_device to choose the device, and '
                      'torch.set_num_threads for CPU threads.', stacklevel=2)
