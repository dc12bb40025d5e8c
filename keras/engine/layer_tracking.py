"""What a layer reports about its calls: losses and updates, per input.

Keras 2 kept, for each layer, the losses and updates each call added, keyed
by the inputs of that call (``None``: unconditional, such as weight
penalties).  A model reports those of the layer calls that belong to it, so
a layer shared by two models, or a model called on new inputs, counts each
call once.

Here the training step does not read these tables (it computes weight
penalties and collects activity losses during the forward pass); they are
filled when layers are called on symbolic tensors, once per graph built, and
answer ``layer.losses``, ``layer.updates``, ``get_losses_for`` and
``get_updates_for`` as Keras 2.3.1 did.  State that a layer's own call changes
(BatchNormalization's moving statistics, stateful RNN states) is reported as
:class:`~keras.backend.update_ops.UpdateOp`s with ``applied_in_call=True``
whose ``value`` is the call's output: computing it applies the update.
"""
from keras.backend import graph_hooks
from keras.backend.update_ops import UpdateOp
from keras.engine.keras_tensor import KerasTensor, is_keras_tensor

__all__ = ['table', 'inputs_key', 'record', 'lookup', 'all_entries', 'record_eager_losses',
           'unique_layers', 'unconditional_losses', 'conditional_losses',
           'all_conditional_losses', 'dedupe_losses', 'symbolic_training_losses',
           'network_losses', 'network_updates', 'layer_updates', 'updates_for',
           'in_call_update_variables', 'trainable_update_variables', 'record_call',
           'start_probe', 'probe_added']


def table(layer, name):
    """``layer``'s table ``name`` (created on first use)."""
    table = layer.__dict__.get(name)
    if table is None:
        table = layer.__dict__[name] = {}
    return table


def _as_list(inputs):
    return list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]


def inputs_key(inputs):
    """The key of a call's inputs (``None`` for unconditional entries)."""
    if inputs is None:
        return None
    inputs = _as_list(inputs)
    if not inputs:
        return None
    return tuple(id(x) for x in inputs)


def record(entries, inputs, values):
    """Append ``values`` under ``inputs`` in a layer's table ``entries`` (the
    inputs are kept alive with them, so that their ids are not reused while
    the entry exists)."""
    key = inputs_key(inputs)
    entry = entries.get(key)
    if entry is None:
        entry = entries[key] = (None if key is None else _as_list(inputs), [])
    entry[1].extend(values)


def lookup(entries, inputs):
    """The values recorded under ``inputs``."""
    entry = entries.get(inputs_key(inputs))
    return list(entry[1]) if entry is not None else []


def all_entries(entries, conditional_only=False):
    """Every value recorded (``conditional_only``: not those under ``None``)."""
    out = []
    for key, (_, values) in entries.items():
        if key is not None or not conditional_only:
            out.extend(values)
    return out


def record_eager_losses(layer, inputs, losses):
    """Losses of a call on real tensors outside a training step: only the latest
    call's are kept (as eager TensorFlow did), so that repeated calls do not
    accumulate."""
    entries = {}
    record(entries, inputs, losses)
    layer.__dict__['_eager_losses'] = entries


def unique_layers(layer):
    """``layer`` and its sub-layers (wrapped layers, cells, a model's layers),
    each once."""
    seen = set()
    order = []
    stack = [layer]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        order.append(current)
        stack.extend(reversed(current._layers))
    return order


def _own_unconditional_losses(layer):
    out = [reg(w) for w, reg in layer._regularizers]
    entry = table(layer, '_per_input_losses').get(None)
    if entry is not None:
        out += [v() if callable(v) and not is_keras_tensor(v) else v for v in entry[1]]
    return out


def unconditional_losses(layer):
    """Weight penalties and losses added without inputs, of ``layer`` and its
    sub-layers (each layer once, so a layer shared by nested models counts once)."""
    out = []
    for current in unique_layers(layer):
        out += _own_unconditional_losses(current)
    return out


def conditional_losses(layer, inputs):
    """Losses ``layer`` and its sub-layers recorded for calls on ``inputs``."""
    out = []
    for current in unique_layers(layer):
        out += lookup(table(current, '_per_input_losses'), inputs)
        eager = current.__dict__.get('_eager_losses')
        if eager:
            out += lookup(eager, inputs)
    return out


