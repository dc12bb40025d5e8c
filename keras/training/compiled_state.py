"""``CompiledState``: everything ``Model.compile`` decided, in one object.

``compile`` fills a model's one ``CompiledState`` (``of(model)`` finds it)
and the training machinery receives it as an argument: the epoch loop and the
data preparation read the per-output targets, the metric names and the step
functions here, not in private attributes of the model.  The model keeps
its Keras 2.3.1 attributes (``metrics_names``, ``loss_functions``) and
``_targets``/``_step_functions`` (read from here) for the code that reads them.

One object per model, reset by each ``compile``: a loop holding it sees a
``compile`` made during training (a callback recompiling the model) at its
next batch, and a ``compile`` that waits for the model's outputs (a deferred
``Sequential``, a subclassed model) finishes in the object the loop holds.

Example:
    >>> state = of(model)                      # after model.compile(...)
    >>> [t.name for t in state.targets]        # one OutputTarget per output
    >>> state.steps.train(xs, ys, sws)         # one training step
"""
from keras import losses
from keras.engine.layer_weights import to_torch_dtype
from keras.training import compile_outputs
from keras.training.steps import StepFunctions
from keras.training.target_tensors import resolve as resolve_target_tensors

__all__ = ['CompiledState', 'of', 'attach', 'check_compiled']

# Where a model keeps its state (in its ``__dict__``: not a torch attribute).
_ATTRIBUTE = '_compiled_state'


def of(model):
    """``model``'s :class:`CompiledState`, or None before its first ``compile``."""
    return model.__dict__.get(_ATTRIBUTE)


def attach(model):
    """``model``'s :class:`CompiledState`, made at its first ``compile``."""
    state = model.__dict__.get(_ATTRIBUTE)
    if state is None:
        state = model.__dict__[_ATTRIBUTE] = CompiledState()
    return state


def check_compiled(model, what):
    """Keras 2.3.1's error when ``model`` is used for ``what`` before ``compile``."""
    if getattr(model, 'optimizer', None) is None:
        raise RuntimeError('You must compile your model before %s. Use '
                           '`model.compile(optimizer, loss)`.' % what)


class CompiledState(object):
    """What ``compile`` decided for one model.

    Attributes:
        pending: True from ``compile`` until the model has outputs to compile
            (at its first data the model then calls ``resolve`` and
            ``build_steps``).
        target_tensors_arg: ``compile(target_tensors=...)`` as given.
        target_tensors: one fixed target tensor (or None) per output, or None.
        targets: one :class:`~keras.training.compile_outputs.OutputTarget` per
            output (loss, loss weight, metrics, sample weight mode), or None
            before ``resolve``.
        metrics_names: ``['loss', ...]``, the list ``model.metrics_names`` is
            (``add_metric`` names are appended to it by the steps).
        optimizer: the optimizer the steps update the weights with.
        steps: the :class:`~keras.training.steps.StepFunctions`, or None
            before ``build_steps``.
    """

    def __init__(self):
        self.pending = False
        self.target_tensors_arg = None
        self.target_tensors = None
        self.targets = None
        self.metrics_names = None
        self.metric_aliases = {}  # {Keras 1/2.2 metric name: logged name}
        self.optimizer = None
        self.steps = None
        self.training_graph = None  # keras.training.training_graph, made on first use

    def restart(self):
        """A new ``compile``: forget the targets and the steps of the last one."""
        self.targets = None
        self.steps = None
        self.training_graph = None
        self.pending = True

    def resolve(self, model, loss, metrics, loss_weights, sample_weight_mode,
                weighted_metrics):
        """What ``compile`` decides once the model has outputs: the fixed
        target tensors, the per-output targets and the metric names."""
        self.pending = False
        self.target_tensors = resolve_target_tensors(model, self.target_tensors_arg)
        self.targets, self.metrics_names, self.metric_aliases = compile_outputs.resolve_outputs(
            model, loss, metrics, loss_weights, sample_weight_mode, weighted_metrics)

    def build_steps(self, model, optimizer, params, jit_compile=False):
        """Then (after ``resolve``) the step functions updating ``params``."""
        self.optimizer = optimizer
        self.steps = StepFunctions(model, self.targets, optimizer, params,
                                   jit_compile=jit_compile)

    @property
    def loss_functions(self):
        """The loss function of each output (None for an output without one)."""
        return [t.loss_fn for t in self.targets]

    @property
    def sample_weight_modes(self):
        """Each output's sample weight mode (None or ``'temporal'``)."""
        return [t.sample_weight_mode for t in self.targets]

    @property
    def graph_losses(self):
        """The losses reading other tensors of the model (WGAN-GP), or None."""
        return self.steps.graph_losses if self.steps is not None else None

    def metrics(self):
        """The stateful metric objects: the compiled ones, then those of
        ``add_metric`` (known once a step made them)."""
        if self.targets is None:
            return []
        found = [m for t in self.targets for _, m in t.metrics + t.weighted_metrics]
        return found + (list(self.steps.added_metrics.values()) if self.steps is not None
                        else [])

    def reset_metrics(self):
        if self.steps is not None:
            self.steps.reset_metrics()

    def target_dtypes(self, model, ys):
        """The torch dtype each target array is moved to the device as (None:
        keep the array's own, for the integer labels of a sparse loss)."""
        return [None if y is None else self._target_dtype(model, i) for i, y in enumerate(ys)]

    def _target_dtype(self, model, i):
        target = self.targets[i]
        if target.has_loss and losses.is_sparse_categorical_crossentropy(target.loss_fn):
            return None
        return to_torch_dtype(model.outputs[i].dtype)
