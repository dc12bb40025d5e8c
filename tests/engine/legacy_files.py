"""Old Keras model files, written with h5py at test time, with NumPy references.

Each builder writes one whole-model HDF5 file in the exact layout an old Keras
wrote (read from that version's ``save_model``/``save_weights_to_hdf5_group``)
and returns a :class:`Case`: the path, inputs, the outputs the original Keras
computed (in NumPy, from the arrays written), and ``optimizer_state``: what
``optimizer.get_weights()`` must give after ``load_model`` (Keras 2.3.1's order
for the current model, each slot converted like its weight), or ``None``.

Layouts:

- Keras 1.1/1.2: root attributes ``keras_version`` (``'1.2.2'``),
  ``model_config`` and, for compiled models, ``training_config``; no
  ``backend``. Group ``model_weights`` has only ``layer_names``. Weights are
  named after the backend variable: ``dense_1_W:0`` (TensorFlow) or
  ``dense_1_W`` (Theano); LSTM/GRU with ``consume_less='cpu'`` store 12/9
  per-gate arrays (``lstm_1_W_i``, stored order i, c, f, o); optimizer
  configs have ``lr`` and no ``iterations``-first guarantee (RMSprop stores
  only accumulators; iterations is a float).
- Keras 2.0-2.2: root and ``model_weights`` also carry ``backend`` and
  ``keras_version``; weights are ``dense_1/kernel:0`` (TensorFlow) or
  ``dense_1/kernel`` (Theano); Sequential configs are a list (2.0/2.1) or a
  dict with ``layers`` (2.2); Theano convolutions are true convolutions (the
  loader flips the kernels); RMSprop/Adagrad/Adadelta saved no iterations.
- tf.keras: ``keras_version`` ``'2.2.4-tf'`` (1.x) or ``'2.4.0'``, functional
  class ``Model``/``Functional``, weights ``dense/kernel:0``, optimizer
  ``Adam/iter:0`` then hyper-parameters, then ``Adam/dense/kernel/m:0`` slots.
"""
import collections
import json

import h5py
import numpy as np

from tests.layers.test_convolutional import np_conv

__all__ = ['Case', 'write_model_file', 'ALL_CASES', 'build']

Case = collections.namedtuple('Case', 'name path inputs outputs optimizer_state keras_version')

_INIT_K2 = {'class_name': 'VarianceScaling',
            'config': {'scale': 1.0, 'mode': 'fan_avg', 'distribution': 'uniform', 'seed': None}}
_ZEROS = {'class_name': 'Zeros', 'config': {}}
_ONES = {'class_name': 'Ones', 'config': {}}
_ORTHO = {'class_name': 'Orthogonal', 'config': {'gain': 1.0, 'seed': None}}


# ------------------------------------------------------------------ writing
def _names(values):
    """A list of names as an array of fixed-length bytes (``[]`` -> an empty float array,
    as NumPy made of Keras's empty lists)."""
    return np.asarray([v.encode('utf8') for v in values])


def _text(value):
    """A string attribute as the h5py 2.x of those Keras versions stored it (fixed length)."""
    return np.bytes_(value.encode('utf8'))


def write_model_file(path, model_config, layers, keras_version, backend=None,
                     training_config=None, optimizer=None):
    """Write a whole-model file.

    Args:
        layers: ``[(layer_name, [(weight_name, array), ...]), ...]`` in
            ``model.layers`` order (layers without weights included).
        backend: ``None`` for Keras 1 (no ``backend`` attributes anywhere).
        optimizer: ``[(name, array), ...]`` for ``optimizer_weights``.
    """
    with h5py.File(path, 'w') as f:
        f.attrs['keras_version'] = _text(keras_version)
        if backend is not None:
            f.attrs['backend'] = _text(backend)
        f.attrs['model_config'] = _text(json.dumps(model_config))
        if training_config is not None:
            f.attrs['training_config'] = _text(json.dumps(training_config))
        group = f.create_group('model_weights')
        group.attrs['layer_names'] = _names([name for name, _ in layers])
        if backend is not None:
            group.attrs['backend'] = _text(backend)
            group.attrs['keras_version'] = _text(keras_version)
        for name, weights in layers:
            _write_named(group.create_group(name), weights)
        if optimizer:
            _write_named(f.create_group('optimizer_weights'), optimizer)


def _write_named(group, pairs):
    group.attrs['weight_names'] = _names([n for n, _ in pairs])
    for name, value in pairs:
        group.create_dataset(name, data=np.asarray(value))


class _Rng(object):
    """Small uniform arrays, float32."""

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def __call__(self, *shape, scale=0.5):
        return self.rng.uniform(-scale, scale, shape).astype('float32')


# -------------------------------------------------------- NumPy references
def _sigmoid(x):
    return 1. / (1. + np.exp(-x))


def _hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0., 1.)


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACT = {'linear': lambda x: x, 'relu': lambda x: np.maximum(x, 0.), 'tanh': np.tanh,
       'sigmoid': _sigmoid, 'hard_sigmoid': _hard_sigmoid, 'softmax': _softmax}


def np_lstm(x, gates, act='tanh', inner='hard_sigmoid', return_sequences=False,
            backwards=False):
    """``gates[g] = (W, U, b)`` for g in 'ifco'; Keras's LSTM equations."""
    a, r = ACT[act], ACT[inner]
    units = gates['i'][1].shape[0]
    h = np.zeros((x.shape[0], units))
    c = np.zeros_like(h)
    outs = []
    steps = range(x.shape[1] - 1, -1, -1) if backwards else range(x.shape[1])
    for t in steps:
        pre = {g: x[:, t] @ w + h @ u + b for g, (w, u, b) in gates.items()}
        c = r(pre['f']) * c + r(pre['i']) * a(pre['c'])
        h = r(pre['o']) * a(c)
        outs.append(h)
    return np.stack(outs, 1) if return_sequences else h


