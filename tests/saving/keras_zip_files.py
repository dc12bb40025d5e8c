"""Hand-built ``.keras`` files laid out as tf.keras 2.13-2.15 writes them.

Written from the format's structure (``saving_lib`` / ``serialization_lib``):
a zip of ``metadata.json``, ``config.json`` (objects as ``module``,
``class_name``, ``config``, ``registered_name``; ``build_config`` and
``compile_config`` on the model) and ``model.weights.h5`` (``vars`` groups by
attribute path, datasets ``'0'``, ``'1'``...).
"""
import io
import json
import zipfile

import h5py
import numpy as np


def obj(module, class_name, config, registered_name=None, **extra):
    out = {'module': module, 'class_name': class_name, 'config': config,
           'registered_name': registered_name}
    out.update(extra)
    return out


def init(class_name, **config):
    return obj('keras.initializers', class_name, config)


def input_layer(name, shape):
    return obj('keras.layers', 'InputLayer',
               {'batch_input_shape': [None] + list(shape), 'dtype': 'float32',
                'sparse': False, 'ragged': False, 'name': name})


def dense(name, units, activation='linear'):
    return obj('keras.layers', 'Dense', {
        'name': name, 'trainable': True, 'dtype': 'float32', 'units': units,
        'activation': activation, 'use_bias': True,
        'kernel_initializer': init('GlorotUniform', seed=None),
        'bias_initializer': init('Zeros'), 'kernel_regularizer': None,
        'bias_regularizer': None, 'activity_regularizer': None, 'kernel_constraint': None,
        'bias_constraint': None})


def batch_norm(name):
    return obj('keras.layers', 'BatchNormalization', {
        'name': name, 'trainable': True, 'dtype': 'float32', 'axis': [1],
        'momentum': 0.99, 'epsilon': 0.001, 'center': True, 'scale': True,
        'beta_initializer': init('Zeros'), 'gamma_initializer': init('Ones'),
        'moving_mean_initializer': init('Zeros'), 'moving_variance_initializer': init('Ones'),
        'beta_regularizer': None, 'gamma_regularizer': None, 'beta_constraint': None,
        'gamma_constraint': None})


def lstm(name, units, return_sequences=False):
    return obj('keras.layers', 'LSTM', {
        'name': name, 'trainable': True, 'dtype': 'float32',
        'return_sequences': return_sequences, 'return_state': False, 'go_backwards': False,
        'stateful': False, 'unroll': False, 'time_major': False, 'units': units,
        'activation': 'tanh', 'recurrent_activation': 'sigmoid', 'use_bias': True,
        'kernel_initializer': init('GlorotUniform', seed=None),
        'recurrent_initializer': init('Orthogonal', gain=1.0, seed=None),
        'bias_initializer': init('Zeros'), 'unit_forget_bias': True,
        'kernel_regularizer': None, 'recurrent_regularizer': None, 'bias_regularizer': None,
        'activity_regularizer': None, 'kernel_constraint': None,
        'recurrent_constraint': None, 'bias_constraint': None, 'dropout': 0.0,
        'recurrent_dropout': 0.0, 'implementation': 2})


def adam_compile_config(loss, metrics=None):
    """tf.keras 2.11+ (non-legacy) Adam, as ``compile_config`` holds it."""
    optimizer = obj('keras.optimizers', 'Adam', {
        'name': 'Adam', 'weight_decay': None, 'clipnorm': None, 'global_clipnorm': None,
        'clipvalue': None, 'use_ema': False, 'ema_momentum': 0.99,
        'ema_overwrite_frequency': None, 'jit_compile': False, 'is_legacy_optimizer': False,
        'learning_rate': 0.01, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-07,
        'amsgrad': False})
    return {'optimizer': optimizer, 'loss': loss, 'metrics': metrics, 'loss_weights': None,
            'weighted_metrics': None, 'run_eagerly': None, 'steps_per_execution': None,
            'jit_compile': None}


def weights_h5(arrays_by_path):
    """``model.weights.h5`` bytes: ``{path: [arrays]}`` -> ``path/vars/i``."""
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as f:
        f.create_group('vars')
        for path, arrays in arrays_by_path.items():
            group = f.create_group(path + '/vars') if path else f['vars']
            for i, a in enumerate(arrays):
                group.create_dataset(str(i), data=np.asarray(a))
    return buffer.getvalue()


def write_keras_file(path, config, arrays_by_path):
    with zipfile.ZipFile(path, 'w') as zf:
        zf.writestr('metadata.json', json.dumps({'keras_version': '2.13.1',
                                                 'date_saved': '2023-08-01@12:00:00'}))
        zf.writestr('config.json', json.dumps(config))
        zf.writestr('model.weights.h5', weights_h5(arrays_by_path))
    return path


def arrays(rng, *shapes):
    return [rng.standard_normal(s).astype('float32') for s in shapes]
