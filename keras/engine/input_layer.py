"""``InputLayer`` and ``Input()``: where a model's graph starts."""
import numpy as np
import torch

from keras.backend import config as K_config
from keras.backend import session as K_session
from keras.engine import layer_weights
from keras.engine.base_layer import Layer
from keras.engine.input_spec import shape_argument
from keras.engine.keras_tensor import KerasTensor
from keras.engine.node import Node

__all__ = ['InputLayer', 'Input']


class InputLayer(Layer):
    """The entry point of a model: holds the symbolic input tensor.

    Args:
        input_shape: shape without the batch axis.
        batch_size: optional fixed batch size.
        batch_input_shape: full shape including the batch axis.
        dtype: input dtype (``'float32'`` by default; ``'int32'`` for ids).
        sparse: sparse inputs are not supported (must be False).
        name: layer name (default ``input_1``, ``input_2``...).
    """

    def __init__(self, input_shape=None, batch_size=None, batch_input_shape=None,
                 dtype=None, input_tensor=None, sparse=False, name=None, **kwargs):
        kwargs.pop('ragged', None)
        kwargs.pop('optional', None)
        if 'input_dtype' in kwargs:  # Keras 1 configs
            dtype = dtype or kwargs.pop('input_dtype')
        if not name:
            name = 'input_' + str(K_session.get_uid('input'))
        if dtype is None and isinstance(input_tensor, torch.Tensor):
            dtype = layer_weights.dtype_name(input_tensor.dtype)  # as 2.3.1: K.dtype(tensor)
        super(InputLayer, self).__init__(dtype=dtype or K_config.floatx(), name=name, **kwargs)
        if sparse:
            raise ValueError('InputLayer %s: sparse inputs are not supported; pass dense '
                             'arrays (sparse=False).' % name)
        self.sparse = False
        self.trainable = False
        self.built = True
        if input_tensor is not None:
            batch_input_shape = tuple(input_tensor.shape)
        elif batch_input_shape is None:
            if input_shape is None:
                raise ValueError('An Input layer needs `shape` (or `batch_shape`); layer %s got '
                                 'neither.' % name)
            batch_input_shape = (batch_size,) + shape_argument(self, 'shape', input_shape)
        batch_input_shape = shape_argument(self, 'batch_shape', batch_input_shape)
        self.batch_input_shape = batch_input_shape
        tensor = KerasTensor(self.batch_input_shape, self.dtype, name=name,
                             history=(self, 0, 0))
        self.is_placeholder = input_tensor is None
        # ``Input(tensor=variable_or_array)``: the model reads that value when it is
        # given no data for this input (``train_on_batch(None, y)``), as 2.3.1 did.
        self._input_value = None
        if input_tensor is not None and not getattr(input_tensor, '_is_keras_tensor', False):
            self._input_value = input_tensor if isinstance(input_tensor, torch.Tensor) \
                else torch.as_tensor(np.asarray(input_tensor),
                                     dtype=layer_weights.to_torch_dtype(self.dtype),
                                     device=K_session.get_device())
        Node(self, inbound_layers=[], node_indices=[], tensor_indices=[],
             input_tensors=[tensor], output_tensors=[tensor], input_masks=[None],
             output_masks=[None], input_shapes=[self.batch_input_shape],
             output_shapes=[self.batch_input_shape])

    def get_config(self):
        return {'batch_input_shape': self.batch_input_shape, 'dtype': self.dtype,
                'sparse': self.sparse, 'name': self.name}


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None,
          batch_size=None, **kwargs):
    """Create a symbolic input tensor for a functional model.

    Example:
        >>> x = Input(shape=(784,))
        >>> y = Dense(10)(x)
    """
    if kwargs:
        raise TypeError('Input() got unexpected keyword arguments: %s' % sorted(kwargs))
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError('Please provide to Input either a `shape` or a `batch_shape` argument. '
                         'Note that `shape` does not include the batch dimension.')
    if getattr(tensor, '_is_placeholder', False) and \
            getattr(tensor, '_is_backend_placeholder', False):
        tensor._is_backend_placeholder = False  # a K.placeholder becomes a Keras tensor
        return tensor
    if shape is not None and batch_shape is None:
        if isinstance(shape, int):
            shape = (shape,)
        batch_shape = (batch_size,) + shape_argument('Input', 'shape', shape)
    layer = InputLayer(batch_input_shape=batch_shape, name=name, dtype=dtype, sparse=sparse,
                       input_tensor=tensor)
    return layer._inbound_nodes[0].output_tensors[0]
