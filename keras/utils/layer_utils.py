"""Model summaries and weight counting (Keras 2.3.1's ``keras.utils.layer_utils``)."""
import numpy as np
import torch

from keras.engine import layer_weights
from keras.engine.graph import get_source_inputs
from keras.utils.conv_utils import convert_kernel

__all__ = ['count_params', 'print_summary', 'get_source_inputs', 'convert_all_kernels_in_model',
           'convert_dense_weights_data_format']


def count_params(weights):
    """Total number of scalars in a list of weights."""
    return int(sum(np.prod(tuple(w.shape)) for w in layer_weights.unique(weights)))


def _is_sequential_like(model):
    if model.__class__.__name__ == 'Sequential' or not model._is_graph_network:
        return True
    nodes = []
    for group in model._nodes_by_depth.values():
        if len(group) > 1 or (len(group) == 1 and len(group[0].inbound_layers) > 1):
            return False
        nodes += group
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if node in nodes) > 1:
            return False
    return True


def _row_printer(positions, print_fn):
    def print_row(fields):
        line = ''
        for i, field in enumerate(fields):
            if i > 0:
                line = line[:-1] + ' '
            line += str(field)
            line = line[:positions[i]]
            line += ' ' * (positions[i] - len(line))
        print_fn(line)
    return print_row


def _output_shape(layer):
    try:
        return layer.output_shape
    except (AttributeError, RuntimeError):
        return 'multiple'


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Print the layer table of a model, as ``model.summary()`` does.

    Args:
        model: a built model.
        line_length: total width (65 for sequential-like models, 98 otherwise).
        positions: column ends, as fractions of ``line_length`` or absolute.
        print_fn: where lines go (default ``print``).
    """
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        header = ['Layer (type)', 'Output Shape', 'Param #']
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        header = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to']
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    relevant_nodes = []
    if not sequential_like:
        for group in model._nodes_by_depth.values():
            relevant_nodes += group
    print_row = _row_printer(positions, print_fn)
    print_fn('Model: "%s"' % model.name)
    print_fn('_' * line_length)
    print_row(header)
    print_fn('=' * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        name = '%s (%s)' % (layer.name, layer.__class__.__name__)
        params = layer.count_params() if layer.built else 0
        if sequential_like:
            print_row([name, _output_shape(layer), params])
        else:
            connections = []
            for node in layer._inbound_nodes:
                if relevant_nodes and node not in relevant_nodes:
                    continue
                for inbound, node_index, tensor_index in zip(
                        node.inbound_layers, node.node_indices, node.tensor_indices):
                    connections.append('%s[%d][%d]' % (inbound.name, node_index, tensor_index))
            print_row([name, _output_shape(layer), params, connections[0] if connections else ''])
            for extra in connections[1:]:
                print_row(['', '', '', extra])
        print_fn(('=' if i == len(layers) - 1 else '_') * line_length)
    trainable = count_params(getattr(model, '_collected_trainable_weights', None)
                             or model.trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    print_fn('Total params: {:,}'.format(trainable + non_trainable))
    print_fn('Trainable params: {:,}'.format(trainable))
    print_fn('Non-trainable params: {:,}'.format(non_trainable))
    print_fn('_' * line_length)


def convert_all_kernels_in_model(model):
    """Flip convolution kernels between Theano and TensorFlow conventions."""
    conv_classes = {'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose'}
    with torch.no_grad():
        for layer in model.layers:
            if layer.__class__.__name__ in conv_classes:
                kernel = layer.kernel
                kernel.copy_(torch.as_tensor(convert_kernel(kernel.detach().cpu().numpy())))


def convert_dense_weights_data_format(dense, previous_feature_map_shape,
                                      target_data_format='channels_first'):
    """Reorder a Dense kernel that follows a Flatten when the data format changes."""
    kernel, *rest = dense.get_weights()
    for i in range(kernel.shape[1]):
        if target_data_format == 'channels_first':
            c, h, w = previous_feature_map_shape
            original = (h, w, c)
            ki = np.reshape(kernel[:, i], original)
            ki = np.transpose(ki, (2, 0, 1))
        else:
            h, w, c = previous_feature_map_shape
            original = (c, h, w)
            ki = np.reshape(kernel[:, i], original)
            ki = np.transpose(ki, (1, 2, 0))
        kernel[:, i] = np.reshape(ki, (np.prod(previous_feature_map_shape),))
    dense.set_weights([kernel] + rest)
