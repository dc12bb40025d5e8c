"""Training machinery behind ``Model.compile``/``fit``/``evaluate``/``predict``.

``keras/engine/training.py`` keeps the ``Model`` API and calls into this package;
nothing here imports ``keras.engine.training``, so the API module imports these
at module level.  What lives where, in the order data flows:

- ``compiled_state``: ``CompiledState``, everything ``compile()`` decided
  (per-output targets, metric names, fixed target tensors, optimizer, step
  functions), one per model (``compiled_state.of(model)``); the loops and the
  data code below receive it as an argument instead of reading private
  attributes of the model.
- ``compile_outputs``: what ``compile()`` resolves per output (losses, loss
  weights, metrics and their Keras 2.3.1 names); ``target_tensors``:
  ``compile(target_tensors=...)``.
- ``data_checks``: checks of ``fit``/``evaluate``/``predict``'s arguments;
  ``data_adapters``: user arrays/lists/dicts as checked arrays in model order,
  moved to the device; ``model_data``: ``x``/``y``/``sample_weight``/
  ``class_weight`` of a compiled model, validation splits, array sources.
- ``run_setup``: this process's data shard and the callback list of a run.
- ``batch_sources``: where batches come from (arrays once on the device,
  generators, ``Sequence``s).
- ``steps``: the train and test steps as plain tensor functions
  (``StepFunctions``) and the predict step; ``inference_grad``: autograd for
  the models whose forward pass needs it in inference; ``graph_losses``:
  compiled losses that read other tensors of the model (WGAN-GP's gradient
  penalty).
- ``epoch_loop``: the one loop behind ``fit``/``fit_generator``/``evaluate``,
  with ``lazy_logs`` (batch logs read from the device only when a callback
  reads them); ``generators``: ``fit_generator``/``evaluate_generator``/
  ``predict_generator``.
- ``batch_functions``: Keras 2.3.1's ``model.train_function`` and siblings;
  ``legacy_helpers``: Keras 2.3.1's ``keras.engine.training_utils`` helpers.

Imports go one way: ``keras.engine.training`` -> ``keras.training`` ->
the layer engine (``base_layer``, ``layer_tracking``...), ``keras.backend``,
``keras.callbacks``, ``keras.distribute``, ``keras.losses``/``keras.metrics``,
``keras.utils``.
"""
