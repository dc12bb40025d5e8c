"""Subclassed models (``class MyModel(keras.Model)`` with a ``call`` method).

Such a model has no graph: ``call`` runs as written on real tensors.  What the
training API needs to know (input and output shapes, dtypes and names) is
taken from one run of ``call`` on a few rows of the first data it sees, or on
zeros for ``model.build(input_shape)``.
"""
import numpy as np
import torch

from keras.backend import session as K_session
from keras.engine.keras_tensor import KerasTensor
from keras.engine.layer_calls import call_arg_names
from keras.engine.layer_weights import dtype_name
from keras.utils.generic_utils import to_list, unpack_singleton

__all__ = ['build_from_data', 'build_from_shapes', 'run_call', 'set_inputs']


def run_call(model, inputs, training):
    """``model.call`` on real tensors, with ``training`` when it accepts it."""
    x = unpack_singleton(list(inputs)) if len(inputs) == 1 else list(inputs)
    if 'training' in call_arg_names(model):
        return model.call(x, training=training)
    return model.call(x)


def _record(model, samples):
    with torch.no_grad(), K_session.learning_phase_scope(0):
        outputs = to_list(run_call(model, samples, False), allow_tuple=True)
    model.inputs = [KerasTensor((None,) + tuple(t.shape[1:]), dtype_name(t.dtype),
                                name='input_%d' % (i + 1)) for i, t in enumerate(samples)]
    model.outputs = [KerasTensor((None,) + tuple(t.shape[1:]), dtype_name(t.dtype),
                                 name='output_%d' % (i + 1)) for i, t in enumerate(outputs)]
    model.input_names = ['input_%d' % (i + 1) for i in range(len(samples))]
    model.output_names = ['output_%d' % (i + 1) for i in range(len(outputs))]
    model.built = True


def build_from_data(model, arrays):
    """Record shapes from the first two rows of ``arrays`` (the model's inputs)."""
    device = model._model_device()
    samples = []
    for a in arrays:
        t = a[:2] if isinstance(a, torch.Tensor) else torch.from_numpy(
            np.ascontiguousarray(np.asarray(a)[:2]))
        if t.dtype == torch.float64:
            t = t.float()
        samples.append(t.to(device))
    _record(model, samples)


def build_from_shapes(model, input_shape):
    """``model.build(input_shape)``: record shapes from a run on zeros."""
    shapes = input_shape if isinstance(input_shape, list) and input_shape and \
        isinstance(input_shape[0], (list, tuple)) else [input_shape]
    device = model._model_device()
    samples = [torch.zeros([2 if d is None else int(d) for d in s], device=device)
               for s in shapes]
    _record(model, samples)


def _shape_of(value):
    if isinstance(value, KerasTensor):
        return tuple(value.shape)
    if isinstance(value, list):
        value = np.asarray(value)
        if value.ndim == 1:
            value = value[:, None]
    return (None,) + tuple(np.shape(value)[1:])


def set_inputs(model, inputs):
    """Keras 2.3.1's ``model._set_inputs(inputs)``: give a model whose inputs
    are not set (a deferred Sequential, a subclassed model, or a graph model
    whose ``inputs`` were cleared) its inputs, from symbolic tensors or arrays.

    Raises:
        ValueError: if the inputs are already set, or do not fit the graph.
    """
    given = to_list(inputs, allow_tuple=True)
    if hasattr(model, '_stack'):  # Sequential: build from the first input's shape
        model.build(_shape_of(given[0]))
        return
    if model.inputs:
        raise ValueError('Model inputs are already set (model %s).' % model.name)
    if not getattr(model, '_is_graph_network', False):
        if all(isinstance(v, KerasTensor) for v in given):
            build_from_shapes(model, [list(v.shape) for v in given])
        else:
            build_from_data(model, [np.asarray(v) for v in given])
        return
    own = list(to_list(model._nested_inputs, allow_tuple=True))
    shapes = [_shape_of(v) for v in given]
    if len(given) != len(own) or any(
            len(s) != len(x.shape) or any(a is not None and b is not None and a != b
                                          for a, b in zip(s[1:], x.shape[1:]))
            for s, x in zip(shapes, own)):
        raise ValueError('Model %s takes %d input(s) of shapes %s; _set_inputs got %d of '
                         'shapes %s.' % (model.name, len(own), [tuple(x.shape) for x in own],
                                         len(given), shapes))
    model.inputs = own
