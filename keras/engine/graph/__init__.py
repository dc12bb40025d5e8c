"""The layer graph and how it runs: from symbolic tensors to execution plans.

- :mod:`~keras.engine.graph.plan`: a network's nodes in Keras 2's order
  (``map_graph``) and the flat :class:`ExecutionPlan` that ``Network.call`` walks
  (``build_plan``).
- :mod:`~keras.engine.graph.shape_inference`: static output shapes of a network
  for new input shapes.
- :mod:`~keras.engine.graph.op_layer`: backend functions and tensor operators
  applied to symbolic tensors become :class:`TensorOp` layers, whose arguments
  keep :mod:`~keras.engine.graph.slots` where the symbolic inputs go.
- :mod:`~keras.engine.graph.layer_methods`: layer methods (``compute_mask``,
  ``get_initial_state``) called on symbolic tensors record graph ops.
- :mod:`~keras.engine.graph.sources`: ``K.placeholder`` and variables read by
  graph ops, the sources of backend graphs.
- :mod:`~keras.engine.graph.evaluation`: the plan behind ``K.function``;
  :mod:`~keras.engine.graph.op_plan` its lean form for graphs of backend ops
  only (an optimizer's ``get_updates``).

``op_layer``, ``sources`` and ``evaluation`` register what the backend needs in
:mod:`keras.backend.graph_hooks` when imported (``keras.engine`` imports them):
the backend imports nothing from the engine.  This ``__init__`` imports only
:mod:`~keras.engine.graph.plan`: the other modules need ``Layer``, whose module
imports ``layer_methods``.
"""
from keras.engine.graph.plan import (  # noqa: F401
    ExecutionPlan, Step, build_plan, direct_call, get_source_inputs, map_graph, node_key)

__all__ = ['ExecutionPlan', 'Step', 'build_plan', 'direct_call', 'get_source_inputs',
           'map_graph', 'node_key']
