"""Export a Keras model for serving without Keras: ONNX or a ``torch.export`` program.

A Keras model is a ``torch.nn.Module``, so PyTorch's own exporters apply.  The
exported program is the model in inference mode (Dropout off,
BatchNormalization on its moving statistics) with a dynamic batch dimension;
its inputs and outputs are named after the model's input and output layers.

    >>> model.export('model.onnx')                  # doctest: +SKIP
    >>> model.export('model.pt2', format='torch')   # doctest: +SKIP

From the shell, any file ``keras.models.load_model`` reads (Keras 1, Keras 2,
tf.keras HDF5) goes to ONNX in one line, with no TensorFlow installed::

    python -m keras.export model.h5 model.onnx

ONNX export needs the optional packages ``onnx`` and ``onnxscript``
(``pip install keras-classic[onnx]``, which also brings ``onnxruntime`` to run
the result); they are imported only here.
"""
import argparse
import os
import sys
import warnings

import torch

from keras.backend import session
from keras.backend.keras_variable import as_plain_parameters
from keras.backend.variables import to_torch_dtype
from keras.engine.base_layer import Layer
from keras.models import load_model
from keras.utils.temp_files import temp_file_for

__all__ = ['export_model', 'main']

_FORMATS = {'onnx': '.onnx', 'torch': '.pt2'}


class _Inference(torch.nn.Module):
    """The model's forward pass in inference mode, one tensor per input.

    The model's weights are registered here under flat names
    (``w__dense_1__kernel``), not through the model's own module tree: a layer
    named like a model attribute (``output``, ``input``) would hide it.
    """

    def __init__(self, model):
        super(_Inference, self).__init__()
        object.__setattr__(self, 'model', model)
        for name, p in model.named_parameters():
            self.register_parameter('w__' + name.replace('.', '__'), p)
        for name, b in model.named_buffers():
            self.register_buffer('b__' + name.replace('.', '__'), b)

    def forward(self, *inputs):
        with session.learning_phase_scope(0):
            outputs, _, _ = self.model.run_graph(list(inputs), training=False)
        return tuple(outputs) if len(outputs) > 1 else outputs[0]


def _format_of(filepath, format):
    if format is None:
        ext = os.path.splitext(str(filepath))[1].lower()
        format = next((f for f, e in _FORMATS.items() if e == ext), None)
        if format is None:
            raise ValueError('model.export(%r): give format=%s (or a file name ending in %s).'
                             % (str(filepath), ' or '.join(repr(f) for f in _FORMATS),
                                ' or '.join(_FORMATS.values())))
    if format not in _FORMATS:
        raise ValueError('Unknown export format %r; expected one of %s. (TensorFlow formats '
                         'such as SavedModel do not exist here.)'
                         % (format, ', '.join(repr(f) for f in _FORMATS)))
    return format


def _check_exportable(model):
    if not getattr(model, '_is_graph_network', False):
        raise ValueError('model.export needs a functional or Sequential model; %s is a '
                         'subclassed model. Call it once on data and export it with '
                         'torch.export yourself.' % model.name)
    for layer in _all_layers(model):
        if getattr(layer, 'stateful', False):
            raise ValueError('Layer %r is stateful: its states carry over between calls, which '
                             'an exported program cannot do. Rebuild the model with '
                             'stateful=False (same weights) to export it.' % layer.name)


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, 'layers'):
            for inner in _all_layers(layer):
                yield inner


def _example_inputs(model):
    """One example tensor per input (batch 2, unknown sizes 3) and the dynamic dims."""
    device = next((p.device for p in model.parameters()), torch.device('cpu'))
    examples, dynamic = [], []
    for i, x in enumerate(model.inputs):
        shape = tuple(x.shape)
        sizes = [2 if axis == 0 else (3 if d is None else d) for axis, d in enumerate(shape)]
        dtype = to_torch_dtype(x.dtype)
        examples.append(torch.zeros(sizes, dtype=dtype, device=device))
        dims = {}
        for axis, d in enumerate(shape):
            if d is None:
                dims[axis] = torch.export.Dim('input%d_dim%d' % (i, axis), min=1) \
                    if axis else torch.export.Dim('batch', min=1)
        dynamic.append(dims)
    return tuple(examples), (tuple(dynamic),)


def _names(tensors):
    names, seen = [], {}
    for x in tensors:
        layer = x._keras_history[0] if x._keras_history else None
        name = layer.name if layer is not None else (x.name or 'tensor')
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else '%s_%d' % (name, seen[name]))
    return names


