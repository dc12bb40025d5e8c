"""One training step and one test step, as plain tensor functions.

``train_step`` = forward, weighted losses + regularization, gradients,
optimizer update, constraints, metric updates.  Everything stays on the
device: no ``.item()``, no NumPy, no graph search (the exceptions: dynamic
loss scaling reads one overflow flag per step).  The loss values are
returned as 0-d tensors for the caller to read when it wants.
"""
import types
import warnings
import weakref

import torch

from keras import distribute
from keras import metrics as metrics_module
from keras.backend import session as K_session
from keras.distribute import collectives
from keras.distribute.ddp_step import DDPStep
from keras.engine import layer_tracking
from keras.engine.base_layer import collect_call_losses, collect_call_metrics
from keras.mixed_precision import LossScaleOptimizer
from keras.mixed_precision import policy as mp_policy
from keras.backend import graph_hooks, immutable_tensors
from keras.training import compile_outputs, graph_losses, inference_grad
from keras.training.compiled_or_eager import CompiledStep
from keras.training.compile_outputs import weighted_loss

__all__ = ['StepFunctions', 'predict_step', 'full_precision']

# The step functions whose trainable set the parameters' ``requires_grad``
# flags follow now.  Models may share layers (a GAN's discriminator is trained
# alone and frozen inside the combined model): each training step claims the
# flags for its own compiled weights before it runs.  (A weak reference: it
# must not keep a model alive.)
_grad_flags_owner = None


def _mark_trainable(model, params):
    """Autograd for ``params`` (a compiled model's trainable weights) and for
    none of the model's other floating parameters."""
    trainable = set(id(p) for p in params)
    for p in model.parameters():
        if p.dtype.is_floating_point:
            p.requires_grad_(id(p) in trainable)


def _release_grad_flags(steps):
    global _grad_flags_owner
    if _grad_flags_owner is not None and _grad_flags_owner() is steps:
        _grad_flags_owner = None


