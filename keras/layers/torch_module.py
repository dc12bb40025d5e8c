"""``TorchModule``: use any ``torch.nn.Module`` as a Keras layer."""
import torch

from keras.engine.base_layer import Layer
from keras.engine.layer_calls import infer_output_shape

__all__ = ['TorchModule']


class TorchModule(Layer):
    """Wraps a ``torch.nn.Module`` so it can sit in a Keras model.

    The module's parameters become the layer's weights (trainable when they
    require grad) in ``module.parameters()`` order; its buffers are not weights.
    The module receives tensors in Keras layout (batch first).

    Args:
        module: the torch module.
        output_shape: optional output shape without the batch axis; by default
            it is found by running the module once.

    Example:
        >>> x = Input(shape=(16,))
        >>> y = TorchModule(torch.nn.Linear(16, 4))(x)
    """

    def __init__(self, module, output_shape=None, **kwargs):
        super(TorchModule, self).__init__(**kwargs)
        if not isinstance(module, torch.nn.Module):
            raise TypeError('TorchModule %s expects a torch.nn.Module, got %r.'
                            % (self.name, type(module)))
        self.module = module
        self._declared_output_shape = tuple(output_shape) if output_shape is not None else None
        self.built = True

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [p for p in self.module.parameters() if p.requires_grad]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return list(self.module.parameters())
        return [p for p in self.module.parameters() if not p.requires_grad]

    def call(self, inputs, training=None):
        if training is not None:
            self.module.train(bool(training))
        return self.module(inputs)

    def compute_output_shape(self, input_shape):
        if self._declared_output_shape is not None:
            return (input_shape[0],) + self._declared_output_shape
        return infer_output_shape(self, input_shape)

    def get_config(self):
        raise NotImplementedError('TorchModule %s wraps %s, which has no Keras config; save '
                                  'its weights with save_weights and rebuild it in code.'
                                  % (self.name, self.module.__class__.__name__))