def np_gru(x, gates, act='tanh', inner='hard_sigmoid', return_sequences=False):
    """``gates[g] = (W, U, b)`` for g in 'zrh'; Keras's GRU (reset before)."""
    a, r = ACT[act], ACT[inner]
    h = np.zeros((x.shape[0], gates['z'][1].shape[0]))
    outs = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        z = r(xt @ gates['z'][0] + h @ gates['z'][1] + gates['z'][2])
        rr = r(xt @ gates['r'][0] + h @ gates['r'][1] + gates['r'][2])
        cand = a(xt @ gates['h'][0] + (rr * h) @ gates['h'][1] + gates['h'][2])
        h = z * h + (1. - z) * cand
        outs.append(h)
    return np.stack(outs, 1) if return_sequences else h


def np_max_pool(x, size):
    """Channels-last 'valid' max pooling with stride = size."""
    n, hh, ww, c = x.shape
    oh, ow = hh // size, ww // size
    x = x[:, :oh * size, :ow * size].reshape(n, oh, size, ow, size, c)
    return x.max(axis=(2, 4))


def np_batchnorm(x, gamma, beta, mean, var, eps):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _split_fused(kernel, recurrent, bias, order):
    """Fused Keras 2 arrays -> ``{gate: (W, U, b)}`` (gates in ``order``)."""
    n = len(order)
    return {g: (k, u, b) for g, k, u, b in zip(order, np.split(kernel, n, -1),
                                                np.split(recurrent, n, -1),
                                                np.split(bias, n, -1))}


# -------------------------------------------------------------- Keras 1 configs
def _k1(name, **kw):
    return dict({'name': name, 'trainable': True}, **kw)


def k1_dense(name, units, activation='linear', input_dim=None, **first):
    return {'class_name': 'Dense', 'config': _k1(
        name, output_dim=units, init='glorot_uniform', activation=activation,
        W_regularizer=None, b_regularizer=None, activity_regularizer=None,
        W_constraint=None, b_constraint=None, bias=True, input_dim=input_dim, **first)}


def _k1_recurrent(cls, name, units, input_dim, return_sequences, consume_less, **kw):
    config = _k1(name, return_sequences=return_sequences, go_backwards=False,
                 stateful=False, unroll=False, consume_less=consume_less,
                 input_dim=input_dim, input_length=None, output_dim=units,
                 init='glorot_uniform', inner_init='orthogonal', activation='tanh',
                 inner_activation='hard_sigmoid', W_regularizer=None, U_regularizer=None,
                 b_regularizer=None, dropout_W=0.0, dropout_U=0.0, **kw)
    if cls == 'LSTM':
        config['forget_bias_init'] = 'one'
    return {'class_name': cls, 'config': config}


def _k1_gate_arrays(rng, layer, gates, input_dim, units, fmt):
    """Keras 1 per-gate arrays: ``(named pairs in file order, {gate: (W, U, b)})``."""
    values, pairs = {}, []
    for g in gates:
        w, u, b = rng(input_dim, units), rng(units, units), rng(units)
        values[g] = (w, u, b)
        pairs += [(fmt % ('%s_W_%s' % (layer, g)), w), (fmt % ('%s_U_%s' % (layer, g)), u),
                  (fmt % ('%s_b_%s' % (layer, g)), b)]
    return pairs, values


def _k1_slot(rng, layout):
    """One optimizer slot of a Keras 1 model: ``(arrays as saved, arrays as
    Keras 2 holds them)``. ``layout`` items: a shape, or ``(gates_saved,
    gates_now, input_dim, units)`` for a per-gate recurrent layer."""
    saved, now = [], []
    for item in layout:
        if isinstance(item[0], str):
            stored, order, dim, units = item
            _, gates = _k1_gate_arrays(rng, 'x', stored, dim, units, '%s')
            saved += [a for g in stored for a in gates[g]]
            now += [np.concatenate([gates[g][k] for g in order], -1) for k in range(3)]
        else:
            saved.append(rng(*item))
            now.append(saved[-1])
    return saved, now


def _k1_sgd(lr=0.05, momentum=0.9):
    return {'optimizer_config': {'class_name': 'SGD', 'config': {
        'lr': lr, 'momentum': momentum, 'decay': 0.0, 'nesterov': False}},
        'loss': 'mean_squared_error', 'metrics': ['accuracy'], 'sample_weight_mode': None,
        'loss_weights': None}


# ------------------------------------------------------------------- Keras 1
def keras1_cnn_th(folder):
    """Keras 1.2.2, TensorFlow backend, ``dim_ordering='th'`` CNN + SGD state."""
    rng, tf = _Rng(1), '%s:0'
    k = rng(4, 1, 3, 3)  # th kernel: (nb_filter, stack, rows, cols)
    kb, w, b = rng(4), rng(16, 3), rng(3)
    config = {'class_name': 'Sequential', 'config': [
        {'class_name': 'Convolution2D', 'config': _k1(
            'convolution2d_1', batch_input_shape=[None, 1, 5, 5], input_dtype='float32',
            nb_filter=4, nb_row=3, nb_col=3, init='glorot_uniform', activation='relu',
            border_mode='same', subsample=[1, 1], dim_ordering='th', W_regularizer=None,
            b_regularizer=None, activity_regularizer=None, W_constraint=None,
            b_constraint=None, bias=True)},
        {'class_name': 'MaxPooling2D', 'config': _k1(
            'maxpooling2d_1', pool_size=[2, 2], border_mode='valid', strides=[2, 2],
            dim_ordering='th')},
        {'class_name': 'Dropout', 'config': _k1('dropout_1', p=0.25)},
        {'class_name': 'Flatten', 'config': _k1('flatten_1')},
        k1_dense('dense_1', 3, 'linear')]}
    x = rng(4, 1, 5, 5, scale=1.)
    h = np_conv(np.moveaxis(x, 1, -1), np.transpose(k, (2, 3, 1, 0)), (1, 1), 'same') + kb
    h = np_max_pool(np.maximum(h, 0.), 2)
    y = np.moveaxis(h, -1, 1).reshape(4, -1) @ w + b
    layers = [('convolution2d_1', [(tf % 'convolution2d_1_W', k), (tf % 'convolution2d_1_b', kb)]),
              ('maxpooling2d_1', []), ('dropout_1', []), ('flatten_1', []),
              ('dense_1', [(tf % 'dense_1_W', w), (tf % 'dense_1_b', b)])]
    # SGD: [iterations (a float in Keras 1)] + one moment per trainable weight.
    opt = [np.array(7., 'float32'), rng(4, 1, 3, 3), rng(4), rng(16, 3), rng(3)]
    opt_named = [('Variable:0' if i == 0 else 'Variable_%d:0' % i, a) for i, a in enumerate(opt)]
    path = str(folder / 'keras1_cnn_th.h5')
    write_model_file(path, config, layers, '1.2.2', training_config=_k1_sgd(),
                     optimizer=opt_named)
    state = [np.array(7, 'int64'), np.transpose(opt[1], (2, 3, 1, 0))] + opt[2:]
    return Case('keras1_cnn_th', path, [x], [y], state, '1.2.2')


