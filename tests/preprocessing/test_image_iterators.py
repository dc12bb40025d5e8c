"""Image iterators: arrays, folders, DataFrames; all are Sequences that feed training."""
import os
import pickle
import sys

import numpy as np
import pytest

pytest.importorskip('PIL')
from PIL import Image  # noqa: E402

from keras.preprocessing.image import (DataFrameIterator, DirectoryIterator,  # noqa: E402
                                       ImageDataGenerator, Iterator, NumpyArrayIterator)
from keras.utils.data_utils import Sequence  # noqa: E402


def make_tree(root, counts=(('cats', 3), ('dogs', 2)), size=(4, 6)):
    """Class folders of PNGs; pixel value = 40 * class + 10 * image number."""
    pixels = {}
    for label, (name, count) in enumerate(counts):
        os.makedirs(os.path.join(root, name))
        for k in range(count):
            value = 40 * label + 10 * k
            arr = np.full(size + (3,), value, dtype='uint8')
            arr[0, 0] = (1, 2, 3)
            rel = os.path.join(name, 'img%d.png' % k)
            Image.fromarray(arr).save(os.path.join(root, rel))
            pixels[rel] = arr
    return pixels


# --- NumpyArrayIterator --------------------------------------------------------

def test_flow_batches_weights_and_extra_inputs():
    x = np.random.rand(5, 3, 3, 1).astype('float32')
    y = np.arange(5)
    gen = ImageDataGenerator()
    it = gen.flow(x, y, batch_size=2, shuffle=False, sample_weight=np.arange(5) / 10.)
    assert isinstance(it, Sequence) and isinstance(it, Iterator) and len(it) == 3
    bx, by, bw = it[2]
    np.testing.assert_allclose(bx, x[4:])
    np.testing.assert_array_equal(by, [4])
    np.testing.assert_allclose(bw, [0.4])
    extra = np.arange(10).reshape(5, 2)
    inputs, targets = gen.flow((x, extra), y, batch_size=5, shuffle=False)[0]
    np.testing.assert_allclose(inputs[0], x)
    np.testing.assert_array_equal(inputs[1], extra)
    only_x = gen.flow(x, batch_size=5, shuffle=False)[0]
    np.testing.assert_allclose(only_x, x)
    with pytest.raises(ValueError, match='Asked to retrieve element 3'):
        it[3]


def test_flow_shuffle_seed_and_endless_iteration():
    x = np.arange(6, dtype='float32').reshape(6, 1, 1, 1)
    it = ImageDataGenerator().flow(x, np.arange(6), batch_size=4, shuffle=True, seed=3)
    first = [next(it)[1] for _ in range(3)]
    assert [len(b) for b in first] == [4, 2, 4]
    assert sorted(np.concatenate(first[:2])) == list(range(6))
    again = ImageDataGenerator().flow(x, np.arange(6), batch_size=4, shuffle=True, seed=3)
    np.testing.assert_array_equal(next(again)[1], first[0])
    before = it[0][1].copy()
    it.on_epoch_end()
    assert sorted(np.concatenate([it[0][1], it[1][1]])) == list(range(6))
    assert before.shape == (4,)


def test_flow_subset_and_checks():
    x = np.random.rand(10, 2, 2, 3)
    y = np.array([0, 1] * 5)
    gen = ImageDataGenerator(validation_split=0.2)
    val = gen.flow(x, y, batch_size=10, shuffle=False, subset='validation')
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset='training')
    assert val.n == 2 and train.n == 8
    np.testing.assert_allclose(val[0][0], x[:2].astype('float32'))
    with pytest.raises(ValueError, match='different number of classes'):
        gen.flow(x, np.sort(y), subset='training')
    with pytest.raises(ValueError, match='subset'):
        gen.flow(x, y, subset='test')
    with pytest.raises(ValueError, match='same length'):
        gen.flow(x, y[:3])
    with pytest.raises(ValueError, match='rank 4'):
        NumpyArrayIterator(x[0], None, gen)
    with pytest.warns(UserWarning, match='channels'):
        gen.flow(np.zeros((2, 3, 3, 5)))


def test_flow_save_to_dir(tmp_path):
    x = np.random.rand(3, 4, 4, 3)
    it = ImageDataGenerator().flow(x, batch_size=3, save_to_dir=str(tmp_path),
                                   save_prefix='aug', save_format='png')
    it[0]
    names = os.listdir(str(tmp_path))
    assert len(names) == 3 and all(n.startswith('aug_') and n.endswith('.png') for n in names)


