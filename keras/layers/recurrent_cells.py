"""RNN cells: one time step of SimpleRNN, LSTM and GRU, and ``StackedRNNCells``.

A cell is a layer with a ``state_size`` and ``call(inputs, states) ->
(output, new_states)``; :class:`keras.layers.RNN` runs it over a sequence.
The built-in cells are fast-path cells (:mod:`keras.layers._cell_protocol`):
their step is in two halves, ``_project_inputs`` (inputs times kernel plus
bias, done for the whole sequence in one product) and
``_make_recurrent_step`` (the per-step recurrent part, with what does not
change between steps prepared once); ``_fused_kernel`` says when PyTorch's
fused kernel computes exactly the same thing.

Weights are in Keras's layout: ``kernel (input_dim, n_gates * units)``,
``recurrent_kernel (units, n_gates * units)``, gates in order i, f, c, o
(LSTM) and z, r, h (GRU).
"""
import torch

from keras import activations, constraints, initializers, regularizers
from keras.backend import nn_ops as K_nn
from keras.engine import layer_weights
from keras.engine.base_layer import Layer
from keras.layers import _arguments
from keras.layers._cell_protocol import FastPathCell, FusedKernel
from keras.mixed_precision import policy as mp_policy
from keras.utils.generic_utils import has_arg

__all__ = ['SimpleRNNCell', 'LSTMCell', 'GRUCell', 'StackedRNNCells']


def _is_activation(fn, name):
    return fn is getattr(activations, name) or fn is getattr(torch, name) or \
        fn is getattr(K_nn, name, None)


# Gate activations that act on each entry alone, with a finite derivative
# everywhere: the gate math may apply them to a wider block than it uses.
_ELEMENTWISE = ((activations.sigmoid, torch.sigmoid), (activations.hard_sigmoid,),
                (activations.tanh, torch.tanh), (activations.relu, torch.relu),
                (activations.linear,))


def _plain(fn):
    """An activation as a plain function of tensors (without the wrapper that
    records calls on symbolic tensors: the time loop calls it many times)."""
    return getattr(fn, '__wrapped_backend_fn__', fn)


def _elementwise(fn):
    return any(fn is f or _plain(fn) is _plain(f) for group in _ELEMENTWISE for f in group)


def _autocasting(tensor):
    return mp_policy.active_autocast_dtype(tensor.device.type) is not None


def _at_step(mask, x):
    """A ``(batch, features)`` mask broadcast over ``x`` (one step or a sequence)."""
    return mask if x.dim() == 2 else mask.unsqueeze(1)


def _stacked_identity(gain):
    """Keras's identity recurrent initializer for gated cells: one identity
    block per gate."""
    def init(shape, dtype=None):
        blocks = shape[1] // shape[0]
        return float(gain) * torch.eye(shape[0], dtype=dtype).repeat(1, blocks)
    return init