def keras1_cnn_tf(folder):
    """Keras 1.1.0, Theano variable names, ``dim_ordering='tf'`` strided conv, uncompiled."""
    rng = _Rng(2)
    k, kb = rng(3, 3, 2, 3), rng(3)  # tf kernel: (rows, cols, stack, nb_filter)
    w, b = rng(18, 2), rng(2)
    config = {'class_name': 'Sequential', 'config': [
        {'class_name': 'Convolution2D', 'config': _k1(
            'convolution2d_1', batch_input_shape=[None, 6, 5, 2], input_dtype='float32',
            nb_filter=3, nb_row=3, nb_col=3, init='he_normal', activation='tanh',
            border_mode='valid', subsample=[2, 1], dim_ordering='tf', W_regularizer=None,
            b_regularizer=None, activity_regularizer=None, W_constraint=None,
            b_constraint=None, bias=True)},
        {'class_name': 'Flatten', 'config': _k1('flatten_1')},
        k1_dense('dense_1', 2, 'sigmoid')]}
    x = rng(3, 6, 5, 2, scale=1.)
    h = np.tanh(np_conv(x, k, (2, 1), 'valid') + kb)
    y = _sigmoid(h.reshape(3, -1) @ w + b)
    layers = [('convolution2d_1', [('convolution2d_1_W', k), ('convolution2d_1_b', kb)]),
              ('flatten_1', []), ('dense_1', [('dense_1_W', w), ('dense_1_b', b)])]
    path = str(folder / 'keras1_cnn_tf.h5')
    write_model_file(path, config, layers, '1.1.0')
    return Case('keras1_cnn_tf', path, [x], [y], None, '1.1.0')


def keras1_embedding_lstm_gru(folder):
    """Keras 1.2.2: int32 Embedding, per-gate LSTM (12 arrays), fused GRU
    (``consume_less='gpu'``), RMSprop whose per-gate state cannot map."""
    rng, tf = _Rng(3), '%s:0'
    emb = rng(10, 4)
    lstm_pairs, lstm = _k1_gate_arrays(rng, 'lstm_1', 'icfo', 4, 3, tf)
    gk, gu, gb = rng(3, 6), rng(2, 6), rng(6)  # fused z, r, h
    w, b = rng(2, 2), rng(2)
    config = {'class_name': 'Sequential', 'config': [
        {'class_name': 'Embedding', 'config': _k1(
            'embedding_1', batch_input_shape=[None, 5], input_dtype='int32', input_dim=10,
            output_dim=4, init='uniform', input_length=5, mask_zero=False,
            activity_regularizer=None, W_regularizer=None, W_constraint=None, dropout=0.0)},
        _k1_recurrent('LSTM', 'lstm_1', 3, 4, True, 'cpu'),
        _k1_recurrent('GRU', 'gru_1', 2, 3, False, 'gpu'),
        k1_dense('dense_1', 2, 'softmax')]}
    x = np.random.RandomState(3).randint(0, 10, (4, 5)).astype('int32')
    h = np_lstm(emb[x], lstm, return_sequences=True)
    h = np_gru(h, _split_fused(gk, gu, gb, 'zrh'))
    y = _softmax(h @ w + b)
    layers = [('embedding_1', [(tf % 'embedding_1_W', emb)]), ('lstm_1', lstm_pairs),
              ('gru_1', [(tf % 'gru_1_W', gk), (tf % 'gru_1_U', gu), (tf % 'gru_1_b', gb)]),
              ('dense_1', [(tf % 'dense_1_W', w), (tf % 'dense_1_b', b)])]
    training = {'optimizer_config': {'class_name': 'RMSprop', 'config': {
        'lr': 0.001, 'rho': 0.9, 'decay': 0.0, 'epsilon': 1e-08}},
        'loss': 'categorical_crossentropy', 'metrics': ['accuracy'],
        'sample_weight_mode': None, 'loss_weights': None}
    # Keras 1 RMSprop saved its accumulators only (no iterations).
    saved, now = _k1_slot(rng, [(10, 4), ('icfo', 'ifco', 4, 3), (3, 6), (2, 6), (6,),
                                (2, 2), (2,)])
    path = str(folder / 'keras1_embedding_lstm_gru.h5')
    write_model_file(path, config, layers, '1.2.2', training_config=training,
                     optimizer=[('Variable_%d:0' % i, a) for i, a in enumerate(saved)])
    state = [np.array(0, 'int64')] + now
    return Case('keras1_embedding_lstm_gru', path, [x], [y], state, '1.2.2')


