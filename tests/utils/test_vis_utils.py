"""model_to_dot / plot_model: graph structure, labels, files, and the errors
raised when pydot or GraphViz is missing."""
import shutil
import sys

import pytest

from keras.layers import Dense, Input, concatenate
from keras.models import Model, Sequential
from keras.utils import vis_utils


def _branching_model():
    a = Input((4,), name='in_a')
    b = Input((3,), name='in_b')
    x = concatenate([Dense(5, name='da')(a), Dense(5, name='db')(b)], name='cat')
    out = Dense(2, name='out')(x)
    return Model([a, b], out, name='branchy')


@pytest.fixture
def pydot_no_graphviz(monkeypatch):
    """pydot, with the GraphViz check stubbed so graphs can be built without ``dot``."""
    pydot = pytest.importorskip('pydot')
    monkeypatch.setattr(pydot.Dot, 'create', lambda self, *a, **k: b'')
    return pydot


def _labels(dot):
    return {n.get_name(): n.get('label').strip('"') for n in dot.get_nodes()
            if n.get('label')}


def _edges(dot, labels):
    return {(labels[e.get_source()].split(':')[0], labels[e.get_destination()].split(':')[0])
            for e in dot.get_edges()}


def test_model_to_dot_nodes_and_edges(pydot_no_graphviz):
    dot = vis_utils.model_to_dot(_branching_model(), rankdir='LR', dpi=72)
    assert isinstance(dot, pydot_no_graphviz.Dot)
    assert dot.get('rankdir') == 'LR' and str(dot.get('dpi')) == '72'
    labels = _labels(dot)
    assert sorted(labels.values()) == sorted(['in_a: InputLayer', 'in_b: InputLayer',
                                              'da: Dense', 'db: Dense',
                                              'cat: Concatenate', 'out: Dense'])
    assert _edges(dot, labels) == {('in_a', 'da'), ('in_b', 'db'), ('da', 'cat'),
                                   ('db', 'cat'), ('cat', 'out')}


def test_model_to_dot_shapes_and_no_names(pydot_no_graphviz):
    model = Sequential([Dense(3, input_shape=(4,), name='d1'), Dense(1, name='d2')])
    dot = vis_utils.model_to_dot(model, show_shapes=True, show_layer_names=False)
    labels = sorted(_labels(dot).values())
    assert len(labels) == 3  # the Sequential's input layer is drawn too
    dense = [l for l in labels if l.startswith('Dense')]
    assert '{{(None, 4)}|{(None, 3)}}' in dense[0] + dense[1]
    assert '{{(None, 3)}|{(None, 1)}}' in dense[0] + dense[1]
    assert all('d1' not in l and 'd2' not in l for l in labels)


def test_model_to_dot_nested_model(pydot_no_graphviz):
    inner_in = Input((4,), name='inner_in')
    inner = Model(inner_in, Dense(3, name='inner_dense')(inner_in), name='inner')
    x = Input((4,), name='outer_in')
    model = Model(x, Dense(1, name='head')(inner(x)))
    flat = vis_utils.model_to_dot(model)
    assert sorted(_labels(flat).values()) == ['head: Dense', 'inner: Model',
                                             'outer_in: InputLayer']
    expanded = vis_utils.model_to_dot(model, expand_nested=True)
    clusters = expanded.get_subgraphs()
    assert [c.get_name() for c in clusters] == ['cluster_inner']
    inner_labels = _labels(clusters[0])
    assert sorted(inner_labels.values()) == ['inner_dense: Dense', 'inner_in: InputLayer']
    labels = dict(_labels(expanded), **inner_labels)
    assert _edges(expanded, labels) == {('outer_in', 'inner_in'), ('inner_dense', 'head')}
    cluster = vis_utils.model_to_dot(inner, subgraph=True)
    assert isinstance(cluster, pydot_no_graphviz.Cluster)


@pytest.mark.skipif(shutil.which('dot') is None, reason='GraphViz `dot` not installed')
def test_plot_model_writes_png(tmp_path):
    pytest.importorskip('pydot')
    path = str(tmp_path / 'model.png')
    vis_utils.plot_model(_branching_model(), to_file=path, show_shapes=True)
    with open(path, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    svg = str(tmp_path / 'model.svg')
    vis_utils.plot_model(_branching_model(), to_file=svg, rankdir='LR')
    with open(svg) as f:
        assert '<svg' in f.read()


def test_missing_pydot_raises_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, 'pydot', None)  # ``import pydot`` now fails
    model = _branching_model()
    with pytest.raises(ImportError, match='pip install pydot') as info:
        vis_utils.plot_model(model, to_file='never_written.png')
    assert 'graphviz' in str(info.value).lower()
    with pytest.raises(ImportError, match='pip install pydot'):
        vis_utils.model_to_dot(model)


def test_missing_graphviz_raises_os_error(monkeypatch):
    pydot = pytest.importorskip('pydot')

    def no_dot(self, *args, **kwargs):
        raise FileNotFoundError('dot not found')
    monkeypatch.setattr(pydot.Dot, 'create', no_dot)
    with pytest.raises(OSError, match='failed to call GraphViz'):
        vis_utils.model_to_dot(_branching_model())


def test_plot_model_reachable_from_keras_utils():
    from keras.utils import model_to_dot, plot_model
    assert plot_model is vis_utils.plot_model and model_to_dot is vis_utils.model_to_dot