class StepFunctions(object):
    """The compiled model's step functions (rebuilt by each ``compile``).

    Args:
        targets: the compiled ``OutputTarget`` of each output.
        params: the trainable weights the training step updates (those of
            the model when it was compiled).
        jit_compile: False, True (``torch.compile`` with inductor), or the name
            of a ``torch.compile`` backend (``'inductor'``, ``'aot_eager'``...).
            In one process the whole training step (forward pass, losses,
            backward pass, update, metrics) is compiled; with several the
            forward pass and losses (and so their backward pass) are, and the
            gradient average and the update run eagerly.
    """

    def __init__(self, model, targets, optimizer, params, jit_compile=False):
        self.model = model
        self.targets = targets
        self.optimizer = optimizer
        self.jit_compile = jit_compile
        self._compiled = {}
        self._graph_values = None  # the values graph_losses kept in the last forward pass
        self.jit_choice = {}  # step name -> 'compiled' or 'eager' (jit_compile=True)
        self._loss_scaler = None
        self._feeds_loss = None  # whether the optimizer's update reads the loss value
        self._ddp = None  # DDPStep, made at the first step with several processes
        self.params = list(params)
        self._weights_checked = True  # (consistent now)
        self._claim_grad_flags()
        # The first step claims the flags again and compares the trainable weights
        # with those collected now (2.3.1 warned when `trainable` changed since).
        self._weights_checked = False
        _release_grad_flags(self)
        self.constraints = _collect_constraints(model, self.params)
        # What layers may change in their own calls during a step: the state of
        # ``model.updates`` (frozen BatchNormalization keeps its statistics).
        self.update_variables = frozenset(layer_tracking.trainable_update_variables(model))
        self.want_masks = any(o._keras_mask is not None for o in model.outputs)
        # Losses reading other tensors of the model (WGAN-GP): None for the others
        self.graph_losses = graph_losses.analyse(model, targets)
        if jit_compile and self.graph_losses is not None and self.graph_losses.wrt:
            warnings.warn('jit_compile is off for model %s: its loss differentiates '
                          'K.gradients again (a gradient penalty), which torch.compile '
                          'cannot compile; its steps run eagerly.' % model.name)
            self.jit_compile = False
        # name -> metric of the values reported with add_metric: a Mean of them, or the
        # Metric object that made them (its own running result is reported, as Keras 2.3.1)
        self.added_metrics = {}
        self._metric_sources = set()  # names whose metric is such a Metric object
        self._ambiguous_metrics = set()  # names of several Metric attributes: an error
        for name, metric in compile_outputs.attribute_metrics(model):
            if name in self.added_metrics:
                self._ambiguous_metrics.add(name)
            else:
                self._added_metric(name, metric)
        for name, t in model.symbolic_metrics() if model._is_graph_network else []:
            self._added_metric(name, getattr(t, '_metric_obj', None))

    def _claim_grad_flags(self):
        global _grad_flags_owner
        if _grad_flags_owner is None or _grad_flags_owner() is not self:
            _mark_trainable(self.model, self.params)
            _grad_flags_owner = weakref.ref(self)
            if not self._weights_checked:  # once per compile, before training
                self._weights_checked = True
                self.model._check_trainable_weights_consistency()

    def _added_metric(self, name, source=None):
        metric = self.added_metrics.get(name)
        if metric is None:
            if source is not None:
                self._metric_sources.add(name)
            metric = source if source is not None else metrics_module.Mean(name=name)
            self.added_metrics[name] = metric
            if name not in self.model.metrics_names:
                self.model.metrics_names.append(name)
        elif name in self._ambiguous_metrics:
            raise ValueError('Please provide different names for the metrics you have added: '
                             'model %s has several Metric objects named "%s".'
                             % (self.model.name, name))
        return metric

    def _losses(self, ys, sws, outputs, masks):
        per_output = []
        total = None
        for i, target in enumerate(self.targets):
            if not target.has_loss:
                per_output.append(None)
                continue
            sw = sws[i] if sws is not None else None
            mask = masks[i] if masks is not None else None
            if mask is not None:
                mask = mask.to(outputs[i].dtype)
                sw = mask if sw is None else sw * mask
            value = weighted_loss(target.loss_fn, ys[i], outputs[i], sw)
            per_output.append(value)
            weighted = value if target.loss_weight == 1. else value * target.loss_weight
            total = weighted if total is None else total + weighted
        if total is None:
            total = torch.zeros((), device=outputs[0].device)
        return total, per_output

    def _forward(self, xs, ys, sws, training):
        model = self.model
        with collect_call_losses() as call_losses, collect_call_metrics() as reported:
            with mp_policy.autocast(_device_of(xs)):
                if self.graph_losses is None:
                    outputs, extra, masks = model.run_graph(xs, training=training,
                                                            want_masks=self.want_masks)
                else:
                    outputs, extra, masks, values = self.graph_losses.run(
                        model, xs, training, self.want_masks)
            outputs = full_precision(outputs)
            if self.graph_losses is None:
                total, per_output = self._losses(ys, sws, outputs, masks)
            else:
                with graph_hooks.forward_values(values):
                    total, per_output = self._losses(ys, sws, outputs, masks)
                self._graph_values = values  # (for the metrics of this batch)
            for t in extra:
                total = total + t.mean() if t.dim() else total + t
            for t in call_losses:
                total = total + (t.sum() if t.dim() else t)
            for t in model.regularization_losses():
                total = total + t
        with torch.no_grad():
            for name, value in reported:
                metric = self._added_metric(name, getattr(value, '_metric_obj', None))
                if name not in self._metric_sources:
                    metric.update_state(value.detach())
        return total, per_output, outputs, masks

    def train(self, xs, ys, sws, rows=None, total_rows=None):
        """Run one update; returns ``(total_loss, per_output_losses)``.

        With several processes (:mod:`keras.distribute`) the gradients are
        averaged over the ranks, weighted by ``rows`` (the batch's sample
        count, read from the data when None) over ``total_rows`` (the count of
        all ranks' batches of this step, summed over the ranks when None);
        ``xs=None`` is an empty step of a rank with no data left, which still
        joins the average.
        """
        self._claim_grad_flags()
        if distribute.is_distributed():
            return self._distributed_train_step(xs, ys, sws, rows, total_rows)
        if xs is None:
            return self._empty_train_step()
        return self._jitted('step', self._train_step)(xs, ys, sws)

    def _train_step(self, xs, ys, sws):
        """The whole step of one process (one graph under ``jit_compile``)."""
        total, per_output, outputs, masks = self._train_forward(xs, ys, sws)
        optimizer = self._optimizer()
        # Without trainable weights the update is empty but still counts
        # (``iterations``), as in Keras 2.3.1.
        try:
            grads = self._gradients(total, optimizer) if self.params else []
        except RuntimeError as e:  # ``a *= mask`` in a layer's call: see immutable_tensors
            if not immutable_tensors.is_refusal(e) or not immutable_tensors.adopt(self.model):
                raise
            total, per_output, outputs, masks = self._train_forward(xs, ys, sws)
            grads = self._gradients(total, optimizer)
        self._apply(grads, optimizer, total)
        with torch.no_grad():
            self._update_metrics(ys, sws, outputs, masks, per_output)
        return total.detach(), [None if v is None else v.detach() for v in per_output]

    def _distributed_train_step(self, xs, ys, sws, rows, total_rows):
        """The step with the gradients averaged by DDP during the backward pass
        (see :mod:`keras.distribute.ddp_step`); ``xs=None``: this rank has no
        batch but joins the average with weight 0."""
        optimizer = self._optimizer()
        if not self.params:
            return self._empty_train_step() if xs is None else self._train_step(xs, ys, sws)
        if rows is None:
            rows = 0 if xs is None else int(next(t for t in xs if t is not None).shape[0])
        if self._ddp is None:
            self._ddp = DDPStep(self.model, lambda *batch: self._jitted(
                'forward', self._train_forward)(*batch))
        scale = optimizer.get_scaled_loss if isinstance(optimizer, LossScaleOptimizer) else None
        total, per_output, outputs, masks = self._ddp.run(xs, ys, sws, rows, scale,
                                                          total_rows=total_rows)
        grads = [p.grad for p in self.params]
        for p in self.params:
            p.grad = None
        loss = None
        if self._optimizer_reads_loss(optimizer):
            loss = _global_loss(total, rows, total_rows)
        self._apply(grads, optimizer, loss)
        if xs is None:
            return torch.zeros((), device=total.device), [None] * len(self.targets)
        with torch.no_grad():
            self._update_metrics(ys, sws, outputs, masks, per_output)
        return total.detach(), [None if v is None else v.detach() for v in per_output]

    def _train_forward(self, xs, ys, sws):
        # (scopes made here, not kept: torch.compile traces only local ones)
        with K_session.learning_phase_scope(1), \
                K_session.in_call_updates_scope(self.update_variables):
            return self._forward(xs, ys, sws, True)

    def _optimizer(self):
        """The optimizer of this step: a :class:`LossScaleOptimizer` wrapping the
        model's under the ``'mixed_float16'`` policy."""
        if isinstance(self.optimizer, LossScaleOptimizer) or \
                not mp_policy.wants_loss_scaling(self.model):
            return self.optimizer
        if self._loss_scaler is None:
            self._loss_scaler = LossScaleOptimizer(self.optimizer)
        return self._loss_scaler

    def _gradients(self, total, optimizer):
        if not total.requires_grad:
            raise ValueError(
                'Model %s: the loss does not depend on any trainable weight, so there is no '
                'gradient to train with (Keras 2: "An operation has `None` for gradient"). '
                'Check that the loss (or add_loss term) is computed from the model\'s '
                'outputs or weights.' % self.model.name)
        if isinstance(optimizer, LossScaleOptimizer):
            total = optimizer.get_scaled_loss(total)
        return list(torch.autograd.grad(total, self.params, allow_unused=True))

    def _jitted(self, name, fn):
        """``fn``, or its ``torch.compile``d version under ``jit_compile`` (from
        the second call: the first, eager, one creates the optimizer state and
        the execution plans the compiled graph then reads), for the batch
        shapes that pay for a program (:mod:`keras.training.compiled_or_eager`).
        With ``jit_compile=True`` in one process the compiled version is
        timed against ``fn`` once compiled and kept only if it is faster
        (``self.jit_choice[name]`` says which was kept); a named backend is
        always used."""
        if not self.jit_compile:
            return fn
        step = self._compiled.get(name)
        if step is None:
            on_choice = None
            if self.jit_compile is True and not distribute.is_distributed():
                def on_choice(kind):
                    self.jit_choice[name] = kind
                    if kind == 'eager':
                        self._compiled[name] = fn
            self._compiled[name] = CompiledStep(fn, _compile(fn, self.jit_compile), on_choice)
            return fn
        return step

    def _optimizer_reads_loss(self, optimizer):
        """Whether the optimizer's update reads the loss value (known at the
        first update: it traces a ``get_updates``)."""
        if self._feeds_loss is None:
            reads = getattr(optimizer, '_reads_loss', None)
            self._feeds_loss = bool(self.params and reads is not None and reads(self.params))
        return self._feeds_loss

    def _apply(self, grads, optimizer=None, loss=None):
        optimizer = optimizer or self.optimizer
        if self._optimizer_reads_loss(optimizer):
            optimizer.apply_gradients(self.params, grads, loss=self._fed_loss(loss, optimizer))
        else:
            optimizer.apply_gradients(self.params, grads)
        if self.constraints:
            with torch.no_grad():
                for p, c in self.constraints:
                    p.copy_(c(p))

    def _fed_loss(self, loss, optimizer):
        """The batch's loss for an optimizer whose ``get_updates`` reads it
        (with several processes: the loss over all ranks' batches)."""
        if loss is None:
            raise ValueError(
                '%s.get_updates reads the value of the loss, and this update of model %s '
                'has no batch to compute it from (a model without trainable weights).'
                % (type(getattr(optimizer, 'inner_optimizer', optimizer)).__name__,
                   self.model.name))
        return loss.detach()

    def _empty_train_step(self):
        device = self.params[0].device if self.params else torch.device('cpu')
        self._apply([], self._optimizer())  # (still counts the step)
        return torch.zeros((), device=device), [None] * len(self.targets)

    def test(self, xs, ys, sws):
        """Losses and metric updates without training."""
        with K_session.learning_phase_scope(0), K_session.in_call_updates_scope(()):
            training = bool(K_session.learning_phase())  # 1 after K.set_learning_phase(1)
            total, per_output, outputs, masks = inference_grad.run(
                self.model, lambda: self._forward(xs, ys, sws, training))
            with torch.no_grad():
                self._update_metrics(ys, sws, outputs, masks, per_output)
        return total, per_output

    def _update_metrics(self, ys, sws, outputs, masks, per_output):
        values, self._graph_values = self._graph_values, None
        if values is None:
            return self._update_metric_states(ys, sws, outputs, masks, per_output)
        # metric functions reading other tensors of the model get this batch's values
        detached = dict((k, v.detach() if isinstance(v, torch.Tensor) else v)
                        for k, v in values.items())
        with graph_hooks.forward_values(detached):
            self._update_metric_states(ys, sws, outputs, masks, per_output)

    def _update_metric_states(self, ys, sws, outputs, masks, per_output):
        for i, target in enumerate(self.targets):
            y_pred = outputs[i].detach()
            mask = masks[i] if masks is not None else None
            weights = mask.to(y_pred.dtype) if mask is not None else None
            if target.loss_metric is not None and per_output[i] is not None:
                target.loss_metric.update_state(per_output[i].detach())
            for _, metric in target.metrics:
                if weights is None and getattr(metric, 'has_plain_update', False):
                    metric._update_unweighted(ys[i], y_pred)  # (autograd is off here)
                else:
                    metric.update_state(ys[i], y_pred, sample_weight=weights)
            if target.weighted_metrics:
                sw = sws[i] if sws is not None else None
                if weights is not None:
                    sw = weights if sw is None else sw * weights
                for _, metric in target.weighted_metrics:
                    metric.update_state(ys[i], y_pred, sample_weight=sw)

    def metric_values(self):
        """Running values of the metrics after the loss, in ``metrics_names`` order."""
        values = []
        if len(self.targets) > 1:
            values += [t.loss_metric.result() for t in self.targets if t.loss_metric is not None]
        for t in self.targets:
            values += [m.result() for _, m in t.metrics]
            values += [m.result() for _, m in t.weighted_metrics]
        return values + [m.result() for m in self.added_metrics.values()]

    def reset_metrics(self):
        for t in self.targets:
            if t.loss_metric is not None:
                t.loss_metric.reset_states()
            for _, m in t.metrics + t.weighted_metrics:
                m.reset_states()
        for m in self.added_metrics.values():
            m.reset_states()


