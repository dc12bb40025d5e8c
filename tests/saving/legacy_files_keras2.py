"""Keras 2.0-2.2 (TensorFlow and Theano) and tf.keras 1.x/2.x model files (see
:mod:`tests.saving.legacy_files` for the layouts)."""
import numpy as np

from tests.saving.legacy_files import (Case, Rng, np_batchnorm, np_gru, np_lstm, np_max_pool,
                                       sigmoid, softmax, split_fused, write_model_file)
from tests.layers.test_convolutional import np_conv

__all__ = ['CASES']

_INIT_K2 = {'class_name': 'VarianceScaling',
            'config': {'scale': 1.0, 'mode': 'fan_avg', 'distribution': 'uniform', 'seed': None}}
_ZEROS = {'class_name': 'Zeros', 'config': {}}
_ONES = {'class_name': 'Ones', 'config': {}}
_ORTHO = {'class_name': 'Orthogonal', 'config': {'gain': 1.0, 'seed': None}}


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
    rng, th = Rng(6), 'theano'
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
    y = softmax(h.reshape(3, -1) @ w + b)
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
    rng, tf = Rng(7), 'tensorflow'
    lk, lu, lb = rng(3, 12), rng(3, 12), rng(12)
    gk, gu, gb = rng(3, 6), rng(2, 6), rng(6)
    w, b = rng(2, 1), rng(1)
    config = {'class_name': 'Sequential', 'config': [
        k2_recurrent('LSTM', 'lstm_1', 3, '2.1.6', first=([None, 5, 3], 'float32'),
                     return_sequences=True),
        k2_recurrent('GRU', 'gru_1', 2, '2.1.6'), k2_dense('dense_1', 1)]}
    x = rng(4, 5, 3, scale=1.)
    h = np_lstm(x, split_fused(lk, lu, lb, 'ifco'), return_sequences=True)
    y = np_gru(h, split_fused(gk, gu, gb, 'zrh')) @ w + b
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
    rng, tf = Rng(8), 'tensorflow'
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
    bi = (np_lstm(e, split_fused(fk, fu, fb, 'ifco'))
          + np_lstm(e, split_fused(bk, bu, bb, 'ifco'), backwards=True))
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
    rng, th = Rng(9), 'theano'
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
    rng, tf = Rng(10), 'tensorflow'
    w1, b1, w2, b2 = rng(3, 4), rng(4), rng(4, 2), rng(2)
    config = {'class_name': 'Model', 'config': {'name': 'model', 'layers': [
        _k2_input('input_1', [3]),
        _k2_layer(k2_dense('dense', 4, 'relu', tf_keras=True), ['input_1']),
        _k2_layer(k2_dense('dense_1', 2, 'sigmoid', tf_keras=True), ['dense'])],
        'input_layers': [['input_1', 0, 0]], 'output_layers': [['dense_1', 0, 0]]}}
    for entry in config['config']['layers'][1:]:
        entry['config']['dtype'] = 'float32'
    x = rng(5, 3, scale=1.)
    y = sigmoid(np.maximum(x @ w1 + b1, 0.) @ w2 + b2)
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
    rng, tf = Rng(11), 'tensorflow'
    lk, lu, lb, w, b = rng(2, 12), rng(3, 12), rng(12), rng(3, 2), rng(2)
    lstm = k2_recurrent('LSTM', 'lstm', 3, '2.4.0', recurrent_activation='sigmoid',
                        time_major=False, dtype='float32')
    config = {'class_name': 'Functional', 'config': {'name': 'model', 'layers': [
        _k2_input('input_1', [4, 2], ragged=False),
        _k2_layer(lstm, ['input_1']),
        _k2_layer(k2_dense('dense', 2, tf_keras=True), ['lstm'])],
        'input_layers': [['input_1', 0, 0]], 'output_layers': [['dense', 0, 0]]}}
    x = rng(3, 4, 2, scale=1.)
    y = np_lstm(x, split_fused(lk, lu, lb, 'ifco'), inner='sigmoid') @ w + b
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


CASES = {f.__name__: f for f in (keras2_0_theano_cnn, keras2_1_lstm_gru, keras2_2_functional,
                                 keras2_2_theano_sequential, tf_keras1_functional,
                                 tf_keras2_functional_lstm)}
