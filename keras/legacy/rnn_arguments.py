"""Keras 1 argument spellings of the recurrent layers (SimpleRNN, GRU, LSTM).

One table ``{old_name: new_name}`` plus what a table cannot say:
``forget_bias_init='one'`` becomes ``unit_forget_bias=True`` (other values are
dropped), ``input_dim``/``input_length`` become ``input_shape=(input_length,
input_dim)``, and ``consume_less`` becomes ``implementation``.  One warning
per call (:func:`keras.legacy.interfaces.convert_kwargs`).
"""
import functools

from keras.legacy.interfaces import convert_kwargs

__all__ = ['RNN_LEGACY', 'rnn_table', 'keras1_rnn_arguments']

RNN_LEGACY = {'output_dim': 'units', 'init': 'kernel_initializer',
              'inner_init': 'recurrent_initializer',
              'inner_activation': 'recurrent_activation',
              'W_regularizer': 'kernel_regularizer', 'U_regularizer': 'recurrent_regularizer',
              'b_regularizer': 'bias_regularizer', 'dropout_W': 'dropout',
              'dropout_U': 'recurrent_dropout', 'consume_less': 'implementation'}
# Keras 2.3.1 maps 'cpu' to the deprecated implementation 0, which computes as 1.
_CONSUME_LESS = {'cpu': 1, 'mem': 1, 'gpu': 2}


def rnn_table(class_name, kwargs):
    """``(table, value_conversions)`` for :func:`convert_kwargs` on these
    ``kwargs`` (``input_length`` is folded into ``input_dim``'s conversion)."""
    table = dict(RNN_LEGACY)
    conversions = {'consume_less': lambda v: _CONSUME_LESS.get(v, v)}
    if class_name == 'SimpleRNN':
        table['consume_less'] = None
    if 'forget_bias_init' in kwargs:
        one = kwargs['forget_bias_init'] in ('one', 'ones')
        table['forget_bias_init'] = 'unit_forget_bias' if one else None
        conversions['forget_bias_init'] = lambda v: True
    if 'input_dim' in kwargs:
        length = kwargs.pop('input_length', None)
        table['input_dim'] = 'input_shape'
        conversions['input_dim'] = lambda dim: (length, dim)
    elif 'input_length' in kwargs:
        table['input_length'] = None
    return table, conversions


def keras1_rnn_arguments(init):
    """Decorate a recurrent layer's ``__init__`` to accept its Keras 1 spellings."""
    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        name = self.__class__.__name__
        convert_kwargs(name, kwargs, *rnn_table(name, kwargs))  # warns at the caller's line
        return init(self, *args, **kwargs)
    return wrapper