class _RNNCellBase(FastPathCell, Layer):
    """Arguments, weights and dropout shared by the built-in cells; each
    provides ``_make_recurrent_step`` and, where one fits, ``_fused_kernel``."""

    _n_gates = 1

    def __init__(self, units, activation='tanh', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal',
                 bias_initializer='zeros', kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        super(_RNNCellBase, self).__init__(**kwargs)
        self.units = _arguments.positive_int(self, 'units', units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1., max(0., _arguments.fraction(self, 'dropout', dropout)))
        self.recurrent_dropout = min(1., max(0., _arguments.fraction(
            self, 'recurrent_dropout', recurrent_dropout)))
        self.implementation = 2
        self.state_size = self.units
        self.output_size = self.units
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    # ---------------------------------------------------------------- weights
    def _build_weights(self, input_shape, bias_shape, bias_initializer=None):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError('%s %s: the last dimension of the input must be defined, got '
                             'input shape %s.' % (self.__class__.__name__, self.name,
                                                  tuple(input_shape)))
        width = self._n_gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), name='kernel',
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        recurrent_init = self.recurrent_initializer
        if isinstance(recurrent_init, initializers.Identity) and self._n_gates > 1:
            recurrent_init = _stacked_identity(recurrent_init.gain)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width),
                                                name='recurrent_kernel',
                                                initializer=recurrent_init,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        # PyTorch's fused kernels take these as (gates * units, input): kept in
        # that memory order, their ``.t()`` reaches the kernel without a copy.
        layer_weights.store_transposed(self.kernel)
        layer_weights.store_transposed(self.recurrent_kernel)
        if self.use_bias:
            self.bias = self.add_weight(shape=bias_shape, name='bias',
                                        initializer=bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    # ---------------------------------------------------------------- dropout
    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _dropout_mask_count(self):
        """Implementation 1 drops each gate's inputs with a mask of its own."""
        return self._n_gates if self.implementation == 1 else 1

    # ------------------------------------------------------------------- math
    def _input_bias(self):
        return self.bias

    def _project_inputs(self, x):
        """``x @ kernel + bias`` with the input dropout; ``x`` is one step
        ``(batch, features)`` or a whole sequence ``(batch, time, features)``."""
        masks = self._dropout_mask
        bias = self._input_bias()
        if masks is not None and len(masks) > 1:  # implementation 1: a mask per gate
            z = torch.cat([torch.matmul(x * _at_step(m, x), k) for m, k in
                           zip(masks, self.kernel.split(self.units, dim=1))], dim=-1)
            return z if bias is None else z + bias
        if masks is not None:
            x = x * _at_step(masks[0], x)
        if bias is None or _autocasting(x):  # (autocast keeps the sum in the wider type)
            z = torch.matmul(x, self.kernel)
            return z if bias is None else z + bias
        z = torch.addmm(bias, x.reshape(-1, x.shape[-1]), self.kernel)  # one fused op
        return z.reshape(x.shape[:-1] + (z.shape[-1],))

    def _recurrent_sum(self, kernel, masks):
        """``add(z, h) -> z + (h * recurrent dropout) @ kernel`` (``masks``:
        ``None``, one mask, or one per gate block of ``kernel``)."""
        if masks is not None and len(masks) > 1:
            blocks = kernel.split(self.units, dim=1)
            return lambda z, h: z + torch.cat([torch.matmul(h * m, k)
                                               for m, k in zip(masks, blocks)], dim=1)
        mask = masks[0] if masks else None
        if _autocasting(kernel):  # keep the sum in the wider type, as ``z`` is
            return lambda z, h: z + torch.matmul(h if mask is None else h * mask, kernel)
        return lambda z, h: torch.addmm(z, h if mask is None else h * mask, kernel)

    def _torch_weights(self, reorder=None, recurrent_bias=None):
        """The weights in PyTorch's layout; ``reorder(w, dim)`` permutes the
        gate blocks along ``dim`` where the two orders differ."""
        kernel, recurrent = self.kernel.t(), self.recurrent_kernel.t()
        if reorder is not None:
            kernel, recurrent = reorder(kernel, 0), reorder(recurrent, 0)
        weights = [kernel, recurrent]
        if self.use_bias:
            bias = self._input_bias()
            if recurrent_bias is None:
                recurrent_bias = torch.zeros_like(bias)
            if reorder is not None:
                bias, recurrent_bias = reorder(bias, 0), reorder(recurrent_bias, 0)
            weights += [bias, recurrent_bias]
        return weights

    def _fusable_dropout(self):
        return self._recurrent_dropout_mask is None and (
            self._dropout_mask is None or len(self._dropout_mask) == 1)

    def _base_config(self):
        return {'units': self.units,
                'activation': activations.serialize(self.activation)}

    def _weights_config(self):
        return {'kernel_initializer': initializers.serialize(self.kernel_initializer),
                'recurrent_initializer': initializers.serialize(self.recurrent_initializer),
                'bias_initializer': initializers.serialize(self.bias_initializer),
                'kernel_regularizer': regularizers.serialize(self.kernel_regularizer),
                'recurrent_regularizer': regularizers.serialize(self.recurrent_regularizer),
                'bias_regularizer': regularizers.serialize(self.bias_regularizer),
                'kernel_constraint': constraints.serialize(self.kernel_constraint),
                'recurrent_constraint': constraints.serialize(self.recurrent_constraint),
                'bias_constraint': constraints.serialize(self.bias_constraint)}

    def _merge_config(self, config):
        base = Layer.get_config(self)
        return dict(list(base.items()) + list(config.items()))


class SimpleRNNCell(_RNNCellBase):
    """One step of a fully-connected RNN: ``h = activation(x W + h_prev U + b)``.

    Args:
        units: size of the output and of the state.
        activation: default ``'tanh'``.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint: as in ``Dense``
            (``recurrent_*`` apply to the recurrent kernel).
        dropout: fraction of the input units dropped (one mask per sequence).
        recurrent_dropout: fraction of the state units dropped.
    """

    def build(self, input_shape):
        self._build_weights(input_shape, (self.units,))

    def _make_recurrent_step(self):
        add = self._recurrent_sum(self.recurrent_kernel, self._recurrent_dropout_mask)
        activation = _plain(self.activation)
        return lambda z, states: [activation(add(z, states[0]))]

    def _fused_kernel(self):
        if not self._fusable_dropout():
            return None
        if _is_activation(self.activation, 'tanh'):
            op = 'rnn_tanh'
        elif self.activation is activations.relu or self.activation is torch.relu:
            op = 'rnn_relu'
        else:
            return None
        return FusedKernel(op, self._torch_weights(), self.use_bias)

    def get_config(self):
        config = self._base_config()
        config['use_bias'] = self.use_bias
        config.update(self._weights_config())
        config.update({'dropout': self.dropout, 'recurrent_dropout': self.recurrent_dropout})
        return self._merge_config(config)


class LSTMCell(_RNNCellBase):
    """One step of a Long Short-Term Memory layer (states ``[h, c]``).

    ``i, f, o = recurrent_activation(...)``, ``c = f * c_prev + i *
    activation(...)``, ``h = o * activation(c)``; gate order i, f, c, o.

    Args:
        units: size of the output and of each state.
        activation: default ``'tanh'``.
        recurrent_activation: for the gates, default ``'sigmoid'``.
        unit_forget_bias: add 1 to the forget-gate bias at initialization.
        implementation: 1 (one product per gate) or 2 (one product for all);
            the same numbers, different dropout masks per gate in mode 1.
        Other arguments: as in :class:`SimpleRNNCell`.
    """

    _n_gates = 4

    def __init__(self, units, activation='tanh', recurrent_activation='sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., implementation=2,
                 **kwargs):
        super(LSTMCell, self).__init__(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.implementation = implementation
        self.state_size = (self.units, self.units)

    def build(self, input_shape):
        bias_initializer = None
        if self.unit_forget_bias:
            base, units = self.bias_initializer, self.units

            def bias_initializer(shape, dtype=None):
                return torch.cat([torch.as_tensor(base((units,), dtype=dtype)),
                                  torch.as_tensor(initializers.Ones()((units,), dtype=dtype)),
                                  torch.as_tensor(base((2 * units,), dtype=dtype))])
        self._build_weights(input_shape, (4 * self.units,), bias_initializer)

    def _make_recurrent_step(self):
        add = self._recurrent_sum(self.recurrent_kernel, self._recurrent_dropout_mask)
        activation, gate = _plain(self.activation), _plain(self.recurrent_activation)
        u = self.units
        if _elementwise(self.recurrent_activation):
            def gates(z):  # one call for the four blocks; the cell block is unused
                i, f, _, o = gate(z).chunk(4, dim=1)
                return i, f, o
        else:
            def gates(z):
                return gate(z[:, :u]), gate(z[:, u:2 * u]), gate(z[:, 3 * u:])

        def step(z, states):
            z = add(z, states[0])
            i, f, o = gates(z)
            c = f * states[1] + i * activation(z[:, 2 * u:3 * u])
            return [o * activation(c), c]
        return step

    def _fused_kernel(self):
        if not (self._fusable_dropout() and _is_activation(self.activation, 'tanh')
                and _is_activation(self.recurrent_activation, 'sigmoid')):
            return None
        return FusedKernel('lstm', self._torch_weights(), self.use_bias)

    def get_config(self):
        config = self._base_config()
        config['recurrent_activation'] = activations.serialize(self.recurrent_activation)
        config['use_bias'] = self.use_bias
        weights = self._weights_config()
        for key in ('kernel_initializer', 'recurrent_initializer', 'bias_initializer'):
            config[key] = weights.pop(key)
        config['unit_forget_bias'] = self.unit_forget_bias
        config.update(weights)
        config.update({'dropout': self.dropout, 'recurrent_dropout': self.recurrent_dropout,
                       'implementation': self.implementation})
        return self._merge_config(config)


def _gru_to_torch_order(w, dim):
    """Keras's GRU gates z, r, h -> PyTorch's r, z, n (along ``dim``)."""
    z, r, h = w.chunk(3, dim=dim)
    return torch.cat([r, z, h], dim=dim)


class GRUCell(_RNNCellBase):
    """One step of a Gated Recurrent Unit; gate order z, r, h.

    ``h = z * h_prev + (1 - z) * activation(x W_h + (r * h_prev) U_h)``, or with
    ``reset_after=True`` (the cuDNN convention) ``activation(x W_h + r * (h_prev
    U_h + b_rh))``, whose bias is ``(2, 3 * units)``: input and recurrent rows.

    Args:
        units: size of the output and of the state.
        recurrent_activation: for the gates, default ``'sigmoid'``.
        implementation: 1 or 2 (see :class:`LSTMCell`).
        reset_after: apply the reset gate after the recurrent product.
        Other arguments: as in :class:`SimpleRNNCell`.
    """

    _n_gates = 3

    def __init__(self, units, activation='tanh', recurrent_activation='sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0., recurrent_dropout=0., implementation=2, reset_after=False,
                 **kwargs):
        super(GRUCell, self).__init__(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = implementation
        self.reset_after = reset_after

    def build(self, input_shape):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._build_weights(input_shape, shape)

    def _input_bias(self):
        if self.bias is None or not self.reset_after:
            return self.bias
        return self.bias[0]

    def _make_recurrent_step(self):
        u = self.units
        masks = self._recurrent_dropout_mask
        kernel = self.recurrent_kernel
        activation, gate = _plain(self.activation), _plain(self.recurrent_activation)
        if _elementwise(self.recurrent_activation):
            def gates(z):  # update and reset gates in one call
                return gate(z).chunk(2, dim=1)
        else:
            def gates(z):
                return gate(z[:, :u]), gate(z[:, u:])
        if self.reset_after:
            inner_sum = self._recurrent_sum(kernel, masks)
            bias = kernel.new_zeros(3 * u) if self.bias is None else self.bias[1]

            def candidate_and_gates(z, h):
                inner = inner_sum(bias, h)
                update, reset = gates(z[:, :2 * u] + inner[:, :2 * u])
                return activation(z[:, 2 * u:] + reset * inner[:, 2 * u:]), update
        else:
            gate_sum = self._recurrent_sum(kernel[:, :2 * u], None if masks is None else masks[:2])
            candidate_sum = self._recurrent_sum(kernel[:, 2 * u:], None)
            last_mask = None if masks is None else masks[-1]

            def candidate_and_gates(z, h):
                update, reset = gates(gate_sum(z[:, :2 * u], h))
                h_for_candidate = h if last_mask is None else h * last_mask
                return activation(candidate_sum(z[:, 2 * u:], reset * h_for_candidate)), update
        # Keras 2.3.1's implementation 2 also mixes in the dropped-out state.
        carry_mask = masks[0] if masks is not None and len(masks) == 1 else None

        def step(z, states):
            h = states[0]
            candidate, update = candidate_and_gates(z, h)
            carry = h if carry_mask is None else h * carry_mask
            return [update * carry + (1 - update) * candidate]
        return step

    def _fused_kernel(self):
        if not (self.reset_after and self._fusable_dropout()
                and _is_activation(self.activation, 'tanh')
                and _is_activation(self.recurrent_activation, 'sigmoid')):
            return None
        recurrent_bias = self.bias[1] if self.bias is not None else None
        return FusedKernel('gru', self._torch_weights(_gru_to_torch_order, recurrent_bias),
                           self.use_bias)

    def get_config(self):
        config = self._base_config()
        config['recurrent_activation'] = activations.serialize(self.recurrent_activation)
        config['use_bias'] = self.use_bias
        config.update(self._weights_config())
        config.update({'dropout': self.dropout, 'recurrent_dropout': self.recurrent_dropout,
                       'implementation': self.implementation, 'reset_after': self.reset_after})
        return self._merge_config(config)


def _state_count(cell):
    return len(cell.state_size) if hasattr(cell.state_size, '__len__') else 1


def _output_size(cell):
    if getattr(cell, 'output_size', None) is not None:
        return cell.output_size
    if hasattr(cell.state_size, '__len__'):
        return cell.state_size[0]
    return cell.state_size


class StackedRNNCells(Layer):
    """Several cells used as one: the output of each is the input of the next.

    States are the flat list of every cell's states, in cell order (``[h1, c1,
    h2, c2]`` for two LSTM cells).

    Args:
        cells: list of cells.

    Example:
        >>> cells = [LSTMCell(32), LSTMCell(32)]
        >>> y = RNN(StackedRNNCells(cells))(Input((None, 5)))
    """

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, 'call'):
                raise ValueError('All cells must have a `call` method. Received cells: %s'
                                 % (cells,))
            if not hasattr(cell, 'state_size'):
                raise ValueError('All cells must have a `state_size` attribute. Received '
                                 'cells: %s' % (cells,))
        self.reverse_state_order = kwargs.pop('reverse_state_order', False)
        super(StackedRNNCells, self).__init__(**kwargs)
        self.cells = list(cells)
        for index, cell in enumerate(self.cells):
            if isinstance(cell, torch.nn.Module):
                self.add_module('cell_%d' % index, cell)

    def _ordered_cells(self):
        return self.cells[::-1] if self.reverse_state_order else self.cells

    @property
    def state_size(self):
        sizes = []
        for cell in self._ordered_cells():
            if hasattr(cell.state_size, '__len__'):
                sizes += list(cell.state_size)
            else:
                sizes.append(cell.state_size)
        return tuple(sizes)

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def call(self, inputs, states, constants=None, training=None, **kwargs):
        states = list(states)
        nested = []
        for cell in self._ordered_cells():
            n = _state_count(cell)
            nested.append(states[:n])
            states = states[n:]
        if self.reverse_state_order:
            nested = nested[::-1]
        new_nested = []
        for cell, cell_states in zip(self.cells, nested):
            extra = dict(kwargs)
            if constants is not None and has_arg(cell.call, 'constants'):
                extra['constants'] = constants
            if has_arg(cell.call, 'training'):
                extra['training'] = training
            inputs, cell_states = cell.call(inputs, cell_states, **extra)
            if not isinstance(cell_states, (list, tuple)):
                cell_states = [cell_states]
            new_nested.append(list(cell_states))
        if self.reverse_state_order:
            new_nested = new_nested[::-1]
        return inputs, [s for cell_states in new_nested for s in cell_states]

    def build(self, input_shape):
        constants_shape = []
        if input_shape and isinstance(input_shape[0], (list, tuple)):
            constants_shape = list(input_shape[1:])
            input_shape = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                if constants_shape and has_arg(cell.call, 'constants'):
                    cell.build([tuple(input_shape)] + constants_shape)
                else:
                    cell.build(tuple(input_shape))
                cell.built = True
            input_shape = (input_shape[0], _output_size(cell))
        self.built = True

    def get_config(self):
        cells = [{'class_name': cell.__class__.__name__, 'config': cell.get_config()}
                 for cell in self.cells]
        base = super(StackedRNNCells, self).get_config()
        return dict(list(base.items()) + [('cells', cells)])

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from keras.layers import deserialize as deserialize_layer
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects=custom_objects)
                 for c in config.pop('cells')]
        return cls(cells, **config)