def test_iterator_pickles():
    it = ImageDataGenerator().flow(np.zeros((4, 2, 2, 1)), np.arange(4), batch_size=2)
    clone = pickle.loads(pickle.dumps(it))
    assert len(clone) == 2 and next(clone)[0].shape == (2, 2, 2, 1)


# --- DirectoryIterator -----------------------------------------------------------

def test_flow_from_directory_labels_and_pixels(tmp_path, capsys):
    root = str(tmp_path)
    pixels = make_tree(root)
    gen = ImageDataGenerator(rescale=1. / 255)
    it = gen.flow_from_directory(root, target_size=(4, 6), batch_size=5, shuffle=False)
    assert 'Found 5 images belonging to 2 classes.' in capsys.readouterr().out
    assert isinstance(it, DirectoryIterator) and isinstance(it, Sequence)
    assert it.class_indices == {'cats': 0, 'dogs': 1}
    assert it.filenames == [os.path.join('cats', 'img%d.png' % k) for k in range(3)] + \
        [os.path.join('dogs', 'img%d.png' % k) for k in range(2)]
    np.testing.assert_array_equal(it.classes, [0, 0, 0, 1, 1])
    assert it.classes.dtype == np.int32 and it.samples == 5 and it.num_classes == 2
    assert it.filepaths[0] == os.path.join(root, 'cats', 'img0.png')
    bx, by = it[0]
    assert bx.shape == (5, 4, 6, 3) and bx.dtype == np.float32
    for i, name in enumerate(it.filenames):
        np.testing.assert_allclose(bx[i], pixels[name] / 255., rtol=1e-6)
    np.testing.assert_array_equal(by, np.eye(2)[[0, 0, 0, 1, 1]])


@pytest.mark.parametrize('mode,expected', [('binary', [0, 0, 0, 1, 1]),
                                           ('sparse', [0, 0, 0, 1, 1])])
def test_flow_from_directory_class_modes(tmp_path, mode, expected):
    make_tree(str(tmp_path))
    it = ImageDataGenerator().flow_from_directory(str(tmp_path), target_size=(4, 6),
                                                  class_mode=mode, shuffle=False)
    bx, by = it[0]
    np.testing.assert_array_equal(by, expected)
    assert by.dtype == np.float32


def test_flow_from_directory_other_options(tmp_path):
    make_tree(str(tmp_path))
    gen = ImageDataGenerator(data_format='channels_first')
    it = gen.flow_from_directory(str(tmp_path), target_size=(2, 3), color_mode='grayscale',
                                 class_mode=None, batch_size=2, shuffle=False)
    batch = it[0]
    assert isinstance(batch, np.ndarray) and batch.shape == (2, 1, 2, 3)
    auto = ImageDataGenerator().flow_from_directory(str(tmp_path), target_size=(4, 6),
                                                    class_mode='input', color_mode='rgba')
    bx, by = auto[0]
    np.testing.assert_array_equal(bx, by)
    assert bx.shape[-1] == 4
    only_dogs = ImageDataGenerator().flow_from_directory(str(tmp_path), classes=['dogs'],
                                                         target_size=(4, 6))
    assert only_dogs.samples == 2 and only_dogs.class_indices == {'dogs': 0}


def test_flow_from_directory_validation_split(tmp_path):
    make_tree(str(tmp_path), counts=(('a', 4), ('b', 4)))
    gen = ImageDataGenerator(validation_split=0.25)
    val = gen.flow_from_directory(str(tmp_path), target_size=(4, 6), subset='validation')
    train = gen.flow_from_directory(str(tmp_path), target_size=(4, 6), subset='training')
    # The first quarter of each (sorted) class folder is held out.
    assert val.filenames == [os.path.join('a', 'img0.png'), os.path.join('b', 'img0.png')]
    assert train.samples == 6
    with pytest.raises(ValueError, match='subset'):
        gen.flow_from_directory(str(tmp_path), subset='testing')


def test_flow_from_directory_errors(tmp_path):
    make_tree(str(tmp_path))
    with pytest.raises(ValueError, match='class_mode'):
        ImageDataGenerator().flow_from_directory(str(tmp_path), class_mode='raw')
    with pytest.raises(ValueError, match='color mode'):
        ImageDataGenerator().flow_from_directory(str(tmp_path), color_mode='cmyk')
    with pytest.raises(FileNotFoundError, match='subfolder'):
        ImageDataGenerator().flow_from_directory(str(tmp_path / 'missing'))


