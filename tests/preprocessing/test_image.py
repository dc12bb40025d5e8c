"""keras.preprocessing.image: conversions, files and ImageDataGenerator (Keras 2.3.1)."""
import io
import warnings

import numpy as np
import pytest

pytest.importorskip('PIL')
from PIL import Image  # noqa: E402

from keras.preprocessing import image  # noqa: E402
from keras.preprocessing.image import (ImageDataGenerator, array_to_img,  # noqa: E402
                                       img_to_array, list_pictures, load_img, save_img)


def write_png(path, array):
    Image.fromarray(np.asarray(array, dtype='uint8')).save(str(path))
    return str(path)


# --- conversions and files --------------------------------------------------

def test_array_to_img_scales_to_255():
    x = np.array([[[-1.], [0.]], [[1.], [3.]]])  # (2, 2, 1)
    img = array_to_img(x)
    assert img.mode == 'L' and img.size == (2, 2)
    expected = ((x[:, :, 0] + 1) / 4. * 255).astype('uint8')
    np.testing.assert_array_equal(np.asarray(img), expected)
    raw = array_to_img(np.full((2, 3, 3), 7.), scale=False)
    assert raw.mode == 'RGB' and raw.size == (3, 2)
    np.testing.assert_array_equal(np.asarray(raw), 7)
    assert array_to_img(np.zeros((4, 2, 2)), data_format='channels_first').mode == 'RGBA'


def test_array_to_img_errors():
    with pytest.raises(ValueError, match='rank 3'):
        array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match='channel number'):
        array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match='data_format'):
        array_to_img(np.zeros((2, 2, 3)), data_format='nchw')


def test_img_to_array_layouts():
    rgb = Image.fromarray(np.arange(24, dtype='uint8').reshape(2, 4, 3))
    x = img_to_array(rgb)
    assert x.shape == (2, 4, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x, np.arange(24).reshape(2, 4, 3))
    first = img_to_array(rgb, data_format='channels_first', dtype='float64')
    assert first.shape == (3, 2, 4) and first.dtype == np.float64
    gray = Image.fromarray(np.zeros((2, 4), dtype='uint8'))
    assert img_to_array(gray).shape == (2, 4, 1)
    assert img_to_array(gray, data_format='channels_first').shape == (1, 2, 4)
    with pytest.raises(ValueError, match='data_format'):
        img_to_array(gray, data_format='bad')


def test_load_img_modes_and_resize(tmp_path):
    pixels = np.arange(4 * 6 * 3, dtype='uint8').reshape(4, 6, 3)
    path = write_png(tmp_path / 'a.png', pixels)
    img = load_img(path)
    assert img.mode == 'RGB' and img.size == (6, 4)
    np.testing.assert_array_equal(img_to_array(img), pixels)
    assert load_img(path, color_mode='rgba').mode == 'RGBA'
    assert load_img(path, color_mode='grayscale').mode == 'L'
    with pytest.warns(UserWarning, match='grayscale is deprecated'):
        assert load_img(path, grayscale=True).mode == 'L'
    small = load_img(path, target_size=(2, 3))
    assert small.size == (3, 2)
    # Nearest resampling by 2 keeps every other pixel (odd positions in Pillow).
    np.testing.assert_array_equal(img_to_array(small), pixels[1::2, 1::2])
    assert load_img(path, target_size=(2, 3), interpolation='bilinear').size == (3, 2)
    with open(path, 'rb') as f:
        assert load_img(io.BytesIO(f.read())).size == (6, 4)
    with pytest.raises(ValueError, match='Invalid interpolation'):
        load_img(path, target_size=(2, 3), interpolation='cubic-ish')
    with pytest.raises(ValueError, match='color_mode'):
        load_img(path, color_mode='cmyk')


def test_save_img_round_trip(tmp_path):
    x = np.random.randint(0, 256, size=(3, 5, 3)).astype('float32')
    path = str(tmp_path / 'out.png')
    save_img(path, x, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(path)), x)
    buf = io.BytesIO()
    with pytest.warns(UserWarning, match='RGBA'):
        save_img(buf, np.zeros((2, 2, 4)), file_format='jpeg')
    assert buf.getvalue()[:2] == b'\xff\xd8'


