"""Calling a layer on symbolic tensors: build, infer shapes and masks, record a Node."""
import inspect
import threading

import torch

from keras.backend import session as K_session
from keras.engine.keras_tensor import KerasTensor, is_keras_tensor
from keras.engine.node import Node

__all__ = ['call_symbolic', 'infer_output_shape', 'call_arg_names', 'is_shape_list']

_PENDING = threading.local()  # dtypes/kwargs of the symbolic call in progress


def call_arg_names(layer):
    """Names of the keyword arguments ``layer.call`` accepts (cached per layer)."""
    names = layer.__dict__.get('_call_arg_names')
    if names is None:
        try:
            params = inspect.signature(layer.call).parameters
        except (TypeError, ValueError):
            params = {}
        names = frozenset(params)
        if any(p.kind == p.VAR_KEYWORD for p in params.values()):
            names = names | {'**'}
        layer.__dict__['_call_arg_names'] = names
    return names


def is_shape_list(shape):
    """True for a list of shapes, False for a single shape tuple."""
    return (isinstance(shape, (list, tuple)) and len(shape) > 0
            and all(isinstance(s, (list, tuple)) for s in shape))


def _as_shape(shape):
    return tuple(None if d is None else int(d) for d in shape)


def call_symbolic(layer, inputs, args, kwargs):
    if args:
        raise TypeError('Layer %s was called with %d extra positional argument(s); pass '
                        'options as keyword arguments.' % (layer.name, len(args)))
    input_list = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    for x in input_list:
        if not is_keras_tensor(x):
            raise ValueError('Layer %s was called with an input that isn\'t a symbolic tensor. '
                             'Received type: %s. Full input: %s. All inputs to the layer '
                             'should be tensors.' % (layer.name, type(x), inputs))
    multi = isinstance(inputs, (list, tuple))
    input_shapes = [x.shape for x in input_list]
    shape_arg = input_shapes if multi else input_shapes[0]
    layer.assert_input_compatibility(input_list)
    _PENDING.dtypes = [x.dtype for x in input_list]
    _PENDING.kwargs = kwargs
    try:
        if not layer.built:
            layer._maybe_build(shape_arg)
            layer.assert_input_compatibility(input_list)
        masks = [x._keras_mask for x in input_list]
        mask_arg = None if all(m is None for m in masks) else (masks if multi else masks[0])
        output_shape = layer.compute_output_shape(shape_arg)
        output_masks = _symbolic_masks(layer, inputs, input_list, mask_arg)
    finally:
        _PENDING.dtypes = None
        _PENDING.kwargs = None
    out_multi = is_shape_list(output_shape)
    out_shapes = [_as_shape(s) for s in output_shape] if out_multi else [_as_shape(output_shape)]
    if not isinstance(output_masks, (list, tuple)):
        output_masks = [output_masks] * len(out_shapes)
    dtypes = _output_dtypes(layer, input_list, len(out_shapes))
    node_index = len(layer._inbound_nodes)
    outputs = []
    for i, shape in enumerate(out_shapes):
        name = '%s/out:%d' % (layer.name, i) if node_index == 0 else \
            '%s/out_%d:%d' % (layer.name, node_index, i)
        mask = output_masks[i] if i < len(output_masks) else None
        outputs.append(KerasTensor(shape, dtypes[i], name=name, history=(layer, node_index, i),
                                   mask=mask))
    node = Node(layer,
                inbound_layers=[x._keras_history[0] for x in input_list],
                node_indices=[x._keras_history[1] for x in input_list],
                tensor_indices=[x._keras_history[2] for x in input_list],
                input_tensors=input_list, output_tensors=outputs,
                input_masks=masks, output_masks=[o._keras_mask for o in outputs],
                input_shapes=input_shapes, output_shapes=[o.shape for o in outputs],
                arguments=dict(kwargs))
    node._list_input = multi
    # A call returning a list of one tensor has one output; the graph unpacks it.
    node._list_output = out_multi or layer.__dict__.get('_call_returns_singleton', False)
    return outputs if out_multi else outputs[0]


