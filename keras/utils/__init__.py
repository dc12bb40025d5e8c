"""``keras.utils``: helpers users import from Keras 2.3.1's ``keras.utils``."""
from keras.utils import generic_utils, np_utils  # noqa: F401
from keras.utils.generic_utils import (CustomObjectScope, custom_object_scope,  # noqa: F401
                                       deserialize_keras_object, get_custom_objects,
                                       serialize_keras_object)
from keras.utils.np_utils import normalize, to_categorical  # noqa: F401

__all__ = ['generic_utils', 'np_utils', 'CustomObjectScope', 'custom_object_scope',
           'get_custom_objects', 'serialize_keras_object', 'deserialize_keras_object',
           'to_categorical', 'normalize']


def __getattr__(name):
    # Modules with heavier imports load on first use.
    import importlib
    lazy = {'data_utils': 'keras.utils.data_utils', 'layer_utils': 'keras.utils.layer_utils',
            'vis_utils': 'keras.utils.vis_utils', 'test_utils': 'keras.utils.test_utils',
            'io_utils': 'keras.utils.io_utils', 'conv_utils': 'keras.utils.conv_utils',
            'multi_gpu_utils': 'keras.utils.multi_gpu_utils'}
    if name in lazy:
        return importlib.import_module(lazy[name])
    attrs = {'get_file': 'data_utils', 'Sequence': 'data_utils', 'OrderedEnqueuer': 'data_utils',
             'GeneratorEnqueuer': 'data_utils', 'SequenceEnqueuer': 'data_utils',
             'Progbar': 'generic_utils', 'plot_model': 'vis_utils', 'model_to_dot': 'vis_utils',
             'print_summary': 'layer_utils', 'convert_all_kernels_in_model': 'layer_utils',
             'get_source_inputs': 'layer_utils', 'HDF5Matrix': 'io_utils', 'H5Dict': 'io_utils',
             'multi_gpu_model': 'multi_gpu_utils'}
    if name in attrs:
        return getattr(importlib.import_module('keras.utils.' + attrs[name]), name)
    raise AttributeError("module 'keras.utils' has no attribute %r" % (name,))