def _failing_layer(error):
    """The innermost Keras layer (not a model) running when ``error`` was raised."""
    found, tb = None, error.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get('self')
        if isinstance(candidate, Layer) and not hasattr(candidate, 'layers'):
            found = candidate
        tb = tb.tb_next
    return found


def _trace(model, examples, dynamic):
    module = _Inference(model).eval()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            with as_plain_parameters(list(module.parameters())):
                return torch.export.export(module, examples, dynamic_shapes=dynamic,
                                           strict=False)
    except Exception as e:  # noqa: BLE001 - re-raised with the layer named
        layer = _failing_layer(e)
        where = ('layer %r (%s)' % (layer.name, type(layer).__name__)) if layer is not None \
            else 'model %r' % model.name
        raise ValueError('model.export: %s cannot be traced into a static program (%s: %s). '
                         'Its call must be made of tensor operations only: no NumPy '
                         'conversion and no Python decision on tensor values.'
                         % (where, type(e).__name__, str(e).strip().splitlines()[0]
                            if str(e).strip() else '')) from e


def _rename_value(graph, old, new):
    for node in graph.node:
        node.input[:] = [new if n == old else n for n in node.input]
        node.output[:] = [new if n == old else n for n in node.output]
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        if value.name == old:
            value.name = new
    for init in graph.initializer:
        if init.name == old:
            init.name = new


def _name_onnx_io(path, input_names, output_names):
    """Name the ONNX graph's inputs and outputs after the model's layers; a
    value inside the graph that already has such a name (the exporter names
    values after their operation: ``conv2d``) is renamed first."""
    import onnx
    proto = onnx.load(path)
    graph = proto.graph
    current = [v.name for v in graph.input] + [v.name for v in graph.output]
    wanted = list(input_names) + list(output_names)
    taken = set(current)
    for node in graph.node:
        taken.update(node.output)
    taken.update(init.name for init in graph.initializer)
    for name in wanted:
        if name in taken and name not in current:
            spare = name + '__inner'
            while spare in taken:
                spare += '_'
            _rename_value(graph, name, spare)
            taken.add(spare)
    for old, new in zip(current, wanted):
        if old != new:
            _rename_value(graph, old, new)
    onnx.save(proto, path)


def _onnx_packages():
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        raise ImportError("format='onnx' needs the packages onnx and onnxscript: "
                          'pip install keras-classic[onnx] (or pip install onnx onnxscript '
                          'onnxruntime).') from None


def export_model(model, filepath, format=None, verbose=False):
    """Write ``model`` in inference mode to ``filepath`` as ONNX or a ``torch.export`` file.

    Args:
        model: A built functional or Sequential model.
        filepath: Where to write (``.onnx`` or ``.pt2`` names the format).
        format: ``'onnx'`` (ONNX, opset of the installed exporter) or ``'torch'``
            (``torch.export.save``, loaded with ``torch.export.load``).
        verbose: Print the exporter's progress.

    Raises:
        ValueError: for a subclassed or stateful model, or a layer whose call is
            not traceable (named in the message).
    """
    format = _format_of(filepath, format)
    _check_exportable(model)
    if format == 'onnx':
        _onnx_packages()
    examples, dynamic = _example_inputs(model)
    program = _trace(model, examples, dynamic)
    target = os.fspath(filepath)
    with temp_file_for(target) as tmp:
        if format == 'torch':
            torch.export.save(program, tmp)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                onnx_program = torch.onnx.export(program, (), dynamo=True, verbose=verbose,
                                                 external_data=False)
            onnx_program.save(tmp)
            _name_onnx_io(tmp, _names(model.inputs), _names(model.outputs))
        os.replace(tmp, target)
    if verbose:
        print('Exported %s to %s (%s).' % (model.name, target, format))
    return target


def main(argv=None):
    """``python -m keras.export MODEL.h5 OUT.onnx [--format onnx|torch]``."""
    parser = argparse.ArgumentParser(
        prog='python -m keras.export',
        description='Export a Keras model file (Keras 1, Keras 2 or tf.keras HDF5) to ONNX '
                    'or a torch.export program.')
    parser.add_argument('model', help='a file keras.models.load_model reads')
    parser.add_argument('output', help='the file to write (.onnx or .pt2)')
    parser.add_argument('--format', choices=sorted(_FORMATS), default=None)
    parser.add_argument('--unsafe', action='store_true',
                        help='allow Lambda layers stored as Python bytecode (runs code from '
                             'the file: only for files you trust)')
    args = parser.parse_args(argv)
    model = load_model(args.model, compile=False, safe_mode=not args.unsafe)
    export_model(model, args.output, format=args.format)
    print('Exported %s to %s' % (args.model, args.output))
    return 0


if __name__ == '__main__':
    sys.exit(main())
