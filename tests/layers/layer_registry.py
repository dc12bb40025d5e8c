"""The layer registry: one row per public layer of ``keras.layers``.

In the spirit of PyTorch's ``ModuleInfo``: each :class:`LayerCase` says how to
build a small instance of a layer (sample constructor arguments) and what to
feed it (input shapes and dtypes, batch axis left out), plus a few flags the
generic checks in ``test_layer_registry.py`` read.  A new layer is tested by
adding one row to :data:`LAYER_CASES`; ``test_every_public_layer_has_a_row``
fails until it has one (or a commented entry in :data:`NOT_IN_TABLE`).

Checks a row can opt out of, by name (the keys of ``skip_reasons`` and
``xfail_reasons``): ``shape``, ``config``, ``hdf5``, ``train``, ``mask``,
``float64``.  ``skip_reasons`` is for a check that does not apply to the
layer; ``xfail_reasons`` is for a real bug the check exposes (run as a strict
xfail, so fixing the bug makes the row fail until the entry is removed).
"""
import collections

import torch

from keras import layers as L

CHECKS = ('shape', 'config', 'hdf5', 'train', 'mask', 'float64')


class Nested(object):
    """A layer to build fresh for every test, as a constructor argument
    (``Bidirectional(layer=...)``, ``RNN(cell=...)``)."""

    def __init__(self, cls, *args, **kwargs):
        self.cls, self.args, self.kwargs = cls, args, kwargs

    def build(self):
        return self.cls(*[_fresh(a) for a in self.args],
                        **{k: _fresh(v) for k, v in self.kwargs.items()})

    def __repr__(self):
        return 'Nested(%s)' % self.cls.__name__


def _fresh(value):
    if isinstance(value, Nested):
        return value.build()
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    return value


_Case = collections.namedtuple('LayerCase', [
    'cls',               # the public layer class the row covers
    'kwargs',            # sample constructor arguments (Nested for sub-layers)
    'input_shapes',      # one shape per input, without the batch axis (None: any length)
    'input_dtypes',      # one dtype per input
    'wrap',              # None, or a class wrapping the built layer (RNN for a cell)
    'supports_masking',  # what layer.supports_masking must be once built
    'mask_out',          # 'same': the output mask is the input mask (for an int input:
                         # input != 0); None: no output mask
    'trains',            # whether the built layer has trainable weights
    'mask_source',       # the masked input of the mask check: 'masking' (Masking(0.),
                         # a mask over all but the last axis) or 'steps' (a per-step mask)
    'unsafe',            # loading runs stored bytecode (Lambda): safe_mode=False
    'skip_reasons',      # {check: why it does not apply}
    'xfail_reasons',     # {check: the bug it exposes}
    'suffix',            # tells apart two rows of one class in test ids
])


class LayerCase(_Case):
    """One row of the registry; see the field comments above."""

    def __new__(cls, layer_cls, kwargs=None, input_shapes=((3, 4),), input_dtypes=None,
                wrap=None, supports_masking=False, mask_out='same', trains=False,
                mask_source='masking', unsafe=False, skip_reasons=None, xfail_reasons=None,
                suffix=''):
        input_shapes = tuple(tuple(s) for s in input_shapes)
        input_dtypes = tuple(input_dtypes or ('float32',) * len(input_shapes))
        for table in (skip_reasons or {}, xfail_reasons or {}):
            unknown = set(table) - set(CHECKS)
            if unknown:
                raise ValueError('%s: unknown checks %s' % (layer_cls.__name__, sorted(unknown)))
        return super(LayerCase, cls).__new__(
            cls, layer_cls, dict(kwargs or {}), input_shapes, input_dtypes, wrap,
            supports_masking, mask_out, trains, mask_source, unsafe, dict(skip_reasons or {}),
            dict(xfail_reasons or {}), suffix)

    @property
    def id(self):
        return self.cls.__name__ + ('-' + self.suffix if self.suffix else '')

    def make(self):
        """A fresh, unbuilt layer for this row."""
        layer = self.cls(**{k: _fresh(v) for k, v in self.kwargs.items()})
        return self.wrap(layer) if self.wrap is not None else layer


def _merge(cls, **kwargs):
    return LayerCase(cls, kwargs, input_shapes=((3, 4), (3, 4)), supports_masking=True)