def _k1_input(name, shape, dtype='float32'):
    return {'class_name': 'InputLayer', 'name': name, 'inbound_nodes': [],
            'config': {'batch_input_shape': [None] + list(shape), 'input_dtype': dtype,
                       'sparse': False, 'name': name}}


def _k1_merge(name, mode):
    return {'name': name, 'mode': mode, 'mode_type': 'raw', 'concat_axis': -1,
            'dot_axes': -1, 'output_shape': None, 'output_shape_type': 'raw',
            'output_mask': None, 'output_mask_type': 'raw', 'arguments': None}


def _node(*names):
    return [[[n, 0, 0] for n in names]]


def keras1_functional_gru_merge(folder):
    """Keras 1.2.2 functional ``Model``: int32 Embedding -> per-gate GRU (9
    arrays), a Dense branch, ``Merge(mode='concat')``, then
    ``Merge(mode='sum')``; Adam state from Keras 1 (no vhats) for a model whose
    per-gate GRU state cannot map."""
    rng, tf = _Rng(4), '%s:0'
    emb = rng(8, 3)
    gru_pairs, gru = _k1_gate_arrays(rng, 'gru_1', 'zrh', 3, 4, tf)
    wa, ba, wb, bb, wc, bc = rng(2, 4), rng(4), rng(8, 2), rng(2), rng(2, 2), rng(2)

    def layer(cls, config, inbound):
        return {'class_name': cls, 'name': config['name'], 'config': config,
                'inbound_nodes': inbound}

    def dense(name, units, act, inbound):
        return dict(k1_dense(name, units, act), name=name, inbound_nodes=inbound)

    config = {'class_name': 'Model', 'config': {'name': 'model_1', 'layers': [
        _k1_input('input_1', [6], 'int32'), _k1_input('input_2', [2]),
        layer('Embedding', _k1('embedding_1', input_dim=8, output_dim=3, init='uniform',
                                input_length=6, mask_zero=False, activity_regularizer=None,
                                W_regularizer=None, W_constraint=None, dropout=0.0),
              _node('input_1')),
        dict(_k1_recurrent('GRU', 'gru_1', 4, 3, False, 'cpu'), name='gru_1',
             inbound_nodes=_node('embedding_1')),
        dense('dense_1', 4, 'relu', _node('input_2')),
        layer('Merge', _k1_merge('merge_1', 'concat'), _node('gru_1', 'dense_1')),
        dense('dense_2', 2, 'linear', _node('merge_1')),
        dense('dense_3', 2, 'tanh', _node('input_2')),
        layer('Merge', _k1_merge('merge_2', 'sum'), _node('dense_2', 'dense_3'))],
        'input_layers': [['input_1', 0, 0], ['input_2', 0, 0]],
        'output_layers': [['merge_2', 0, 0]]}}
    seq = np.random.RandomState(4).randint(0, 8, (3, 6)).astype('int32')
    aux = rng(3, 2, scale=1.)
    merged = np.concatenate([np_gru(emb[seq], gru), np.maximum(aux @ wa + ba, 0.)], -1)
    y = merged @ wb + bb + np.tanh(aux @ wc + bc)
    layers = [('input_1', []), ('input_2', []), ('embedding_1', [(tf % 'embedding_1_W', emb)]),
              ('gru_1', gru_pairs), ('dense_1', [(tf % 'dense_1_W', wa), (tf % 'dense_1_b', ba)]),
              ('merge_1', []), ('dense_2', [(tf % 'dense_2_W', wb), (tf % 'dense_2_b', bb)]),
              ('dense_3', [(tf % 'dense_3_W', wc), (tf % 'dense_3_b', bc)]), ('merge_2', [])]
    # Keras 1 Adam: iterations, then m and v (no vhat) for the 16 saved weights.
    layout = [(8, 3), ('zrh', 'zrh', 3, 4), (2, 4), (4,), (8, 2), (2,), (2, 2), (2,)]
    ms, ms_now = _k1_slot(rng, layout)
    vs, vs_now = _k1_slot(rng, layout)
    opt = [np.array(3., 'float32')] + ms + vs
    training = {'optimizer_config': {'class_name': 'Adam', 'config': {
        'lr': 0.001, 'beta_1': 0.9, 'beta_2': 0.999, 'decay': 0.0, 'epsilon': 1e-08}},
        'loss': 'mse', 'metrics': [], 'sample_weight_mode': None, 'loss_weights': None}
    path = str(folder / 'keras1_functional_gru_merge.h5')
    write_model_file(path, config, layers, '1.2.2', training_config=training,
                     optimizer=[('Variable_%d:0' % i, a) for i, a in enumerate(opt)])
    state = [np.array(3, 'int64')] + ms_now + vs_now + [np.zeros(1, 'float32')] * 10
    return Case('keras1_functional_gru_merge', path, [seq, aux], [y], state, '1.2.2')


