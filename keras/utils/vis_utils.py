"""Drawing a model's graph with ``pydot`` and GraphViz (both optional).

>>> from keras.utils import plot_model
>>> plot_model(model, to_file='model.png', show_shapes=True)   # doctest: +SKIP
"""
import os

from keras.engine.graph import node_key
from keras.engine.network import Network
from keras.engine.sequential import Sequential
from keras.engine.training import Model  # noqa: F401 (2.3.1 exported it here)
from keras.layers.wrappers import Wrapper  # also exported here, as in 2.3.1

__all__ = ['model_to_dot', 'plot_model', 'is_model', 'is_wrapped_model', 'add_edge']

_PYDOT_MISSING = ('Failed to import `pydot`. Please install `pydot`. For example with '
                  '`pip install pydot`. Drawing also needs the GraphViz programs '
                  '(https://www.graphviz.org/), e.g. `apt-get install graphviz` or '
                  '`brew install graphviz`.')


def _import_pydot():
    try:
        import pydot  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise ImportError(_PYDOT_MISSING)
    return pydot


def _check_pydot():
    """Return the ``pydot`` module once it and GraphViz both work.

    Raises:
        ImportError: ``pydot`` is not installed.
        OSError: ``pydot`` is installed but cannot run GraphViz's ``dot``.
    """
    pydot = _import_pydot()
    try:
        # Rendering an empty graph proves the GraphViz executables are reachable.
        pydot.Dot.create(pydot.Dot())
    except OSError:
        raise OSError('`pydot` failed to call GraphViz. Please install GraphViz '
                      '(https://www.graphviz.org/) and ensure that its executables are '
                      'in the $PATH.')
    return pydot


def is_model(layer):
    """Whether ``layer`` is a Keras ``Model`` (a nested model)."""
    return isinstance(layer, Network)


def is_wrapped_model(layer):
    """Whether ``layer`` is a wrapper (``TimeDistributed``...) around a model."""
    return _is_wrapper(layer) and is_model(layer.layer)


def _is_wrapper(layer):
    return isinstance(layer, Wrapper)


def add_edge(dot, src, dst):
    """Add the edge ``src -> dst`` unless it is already there."""
    if not dot.get_edge(src, dst):
        dot.add_edge(_import_pydot().Edge(src, dst))


def _model_layers(model):
    if isinstance(model, Sequential) and not model.built:
        model.build()
    # Graph networks keep their input layers in ``_layers_list``; ``layers``
    # of a Sequential hides them.
    return list(getattr(model, '_layers_list', None) or model.layers)


def _node_label(layer, show_shapes, show_layer_names, expand_nested):
    layer_name = layer.name
    class_name = layer.__class__.__name__
    if _is_wrapper(layer) and not (expand_nested and is_model(layer.layer)):
        layer_name = '{}({})'.format(layer_name, layer.layer.name)
        class_name = '{}({})'.format(class_name, layer.layer.__class__.__name__)
    label = '{}: {}'.format(layer_name, class_name) if show_layer_names else class_name
    if not show_shapes:
        return label
    try:
        output_labels = str(layer.output_shape)
    except (AttributeError, RuntimeError):
        output_labels = 'multiple'
    try:
        input_labels = str(layer.input_shape)
    except (AttributeError, RuntimeError):
        input_labels = 'multiple'
    return '%s\n|{input:|output:}|{{%s}|{%s}}' % (label, input_labels, output_labels)


def _new_graph(pydot, model, rankdir, dpi, subgraph):
    if subgraph:
        dot = pydot.Cluster(style='dashed', graph_name=model.name)
        dot.set('label', model.name)
        dot.set('labeljust', 'l')
    else:
        dot = pydot.Dot()
        dot.set('rankdir', rankdir)
        dot.set('concentrate', True)
        dot.set('dpi', dpi)
        dot.set_node_defaults(shape='record')
    return dot


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir='TB',
                 expand_nested=False, dpi=96, subgraph=False):
    """Describe ``model`` as a ``pydot`` graph: one record node per layer.

    Args:
        model: a Keras model.
        show_shapes: add each layer's input and output shapes to its node.
        show_layer_names: start node labels with the layer name.
        rankdir: GraphViz ``rankdir``: ``'TB'`` (vertical) or ``'LR'`` (horizontal).
        expand_nested: draw nested models as clusters of their own layers.
        dpi: resolution of the rendered image.
        subgraph: return a ``pydot.Cluster`` (used for nested models).

    Returns:
        A ``pydot.Dot`` (or ``pydot.Cluster`` when ``subgraph=True``).

    Raises:
        ImportError: if ``pydot`` is not installed.
        OSError: if GraphViz cannot be run.
    """
    pydot = _check_pydot()
    dot = _new_graph(pydot, model, rankdir, dpi, subgraph)
    layers = _model_layers(model)
    # First and last node of each expanded nested model, by model name.
    firsts, lasts = {}, {}
    for layer in layers:
        inner = layer.layer if is_wrapped_model(layer) else layer
        if expand_nested and is_model(inner):
            cluster = model_to_dot(inner, show_shapes, show_layer_names, rankdir,
                                   expand_nested, subgraph=True)
            nodes = cluster.get_nodes()
            firsts[inner.name], lasts[inner.name] = nodes[0], nodes[-1]
            dot.add_subgraph(cluster)
        if not (expand_nested and is_model(layer)):
            label = _node_label(layer, show_shapes, show_layer_names, expand_nested)
            dot.add_node(pydot.Node(str(id(layer)), label=label))
    for layer in layers:
        for inbound in _inbound_layers(model, layer):
            _connect(dot, inbound, layer, expand_nested, firsts, lasts)
    return dot


def _inbound_layers(model, layer):
    network_nodes = getattr(model, '_network_nodes', ())
    for i, node in enumerate(layer._inbound_nodes):
        if node_key(layer, i) in network_nodes:
            for inbound in node.inbound_layers:
                yield inbound


def _connect(dot, inbound, layer, expand_nested, firsts, lasts):
    """Add the edge(s) for ``inbound -> layer``, routing into/out of clusters."""
    src, dst = str(id(inbound)), str(id(layer))
    if expand_nested and is_model(inbound):
        src = lasts[inbound.name].get_name()
    elif expand_nested and is_wrapped_model(inbound):
        src = lasts[inbound.layer.name].get_name()
    if expand_nested and is_model(layer):
        add_edge(dot, src, firsts[layer.name].get_name())
        return
    add_edge(dot, src, dst)
    if expand_nested and is_wrapped_model(layer):
        add_edge(dot, dst, firsts[layer.layer.name].get_name())


def plot_model(model, to_file='model.png', show_shapes=False, show_layer_names=True,
               rankdir='TB', expand_nested=False, dpi=96):
    """Draw ``model`` into an image file (format from the extension, PNG by default).

    Args:
        model: a Keras model.
        to_file: output path; ``.png``, ``.pdf``, ``.svg``, ``.dot``...
        show_shapes, show_layer_names, rankdir, expand_nested, dpi: as in
            :func:`model_to_dot`.

    Returns:
        An ``IPython.display.Image`` of the file when IPython is installed
        (inline display in notebooks), otherwise ``None``.
    """
    dot = model_to_dot(model, show_shapes, show_layer_names, rankdir, expand_nested, dpi)
    extension = os.path.splitext(to_file)[1][1:] or 'png'
    dot.write(to_file, format=extension)
    if extension != 'pdf':
        try:
            from IPython import display  # pylint: disable=import-outside-toplevel
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
