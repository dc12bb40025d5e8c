"""Generic checks over every row of ``layer_registry.LAYER_CASES``.

Each check runs once per row: output shape against ``compute_output_shape``,
``get_config``/``from_config`` round trip, HDF5 model round trip, one train
step, masks (a layer that does not support masking must refuse a masked
input), and float64.  A layer gets all of them by adding one row.
"""
import codecs
import inspect
import marshal

import numpy as np
import pytest
import torch

from keras import backend as K
from keras import layers as L
from keras.engine.base_layer import Layer
from keras.models import Model, load_model
from keras.utils.safe_mode import safe_mode_scope

from tests.layers.layer_registry import LAYER_CASES, NOT_IN_TABLE

BATCH = 2
STEPS = 3  # the length of a None axis (a variable time axis) in the sample data

pytestmark = [
    pytest.mark.filterwarnings('ignore:The `(Highway|MaxoutDense)` layer is deprecated'),
    pytest.mark.filterwarnings('ignore:No training configuration found'),
]


def _params(check):
    """``LAYER_CASES`` as pytest params for one check, with its skips and xfails."""
    params = []
    for case in LAYER_CASES:
        marks = []
        if check in case.skip_reasons:
            marks.append(pytest.mark.skip(reason=case.skip_reasons[check]))
        if check in case.xfail_reasons:
            marks.append(pytest.mark.xfail(strict=True, reason=case.xfail_reasons[check]))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def _data(case, seed=0):
    """Sample inputs for a row: normal floats (both signs), ints in [1, 5) (0 is
    the padding index ``_masked_data`` writes)."""
    rng = np.random.RandomState(seed)
    arrays = []
    for shape, dtype in zip(case.input_shapes, case.input_dtypes):
        full = (BATCH,) + _concrete(shape)
        if 'int' in dtype:
            arrays.append(rng.randint(1, 5, size=full).astype(dtype))
        else:
            arrays.append(rng.normal(size=full).astype(K.floatx() if dtype == 'float32'
                                                       else dtype))
    return arrays


def _inputs(case):
    return [L.Input(shape=shape, dtype=dtype if 'int' in dtype else K.floatx())
            for shape, dtype in zip(case.input_shapes, case.input_dtypes)]


def _one(items):
    return items if len(items) > 1 else items[0]


def _model(case, layer=None):
    np.random.seed(0)  # (the same initial weights whatever ran before)
    layer = layer if layer is not None else case.make()
    inputs = _inputs(case)
    return Model(_one(inputs), layer(_one(inputs))), layer


def _eager(layer, arrays):
    out = layer(_one([torch.as_tensor(a) for a in arrays]))
    return out.detach().cpu().numpy()


def _concrete(shape):
    return tuple(STEPS if d is None else d for d in shape)


def _shape_arg(case, batch):
    """The input shape(s) to give ``compute_output_shape``: as declared (None
    axes kept) for ``batch=None``, as in the sample data otherwise."""
    if batch is None:
        return _one([(None,) + shape for shape in case.input_shapes])
    return _one([(batch,) + _concrete(shape) for shape in case.input_shapes])


# ------------------------------------------------------------------ the table


def _public_layer_classes():
    found = {}
    for name in L.__all__:
        obj = getattr(L, name)
        if inspect.isclass(obj) and issubclass(obj, Layer):
            found.setdefault(obj, name)
    return found


def test_every_public_layer_has_a_row():
    covered = {case.cls for case in LAYER_CASES} | set(NOT_IN_TABLE)
    missing = sorted(name for cls, name in _public_layer_classes().items()
                     if cls not in covered)
    assert not missing, 'add a row to tests/layers/layer_registry.py for: %s' % missing


def test_table_names_only_public_layers():
    public = set(_public_layer_classes())
    stray = sorted(c.__name__ for c in {case.cls for case in LAYER_CASES} | set(NOT_IN_TABLE)
                   if c not in public)
    assert not stray, stray
    assert len({case.id for case in LAYER_CASES}) == len(LAYER_CASES), 'duplicate row ids'


@pytest.mark.parametrize('case', _params('shape'))
def test_flags_match_the_layer(case):
    """``supports_masking`` and ``trains`` in the row say what the built layer says
    (skipped and xfailed with the row's ``shape`` check: both build the layer)."""
    model, layer = _model(case)
    assert bool(layer.supports_masking) == case.supports_masking
    assert bool(layer.trainable_weights) == case.trains


# ------------------------------------------------------------------ the checks


@pytest.mark.parametrize('case', _params('shape'))
def test_output_shape_matches_compute_output_shape(case):
    layer = case.make()
    inputs = _inputs(case)
    symbolic = layer(_one(inputs))
    assert tuple(symbolic.shape) == tuple(layer.compute_output_shape(_shape_arg(case, None)))
    real = _eager(layer, _data(case))
    assert real.shape == tuple(layer.compute_output_shape(_shape_arg(case, BATCH)))
    assert real.dtype == np.dtype(str(symbolic.dtype))
    assert np.all(np.isfinite(real))