def _device_of(xs):
    for t in xs:
        if t is not None:
            return t.device
    return K_session.get_device()


def predict_step(model, batch, device):
    """The outputs of ``model`` for one batch of tensors on ``device``, in full
    precision: in the learning phase (0 unless ``K.set_learning_phase(1)``),
    without training updates (moving statistics stay as they are)."""
    with mp_policy.autocast(device), K_session.in_call_updates_scope(()):
        y, _, _ = model.run_graph(batch)
    return full_precision(y)


def _global_loss(total, rows, total_rows):
    """The loss over one step's batches of all ranks, as one process would
    compute it on their union: ``sum(loss_r * rows_r) / sum(rows_r)``."""
    weighted = (total.detach().float() * float(rows)).reshape(1)
    if total_rows is not None:  # (known to every rank: one value to sum)
        summed, = collectives.all_reduce_sum([weighted], what='averaging the loss')
        return (summed / max(float(total_rows), 1.))[0].to(total.dtype)
    count = torch.full((1,), float(rows), device=weighted.device)
    summed, count = collectives.all_reduce_sum([weighted, count], what='averaging the loss')
    return (summed / count.clamp_min(1.))[0].to(total.dtype)


def full_precision(tensors):
    """``tensors`` with float16/bfloat16 entries cast to float32 (mixed precision
    outputs, before the losses and metrics)."""
    return [t.float() if t is not None and t.dtype in (torch.float16, torch.bfloat16) else t
            for t in tensors]


