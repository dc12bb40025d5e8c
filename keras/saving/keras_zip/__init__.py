"""tf.keras 2.13-2.15 ``.keras`` model files (zip archives) and ``.weights.h5`` layouts.

- :mod:`~keras.saving.keras_zip.archive`: the archive (``metadata.json``,
  ``config.json``, ``model.weights.h5``): ``save_model``, ``load_model``,
  ``load_weights``, format detection.
- :mod:`~keras.saving.keras_zip.config`: ``config.json`` <-> Keras 2 configs.
- :mod:`~keras.saving.keras_zip.paths`: where each layer's variables live in
  ``model.weights.h5`` (tf.keras's attribute paths).
- :mod:`~keras.saving.keras_zip.variables`: reading and writing those variables
  and the optimizer's.
"""