def test_list_pictures(tmp_path):
    (tmp_path / 'sub').mkdir()
    write_png(tmp_path / 'a.png', np.zeros((2, 2)))
    write_png(tmp_path / 'sub' / 'b.PNG', np.zeros((2, 2)))
    (tmp_path / 'notes.txt').write_text('x')
    found = sorted(p.replace(str(tmp_path), '') for p in list_pictures(str(tmp_path)))
    assert found == ['/a.png', '/sub/b.PNG']
    assert list_pictures(str(tmp_path), ext='txt')[0].endswith('notes.txt')


# --- ImageDataGenerator ------------------------------------------------------

def test_constructor_checks_and_flags():
    with pytest.raises(ValueError, match='data_format'):
        ImageDataGenerator(data_format='nhwc')
    with pytest.raises(ValueError, match='validation_split'):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match='zoom_range'):
        ImageDataGenerator(zoom_range=(0.5, 1, 2))
    with pytest.raises(ValueError, match='brightness_range'):
        ImageDataGenerator(brightness_range=0.5)
    assert ImageDataGenerator(zoom_range=0.2).zoom_range == [0.8, 1.2]
    assert ImageDataGenerator(zoom_range=[0.5, 2]).zoom_range == [0.5, 2]
    with pytest.warns(UserWarning):
        gen = ImageDataGenerator(zca_whitening=True, featurewise_std_normalization=True)
    assert gen.featurewise_center and not gen.featurewise_std_normalization
    with pytest.warns(UserWarning):
        gen = ImageDataGenerator(samplewise_std_normalization=True)
    assert gen.samplewise_center
    assert ImageDataGenerator(data_format='channels_first').channel_axis == 1


def test_standardize_sample_and_rescale():
    gen = ImageDataGenerator(rescale=0.5, samplewise_center=True,
                             samplewise_std_normalization=True,
                             preprocessing_function=lambda v: v + 1)
    x = np.random.rand(4, 4, 3).astype('float32')
    y = (x + 1) * 0.5
    y = y - y.mean()
    y = y / (y.std() + 1e-6)
    np.testing.assert_allclose(gen.standardize(x.copy()), y, rtol=1e-5, atol=1e-6)
    ints = ImageDataGenerator(rescale=1. / 255).standardize(np.full((2, 2, 1), 255, 'uint8'))
    np.testing.assert_allclose(ints, 1.)


def test_fit_featurewise_statistics():
    x = np.random.rand(10, 3, 4, 3).astype('float32') * 10
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    with pytest.warns(UserWarning, match='fit'):
        gen.standardize(x[0].copy())
    gen.fit(x)
    mean = x.mean(axis=(0, 1, 2))
    std = (x - mean).std(axis=(0, 1, 2))
    np.testing.assert_allclose(gen.mean.reshape(-1), mean, rtol=1e-5)
    np.testing.assert_allclose(gen.std.reshape(-1), std, rtol=1e-5)
    assert gen.mean.shape == (1, 1, 3)
    out = gen.standardize(x[3].copy())
    np.testing.assert_allclose(out, (x[3] - mean) / (std + 1e-6), rtol=1e-4)
    first = ImageDataGenerator(featurewise_center=True, data_format='channels_first')
    first.fit(np.transpose(x, (0, 3, 1, 2)))
    assert first.mean.shape == (3, 1, 1)
    with pytest.raises(ValueError, match='rank 4'):
        gen.fit(x[0])


def test_fit_zca_whitening():
    rng = np.random.RandomState(0)
    x = rng.randn(200, 2, 2, 1).astype('float64')
    x[..., 0] += x[:, :1, :1, 0] * 2  # correlate the pixels
    with pytest.warns(UserWarning):
        gen = ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-8, dtype='float64')
    gen.fit(x)
    flat = (x - x.mean(axis=(0, 1, 2))).reshape(200, 4)
    sigma = flat.T.dot(flat) / 200
    s, u = np.linalg.eigh(sigma)
    expected = u.dot(np.diag(1. / np.sqrt(s + 1e-8))).dot(u.T)
    np.testing.assert_allclose(gen.principal_components, expected, rtol=1e-6, atol=1e-8)
    white = np.stack([gen.standardize(img.copy()) for img in x]).reshape(200, 4)
    np.testing.assert_allclose(white.T.dot(white) / 200, np.eye(4), atol=1e-6)


