"""Geometric and colour transforms of single images (NumPy arrays).

Part of ``keras.preprocessing.image``; behaves as Keras 2.3.1 with
keras-preprocessing 1.1: the same transform matrices (including its choice of
centre, ``size / 2 + 0.5``) and, when SciPy is installed, the same
``scipy.ndimage.affine_transform`` call. SciPy is optional: without it, the
resampling is done here in NumPy following SciPy (1.6 and later) for
interpolation orders 0 and 1 and every boundary mode, so augmentation works,
with the same numbers, either way.
"""
import warnings

import numpy as np

from keras.preprocessing import image_io


def _scipy_ndimage():
    """``scipy.ndimage``, imported on first use (SciPy is optional and slow to
    import); None without SciPy.  Kept as the module attribute ``ndimage``."""
    if 'ndimage' not in globals():
        try:
            from scipy import ndimage
        except ImportError:
            ndimage = None
        globals()['ndimage'] = ndimage
    return globals()['ndimage']


def __getattr__(name):
    if name == 'ndimage':
        return _scipy_ndimage()
    raise AttributeError('module %r has no attribute %r' % (__name__, name))

__all__ = ['flip_axis', 'random_rotation', 'random_shift', 'random_shear', 'random_zoom',
           'apply_channel_shift', 'random_channel_shift', 'apply_brightness_shift',
           'random_brightness', 'transform_matrix_offset_center', 'apply_affine_transform']

FILL_MODES = ('constant', 'nearest', 'reflect', 'wrap', 'mirror', 'grid-wrap')
_warned_order = []


def flip_axis(x, axis):
    """``x`` reversed along ``axis``."""
    return np.flip(np.asarray(x), axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                    cval=0., interpolation_order=1):
    """Rotate an image by a random angle in ``[-rg, rg]`` degrees.

    Args:
        x: 3D image array.
        rg: rotation range in degrees.
        row_axis, col_axis, channel_axis: axes of ``x`` (default channels
            first).
        fill_mode: ``'constant'``, ``'nearest'``, ``'reflect'`` or ``'wrap'``
            (points outside the input).
        cval: value outside the input for ``'constant'``.
        interpolation_order: 0 (nearest) or 1 (bilinear); higher orders need
            SciPy.
    """
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                 cval=0., interpolation_order=1):
    """Shift an image by random fractions of its width (``wrg``) and height (``hrg``).

    Other arguments as in ``random_rotation``.
    """
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0,
                 fill_mode='nearest', cval=0., interpolation_order=1):
    """Shear an image by a random angle in ``[-intensity, intensity]`` degrees.

    Other arguments as in ``random_rotation``.
    """
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0,
                fill_mode='nearest', cval=0., interpolation_order=1):
    """Zoom an image by random factors drawn from ``zoom_range`` (two floats).

    Factors above 1 shrink the content (they scale the sampling grid).
    Other arguments as in ``random_rotation``.

    Raises:
        ValueError: if ``zoom_range`` is not two numbers.
    """
    if len(zoom_range) != 2:
        raise ValueError('`zoom_range` should be a tuple or list of two floats. '
                         'Received: %s' % (zoom_range,))
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel, clipped to the image's own min and max."""
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x)).astype(x.dtype, copy=False)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """``apply_channel_shift`` with an intensity drawn in ``[-range, range]``."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Change the brightness with Pillow's ``ImageEnhance.Brightness``.

    As in Keras, the channels-last image goes through ``array_to_img`` (so it
    is first stretched to ``[0, 255]`` when ``scale``) and comes back as a
    float array in ``[0, 255]``.

    Args:
        x: 3D channels-last image array.
        brightness: factor (1 keeps the image, 0 makes it black).
        scale: passed to ``array_to_img``.

    Raises:
        ImportError: if Pillow is not installed.
    """
    if image_io.ImageEnhance is None:
        raise ImportError('Using brightness shifts requires PIL. Install PIL or Pillow.')
    img = image_io.array_to_img(x, data_format='channels_last', scale=scale)
    img = image_io.ImageEnhance.Brightness(img).enhance(brightness)
    return image_io.img_to_array(img, data_format='channels_last')


