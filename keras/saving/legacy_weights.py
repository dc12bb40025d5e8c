"""Old weight layouts in HDF5 files, converted to the current layers' layouts.

Everything Keras 2.3.1's ``preprocess_weights_for_loading`` converts lives
here, in one place:

- Keras 1 files (no ``keras_version`` attribute, or ``1.x``): per-gate LSTM
  (12 arrays), GRU (9 arrays) and ConvLSTM2D (12 arrays) weights merged into
  Keras 2's 3 arrays (gate order i, f, c, o); Keras 1 ``th`` kernel layouts
  of Conv1D, Conv2D, Conv2DTranspose, Conv3D and ConvLSTM2D transposed.
  (Dense ``_W``/``_b``, Embedding ``_W`` and BatchNormalization's
  ``gamma, beta, running_mean, running_std`` are already in Keras 2's order and
  shapes: they load as they are.)
- Files written with the Theano backend (``backend`` attribute ``'theano'``):
  convolution kernels flipped (Theano convolves, PyTorch and TensorFlow
  correlate).
- CuDNNLSTM <-> LSTM and CuDNNGRU <-> GRU(reset_after=True) weights.
- Wrappers and nested models: ``Bidirectional`` halves, ``TimeDistributed``'s
  inner layer and the sublayers of a nested ``Model``/``Sequential`` are
  converted one by one. A nested model's group holds its weights sublayer by
  sublayer in tf.keras files and trainable-first in Keras 2.3.1 files; both
  are read.
"""
import numpy as np

from keras.engine.network import Network

__all__ = ['preprocess_weights_for_loading', 'convert_kernel', 'convert_rnn_weights',
           'need_convert_kernel', 'convert_optimizer_weights']

