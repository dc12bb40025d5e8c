"""Calling a layer on symbolic tensors: build, infer shapes and masks, record a Node.

(Also: NumPy inputs of an eager call become torch tensors, as tf.keras does.)
"""
import contextlib
import inspect
import threading

import numpy as np
import torch

from keras.backend import graph_hooks, reversed_slices
from keras.backend import session as K_session
from keras.engine import layer_tracking
from keras.engine.keras_tensor import KerasTensor, is_keras_tensor
from keras.engine.layer_weights import dtype_name, to_torch_dtype
from keras.engine.node import Node

__all__ = ['call_symbolic', 'infer_output_shape', 'call_arg_names', 'is_shape_list',
           'numpy_to_tensors']

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


def numpy_to_tensors(layer, inputs):
    """NumPy arrays in ``inputs`` (or a list of them) as tensors on the layer's
    device: floats in the layer's dtype, other dtypes kept (integer ids)."""
    if isinstance(inputs, torch.Tensor):
        return inputs
    if isinstance(inputs, (list, tuple)):
        if not any(isinstance(x, np.ndarray) for x in inputs):
            return inputs
        return type(inputs)(numpy_to_tensors(layer, x) for x in inputs)
    if not isinstance(inputs, np.ndarray):
        return inputs
    if inputs.dtype.kind not in 'biuf':
        raise ValueError('Layer %s was called on a NumPy array of dtype %s; pass numbers (a '
                         'NumPy array of ints, floats or bools, or a torch tensor).'
                         % (layer.name, inputs.dtype))
    param = next(layer.parameters(), None)
    device = param.device if param is not None else K_session.get_device()
    tensor = torch.from_numpy(np.ascontiguousarray(inputs))
    if tensor.is_floating_point():
        want = to_torch_dtype(layer.dtype) if layer.dtype else torch.float32
        tensor = tensor.to(want if want.is_floating_point else torch.float32)
    return tensor.to(device)


def _as_shape(shape):
    return tuple(None if d is None else int(d) for d in shape)


@contextlib.contextmanager
def call_modes(layer):
    """Enter the torch function modes of ``layer._call_modes`` (see ``Layer.forward``)."""
    with contextlib.ExitStack() as stack:
        for mode in layer._call_modes:
            stack.enter_context(mode())
        yield


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
    _PENDING.masks = [x._keras_mask for x in input_list]
    try:
        if not layer.built:
            layer._maybe_build(shape_arg)
            layer.assert_input_compatibility(input_list)
        masks = [x._keras_mask for x in input_list]
        mask_arg = None if all(m is None for m in masks) else (masks if multi else masks[0])
        layer_tracking.start_probe(layer)
        output_shape = layer.compute_output_shape(shape_arg)
        if _is_custom_layer_with_shape_rule(layer):
            _probe_call(layer, shape_arg)
        output_masks = _symbolic_masks(layer, inputs, input_list, mask_arg)
    finally:
        _PENDING.dtypes = None
        _PENDING.kwargs = None
        _PENDING.masks = None
    out_multi = is_shape_list(output_shape)
    out_shapes = [_as_shape(s) for s in output_shape] if out_multi else [_as_shape(output_shape)]
    _check_output_sizes(layer, shape_arg, out_shapes if out_multi else out_shapes[0])
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
    uses_phase = _uses_learning_phase(layer, input_list, kwargs)
    for y in outputs:
        y._uses_learning_phase = uses_phase
    layer_tracking.record_call(layer, inputs, outputs, kwargs)
    return outputs if out_multi else outputs[0]


_WINDOW_ARGUMENTS = ('kernel_size', 'pool_size', 'strides', 'dilation_rate', 'padding',
                     'cropping', 'data_format')


def _check_output_sizes(layer, input_shape, output_shape):
    """Refuse an output size < 1 from a kernel or pool (< 0 from any layer),
    naming the layer, its input shape and the window arguments. (Cropping a
    whole axis away, to size 0, is allowed, as Keras 2.3.1 allowed it.)"""
    shapes = output_shape if is_shape_list(output_shape) else [output_shape]
    owner = getattr(layer, 'layer', layer)  # a wrapper: the wrapped layer's window
    arguments = [(name, getattr(owner, name)) for name in _WINDOW_ARGUMENTS
                 if getattr(owner, name, None) is not None]
    windowed = any(name in ('kernel_size', 'pool_size') for name, _ in arguments)
    smallest = 1 if windowed else 0
    if all(d is None or d >= smallest for s in shapes for d in s):
        return
    told = ', '.join('%s=%r' % item for item in arguments) or 'its arguments'
    raise ValueError('Layer %s (%s) would output shape %s for input shape %s: a %s size '
                     'means a kernel, pool or crop larger than its (padded) input along that '
                     'axis. Check %s against the input shape.'
                     % (layer.name, layer.__class__.__name__, output_shape, input_shape,
                        'zero or negative' if windowed else 'negative', told))


def _uses_learning_phase(layer, input_list, kwargs):
    """Keras 2's rule: an output depends on the learning phase when an input
    does, or when the layer reads it (no ``training`` argument given)."""
    if any(getattr(x, '_uses_learning_phase', False) for x in input_list):
        return True
    return kwargs.get('training') is None and bool(layer.uses_learning_phase)


