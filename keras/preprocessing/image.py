"""Image preprocessing and real-time augmentation: ``ImageDataGenerator`` and friends.

Behaves as Keras 2.3.1 with keras-preprocessing 1.1. Pillow is needed to
read and write image files; SciPy is optional (geometric transforms fall back
to NumPy resampling); pandas is needed only for ``flow_from_dataframe``.
The helpers live in ``image_io`` (files and conversions), ``image_transforms``
(per-image transforms), ``image_iterators`` and ``image_dataframe`` (batch
iterators); this module gathers them under Keras's public names.
"""
import warnings

import numpy as np

from keras.preprocessing.image_dataframe import DataFrameIterator
from keras.preprocessing.image_io import (array_to_img, default_data_format, default_dtype,
                                          img_to_array, list_pictures, load_img, save_img,
                                          validate_filename)
from keras.preprocessing.image_iterators import (BatchFromFilesMixin, DirectoryIterator,
                                                 Iterator, NumpyArrayIterator)
from keras.preprocessing.image_transforms import (apply_affine_transform,
                                                  apply_brightness_shift,
                                                  apply_channel_shift, flip_axis,
                                                  random_brightness, random_channel_shift,
                                                  random_rotation, random_shear,
                                                  random_shift, random_zoom,
                                                  transform_matrix_offset_center)

__all__ = ['ImageDataGenerator', 'Iterator', 'NumpyArrayIterator', 'DirectoryIterator',
           'DataFrameIterator', 'BatchFromFilesMixin', 'load_img', 'save_img',
           'img_to_array', 'array_to_img', 'list_pictures', 'validate_filename',
           'random_rotation', 'random_shift', 'random_shear', 'random_zoom',
           'apply_channel_shift', 'random_channel_shift', 'apply_brightness_shift',
           'random_brightness', 'apply_affine_transform', 'flip_axis',
           'transform_matrix_offset_center']

_STD_FUZZ = 1e-6
_DEPRECATED_DATAFRAME_ARGS = {
    'has_ext': 'has_ext is deprecated, filenames in the dataframe have to match the '
               'exact filenames in disk.',
    'sort': 'sort is deprecated, batches will be created in the same order than the '
            'filenames provided if shuffle is set to False.',
    'drop_duplicates': 'drop_duplicates is deprecated, you can drop duplicates by using '
                       'the pandas.DataFrame.drop_duplicates method.',
}


def _not_fitted(option):
    warnings.warn("This ImageDataGenerator specifies `%s`, but it hasn't been fit on any "
                  'training data. Fit it first by calling `.fit(numpy_data)`.' % option)


def _draw_shift(shift_range, size):
    """A shift in pixels: uniform for a float range, else a signed choice."""
    try:  # An int or a list: pick one of its values, with a random sign.
        shift = np.random.choice(shift_range)
        shift *= np.random.choice([-1, 1])
    except ValueError:  # A float: uniform in [-range, range].
        shift = np.random.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        shift *= size
    return shift


