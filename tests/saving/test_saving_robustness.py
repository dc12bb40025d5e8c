"""Damaged, truncated and foreign files give clean errors naming the file.

The accepted errors of ``load_model`` and ``load_weights`` on a bad file:

- ``OSError`` when the bytes cannot be read (not HDF5, truncated, a damaged
  HDF5 structure reported by h5py),
- ``ValueError`` when what was read is wrong (missing attributes or groups,
  invalid JSON, unknown classes or arguments, impossible shapes),

each with the file's path in its message (low-level causes are chained).
Nothing else escapes, nothing crashes, and a failed ``load_weights`` leaves
the model's weights as they were.
"""
import faulthandler
import io
import json
import os
import re
import struct
import warnings
import zipfile

import h5py
import numpy as np
import pytest

from keras.layers import Dense
from keras.models import Sequential, load_model, model_from_json
from keras.saving import hdf5

FIXTURES = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared',
                                        'fixtures', 'keras2'))
# A spread of layer kinds, optimizer state, nested and multi-input models.
FUZZED = ['dense_relu', 'conv2d_same', 'lstm_last', 'bidirectional_lstm_concat', 'embedding',
          'batchnorm', 'functional_main_aux', 'nested_sequential', 'train_adam_resume',
          'gru_reset_after', 'time_distributed_model', 'merge_concat_axis1']
N_CASES = 200
ACCEPTED = (ValueError, OSError)


def _needs_fixtures():
    if not os.path.exists(os.path.join(FIXTURES, 'dense_relu.h5')):
        pytest.skip('fixtures not available')


def _mutations(seed=20240607):
    """``N_CASES`` deterministic ``(name, weights_file, how, bytes)`` mutations."""
    rng = np.random.RandomState(seed)
    cache = {}
    for i in range(N_CASES):
        name = FUZZED[i % len(FUZZED)]
        weights = (i // len(FUZZED)) % 2 == 1
        path = os.path.join(FIXTURES, name + ('.weights.h5' if weights else '.h5'))
        if path not in cache:
            with open(path, 'rb') as f:
                cache[path] = f.read()
        data = bytearray(cache[path])
        if rng.rand() < 0.35:
            cut = rng.randint(0, len(data))
            yield name, weights, 'truncated to %d bytes' % cut, bytes(data[:cut])
            continue
        flips = []
        # Half the flips hit the first 8 KB, where the structure (superblock,
        # object headers, heaps, attributes) lives; the rest anywhere.
        span = len(data) if rng.rand() < 0.5 else min(len(data), 8192)
        for _ in range(rng.randint(1, 4)):
            pos, bit = rng.randint(span), rng.randint(8)
            data[pos] ^= 1 << bit
            flips.append((pos, bit))
        yield name, weights, 'bits flipped at %s' % flips, bytes(data)


def _check_clean(error, path, context):
    assert isinstance(error, ACCEPTED), '%s: %s %r' % (context, type(error).__name__, error)
    assert path in str(error), '%s: the message does not name the file: %s' % (context, error)
    str(error).encode('utf8')  # printable: no lone surrogates from damaged names


def test_fuzzed_fixture_files(tmp_path):
    _needs_fixtures()
    models = {}
    outcomes = {'loaded': 0, 'OSError': 0, 'ValueError': 0}
    for i, (name, weights, how, data) in enumerate(_mutations()):
        path = str(tmp_path / ('case_%03d.h5' % i))
        with open(path, 'wb') as f:
            f.write(data)
        context = 'case %d (%s%s, %s)' % (i, name, '.weights.h5' if weights else '.h5', how)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            if weights:
                if name not in models:
                    with open(os.path.join(FIXTURES, name + '.json')) as f:
                        models[name] = model_from_json(json.load(f)['model_json'])
                model = models[name]
                before = model.get_weights()
                try:
                    model.load_weights(path)
                except Exception as e:  # noqa: BLE001 - checked below
                    _check_clean(e, path, context)
                    outcomes['OSError' if isinstance(e, OSError) else 'ValueError'] += 1
                    for a, b in zip(before, model.get_weights()):  # left unchanged
                        np.testing.assert_array_equal(a, b, err_msg=context)
                else:
                    outcomes['loaded'] += 1  # damage in the values themselves
            else:
                try:
                    load_model(path)
                except Exception as e:  # noqa: BLE001 - checked below
                    _check_clean(e, path, context)
                    outcomes['OSError' if isinstance(e, OSError) else 'ValueError'] += 1
                else:
                    outcomes['loaded'] += 1
        os.remove(path)
    assert sum(outcomes.values()) == N_CASES
    assert outcomes['OSError'] > 30 and outcomes['ValueError'] > 5, outcomes
    print('fuzzed fixture files: %s' % outcomes)


def _random_groups(path):
    with h5py.File(path, 'w') as f:
        f.create_group('images/train').create_dataset('x', data=np.arange(6.).reshape(2, 3))
        f['images'].attrs['source'] = b'camera'
        f.attrs['version'] = 3


def test_non_keras_hdf5_file(tmp_path):
    path = str(tmp_path / 'data.h5')
    _random_groups(path)
    with pytest.raises(ValueError, match='No model found in config file %s' % path):
        load_model(path)
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match='%s is not a Keras weights file' % path):
        model.load_weights(path)