def all_conditional_losses(layer):
    """Every loss ``layer`` and its sub-layers recorded for their calls."""
    out = []
    for current in unique_layers(layer):
        out += all_entries(table(current, '_per_input_losses'), conditional_only=True)
        eager = current.__dict__.get('_eager_losses')
        if eager:
            out += all_entries(eager)
    return out


def dedupe_losses(losses):
    """Each tensor once (by identity); numbers are kept as they are."""
    seen = set()
    tensors, numbers = [], []
    for x in losses:
        if isinstance(x, (int, float)):
            numbers.append(x)
        elif id(x) not in seen:
            seen.add(id(x))
            tensors.append(x)
    return tensors + numbers


def symbolic_training_losses(layer):
    """The symbolic ``add_loss`` terms the training step computes (from the
    layer and its sub-layers)."""
    out = []
    for current in unique_layers(layer):
        out += [t for t in current._symbolic_losses if not any(t is x for x in out)]
    return out


def _network_node_inputs(network, layer):
    """Input tensors of each call of ``layer`` that belongs to ``network``."""
    # A true cycle: keras.engine.graph.plan imports keras.engine.layer_calls, which
    # imports this module.
    from keras.engine.graph import node_key
    owned = network._network_nodes
    return [node.input_tensors for i, node in enumerate(layer._inbound_nodes)
            if node_key(layer, i) in owned]


def network_losses(network):
    """Keras 2.3.1's ``Network.losses``: the losses of the layer calls that
    belong to the network, and every unconditional loss."""
    losses = []
    for layer in network.layers:
        if network._is_graph_network:
            for inputs in _network_node_inputs(network, layer):
                losses += layer.get_losses_for(inputs)
        else:
            losses += all_conditional_losses(layer)
    return dedupe_losses(losses + unconditional_losses(network))


def network_updates(network):
    """Keras 2.3.1's ``Network.updates``: updates of the layer calls that belong
    to the network, and unconditional ones; none when the network is frozen."""
    if not network.trainable and not network.stateful:
        return []
    updates = []
    for layer in network.layers:
        if network._is_graph_network:
            for inputs in _network_node_inputs(network, layer):
                updates += layer.get_updates_for(inputs)
            updates += layer.get_updates_for(None)
        else:
            updates += layer.updates
    return updates


def in_call_update_variables(layer, kwargs):
    """Variables the call of ``layer`` (and of the layers it wraps) changes
    itself; a layer says which through ``_in_call_update_variables(kwargs)``."""
    out = []
    for current in unique_layers(layer):
        hook = getattr(current, '_in_call_update_variables', None)
        if hook is not None and not hasattr(current, '_is_graph_network'):
            out += [v for v in hook(kwargs) if v is not None]
    return out


def record_call(layer, inputs, outputs, kwargs):
    """Record what a call on symbolic ``inputs`` adds: in-call updates,
    activity-regularization losses (and, for a model, those of its own layer
    calls, now conditional on the new inputs)."""
    first = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
    if hasattr(layer, '_is_graph_network') and layer._is_graph_network:
        _record_network_call(layer, inputs, first)
        return
    probe = layer.__dict__.pop('_probe', None) or (0, [])
    updates = [UpdateOp(v, first, 'assign', applied_in_call=True)
               for v in in_call_update_variables(layer, kwargs)]
    # ``K.update*`` in ``call`` changes the variable when the call runs
    updates += [UpdateOp(u.variable, first, u.mode, applied_in_call=True)
                if isinstance(u, UpdateOp) else u for u in probe[1]]
    if updates:
        record(table(layer, '_per_input_updates'), inputs, updates)
    losses = []
    regularizer = layer.activity_regularizer
    if regularizer is not None:
        def activity_regularization(y):
            return regularizer(y)
        losses += [_symbolic_loss(activity_regularization, y) for y in _as_list(outputs)]
    reads = list(layer.__dict__.get('_graph_reads', ()))
    for index in range(probe[0]):
        call_loss = _CallLoss(layer, kwargs, index, len(reads))
        losses.append(_symbolic_loss(call_loss, [inputs] + reads if reads else inputs))
    if losses:
        record(table(layer, '_per_input_losses'), inputs, losses)


