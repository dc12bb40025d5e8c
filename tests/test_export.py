"""model.export: ONNX (checked with onnxruntime) and torch.export programs give
``model.predict``'s numbers for any batch size, in inference mode."""
import glob
import json
import os

import numpy as np
import pytest
import torch

import keras
from keras.layers import (LSTM, BatchNormalization, Conv2D, Dense, Dropout, Embedding, Flatten,
                          Input, Lambda, MaxPooling2D, concatenate)
from keras.models import Model, Sequential

ort = pytest.importorskip('onnxruntime')
pytest.importorskip('onnxscript')

FIXTURES = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'shared',
                                        'fixtures', 'keras2'))


def _run_onnx(path, feeds):
    session = ort.InferenceSession(path)
    return session, session.run(None, feeds)


def _mlp():
    model = Sequential([Dense(16, activation='relu', input_shape=(8,)), Dropout(0.5),
                        BatchNormalization(), Dense(3, activation='softmax', name='probs')])
    model.compile('adam', 'categorical_crossentropy')
    x = np.random.RandomState(0).rand(32, 8).astype('float32')
    model.fit(x, np.eye(3, dtype='float32')[np.arange(32) % 3], epochs=2, verbose=0)
    return model  # trained: BatchNormalization has moving statistics of its own


def test_mlp_exports_to_onnx_and_torch_in_inference_mode(tmp_path):
    model = _mlp()
    x = np.random.RandomState(1).rand(7, 8).astype('float32')
    expected = model.predict(x)
    onnx_path = model.export(str(tmp_path / 'mlp.onnx'))
    session, (out,) = _run_onnx(onnx_path, {model.input_names[0]: x})
    assert [o.name for o in session.get_outputs()] == ['probs']
    np.testing.assert_allclose(out, expected, atol=1e-5)  # Dropout off, moving statistics
    np.testing.assert_allclose(session.run(None, {model.input_names[0]: x[:1]})[0],
                               expected[:1], atol=1e-5)
    model.export(str(tmp_path / 'mlp.pt2'), format='torch')
    program = torch.export.load(str(tmp_path / 'mlp.pt2')).module()
    for rows in (1, 7):
        np.testing.assert_allclose(program(torch.from_numpy(x[:rows])).detach().numpy(),
                                   expected[:rows], atol=1e-5)
    assert sorted(os.listdir(str(tmp_path))) == ['mlp.onnx', 'mlp.pt2']  # no temp files


def test_functional_multi_io_with_masked_lstm(tmp_path):
    tokens = Input((6,), dtype='int32', name='tokens')
    extra = Input((4,), name='extra')
    h = LSTM(3)(Embedding(30, 5, mask_zero=True)(tokens))
    h = concatenate([h, extra])
    model = Model([tokens, extra], [Dense(2, activation='softmax', name='cls')(h),
                                    Dense(1, name='reg')(h)])
    rng = np.random.RandomState(0)
    xa = rng.randint(1, 30, (7, 6)).astype('int32')
    xa[:3, 4:] = 0  # padded rows
    xb = rng.rand(7, 4).astype('float32')
    expected = model.predict([xa, xb])
    session, outs = _run_onnx(model.export(str(tmp_path / 'm.onnx')),
                              {'tokens': xa, 'extra': xb})
    assert [i.name for i in session.get_inputs()] == ['tokens', 'extra']
    assert [o.name for o in session.get_outputs()] == ['cls', 'reg']
    for out, ref in zip(outs, expected):
        np.testing.assert_allclose(out, ref, atol=1e-5)


def test_cnn_exports_with_torch_export(tmp_path):
    model = Sequential([Conv2D(4, 3, activation='relu', input_shape=(12, 12, 1)),
                        MaxPooling2D(), Flatten(), Dense(3)])
    x = np.random.RandomState(0).rand(7, 12, 12, 1).astype('float32')
    model.export(str(tmp_path / 'cnn.pt2'))
    program = torch.export.load(str(tmp_path / 'cnn.pt2')).module()
    np.testing.assert_allclose(program(torch.from_numpy(x)).detach().numpy(),
                               model.predict(x), atol=1e-5)


class _Scale(keras.layers.Layer):
    """A user layer: one weight per feature, traceable tensor code."""

    def build(self, input_shape):
        self.scale = self.add_weight('scale', shape=(input_shape[-1],), initializer='ones')
        super(_Scale, self).build(input_shape)

    def call(self, x):
        return x * self.scale + keras.backend.square(x)