def keras1_bidirectional_td_bn(folder):
    """Keras 1.2.2 (Theano names), uncompiled: Bidirectional(LSTM) with 2 x 12
    per-gate arrays, TimeDistributed(Dense), BatchNormalization mode 0."""
    rng = _Rng(5)
    fwd_pairs, fwd = _k1_gate_arrays(rng, 'forward_lstm_1', 'icfo', 3, 2, '%s')
    bwd_pairs, bwd = _k1_gate_arrays(rng, 'backward_lstm_1', 'icfo', 3, 2, '%s')
    w, b = rng(4, 3), rng(3)
    gamma, beta, mean = rng(3) + 1., rng(3), rng(3)
    var = np.abs(rng(3)) + 0.5
    lstm = _k1_recurrent('LSTM', 'lstm_1', 2, 3, True, 'cpu')
    config = {'class_name': 'Sequential', 'config': [
        {'class_name': 'Bidirectional', 'config': _k1(
            'bidirectional_1', batch_input_shape=[None, 4, 3], input_dtype='float32',
            layer=lstm, merge_mode='concat')},
        {'class_name': 'TimeDistributed', 'config': _k1(
            'timedistributed_1', layer=k1_dense('dense_1', 3, 'linear', input_dim=4))},
        {'class_name': 'BatchNormalization', 'config': _k1(
            'batchnormalization_1', epsilon=0.001, mode=0, axis=-1, gamma_regularizer=None,
            beta_regularizer=None, momentum=0.99)}]}
    x = rng(2, 4, 3, scale=1.)
    h = np.concatenate([np_lstm(x, fwd, return_sequences=True),
                        np_lstm(x, bwd, return_sequences=True, backwards=True)[:, ::-1]], -1)
    y = np_batchnorm(h @ w + b, gamma, beta, mean, var, 1e-3)
    layers = [('bidirectional_1', fwd_pairs + bwd_pairs),
              ('timedistributed_1', [('dense_1_W', w), ('dense_1_b', b)]),
              ('batchnormalization_1', [('batchnormalization_1_gamma', gamma),
                                        ('batchnormalization_1_beta', beta),
                                        ('batchnormalization_1_running_mean', mean),
                                        ('batchnormalization_1_running_std', var)])]
    path = str(folder / 'keras1_bidirectional_td_bn.h5')
    write_model_file(path, config, layers, '1.2.2')
    return Case('keras1_bidirectional_td_bn', path, [x], [y], None, '1.2.2')


# ------------------------------------------------------------- Keras 2 configs
def _k2(name, first=None, **kw):
    """A Keras 2 layer config; ``first=(batch_input_shape, dtype)`` for a first layer."""
    config = {'name': name, 'trainable': True}
    if first is not None:
        config.update(batch_input_shape=list(first[0]), dtype=first[1])
    config.update(kw)
    return config


def k2_dense(name, units, activation='linear', first=None, tf_keras=False):
    init = {'class_name': 'GlorotUniform', 'config': {'seed': None}} if tf_keras else _INIT_K2
    return {'class_name': 'Dense', 'config': _k2(
        name, first, units=units, activation=activation, use_bias=True,
        kernel_initializer=init, bias_initializer=_ZEROS, kernel_regularizer=None,
        bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        bias_constraint=None)}


def k2_conv2d(name, filters, kernel, strides, padding, data_format, activation, first=None):
    return {'class_name': 'Conv2D', 'config': _k2(
        name, first, filters=filters, kernel_size=list(kernel), strides=list(strides),
        padding=padding, data_format=data_format, dilation_rate=[1, 1], activation=activation,
        use_bias=True, kernel_initializer=_INIT_K2, bias_initializer=_ZEROS,
        kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
        kernel_constraint=None, bias_constraint=None)}


def k2_recurrent(cls, name, units, version, first=None, **kw):
    config = _k2(name, first, units=units, activation='tanh',
                 recurrent_activation='hard_sigmoid', use_bias=True,
                 kernel_initializer=_INIT_K2, recurrent_initializer=_ORTHO,
                 bias_initializer=_ZEROS, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, implementation=0 if version < '2.1' else 1,
                 return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False)
    if cls == 'LSTM':
        config['unit_forget_bias'] = True
    if cls == 'GRU' and version >= '2.1.3':
        config['reset_after'] = False
    config.update(kw)
    return {'class_name': cls, 'config': config}


def _k2_names(layer, names, backend, sub=None):
    prefix = layer if sub is None else '%s/%s' % (layer, sub)
    tail = ':0' if backend == 'tensorflow' else ''
    return ['%s/%s%s' % (prefix, n, tail) for n in names]


def _k2_pairs(layer, names, arrays, backend, sub=None):
    return list(zip(_k2_names(layer, names, backend, sub), arrays))


_RNN = ('kernel', 'recurrent_kernel', 'bias')


def _training(optimizer, config, loss, metrics=None, weighted=True):
    out = {'optimizer_config': {'class_name': optimizer, 'config': config}, 'loss': loss,
           'metrics': metrics or [], 'sample_weight_mode': None, 'loss_weights': None}
    if weighted:
        out['weighted_metrics'] = None
    return out


def _k2_opt_names(n, optimizer, backend, iterations):
    """Optimizer variable names of Keras 2.0-2.2 (unnamed slots)."""
    names = []
    if iterations:
        names.append('%s/iterations%s' % (optimizer, ':0' if backend == 'tensorflow' else ''))
    for i in range(n - len(names)):
        if backend == 'tensorflow':
            names.append('training/%s/Variable%s:0' % (optimizer, '_%d' % i if i else ''))
        else:
            names.append('training/%s/variable_%d' % (optimizer, len(names)))
    return names