def start_probe(layer):
    """Forget what an earlier run of ``layer.call`` on placeholder values added
    (shape inference runs it once or twice before the call is recorded)."""
    layer.__dict__['_probe'] = (0, [])


def probe_added(layer, losses=0, updates=()):
    """Note losses (a count) and updates ``layer.call`` added on placeholder
    values: :func:`record_call` reports them for the symbolic inputs."""
    count, found = layer.__dict__.get('_probe') or (0, [])
    layer.__dict__['_probe'] = (count + losses, found + list(updates))


def _symbolic_loss(fn, x):
    """``fn(x)`` as a graph op on the symbolic ``x``; a bare symbolic scalar
    when ``fn`` cannot run on placeholder values (the loss is reported, and
    computed in training all the same)."""
    try:  # through the hook: op_layer's TensorOp is a Layer, and base_layer imports us
        return graph_hooks.call_symbolically(fn, (x,), {})
    except ValueError:
        return KerasTensor((), 'float32', name='loss')


class _CallLoss(object):
    """The ``index``-th loss ``layer.call`` adds with ``add_loss`` on given
    inputs (a custom layer computing a loss in ``call``, e.g. a VAE's)."""

    __name__ = 'call_loss'

    def __init__(self, layer, kwargs, index, n_reads=0):
        self.layer = layer
        self.kwargs = dict(kwargs)
        self.index = index
        self.n_reads = n_reads  # then called on [inputs, *values of the tensors it reads]

    def __call__(self, inputs):
        # A true cycle: keras.engine.base_layer imports this module.
        from keras.engine.base_layer import collect_call_losses
        if not self.n_reads:
            with collect_call_losses() as found:
                self.layer.call(inputs, **self.kwargs)
            return found[self.index]
        reads = {id(t): v for t, v in zip(self.layer._graph_reads, inputs[1:])}
        with collect_call_losses() as found, graph_hooks.forward_values(reads):
            self.layer.call(inputs[0], **self.kwargs)
        return found[self.index]


def _record_network_call(network, inputs, first_output):
    updates, losses = [], []
    for layer in network.layers:
        for node_inputs in _network_node_inputs(network, layer):
            for op in layer.get_updates_for(node_inputs):
                if isinstance(op, UpdateOp) and op.applied_in_call:
                    op = UpdateOp(op.variable, first_output, op.mode, applied_in_call=True)
                updates.append(op)
            losses += [_alias(t) for t in layer.get_losses_for(node_inputs)]
    if updates:
        record(table(network, '_per_input_updates'), inputs, updates)
    if losses:
        record(table(network, '_per_input_losses'), inputs, losses)


def _alias(loss):
    """A new symbolic tensor with the value of ``loss`` (a model called on new
    inputs adds its layers' input-dependent losses again, as new tensors)."""
    if not isinstance(loss, KerasTensor):
        return loss
    return KerasTensor(loss.shape, loss.dtype, name=loss.name, history=loss._keras_history)


def layer_updates(layer):
    """``layer.updates``: every update it recorded, and its sub-layers'; none
    while the layer is frozen (``trainable=False``) and not stateful."""
    if not layer.trainable and not layer.stateful:
        return []
    out = all_entries(table(layer, '_per_input_updates'))
    for sub in layer._layers:
        out += sub.updates
    return out


def updates_for(layer, inputs):
    """``layer.get_updates_for(inputs)`` (``None``: the unconditional ones)."""
    if not layer.trainable and not layer.stateful:
        return []
    out = lookup(table(layer, '_per_input_updates'), inputs)
    for sub in layer._layers:
        out += sub.get_updates_for(inputs)
    return out


def trainable_update_variables(model):
    """Variables whose in-call updates ``model.updates`` holds: those of the
    layers reached through trainable layers only (2.3.1 dropped the updates
    of frozen layers and models)."""
    out = []
    seen = set()
    stack = [model]
    while stack:
        layer = stack.pop()
        if id(layer) in seen or not layer.trainable:
            continue
        seen.add(id(layer))
        hook = getattr(layer, '_in_call_update_variables', None)
        if hook is not None:
            out += [v for v in hook({}) if v is not None]
        stack.extend(layer._layers)
    return out
