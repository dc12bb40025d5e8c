"""Recurrent layers: ``SimpleRNN``, ``LSTM`` and ``GRU``, plus the public names
of the recurrent family.

Each layer is an :class:`RNN` over its cell (:mod:`keras.layers.recurrent_cells`);
its arguments and config are the cell's.  ``RNN`` itself lives in
:mod:`keras.layers.recurrent_base`, Keras 1's abstract ``Recurrent`` in
:mod:`keras.layers.recurrent_legacy`, ``CuDNNLSTM``/``CuDNNGRU`` in
:mod:`keras.layers.cudnn_recurrent`; all are exported from here.
"""
import warnings

from keras import regularizers
from keras.engine.base_layer import InputSpec, Layer  # noqa: F401  (2.3.1 exposed them here)
from keras.layers.cudnn_recurrent import CuDNNGRU, CuDNNLSTM
from keras.layers.recurrent_base import RNN
from keras.layers.recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from keras.layers.recurrent_legacy import Recurrent
from keras.legacy.rnn_arguments import keras1_rnn_arguments

__all__ = ['RNN', 'SimpleRNN', 'GRU', 'LSTM', 'SimpleRNNCell', 'GRUCell', 'LSTMCell',
           'StackedRNNCells', 'Recurrent', 'CuDNNGRU', 'CuDNNLSTM']


def _checked_implementation(implementation):
    if implementation == 0:
        warnings.warn('`implementation=0` has been deprecated, and now defaults to '
                      '`implementation=1`. Please update your layer call.', stacklevel=3)
        return 1
    return implementation


class _CellAttribute(object):
    """Read-only access to an attribute of the layer's cell."""

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj.cell, self.name)


_COMMON_ATTRIBUTES = ('units', 'activation', 'use_bias', 'kernel_initializer',
                      'recurrent_initializer', 'bias_initializer', 'kernel_regularizer',
                      'recurrent_regularizer', 'bias_regularizer', 'kernel_constraint',
                      'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout')


def _cell_attributes(*extra):
    def decorate(cls):
        for name in _COMMON_ATTRIBUTES + extra:
            setattr(cls, name, _CellAttribute(name))
        return cls
    return decorate


class _CellLayer(RNN):
    """An RNN whose config is its cell's arguments (SimpleRNN, LSTM, GRU)."""

    _cell_class = None

    def _make(self, cell_kwargs, rnn_kwargs, activity_regularizer):
        dtype = rnn_kwargs.get('dtype')
        cell = self._cell_class(dtype=dtype, **cell_kwargs) if dtype else \
            self._cell_class(**cell_kwargs)
        super(_CellLayer, self).__init__(cell, **rnn_kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def get_config(self):
        cell_config = self.cell.get_config()
        config = {}
        for key, value in cell_config.items():
            if key in ('name', 'trainable', 'dtype', 'batch_input_shape'):
                continue
            config[key] = value
            if key == 'bias_regularizer':
                config['activity_regularizer'] = regularizers.serialize(
                    self.activity_regularizer)
        base = super(_CellLayer, self).get_config()
        del base['cell']
        return dict(list(base.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if config.get('implementation') == 0:
            config['implementation'] = 1
        return cls(**config)


@_cell_attributes()
class SimpleRNN(_CellLayer):
    """Fully-connected RNN whose output is fed back as its state.

    Args:
        units: output size.
        activation: default ``'tanh'``.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, recurrent_constraint,
        bias_constraint, dropout, recurrent_dropout: see :class:`SimpleRNNCell`.
        return_sequences, return_state, go_backwards, stateful, unroll: see
            :class:`RNN`.
    """

    _cell_class = SimpleRNNCell

    @keras1_rnn_arguments
    def __init__(self, units, activation='tanh', use_bias=True,
                 kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal',
                 bias_initializer='zeros', kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, **kwargs):
        if 'implementation' in kwargs:
            kwargs.pop('implementation')
            warnings.warn('The `implementation` argument in `SimpleRNN` has been deprecated. '
                          'Please remove it from your layer call.', stacklevel=2)
        cell_kwargs = dict(
            units=units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout)
        rnn_kwargs = dict(kwargs, return_sequences=return_sequences, return_state=return_state,
                          go_backwards=go_backwards, stateful=stateful, unroll=unroll)
        self._make(cell_kwargs, rnn_kwargs, activity_regularizer)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config.pop('implementation', None)
        return cls(**config)


@_cell_attributes('recurrent_activation', 'implementation', 'reset_after')
class GRU(_CellLayer):
    """Gated Recurrent Unit (Cho et al. 2014); gates z, r, h.

    Args:
        units: output size.
        activation: default ``'tanh'``.
        recurrent_activation: for the gates, default ``'sigmoid'``.
        implementation: 1 or 2 (same numbers).
        reset_after: apply the reset gate after the recurrent product (the
            cuDNN convention, bias ``(2, 3 * units)``); default ``False``.
        Other arguments: see :class:`SimpleRNN`.
    """

    _cell_class = GRUCell

    @keras1_rnn_arguments
    def __init__(self, units, activation='tanh', recurrent_activation='sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0., recurrent_dropout=0., implementation=2,
                 return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=False, **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout,
            implementation=_checked_implementation(implementation), reset_after=reset_after)
        rnn_kwargs = dict(kwargs, return_sequences=return_sequences, return_state=return_state,
                          go_backwards=go_backwards, stateful=stateful, unroll=unroll)
        self._make(cell_kwargs, rnn_kwargs, activity_regularizer)


@_cell_attributes('recurrent_activation', 'unit_forget_bias', 'implementation')
class LSTM(_CellLayer):
    """Long Short-Term Memory layer (Hochreiter & Schmidhuber 1997); gates i, f, c, o.

    Args:
        units: output size.
        activation: default ``'tanh'``.
        recurrent_activation: for the gates, default ``'sigmoid'``.
        unit_forget_bias: initialize the forget-gate bias to 1 (default ``True``).
        implementation: 1 or 2 (same numbers).
        Other arguments: see :class:`SimpleRNN`.

    Example:
        >>> model = Sequential()
        >>> model.add(LSTM(32, input_shape=(10, 64)))
        >>> model.output_shape
        (None, 32)
    """

    _cell_class = LSTMCell

    @keras1_rnn_arguments
    def __init__(self, units, activation='tanh', recurrent_activation='sigmoid',
                 use_bias=True, kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros',
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., implementation=2, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            implementation=_checked_implementation(implementation))
        rnn_kwargs = dict(kwargs, return_sequences=return_sequences, return_state=return_state,
                          go_backwards=go_backwards, stateful=stateful, unroll=unroll)
        self._make(cell_kwargs, rnn_kwargs, activity_regularizer)
