"""keras.utils.conv_utils: length arithmetic and its errors."""
import pytest

from keras.utils import conv_utils


@pytest.mark.parametrize('args, expected', [
    ((10, 3, 'valid', 1), 8), ((10, 3, 'valid', 3), 3), ((10, 4, 'same', 3), 4),
    ((10, 3, 'causal', 2), 5), ((10, 3, 'full', 1), 12), ((10, 3, 'full', 4), 3)])
def test_conv_output_length(args, expected):
    assert conv_utils.conv_output_length(*args) == expected


@pytest.mark.parametrize('args, expected', [
    ((8, 3, 'valid', 1), 10), ((5, 3, 'valid', 2), 11), ((6, 5, 'same', 1), 6),
    ((6, 5, 'same', 3), 16), ((12, 3, 'full', 1), 10)])
def test_conv_input_length(args, expected):
    assert conv_utils.conv_input_length(*args) == expected
    assert conv_utils.conv_input_length(None, 3, 'valid', 1) is None


@pytest.mark.parametrize('function', [conv_utils.conv_output_length,
                                      conv_utils.conv_input_length])
def test_unknown_padding_is_a_value_error_and_an_assertion_error(function):
    # Keras 2.3.1 asserted on the padding name; both kinds of handler keep working
    with pytest.raises(ValueError, match="unknown padding 'zigzag'"):
        function(12, 3, 'zigzag', 1)
    with pytest.raises(AssertionError):
        function(12, 3, 'zigzag', 1)
    with pytest.raises(conv_utils.UnknownPaddingError):
        conv_utils.deconv_length(12, 1, 3, 'zigzag', None)