# ------------------------------------------------------------------- Keras 2
def keras2_0_theano_cnn(folder):
    """Keras 2.0.8, Theano backend, channels_first Conv2D (a true convolution:
    the loader flips the kernel), Sequential config as a list, RMSprop state
    without iterations."""
    rng, th = _Rng(6), 'theano'
    k, kb, w, b = rng(3, 3, 2, 3), rng(3), rng(6, 2), rng(2)
    config = {'class_name': 'Sequential', 'config': [
        k2_conv2d('conv2d_1', 3, (3, 3), (1, 1), 'valid', 'channels_first', 'relu',
                  first=([None, 2, 6, 4], 'float32')),
        {'class_name': 'MaxPooling2D', 'config': _k2(
            'max_pooling2d_1', pool_size=[2, 2], padding='valid', strides=[2, 2],
            data_format='channels_first')},
        {'class_name': 'Flatten', 'config': _k2('flatten_1')},
        k2_dense('dense_1', 2, 'softmax')]}
    x = rng(3, 2, 6, 4, scale=1.)
    h = np_conv(np.moveaxis(x, 1, -1), k[::-1, ::-1], (1, 1), 'valid') + kb
    h = np.moveaxis(np_max_pool(np.maximum(h, 0.), 2), -1, 1)
    y = _softmax(h.reshape(3, -1) @ w + b)
    layers = [('conv2d_1', _k2_pairs('conv2d_1', ('kernel', 'bias'), (k, kb), th)),
              ('max_pooling2d_1', []), ('flatten_1', []),
              ('dense_1', _k2_pairs('dense_1', ('kernel', 'bias'), (w, b), th))]
    accumulators = [np.abs(rng(*a.shape)) for a in (k, kb, w, b)]
    training = _training('RMSprop', {'lr': 0.001, 'rho': 0.9, 'decay': 0.0, 'epsilon': 1e-08},
                         'categorical_crossentropy', ['accuracy'], weighted=False)
    path = str(folder / 'keras2_0_theano_cnn.h5')
    write_model_file(path, config, layers, '2.0.8', th, training,
                     list(zip(_k2_opt_names(4, 'RMSprop', th, False), accumulators)))
    state = [np.array(0, 'int64'), accumulators[0][::-1, ::-1]] + accumulators[1:]
    return Case('keras2_0_theano_cnn', path, [x], [y], state, '2.0.8')


def keras2_1_lstm_gru(folder):
    """Keras 2.1.6, TensorFlow: LSTM (return_sequences) -> GRU -> Dense as a
    list config; Adam state with iterations and AMSGrad placeholders."""
    rng, tf = _Rng(7), 'tensorflow'
    lk, lu, lb = rng(3, 12), rng(3, 12), rng(12)
    gk, gu, gb = rng(3, 6), rng(2, 6), rng(6)
    w, b = rng(2, 1), rng(1)
    config = {'class_name': 'Sequential', 'config': [
        k2_recurrent('LSTM', 'lstm_1', 3, '2.1.6', first=([None, 5, 3], 'float32'),
                     return_sequences=True),
        k2_recurrent('GRU', 'gru_1', 2, '2.1.6'), k2_dense('dense_1', 1)]}
    x = rng(4, 5, 3, scale=1.)
    h = np_lstm(x, _split_fused(lk, lu, lb, 'ifco'), return_sequences=True)
    y = np_gru(h, _split_fused(gk, gu, gb, 'zrh')) @ w + b
    layers = [('lstm_1', _k2_pairs('lstm_1', _RNN, (lk, lu, lb), tf)),
              ('gru_1', _k2_pairs('gru_1', _RNN, (gk, gu, gb), tf)),
              ('dense_1', _k2_pairs('dense_1', ('kernel', 'bias'), (w, b), tf))]
    params = [lk, lu, lb, gk, gu, gb, w, b]
    opt = ([np.array(12, 'int64')] + [rng(*p.shape) for p in params]
           + [np.abs(rng(*p.shape)) for p in params] + [np.zeros(1, 'float32')] * len(params))
    training = _training('Adam', {'lr': 0.002, 'beta_1': 0.9, 'beta_2': 0.999, 'decay': 0.0,
                                  'epsilon': 1e-08, 'amsgrad': False}, 'mse', ['mae'])
    path = str(folder / 'keras2_1_lstm_gru.h5')
    write_model_file(path, config, layers, '2.1.6', tf, training,
                     list(zip(_k2_opt_names(len(opt), 'Adam', tf, True), opt)))
    return Case('keras2_1_lstm_gru', path, [x], [y], opt, '2.1.6')


def _k2_layer(spec, inbound):
    """A functional-model layer entry (Keras 2 / tf.keras: kwargs dict per inbound)."""
    return {'name': spec['config']['name'], 'class_name': spec['class_name'],
            'config': spec['config'], 'inbound_nodes': [[[n, 0, 0, {}] for n in inbound]]}


def _k2_input(name, shape, dtype='float32', ragged=None):
    config = {'batch_input_shape': [None] + list(shape), 'dtype': dtype, 'sparse': False,
              'name': name}
    if ragged is not None:
        config['ragged'] = ragged
    return {'name': name, 'class_name': 'InputLayer', 'config': config, 'inbound_nodes': []}