_CONV_LAYERS = ('Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'ConvLSTM2D')
# Does the backend compute a correlation (True) or a true convolution (False)?
_USES_CORRELATION = {'tensorflow': True, 'theano': False, 'cntk': True}


def preprocess_weights_for_loading(layer, weights, original_keras_version=None,
                                   original_backend=None, reshape=False, weight_names=None):
    """Convert the arrays stored for ``layer`` to the layout ``layer`` uses now.

    Args:
        layer: the target layer.
        weights: list of NumPy arrays, in the file's order.
        original_keras_version: ``keras_version`` attribute of the file (``'1'``
            when the file has none).
        original_backend: ``backend`` attribute of the file, or ``None``.
        reshape: reshape convolution kernels of the right size but another shape.
        weight_names: the file's weight names (used to tell the order of a
            nested model's weights).

    Returns:
        A list of NumPy arrays.
    """
    weights = [np.asarray(w) for w in weights]
    kind = layer.__class__.__name__
    if kind == 'Bidirectional':
        weights = _convert_bidirectional(layer, weights, original_keras_version,
                                         original_backend)
    elif kind == 'TimeDistributed':
        weights = preprocess_weights_for_loading(layer.layer, weights, original_keras_version,
                                                 original_backend, reshape, weight_names)
    elif _is_network(layer):
        weights = _convert_nested_model(layer, weights, original_keras_version,
                                        original_backend, weight_names)
    if _is_keras1(original_keras_version):
        weights = _convert_keras1(layer, weights)
    if kind in _CONV_LAYERS and weights and layer.weights:
        weights = _convert_conv_kernels(layer, weights, original_backend, reshape)
    return convert_rnn_weights(layer, weights)


def _is_keras1(version):
    return version is not None and (str(version) == '1' or str(version).startswith('1.'))


def _is_network(layer):
    return isinstance(layer, Network)


def _convert_bidirectional(layer, weights, version, backend):
    half = len(weights) // 2
    forward = preprocess_weights_for_loading(layer.forward_layer, weights[:half], version,
                                             backend)
    backward = preprocess_weights_for_loading(layer.backward_layer, weights[half:], version,
                                              backend)
    return forward + backward


# ---------------------------------------------------------------- nested models
def _sublayer_owner(layer):
    owner = {}
    for sub in layer.layers:
        for p in sub.weights:
            owner.setdefault(id(p), sub)
    return owner


def _order_score(params, weights, names):
    score = 0
    for i, (p, w) in enumerate(zip(params, weights)):
        score += 2 * (tuple(p.shape) == tuple(w.shape))
        if names is not None and i < len(names):
            score += _short_name(getattr(p, '_keras_name', '')) == _short_name(names[i])
    return score


def _short_name(name):
    return str(name).split('/')[-1].split(':')[0]


def _convert_nested_model(layer, weights, version, backend, names):
    """Convert a nested model's arrays sublayer by sublayer; return them in
    ``layer.weights`` order."""
    target = list(layer.weights)
    by_layer = []
    for sub in layer.layers:
        by_layer += [p for p in sub.weights if not any(p is q for q in by_layer)]
    if len(weights) != len(target):
        return weights
    order = target
    if (len(by_layer) == len(target) and [id(p) for p in by_layer] != [id(p) for p in target]
            and _order_score(by_layer, weights, names) > _order_score(target, weights, names)):
        order = by_layer
    owner = _sublayer_owner(layer)
    converted = {}
    start = 0
    while start < len(order):
        sub = owner.get(id(order[start]))
        stop = start + 1
        while stop < len(order) and owner.get(id(order[stop])) is sub:
            stop += 1
        values = weights[start:stop]
        if sub is not None:
            values = preprocess_weights_for_loading(sub, values, version, backend)
        if len(values) != stop - start:
            return weights
        for p, v in zip(order[start:stop], values):
            converted[id(p)] = v
        start = stop
    return [converted[id(p)] for p in target]


# -------------------------------------------------------------------- Keras 1
def _merge_gates(weights, order):
    """Keras 1 per-gate ``[W, U, b]`` triples -> Keras 2 ``[kernel, recurrent, bias]``."""
    return [np.concatenate([weights[3 * g + k] for g in order], axis=-1) for k in range(3)]


def _convert_keras1(layer, weights):
    if not weights:
        return weights
    kind = layer.__class__.__name__
    fmt = getattr(layer, 'data_format', None)
    if kind == 'Conv1D' and weights[0].ndim == 4:
        kernel = weights[0]
        if kernel.shape[:2] != (layer.kernel_size[0], 1) or kernel.shape[3] != layer.filters:
            # Keras 1.0 layout: (filters, input_dim, filter_length, 1)
            kernel = np.transpose(kernel, (2, 3, 1, 0))
        weights[0] = kernel[:, 0, :, :]
    elif kind == 'Conv2D' and fmt == 'channels_first' and weights[0].ndim == 4:
        weights[0] = np.transpose(weights[0], (2, 3, 1, 0))
    elif kind == 'Conv2DTranspose' and weights[0].ndim == 4:
        if fmt == 'channels_last':
            weights[0] = np.transpose(weights[0], (0, 1, 3, 2))
        elif fmt == 'channels_first':
            weights[0] = np.transpose(weights[0], (2, 3, 0, 1))
    elif kind == 'Conv3D' and fmt == 'channels_first' and weights[0].ndim == 5:
        weights[0] = np.transpose(weights[0], (2, 3, 4, 1, 0))
    elif kind == 'GRU' and len(weights) == 9:
        weights = _merge_gates(weights, (0, 1, 2))  # z, r, h
    elif kind == 'LSTM' and len(weights) == 12:
        weights = _merge_gates(weights, (0, 2, 1, 3))  # stored i, c, f, o -> i, f, c, o
    elif kind == 'ConvLSTM2D' and len(weights) == 12:
        weights = _merge_gates(_conv_lstm_gates_in_keras2_layout(layer, weights), (0, 2, 1, 3))
    return weights


def _conv_lstm_gates_in_keras2_layout(layer, weights):
    """Keras 1 ConvLSTM2D per-gate kernels ``(rows, cols, in, out)`` as they are;
    Theano-layout ones ``(out, in, rows, cols)`` transposed to that.  A shape
    that fits both layouts is taken as Theano's under ``channels_first``."""
    out = list(weights)
    for i, w in enumerate(weights):
        if i % 3 == 2 or w.ndim != 4:  # the biases
            continue
        full = tuple(int(d) for d in layer.weights[i % 3].shape)
        keras2 = full[:3] + (full[3] // 4,)
        theano = (keras2[3], keras2[2]) + keras2[:2]
        is_keras2, is_theano = w.shape == keras2, w.shape == theano
        if is_theano and (not is_keras2 or layer.data_format == 'channels_first'):
            out[i] = np.transpose(w, (2, 3, 1, 0))
    return out


# --------------------------------------------------------------- convolutions
def convert_kernel(kernel):
    """Flip a convolution kernel's spatial axes (Theano <-> TensorFlow/PyTorch).

    Its own inverse. ``kernel`` is a 3D, 4D or 5D array whose last two axes are
    the channel axes.
    """
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError('Invalid kernel shape: %s (expected a 3D, 4D or 5D kernel).'
                         % (kernel.shape,))
    flip = tuple([slice(None, None, -1)] * (kernel.ndim - 2) + [slice(None), slice(None)])
    return np.copy(kernel[flip])


def need_convert_kernel(original_backend):
    """Whether kernels saved with ``original_backend`` must be flipped here."""
    if original_backend not in _USES_CORRELATION:
        return False
    return not _USES_CORRELATION[original_backend]


def _theano_to_keras_layout(kernel, target_shape):
    """``(out, in, *spatial)`` -> ``(*spatial, in, out)`` when that fits the layer."""
    if kernel.ndim < 3:
        return None
    axes = tuple(range(2, kernel.ndim)) + (1, 0)
    moved = np.transpose(kernel, axes)
    return moved if moved.shape == target_shape else None


def _convert_conv_kernels(layer, weights, original_backend, reshape):
    kind = layer.__class__.__name__
    n_kernels = 2 if kind == 'ConvLSTM2D' else 1
    target = tuple(int(d) for d in layer.weights[0].shape)
    weights = list(weights)
    if not reshape and weights[0].shape != target:
        moved = _theano_to_keras_layout(weights[0], target)
        if moved is not None:
            weights[0] = moved
            if n_kernels == 2 and len(weights) > 1 and len(layer.weights) > 1:
                moved = _theano_to_keras_layout(weights[1], tuple(layer.weights[1].shape))
                weights[1] = moved if moved is not None else weights[1]
    if need_convert_kernel(original_backend):
        for i in range(min(n_kernels, len(weights))):
            weights[i] = convert_kernel(weights[i])
    if reshape and weights[0].shape != target:
        if weights[0].size != int(np.prod(target)):
            raise ValueError('Weights must be of equal size to apply a reshape operation. '
                             "Layer %s's weights have shape %s and size %d. The weights for "
                             'loading have shape %s and size %d.'
                             % (layer.name, target, int(np.prod(target)), weights[0].shape,
                                weights[0].size))
        weights[0] = np.reshape(weights[0], target)
    return weights


# ------------------------------------------------------------------ CuDNN RNNs
def _per_gate(kernels, func, n_gates):
    return np.hstack([func(k) for k in np.hsplit(kernels, n_gates)])


def _input_kernel_transform(from_cudnn):
    # CuDNN keeps each gate's input kernel in Fortran order.
    order = 'F' if from_cudnn else 'C'
    return lambda k: k.T.reshape(k.shape, order=order)


def _swap_kernels(weights, n_gates, from_cudnn):
    return [_per_gate(weights[0], _input_kernel_transform(from_cudnn), n_gates),
            _per_gate(weights[1], lambda k: k.T, n_gates)]


def _convert_lstm(weights, target):
    units = weights[1].shape[0]
    bias_shape = tuple(weights[2].shape)
    if bias_shape == (8 * units,):
        source = 'CuDNNLSTM'
    elif bias_shape == (4 * units,):
        source = 'LSTM'
    else:
        raise ValueError('Invalid bias shape for an LSTM with %d units: %s.' % (units, bias_shape))
    if source == target:
        return weights
    from_cudnn = source == 'CuDNNLSTM'
    if from_cudnn:  # separate input and recurrent biases -> their sum
        bias = np.sum(np.split(weights[2], 2, axis=0), axis=0)
    else:  # any split with the same sum works
        bias = np.tile(0.5 * weights[2], 2)
    return _swap_kernels(weights, 4, from_cudnn) + [bias]


def _convert_gru(layer, weights, target_class):
    units = weights[1].shape[0]
    bias_shape = tuple(weights[2].shape)
    if bias_shape == (6 * units,):
        source = 'CuDNNGRU'
    elif bias_shape == (2, 3 * units):
        source = 'GRU(reset_after=True)'
    elif bias_shape == (3 * units,):
        source = 'GRU(reset_after=False)'
    else:
        raise ValueError('Invalid bias shape for a GRU with %d units: %s.' % (units, bias_shape))
    if target_class == 'CuDNNGRU':
        target = 'CuDNNGRU'
    elif getattr(layer, 'reset_after', False):
        target = 'GRU(reset_after=True)'
    else:
        target = 'GRU(reset_after=False)'
    if source == target:
        return weights
    if 'GRU(reset_after=False)' in (source, target):
        raise ValueError('%s weights are not compatible with %s (layer %s).'
                         % (source, target, layer.name))
    from_cudnn = source == 'CuDNNGRU'
    bias = np.array(weights[2]).reshape((2, -1) if from_cudnn else -1)
    return _swap_kernels(weights, 3, from_cudnn) + [bias]


def convert_rnn_weights(layer, weights):
    """Convert LSTM/GRU weights between the CuDNN and the plain Keras layouts.

    ``LSTM`` <-> ``CuDNNLSTM`` and ``GRU(reset_after=True)`` <-> ``CuDNNGRU``; the
    source is recognized by the bias shape. Weights without a bias are left alone.
    """
    kind = layer.__class__.__name__
    if len(weights) != 3:
        return weights
    if kind in ('LSTM', 'CuDNNLSTM'):
        return _convert_lstm(weights, kind)
    if kind in ('GRU', 'CuDNNGRU'):
        return _convert_gru(layer, weights, kind)
    return weights


# ------------------------------------------------------------ optimizer state
def _trainable_plan(matched):
    """``[(layer, file_arrays, n)]``: ``n`` = how many of the file's arrays of the
    layer are trainable (Keras lists a layer's trainable weights first)."""
    plan = []
    for layer, values in matched:
        n = 0
        if layer.trainable_weights:
            n = len(values) - len(layer.non_trainable_weights)
            if n < 0:
                raise ValueError('layer %s has fewer saved arrays than weights' % layer.name)
        plan.append((layer, list(values), n))
    return plan


def _is_permutation(before, after):
    """Whether ``after`` holds exactly the numbers of ``before`` (moved, not mixed)."""
    if len(before) == len(after) and all(
            a is b or (a.shape == b.shape and np.array_equal(a, b))
            for a, b in zip(before, after)):
        return True
    flat = [np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(0)
            for arrays in (before, after)]
    return flat[0].shape == flat[1].shape and np.array_equal(np.sort(flat[0]), np.sort(flat[1]))


def _convert_slot(plan, block, version, backend):
    """One slot (an array per saved trainable weight) -> an array per current one."""
    out, start = [], 0
    for layer, values, n in plan:
        if not n:
            continue
        slot = list(block[start:start + n])
        start += n
        full = preprocess_weights_for_loading(layer, slot + values[n:], version, backend)
        position = {id(w): i for i, w in enumerate(layer.weights)}
        if len(full) != len(position):
            raise ValueError('the state of layer %s does not convert' % layer.name)
        picked = [full[position[id(w)]] for w in layer.trainable_weights]
        if not _is_permutation(slot, picked):
            raise ValueError('the weights of layer %s are converted by mixing values (e.g. '
                             'CuDNN biases), which its optimizer state cannot follow'
                             % layer.name)
        out += picked
    return out


def convert_optimizer_weights(matched, arrays, original_keras_version=None,
                              original_backend=None):
    """Map optimizer state saved by order (Keras 1 and 2) onto the current model.

    Those files hold a few leading scalars (``iterations``, Nadam's
    ``m_schedule``), then one block per slot with an array for each trainable
    weight of the saved model, in order. Every block is converted as the
    weights were (per-gate LSTM/GRU arrays merged, ``'th'`` kernels transposed,
    Theano kernels flipped), so each value stays with its weight entry. Blocks
    of ``(1,)`` placeholders (Adam's ``vhat`` without AMSGrad) are kept as
    placeholders.

    Args:
        matched: ``[(layer, file_arrays)]`` for each layer with weights, in the
            file's order, the arrays as stored (before conversion).
        arrays: the ``optimizer_weights`` arrays in the file's order.
        original_keras_version, original_backend: as for
            :func:`preprocess_weights_for_loading`.

    Returns:
        The state for the current model's trainable weights, scalars first.

    Raises:
        ValueError: when the arrays do not fit the saved model's weights.
    """
    plan = _trainable_plan(matched)
    shapes = [np.shape(v) for _, values, n in plan for v in values[:n]]
    arrays = [np.asarray(a) for a in arrays]
    head = 0
    while head < min(2, len(arrays)) and arrays[head].ndim == 0:
        head += 1
    if not shapes or (len(arrays) - head) % len(shapes):
        raise ValueError('%d optimizer arrays do not split into slots of the %d trainable '
                         'weights saved' % (len(arrays), len(shapes)))
    n_now = sum(len(layer.trainable_weights) for layer, _, n in plan if n)
    out = arrays[:head]
    for start in range(head, len(arrays), len(shapes)):
        block = arrays[start:start + len(shapes)]
        if [a.shape for a in block] == shapes:
            out += _convert_slot(plan, block, original_keras_version, original_backend)
        elif all(a.shape == (1,) for a in block):
            out += [np.zeros(1, block[0].dtype)] * n_now
        else:
            raise ValueError('optimizer slot %d has shapes %s, not those of the saved '
                             'weights %s' % ((start - head) // len(shapes),
                                             [a.shape for a in block], shapes))
    return out
