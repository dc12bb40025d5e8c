"""From a model's symbolic inputs/outputs to its layers, nodes and a flat plan.

``map_graph`` reproduces Keras 2's ordering (nodes and layers by decreasing
depth); ``build_plan`` turns the nodes into an :class:`ExecutionPlan`, a list
of :class:`Step`s over numbered slots that ``Network.call`` walks with no
graph search at run time.
"""
from typing import NamedTuple

from keras.engine.layer_calls import call_arg_names
from keras.mixed_precision import execution as mp_execution
from keras.mixed_precision import policy as mp_policy

__all__ = ['map_graph', 'build_plan', 'ExecutionPlan', 'Step', 'node_key', 'get_source_inputs']


def node_key(layer, node_index):
    return layer.name + '_ib-' + str(node_index)


def map_graph(inputs, outputs, follow_reads=False, cut_at_inputs=False):
    """Return ``(network_node_keys, nodes_by_depth, layers, layers_by_depth)``.

    ``follow_reads``: also order each node after the tensors its layer's call
    reads besides its inputs (``_graph_reads``), as an execution plan must;
    the network's own layers are those its inputs connect, as in Keras 2.
    ``cut_at_inputs``: the inputs may be inner tensors of the graph (values
    fed to ``K.function``): what computes them is left out.

    Raises:
        ValueError: on cycles, disconnected graphs or duplicate layer names.
    """
    network_nodes = set()
    nodes_depths = {}
    layers_depths = {}
    layer_indices = {}
    nodes_in_decreasing_depth = []
    finished, in_progress = set(), set()
    cut = set(id(x) for x in inputs) if cut_at_inputs else ()

    def build_map(tensor, layer, node_index):
        if id(tensor) in cut:
            return
        node = layer._inbound_nodes[node_index]
        if node in in_progress:
            raise ValueError('The tensor %s at layer "%s" is part of a cycle.' % (tensor, layer.name))
        if node in finished:
            return
        network_nodes.add(node_key(layer, node_index))
        if layer not in layer_indices:
            layer_indices[layer] = len(layer_indices)
        in_progress.add(node)
        for x, inbound, idx in _dependencies(node, follow_reads):
            build_map(x, inbound, idx)
        finished.add(node)
        in_progress.remove(node)
        nodes_in_decreasing_depth.append(node)

    for x in outputs:
        layer, node_index, _ = x._keras_history
        build_map(x, layer, node_index)

    for node in reversed(nodes_in_decreasing_depth):
        depth = nodes_depths.setdefault(node, 0)
        depth = max(depth, layers_depths.get(node.outbound_layer, 0))
        layers_depths[node.outbound_layer] = depth
        nodes_depths[node] = depth
        for x, inbound, idx in _dependencies(node, follow_reads):
            if id(x) in cut:
                continue
            inbound_node = inbound._inbound_nodes[idx]
            nodes_depths[inbound_node] = max(depth + 1, nodes_depths.get(inbound_node, 0))

    nodes_by_depth = {}
    for node, depth in nodes_depths.items():
        nodes_by_depth.setdefault(depth, []).append(node)
    layers_by_depth = {}
    for layer, depth in layers_depths.items():
        layers_by_depth.setdefault(depth, []).append(layer)
    layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        group = sorted(layers_by_depth[depth], key=lambda l: layer_indices[l])
        layers_by_depth[depth] = group
        layers.extend(group)

    _check_computable(inputs, nodes_by_depth)
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError('The name "%s" is used %d times in the model. All layer names '
                             'should be unique.' % (name, names.count(name)))
    return network_nodes, nodes_by_depth, layers, layers_by_depth


def _check_computable(inputs, nodes_by_depth):
    computable = set(id(x) for x in inputs)
    seen_layers = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            layer = node.outbound_layer
            if layer is not None and node.inbound_layers:
                for x in node.input_tensors:
                    if id(x) not in computable:
                        raise ValueError('Graph disconnected: cannot obtain value for tensor %s '
                                         'at layer "%s". The following previous layers were '
                                         'accessed without issue: %s'
                                         % (x, layer.name, seen_layers))
            elif not node.inbound_layers:
                for x in node.input_tensors:
                    if id(x) not in computable and node.output_tensors[0] is x:
                        raise ValueError('Graph disconnected: cannot obtain value for tensor %s '
                                         'at layer "%s": it is an input the model was not '
                                         'given. Model inputs: %s' % (x, layer.name, inputs))
            for x in node.output_tensors:
                computable.add(id(x))
            seen_layers.append(layer.name)


def _dependencies(node, follow_reads):
    """``(tensor, layer, node_index)`` of what ``node`` needs computed first."""
    found = list(zip(node.input_tensors, node.inbound_layers, node.node_indices))
    if follow_reads:
        for t in node.outbound_layer.__dict__.get('_graph_reads', ()):
            layer, index, _ = t._keras_history
            found.append((t, layer, index))
    return found