@pytest.mark.parametrize('content, says', [
    (b'', 'the file is empty'),
    (b'hello, this is text\n' * 10, 'it is not an HDF5 file'),
    (b'{"class_name": "Sequential", "config": []}', 'looks like JSON'),
    (b'\x89HDF\r\n\x1a\n' + b'\x00' * 40, 'HDF5 file, but truncated or damaged'),
    ('zip', 'zip archive'),
])
def test_non_hdf5_files(tmp_path, content, says):
    path = str(tmp_path / 'model.h5')
    if content == 'zip':
        with zipfile.ZipFile(path, 'w') as z:
            z.writestr('config.json', '{}')
    else:
        with open(path, 'wb') as f:
            f.write(content)
    for load in (load_model, Sequential([Dense(2, input_shape=(3,))]).load_weights):
        with pytest.raises(OSError) as info:
            load(path)
        assert path in str(info.value) and says in str(info.value)


def _keras_like(path, model_config=None, layers=(('dense_1', (3, 2)),), extra=None):
    """A Keras 2 model file by hand; ``extra(f)`` may damage it."""
    with h5py.File(path, 'w') as f:
        f.attrs['keras_version'] = b'2.2.4'
        f.attrs['backend'] = b'tensorflow'
        if model_config is not None:
            f.attrs['model_config'] = model_config
        group = f.create_group('model_weights')
        group.attrs['layer_names'] = np.asarray([n.encode() for n, _ in layers])
        for name, shape in layers:
            g = group.create_group(name)
            names = ['%s/kernel:0' % name]
            g.attrs['weight_names'] = np.asarray([n.encode() for n in names])
            if shape is not None:
                g.create_dataset(names[0], shape=shape, dtype='float32')
        if extra is not None:
            extra(f)


DENSE_CONFIG = json.dumps({'class_name': 'Sequential', 'config': [
    {'class_name': 'Dense', 'config': {'name': 'dense_1', 'units': 2, 'use_bias': False,
                                       'batch_input_shape': [None, 3]}}]}).encode()


@pytest.mark.parametrize('model_config, layers, says', [
    (b'{"class_name": "Sequential", "config": [', (('dense_1', (3, 2)),),
     '`model_config` attribute is not valid JSON'),
    (b'\xff\xfe not utf8', (('dense_1', (3, 2)),), '`model_config` attribute is not valid'),
    (b'[1, 2, 3]', (('dense_1', (3, 2)),), 'Unable to load a model from'),
    (b'{"class_name": "Nonsense", "config": {}}', (('dense_1', (3, 2)),), 'Nonsense'),
    (DENSE_CONFIG, (('dense_1', None),), 'has no object'),
    (DENSE_CONFIG, (('dense_1', (3, 5)),), r'\(3, 5\)'),
])
def test_damaged_content(tmp_path, model_config, layers, says):
    path = str(tmp_path / 'bad.h5')
    _keras_like(path, model_config, layers)
    with pytest.raises(ValueError) as info:
        load_model(path)
    assert path in str(info.value)
    assert re.search(says, str(info.value)), str(info.value)


