"""Model and weight files: everything that reads or writes them.

- :mod:`~keras.saving.api`: the entry points ``save_weights``, ``load_weights``,
  ``save_model``, ``load_model`` (pick the format: HDF5 or ``.keras``; accept
  ``gs://`` paths). ``Model.save``/``load_weights`` and ``keras.models`` call them.
- :mod:`~keras.saving.hdf5`: the HDF5 layer (the one ``_h5py``; atomic
  ``write_h5``; ``open_h5``/``reading`` with damage checks; split attributes).
- :mod:`~keras.saving.h5_dict`: ``H5Dict``, a dict-like view of an HDF5 group or a dict.
- :mod:`~keras.saving.weights`: the Keras 2 weights layout (one group per layer).
- :mod:`~keras.saving.legacy_weights`: Keras 1 / Theano / CuDNN / nested-model
  weight layouts converted to the current layers'.
- :mod:`~keras.saving.model_file`: whole-model HDF5 files (architecture,
  weights, training configuration, optimizer state).
- :mod:`~keras.saving.model_pickle`: Keras 2.3.1's pickle form of a model.
- :mod:`~keras.saving.keras_zip`: tf.keras 2.13+ ``.keras`` archives.
- :mod:`~keras.saving.gcs`: ``gs://`` paths; :mod:`~keras.saving.overwrite`: the
  overwrite prompt; :mod:`~keras.saving.patch_points`: the names patched on
  ``keras.engine.saving``.
- :mod:`~keras.saving.export`: ONNX and ``torch.export`` programs for serving.

Imports go one way: ``keras.saving`` imports the engine (to build and read
models); the engine calls into ``keras.saving`` from inside its methods.
``keras.engine.saving``, ``keras.utils.io_utils`` and ``keras.utils.h5_dict``
(Keras 2.3.1's paths) re-export from here.
"""
