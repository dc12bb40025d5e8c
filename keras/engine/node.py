"""A ``Node``: one call of a layer on symbolic tensors."""

__all__ = ['Node']


class Node(object):
    """Connects the tensors a layer was called on to the tensors it returned.

    Each time a layer is called on symbolic inputs it gains a node in
    ``layer._inbound_nodes``; the layers that produced the inputs gain the same
    node in their ``_outbound_nodes``.  ``node_indices[i]`` and
    ``tensor_indices[i]`` locate input ``i`` as output ``tensor_indices[i]`` of
    node ``node_indices[i]`` of ``inbound_layers[i]``.
    """

    def __init__(self, outbound_layer, inbound_layers, node_indices, tensor_indices,
                 input_tensors, output_tensors, input_masks, output_masks,
                 input_shapes, output_shapes, arguments=None):
        self.outbound_layer = outbound_layer
        self.inbound_layers = inbound_layers
        self.node_indices = node_indices
        self.tensor_indices = tensor_indices
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.input_masks = input_masks
        self.output_masks = output_masks
        self.input_shapes = input_shapes
        self.output_shapes = output_shapes
        self.arguments = arguments or {}
        for layer in inbound_layers:
            if layer is not None:
                layer._outbound_nodes.append(self)
        outbound_layer._inbound_nodes.append(self)

    def get_config(self):
        return {'outbound_layer': self.outbound_layer.name,
                'inbound_layers': [layer.name if layer is not None else None
                                   for layer in self.inbound_layers],
                'node_indices': self.node_indices,
                'tensor_indices': self.tensor_indices}

    def __repr__(self):
        return '<Node %s <- %s>' % (self.outbound_layer.name,
                                    [layer.name for layer in self.inbound_layers])
