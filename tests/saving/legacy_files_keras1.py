"""Keras 1.1/1.2 model files (see :mod:`tests.saving.legacy_files` for the layout).

Layer names, configs and weight names as Keras 1 made them: ``convolution2d_1``
with ``nb_filter``/``border_mode``/``dim_ordering``, ``lstm_1_W_i`` per-gate
arrays (stored order i, c, f, o; GRU z, r, h), ``input_dtype``, ``Merge``.
"""
import numpy as np

from tests.saving.legacy_files import (Case, Rng, np_batchnorm, np_gru, np_lstm, np_max_pool,
                                       sigmoid, softmax, split_fused, write_model_file)
from tests.layers.test_convolutional import np_conv

__all__ = ['CASES']


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
    rng, tf = Rng(1), '%s:0'
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
    rng = Rng(2)
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
    y = sigmoid(h.reshape(3, -1) @ w + b)
    layers = [('convolution2d_1', [('convolution2d_1_W', k), ('convolution2d_1_b', kb)]),
              ('flatten_1', []), ('dense_1', [('dense_1_W', w), ('dense_1_b', b)])]
    path = str(folder / 'keras1_cnn_tf.h5')
    write_model_file(path, config, layers, '1.1.0')
    return Case('keras1_cnn_tf', path, [x], [y], None, '1.1.0')


def keras1_embedding_lstm_gru(folder):
    """Keras 1.2.2: int32 Embedding, per-gate LSTM (12 arrays), fused GRU
    (``consume_less='gpu'``), RMSprop whose per-gate state cannot map."""
    rng, tf = Rng(3), '%s:0'
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
    h = np_gru(h, split_fused(gk, gu, gb, 'zrh'))
    y = softmax(h @ w + b)
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
    rng, tf = Rng(4), '%s:0'
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
    rng = Rng(5)
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


CASES = {f.__name__: f for f in (keras1_cnn_th, keras1_cnn_tf, keras1_embedding_lstm_gru,
                                 keras1_functional_gru_merge, keras1_bidirectional_td_bn)}