def test_impossible_dataset_size_is_refused_without_reading(tmp_path):
    """A damaged shape must not make the loader allocate terabytes."""
    path = str(tmp_path / 'huge.h5')
    _keras_like(path, DENSE_CONFIG, [('dense_1', (3, 2)), ('dense_2', (200000, 200000))])
    model = Sequential([Dense(2, input_shape=(3,), use_bias=False), Dense(4, use_bias=False)])
    before = model.get_weights()
    with pytest.raises(ValueError, match='more than the whole file') as info:
        model.load_weights(path)
    assert path in str(info.value)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_failed_load_weights_leaves_model_unchanged(tmp_path):
    """The first layer's arrays are fine, the second's group is missing."""
    path = str(tmp_path / 'half.h5')
    _keras_like(path, layers=[('dense_1', (3, 2)), ('dense_2', (2, 4))],
                extra=lambda f: f['model_weights'].__delitem__('dense_2'))
    model = Sequential([Dense(2, input_shape=(3,), use_bias=False), Dense(4, use_bias=False)])
    before = model.get_weights()
    with pytest.raises(ValueError, match='lists layer .dense_2. but has no group'):
        model.load_weights(path)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_errors_from_open_groups_and_streams_name_their_source(tmp_path):
    path = str(tmp_path / 'data.h5')
    _random_groups(path)
    model = Sequential([Dense(2, input_shape=(3,))])
    with h5py.File(path, 'r') as f:
        with pytest.raises(ValueError, match='group /images'):
            model.load_weights(f['images'])
    with open(path, 'rb') as stream:
        with pytest.raises(ValueError, match='data.h5'):
            load_model(stream)


def _free_space_header(data):
    """Byte offset of the first global heap's free-space object (index 0)."""
    start = data.index(b'GCOL\x01\x00\x00\x00')
    end = start + struct.unpack_from('<Q', data, start + 8)[0]
    pos = start + 16
    while pos + 16 <= end:
        index, _, _, length = struct.unpack_from('<HHIQ', data, pos)
        if index == 0:
            return pos
        pos += 16 + (length + 7) // 8 * 8
    raise AssertionError('no free space in the first heap')


def test_damaged_global_heap_is_refused_before_hdf5_reads_it(tmp_path):
    """A free-space object of size 0 in a global heap (where h5py 3 keeps
    variable-length strings) makes the HDF5 library loop forever when the
    attribute is read; it must be refused first."""
    _needs_fixtures()
    with open(os.path.join(FIXTURES, 'train_loss_mse.h5'), 'rb') as f:
        data = bytearray(f.read())
    pos = _free_space_header(bytes(data))
    data[pos + 8:pos + 16] = struct.pack('<Q', 0)
    path = str(tmp_path / 'heap.h5')
    with open(path, 'wb') as f:
        f.write(bytes(data))
    assert 'free space' in hdf5.hdf5_heap_problem(path)
    faulthandler.dump_traceback_later(120, exit=True)  # a hang fails loudly, not forever
    try:
        for load in (load_model, Sequential([Dense(2, input_shape=(3,))]).load_weights):
            with pytest.raises(OSError, match='damaged HDF5 file') as info:
                load(path)
            assert path in str(info.value)
        with pytest.raises(OSError, match='damaged HDF5 file'):
            load_model(io.BytesIO(bytes(data)))
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_heap_check_accepts_every_fixture(tmp_path):
    _needs_fixtures()
    names = [n for n in os.listdir(FIXTURES) if n.endswith('.h5')]
    assert names
    for name in names:
        assert hdf5.hdf5_heap_problem(os.path.join(FIXTURES, name)) is None, name
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile('adam', 'mse')
    model.train_on_batch(np.ones((2, 3)), np.ones((2, 2)))
    model.save(str(tmp_path / 'ours.h5'))
    assert hdf5.hdf5_heap_problem(str(tmp_path / 'ours.h5')) is None
