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

__all__ = ['Case', 'write_model_file', 'names_attr', 'text_attr', 'Rng', 'all_cases', 'build',
           'ACT', 'sigmoid', 'softmax', 'np_lstm', 'np_gru', 'np_max_pool', 'np_batchnorm',
           'split_fused']

Case = collections.namedtuple('Case', 'name path inputs outputs optimizer_state keras_version')


# ------------------------------------------------------------------ writing
def names_attr(values):
    """A list of names as an array of fixed-length bytes (``[]`` -> an empty float array,
    as NumPy made of Keras's empty lists)."""
    return np.asarray([v.encode('utf8') for v in values])


def text_attr(value):
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
        f.attrs['keras_version'] = text_attr(keras_version)
        if backend is not None:
            f.attrs['backend'] = text_attr(backend)
        f.attrs['model_config'] = text_attr(json.dumps(model_config))
        if training_config is not None:
            f.attrs['training_config'] = text_attr(json.dumps(training_config))
        group = f.create_group('model_weights')
        group.attrs['layer_names'] = names_attr([name for name, _ in layers])
        if backend is not None:
            group.attrs['backend'] = text_attr(backend)
            group.attrs['keras_version'] = text_attr(keras_version)
        for name, weights in layers:
            _write_named(group.create_group(name), weights)
        if optimizer:
            _write_named(f.create_group('optimizer_weights'), optimizer)


def _write_named(group, pairs):
    group.attrs['weight_names'] = names_attr([n for n, _ in pairs])
    for name, value in pairs:
        group.create_dataset(name, data=np.asarray(value))


class Rng(object):
    """Small uniform arrays, float32."""

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def __call__(self, *shape, scale=0.5):
        return self.rng.uniform(-scale, scale, shape).astype('float32')


# -------------------------------------------------------- NumPy references
def sigmoid(x):
    return 1. / (1. + np.exp(-x))


def _hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0., 1.)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACT = {'linear': lambda x: x, 'relu': lambda x: np.maximum(x, 0.), 'tanh': np.tanh,
       'sigmoid': sigmoid, 'hard_sigmoid': _hard_sigmoid, 'softmax': softmax}


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


def split_fused(kernel, recurrent, bias, order):
    """Fused Keras 2 arrays -> ``{gate: (W, U, b)}`` (gates in ``order``)."""
    n = len(order)
    return {g: (k, u, b) for g, k, u, b in zip(order, np.split(kernel, n, -1),
                                                np.split(recurrent, n, -1),
                                                np.split(bias, n, -1))}


def all_cases():
    """``{name: builder}`` of every old-layout file (Keras 1, Keras 2, tf.keras)."""
    from tests.saving import legacy_files_keras1, legacy_files_keras2
    cases = dict(legacy_files_keras1.CASES)
    cases.update(legacy_files_keras2.CASES)
    return cases


def build(name, folder):
    """Write case ``name`` into ``folder`` (a ``pathlib.Path``); return its :class:`Case`."""
    return all_cases()[name](folder)
