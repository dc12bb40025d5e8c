"""Keras 2 optimizers written with ``get_updates``: their graph, built once, run per step.

A Keras 2 optimizer subclass describes one training step as update ops:
``get_updates(loss, params)`` reads ``self.get_gradients(loss, params)`` and
returns ``K.update*`` ops over its variables.  Every ``get_updates`` runs in a
:class:`keras.backend.graph_scope.graph_scope`, so those expressions read the
variables each time the step runs.

``fit`` computes the loss and its gradients with autograd as for any
optimizer, then calls ``apply_gradients(params, grads)``.  For a ``get_updates``
optimizer that runs a :class:`GraphStep`: ``get_updates`` traced once (per list
of parameters) on a loss whose gradients are placeholders, compiled into a
``K.function`` that is fed the gradients of each batch, and the batch's loss
value when the updates read the loss itself (a loss-adaptive step size).
"""
import functools

import torch

from keras import backend as K
from keras.backend import graph_hooks
from keras.backend.backend_function import collect_updates
from keras.backend.graph_scope import graph_scope
from keras.backend.session import in_shape_probe
from keras.backend.update_ops import UpdateOp

__all__ = ['builds_graph', 'GraphStep', 'symbolic_gradients', 'fused_updates']


def builds_graph(get_updates):
    """Wrap a ``get_updates`` method so that it runs in a graph scope."""
    if getattr(get_updates, '_builds_graph', False):
        return get_updates

    @functools.wraps(get_updates)
    def wrapper(self, *args, **kwargs):
        with graph_scope():
            return get_updates(self, *args, **kwargs)
    wrapper._builds_graph = True
    return wrapper


class GraphStep(object):
    """One training step of a ``get_updates`` optimizer for fixed ``params``."""

    def __init__(self, optimizer, params):
        self.params = list(params)
        loss = K.placeholder(shape=(), name='loss')
        self.grads = [K.placeholder(shape=tuple(p.shape), dtype=K.dtype(p),
                                    name='gradient_%d' % i) for i, p in enumerate(self.params)]
        loss._gradient_feeds = dict((id(p), g) for p, g in zip(self.params, self.grads))
        updates = optimizer.get_updates(loss=loss, params=self.params)
        self.name = type(optimizer).__name__
        # Whether the updates read the loss value itself: then it is fed too.
        self.reads_loss = _reads(updates, loss)
        inputs = self.grads + [loss] if self.reads_loss else self.grads
        self.function = K.function(inputs, [], updates=updates)

    def run(self, grads, loss=None):
        """Apply the updates for ``grads`` (and the batch's ``loss``, a scalar
        tensor, when :attr:`reads_loss`)."""
        feeds = [g if g is not None else torch.zeros_like(p)
                 for p, g in zip(self.params, grads)]
        feeds = [g.detach() for g in feeds]
        if self.reads_loss:
            if loss is None:
                raise ValueError('%s.get_updates uses the value of the loss itself (not only '
                                 'its gradients): call apply_gradients(params, grads, loss=) '
                                 'with the loss of the batch.' % self.name)
            feeds.append(torch.as_tensor(loss, device=feeds[0].device if feeds else None)
                         .detach().float().reshape(()))
        self.function.run(feeds)


def _reads(updates, placeholder):
    """Whether the values of ``updates`` are computed from ``placeholder``."""
    # (keras.engine imports the optimizers, which import this module)
    from keras.engine.graph.sources import graph_sources
    values = [v for _, v, _ in collect_updates(updates) if graph_hooks.is_symbolic(v)]
    return any(s is placeholder for s in graph_sources(values)[0]) if values else False


def fed_gradients(loss, variables):
    """``K.gradients`` of the training step's loss placeholder: the gradient
    placeholders fed each batch."""
    feeds = loss._gradient_feeds
    out = []
    for v in variables:
        g = feeds.get(id(v))
        if g is None:
            raise ValueError('get_updates asked for the gradient of the loss with respect '
                             'to %r, which is not one of the parameters it was given; the '
                             'training step computes gradients for those only.'
                             % (getattr(v, '_keras_name', None) or getattr(v, 'name', v),))
        out.append(g)
    return out


graph_hooks.register(fed_gradients=fed_gradients)  # K.gradients of a GraphStep's loss


def symbolic_gradients(optimizer, loss, params):
    """Keras 2.3.1's ``get_gradients`` on a symbolic loss: ``K.gradients`` then
    ``clipnorm`` (one global norm) and ``clipvalue``, as graph ops."""
    grads = K.gradients(loss, params)
    if any(g is None for g in grads):
        raise ValueError('An operation has `None` for gradient. Please make sure that all '
                         'of your ops have a gradient defined (i.e. are differentiable).')
    clipnorm = getattr(optimizer, 'clipnorm', 0) or 0
    if clipnorm > 0:
        norm = K.sqrt(sum([K.sum(K.square(g)) for g in grads]))
        grads = [_clip_by_norm(g, clipnorm, norm) for g in grads]
    clipvalue = getattr(optimizer, 'clipvalue', 0) or 0
    if clipvalue > 0:
        grads = [K.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def _clip_by_norm(g, c, n):
    return K.switch(K.greater_equal(n, c), g * c / n, g)


def fused_updates(optimizer, loss, params):
    """A built-in optimizer's ``get_updates``: one op running its fused update
    (clipping included) on the gradients, when a function runs the updates."""
    from keras._optimizer_base import Optimizer
    if not params:
        return []
    grads = optimizer.get_gradients(loss, params)  # (may be overridden, as wrappers do)
    optimizer._build_state(params)
    # Hyper-parameters a wrapper set to symbolic values (``lr * multiplier``):
    # computed with the gradients, in place of the variables during the update.
    scalars = optimizer.__dict__.get('_scalars', {})
    symbolic = [(name, optimizer.__dict__[name]) for name in scalars
                if not isinstance(optimizer.__dict__.get(name), torch.Tensor)]

    # The base update counts the step as an update op, applied with the others:
    # ops of the same evaluation read ``iterations`` before the step, as in Keras 2.
    counts_apart = type(optimizer).apply_gradients is Optimizer.apply_gradients
    update = optimizer._update_params if counts_apart else optimizer.apply_gradients

    def fused_step(*values):
        if not in_shape_probe():
            for (name, _), value in zip(symbolic, values[len(params):]):
                object.__setattr__(optimizer, name, value)
            try:
                update(params, list(values[:len(params)]))
            finally:
                for name, _ in symbolic:
                    object.__setattr__(optimizer, name, scalars[name])
        return torch.zeros((), device=params[0].device)
    fused_step.__name__ = '%s_update' % type(optimizer).__name__.lower()
    done = graph_hooks.call_symbolically(fused_step, list(grads) + [v for _, v in symbolic], {})
    done._updates_variables = list(params)  # (for K.control_dependencies on this update)
    marker = optimizer.__dict__.get('_update_marker')
    if marker is None:
        marker = optimizer.__dict__['_update_marker'] = K.variable(0.)
    updates = [UpdateOp(marker, done, 'assign')]
    if counts_apart:
        updates.append(UpdateOp(optimizer.iterations, 1, 'add'))
    return updates
