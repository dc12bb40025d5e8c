"""The symbolic training graph a Keras 2 program reads after ``compile``.

Keras 2 on TensorFlow built the loss as a graph tensor, and much code reads
it: gradients of the loss for saliency maps and adversarial examples,
per-weight gradient logging, hand-written update loops::

    grads = model.optimizer.get_gradients(model.total_loss, model.trainable_weights)
    f = K.function(model.inputs + model.targets + model.sample_weights
                   + [K.learning_phase()], grads)
    values = f([x, y, np.ones(len(x)), 0])

Here those tensors are made on first use after each ``compile`` (a model that
is only fit pays nothing): ``targets`` and ``sample_weights`` are placeholders
(one per output; None for an output without a loss) and ``total_loss`` is one
graph op computing the training step's own loss: the weighted, masked loss of
each output times its loss weight, the model's symbolic ``add_loss`` terms
and its weight penalties.
"""
from keras import backend as K
from keras.engine.graph.op_layer import TensorOp
from keras.engine.graph.slots import extract
from keras.training import compile_outputs

__all__ = ['TrainingGraph', 'of']


def of(model, state):
    """The :class:`TrainingGraph` of ``model``'s current compile, made once."""
    graph = getattr(state, 'training_graph', None)
    if graph is None:
        graph = state.training_graph = TrainingGraph(model, state)
    return graph


class TrainingGraph(object):
    """Targets, sample weights and the total loss of a compiled graph model,
    with 2.3.1's ``_feed_*`` lists (the placeholders a caller feeds)."""

    def __init__(self, model, state):
        if not model._is_graph_network:
            raise AttributeError(
                'Model %s is a subclassed model: it has no symbolic outputs, so no symbolic '
                '`targets`, `sample_weights` or `total_loss`. Compute the loss eagerly, or '
                'build the model with the functional API.' % model.name)
        self.targets, self.sample_weights = [], []
        self.feed_targets, self.feed_sample_weights = [], []
        self.feed_outputs, self.feed_output_names = [], []
        self.feed_output_shapes, self.feed_loss_fns = [], []
        fixed = state.target_tensors or [None] * len(model.outputs)
        for output, name, target, given in zip(model.outputs, model.output_names,
                                               state.targets, fixed):
            if not target.has_loss:
                self.targets.append(None)
                self.sample_weights.append(None)
                continue
            shape = K.int_shape(output)
            y = given if given is not None else K.placeholder(
                ndim=len(shape), dtype=K.dtype(output), name=name + '_target')
            self.targets.append(y)
            if given is not None and not K.is_placeholder(given):
                self.sample_weights.append(None)  # a fixed target: nothing is fed
                continue
            temporal = target.sample_weight_mode == 'temporal'
            weight = K.placeholder(ndim=2 if temporal else 1, dtype=K.floatx(),
                                   name=name + '_sample_weights')
            self.sample_weights.append(weight)
            self.feed_targets.append(y)
            self.feed_outputs.append(output)
            self.feed_output_names.append(name)
            self.feed_output_shapes.append(shape)
            self.feed_loss_fns.append(target.loss_fn)
            self.feed_sample_weights.append(weight)
        self.total_loss = _total_loss_tensor(model, state, self.targets, self.sample_weights)


class TotalLoss(TensorOp):
    """The op computing a compiled model's training loss (a scalar)."""

    def compute_output_shape(self, input_shape):
        return ()


def _total_loss_tensor(model, state, targets, sample_weights):
    masks = [getattr(o, '_keras_mask', None) for o in model.outputs]
    symbolic_losses = list(model._symbolic_loss_tensors())

    def total_loss(outputs, ys, sws, masks, extra):
        total = None
        for target, y_pred, y, sw, mask in zip(state.targets, outputs, ys, sws, masks):
            if not target.has_loss:
                continue
            if mask is not None:
                mask = mask.to(y_pred.dtype)
                sw = mask if sw is None else sw * mask
            value = compile_outputs.weighted_loss(target.loss_fn, y, y_pred, sw)
            value = value if target.loss_weight == 1. else value * target.loss_weight
            total = value if total is None else total + value
        if total is None:
            total = outputs[0].new_zeros(())
        for t in extra:
            total = total + (t.mean() if t.dim() else t)
        for t in model.regularization_losses():
            total = total + t
        return total

    args = [list(model.outputs), list(targets), list(sample_weights), masks, symbolic_losses]
    tensors = []
    args = [extract(a, tensors) for a in args]
    op = TotalLoss(total_loss, args, {}, name=None)
    op.name = 'loss/total_loss_%s' % op.name.rsplit('_', 1)[-1]
    return op(tensors if len(tensors) > 1 else tensors[0])
