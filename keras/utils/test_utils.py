"""Testing helpers (Keras 2.3.1's ``keras.utils.test_utils``)."""
import os
import tempfile

import numpy as np

from keras import backend as K
from keras.engine.input_layer import Input
from keras.engine.sequential import Sequential
from keras.engine.training import Model  # also exported here, as in 2.3.1
from keras.utils.file_io_proxy import tf_file_io_proxy

__all__ = ['get_test_data', 'layer_test', 'keras_test', 'tf_file_io_proxy']


def get_test_data(num_train=1000, num_test=500, input_shape=(10,), output_shape=(2,),
                  classification=True, num_classes=2):
    """Random data with some structure: ``(x_train, y_train), (x_test, y_test)``."""
    samples = num_train + num_test
    if classification:
        y = np.random.randint(0, num_classes, size=(samples,))
        x = np.zeros((samples,) + input_shape, dtype=np.float32)
        for i in range(samples):
            x[i] = np.random.normal(loc=y[i], scale=0.7, size=input_shape)
    else:
        y_loc = np.random.random((samples,))
        x = np.zeros((samples,) + input_shape, dtype=np.float32)
        y = np.zeros((samples,) + output_shape, dtype=np.float32)
        for i in range(samples):
            x[i] = np.random.normal(loc=y_loc[i], scale=0.7, size=input_shape)
            y[i] = np.random.normal(loc=y_loc[i], scale=0.7, size=output_shape)
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


def keras_test(func):
    """Kept for Keras 2 test code; clears the session after the test."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            K.clear_session()
    return wrapper


def _random_input(input_shape, input_dtype):
    shape = tuple(2 if d is None else d for d in input_shape)
    if input_dtype is not None and 'int' in str(input_dtype):
        return np.random.randint(0, 5, size=shape).astype(input_dtype)
    if input_dtype is None:
        input_dtype = K.floatx()
    return (10 * np.random.random(shape)).astype(input_dtype)


def _saving_available():
    try:
        # Probed, not required: layer_test skips its file round trip when
        # keras.saving cannot be imported (kept out of this module's imports).
        from keras.engine import saving  # noqa: F401
    except ImportError:
        return False
    return True


def layer_test(layer_cls, kwargs=None, input_shape=None, input_dtype=None, input_data=None,
               expected_output=None, expected_output_dtype=None, fixed_batch_size=False,
               train=True, save=True):
    """Check a layer class end to end; returns its output on ``input_data``.

    Checks: ``get_weights``/``set_weights`` round trip, ``compute_output_shape``
    against the real output, use in a functional model and in a Sequential,
    ``get_config``/``from_config`` gives the same numbers, one
    ``train_on_batch`` step, and HDF5 ``save_weights``/``load_weights``.
    """
    kwargs = dict(kwargs or {})
    if input_data is None:
        if input_shape is None:
            raise ValueError('layer_test needs input_shape or input_data.')
        input_data = _random_input(input_shape, input_dtype)
    if input_shape is None:
        input_shape = input_data.shape
    if input_dtype is None:
        input_dtype = input_data.dtype.name
    if expected_output_dtype is None:
        expected_output_dtype = 'float32' if 'int' in input_dtype else input_dtype

    layer = layer_cls(**kwargs)
    weights = layer.get_weights()
    layer.set_weights(weights)

    batch = input_shape if fixed_batch_size else (None,) + tuple(input_shape[1:])
    x = Input(batch_shape=batch, dtype=input_dtype)
    y = layer(x)
    assert str(y.dtype) == str(expected_output_dtype), (y.dtype, expected_output_dtype)
    expected_shape = layer.compute_output_shape(tuple(batch))
    assert tuple(y.shape) == tuple(expected_shape), (y.shape, expected_shape)

    model = Model(x, y)
    actual = model.predict(input_data)
    for declared, real in zip(y.shape, actual.shape):
        if declared is not None:
            assert declared == real, ('declared shape %s, real output shape %s'
                                      % (y.shape, actual.shape))
    if expected_output is not None:
        np.testing.assert_allclose(actual, expected_output, rtol=1e-3, atol=1e-6)

    # config round trip gives the same numbers
    recovered = Model.from_config(model.get_config())
    recovered.set_weights(model.get_weights())
    np.testing.assert_allclose(recovered.predict(input_data), actual, rtol=1e-5, atol=1e-6)
    layer_config = layer.get_config()
    layer_config['batch_input_shape'] = tuple(input_shape)
    seq_layer = layer.__class__.from_config(layer_config)
    seq = Sequential([seq_layer])
    seq.set_weights(model.get_weights())
    np.testing.assert_allclose(seq.predict(input_data), actual, rtol=1e-5, atol=1e-6)

    if train and hasattr(model, 'compile') and getattr(model, '_supports_training', False):
        model.compile('rmsprop', 'mse')
        model.train_on_batch(input_data, actual)

    if save and _saving_available():
        fd, path = tempfile.mkstemp(suffix='.h5')
        os.close(fd)
        try:
            model.save_weights(path)
            other = Model.from_config(model.get_config())
            other.load_weights(path)
            for a, b in zip(model.get_weights(), other.get_weights()):
                np.testing.assert_array_equal(a, b)
        finally:
            os.remove(path)
    return actual