def test_custom_layer_and_lambda_export_when_traceable(tmp_path):
    model = Sequential([Dense(4, input_shape=(3,)), _Scale(),
                        Lambda(lambda t: keras.backend.clip(t, -1., 1.))])
    model.layers[1].set_weights([np.array([0.5, 2., -1., 3.], dtype='float32')])
    x = np.random.RandomState(0).randn(7, 3).astype('float32')
    session, (out,) = _run_onnx(model.export(str(tmp_path / 'c.onnx')),
                                {model.input_names[0]: x})
    np.testing.assert_allclose(out, model.predict(x), atol=1e-5)


def test_refusals_name_the_layer_or_the_argument(tmp_path):
    stateful = Sequential([LSTM(2, stateful=True, batch_input_shape=(1, 3, 2), name='memory')])
    with pytest.raises(ValueError, match="'memory' is stateful"):
        stateful.export(str(tmp_path / 's.onnx'))

    def host_decision(x):
        return x * 2 if float(x.sum()) > 0 else x  # a Python decision on values
    untraceable = Sequential([Dense(3, input_shape=(2,)), Lambda(host_decision, name='decide')])
    with pytest.raises(ValueError, match="layer 'decide' \\(Lambda\\) cannot be traced"):
        untraceable.export(str(tmp_path / 'u.pt2'))
    with pytest.raises(ValueError, match="give format="):
        untraceable.export(str(tmp_path / 'u.bin'))
    with pytest.raises(ValueError, match='Unknown export format'):
        untraceable.export(str(tmp_path / 'u.pb'), format='tf_saved_model')
    assert os.listdir(str(tmp_path)) == []


def test_command_line_exports_an_old_file(tmp_path, capsys):
    from keras.export import main
    source = os.path.join(FIXTURES, 'dense_relu.h5')
    if not os.path.exists(source):
        pytest.skip('needs ../shared/fixtures/keras2')
    assert main([source, str(tmp_path / 'out.onnx')]) == 0
    assert 'Exported' in capsys.readouterr().out
    data = np.load(os.path.join(FIXTURES, 'dense_relu.npz'))
    session, (out,) = _run_onnx(str(tmp_path / 'out.onnx'),
                                {ort.InferenceSession(str(tmp_path / 'out.onnx'))
                                 .get_inputs()[0].name: data['x0']})
    np.testing.assert_allclose(out, data['y0'], atol=1e-5)


def _fixture_cases():
    names = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(FIXTURES, '*.json')))
    return [n for n in names if os.path.exists(os.path.join(FIXTURES, n + '.h5'))]


@pytest.mark.slow
@pytest.mark.parametrize('name', _fixture_cases())
def test_every_tf_keras_fixture_exports_with_its_numbers(name, tmp_path):
    with open(os.path.join(FIXTURES, name + '.json')) as f:
        meta = json.load(f)
    model = keras.models.load_model(os.path.join(FIXTURES, name + '.h5'), compile=False)
    data = np.load(os.path.join(FIXTURES, name + '.npz'))
    if any(getattr(layer, 'stateful', False) for layer in model.layers):
        pytest.skip('stateful models are refused by design')
    xs = [data['x%d' % i] for i in range(len(model.inputs))]
    expected = [model.predict(xs)] if len(model.outputs) == 1 else model.predict(xs)
    path = model.export(str(tmp_path / 'm.onnx'))
    # (inputs in the dtype each model input declares, as predict converts them)
    xs = [x.astype(keras.backend.dtype(i)) for x, i in zip(xs, model.inputs)]
    session, outs = _run_onnx(path, {i.name: x for i, x in zip(
        ort.InferenceSession(path).get_inputs(), xs)})
    for out, ref in zip(outs, expected):
        np.testing.assert_allclose(out, ref, atol=1e-5, err_msg=meta.get('description', name))
    program = torch.export.load(model.export(str(tmp_path / 'm.pt2'))).module()
    result = program(*[torch.from_numpy(x[:1]) for x in xs])
    result = [result] if isinstance(result, torch.Tensor) else list(result)
    for out, ref in zip(result, expected):
        np.testing.assert_allclose(out.detach().numpy(), ref[:1], atol=1e-5)
