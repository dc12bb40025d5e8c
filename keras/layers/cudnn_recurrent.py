"""``CuDNNLSTM`` and ``CuDNNGRU``: Keras 2.3.1's cuDNN layers, on any device.

They keep Keras 2.3.1's weight layout (what their model files hold): ``kernel
(input_dim, n * units)``, ``recurrent_kernel (units, n * units)`` and one bias
of ``2 * n * units`` (input biases, then recurrent biases).  cuDNN reads each
gate's block of these arrays as a row-major ``(units, input_dim)`` matrix; the
same reading gives PyTorch's ``weight_ih``/``weight_hh`` here, so PyTorch's fused
kernel computes them (with cuDNN on CUDA).  Converted with
``keras.saving.legacy_weights``, the weights give an ``LSTM`` /
``GRU(reset_after=True)`` the same numbers.
"""
import torch

from keras import constraints, initializers, regularizers
from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.layers import _arguments
from keras.layers import _rnn_ops
from keras.layers.recurrent_base import RNN

__all__ = ['CuDNNGRU', 'CuDNNLSTM']


class _StateSize(object):
    """What an RNN needs to know of a cell these layers do not have."""

    def __init__(self, state_size):
        self.state_size = state_size


def _torch_gates(array, n, units, order=None):
    """Keras cuDNN layout ``(rows, n * units)`` -> PyTorch ``(n * units, rows)``."""
    rows = array.shape[0]
    gates = array.reshape(rows, n, units).permute(1, 0, 2).reshape(n, units, rows)
    if order is not None:
        gates = gates[order]
    return gates.reshape(n * units, rows)


class _CuDNNRNN(RNN):
    """Shared arguments, weights and call of the cuDNN-layout layers."""

    _n_gates = 4
    _op = 'lstm'
    _torch_order = None

    def __init__(self, units, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        self.units = _arguments.positive_int(self, 'units', units)
        Layer.__init__(self, **kwargs)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = False
        self.time_major = False
        self.zero_output_for_mask = False
        self.supports_masking = False
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = [InputSpec(shape=(None, dim)) for dim in self._sizes()]
        self.constants_spec = None
        self._states = None
        self._num_constants = None
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _sizes(self):
        return [self.units] * (2 if self._op == 'lstm' else 1)

    @property
    def cell(self):
        sizes = self._sizes()
        return _StateSize(tuple(sizes) if len(sizes) > 1 else sizes[0])

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        super(_CuDNNRNN, self).build(input_shape)
        shape = input_shape[0] if isinstance(input_shape[0], (list, tuple)) else input_shape
        width = self._n_gates * self.units
        self.kernel = self.add_weight(shape=(shape[-1], width), name='kernel',
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width),
                                                name='recurrent_kernel',
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight(shape=(2 * width,), name='bias',
                                    initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint)
        self.built = True

    def _torch_weights(self):
        n, u = self._n_gates, self.units
        order = self._torch_order
        biases = self.bias.reshape(2, n, u)
        if order is not None:
            biases = biases[:, order]
        biases = biases.reshape(2, n * u)
        return [_torch_gates(self.kernel, n, u, order),
                _torch_gates(self.recurrent_kernel, n, u, order), biases[0], biases[1]]

    def _run(self, inputs, states, constants, mask, training):
        if mask is not None:
            raise ValueError('Masking is not supported for CuDNN RNNs.')
        if inputs.is_floating_point() and inputs.dtype != self.kernel.dtype:
            inputs = inputs.to(self.kernel.dtype)
        return _rnn_ops.run_fused(self._op, inputs, states, self._torch_weights(), True,
                                  go_backwards=self.go_backwards,
                                  want_sequence=self.return_sequences)

    def get_config(self):
        config = {'return_sequences': self.return_sequences,
                  'return_state': self.return_state,
                  'go_backwards': self.go_backwards,
                  'stateful': self.stateful,
                  'units': self.units,
                  'kernel_initializer': initializers.serialize(self.kernel_initializer),
                  'recurrent_initializer': initializers.serialize(self.recurrent_initializer),
                  'bias_initializer': initializers.serialize(self.bias_initializer)}
        config.update(self._extra_config())
        config.update({
            'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
            'recurrent_regularizer': regularizers.serialize(self.recurrent_regularizer),
            'bias_regularizer': regularizers.serialize(self.bias_regularizer),
            'activity_regularizer': regularizers.serialize(self.activity_regularizer),
            'kernel_constraint': constraints.serialize(self.kernel_constraint),
            'recurrent_constraint': constraints.serialize(self.recurrent_constraint),
            'bias_constraint': constraints.serialize(self.bias_constraint)})
        base = Layer.get_config(self)
        return dict(list(base.items()) + list(config.items()))

    def _extra_config(self):
        return {}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class CuDNNGRU(_CuDNNRNN):
    """GRU in Keras 2.3.1's cuDNN layout (reset gate after the recurrent
    product; bias ``(6 * units,)``). Runs on any device.

    Args:
        units: output size.
        kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, recurrent_constraint,
        bias_constraint: as in :class:`GRU`.
        return_sequences, return_state, stateful: as in :class:`RNN`
            (``go_backwards`` too, as a keyword argument).
    """

    _n_gates = 3
    _op = 'gru'
    _torch_order = [1, 0, 2]  # Keras z, r, h -> PyTorch r, z, n

    def __init__(self, units, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, return_sequences=False, return_state=False,
                 stateful=False, **kwargs):
        super(CuDNNGRU, self).__init__(
            units, kernel_initializer, recurrent_initializer, bias_initializer,
            kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint,
            return_sequences=return_sequences, return_state=return_state, stateful=stateful,
            **kwargs)


class CuDNNLSTM(_CuDNNRNN):
    """LSTM in Keras 2.3.1's cuDNN layout (bias ``(8 * units,)``: input then
    recurrent biases, gates i, f, c, o). Runs on any device.

    Args:
        units: output size.
        unit_forget_bias: initialize the recurrent forget-gate bias to 1.
        Other arguments: see :class:`CuDNNGRU`.
    """

    def __init__(self, units, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences=False,
                 return_state=False, stateful=False, **kwargs):
        super(CuDNNLSTM, self).__init__(
            units, kernel_initializer, recurrent_initializer, bias_initializer,
            kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint,
            return_sequences=return_sequences, return_state=return_state, stateful=stateful,
            **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, units = self.bias_initializer, self.units

        def init(shape, dtype=None):
            return torch.cat([torch.as_tensor(base((5 * units,), dtype=dtype)),
                              torch.as_tensor(initializers.Ones()((units,), dtype=dtype)),
                              torch.as_tensor(base((2 * units,), dtype=dtype))])
        return init

    def _extra_config(self):
        return {'unit_forget_bias': self.unit_forget_bias}