def keras2_2_functional(folder):
    """Keras 2.2.4, TensorFlow functional model: int32 Embedding ->
    Bidirectional(LSTM, sum) ; TimeDistributed(Dense) -> BatchNormalization ->
    Flatten ; Concatenate, Add; SGD state with iterations."""
    rng, tf = _Rng(8), 'tensorflow'
    emb = rng(9, 3)
    fk, fu, fb, bk, bu, bb = rng(3, 8), rng(2, 8), rng(8), rng(3, 8), rng(2, 8), rng(8)
    tk, tb = rng(3, 2), rng(2)
    gamma, beta, mean, var = rng(2) + 1., rng(2), rng(2), np.abs(rng(2)) + 0.5
    w1, b1, w2, b2 = rng(10, 2), rng(2), rng(2, 2), rng(2)
    lstm = k2_recurrent('LSTM', 'lstm_1', 2, '2.2.4')
    bn_config = _k2('batch_normalization_1', axis=-1, momentum=0.99, epsilon=0.001,
                    center=True, scale=True, beta_initializer=_ZEROS, gamma_initializer=_ONES,
                    moving_mean_initializer=_ZEROS, moving_variance_initializer=_ONES,
                    beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                    gamma_constraint=None)
    # Keras orders a functional model's layers by decreasing depth (ties: the
    # order met walking back from the outputs); config and layer_names follow it.
    layers_config = [
        _k2_input('input_1', [4], 'int32'),
        _k2_layer({'class_name': 'Embedding', 'config': _k2(
            'embedding_1', input_dim=9, output_dim=3, embeddings_initializer={
                'class_name': 'RandomUniform', 'config': {'minval': -0.05, 'maxval': 0.05,
                                                          'seed': None}},
            embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None,
            mask_zero=False, input_length=4)}, ['input_1']),
        _k2_layer({'class_name': 'TimeDistributed', 'config': _k2(
            'time_distributed_1', layer=k2_dense('dense_1', 2))}, ['embedding_1']),
        _k2_layer({'class_name': 'BatchNormalization', 'config': bn_config},
                  ['time_distributed_1']),
        _k2_layer({'class_name': 'Bidirectional', 'config': _k2(
            'bidirectional_1', layer=lstm, merge_mode='sum')}, ['embedding_1']),
        _k2_layer({'class_name': 'Flatten', 'config': _k2('flatten_1', data_format='channels_last')},
                  ['batch_normalization_1']),
        _k2_layer({'class_name': 'Concatenate', 'config': _k2('concatenate_1', axis=-1)},
                  ['bidirectional_1', 'flatten_1']),
        _k2_layer(k2_dense('dense_2', 2, 'tanh'), ['concatenate_1']),
        _k2_layer(k2_dense('dense_3', 2), ['bidirectional_1']),
        _k2_layer({'class_name': 'Add', 'config': _k2('add_1')}, ['dense_2', 'dense_3'])]
    config = {'class_name': 'Model', 'config': {
        'name': 'model_1', 'layers': layers_config, 'input_layers': [['input_1', 0, 0]],
        'output_layers': [['add_1', 0, 0]]}}
    x = np.random.RandomState(8).randint(0, 9, (3, 4)).astype('int32')
    e = emb[x]
    bi = (np_lstm(e, _split_fused(fk, fu, fb, 'ifco'))
          + np_lstm(e, _split_fused(bk, bu, bb, 'ifco'), backwards=True))
    td = np_batchnorm(e @ tk + tb, gamma, beta, mean, var, 1e-3).reshape(3, -1)
    y = np.tanh(np.concatenate([bi, td], -1) @ w1 + b1) + (bi @ w2 + b2)
    names = ('kernel', 'bias')
    layers = [('input_1', []), ('embedding_1', _k2_pairs('embedding_1', ['embeddings'], [emb], tf)),
              ('time_distributed_1', _k2_pairs('time_distributed_1', names, (tk, tb), tf)),
              ('batch_normalization_1', _k2_pairs(
                  'batch_normalization_1', ('gamma', 'beta', 'moving_mean', 'moving_variance'),
                  (gamma, beta, mean, var), tf)),
              ('bidirectional_1', _k2_pairs('bidirectional_1', _RNN, (fk, fu, fb), tf,
                                            'forward_lstm_1')
               + _k2_pairs('bidirectional_1', _RNN, (bk, bu, bb), tf, 'backward_lstm_1')),
              ('flatten_1', []), ('concatenate_1', []),
              ('dense_2', _k2_pairs('dense_2', names, (w1, b1), tf)),
              ('dense_3', _k2_pairs('dense_3', names, (w2, b2), tf)), ('add_1', [])]
    trainable = [emb, tk, tb, gamma, beta, fk, fu, fb, bk, bu, bb, w1, b1, w2, b2]
    opt = [np.array(4, 'int64')] + [rng(*p.shape, scale=0.1) for p in trainable]
    training = _training('SGD', {'lr': 0.01, 'momentum': 0.9, 'decay': 0.0, 'nesterov': True},
                         'mse', ['mae'])
    path = str(folder / 'keras2_2_functional.h5')
    write_model_file(path, config, layers, '2.2.4', tf, training,
                     list(zip(_k2_opt_names(len(opt), 'SGD', tf, True), opt)))
    return Case('keras2_2_functional', path, [x], [y], opt, '2.2.4')


def keras2_2_theano_sequential(folder):
    """Keras 2.2.4, Theano backend, channels_last Conv2D (flipped on load),
    Sequential config as a dict with ``layers``; Adadelta state without iterations."""
    rng, th = _Rng(9), 'theano'
    k, kb, w, b = rng(2, 3, 1, 2), rng(2), rng(2, 3), rng(3)
    config = {'class_name': 'Sequential', 'config': {'name': 'sequential_1', 'layers': [
        k2_conv2d('conv2d_1', 2, (2, 3), (1, 1), 'same', 'channels_last', 'linear',
                  first=([None, 4, 5, 1], 'float32')),
        {'class_name': 'GlobalMaxPooling2D', 'config': _k2('global_max_pooling2d_1',
                                                           data_format='channels_last')},
        k2_dense('dense_1', 3, 'relu')]}}
    x = rng(2, 4, 5, 1, scale=1.)
    h = (np_conv(x, k[::-1, ::-1], (1, 1), 'same') + kb).max(axis=(1, 2))
    y = np.maximum(h @ w + b, 0.)
    layers = [('conv2d_1', _k2_pairs('conv2d_1', ('kernel', 'bias'), (k, kb), th)),
              ('global_max_pooling2d_1', []),
              ('dense_1', _k2_pairs('dense_1', ('kernel', 'bias'), (w, b), th))]
    params = [k, kb, w, b]
    opt = [np.abs(rng(*p.shape)) for p in params + params]
    training = _training('Adadelta', {'lr': 1.0, 'rho': 0.95, 'decay': 0.0, 'epsilon': 1e-07},
                         'mse')
    path = str(folder / 'keras2_2_theano_sequential.h5')
    write_model_file(path, config, layers, '2.2.4', th, training,
                     list(zip(_k2_opt_names(len(opt), 'Adadelta', th, False), opt)))
    state = ([np.array(0, 'int64'), opt[0][::-1, ::-1]] + opt[1:4] + [opt[4][::-1, ::-1]]
             + opt[5:])
    return Case('keras2_2_theano_sequential', path, [x], [y], state, '2.2.4')


