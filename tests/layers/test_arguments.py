"""Layer constructor arguments of the wrong type or range: a ValueError naming
the layer class, the argument and what came."""
import pytest

from keras import layers


@pytest.mark.parametrize('make, pattern', [
    (lambda: layers.Dense(units='a'), r"Dense: `units` must be a positive integer; "
                                      r"received 'a' \(str\)"),
    (lambda: layers.Dense(0), r'Dense: `units` must be a positive integer; received 0 \(int\)'),
    (lambda: layers.LSTM('8'), r"LSTMCell: `units` must be a positive integer; "
                               r"received '8' \(str\)"),
    (lambda: layers.SimpleRNNCell(-2), r'SimpleRNNCell: `units` .*received -2'),
    (lambda: layers.GRU(None), r'GRUCell: `units` .*received None'),
    (lambda: layers.Conv2D('a', 3), r"Conv2D: `filters` must be a positive integer; "
                                    r"received 'a' \(str\)"),
    (lambda: layers.Conv2D(4, 0), r'Conv2D: `kernel_size` must be .*each >= 1; received 0'),
    (lambda: layers.Conv1D(4, 3, strides=-1), r'Conv1D: `strides` .*each >= 1; received -1'),
    (lambda: layers.Conv2D(4, (3, 'x')), r'Conv2D: The `kernel_size` argument must be a tuple '
                                         r'of 2 integers'),
    (lambda: layers.Conv3D(4, (3, 3)), r'Conv3D: The `kernel_size` argument must be a tuple '
                                       r'of 3 integers. Received: \(3, 3\)'),
    (lambda: layers.Conv2D(4, 3, dilation_rate='2'), r'Conv2D: The `dilation_rate` argument'),
    (lambda: layers.MaxPooling2D('a'), r"MaxPooling2D: The `pool_size` argument must be a "
                                       r"tuple of 2 integers. Received: 'a'"),
    (lambda: layers.AveragePooling1D(2, strides=0), r'AveragePooling1D: `strides` .*received 0'),
    (lambda: layers.LocallyConnected2D('a', 3), r'LocallyConnected2D: `filters` .*received '
                                                r"'a'"),
    (lambda: layers.LocallyConnected1D(2, 'x'), r'LocallyConnected1D: The `kernel_size` '
                                                r'argument'),
    (lambda: layers.ConvLSTM2D(2, 0), r'ConvLSTM2DCell: `kernel_size` .*received 0'),
    (lambda: layers.Embedding('ten', 3), r"Embedding: `input_dim` must be a positive integer; "
                                         r"received 'ten' \(str\)"),
    (lambda: layers.Embedding(10, -1), r'Embedding: `output_dim` must be an integer >= 0; '
                                       r'received -1'),
    (lambda: layers.RepeatVector('3'), r"RepeatVector: `n` must be a positive integer; "
                                       r"received '3'"),
    (lambda: layers.Dropout('a'), r"Dropout: `rate` must be a float between 0 and 1; "
                                  r"received 'a' \(str\)"),
    (lambda: layers.SimpleRNN(3, dropout='a'), r"SimpleRNNCell: `dropout` must be a float "
                                               r"between 0 and 1; received 'a'"),
    (lambda: layers.GaussianNoise('a'), r"GaussianNoise: `stddev` must be a number; "
                                        r"received 'a' \(str\)"),
    (lambda: layers.GaussianDropout('x'), r'GaussianDropout: `rate` .*received'),
    (lambda: layers.AlphaDropout([0.5]), r'AlphaDropout: `rate` .*received \[0.5\] \(list\)'),
    (lambda: layers.LeakyReLU('a'), r"LeakyReLU: `alpha` must be a number; received 'a'"),
    (lambda: layers.ThresholdedReLU('a'), r"ThresholdedReLU: `theta` must be a number"),
    (lambda: layers.Reshape(5), r'Reshape: `target_shape` must be a tuple of integers .*'
                                r'received 5 \(int\)'),
    (lambda: layers.BatchNormalization(axis='a'), r"BatchNormalization: `axis` must be an "
                                                  r"integer or a list of integers; received 'a'"),
    (lambda: layers.SeparableConv2D(3, 3, depth_multiplier='a'),
     r"SeparableConv2D: `depth_multiplier` must be a positive integer; received 'a'"),
    (lambda: layers.UpSampling2D(0), r'UpSampling2D: `size` .*each >= 1; received \(0, 0\)'),
    (lambda: layers.UpSampling1D('a'), r"UpSampling1D: `size` must be a positive integer"),
    (lambda: layers.ZeroPadding2D(-1), r'ZeroPadding2D: `padding` must not be negative'),
    (lambda: layers.Cropping1D((-1, 0)), r'Cropping1D: `cropping` must not be negative; '
                                         r'received \(-1, 0\)'),
    (lambda: layers.Dense(3, input_shape=4), r'Dense dense_\d+: `input_shape` must be a tuple '
                                             r'of non-negative integers .*received 4'),
    (lambda: layers.Input(shape='a'), r"Input: `shape` must be a tuple of non-negative "
                                      r"integers .*received 'a'"),
    (lambda: layers.Input(batch_shape=(None, -3)), r'InputLayer input_\d+: `batch_shape` .*'
                                                   r'received \(None, -3\)'),
])
def test_bad_constructor_arguments_name_layer_argument_and_value(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_good_spellings_still_construct():
    assert layers.Dense(3.0).units == 3
    assert layers.Conv2D(4, [3, 2], strides=(2, 1)).kernel_size == (3, 2)
    assert layers.Convolution2D(8, 3, 3, subsample=(2, 2)).strides == (2, 2)
    assert layers.MaxPooling1D(pool_length=3).pool_size == (3,)
    assert layers.Embedding(10, 0).output_dim == 0
    assert layers.Dropout(1.5).rate == 1.0  # clamped, as Keras 2.3.1 did
    assert layers.Input(shape=5).shape == (None, 5)
    assert layers.Dense(2, input_shape=[3]).batch_input_shape == (None, 3)
    assert layers.Reshape((-1, 2)).target_shape == (-1, 2)
    assert layers.BatchNormalization(axis=[3]).axis == 3


def test_a_bad_input_shape_is_still_the_type_error_keras_raised():
    with pytest.raises(TypeError):
        layers.Dense(3, input_shape=4)