class ImageDataGenerator(object):
    """Generates batches of images with real-time augmentation and normalization.

    Args:
        featurewise_center: subtract the per-channel dataset mean (from ``fit``).
        samplewise_center: subtract each image's mean.
        featurewise_std_normalization: divide by the per-channel dataset std.
        samplewise_std_normalization: divide each image by its std.
        zca_whitening: apply ZCA whitening (computed by ``fit``).
        zca_epsilon: epsilon added to the eigenvalues for ZCA.
        rotation_range: random rotation range in degrees.
        width_shift_range: float (fraction of the width if < 1, else pixels),
            int (pixel shifts in ``(-n, n)``) or list of allowed pixel shifts.
        height_shift_range: the same for the height.
        brightness_range: two floats: range of the brightness factor.
        shear_range: shear angle range in degrees.
        zoom_range: float ``z`` for ``[1 - z, 1 + z]``, or ``[lower, upper]``.
        channel_shift_range: range of random channel shifts.
        fill_mode: ``'constant'``, ``'nearest'``, ``'reflect'`` or ``'wrap'``.
        cval: fill value for ``'constant'``.
        horizontal_flip: randomly flip columns.
        vertical_flip: randomly flip rows.
        rescale: factor multiplied in first (after ``preprocessing_function``).
        preprocessing_function: function applied to each image (rank 3) after
            augmentation, before the rest of ``standardize``.
        data_format: ``'channels_last'`` (Keras 2.3.1's default) or
            ``'channels_first'``; None means the backend's setting.
        validation_split: fraction kept for ``subset='validation'``.
        interpolation_order: spline order for the geometric transforms.
        dtype: dtype of the produced arrays.

    Example:
        >>> datagen = ImageDataGenerator(rotation_range=20, horizontal_flip=True)
        >>> datagen.fit(x_train)
        >>> model.fit_generator(datagen.flow(x_train, y_train, batch_size=32),
        ...                     steps_per_epoch=len(x_train) / 32, epochs=10)
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0., height_shift_range=0., brightness_range=None,
                 shear_range=0., zoom_range=0., channel_shift_range=0., fill_mode='nearest',
                 cval=0., horizontal_flip=False, vertical_flip=False, rescale=None,
                 preprocessing_function=None, data_format='channels_last',
                 validation_split=0.0, interpolation_order=1, dtype='float32'):
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = default_dtype(dtype)
        self.interpolation_order = interpolation_order
        self._set_data_format(default_data_format(data_format))
        if validation_split and not 0 < validation_split < 1:
            raise ValueError('`validation_split` must be strictly between 0 and 1. '
                             ' Received: %s' % validation_split)
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.principal_components = None
        self.zoom_range = self._zoom_bounds(zoom_range)
        self._resolve_normalization()
        if brightness_range is not None and (
                not isinstance(brightness_range, (tuple, list)) or len(brightness_range) != 2):
            raise ValueError('`brightness_range should be tuple or list of two floats. '
                             'Received: %s' % (brightness_range,))
        self.brightness_range = brightness_range

    def _set_data_format(self, data_format):
        if data_format not in ('channels_last', 'channels_first'):
            raise ValueError('`data_format` should be `"channels_last"` (channel after row '
                             'and column) or `"channels_first"` (channel before row and '
                             'column). Received: %s' % (data_format,))
        self.data_format = data_format
        if data_format == 'channels_first':
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2

    @staticmethod
    def _zoom_bounds(zoom_range):
        if np.isscalar(zoom_range):
            return [1 - zoom_range, 1 + zoom_range]
        if len(zoom_range) == 2:
            return [zoom_range[0], zoom_range[1]]
        raise ValueError('`zoom_range` should be a float or a tuple or list of two floats. '
                         'Received: %s' % (zoom_range,))

    def _resolve_normalization(self):
        """Turn on the centering each normalization needs, warning as Keras does."""
        if self.zca_whitening:
            if not self.featurewise_center:
                self.featurewise_center = True
                warnings.warn('This ImageDataGenerator specifies `zca_whitening`, which '
                              'overrides setting of `featurewise_center`.')
            if self.featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn('This ImageDataGenerator specifies `zca_whitening` which '
                              'overrides setting of`featurewise_std_normalization`.')
        if self.featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn('This ImageDataGenerator specifies '
                          '`featurewise_std_normalization`, which overrides setting of '
                          '`featurewise_center`.')
        if self.samplewise_std_normalization and not self.samplewise_center:
            self.samplewise_center = True
            warnings.warn('This ImageDataGenerator specifies '
                          '`samplewise_std_normalization`, which overrides setting of '
                          '`samplewise_center`.')

    # --- iterators ------------------------------------------------------------

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix='', save_format='png', subset=None):
        """Batches of augmented data from arrays (see ``NumpyArrayIterator``).

        Returns:
            A ``NumpyArrayIterator`` giving ``x``, ``(x, y)`` or
            ``(x, y, sample_weight)`` batches.
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode='rgb',
                            classes=None, class_mode='categorical', batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix='',
                            save_format='png', follow_links=False, subset=None,
                            interpolation='nearest'):
        """Batches of augmented images from a folder of class subfolders.

        See ``DirectoryIterator`` for the arguments.

        Returns:
            A ``DirectoryIterator`` giving ``(x, y)`` batches (``x`` only when
            ``class_mode`` is None).
        """
        return DirectoryIterator(directory, self, target_size=target_size,
                                 color_mode=color_mode, classes=classes,
                                 class_mode=class_mode, data_format=self.data_format,
                                 batch_size=batch_size, shuffle=shuffle, seed=seed,
                                 save_to_dir=save_to_dir, save_prefix=save_prefix,
                                 save_format=save_format, follow_links=follow_links,
                                 subset=subset, interpolation=interpolation,
                                 dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col='filename', y_col='class',
                            weight_col=None, target_size=(256, 256), color_mode='rgb',
                            classes=None, class_mode='categorical', batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix='',
                            save_format='png', subset=None, interpolation='nearest',
                            validate_filenames=True, **kwargs):
        """Batches of augmented images listed in a pandas DataFrame.

        See ``DataFrameIterator`` for the arguments. The Keras 2.2 arguments
        ``has_ext``, ``sort`` and ``drop_duplicates`` are ignored with a
        warning; ``class_mode='other'`` means ``'raw'``.

        Raises:
            ImportError: if pandas is not installed.
        """
        for name, message in _DEPRECATED_DATAFRAME_ARGS.items():
            if kwargs.pop(name, None) is not None:
                warnings.warn(message, DeprecationWarning)
        if kwargs:
            raise TypeError('Unrecognized keyword arguments: ' + str(kwargs))
        if class_mode == 'other':
            warnings.warn('`class_mode` "other" is deprecated, please use `class_mode` '
                          '"raw".', DeprecationWarning)
            class_mode = 'raw'
        return DataFrameIterator(dataframe, directory, self, x_col=x_col, y_col=y_col,
                                 weight_col=weight_col, target_size=target_size,
                                 color_mode=color_mode, classes=classes,
                                 class_mode=class_mode, data_format=self.data_format,
                                 batch_size=batch_size, shuffle=shuffle, seed=seed,
                                 save_to_dir=save_to_dir, save_prefix=save_prefix,
                                 save_format=save_format, subset=subset,
                                 interpolation=interpolation,
                                 validate_filenames=validate_filenames, dtype=self.dtype)

    # --- per-image work -------------------------------------------------------

    def standardize(self, x):
        """Apply ``preprocessing_function``, ``rescale`` and the normalizations.

        Float arrays are changed in place (as in Keras); pass a copy to keep
        the original.

        Args:
            x: one image or a batch of images.

        Returns:
            The standardized array.
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if not np.issubdtype(np.asarray(x).dtype, np.floating):
            x = np.asarray(x, dtype=self.dtype)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= (np.std(x, keepdims=True) + _STD_FUZZ)
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                _not_fitted('featurewise_center')
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= (self.std + _STD_FUZZ)
            else:
                _not_fitted('featurewise_std_normalization')
        if self.zca_whitening:
            if self.principal_components is not None:
                flat = np.reshape(x, (-1, np.prod(x.shape[-3:])))
                x = np.reshape(flat.dot(self.principal_components), x.shape)
            else:
                _not_fitted('zca_whitening')
        return x

    def get_random_transform(self, img_shape, seed=None):
        """Draw the parameters of a random transform for an image of ``img_shape``.

        The random draws happen in Keras's order, so seeded runs match.

        Returns:
            A dict with ``'theta'``, ``'tx'``, ``'ty'``, ``'shear'``, ``'zx'``,
            ``'zy'``, ``'flip_horizontal'``, ``'flip_vertical'``,
            ``'channel_shift_intensity'`` and ``'brightness'``.
        """
        if seed is not None:
            np.random.seed(seed)
        theta = (np.random.uniform(-self.rotation_range, self.rotation_range)
                 if self.rotation_range else 0)
        tx = (_draw_shift(self.height_shift_range, img_shape[self.row_axis - 1])
              if self.height_shift_range else 0)
        ty = (_draw_shift(self.width_shift_range, img_shape[self.col_axis - 1])
              if self.width_shift_range else 0)
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {'theta': theta, 'tx': tx, 'ty': ty, 'shear': shear, 'zx': zx, 'zy': zy,
                'flip_horizontal': flip_horizontal, 'flip_vertical': flip_vertical,
                'channel_shift_intensity': channel_shift_intensity,
                'brightness': brightness}

    def apply_transform(self, x, transform_parameters):
        """Apply the transform described by ``transform_parameters`` to one image.

        Args:
            x: a 3D image.
            transform_parameters: a dict as returned by
                ``get_random_transform`` (missing keys mean "no change").

        Returns:
            The transformed image.
        """
        params = transform_parameters
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        channel_axis = self.channel_axis - 1
        x = apply_affine_transform(x, params.get('theta', 0), params.get('tx', 0),
                                   params.get('ty', 0), params.get('shear', 0),
                                   params.get('zx', 1), params.get('zy', 1),
                                   row_axis=row_axis, col_axis=col_axis,
                                   channel_axis=channel_axis, fill_mode=self.fill_mode,
                                   cval=self.cval, order=self.interpolation_order)
        if params.get('channel_shift_intensity') is not None:
            x = apply_channel_shift(x, params['channel_shift_intensity'], channel_axis)
        if params.get('flip_horizontal', False):
            x = flip_axis(x, col_axis)
        if params.get('flip_vertical', False):
            x = flip_axis(x, row_axis)
        if params.get('brightness') is not None:
            x = np.moveaxis(x, channel_axis, -1)
            x = apply_brightness_shift(x, params['brightness'])
            x = np.moveaxis(x, -1, channel_axis)
        return x

    def random_transform(self, x, seed=None):
        """One random augmentation of the 3D image ``x``."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the dataset statistics the featurewise options and ZCA need.

        Args:
            x: rank-4 array of sample images.
            augment: whether to fit on randomly augmented copies.
            rounds: number of augmented copies of each image (with ``augment``).
            seed: random seed.

        Raises:
            ValueError: if ``x`` is not of rank 4.
        """
        x = np.array(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError('Input to `.fit()` should have rank 4. Got array with shape: '
                             + str(x.shape))
        if x.shape[self.channel_axis] not in {1, 3, 4}:
            warnings.warn('Expected input to be images (as Numpy array) following the data '
                          'format convention "%s" (channels on axis %d), i.e. expected '
                          'either 1, 3 or 4 channels on axis %d. However, it was passed an '
                          'array with shape %s (%d channels).'
                          % (self.data_format, self.channel_axis, self.channel_axis,
                             x.shape, x.shape[self.channel_axis]))
        if seed is not None:
            np.random.seed(seed)
        if augment:
            augmented = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    augmented[i + r * x.shape[0]] = self.random_transform(x[i])
            x = augmented
        per_channel = [1, 1, 1]
        per_channel[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), per_channel)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), per_channel)
            x /= (self.std + _STD_FUZZ)
        if self.zca_whitening:
            flat = np.reshape(x, (x.shape[0], -1))
            sigma = flat.T.dot(flat) / flat.shape[0]
            u, s, _ = np.linalg.svd(sigma)
            s_inv = 1. / np.sqrt(s[np.newaxis] + self.zca_epsilon)
            self.principal_components = (u * s_inv).dot(u.T)