def _own_code(fn):
    """``fn`` (a function or bound method) run by a code object of its own.

    Dynamo keeps its compiled programs on the code object, shared by every
    ``StepFunctions``: each model compiled with ``jit_compile`` adds one, and
    after ``torch._dynamo.config.recompile_limit`` of them (8) every later
    model would run eagerly, its programs counted against the limit even
    after the models that made them are gone.  A copy of the code per compiled
    step starts with an empty cache and takes its programs with it when the
    step functions go.
    """
    func = getattr(fn, '__func__', fn)
    copy = types.FunctionType(func.__code__.replace(), func.__globals__, func.__name__,
                              func.__defaults__, func.__closure__)
    copy.__kwdefaults__ = func.__kwdefaults__
    return copy if func is fn else types.MethodType(copy, fn.__self__)


def _compile(fn, option):
    """``torch.compile(fn)`` with the backend ``option`` names (True: inductor).

    Dynamo is allowed to trace ``torch.autograd.grad`` (where this PyTorch has
    the switch), so forward, backward, update and metrics become one graph.
    """
    backend = 'inductor' if option is True else option
    compiled = torch.compile(_own_code(fn), backend=backend, dynamic=False)
    config = torch._dynamo.config
    if hasattr(config, 'trace_autograd_ops'):
        compiled = config.patch(trace_autograd_ops=True)(compiled)
    return compiled


def _collect_constraints(model, params):
    wanted = set(id(p) for p in params)
    found = []
    seen = set()

    def visit(layer):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        for p, c in getattr(layer, '_constraints', []):
            if id(p) in wanted and c is not None:
                found.append((p, c))
        sub = layer.layers if hasattr(layer, '_is_graph_network') else layer._layers
        for child in sub:
            visit(child)
    visit(model)
    return found