class Step(object):
    """One layer call of the plan: where its inputs are and where outputs go."""
    __slots__ = ('layer', 'run', 'in_slots', 'out_slots', 'list_input', 'multi_output', 'kwargs',
                 'pass_training', 'pass_mask', 'in_mask_slots', 'out_mask_slots', 'reads',
                 'kind')

    # ``kind``: how the network runs the step.  The common cases (one tensor
    # in, one out, no call arguments, no masks) skip the general bookkeeping.
    GENERAL, PLAIN, WITH_TRAINING = 0, 1, 2

    def _classify(self):
        simple = (not self.list_input and not self.multi_output and not self.kwargs and
                  not self.pass_mask and self.out_mask_slots is None and not self.reads)
        if not simple:
            return Step.GENERAL
        return Step.WITH_TRAINING if self.pass_training else Step.PLAIN

    def __repr__(self):
        return 'Step(%s, %s -> %s)' % (self.layer.name, self.in_slots, self.out_slots)


class ExecutionPlan(NamedTuple):
    """A network's calls in order, over numbered value slots (see :func:`build_plan`).

    ``output_slots`` hold the outputs, then the ``extra_outputs`` given to
    ``build_plan``: the network puts ``n_losses`` symbolic loss terms there,
    then one tensor per name of ``metric_names`` (symbolic ``add_metric``s).
    """
    steps: list          # the Steps, in the order they run
    input_slots: list    # slot of each input
    output_slots: list   # slot of each output, then of each extra output
    n_slots: int         # number of value slots
    n_masks: int         # number of mask slots (0: no step makes a mask)
    n_losses: int = 0    # extra outputs that are loss terms
    metric_names: tuple = ()  # names of the extra outputs after the losses


def build_plan(inputs, outputs, nodes_by_depth, extra_outputs=()):
    """Flatten the nodes into steps over numbered slots.

    Returns an :class:`ExecutionPlan`; ``extra_outputs`` are further tensors
    (symbolic losses and metrics) whose slots follow the outputs' (the caller
    sets ``n_losses`` and ``metric_names`` with ``_replace``).
    """
    slots = {}

    def slot(t):
        if id(t) not in slots:
            slots[id(t)] = len(slots)
        return slots[id(t)]

    input_slots = [slot(x) for x in inputs]
    context = mp_policy.context_autocast_dtype()  # what the loops run the plan under
    mask_slots = {}
    steps = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if not node.inbound_layers:
                continue  # input layers: values are given
            layer = node.outbound_layer
            step = Step()
            step.layer = layer
            step.run = mp_execution.plan_call(layer, direct_call(layer), context)
            step.in_slots = [slot(x) for x in node.input_tensors]
            step.out_slots = [slot(x) for x in node.output_tensors]
            step.list_input = len(node.input_tensors) > 1 or _wants_list(node)
            step.multi_output = len(node.output_tensors) > 1 or _returns_list(node)
            step.kwargs = dict(node.arguments)
            names = call_arg_names(layer)
            step.pass_training = 'training' in names and 'training' not in step.kwargs
            has_in_mask = any(m is not None for m in node.input_masks)
            step.pass_mask = has_in_mask and 'mask' in names and 'mask' not in step.kwargs
            step.in_mask_slots = [mask_slots.get(id(x)) for x in node.input_tensors] \
                if has_in_mask else None
            # tensors of the graph the layer's call reads besides its inputs (a
            # Keras 2 loss layer using z_mean from its enclosing scope)
            step.reads = [(t, slot(t)) for t in layer.__dict__.get('_graph_reads', ())]
            out_masks = any(m is not None for m in node.output_masks)
            step.out_mask_slots = None
            if out_masks:
                step.out_mask_slots = []
                for x in node.output_tensors:
                    mask_slots[id(x)] = len(mask_slots)
                    step.out_mask_slots.append(mask_slots[id(x)])
            step.kind = step._classify()
            steps.append(step)
    output_slots = [slot(x) for x in list(outputs) + list(extra_outputs)]
    return ExecutionPlan(steps=steps, input_slots=input_slots, output_slots=output_slots,
                         n_slots=len(slots), n_masks=len(mask_slots))


def direct_call(layer):
    """What a plan step calls: ``layer.forward`` itself when calling the layer
    would add nothing (a plain Keras layer, already built, no torch hooks),
    else the layer (``__call__`` with hooks and checks)."""
    from keras.engine.base_layer import Layer  # base_layer imports this package
    plain = (type(layer).__call__ is Layer.__call__ and layer.built and
             not layer._forward_hooks and not layer._forward_pre_hooks)
    return layer.forward if plain else layer


def _wants_list(node):
    return getattr(node, '_list_input', False)


def _returns_list(node):
    return getattr(node, '_list_output', False)


def get_source_inputs(tensor, layer=None, node_index=None):
    """The ``Input`` tensors a symbolic tensor was computed from."""
    if not hasattr(tensor, '_keras_history'):
        return [tensor]
    if layer is None or node_index is None:
        layer, node_index, _ = tensor._keras_history
    if not layer._inbound_nodes:
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if not node.inbound_layers:
        return node.input_tensors
    source = []
    for x, inbound, idx in zip(node.input_tensors, node.inbound_layers, node.node_indices):
        for s in get_source_inputs(x, inbound, idx):
            if not any(s is t for t in source):
                source.append(s)
    return source