def _comparable(config):
    """``config`` with Lambda bytecode replaced by what the code does: marshal
    may flag a reloaded code object's constants differently, byte for byte."""
    config = dict(config)
    for key in ('function', 'mask', 'output_shape'):
        value = config.get(key)
        if config.get(key + '_type') == 'lambda' and isinstance(value, (list, tuple)):
            code = marshal.loads(codecs.decode(value[0].encode('ascii'), 'base64'))
            config[key] = (code.co_code, code.co_consts, code.co_names) + tuple(value[1:])
    return config


@pytest.mark.parametrize('case', _params('config'))
def test_config_round_trip(case):
    model, layer = _model(case)
    config = layer.get_config()
    with safe_mode_scope(not case.unsafe):
        clone = type(layer).from_config(config)
    assert _comparable(clone.get_config()) == _comparable(config)
    clone(_one(_inputs(case)))
    clone.set_weights(layer.get_weights())
    data = _data(case)
    np.testing.assert_allclose(_eager(clone, data), _eager(layer, data), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('case', _params('hdf5'))
def test_hdf5_model_round_trip(case, tmp_path):
    model, _ = _model(case)
    data = _data(case)
    expected = model.predict(_one(data))
    path = str(tmp_path / 'model.h5')
    model.save(path)
    loaded = load_model(path, safe_mode=not case.unsafe)
    assert [type(x) for x in loaded.layers] == [type(x) for x in model.layers]
    np.testing.assert_allclose(loaded.predict(_one(data)), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('case', _params('train'))
def test_train_step_changes_trainable_weights(case):
    model, layer = _model(case)
    data = _data(case)
    target = np.random.RandomState(1).normal(size=model.predict(_one(data)).shape)
    before = [K.get_value(w).copy() for w in layer.trainable_weights]
    model.compile('sgd', 'mse')
    loss = model.train_on_batch(_one(data), target.astype(K.floatx()))
    assert np.isfinite(loss)
    after = [K.get_value(w) for w in layer.trainable_weights]
    assert len(after) == len(before) and bool(after) == case.trains
    unchanged = [w.name for w, a, b in zip(layer.trainable_weights, after, before)
                 if np.array_equal(a, b)]
    assert not unchanged, 'weights the train step left unchanged: %s' % unchanged


def _masked_data(case):
    """Sample inputs whose last time step of the first sample is masked out."""
    arrays = _data(case)
    for a in arrays:
        if 'int' in a.dtype.name:
            a[0, -1] = 0  # Embedding(mask_zero=True): 0 is the padding index
        else:
            a[0, -1, ...] = 0.0  # Masking(0.): a step whose features are all 0
    return arrays


def _step_mask(x, mask=None):
    """A (batch, steps) mask: the steps whose features are not all 0."""
    return (x != 0).flatten(2).any(-1)


def _mask_source(case, x, dtype):
    if 'int' in dtype:
        return x  # the row's own Embedding(mask_zero=True) makes the mask
    if case.mask_source == 'steps':
        return L.Lambda(lambda t: t, mask=_step_mask)(x)
    return L.Masking(0.0)(x)


def _input_mask(case, array):
    """The mask the masked input carries, in NumPy."""
    if 'int' in array.dtype.name:
        return array != 0
    if case.mask_source == 'steps':
        return np.any(array.reshape(array.shape[:2] + (-1,)) != 0, axis=-1)
    return np.any(array != 0, axis=-1)


@pytest.mark.parametrize('case', _params('mask'))
def test_masked_input_passes_and_compute_mask_agrees(case):
    layer = case.make()
    inputs = _inputs(case)
    masked = [_mask_source(case, x, dtype) for x, dtype in zip(inputs, case.input_dtypes)]
    data = _masked_data(case)
    if not case.supports_masking:
        # refused when the graph is built (TypeError) or run (CuDNN*: ValueError), as in 2.3.1
        with pytest.raises((TypeError, ValueError), match='[Mm]ask'):
            Model(_one(inputs), layer(_one(masked))).predict(_one(data))
        return
    model = Model(_one(inputs), layer(_one(masked)))
    assert np.all(np.isfinite(model.predict(_one(data))))
    carried = model.compute_mask(_one([torch.as_tensor(a) for a in data]), None)
    in_mask = _input_mask(case, data[0])
    if case.mask_out is None:
        assert carried is None
    else:
        assert carried is not None
        np.testing.assert_array_equal(K.get_value(carried), in_mask)
    if 'int' not in case.input_dtypes[0]:  # the layer's own compute_mask, on the real mask
        own = layer.compute_mask(_one([torch.as_tensor(a) for a in data]),
                                 _one([torch.as_tensor(in_mask)] * len(data)))
        assert (own is None) == (carried is None)
        if own is not None:
            np.testing.assert_array_equal(K.get_value(own), K.get_value(carried))


@pytest.mark.parametrize('case', _params('float64'))
def test_float64_inputs_give_float64_weights_and_outputs(case):
    previous = K.floatx()
    K.set_floatx('float64')
    try:
        model, layer = _model(case)
        out = model.predict(_one(_data(case)))
        weights = layer.get_weights()
    finally:
        K.set_floatx(previous)
    assert out.dtype == np.float64
    assert np.all(np.isfinite(out))
    assert all(w.dtype == np.float64 for w in weights if w.dtype.kind == 'f')