_NO_CONFIG = 'TorchModule wraps an arbitrary torch.nn.Module and has no Keras config'
_NO_MASK_1D = 'the masked input would have a time axis; this layer takes (batch, features)'

LAYER_CASES = [
    # core
    LayerCase(L.Dense, {'units': 2}, supports_masking=True, trains=True),
    LayerCase(L.Activation, {'activation': 'tanh'}, supports_masking=True),
    LayerCase(L.ActivityRegularization, {'l1': 0.01, 'l2': 0.01}, supports_masking=True),
    LayerCase(L.Dropout, {'rate': 0.5}, supports_masking=True),
    LayerCase(L.SpatialDropout1D, {'rate': 0.5}, supports_masking=True),
    LayerCase(L.SpatialDropout2D, {'rate': 0.5}, input_shapes=((3, 3, 2),),
              supports_masking=True),
    LayerCase(L.SpatialDropout3D, {'rate': 0.5}, input_shapes=((2, 2, 2, 2),),
              supports_masking=True),
    LayerCase(L.Flatten),
    LayerCase(L.Masking, {'mask_value': 0.0}, supports_masking=True),
    LayerCase(L.Permute, {'dims': (2, 1)}),
    LayerCase(L.RepeatVector, {'n': 2}, input_shapes=((4,),)),
    LayerCase(L.Reshape, {'target_shape': (2, 6)}),
    LayerCase(L.Lambda, {'function': lambda x: x * 2.0 + 1.0, 'mask': lambda x, mask: mask},
              supports_masking=True, unsafe=True),
    # merge
    _merge(L.Add), _merge(L.Subtract), _merge(L.Multiply), _merge(L.Average),
    _merge(L.Maximum), _merge(L.Minimum), _merge(L.Concatenate, axis=-1),
    LayerCase(L.Dot, {'axes': 2}, input_shapes=((3, 4), (3, 4)), supports_masking=True,
              mask_out=None),
    # noise
    LayerCase(L.GaussianNoise, {'stddev': 0.3}, supports_masking=True),
    LayerCase(L.GaussianDropout, {'rate': 0.3}, supports_masking=True),
    LayerCase(L.AlphaDropout, {'rate': 0.3}, supports_masking=True),
    # advanced activations
    LayerCase(L.LeakyReLU, {'alpha': 0.2}, supports_masking=True),
    LayerCase(L.PReLU, {}, supports_masking=True, trains=True),
    LayerCase(L.ELU, {'alpha': 0.5}, supports_masking=True),
    LayerCase(L.ThresholdedReLU, {'theta': 0.5}, supports_masking=True),
    LayerCase(L.Softmax, {'axis': -1}, supports_masking=True),
    LayerCase(L.ReLU, {'max_value': 2.0, 'negative_slope': 0.1, 'threshold': 0.1},
              supports_masking=True),
    # normalization
    LayerCase(L.BatchNormalization, {}, supports_masking=True, trains=True),
    LayerCase(L.LayerNormalization, {}, supports_masking=True, trains=True),
    # embeddings
    LayerCase(L.Embedding, {'input_dim': 5, 'output_dim': 2}, input_shapes=((3,),),
              input_dtypes=('int32',), trains=True,
              skip_reasons={'mask': 'covered by the mask_zero row'}),
    LayerCase(L.Embedding, {'input_dim': 5, 'output_dim': 2, 'mask_zero': True},
              input_shapes=((3,),), input_dtypes=('int32',), supports_masking=True,
              trains=True, suffix='mask_zero'),  # its mask: the input's non-zero entries
    # convolutional
    LayerCase(L.Conv1D, {'filters': 2, 'kernel_size': 2}, input_shapes=((5, 3),), trains=True),
    LayerCase(L.Conv2D, {'filters': 2, 'kernel_size': 2}, input_shapes=((4, 4, 2),),
              trains=True),
    LayerCase(L.Conv3D, {'filters': 2, 'kernel_size': 2}, input_shapes=((3, 3, 3, 2),),
              trains=True),
    LayerCase(L.Conv2DTranspose, {'filters': 2, 'kernel_size': 2, 'strides': 2},
              input_shapes=((3, 3, 2),), trains=True),
    LayerCase(L.Conv3DTranspose, {'filters': 2, 'kernel_size': 2},
              input_shapes=((2, 2, 2, 2),), trains=True),
    LayerCase(L.SeparableConv1D, {'filters': 2, 'kernel_size': 2}, input_shapes=((5, 3),),
              trains=True),
    LayerCase(L.SeparableConv2D, {'filters': 2, 'kernel_size': 2},
              input_shapes=((4, 4, 2),), trains=True),
    LayerCase(L.DepthwiseConv2D, {'kernel_size': 2, 'depth_multiplier': 2},
              input_shapes=((4, 4, 2),), trains=True),
    LayerCase(L.UpSampling1D, {'size': 2}, input_shapes=((3, 2),)),
    LayerCase(L.UpSampling2D, {'size': 2}, input_shapes=((2, 3, 2),)),
    LayerCase(L.UpSampling3D, {'size': 2}, input_shapes=((2, 2, 2, 2),)),
    LayerCase(L.ZeroPadding1D, {'padding': 1}, input_shapes=((3, 2),)),
    LayerCase(L.ZeroPadding2D, {'padding': (1, 2)}, input_shapes=((2, 3, 2),)),
    LayerCase(L.ZeroPadding3D, {'padding': 1}, input_shapes=((2, 2, 2, 2),)),
    LayerCase(L.Cropping1D, {'cropping': (1, 1)}, input_shapes=((4, 2),)),
    LayerCase(L.Cropping2D, {'cropping': ((1, 0), (0, 1))}, input_shapes=((3, 4, 2),)),
    LayerCase(L.Cropping3D, {'cropping': 1}, input_shapes=((3, 3, 4, 2),)),
    # pooling
    LayerCase(L.MaxPooling1D, {'pool_size': 2}, input_shapes=((4, 3),)),
    LayerCase(L.AveragePooling1D, {'pool_size': 2}, input_shapes=((4, 3),)),
    LayerCase(L.MaxPooling2D, {'pool_size': 2}, input_shapes=((4, 4, 2),)),
    LayerCase(L.AveragePooling2D, {'pool_size': 2}, input_shapes=((4, 4, 2),)),
    LayerCase(L.MaxPooling3D, {'pool_size': 2}, input_shapes=((2, 2, 2, 2),)),
    LayerCase(L.AveragePooling3D, {'pool_size': 2}, input_shapes=((2, 2, 2, 2),)),
    LayerCase(L.GlobalMaxPooling1D, {}, input_shapes=((4, 3),)),
    LayerCase(L.GlobalAveragePooling1D, {}, input_shapes=((4, 3),), supports_masking=True,
              mask_out=None),
    LayerCase(L.GlobalMaxPooling2D, {}, input_shapes=((3, 3, 2),)),
    LayerCase(L.GlobalAveragePooling2D, {}, input_shapes=((3, 3, 2),)),
    LayerCase(L.GlobalMaxPooling3D, {}, input_shapes=((2, 2, 2, 2),)),
    LayerCase(L.GlobalAveragePooling3D, {}, input_shapes=((2, 2, 2, 2),)),
    # locally connected
    LayerCase(L.LocallyConnected1D, {'filters': 2, 'kernel_size': 2}, input_shapes=((4, 3),),
              trains=True),
    LayerCase(L.LocallyConnected2D, {'filters': 2, 'kernel_size': 2},
              input_shapes=((3, 3, 2),), trains=True),
    # recurrent
    LayerCase(L.SimpleRNN, {'units': 2}, supports_masking=True, mask_out=None, trains=True),
    LayerCase(L.GRU, {'units': 2}, supports_masking=True, mask_out=None, trains=True),
    LayerCase(L.LSTM, {'units': 2, 'return_sequences': True}, supports_masking=True,
              trains=True),
    LayerCase(L.RNN, {'cell': Nested(L.SimpleRNNCell, 2)}, supports_masking=True,
              mask_out=None, trains=True),
    LayerCase(L.SimpleRNNCell, {'units': 2}, wrap=L.RNN, supports_masking=True,
              mask_out=None, trains=True),
    LayerCase(L.GRUCell, {'units': 2}, wrap=L.RNN, supports_masking=True, mask_out=None,
              trains=True),
    LayerCase(L.LSTMCell, {'units': 2}, wrap=L.RNN, supports_masking=True, mask_out=None,
              trains=True),
    LayerCase(L.StackedRNNCells, {'cells': [Nested(L.LSTMCell, 2), Nested(L.GRUCell, 3)]},
              wrap=L.RNN, supports_masking=True, mask_out=None, trains=True),
    LayerCase(L.CuDNNGRU, {'units': 2}, trains=True),
    LayerCase(L.CuDNNLSTM, {'units': 2, 'return_sequences': True}, trains=True),
    # convolutional recurrent: (time, rows, cols, channels), masked per step
    LayerCase(L.ConvLSTM2D, {'filters': 2, 'kernel_size': 2}, input_shapes=((2, 3, 3, 2),),
              supports_masking=True, mask_out=None, mask_source='steps', trains=True),
    LayerCase(L.ConvRNN2D, {'cell': Nested(L.ConvLSTM2DCell, 2, 2)},
              input_shapes=((2, 3, 3, 2),), supports_masking=True, mask_out=None,
              mask_source='steps', trains=True),
    LayerCase(L.ConvLSTM2DCell, {'filters': 2, 'kernel_size': 2, 'padding': 'same'},
              wrap=L.ConvRNN2D, input_shapes=((2, 3, 3, 2),), supports_masking=True,
              mask_out=None, mask_source='steps', trains=True),
    # wrappers
    LayerCase(L.TimeDistributed, {'layer': Nested(L.Dense, 2)}, supports_masking=True,
              trains=True),
    LayerCase(L.Bidirectional, {'layer': Nested(L.LSTM, 2)}, supports_masking=True,
              mask_out=None, trains=True),
    # Keras 1 layers Keras 2.3.1 kept
    LayerCase(L.Highway, {}, input_shapes=((4,),), trains=True,
              skip_reasons={'mask': _NO_MASK_1D}),
    LayerCase(L.MaxoutDense, {'output_dim': 2}, input_shapes=((4,),), trains=True,
              skip_reasons={'mask': _NO_MASK_1D}),
    # variants: the options whose code paths differ (padding, strides, dilation,
    # channels_first, implementations); 'cf' in an id means channels_first
    LayerCase(L.Dense, {'units': 3, 'use_bias': False, 'kernel_regularizer': 'l2',
                        'activity_regularizer': 'l1', 'kernel_constraint': 'max_norm'},
              input_shapes=((4,),), supports_masking=True, trains=True,
              skip_reasons={'mask': _NO_MASK_1D}, suffix='2d_regularized'),
    LayerCase(L.Reshape, {'target_shape': (-1, 2)}, suffix='inferred'),
    LayerCase(L.Softmax, {'axis': 1}, supports_masking=True, suffix='axis1'),
    LayerCase(L.BatchNormalization, {'axis': 1, 'center': False, 'momentum': 0.5},
              input_shapes=((2, 3, 3),), supports_masking=True, trains=True, suffix='axis1'),
    LayerCase(L.Embedding, {'input_dim': 5, 'output_dim': 2, 'input_length': 3},
              input_shapes=((3,),), input_dtypes=('int32',), trains=True,
              skip_reasons={'mask': 'covered by the mask_zero row'}, suffix='input_length'),
    LayerCase(L.Conv1D, {'filters': 2, 'kernel_size': 2, 'padding': 'causal',
                         'dilation_rate': 2}, input_shapes=((5, 3),), trains=True,
              suffix='causal_dilated'),
    LayerCase(L.Conv1D, {'filters': 2, 'kernel_size': 3, 'padding': 'same', 'strides': 2,
                         'data_format': 'channels_first'}, input_shapes=((3, 5),),
              trains=True, suffix='cf_same_strided'),
    LayerCase(L.Conv2D, {'filters': 2, 'kernel_size': 3, 'padding': 'same', 'strides': 2,
                         'data_format': 'channels_first'}, input_shapes=((2, 5, 4),),
              trains=True, suffix='cf_same_strided'),
    LayerCase(L.Conv2D, {'filters': 2, 'kernel_size': 2, 'dilation_rate': 2,
                         'activation': 'relu'}, input_shapes=((5, 5, 2),), trains=True,
              suffix='dilated'),
    LayerCase(L.Conv3D, {'filters': 2, 'kernel_size': 2, 'padding': 'same', 'strides': 2,
                         'data_format': 'channels_first'}, input_shapes=((2, 3, 3, 3),),
              trains=True, suffix='cf_same_strided'),
    LayerCase(L.Conv2DTranspose, {'filters': 2, 'kernel_size': 3, 'strides': 2,
                                  'padding': 'same', 'output_padding': 1,
                                  'data_format': 'channels_first'},
              input_shapes=((2, 3, 3),), trains=True, suffix='cf_same_output_padding'),
    LayerCase(L.Conv3DTranspose, {'filters': 2, 'kernel_size': 3, 'strides': 2,
                                  'padding': 'same'}, input_shapes=((2, 2, 2, 2),),
              trains=True, suffix='same_strided'),
    LayerCase(L.SeparableConv1D, {'filters': 2, 'kernel_size': 2, 'padding': 'same',
                                  'dilation_rate': 2, 'depth_multiplier': 2},
              input_shapes=((5, 3),), trains=True, suffix='same_dilated'),
    LayerCase(L.SeparableConv2D, {'filters': 2, 'kernel_size': 3, 'padding': 'same',
                                  'strides': 2, 'depth_multiplier': 2,
                                  'data_format': 'channels_first'},
              input_shapes=((2, 5, 5),), trains=True, suffix='cf_same_strided'),
    LayerCase(L.DepthwiseConv2D, {'kernel_size': 3, 'padding': 'same',
                                  'data_format': 'channels_first'},
              input_shapes=((2, 4, 4),), trains=True, suffix='cf_same'),
    LayerCase(L.UpSampling2D, {'size': (2, 3), 'interpolation': 'bilinear',
                               'data_format': 'channels_first'},
              input_shapes=((2, 2, 3),), suffix='cf_bilinear'),
    LayerCase(L.UpSampling3D, {'size': (1, 2, 2), 'data_format': 'channels_first'},
              input_shapes=((2, 2, 2, 2),), suffix='cf'),
    LayerCase(L.ZeroPadding2D, {'padding': ((1, 0), (0, 2)), 'data_format': 'channels_first'},
              input_shapes=((2, 3, 3),), suffix='cf'),
    LayerCase(L.Cropping2D, {'cropping': ((1, 0), (0, 1)), 'data_format': 'channels_first'},
              input_shapes=((2, 3, 4),), suffix='cf'),
    LayerCase(L.Cropping3D, {'cropping': ((1, 0), (0, 1), (1, 1)),
                             'data_format': 'channels_first'},
              input_shapes=((2, 3, 3, 4),), suffix='cf'),
    LayerCase(L.MaxPooling1D, {'pool_size': 3, 'strides': 2, 'padding': 'same',
                               'data_format': 'channels_first'}, input_shapes=((3, 5),),
              suffix='cf_same'),
    LayerCase(L.AveragePooling1D, {'pool_size': 3, 'strides': 1, 'padding': 'same'},
              input_shapes=((5, 3),), suffix='same'),
    LayerCase(L.MaxPooling2D, {'pool_size': 3, 'strides': (2, 1), 'padding': 'same',
                               'data_format': 'channels_first'}, input_shapes=((2, 5, 4),),
              suffix='cf_same'),
    LayerCase(L.AveragePooling2D, {'pool_size': 3, 'strides': 2, 'padding': 'same'},
              input_shapes=((5, 4, 2),), suffix='same'),
    LayerCase(L.MaxPooling3D, {'pool_size': 2, 'padding': 'same',
                               'data_format': 'channels_first'},
              input_shapes=((2, 3, 3, 3),), suffix='cf_same'),
    LayerCase(L.AveragePooling3D, {'pool_size': 2, 'strides': 1, 'padding': 'same'},
              input_shapes=((3, 3, 2, 2),), suffix='same'),
    LayerCase(L.GlobalMaxPooling1D, {'data_format': 'channels_first'},
              input_shapes=((3, 4),), suffix='cf'),
    LayerCase(L.GlobalAveragePooling2D, {'data_format': 'channels_first'},
              input_shapes=((2, 3, 3),), suffix='cf'),
    LayerCase(L.GlobalAveragePooling3D, {'data_format': 'channels_first'},
              input_shapes=((2, 2, 2, 2),), suffix='cf'),
    LayerCase(L.LocallyConnected1D, {'filters': 2, 'kernel_size': 2, 'strides': 2,
                                     'implementation': 2},
              input_shapes=((5, 3),), trains=True, suffix='implementation2'),
    LayerCase(L.LocallyConnected2D, {'filters': 2, 'kernel_size': 2,
                                     'data_format': 'channels_first', 'implementation': 3},
              input_shapes=((2, 3, 3),), trains=True, suffix='cf_implementation3'),
    LayerCase(L.GRU, {'units': 2, 'reset_after': True, 'implementation': 2,
                      'return_sequences': True, 'go_backwards': True},
              supports_masking=True, trains=True, suffix='reset_after_backwards'),
    LayerCase(L.LSTM, {'units': 2, 'implementation': 1, 'dropout': 0.2,
                       'recurrent_dropout': 0.2, 'unroll': True},
              supports_masking=True, mask_out=None, trains=True, suffix='dropout_unrolled'),
    LayerCase(L.SimpleRNN, {'units': 2, 'return_sequences': True, 'activation': 'relu'},
              supports_masking=True, trains=True, suffix='sequences'),
    LayerCase(L.Bidirectional, {'layer': Nested(L.GRU, 2, return_sequences=True),
                                'merge_mode': 'sum'},
              supports_masking=True, trains=True, suffix='sum_sequences'),
    LayerCase(L.TimeDistributed, {'layer': Nested(L.Conv2D, 2, 2)},
              input_shapes=((2, 3, 3, 2),), supports_masking=True, trains=True,
              skip_reasons={'mask': "as in 2.3.1, the inner Conv2D's compute_mask refuses "
                                    'the mask (TypeError)'}, suffix='conv2d'),
    LayerCase(L.ConvLSTM2D, {'filters': 2, 'kernel_size': 2, 'padding': 'same',
                             'return_sequences': True, 'data_format': 'channels_first'},
              input_shapes=((2, 2, 3, 3),), supports_masking=True, mask_source='steps',
              trains=True, suffix='cf_same_sequences'),
    # a variable (None) time axis, as Input(shape=(None, 4)) gives
    LayerCase(L.LSTM, {'units': 2, 'return_sequences': True}, input_shapes=((None, 4),),
              supports_masking=True, trains=True, suffix='variable_steps'),
    LayerCase(L.Conv1D, {'filters': 2, 'kernel_size': 2, 'padding': 'same'},
              input_shapes=((None, 3),), trains=True, suffix='variable_steps'),
    LayerCase(L.Conv2D, {'filters': 2, 'kernel_size': 3, 'strides': 2, 'padding': 'same'},
              input_shapes=((None, None, 2),), trains=True, suffix='variable_size'),
    LayerCase(L.GlobalAveragePooling1D, {}, input_shapes=((None, 3),), supports_masking=True,
              mask_out=None, suffix='variable_steps'),
    LayerCase(L.TimeDistributed, {'layer': Nested(L.Dense, 2)}, input_shapes=((None, 4),),
              supports_masking=True, trains=True, suffix='variable_steps'),
    # torch interop
    LayerCase(L.TorchModule, {'module': Nested(torch.nn.Linear, 4, 2)}, input_shapes=((4,),),
              trains=True,
              skip_reasons={'config': _NO_CONFIG, 'hdf5': _NO_CONFIG,
                            'mask': _NO_MASK_1D,
                            'float64': 'the wrapped torch module keeps its own dtype'}),
]

# Public classes of keras.layers that have no row, and why.
NOT_IN_TABLE = {
    L.Layer: 'the abstract base; every row exercises it',
    L.InputLayer: 'no computation; built by Input() in every row (tests/engine covers it)',
    L.Wrapper: 'abstract base of TimeDistributed and Bidirectional, which have rows',
    L.Recurrent: "Keras 1's abstract recurrent base (a subclass defines step); "
                 'tests/layers/test_recurrent*.py subclass it',
    L.ConvRecurrent2D: "Keras 1's abstract convolutional recurrent base (no step of its own)",
}
