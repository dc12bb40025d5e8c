"""Backend functions and tensor operators applied to symbolic tensors.

``K.mean(x)`` or ``x * 2`` on a ``KerasTensor`` becomes a :class:`TensorOp`
layer in the graph (both reach :func:`call_symbolically` through
:mod:`keras.backend.graph_hooks`), so that such expressions can be model outputs, inputs of
other layers or ``add_loss`` terms, as Keras 2's TensorFlow graph allowed.
"""
from keras.backend import graph_hooks, graph_scope
from keras.engine.base_layer import Layer
from keras.engine.graph.slots import extract, fill

__all__ = ['TensorOp', 'call_symbolically']


class TensorOp(Layer):
    """A layer running one function on the values of its symbolic arguments."""

    # A backend function's list result stays a list (``K.gradients(...)[0]``),
    # even of one tensor, unlike a layer's (see ``layer_calls``).
    _unpacks_singletons = False

    def __init__(self, function, args, kwargs, **layer_kwargs):
        super(TensorOp, self).__init__(**layer_kwargs)
        self.function = function
        self._args = args
        self._kwargs = kwargs
        self.supports_masking = False

    def compute_mask(self, inputs, mask=None):
        return None  # an op's result carries no mask (as a TF op's did not)

    def call(self, inputs):
        real = inputs if isinstance(inputs, list) else [inputs]
        args = [fill(a, real) for a in self._args]
        kwargs = {k: fill(v, real) for k, v in self._kwargs.items()}
        return self.function(*args, **kwargs)

    def get_config(self):
        raise NotImplementedError(
            'Layer %s applies %r directly to symbolic tensors and cannot be serialized. '
            'Wrap the expression in a `Lambda` layer to save the model architecture.'
            % (self.name, getattr(self.function, '__name__', self.function)))


def call_symbolically(fn, args, kwargs):
    if graph_scope.DEPTH[0]:  # inside K.control_dependencies: read updated variables
        args, kwargs = graph_scope.forward_reads(args, kwargs)
    tensors = []
    args = [extract(a, tensors) for a in args]
    kwargs = {k: extract(v, tensors) for k, v in kwargs.items()}
    name = getattr(fn, '__name__', 'op').strip('_') or 'op'
    layer = TensorOp(fn, args, kwargs, name=None)
    layer.name = 'tensor_op_%s_%s' % (name, layer.name.rsplit('_', 1)[-1])
    return layer(tensors if len(tensors) > 1 else tensors[0])


graph_hooks.register(call_symbolically=call_symbolically)  # K.* on KerasTensors
