"""keras.layers.merge against NumPy formulas and Keras 2.3.1's shape, mask and
error rules."""
import warnings

import numpy as np
import pytest
import torch

from keras import layers
from keras.engine.input_layer import Input
from keras.engine.training import Model
from keras.layers import merge


def _data(*shapes, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.uniform(-2, 2, size=s).astype('float32') for s in shapes]


def _run(layer, arrays, input_shapes=None):
    """Output of ``layer`` in a functional model, checked against its declared
    shape and after a config round trip."""
    input_shapes = input_shapes or [a.shape[1:] for a in arrays]
    inputs = [Input(shape) for shape in input_shapes]
    y = layer(inputs)
    model = Model(inputs, y)
    out = model.predict(arrays)
    for declared, real in zip(y.shape[1:], out.shape[1:]):
        assert declared is None or declared == real
    recovered = Model.from_config(model.get_config())
    np.testing.assert_allclose(recovered.predict(arrays), out, rtol=1e-6)
    return out


@pytest.mark.parametrize('cls, fn, reference', [
    (merge.Add, merge.add, lambda a, b, c: a + b + c),
    (merge.Multiply, merge.multiply, lambda a, b, c: a * b * c),
    (merge.Average, merge.average, lambda a, b, c: (a + b + c) / 3.),
    (merge.Maximum, merge.maximum, lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    (merge.Minimum, merge.minimum, lambda a, b, c: np.minimum(np.minimum(a, b), c)),
])
def test_elementwise_three_inputs(cls, fn, reference):
    arrays = _data((2, 4, 3), (2, 4, 3), (2, 4, 3))
    expected = reference(*arrays)
    np.testing.assert_allclose(_run(cls(), arrays), expected, rtol=1e-6)
    inputs = [Input((4, 3)) for _ in range(3)]
    model = Model(inputs, fn(inputs))
    np.testing.assert_allclose(model.predict(arrays), expected, rtol=1e-6)


def test_subtract():
    a, b = _data((3, 5), (3, 5))
    np.testing.assert_allclose(_run(merge.Subtract(), [a, b]), a - b, rtol=1e-6)
    x, y = Input((5,)), Input((5,))
    assert merge.subtract([x, y]).shape == (None, 5)


def test_subtract_needs_exactly_two_inputs():
    with pytest.raises(ValueError, match='exactly 2 inputs'):
        merge.Subtract()([Input((2,)), Input((2,)), Input((2,))])


def test_inputs_are_not_changed_in_place():
    a, b = [torch.from_numpy(x) for x in _data((2, 3), (2, 3))]
    a0 = a.clone()
    merge.Add()([a, b])
    merge.Multiply()([a, b])
    torch.testing.assert_close(a, a0)


def test_broadcast_lower_rank_gets_axes_after_batch():
    a, b = _data((2, 3), (2, 4, 3))
    layer = merge.Add()
    out = _run(layer, [a, b])
    np.testing.assert_allclose(out, a[:, None, :] + b, rtol=1e-6)
    assert layer.compute_output_shape([(None, 3), (None, 4, 3)]) == (None, 4, 3)


def test_broadcast_size_one_axes():
    a, b = _data((2, 1, 3), (2, 4, 1))
    out = _run(merge.Maximum(), [a, b])
    np.testing.assert_allclose(out, np.maximum(a, b), rtol=1e-6)
    assert merge.Maximum().compute_output_shape([(None, 1, 3), (None, 4, 1)]) == (None, 4, 3)


def test_elemwise_output_shape_rules():
    layer = merge.Add()
    assert layer._compute_elemwise_op_output_shape((4, 3), (3,)) == (4, 3)
    assert layer._compute_elemwise_op_output_shape((None, 3), (5, 3)) == (None, 3)
    assert layer._compute_elemwise_op_output_shape((5, 3), ()) == (5, 3)
    assert layer._compute_elemwise_op_output_shape(None, (3,)) is None


def test_incompatible_shapes_name_both_shapes():
    with pytest.raises(ValueError, match=r'\(3,\) \(4,\)'):
        merge.add([Input((3,)), Input((4,))])


def test_different_batch_sizes():
    with pytest.raises(ValueError, match='different batch sizes'):
        merge.Add()([torch.zeros(2, 3), torch.zeros(3, 3)])


def test_merge_on_single_tensor_is_an_error():
    with pytest.raises(ValueError, match='list of inputs'):
        merge.Add()(Input((3,)))
    with pytest.raises(ValueError, match='at least 2 inputs'):
        merge.Add()([Input((3,))])


def test_elementwise_mask_is_all_of_masks():
    m1 = torch.tensor([[True, True, False], [True, False, True]])
    m2 = torch.tensor([[True, False, False], [True, True, True]])
    x = [torch.zeros(2, 3, 4), torch.zeros(2, 3, 4)]
    layer = merge.Add()
    assert layer.compute_mask(x, None) is None
    assert layer.compute_mask(x, [None, None]) is None
    np.testing.assert_array_equal(layer.compute_mask(x, [m1, m2]).numpy(),
                                  np.logical_and(m1.numpy(), m2.numpy()))
    np.testing.assert_array_equal(layer.compute_mask(x, [m1, None]).numpy(), m1.numpy())
    with pytest.raises(ValueError, match='should be a list'):
        layer.compute_mask(x, m1)
    with pytest.raises(ValueError, match='same length'):
        layer.compute_mask(x, [m1])


def test_masks_flow_through_functional_merge():
    a, b = Input((3, 2)), Input((3, 2))
    ma, mb = layers.Masking()(a), layers.Masking()(b)
    assert merge.add([ma, mb])._keras_mask.shape == (None, 3)
    assert merge.concatenate([ma, mb], axis=1)._keras_mask.shape == (None, 6)
    assert merge.dot([ma, mb], axes=2)._keras_mask is None


def test_concatenate_axis_values_and_shape():
    a, b = _data((2, 3, 4), (2, 2, 4))
    layer = merge.Concatenate(axis=1)
    np.testing.assert_array_equal(_run(layer, [a, b]), np.concatenate([a, b], axis=1))
    assert layer.compute_output_shape([(None, 3, 4), (None, 2, 4)]) == (None, 5, 4)
    assert layer.compute_output_shape([(None, None, 4), (None, 2, 4)]) == (None, None, 4)
    c, d = _data((2, 3), (2, 5))
    np.testing.assert_array_equal(_run(merge.Concatenate(), [c, d]),
                                  np.concatenate([c, d], axis=-1))


def test_concatenate_mismatch_error_names_shapes():
    with pytest.raises(ValueError, match=r'A `Concatenate` layer requires inputs with matching '
                                         r'shapes except for the concat axis\. Got inputs '
                                         r'shapes: \[\(None, 3, 4\), \(None, 2, 5\)\]'):
        merge.concatenate([Input((3, 4)), Input((2, 5))], axis=1)
    with pytest.raises(ValueError, match='matching shapes'):
        merge.concatenate([Input((3,)), Input((4, 2))])


def test_concatenate_masks():
    x = [torch.zeros(2, 3, 4), torch.zeros(2, 3, 5)]
    m1 = torch.tensor([[True, False, True], [False, True, True]])
    layer = merge.Concatenate(axis=-1)
    # missing masks count as all-True; the mask is `all` over the last axis.
    np.testing.assert_array_equal(layer.compute_mask(x, [m1, None]).numpy(), m1.numpy())
    time_layer = merge.Concatenate(axis=1)
    x2 = [torch.zeros(2, 3, 4), torch.zeros(2, 2, 4)]
    m2 = torch.tensor([[True, False], [True, True]])
    expected = np.concatenate([m1.numpy(), m2.numpy()], axis=1)
    np.testing.assert_array_equal(time_layer.compute_mask(x2, [m1, m2]).numpy(), expected)
    assert layer.compute_mask(x, None) is None


def test_concatenate_config():
    config = merge.Concatenate(axis=1, name='cat').get_config()
    assert config == {'name': 'cat', 'trainable': True, 'dtype': 'float32', 'axis': 1}
    assert merge.Concatenate.from_config(config).axis == 1


def _np_batch_dot_2d(a, b):
    return np.sum(a * b, axis=1, keepdims=True)


def test_dot_2d():
    a, b = _data((3, 5), (3, 5))
    np.testing.assert_allclose(_run(merge.Dot(axes=1), [a, b]), _np_batch_dot_2d(a, b),
                               rtol=1e-5)
    np.testing.assert_allclose(_run(merge.Dot(axes=-1), [a, b]), _np_batch_dot_2d(a, b),
                               rtol=1e-5)


def test_dot_normalize_is_cosine():
    a, b = _data((3, 5), (3, 5))
    an = a / np.linalg.norm(a, axis=1, keepdims=True)
    bn = b / np.linalg.norm(b, axis=1, keepdims=True)
    out = _run(merge.Dot(axes=1, normalize=True), [a, b])
    np.testing.assert_allclose(out, _np_batch_dot_2d(an, bn), rtol=1e-5)


@pytest.mark.parametrize('axes, shapes, einsum', [
    ((2, 1), ((2, 3, 4), (2, 4, 5)), 'bij,bjk->bik'),
    ((1, 1), ((2, 3, 4), (2, 3, 5)), 'bji,bjk->bik'),
    (2, ((2, 3, 4), (2, 5, 4)), 'bij,bkj->bik'),
    ([2, 2], ((2, 3, 4), (2, 5, 4)), 'bij,bkj->bik'),
])
def test_dot_3d(axes, shapes, einsum):
    a, b = _data(*shapes)
    layer = merge.Dot(axes=axes)
    out = _run(layer, [a, b])
    np.testing.assert_allclose(out, np.einsum(einsum, a, b), rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape([(None,) + s[1:] for s in shapes]) == (None,) + \
        out.shape[1:]


def test_dot_errors_and_config():
    with pytest.raises(ValueError, match='Dimension incompatibility 5 != 4'):
        merge.dot([Input((5,)), Input((4,))], axes=1)
    with pytest.raises(TypeError, match='Invalid type for `axes`'):
        merge.Dot(axes='1')
    with pytest.raises(ValueError, match='two elements'):
        merge.Dot(axes=[1, 2, 3])
    with pytest.raises(ValueError, match='list of 2 inputs'):
        merge.Dot(axes=1)([Input((2,)), Input((2,)), Input((2,))])
    config = merge.Dot(axes=[1, 2], normalize=True, name='d').get_config()
    assert config == {'name': 'd', 'trainable': True, 'dtype': 'float32', 'axes': [1, 2],
                      'normalize': True}
    assert merge.Dot(axes=1).compute_mask([None, None], [None, None]) is None


def test_registered_in_keras_layers():
    for name in ('Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum',
                 'Concatenate', 'Dot', 'add', 'concatenate', 'dot', 'Merge'):
        assert getattr(layers, name) is getattr(merge, name)


def test_keras_layers_merge_is_module_and_keras1_function():
    # Keras 2: keras.layers.merge.Add; Keras 1: from keras.layers import merge; merge([...])
    assert layers.merge is merge and layers.merge.Add is merge.Add
    x, y = Input((2,)), Input((2,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        out = layers.merge([x, y], mode='mul')
    assert len(caught) == 1
    assert isinstance(out._keras_history[0], merge.Multiply)


# ---------------------------------------------------------------- Keras 1
@pytest.mark.parametrize('mode, cls', [('sum', merge.Add), ('mul', merge.Multiply),
                                       ('ave', merge.Average), ('max', merge.Maximum),
                                       ('concat', merge.Concatenate), ('dot', merge.Dot),
                                       ('cos', merge.Dot)])
def test_legacy_merge_maps_to_keras2_class(mode, cls):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        layer = merge.Merge(mode=mode, name='m_' + mode)
    assert type(layer) is cls
    assert layer.name == 'm_' + mode
    assert len(caught) == 1 and 'deprecated' in str(caught[0].message)


def test_legacy_merge_function_numbers():
    a, b = _data((3, 4), (3, 4))
    x, y = Input((4,)), Input((4,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        outputs = [merge.merge([x, y], mode='sum'),
                   merge.merge([x, y], mode='concat', concat_axis=1),
                   merge.merge([x, y], mode='dot', dot_axes=1),
                   merge.merge([x, y], mode='cos', dot_axes=1)]
    assert len(caught) == 4
    assert 'keras.layers.concatenate' in str(caught[1].message)
    model = Model([x, y], outputs)
    got = model.predict([a, b])
    cos = _np_batch_dot_2d(a, b) / (np.linalg.norm(a, axis=1, keepdims=True) *
                                    np.linalg.norm(b, axis=1, keepdims=True))
    for value, expected in zip(got, [a + b, np.concatenate([a, b], 1),
                                     _np_batch_dot_2d(a, b), cos]):
        np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_legacy_merge_errors():
    with pytest.raises(ValueError, match='Invalid merge mode'):
        merge.Merge(mode='xor')


def test_legacy_merge_with_a_function_is_a_lambda_on_the_list():
    """Keras 1's ``merge([a, b], mode=fn, output_shape=..., arguments=...)``
    (the SWWAE example's max-pooling switches)."""
    from keras.layers.lambda_layer import Lambda
    a, b = Input((3,)), Input((3,))
    with pytest.warns(UserWarning, match='Lambda'):
        y = merge.merge([a, b], mode=lambda xs: xs[0] * 2 + xs[1],
                        output_shape=lambda shapes: shapes[0], name='weighted')
    with pytest.warns(UserWarning, match='Lambda'):
        z = merge.merge([a, b], mode=lambda xs, k: torch.cat([xs[0], xs[1] * k], dim=-1),
                        output_shape=(6,), arguments={'k': 3.})
    model = Model([a, b], [y, z])
    assert model.output_shape == [(None, 3), (None, 6)]
    assert isinstance(model.get_layer('weighted'), Lambda)
    ones = np.ones((2, 3), dtype='float32')
    out_y, out_z = model.predict([ones, 2 * ones])
    np.testing.assert_allclose(out_y, 4 * ones)
    np.testing.assert_allclose(out_z, np.concatenate([ones, 6 * ones], axis=1))
    with pytest.warns(UserWarning, match='Lambda'):
        layer = merge.Merge(mode=lambda xs: xs[0] - xs[1], output_shape=(3,))
    np.testing.assert_allclose(Model([a, b], layer([a, b])).predict([ones, ones]), 0 * ones)


def test_legacy_merge_from_keras1_config():
    config = {'name': 'merge_1', 'mode': 'concat', 'mode_type': 'raw', 'concat_axis': -1,
              'dot_axes': -1, 'output_shape': None, 'output_shape_type': 'raw',
              'output_mask': None, 'output_mask_type': 'raw', 'arguments': {}}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        layer = layers.deserialize({'class_name': 'Merge', 'config': config})
    assert isinstance(layer, merge.Concatenate) and layer.name == 'merge_1'
    # a function stored as bytecode (Keras 1 wrote func_dump's text) needs safe_mode=False
    from keras.utils.generic_utils import func_dump
    from keras.utils.safe_mode import safe_mode_scope
    config.update(mode=func_dump(lambda xs: xs[0] - xs[1]), mode_type='lambda',
                  output_shape=[2], name='difference')
    with pytest.raises(ValueError, match='difference.*safe_mode=False'):
        layers.deserialize({'class_name': 'Merge', 'config': config})
    with safe_mode_scope(False), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        layer = layers.deserialize({'class_name': 'Merge', 'config': config})
    a, b = Input((2,)), Input((2,))
    ones = np.ones((1, 2), dtype='float32')
    np.testing.assert_allclose(Model([a, b], layer([a, b])).predict([3 * ones, ones]), 2 * ones)


def test_legacy_merge_of_layers_gives_model():
    x, y = Input((3,)), Input((3,))
    d1, d2 = layers.Dense(2), layers.Dense(2)
    d1(x)
    d2(y)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = merge.Merge([d1, d2], mode='concat')
    assert isinstance(model, Model)
    a, b = _data((2, 3), (2, 3))
    expected = np.concatenate([a @ d1.get_weights()[0], b @ d2.get_weights()[0]], axis=1)
    np.testing.assert_allclose(model.predict([a, b]), expected, rtol=1e-5)


def test_input_count_is_checked_at_every_call_of_a_built_layer():
    a, b, c = Input((3,)), Input((3,)), Input((3,))
    subtract = layers.Subtract()
    subtract([a, b])
    with pytest.raises(ValueError, match='exactly 2 inputs'):
        subtract([a, b, c])
    concat = layers.Concatenate()
    concat([a, b])
    with pytest.raises(ValueError, match='at least 2 inputs'):
        concat([a])
    add = layers.Add()
    add([a, b, c])
    with pytest.raises(ValueError, match='at least 2 inputs'):
        add([a])


def test_keras1_sequential_starting_with_a_merge_of_branches(tmp_path):
    """Keras 1's guide: ``Sequential().add(Merge([left, right], mode='concat'))``;
    the branches' inputs are the model's inputs, in order."""
    from keras.engine.saving import load_model
    from keras.engine.sequential import Sequential
    from keras.models import model_from_json
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # (the Keras 1 spellings warn)
        left = Sequential()
        left.add(layers.Dense(4, input_dim=6))
        right = Sequential()
        right.add(layers.Dense(4, input_dim=3))
        model = Sequential()
        model.add(merge.Merge([left, right], mode='concat'))
        model.add(layers.Dense(2, activation='softmax'))
    assert model.input_shape == [(None, 6), (None, 3)]
    assert model.output_shape == (None, 2)
    assert len(model.layers) == 2 and len(model.trainable_weights) == 6
    rng = np.random.RandomState(0)
    a, b = rng.rand(16, 6).astype('float32'), rng.rand(16, 3).astype('float32')
    y = np.eye(2, dtype='float32')[rng.randint(2, size=16)]
    model.compile(optimizer='sgd', loss='categorical_crossentropy')
    before = left.get_weights()[0].copy()
    model.fit([a, b], y, epochs=2, batch_size=8, verbose=0)
    assert not np.allclose(left.get_weights()[0], before)  # the branches train
    kernels = model.get_weights()
    hidden = np.concatenate([a.dot(kernels[0]) + kernels[1], b.dot(kernels[2]) + kernels[3]], 1)
    logits = hidden.dot(kernels[4]) + kernels[5]
    expected = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    predicted = model.predict([a, b])
    np.testing.assert_allclose(predicted, expected, rtol=1e-5)
    again = model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict([a, b]), predicted, rtol=1e-6)
    path = str(tmp_path / 'merged.h5')
    model.save(path)
    np.testing.assert_allclose(load_model(path).predict([a, b]), predicted, rtol=1e-6)


def test_keras1_branch_merged_twice_adds_one_input():
    """Keras 1's bAbI memory network merges the question encoder twice; the
    final model takes each branch input once: (story, question, story again)."""
    from keras.engine.sequential import Sequential
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        story_m, question, story_c = Sequential(), Sequential(), Sequential()
        story_m.add(layers.Dense(4, input_dim=5))
        question.add(layers.Dense(4, input_dim=3))
        story_c.add(layers.Dense(4, input_dim=5))
        match = Sequential()
        match.add(merge.Merge([story_m, question], mode='sum'))
        response = Sequential()
        response.add(merge.Merge([match, story_c], mode='sum'))
        answer = Sequential()
        answer.add(merge.Merge([response, question], mode='concat'))
        answer.add(layers.Dense(1))
    assert answer.input_shape == [(None, 5), (None, 3), (None, 5)]
    rng = np.random.RandomState(0)
    s, q, s2 = rng.rand(6, 5), rng.rand(6, 3), rng.rand(6, 5)
    answer.compile('sgd', 'mse')
    answer.fit([s, q, s2], rng.rand(6, 1), epochs=1, verbose=0)
    w = answer.get_weights()  # story_m, question, story_c kernels and biases, then the head
    hq = q.dot(w[2]) + w[3]
    hidden = np.concatenate([s.dot(w[0]) + w[1] + hq + s2.dot(w[4]) + w[5], hq], axis=1)
    np.testing.assert_allclose(answer.predict([s, q, s2]), hidden.dot(w[6]) + w[7], rtol=1e-5)