def test_get_random_transform_identity_and_ranges():
    gen = ImageDataGenerator()
    params = gen.get_random_transform((5, 5, 3), seed=1)
    assert params == {'theta': 0, 'tx': 0, 'ty': 0, 'shear': 0, 'zx': 1, 'zy': 1,
                      'flip_horizontal': 0, 'flip_vertical': 0,
                      'channel_shift_intensity': None, 'brightness': None}
    gen = ImageDataGenerator(rotation_range=10, height_shift_range=0.5, width_shift_range=[2],
                             shear_range=5, zoom_range=0.1, channel_shift_range=3,
                             brightness_range=(0.9, 1.1), horizontal_flip=True)
    for seed in range(10):
        p = gen.get_random_transform((4, 6, 3), seed=seed)
        assert abs(p['theta']) <= 10 and abs(p['shear']) <= 5
        assert abs(p['tx']) <= 2  # half of the 4 rows
        assert p['ty'] in (-2, 2)
        assert 0.9 <= p['zx'] <= 1.1 and 0.9 <= p['zy'] <= 1.1
        assert abs(p['channel_shift_intensity']) <= 3 and 0.9 <= p['brightness'] <= 1.1
    assert gen.get_random_transform((4, 6, 3), seed=3) == gen.get_random_transform(
        (4, 6, 3), seed=3)
    ints = ImageDataGenerator(height_shift_range=3)
    draws = {ints.get_random_transform((9, 9, 1), seed=s)['tx'] for s in range(40)}
    assert draws <= {-2, -1, 0, 1, 2}


def test_apply_transform_flips_and_shift():
    x = np.random.rand(3, 4, 3).astype('float32')
    gen = ImageDataGenerator()
    np.testing.assert_array_equal(gen.apply_transform(x, {'flip_horizontal': True}),
                                  x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {'flip_vertical': True}), x[::-1])
    shifted = gen.apply_transform(x, {'ty': 1})
    np.testing.assert_allclose(shifted[:, :3], x[:, 1:])
    first = ImageDataGenerator(data_format='channels_first')
    xf = np.transpose(x, (2, 0, 1))
    np.testing.assert_array_equal(first.apply_transform(xf, {'flip_horizontal': True}),
                                  xf[:, :, ::-1])
    bright = first.apply_transform(xf, {'brightness': 1.0})
    assert bright.shape == xf.shape
    np.testing.assert_allclose(bright.max(), 255., atol=1)


def test_random_transform_every_option():
    gen = ImageDataGenerator(rotation_range=20, width_shift_range=0.2, height_shift_range=0.2,
                             shear_range=10, zoom_range=0.2, channel_shift_range=0.1,
                             fill_mode='reflect', horizontal_flip=True, vertical_flip=True,
                             brightness_range=(0.8, 1.2))
    x = np.random.rand(8, 8, 3).astype('float32')
    a = gen.random_transform(x, seed=7)
    b = gen.random_transform(x, seed=7)
    assert a.shape == x.shape
    np.testing.assert_allclose(a, b)


def test_flow_and_augmented_fit():
    x = np.random.rand(6, 4, 4, 3).astype('float32')
    gen = ImageDataGenerator(featurewise_center=True, rotation_range=10)
    gen.fit(x, augment=True, rounds=2, seed=1)
    assert gen.mean.shape == (1, 1, 3)
    batches = ImageDataGenerator().flow(x, np.arange(6), batch_size=4, shuffle=False)
    bx, by = batches[0]
    np.testing.assert_allclose(bx, x[:4])
    np.testing.assert_array_equal(by, [0, 1, 2, 3])


def test_module_exports():
    for name in image.__all__:
        assert hasattr(image, name)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ImageDataGenerator()
