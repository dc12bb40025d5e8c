"""Keras 2.3.1's module paths inside ``keras.callbacks`` name the same classes."""
import keras.callbacks
from keras.callbacks import callbacks, tensorboard_v1, tensorboard_v2


def test_callbacks_module_reexports_every_callback():
    for name in callbacks.__all__:
        assert getattr(callbacks, name) is getattr(keras.callbacks, name)
    # (BackupAndRestore is tf.keras's, not in 2.3.1's module)
    assert set(callbacks.__all__) == set(keras.callbacks.__all__) - {
        'TensorBoard', 'configure_callbacks', 'BackupAndRestore'}


def test_tensorboard_paths():
    assert tensorboard_v1.TensorBoard is keras.callbacks.TensorBoard
    assert tensorboard_v2.TensorBoard is keras.callbacks.TensorBoard