def random_brightness(x, brightness_range):
    """``apply_brightness_shift`` with a factor drawn from ``brightness_range``.

    Raises:
        ValueError: if ``brightness_range`` is not two numbers.
    """
    if len(brightness_range) != 2:
        raise ValueError('`brightness_range should be tuple or list of two floats. '
                         'Received: %s' % (brightness_range,))
    return apply_brightness_shift(x, np.random.uniform(brightness_range[0],
                                                       brightness_range[1]))


def transform_matrix_offset_center(matrix, x, y):
    """Move a 3x3 homogeneous transform so that it acts about the image centre.

    The centre is taken at ``(x / 2 + 0.5, y / 2 + 0.5)``, as Keras does.
    """
    o_x = float(x) / 2 + 0.5
    o_y = float(y) / 2 + 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset_matrix.dot(matrix).dot(reset_matrix)


def _compose(theta, tx, ty, shear, zx, zy):
    """The (output -> input) 3x3 matrix for the given parameters, or None."""
    parts = []
    if theta != 0:
        t = np.deg2rad(theta)
        parts.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                               [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not parts:
        return None
    matrix = parts[0]
    for part in parts[1:]:
        matrix = matrix.dot(part)
    return matrix


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=0,
                           col_axis=1, channel_axis=2, fill_mode='nearest', cval=0., order=1):
    """Rotate, shift, shear and zoom one image (about its centre).

    Each output pixel ``o`` (row, col) takes the input value at
    ``M[:2, :2] @ o + M[:2, 2]``, where ``M`` composes rotation, shift, shear
    and zoom in that order and is centred by
    ``transform_matrix_offset_center``.

    Args:
        x: 3D image array.
        theta: rotation angle in degrees.
        tx: shift along the rows (height), in pixels.
        ty: shift along the columns (width), in pixels.
        shear: shear angle in degrees.
        zx, zy: zoom factors along rows and columns.
        row_axis, col_axis, channel_axis: axes of ``x``.
        fill_mode: ``'constant'``, ``'nearest'``, ``'reflect'``, ``'wrap'``
            (SciPy's meanings; ``'mirror'`` and ``'grid-wrap'`` too).
        cval: value outside the input for ``'constant'``.
        order: interpolation order (0 nearest, 1 bilinear; 2-5 only with
            SciPy, bilinear otherwise, with a warning).

    Returns:
        The transformed image (``x`` itself when there is nothing to do).

    Raises:
        ValueError: for an unknown ``fill_mode``.
    """
    if fill_mode not in FILL_MODES:
        raise ValueError('Invalid fill_mode: %r; expected one of %s.'
                         % (fill_mode, ', '.join(FILL_MODES)))
    matrix = _compose(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    h, w = x.shape[row_axis], x.shape[col_axis]
    matrix = transform_matrix_offset_center(matrix, h, w)
    # Channels first, then rows and columns, whatever the input layout.
    channels = np.moveaxis(x, (channel_axis, row_axis, col_axis), (0, 1, 2))
    ndimage = _scipy_ndimage()
    if ndimage is not None:
        out = np.stack([ndimage.affine_transform(c, matrix[:2, :2], matrix[:2, 2],
                                                 order=order, mode=fill_mode, cval=cval)
                        for c in channels])
    else:
        out = affine_resample(channels, matrix[:2, :2], matrix[:2, 2], order, fill_mode,
                              cval)
    return np.moveaxis(out, (0, 1, 2), (channel_axis, row_axis, col_axis))


# --- NumPy resampling (used when SciPy is missing) --------------------------

def _map_outside(c, n, mode):
    """Map coordinates outside ``[0, n - 1]`` inside, as ``scipy.ndimage`` does.

    Returns the mapped coordinates and a mask of points that take ``cval``.
    """
    c = np.array(c, dtype=np.float64)
    outside = np.zeros(c.shape, dtype=bool)
    lo, hi = c < 0, c > n - 1
    if mode == 'constant':
        outside = lo | hi
        c[outside] = 0
    elif n <= 1:
        c[lo | hi] = 0
    elif mode == 'nearest':
        c = np.clip(c, 0, n - 1)
    elif mode == 'mirror':
        p = 2 * n - 2
        v = c[lo]
        v = p * np.trunc(-v / p) + v
        c[lo] = np.where(v <= 1 - n, v + p, -v)
        v = c[hi]
        v = v - p * np.trunc(v / p)
        c[hi] = np.where(v >= n, p - v, v)
    elif mode == 'reflect':
        p = 2 * n
        v = c[lo]
        v = np.where(v < -p, p * np.trunc(-v / p) + v, v)
        c[lo] = np.where(v < -n, v + p, np.where(v > -1e-15, 1e-15, -v) - 1)
        v = c[hi]
        v = v - p * np.trunc(v / p)
        c[hi] = np.where(v >= n, p - v - 1, v)
    elif mode == 'wrap':
        p = n - 1
        c[lo] = c[lo] + p * (np.trunc(-c[lo] / p) + 1)
        c[hi] = c[hi] - p * np.trunc(c[hi] / p)
    else:  # 'grid-wrap': period n
        c[lo] = c[lo] + n * (np.trunc((-1 - c[lo]) / n) + 1)
        c[hi] = c[hi] - n * np.trunc(c[hi] / n)
    return c, outside


def _extend_index(i, n, mode):
    """Integer sample positions outside ``[0, n - 1]`` brought inside.

    As in SciPy (1.6 and later): half-sample symmetry for ``'reflect'``,
    periodic for ``'grid-wrap'``, whole-sample mirror otherwise.
    """
    if n <= 1:
        return np.zeros_like(i)
    if mode == 'reflect':
        i = i % (2 * n)
        return np.where(i >= n, 2 * n - 1 - i, i)
    if mode == 'grid-wrap':
        return i % n
    p = 2 * n - 2
    i = np.where(i < 0, p * (-i // p) + i, i)
    i = np.where(i < 0, np.where(i <= 1 - n, i + p, -i), i)
    i = np.where(i >= n, i - p * (i // p), i)
    return np.where(i >= n, p - i, i)


def _taps(c, n, order, mode):
    """Sample indices and weights along one axis, plus the ``cval`` mask."""
    c, outside = _map_outside(c, n, mode)
    if order == 0:
        start = np.floor(c + 0.5).astype(np.int64)
        return [_extend_index(start, n, mode)], [np.ones_like(c)], outside
    start = np.floor(c).astype(np.int64)
    frac = c - start
    return ([_extend_index(start, n, mode), _extend_index(start + 1, n, mode)],
            [1. - frac, frac], outside)


def affine_resample(channels, matrix, offset, order=1, mode='nearest', cval=0.):
    """NumPy stand-in for ``scipy.ndimage.affine_transform`` on each channel.

    Args:
        channels: array ``(channels, rows, cols)``.
        matrix: 2x2 matrix mapping output (row, col) to input coordinates.
        offset: the 2 offsets added after ``matrix``.
        order: 0 (nearest) or 1 (bilinear); higher orders fall back to 1.
        mode: boundary mode, as in SciPy.
        cval: value for ``'constant'`` outside the input.

    Returns:
        The resampled array, same shape and dtype as ``channels``.
    """
    if order > 1:
        if not _warned_order:
            _warned_order.append(True)
            warnings.warn('Interpolation order %d needs SciPy; using bilinear '
                          'interpolation (order 1). Install scipy for higher orders.'
                          % order)
        order = 1
    channels = np.asarray(channels)
    _, h, w = channels.shape
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                             indexing='ij')
    src_r = matrix[0, 0] * rows + matrix[0, 1] * cols + offset[0]
    src_c = matrix[1, 0] * rows + matrix[1, 1] * cols + offset[1]
    idx_r, wt_r, out_r = _taps(src_r, h, order, mode)
    idx_c, wt_c, out_c = _taps(src_c, w, order, mode)
    result = np.zeros(channels.shape, dtype=np.float64)
    for ir, wr in zip(idx_r, wt_r):
        for ic, wc in zip(idx_c, wt_c):
            result += channels[:, ir, ic] * (wr * wc)
    result[:, out_r | out_c] = cval
    if np.issubdtype(channels.dtype, np.integer):
        info = np.iinfo(channels.dtype)
        # Round half away from zero, as SciPy does for integer output.
        result = np.where(result > 0, np.floor(result + 0.5), np.ceil(result - 0.5))
        result = np.clip(result, info.min, info.max)
    return result.astype(channels.dtype)