def _output_dtypes(layer, input_list, n):
    fn = getattr(layer, 'compute_output_dtype', None)
    if fn is not None:
        dt = fn([x.dtype for x in input_list])
        return list(dt) if isinstance(dt, (list, tuple)) else [dt] * n
    inferred = layer.__dict__.pop('_inferred_dtypes', None)
    if inferred is not None and len(inferred) == n:
        return inferred
    return [layer.dtype] * n


def _is_custom_layer_with_shape_rule(layer):
    """A layer written outside this package whose ``compute_output_shape``
    spares shape inference its ``call`` (not a model)."""
    from keras.engine.base_layer import Layer  # a true cycle: base_layer imports this module
    cls = type(layer)
    return (cls.compute_output_shape is not Layer.compute_output_shape and
            cls.call is not Layer.call and not hasattr(layer, '_is_graph_network') and
            not (cls.call.__module__ or '').startswith('keras.'))


def _probe_call(layer, input_shape):
    """Run the ``call`` of such a layer once on placeholder values, as Keras 2
    ran every call on the graph: what it adds (``add_loss``, updates) is then
    reported for the symbolic call, and the graph tensors it reads are known.
    A call that cannot run on placeholder values is left to its first real run."""
    try:
        infer_output_shape(layer, input_shape)
    except Exception:  # (its shape is known from compute_output_shape)
        layer_tracking.start_probe(layer)
    layer.__dict__.pop('_inferred_dtypes', None)  # its dtype rule stands, as before


def _note_graph_reads(layer, ops):
    """Remember the symbolic tensors ``layer.call`` read besides its inputs
    (``ops``: what it recorded on placeholder inputs): Keras 2 code may use a
    tensor of the enclosing graph in ``call``, e.g. a VAE loss layer reading
    ``z_mean``. Graph runs give the call their values (see the plan's ``reads``)."""
    made = set()
    reads = []
    for _, args, kwargs, result in ops:
        for t in _keras_tensors([args, list(kwargs.values())]):
            if id(t) not in made and not any(t is r for r in reads):
                reads.append(t)
        made.update(id(t) for t in _keras_tensors([result]))
    if reads:
        layer._graph_reads = reads
    else:
        layer.__dict__.pop('_graph_reads', None)


def _keras_tensors(value):
    if is_keras_tensor(value):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _keras_tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _keras_tensors(v)]
    return []


def _masks_to_pass(layer, masks, kwargs):
    """The input masks a graph run will pass to ``layer.call`` (None: none)."""
    if not masks or all(m is None for m in masks) or 'mask' in kwargs or \
            'mask' not in call_arg_names(layer):
        return None
    return masks


def _dummy(shape, dtype, fill):
    size = [fill if d is None else d for d in shape]
    device = K_session.get_device()
    return torch.zeros(size, dtype=to_torch_dtype(dtype), device=device)


def _symbolic_masks(layer, inputs, input_list, mask_arg):
    from keras.engine.base_layer import Layer  # a true cycle: base_layer imports this module
    overridden = type(layer).compute_mask is not Layer.compute_mask
    if not overridden:
        return layer.compute_mask(inputs, mask_arg)
    # An override is graph-aware (see ``graph.layer_methods``): on symbolic tensors it
    # records the mask as a graph op, which ``K.function`` can evaluate.
    return _masks_to_symbolic(layer.compute_mask(inputs, mask_arg), input_list)


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
    masks = _masks_to_pass(layer, getattr(_PENDING, 'masks', None), kwargs)
    has_unknown = any(d is None for s in shapes for d in s)

    def run(fill):
        dummies = [_dummy(s, dt, fill) for s, dt in zip(shapes, dtypes)]
        call_kwargs = kwargs
        if masks is not None:  # as the graph will pass them: all-True masks
            dummy_masks = [None if m is None else _dummy(m.shape, 'bool', fill) | True
                           for m in masks]
            call_kwargs = dict(kwargs, mask=dummy_masks if multi else dummy_masks[0])
        layer_tracking.start_probe(layer)  # what one run of `call` adds
        with torch.no_grad(), K_session.learning_phase_scope(0), K_session.shape_probe():
            try:
                with call_modes(layer):
                    out = layer.call(dummies if multi else dummies[0], **call_kwargs)
            except ValueError as e:  # x[..., ::-1] (see Layer.forward)
                if not reversed_slices.is_refusal(e) or layer._call_modes:
                    raise
                layer._call_modes = (reversed_slices.enabled,)
                layer_tracking.start_probe(layer)
                with call_modes(layer):
                    out = layer.call(dummies if multi else dummies[0], **call_kwargs)
        return out

    ones = False
    try:
        with graph_hooks.recording() as ops:
            try:
                first = run(2)
                second = run(3) if has_unknown else first
            except Exception:
                if not has_unknown:
                    raise
                # Unknown sizes of 2 or 3 may not broadcast against operands of fixed
                # size (a placeholder plus a variable): size 1 always does; output
                # sizes of 1 are then reported unknown.
                del ops[:]
                first = second = run(1)
                ones = True
        _note_graph_reads(layer, ops)
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
        result.append(tuple(None if da != db or (ones and da == 1) else int(da)
                            for da, db in zip(a.shape, b.shape)))
    layer.__dict__['_inferred_dtypes'] = [dtype_name(torch.as_tensor(a).dtype)
                                          for a in firsts]
    return result if out_multi else result[0]