# ------------------------------------------------------------------- tf.keras
def _tf_optimizer(prefix, hypers, slots, param_names, arrays):
    """tf.keras OptimizerV2 weights: iter, hyper-parameters (sorted), then each
    slot for every parameter (``Adam/dense/kernel/m:0``)."""
    names = ['%s/iter:0' % prefix] + ['%s/%s:0' % (prefix, h) for h in sorted(hypers)]
    for slot in slots:
        names += ['%s/%s/%s:0' % (prefix, p, slot) for p in param_names]
    return list(zip(names, arrays))


def tf_keras1_functional(folder):
    """tf.keras 1.x (``keras_version='2.2.4-tf'``): functional ``Model`` class,
    ``dense``/``dense_1`` names, Adam (OptimizerV2) state with hyper-parameter
    variables."""
    rng, tf = _Rng(10), 'tensorflow'
    w1, b1, w2, b2 = rng(3, 4), rng(4), rng(4, 2), rng(2)
    config = {'class_name': 'Model', 'config': {'name': 'model', 'layers': [
        _k2_input('input_1', [3]),
        _k2_layer(k2_dense('dense', 4, 'relu', tf_keras=True), ['input_1']),
        _k2_layer(k2_dense('dense_1', 2, 'sigmoid', tf_keras=True), ['dense'])],
        'input_layers': [['input_1', 0, 0]], 'output_layers': [['dense_1', 0, 0]]}}
    for entry in config['config']['layers'][1:]:
        entry['config']['dtype'] = 'float32'
    x = rng(5, 3, scale=1.)
    y = _sigmoid(np.maximum(x @ w1 + b1, 0.) @ w2 + b2)
    names = ('kernel', 'bias')
    layers = [('input_1', []), ('dense', _k2_pairs('dense', names, (w1, b1), tf)),
              ('dense_1', _k2_pairs('dense_1', names, (w2, b2), tf))]
    params = [w1, b1, w2, b2]
    hypers = {'beta_1': 0.9, 'beta_2': 0.999, 'decay': 0.0, 'learning_rate': 0.005}
    opt = ([np.array(9, 'int64')] + [np.array(hypers[h], 'float32') for h in sorted(hypers)]
           + [rng(*p.shape, scale=0.1) for p in params]
           + [np.abs(rng(*p.shape, scale=0.1)) for p in params])
    training = _training('Adam', dict(name='Adam', epsilon=1e-07, amsgrad=False, **hypers),
                         'mse', ['mae'])
    path = str(folder / 'tf_keras1_functional.h5')
    write_model_file(path, config, layers, '2.2.4-tf', tf, training, _tf_optimizer(
        'Adam', hypers, ('m', 'v'), ['dense/kernel', 'dense/bias', 'dense_1/kernel',
                                     'dense_1/bias'], opt))
    state = [opt[0]] + opt[5:] + [np.zeros(1, 'float32')] * 4  # + Adam's vhat placeholders
    return Case('tf_keras1_functional', path, [x], [y], state, '2.2.4-tf')


def tf_keras2_functional_lstm(folder):
    """tf.keras 2.4 (``Functional`` class, ``lstm/lstm_cell/kernel:0``), legacy
    RMSprop state (``RMSprop/iter:0``, hyper-parameters, ``rms`` slots)."""
    rng, tf = _Rng(11), 'tensorflow'
    lk, lu, lb, w, b = rng(2, 12), rng(3, 12), rng(12), rng(3, 2), rng(2)
    lstm = k2_recurrent('LSTM', 'lstm', 3, '2.4.0', recurrent_activation='sigmoid',
                        time_major=False, dtype='float32')
    config = {'class_name': 'Functional', 'config': {'name': 'model', 'layers': [
        _k2_input('input_1', [4, 2], ragged=False),
        _k2_layer(lstm, ['input_1']),
        _k2_layer(k2_dense('dense', 2, tf_keras=True), ['lstm'])],
        'input_layers': [['input_1', 0, 0]], 'output_layers': [['dense', 0, 0]]}}
    x = rng(3, 4, 2, scale=1.)
    y = np_lstm(x, _split_fused(lk, lu, lb, 'ifco'), inner='sigmoid') @ w + b
    layers = [('input_1', []),
              ('lstm', _k2_pairs('lstm', _RNN, (lk, lu, lb), tf, 'lstm_cell')),
              ('dense', _k2_pairs('dense', ('kernel', 'bias'), (w, b), tf))]
    params = [lk, lu, lb, w, b]
    hypers = {'decay': 0.0, 'learning_rate': 0.001, 'momentum': 0.0, 'rho': 0.9}
    opt = ([np.array(2, 'int64')] + [np.array(hypers[h], 'float32') for h in sorted(hypers)]
           + [np.abs(rng(*p.shape, scale=0.1)) for p in params])
    training = _training('RMSprop', dict(name='RMSprop', epsilon=1e-07, centered=False,
                                         **hypers), 'mse')
    path = str(folder / 'tf_keras2_functional_lstm.h5')
    write_model_file(path, config, layers, '2.4.0', tf, training, _tf_optimizer(
        'RMSprop', hypers, ('rms',), ['lstm/lstm_cell/kernel', 'lstm/lstm_cell/recurrent_kernel',
                                      'lstm/lstm_cell/bias', 'dense/kernel', 'dense/bias'], opt))
    return Case('tf_keras2_functional_lstm', path, [x], [y], [opt[0]] + opt[5:], '2.4.0')


ALL_CASES = {f.__name__: f for f in (
    keras1_cnn_th, keras1_cnn_tf, keras1_embedding_lstm_gru, keras1_functional_gru_merge,
    keras1_bidirectional_td_bn, keras2_0_theano_cnn, keras2_1_lstm_gru, keras2_2_functional,
    keras2_2_theano_sequential, tf_keras1_functional, tf_keras2_functional_lstm)}


def build(name, folder):
    """Write case ``name`` into ``folder`` (a ``pathlib.Path``); return its :class:`Case`."""
    return ALL_CASES[name](folder)
