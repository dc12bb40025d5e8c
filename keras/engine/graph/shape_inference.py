"""Static shapes through a network for new input shapes (models used as layers)."""
from keras.engine.layer_calls import is_shape_list

__all__ = ['graph_output_shapes']


def graph_output_shapes(network, input_shape):
    """Output shapes of ``network`` for inputs of ``input_shape`` (one or a list)."""
    shapes = [tuple(s) for s in input_shape] if is_shape_list(input_shape) else [tuple(input_shape)]
    if len(shapes) != len(network.inputs):
        raise ValueError('Model %s expects %d input(s), got shapes %s.'
                         % (network.name, len(network.inputs), input_shape))
    if all(tuple(s[1:]) == tuple(x.shape[1:]) for s, x in zip(shapes, network.inputs)):
        batch = shapes[0][0] if shapes[0] else None
        return [(batch,) + tuple(x.shape[1:]) for x in network.outputs]
    known = {id(x): s for x, s in zip(network.inputs, shapes)}
    for depth in sorted(network._nodes_by_depth, reverse=True):
        for node in network._nodes_by_depth[depth]:
            if not node.inbound_layers:
                continue
            in_shapes = [known[id(x)] for x in node.input_tensors]
            arg = in_shapes if getattr(node, '_list_input', False) else in_shapes[0]
            out = node.outbound_layer.compute_output_shape(arg)
            outs = list(out) if is_shape_list(out) else [out]
            for x, s in zip(node.output_tensors, outs):
                known[id(x)] = tuple(s)
    return [known[id(x)] for x in network.outputs]
