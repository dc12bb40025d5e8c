"""``DataFrameIterator``: batches of images listed in a pandas DataFrame.

Part of ``keras.preprocessing.image``; behaves as Keras 2.3.1 with
keras-preprocessing 1.1. pandas is optional: it is only needed here.
"""
import importlib
import os
import warnings

import numpy as np

from keras.preprocessing import image_io
from keras.preprocessing.image_iterators import BatchFromFilesMixin, Iterator

__all__ = ['DataFrameIterator']

_NO_CLASS_MODES = ('input', 'multi_output', 'raw', None)


def _require_pandas():
    try:
        importlib.import_module('pandas')
    except ImportError:
        raise ImportError('`flow_from_dataframe` and `DataFrameIterator` need pandas: '
                          'pip install pandas')


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Batches of images whose file names (and labels) are columns of a DataFrame.

    Args:
        dataframe: a pandas DataFrame.
        directory: folder the file names are relative to (None: they are
            absolute paths).
        image_data_generator: the ``ImageDataGenerator`` (None: no change).
        x_col: column of file names.
        y_col: column (or list of columns) of targets.
        weight_col: column of sample weights, or None.
        target_size: ``(height, width)`` every image is resized to.
        color_mode: ``'rgb'``, ``'rgba'`` or ``'grayscale'``.
        classes: list of classes to keep (rows with others are dropped), or
            None for all (sorted).
        class_mode: ``'categorical'`` (one-hot; a list of classes per row is
            multi-label), ``'binary'``, ``'sparse'``, ``'input'``,
            ``'multi_output'`` (a list with one array per ``y_col``),
            ``'raw'`` (the ``y_col`` values) or None.
        batch_size, shuffle, seed, data_format, save_to_dir, save_prefix,
        save_format, subset, interpolation, dtype: as in ``DirectoryIterator``.
        validate_filenames: drop rows whose file is missing or not an image
            (with a warning).

    Raises:
        ImportError: if pandas is not installed.
    """

    allowed_class_modes = {'binary', 'categorical', 'input', 'multi_output', 'raw',
                           'sparse', None}

    def __init__(self, dataframe, directory=None, image_data_generator=None,
                 x_col='filename', y_col='class', weight_col=None, target_size=(256, 256),
                 color_mode='rgb', classes=None, class_mode='categorical', batch_size=32,
                 shuffle=True, seed=None, data_format='channels_last', save_to_dir=None,
                 save_prefix='', save_format='png', subset=None, interpolation='nearest',
                 dtype='float32', validate_filenames=True):
        _require_pandas()
        self.set_processing_attrs(image_data_generator, target_size, color_mode,
                                  data_format, save_to_dir, save_prefix, save_format,
                                  subset, interpolation)
        df = dataframe.copy()
        self.directory = directory or ''
        self.class_mode = class_mode
        self.dtype = image_io.default_dtype(dtype)
        self._check_params(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            df = self._filter_valid_filepaths(df, x_col)
        if class_mode not in _NO_CLASS_MODES:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            count = len(df)
            df = df.iloc[int(self.split[0] * count):int(self.split[1] * count), :]
        if class_mode not in _NO_CLASS_MODES:
            self.classes = self.get_classes(df, y_col)
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == 'multi_output':
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        if class_mode == 'raw':
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        validated = 'validated' if validate_filenames else 'non-validated'
        if class_mode in _NO_CLASS_MODES:
            print('Found {} {} image filenames.'.format(self.samples, validated))
        else:
            print('Found {} {} image filenames belonging to {} classes.'
                  .format(self.samples, validated, len(self.class_indices)))
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super(DataFrameIterator, self).__init__(self.samples, batch_size, shuffle, seed)

    def _check_params(self, df, x_col, y_col, weight_col, classes):
        mode = self.class_mode
        if mode not in self.allowed_class_modes:
            raise ValueError('Invalid class_mode: {}; expected one of: {}'
                             .format(mode, self.allowed_class_modes))
        if mode == 'multi_output' and not isinstance(y_col, list):
            raise TypeError('If class_mode="{}", y_col must be a list. Received {}.'
                            .format(mode, type(y_col).__name__))
        if not all(df[x_col].apply(lambda v: isinstance(v, str))):
            raise TypeError('All values in column x_col={} must be strings.'.format(x_col))
        if mode in ('binary', 'sparse') and not all(
                df[y_col].apply(lambda v: isinstance(v, str))):
            raise TypeError('If class_mode="{}", y_col="{}" column values must be '
                            'strings.'.format(mode, y_col))
        if mode == 'binary':
            found = len(set(classes)) if classes else df[y_col].nunique()
            if found != 2:
                raise ValueError('If class_mode="binary" there must be 2 classes. '
                                 'Found {} classes.'.format(found))
        if mode == 'categorical' and not all(
                df[y_col].apply(lambda v: isinstance(v, (str, list, tuple)))):
            raise TypeError('If class_mode="{}", y_col="{}" column values must be type '
                            'string, list or tuple.'.format(mode, y_col))
        if classes and mode in _NO_CLASS_MODES:
            warnings.warn('`classes` will be ignored given the class_mode="{}"'
                          .format(mode))
        if weight_col and not issubclass(df[weight_col].dtype.type, np.number):
            raise TypeError('Column weight_col={} must be numeric.'.format(weight_col))

    def get_classes(self, df, y_col):
        """The class index (or list of indices, multi-label) of every row."""
        labels = []
        for label in df[y_col]:
            if isinstance(label, (list, tuple)):
                labels.append([self.class_indices[item] for item in label])
            else:
                labels.append(self.class_indices[label])
        return labels

    @staticmethod
    def _filter_classes(df, y_col, classes):
        """Drop rows without any of ``classes``; return them with the sorted classes."""
        df = df.copy()

        def keep_known(labels, known):
            if isinstance(labels, (list, tuple)):
                return [item for item in labels if item in known] or None
            if isinstance(labels, str):
                return labels if labels in known else None
            raise TypeError('Expect string, list or tuple but found {} in {} column '
                            .format(type(labels), y_col))

        if classes:
            classes = set(classes)
            df[y_col] = df[y_col].apply(lambda labels: keep_known(labels, classes))
        else:
            classes = set()
            for value in df[y_col]:
                if isinstance(value, (list, tuple)):
                    classes.update(value)
                else:
                    classes.add(value)
        return df.dropna(subset=[y_col]), sorted(classes)

    def _filter_valid_filepaths(self, df, x_col):
        """Keep the rows whose file exists and has an image extension."""
        filepaths = df[x_col].map(lambda fname: os.path.join(self.directory, fname))
        mask = filepaths.apply(image_io.validate_filename,
                               args=(self.white_list_formats,)).astype(bool)
        n_invalid = int((~mask).sum())
        if n_invalid:
            warnings.warn('Found {} invalid image filename(s) in x_col="{}". These '
                          'filename(s) will be ignored.'.format(n_invalid, x_col))
        return df[mask]

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        if self.class_mode in ('multi_output', 'raw'):
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        return self._sample_weight
