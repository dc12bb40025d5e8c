"""Per-image transforms: Keras's matrices, SciPy's resampling rules, worked by hand."""
import numpy as np
import pytest

from keras.preprocessing import image_transforms as tr


@pytest.fixture(params=['numpy', 'scipy'])
def backend(request, monkeypatch):
    """Run a test with the NumPy resampler, and with SciPy when it is installed."""
    if request.param == 'numpy':
        monkeypatch.setattr(tr, 'ndimage', None)
    elif tr.ndimage is None:
        pytest.skip('scipy is not installed')
    return request.param


def ramp(h, w, along='cols'):
    """A (h, w, 1) float image whose value is its column (or row) number."""
    rows, cols = np.mgrid[0:h, 0:w].astype('float32')
    return (cols if along == 'cols' else rows)[:, :, None]


def test_transform_matrix_offset_center():
    m = tr.transform_matrix_offset_center(np.eye(3) * [2, 2, 1], 4, 6)
    # Centre (4/2 + .5, 6/2 + .5) = (2.5, 3.5): x -> 2 (x - c) + c.
    np.testing.assert_allclose(m, [[2, 0, -2.5], [0, 2, -3.5], [0, 0, 1]])


def test_identity_returns_input():
    x = np.random.rand(3, 4, 2)
    assert tr.apply_affine_transform(x) is x


@pytest.mark.parametrize('mode,cols', [
    # Input column for output column c is c - 2; SciPy's boundary rules then give:
    ('nearest', [0, 0, 0, 1, 2]),
    ('reflect', [1, 0, 0, 1, 2]),   # d c b a | a b c d
    ('mirror', [2, 1, 0, 1, 2]),    # d c b | a b c d
    ('wrap', [2, 3, 0, 1, 2]),      # SciPy's 'wrap': period n - 1
    ('grid-wrap', [3, 4, 0, 1, 2]),  # period n
])
def test_shift_boundary_modes(backend, mode, cols):
    x = ramp(3, 5)
    out = tr.apply_affine_transform(x, ty=-2, fill_mode=mode)
    np.testing.assert_allclose(out[:, :, 0], np.tile(cols, (3, 1)), atol=1e-5)


def test_shift_constant_rows(backend):
    x = ramp(4, 3, along='rows')
    out = tr.apply_affine_transform(x, tx=1, fill_mode='constant', cval=-7.)
    # Output row r reads input row r + 1; the last row falls outside.
    np.testing.assert_allclose(out[:, 0, 0], [1, 2, 3, -7])
    assert out.dtype == np.float32


def test_rotation_180_about_keras_centre(backend):
    n = 5
    x = np.random.rand(n, n, 1)
    out = tr.apply_affine_transform(x, theta=180, fill_mode='nearest', order=0)
    # Centre c = n/2 + .5, so input = 2c - output = n + 1 - output (clamped).
    idx = np.clip(n + 1 - np.arange(n), 0, n - 1)
    np.testing.assert_allclose(out[:, :, 0], x[idx][:, idx, 0])


def test_zoom_bilinear(backend):
    x = ramp(2, 6)
    out = tr.apply_affine_transform(x, zy=2, fill_mode='nearest')
    # Input column = 2 (c - 3.5) + 3.5; bilinear reproduces the ramp, clamped.
    expected = np.clip(2 * np.arange(6) - 3.5, 0, 5)
    np.testing.assert_allclose(out[0, :, 0], expected, atol=1e-5)


def test_shear_rows(backend):
    n = 6
    x = ramp(n, n, along='rows')
    out = tr.apply_affine_transform(x, shear=20, fill_mode='nearest')
    s = np.deg2rad(20)
    cols = np.arange(n)
    expected = np.clip(np.arange(n)[:, None] - np.sin(s) * (cols[None, :] - 3.5), 0, n - 1)
    np.testing.assert_allclose(out[:, :, 0], expected, atol=1e-5)


def test_channels_first_layout(backend):
    x = np.random.rand(2, 4, 5)
    out = tr.apply_affine_transform(x, ty=1, row_axis=1, col_axis=2, channel_axis=0,
                                    fill_mode='nearest')
    np.testing.assert_allclose(out[:, :, :4], x[:, :, 1:])
    np.testing.assert_allclose(out[:, :, 4], x[:, :, 4])


def test_nearest_order_zero_rounds(backend):
    x = ramp(1, 4)
    out = tr.apply_affine_transform(x, ty=0.6, fill_mode='nearest', order=0)
    np.testing.assert_allclose(out[0, :, 0], [1, 2, 3, 3])


def test_numpy_resampler_integer_input_and_high_order():
    x = (np.arange(12).reshape(1, 3, 4) * 10).astype('uint8')
    out = tr.affine_resample(x, np.eye(2), [0, 0.5], order=1, mode='nearest')
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out[0, 0], [5, 15, 25, 30])
    with pytest.warns(UserWarning, match='SciPy'):
        tr._warned_order.clear()
        tr.affine_resample(x.astype('float32'), np.eye(2), [0, 0], order=3)


def test_bad_fill_mode():
    with pytest.raises(ValueError, match='fill_mode'):
        tr.apply_affine_transform(np.zeros((2, 2, 1)), theta=10, fill_mode='edge')


def test_random_transforms_keep_shape_and_follow_seed(backend):
    x = np.random.rand(3, 8, 8)
    for fn, arg in [(tr.random_rotation, 30), (tr.random_shear, 10)]:
        np.random.seed(5)
        a = fn(x, arg)
        np.random.seed(5)
        b = fn(x, arg)
        assert a.shape == x.shape
        np.testing.assert_allclose(a, b)
    np.random.seed(2)
    shifted = tr.random_shift(x, 0.25, 0.)
    np.random.seed(2)
    np.random.uniform(0, 0)
    ty = np.random.uniform(-0.25, 0.25) * 8
    np.testing.assert_allclose(shifted, tr.apply_affine_transform(
        x, ty=ty, row_axis=1, col_axis=2, channel_axis=0))
    assert tr.random_zoom(x, (1, 1)) is x
    with pytest.raises(ValueError, match='zoom_range'):
        tr.random_zoom(x, (0.5,))


def test_channel_shift_and_flip():
    x = np.array([[[0., 10.], [5., 2.]]])  # (1, 2, 2)
    np.testing.assert_allclose(tr.apply_channel_shift(x, 4.), np.clip(x + 4, 0, 10))
    np.testing.assert_allclose(tr.apply_channel_shift(x, -3.), np.clip(x - 3, 0, 10))
    np.random.seed(0)
    out = tr.random_channel_shift(x, 2.)
    assert out.shape == x.shape
    np.testing.assert_array_equal(tr.flip_axis(x, 2), x[:, :, ::-1])


def test_brightness():
    x = np.array([[[10., 20., 30.]], [[40., 50., 60.]]])  # (2, 1, 3) channels last
    scaled = (x / 60. * 255).astype('uint8').astype('float32')
    np.testing.assert_allclose(tr.apply_brightness_shift(x, 1.), scaled)
    dark = tr.apply_brightness_shift(x, 0.)
    np.testing.assert_array_equal(dark, np.zeros_like(x))
    np.random.seed(1)
    assert tr.random_brightness(x, (0.5, 1.5)).shape == x.shape
    with pytest.raises(ValueError, match='brightness_range'):
        tr.random_brightness(x, (0.5,))