def test_flow_from_directory_trains_cnn_with_workers(tmp_path):
    from keras.layers import Conv2D, Dense, Flatten
    from keras.models import Sequential
    make_tree(str(tmp_path), counts=(('a', 4), ('b', 4)), size=(8, 8))
    gen = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True, rotation_range=5)
    it = gen.flow_from_directory(str(tmp_path), target_size=(8, 8), batch_size=4,
                                 class_mode='binary', seed=0)
    model = Sequential([Conv2D(2, 3, activation='relu', input_shape=(8, 8, 3)), Flatten(),
                        Dense(1, activation='sigmoid')])
    model.compile('sgd', 'binary_crossentropy')
    history = model.fit_generator(it, steps_per_epoch=len(it), epochs=2, workers=2,
                                  verbose=0)
    assert len(history.history['loss']) == 2
    assert np.all(np.isfinite(history.history['loss']))


# --- DataFrameIterator -------------------------------------------------------------

def test_flow_from_dataframe(tmp_path):
    pd = pytest.importorskip('pandas')
    pixels = make_tree(str(tmp_path))
    names = sorted(pixels)
    df = pd.DataFrame({'filename': names + ['missing.png'],
                       'class': [n.split(os.sep)[0] for n in names] + ['cats'],
                       'score': np.arange(6, dtype=float), 'w': np.ones(6)})
    gen = ImageDataGenerator()
    with pytest.warns(UserWarning, match='1 invalid image filename'):
        it = gen.flow_from_dataframe(df, str(tmp_path), target_size=(4, 6), shuffle=False,
                                     weight_col='w', batch_size=10)
    assert isinstance(it, DataFrameIterator) and it.samples == 5
    assert it.class_indices == {'cats': 0, 'dogs': 1}
    bx, by, bw = it[0]
    np.testing.assert_array_equal(by, np.eye(2)[[0, 0, 0, 1, 1]])
    np.testing.assert_allclose(bw, 1.)
    np.testing.assert_allclose(bx[3], pixels[names[3]])
    raw = gen.flow_from_dataframe(df.iloc[:5], str(tmp_path), y_col='score', class_mode='raw',
                                  target_size=(4, 6), shuffle=False)
    np.testing.assert_allclose(raw[0][1], np.arange(5.))
    multi = gen.flow_from_dataframe(df.iloc[:5], str(tmp_path), y_col=['score', 'w'],
                                    class_mode='multi_output', target_size=(4, 6),
                                    shuffle=False)
    assert [list(v) for v in multi[0][1]] == [list(np.arange(5.)), [1.] * 5]
    sparse = gen.flow_from_dataframe(df.iloc[:5], str(tmp_path), class_mode='sparse',
                                     classes=['dogs'], target_size=(4, 6), shuffle=False)
    assert sparse.samples == 2
    np.testing.assert_array_equal(sparse[0][1], [0, 0])


def test_flow_from_dataframe_multilabel_and_checks(tmp_path):
    pd = pytest.importorskip('pandas')
    make_tree(str(tmp_path))
    df = pd.DataFrame({'filename': [os.path.join(str(tmp_path), 'cats', 'img0.png')],
                       'class': [['x', 'y']]})
    it = ImageDataGenerator().flow_from_dataframe(df, target_size=(4, 6))
    np.testing.assert_array_equal(it[0][1], [[1, 1]])
    with pytest.raises(TypeError, match='y_col must be a list'):
        ImageDataGenerator().flow_from_dataframe(df, class_mode='multi_output')
    with pytest.raises(ValueError, match='2 classes'):
        ImageDataGenerator().flow_from_dataframe(df.assign(**{'class': ['x']}),
                                                 class_mode='binary')
    with pytest.warns(DeprecationWarning, match='has_ext'):
        ImageDataGenerator().flow_from_dataframe(df, has_ext=True, target_size=(4, 6))
    with pytest.raises(TypeError, match='Unrecognized'):
        ImageDataGenerator().flow_from_dataframe(df, bogus=1)


def test_flow_from_dataframe_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, 'pandas', None)
    with pytest.raises(ImportError, match='pandas'):
        ImageDataGenerator().flow_from_dataframe(object())
