"""Batch iterators over images: in memory, or in a folder tree (one folder per class).

Part of ``keras.preprocessing.image``; behaves as Keras 2.3.1 with
keras-preprocessing 1.1. Every iterator is a ``keras.utils.Sequence`` (so it
feeds ``fit_generator`` with ``workers`` and ``use_multiprocessing``) and also
an endless Python iterator (``next(it)``).
"""
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from keras.preprocessing import image_io
from keras.utils.data_utils import Sequence

__all__ = ['Iterator', 'BatchFromFilesMixin', 'NumpyArrayIterator', 'DirectoryIterator']


class Iterator(Sequence):
    """Base class of the image iterators.

    Subclasses implement ``_get_batches_of_transformed_samples(index_array)``.

    Args:
        n: number of samples.
        batch_size: samples per batch.
        shuffle: whether to shuffle the order at every epoch.
        seed: seed for shuffling and random transforms (the global NumPy
            generator is seeded with ``seed + batches_seen`` before each batch).
    """

    white_list_formats = ('png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff')

    def __init__(self, n, batch_size, shuffle, seed):
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def __getstate__(self):
        # Locks and generators cannot be pickled (spawned worker processes).
        state = self.__dict__.copy()
        state.pop('lock', None)
        state.pop('index_generator', None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.lock = threading.Lock()
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.arange(self.n)
        if self.shuffle:
            self.index_array = np.random.permutation(self.n)

    def __getitem__(self, idx):
        if idx < 0:
            idx += len(self)
        if idx >= len(self) or idx < 0:
            raise ValueError('Asked to retrieve element {idx}, but the Sequence has '
                             'length {length}'.format(idx=idx, length=len(self)))
        with self.lock:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            self.total_batches_seen += 1
            if self.index_array is None:
                self._set_index_array()
            index_array = self.index_array[self.batch_size * idx:
                                           self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        """Reshuffle (when ``shuffle``) for the next epoch."""
        self._set_index_array()

    def reset(self):
        """Start the endless iteration (``next``) from the first batch again."""
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current = (self.batch_index * self.batch_size) % self.n if self.n else 0
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current:current + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch (endless; reshuffles after each pass)."""
        with self.lock:
            index_array = next(self.index_generator)
        # Transforms run outside the lock, so threads can work in parallel.
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        """The batch made of the samples at ``index_array``."""
        raise NotImplementedError


def _transform(generator, x):
    """Random transform then standardization of one image, if a generator is set."""
    if generator is None:
        return x
    params = generator.get_random_transform(x.shape)
    x = generator.apply_transform(x, params)
    return generator.standardize(x)


def _save_batch(batch_x, index_array, data_format, save_to_dir, save_prefix, save_format):
    for i, j in enumerate(index_array):
        img = image_io.array_to_img(batch_x[i], data_format, scale=True)
        fname = '{prefix}_{index}_{hash}.{format}'.format(
            prefix=save_prefix, index=j, hash=np.random.randint(1e7), format=save_format)
        img.save(os.path.join(save_to_dir, fname))


class BatchFromFilesMixin(object):
    """Shared by the iterators that read image files: loading and labels.

    The class using it provides ``filepaths``, ``labels`` and ``sample_weight``.
    """

    def set_processing_attrs(self, image_data_generator, target_size, color_mode,
                             data_format, save_to_dir, save_prefix, save_format, subset,
                             interpolation):
        """Store how files become arrays, and the validation split to use."""
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        channels = {'rgb': 3, 'rgba': 4, 'grayscale': 1}.get(color_mode)
        if channels is None:
            raise ValueError('Invalid color mode:', color_mode,
                             '; expected "rgb", "rgba", or "grayscale".')
        self.color_mode = color_mode
        self.data_format = image_io.default_data_format(data_format)
        if self.data_format == 'channels_last':
            self.image_shape = self.target_size + (channels,)
        else:
            self.image_shape = (channels,) + self.target_size
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        split = None
        if subset is not None:
            validation_split = image_data_generator._validation_split
            if subset == 'validation':
                split = (0, validation_split)
            elif subset == 'training':
                split = (validation_split, 1)
            else:
                raise ValueError('Invalid subset name: %s; expected "training" or '
                                 '"validation"' % (subset,))
        self.split = split
        self.subset = subset

    def _load_batch_x(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        filepaths = self.filepaths
        for i, j in enumerate(index_array):
            img = image_io.load_img(filepaths[j], color_mode=self.color_mode,
                                    target_size=self.target_size,
                                    interpolation=self.interpolation)
            x = image_io.img_to_array(img, data_format=self.data_format, dtype=self.dtype)
            if hasattr(img, 'close'):
                img.close()
            batch_x[i] = _transform(self.image_data_generator, x)
        return batch_x

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = self._load_batch_x(index_array)
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format)
        mode = self.class_mode
        if mode == 'input':
            batch_y = batch_x.copy()
        elif mode in ('binary', 'sparse'):
            batch_y = np.empty(len(batch_x), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i] = self.classes[j]
        elif mode == 'categorical':
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.
        elif mode == 'multi_output':
            batch_y = [output[index_array] for output in self.labels]
        elif mode == 'raw':
            batch_y = self.labels[index_array]
        else:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]

    @property
    def filepaths(self):
        """Absolute paths of the image files."""
        raise NotImplementedError('`filepaths` property method has not been '
                                  'implemented in {}.'.format(type(self).__name__))

    @property
    def labels(self):
        """The label of every sample."""
        raise NotImplementedError('`labels` property method has not been '
                                  'implemented in {}.'.format(type(self).__name__))

    @property
    def sample_weight(self):
        raise NotImplementedError('`sample_weight` property method has not been '
                                  'implemented in {}.'.format(type(self).__name__))


def _split_misc(x):
    """``x`` or ``(images, extra)`` -> (images, list of extra arrays)."""
    if not isinstance(x, (tuple, list)):
        return x, []
    extra = x[1] if isinstance(x[1], list) else [x[1]]
    extra = [np.asarray(item) for item in extra]
    for item in extra:
        if len(x[0]) != len(item):
            raise ValueError('All of the arrays in `x` should have the same length. '
                             'Found a pair with: len(x[0]) = %s, len(x[?]) = %s'
                             % (len(x[0]), len(item)))
    return x[0], extra


class NumpyArrayIterator(Iterator):
    """Batches from in-memory arrays, transformed by an ``ImageDataGenerator``.

    Args:
        x: rank-4 image array, or a tuple ``(images, extra)`` where ``extra``
            (an array or list of arrays) is passed through untouched as
            further inputs.
        y: targets, or None.
        image_data_generator: the ``ImageDataGenerator`` (None: no change).
        batch_size: samples per batch.
        shuffle: whether to shuffle at every epoch.
        sample_weight: per-sample weights, or None.
        seed: random seed.
        data_format: ``'channels_last'`` or ``'channels_first'``; default the
            backend's ``image_data_format()``.
        save_to_dir: folder where the produced images are also written.
        save_prefix: prefix of those file names.
        save_format: ``'png'`` or ``'jpeg'``.
        subset: ``'training'`` or ``'validation'`` when the generator has a
            ``validation_split`` (validation takes the first part).
        dtype: dtype of the image batches; default ``floatx()``.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix='', save_format='png', subset=None, dtype=None):
        self.dtype = image_io.default_dtype(dtype)
        data_format = image_io.default_data_format(data_format)
        x, x_misc = _split_misc(x)
        if y is not None and len(x) != len(y):
            raise ValueError('`x` (images tensor) and `y` (labels) should have the same '
                             'length. Found: x.shape = %s, y.shape = %s'
                             % (np.asarray(x).shape, np.asarray(y).shape))
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError('`x` (images tensor) and `sample_weight` should have the same '
                             'length. Found: x.shape = %s, sample_weight.shape = %s'
                             % (np.asarray(x).shape, np.asarray(sample_weight).shape))
        if subset is not None:
            x, x_misc, y, sample_weight = self._take_subset(
                subset, image_data_generator, x, x_misc, y, sample_weight)
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError('Input data in `NumpyArrayIterator` should have rank 4. '
                             'You passed an array with shape', self.x.shape)
        channels_axis = 3 if data_format == 'channels_last' else 1
        if self.x.shape[channels_axis] not in {1, 3, 4}:
            warnings.warn('NumpyArrayIterator is set to use the data format convention '
                          '"%s" (channels on axis %d), i.e. expected either 1, 3, or 4 '
                          'channels on axis %d. However, it was passed an array with '
                          'shape %s (%d channels).'
                          % (data_format, channels_axis, channels_axis, self.x.shape,
                             self.x.shape[channels_axis]))
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super(NumpyArrayIterator, self).__init__(self.x.shape[0], batch_size, shuffle, seed)

    @staticmethod
    def _take_subset(subset, generator, x, x_misc, y, sample_weight):
        if subset not in {'training', 'validation'}:
            raise ValueError('Invalid subset name:', subset,
                             '; expected "training" or "validation".')
        split_idx = int(len(x) * generator._validation_split)
        if y is not None and not np.array_equal(np.unique(y[:split_idx]),
                                                np.unique(y[split_idx:])):
            raise ValueError('Training and validation subsets have different number of '
                             'classes after the split. If your numpy arrays are sorted '
                             'by the label, you might want to shuffle them.')
        part = slice(None, split_idx) if subset == 'validation' else slice(split_idx, None)
        x_misc = [np.asarray(item[part]) for item in x_misc]
        y = None if y is None else y[part]
        sample_weight = None if sample_weight is None else sample_weight[part]
        return x[part], x_misc, y, sample_weight

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            batch_x[i] = _transform(self.image_data_generator, self.x[j].astype(self.dtype))
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format)
        extra = [item[index_array] for item in self.x_misc]
        inputs = [batch_x] + extra if extra else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Batches of images read from a folder with one subfolder per class.

    Args:
        directory: the folder; each subfolder is a class (sorted
            alphanumerically), its images (searched recursively) the samples.
        image_data_generator: the ``ImageDataGenerator`` (None: no change).
        target_size: ``(height, width)`` every image is resized to.
        color_mode: ``'rgb'``, ``'rgba'`` or ``'grayscale'``.
        classes: list of subfolder names to use (and their order), or None
            for all.
        class_mode: ``'categorical'`` (one-hot), ``'binary'`` (0./1.),
            ``'sparse'`` (class index), ``'input'`` (the images themselves) or
            None (images only).
        batch_size: samples per batch.
        shuffle: whether to shuffle (otherwise sorted order).
        seed: random seed.
        data_format: ``'channels_last'`` or ``'channels_first'``; default the
            backend's ``image_data_format()``.
        save_to_dir, save_prefix, save_format: optionally also write the
            produced images there.
        follow_links: whether to follow symbolic links to subfolders.
        subset: ``'training'`` or ``'validation'`` with the generator's
            ``validation_split`` (validation takes the first files of each
            class).
        interpolation: resampling used for resizing (see ``load_img``).
        dtype: dtype of the batches; default ``floatx()``.

    Attributes:
        class_indices: class name -> index.
        classes: class index of every sample (int32 array).
        filenames: paths relative to ``directory``.
        filepaths: absolute paths.
        samples: number of images found.
    """

    allowed_class_modes = {'categorical', 'binary', 'sparse', 'input', None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode='rgb', classes=None, class_mode='categorical', batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None,
                 save_prefix='', save_format='png', follow_links=False, subset=None,
                 interpolation='nearest', dtype=None):
        self.set_processing_attrs(image_data_generator, target_size, color_mode,
                                  data_format, save_to_dir, save_prefix, save_format,
                                  subset, interpolation)
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError('Invalid class_mode: {}; expected one of: {}'
                             .format(class_mode, self.allowed_class_modes))
        self.class_mode = class_mode
        self.dtype = image_io.default_dtype(dtype)
        if not os.path.isdir(directory):
            raise FileNotFoundError('`directory` %r is not a folder: it should hold one '
                                    'subfolder of images per class.' % (directory,))
        if not classes:
            classes = [sub for sub in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, sub))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        self.filenames, labels = self._list_files(classes, follow_links)
        self.samples = len(self.filenames)
        self.classes = np.array(labels, dtype='int32')
        print('Found %d images belonging to %d classes.' % (self.samples, self.num_classes))
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super(DirectoryIterator, self).__init__(self.samples, batch_size, shuffle, seed)

    def _list_files(self, classes, follow_links):
        def one_class(subdir):
            return image_io.list_valid_filenames_in_directory(
                os.path.join(self.directory, subdir), self.white_list_formats,
                self.split, self.class_indices, follow_links)

        filenames, labels = [], []
        with ThreadPoolExecutor(max_workers=min(8, max(1, len(classes)))) as pool:
            for class_labels, class_files in pool.map(one_class, classes):
                labels.extend(class_labels)
                filenames.extend(class_files)
        return filenames, labels

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None
