"""The evaluation plan behind ``K.function``: a network from a graph's sources.

Built once: the sources the targets depend on (the fed inputs, and variables
read by recorded ops, which feed themselves; a fed input may be an inner
tensor of the graph, such as a layer's output: its value then replaces what
would compute it, as a feed did in a TensorFlow session), a ``Network`` over
them, and
what ``K.gradients`` nodes in the graph differentiate with respect to, so
that only those values track autograd.
"""
import contextlib

import torch

from keras.backend import graph_hooks
from keras.backend import math_ops
from keras.backend import session as K_session
from keras.engine.graph import op_plan
from keras.engine.graph.sources import VariableInput, graph_sources
from keras.engine.graph.op_layer import TensorOp
from keras.engine.graph.slots import Slot
from keras.engine.network import Network

__all__ = ['GraphEvaluation']

_GRADIENTS = math_ops.gradients.__wrapped_backend_fn__


class _FedNetwork(Network):
    """The network of a ``K.function`` whose inputs may be inner tensors of the
    graph: their fed values replace what would compute them, as a feed did in
    a TensorFlow session."""
    _inner_inputs = True


class GraphEvaluation(object):
    """Evaluates ``targets`` from values of ``inputs``; see the module docstring.

    The first ``n_outputs`` targets (default: all) are results the caller may
    keep; the others (update values) may be overwritten by the next evaluation.
    """

    def __init__(self, inputs, targets, n_outputs=None):
        sources, layers = graph_sources(targets, fed=inputs)
        self.leaves = [s for s in sources if isinstance(s._keras_history[0], VariableInput)]
        missing = [s for s in sources if not any(s is x for x in inputs)
                   and not any(s is v for v in self.leaves)]
        if missing:
            raise ValueError('K.function: the outputs or updates depend on %s, which is not '
                             'among the function inputs %s. Add it to the inputs.'
                             % (', '.join(str(getattr(m, 'name', m)) for m in missing),
                                [getattr(x, 'name', x) for x in inputs]))
        self.n_inputs = len(inputs)
        self._analyse_gradients(inputs, layers)
        self.ops = None
        if not self.takes_gradients and op_plan.supports(layers):
            self.ops = op_plan.OpPlan(list(inputs) + self.leaves, list(targets), n_outputs)
            self.device = next((leaf._keras_history[0].variable.device
                                for leaf in self.leaves), K_session.get_device())
            return
        inner = [x for x in inputs if _is_inner(x)]
        for x in inner:
            if getattr(x, '_keras_mask', None) is not None:
                raise ValueError(
                    'K.function: the input %s carries a mask (from layer %s), and its mask '
                    'is computed from the tensors before it, which a value fed for %s does '
                    'not give. Feed the model\'s inputs instead.'
                    % (x.name, x._keras_history[0].name, x.name))
        self.network = (_FedNetwork if inner else Network)(list(inputs) + self.leaves,
                                                           list(targets))
        self.device = next((p.device for p in self.network.parameters()),
                           K_session.get_device())

    def _analyse_gradients(self, inputs, layers):
        """Which fed inputs and which variables ``K.gradients`` differentiates by."""
        self.takes_gradients = False
        self.grad_inputs = set()     # positions among the fed inputs
        self.all_inputs_grad = False  # a gradient by an inner tensor: every float input
        self.grad_variables = []
        # gradients of gradients: the inner ones must be differentiable
        self.nested_gradients = _nested_gradients(layers)
        for layer in layers:
            if not isinstance(layer, TensorOp) or layer.function is not _GRADIENTS:
                continue
            self.takes_gradients = True
            node = layer._inbound_nodes[0]
            wrt = layer._kwargs.get('variables', layer._args[1] if len(layer._args) > 1 else [])
            for item in wrt if isinstance(wrt, (list, tuple)) else [wrt]:
                if isinstance(item, Slot):
                    item = node.input_tensors[item.index]
                    index = next((i for i, x in enumerate(inputs) if x is item), None)
                    if index is not None:
                        self.grad_inputs.add(index)
                    elif isinstance(item._keras_history[0], VariableInput):
                        self._want_variable(item._keras_history[0].variable)
                    else:
                        self.all_inputs_grad = True
                elif isinstance(item, torch.nn.Parameter):
                    self._want_variable(item)

    def _want_variable(self, variable):
        if not any(variable is v for v in self.grad_variables):
            self.grad_variables.append(variable)

    def evaluate(self, feeds):
        """The targets' values for the fed tensors (in the order of the inputs)."""
        values = list(feeds) + [leaf._keras_history[0].variable for leaf in self.leaves]
        if self.ops is not None:
            return self.ops.run(values)
        training = bool(K_session.learning_phase())
        if not self.takes_gradients:
            with torch.no_grad():
                return self.network.run_graph(values, training=training)[0]
        for i in range(self.n_inputs):
            if (i in self.grad_inputs or self.all_inputs_grad) and \
                    values[i].is_floating_point():
                values[i] = values[i].detach().requires_grad_()
        flipped = [v for v in self.grad_variables
                   if not v.requires_grad and v.is_floating_point()]
        try:
            for v in flipped:
                v.requires_grad_(True)
            order = contextlib.nullcontext() if self.nested_gradients else \
                K_session.first_order_gradients()
            with torch.enable_grad(), order:
                return self.network.run_graph(values, training=training)[0]
        finally:
            for v in flipped:
                v.requires_grad_(False)


def _is_inner(tensor):
    """Whether ``tensor`` is computed by a layer (not an input or a placeholder)."""
    layer, node_index, _ = tensor._keras_history
    return bool(layer._inbound_nodes[node_index].inbound_layers)


def _nested_gradients(layers):
    """Whether a ``K.gradients`` op among ``layers`` differentiates a value
    computed from another one's result."""
    grads = [layer for layer in layers
             if isinstance(layer, TensorOp) and layer.function is _GRADIENTS]
    for layer in grads if len(grads) > 1 else ():
        stack, seen = list(layer._inbound_nodes[0].input_tensors), set()
        while stack:
            t = stack.pop()
            if id(t) in seen:
                continue
            seen.add(id(t))
            source, node_index, _ = t._keras_history
            if any(source is g for g in grads):
                return True
            node = source._inbound_nodes[node_index]
            if node.inbound_layers:
                stack.extend(node.input_tensors)
    return False


graph_hooks.register(graph_evaluation=GraphEvaluation)  # what K.function runs