def _output_dtypes(layer, input_list, n):
    fn = getattr(layer, 'compute_output_dtype', None)
    if fn is not None:
        dt = fn([x.dtype for x in input_list])
        return list(dt) if isinstance(dt, (list, tuple)) else [dt] * n
    inferred = layer.__dict__.pop('_inferred_dtypes', None)
    if inferred is not None and len(inferred) == n:
        return inferred
    return [layer.dtype] * n


def _dummy(shape, dtype, fill):
    from keras.engine.layer_weights import to_torch_dtype
    size = [fill if d is None else d for d in shape]
    device = K_session.get_device()
    return torch.zeros(size, dtype=to_torch_dtype(dtype), device=device)


def _symbolic_masks(layer, inputs, input_list, mask_arg):
    from keras.engine.base_layer import Layer
    overridden = type(layer).compute_mask is not Layer.compute_mask
    if not overridden:
        return layer.compute_mask(inputs, mask_arg)
    dummies = [_dummy(x.shape, x.dtype, 2) for x in input_list]
    dummy_masks = None
    if mask_arg is not None:
        dummy_masks = [None if x._keras_mask is None else
                       torch.ones([2 if d is None else d for d in x._keras_mask.shape],
                                  dtype=torch.bool, device=dummies[0].device)
                       for x in input_list]
        if not isinstance(inputs, (list, tuple)):
            dummy_masks = dummy_masks[0]
    dummy_in = dummies if isinstance(inputs, (list, tuple)) else dummies[0]
    with torch.no_grad(), K_session.learning_phase_scope(0):
        result = layer.compute_mask(dummy_in, dummy_masks)
    return _masks_to_symbolic(result, input_list)


def _masks_to_symbolic(result, input_list):
    batch = input_list[0].shape[0] if input_list[0].shape else None
    if result is None:
        return None
    if isinstance(result, (list, tuple)):
        return [_masks_to_symbolic(r, input_list) for r in result]
    if is_keras_tensor(result):
        return result
    shape = (batch,) + tuple(result.shape[1:]) if result.dim() else ()
    return KerasTensor(shape, 'bool', name='mask')


def infer_output_shape(layer, input_shape):
    """Output shape(s) found by running ``layer.call`` on zeros.

    Unknown sizes (``None``) are tried at two sizes; output sizes that follow
    them are reported as ``None``.
    """
    multi = is_shape_list(input_shape)
    shapes = [tuple(s) for s in input_shape] if multi else [tuple(input_shape)]
    dtypes = getattr(_PENDING, 'dtypes', None) or [layer.dtype] * len(shapes)
    kwargs = getattr(_PENDING, 'kwargs', None) or {}
    has_unknown = any(d is None for s in shapes for d in s)

    def run(fill):
        dummies = [_dummy(s, dt, fill) for s, dt in zip(shapes, dtypes)]
        with torch.no_grad(), K_session.learning_phase_scope(0), K_session.shape_probe():
            out = layer.call(dummies if multi else dummies[0], **kwargs)
        return out

    try:
        first = run(2)
        second = run(3) if has_unknown else first
    except Exception as e:
        raise ValueError('Could not infer the output shape of layer %s (%s) for input shape '
                         '%s: %s: %s. Give the layer a `compute_output_shape` method (or '
                         '`output_shape=` for a Lambda layer).'
                         % (layer.name, layer.__class__.__name__, input_shape,
                            type(e).__name__, e))
    out_multi = isinstance(first, (list, tuple))
    if out_multi and len(first) == 1 and getattr(layer, '_unpacks_singletons', True):
        # a layer's list of one tensor is one output (Keras 2's rule)
        layer.__dict__['_call_returns_singleton'] = True
        out_multi, first, second = False, first[0], second[0]
    firsts = list(first) if out_multi else [first]
    seconds = list(second) if out_multi else [second]
    result = []
    for a, b in zip(firsts, seconds):
        a = torch.as_tensor(a)
        b = torch.as_tensor(b)
        if a.dim() != b.dim():
            raise ValueError('Layer %s returns outputs whose rank depends on the input size; '
                             'give it a `compute_output_shape` method.' % layer.name)
        result.append(tuple(None if da != db else int(da) for da, db in zip(a.shape, b.shape)))
    from keras.engine.layer_weights import dtype_name
    layer.__dict__['_inferred_dtypes'] = [dtype_name(torch.as_tensor(a).dtype)
                                          for a in firsts]
    return result if out_multi else result[0]
