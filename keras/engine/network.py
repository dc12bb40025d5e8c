"""``Network``: a graph of layers from symbolic inputs to outputs.

Built once from ``inputs``/``outputs`` into a flat plan of layer calls; calling
the network on real tensors walks that plan.  A network is itself a layer, so
models can be called on new inputs, nested and shared.
"""
import json

import torch

from keras.backend import graph_hooks
from keras.backend import session as K_session
from keras.engine import graph as graph_lib
from keras.engine.graph.shape_inference import graph_output_shapes
from keras.engine import layer_tracking, layer_weights, module_keys
from keras.engine.base_layer import Layer, hook_generation, report_metric
from keras.engine.input_layer import InputLayer
from keras.engine.keras_tensor import is_keras_tensor
from keras.engine.layer_calls import infer_output_shape
from keras.engine.network_config import model_json_dict, network_config, network_from_config
from keras.engine.node import Node
from keras.engine.subclassed import build_from_shapes, run_call
from keras.legacy.interfaces import convert_kwargs
from keras.utils.generic_utils import to_list, unpack_singleton
from keras.utils.layer_utils import print_summary

__all__ = ['Network', 'get_source_inputs']

_PLAIN, _WITH_TRAINING = graph_lib.Step.PLAIN, graph_lib.Step.WITH_TRAINING

get_source_inputs = graph_lib.get_source_inputs


class Network(Layer):
    """A directed acyclic graph of layers (the functional API).

    Example:
        >>> inputs = Input(shape=(784,))
        >>> x = Dense(64, activation='relu')(inputs)
        >>> model = Model(inputs=inputs, outputs=Dense(10)(x))
    """

    # Whether the inputs may be inner tensors of a graph (what computes them
    # is then left out): the networks behind ``K.function`` fed with them.
    _inner_inputs = False

    def __init__(self, *args, **kwargs):
        _translate_legacy_kwargs(kwargs)
        if (len(args) == 2 or (len(args) == 1 and 'outputs' in kwargs)
                or ('inputs' in kwargs and 'outputs' in kwargs)):
            self._init_graph_network(*args, **kwargs)
        else:
            self._init_subclassed_network(**kwargs)

    # ------------------------------------------------------------- creation
    def _base_init(self, name, trainable=True, dtype=None):
        Layer.__init__(self, name=name or None, trainable=trainable, dtype=dtype)
        self._is_graph_network = False
        self.inputs = []
        self.outputs = []
        self._layers_list = []
        self._plan = None
        self._output_mask_cache = None

    def _init_subclassed_network(self, name=None, trainable=True, dtype=None, **kwargs):
        if kwargs:
            Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        self._base_init(name, trainable, dtype)
        self.built = False

    def _init_graph_network(self, inputs, outputs, name=None, trainable=True):
        self._base_init(name, trainable)
        self._is_graph_network = True
        self.inputs = list(to_list(inputs, allow_tuple=True))
        self.outputs = list(to_list(outputs, allow_tuple=True))
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        _check_graph_tensors(self.name, self.inputs, 'inputs')
        _check_graph_tensors(self.name, self.outputs, 'outputs')
        if len(set(id(x) for x in self.inputs)) != len(self.inputs):
            raise ValueError('The list of inputs passed to the model %s is redundant: each '
                             'input should appear only once. Got: %s' % (self.name, self.inputs))
        for x in self.inputs if not self._inner_inputs else ():
            layer, node_index, _ = x._keras_history
            if not isinstance(layer, InputLayer) or node_index != 0:
                raise ValueError('Input tensors to a %s must come from `keras.layers.Input`. '
                                 'Received: %s (missing previous layer metadata: the tensor '
                                 'was produced by layer %s).'
                                 % (self.__class__.__name__, x, layer.name))
        self._output_layers = [x._keras_history[0] for x in self.outputs]
        self._output_coordinates = [x._keras_history for x in self.outputs]
        self._input_layers = [x._keras_history[0] for x in self.inputs]
        self._input_coordinates = [x._keras_history for x in self.inputs]
        (self._network_nodes, self._nodes_by_depth, layers,
         self._layers_by_depth) = graph_lib.map_graph(self.inputs, self.outputs,
                                                      cut_at_inputs=self._inner_inputs)
        self._layers_list = layers
        for layer in layers:
            self.add_module(module_keys.layer_key(self, layer), layer)
        self.input_names = [layer.name for layer in self._input_layers]
        self.output_names = [layer.name for layer in self._output_layers]
        self._feed_input_names = list(self.input_names)
        self._feed_input_shapes = [x.shape for x in self.inputs]
        self._feed_inputs = list(self.inputs)
        self.supports_masking = any(x._keras_mask is not None for x in self.outputs)
        self.built = True
        self._plan = None
        Node(self, inbound_layers=[], node_indices=[], tensor_indices=[],
             input_tensors=self.inputs, output_tensors=self.outputs,
             input_masks=[x._keras_mask for x in self.inputs],
             output_masks=[x._keras_mask for x in self.outputs],
             input_shapes=[x.shape for x in self.inputs],
             output_shapes=[x.shape for x in self.outputs])

    # ---------------------------------------------------------------- layers
    @property
    def layers(self):
        if self._is_graph_network:
            return list(self._layers_list)
        return [m for m in self._modules.values() if isinstance(m, Layer)]

    def get_layer(self, name=None, index=None):
        """A layer by ``name`` or by ``index`` (bottom-up order of ``layers``)."""
        layers = self.layers
        if index is not None:
            if len(layers) <= index:
                raise ValueError('Was asked to retrieve layer at index %s but model only has '
                                 '%d layers.' % (index, len(layers)))
            return layers[index]
        if not name:
            raise ValueError('Provide either a layer name or layer index.')
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError('No such layer: %s. Layers of model %s: %s'
                         % (name, self.name, [l.name for l in layers]))

    @property
    def _layers(self):
        return self.layers

    # --------------------------------------------------------------- weights
    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        weights = list(self._trainable_weights)
        for layer in self.layers:
            weights += layer.trainable_weights
        return layer_weights.unique(weights)

    @property
    def non_trainable_weights(self):
        weights = list(self._non_trainable_weights)
        for layer in self.layers:
            weights += layer.non_trainable_weights
        if not self.trainable:
            trainable = list(self._trainable_weights)
            for layer in self.layers:
                trainable += layer.trainable_weights
            weights = trainable + weights
        return layer_weights.unique(weights)

    def _ordered_weights(self):
        """Weights layer by layer, the order of ``get_weights``/HDF5 files."""
        weights = list(self._trainable_weights) + list(self._non_trainable_weights)
        for layer in self.layers:
            weights += layer.weights
        return layer_weights.unique(weights)

    def get_weights(self):
        return layer_weights.to_numpy(self._ordered_weights())

    def set_weights(self, weights):
        layer_weights.assign(self, self._ordered_weights(), weights)

    @property
    def updates(self):
        """Updates of the layer calls in this model, as Keras 2.3.1 reports them
        (none while the model is frozen)."""
        return layer_tracking.network_updates(self)

    @property
    def state_updates(self):
        """The updates of the stateful layers (RNN states)."""
        out = []
        for layer in self.layers:
            if getattr(layer, 'stateful', False):
                out += layer.updates
        return out

    @property
    def stateful(self):
        return any(getattr(layer, 'stateful', False) for layer in self.layers)

    @stateful.setter
    def stateful(self, value):
        pass

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, 'reset_states') and getattr(layer, 'stateful', False):
                layer.reset_states()

    @property
    def uses_learning_phase(self):
        """Whether an output depends on the learning phase (dropout, batch
        normalization... with no ``training`` argument given)."""
        return any(getattr(x, '_uses_learning_phase', False) for x in self.outputs)

    # ------------------------------------------------------------------ call
    def _get_plan(self):
        if self._plan is not None and self.__dict__.get('_plan_hooks') != hook_generation():
            self._plan = None  # a layer got a torch hook since: rebuild the plan
        if self._plan is None:
            self._plan_hooks = hook_generation()
            self._plan = self._make_plan()
        return self._plan

    def _make_plan(self, reads=()):
        """A new execution plan of this graph.  ``reads``: further tensors
        computable from the inputs, whose slots follow those of the outputs,
        the symbolic losses and the metrics (for a step that reads them)."""
        losses = self._symbolic_loss_tensors()
        metrics = self._computable(t for _, t in self.symbolic_metrics())
        extra = losses + metrics
        nodes_by_depth = self._nodes_by_depth
        follow = any('_graph_reads' in layer.__dict__ for layer in self._layers_list)
        if extra or reads or follow:  # those may use ops outside the model's own layers
            nodes_by_depth = graph_lib.map_graph(self.inputs, self.outputs + extra + list(reads),
                                                 follow_reads=follow,
                                                 cut_at_inputs=self._inner_inputs)[1]
        metric_names = [n for n, t in self.symbolic_metrics() if any(t is m for m in metrics)]
        return graph_lib.build_plan(self.inputs, self.outputs, nodes_by_depth,
                                    extra + list(reads))._replace(n_losses=len(losses),
                                                                  metric_names=metric_names)

    def _symbolic_loss_tensors(self):
        """Symbolic ``add_loss`` terms this graph can compute from its inputs."""
        return self._computable(layer_tracking.symbolic_training_losses(self))

    def _computable(self, tensors):
        return [t for t in tensors
                if all(any(s is x for x in self.inputs) for s in get_source_inputs(t))]

    def symbolic_metrics(self):
        """``(name, tensor)`` of the metrics added with ``add_metric`` on symbolic tensors."""
        found = list(self._symbolic_metrics)
        for layer in self.layers:
            for name, t in getattr(layer, '_symbolic_metrics', []):
                if all(name != n for n, _ in found):
                    found.append((name, t))
        return found

    def add_loss(self, losses, inputs=None):
        super(Network, self).add_loss(losses, inputs)
        self._plan = None

    @property
    def losses(self):
        """The losses of the layer calls in this model and the unconditional
        ones, each once (Keras 2.3.1's ``Network.losses``)."""
        return layer_tracking.network_losses(self)

    def regularization_losses(self):
        out = [reg(w) for w, reg in self._regularizers]
        out += [fn() for fn in self._callable_losses]
        for layer in self.layers:
            out += layer.regularization_losses()
        return out

    def build(self, input_shape=None):
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError('Subclassed model %s needs an `input_shape` to build (or call it '
                             'on data, e.g. `model.predict(x)`).' % self.name)
        build_from_shapes(self, input_shape)

    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError('Subclassed models must define `call(inputs)`.')
        outputs, _, _ = self.run_graph(inputs, training=training, masks=mask)
        return unpack_singleton(outputs) if len(outputs) == 1 else outputs

    def run_graph(self, inputs, training=None, masks=None, want_masks=False, plan=None):
        """Compute outputs (and symbolic ``add_loss`` terms) from real inputs,
        with this network's plan or ``plan`` (one of :meth:`_make_plan`'s).

        Returns ``(outputs, extra_losses, output_masks)``.
        """
        inputs = to_list(inputs, allow_tuple=True)
        if not self._is_graph_network:
            if training is None:
                training = bool(K_session.learning_phase())
            return to_list(run_call(self, inputs, training), allow_tuple=True), [], None
        if plan is None:
            plan = self._get_plan()
        steps, input_slots = plan.steps, plan.input_slots
        if len(inputs) != len(input_slots):
            raise ValueError('Model %s expects %d input(s), but it received %d input tensors.'
                             % (self.name, len(input_slots), len(inputs)))
        if training is None:
            training = bool(K_session.learning_phase())
        values = [None] * plan.n_slots
        for slot, x, spec in zip(input_slots, inputs, self.inputs):
            if x is None:
                x = _fed_input(self, spec)
            if not isinstance(x, torch.Tensor):  # e.g. model(numpy_array), tf.keras style
                x = torch.as_tensor(x, dtype=layer_weights.to_torch_dtype(spec.dtype),
                                    device=self._model_device())
            values[slot] = x
        mvalues = [None] * plan.n_masks if plan.n_masks else None
        for step in steps:
            kind = step.kind
            if kind == _PLAIN:
                values[step.out_slots[0]] = step.run(values[step.in_slots[0]])
                continue
            if kind == _WITH_TRAINING:
                values[step.out_slots[0]] = step.run(values[step.in_slots[0]],
                                                     training=training)
                continue
            xs = [values[i] for i in step.in_slots]
            x = xs if step.list_input else xs[0]
            kwargs = step.kwargs
            if step.pass_training or step.pass_mask:
                kwargs = dict(kwargs)
                if step.pass_training:
                    kwargs['training'] = training
                if step.pass_mask:
                    kwargs['mask'] = _step_masks(step, mvalues, masks, input_slots)
            if step.reads:
                with graph_hooks.forward_values(_read_values(step, values)):
                    y = step.run(x, **kwargs)
            else:
                y = step.run(x, **kwargs)
            if step.multi_output:
                for slot, v in zip(step.out_slots, y):
                    values[slot] = v
            else:
                values[step.out_slots[0]] = y
            if step.out_mask_slots is not None:
                in_mask = _step_masks(step, mvalues, masks, input_slots)
                m = step.layer.compute_mask(x, in_mask)
                m = m if isinstance(m, (list, tuple)) else [m] * len(step.out_mask_slots)
                for slot, v in zip(step.out_mask_slots, m):
                    mvalues[slot] = v
        n_out, n_losses = len(self.outputs), plan.n_losses
        results = [values[i] for i in plan.output_slots]
        for name, value in zip(plan.metric_names, results[n_out + n_losses:]):
            report_metric(name, value)
        out_masks = None
        if want_masks and mvalues is not None:
            out_masks = [self._mask_of(t, steps, mvalues) for t in self.outputs]
        return results[:n_out], results[n_out:n_out + n_losses], out_masks

    def run_internal_graph(self, inputs, masks=None):
        """Keras 2.3.1's name: ``(output_tensors, output_masks)`` for real inputs."""
        outputs, _, out_masks = self.run_graph(inputs, masks=masks, want_masks=True)
        return outputs, out_masks or [None] * len(outputs)

    def _model_device(self):
        """Where the model's weights live (the global default device if none)."""
        for module in self.modules():  # (the first of ``parameters()``, found sooner)
            for p in module._parameters.values():
                if p is not None:
                    return p.device
        return K_session.get_device()

    _weight_moves = 0  # how many times Module._apply changed the weights (.to(), .half()...)

    def _apply(self, fn, *args, **kwargs):
        self._weight_moves += 1
        return super(Network, self)._apply(fn, *args, **kwargs)

    def train(self, mode=True):
        """``torch.nn.Module.train``, skipped when every module is already in
        ``mode`` (``predict``, ``train_on_batch``... set it on every call, and
        walking the layers' ``__setattr__`` is most of a small batch's cost)."""
        if isinstance(mode, bool) and _all_in_mode(self, mode):
            return self
        return super(Network, self).train(mode)

    def _mask_of(self, tensor, steps, mvalues):
        if tensor._keras_mask is None:
            return None
        layer, node_index, tensor_index = tensor._keras_history
        for step in steps:
            if step.layer is layer and step.out_mask_slots is not None:
                node = layer._inbound_nodes[node_index]
                if any(t is tensor for t in node.output_tensors):
                    return mvalues[step.out_mask_slots[tensor_index]]
        return None

    def compute_mask(self, inputs, mask=None):
        if not self._is_graph_network:
            return None
        out_masks = None
        if any(x._keras_mask is not None for x in self.outputs):
            _, _, out_masks = self.run_graph(inputs, masks=mask, want_masks=True)
        out_masks = out_masks or [None] * len(self.outputs)  # one per output, as 2.3.1
        return unpack_singleton(out_masks) if len(out_masks) == 1 else out_masks

    def compute_output_shape(self, input_shape):
        if not self._is_graph_network:
            return infer_output_shape(self, input_shape)
        shapes = graph_output_shapes(self, input_shape)
        return shapes[0] if len(shapes) == 1 else shapes

    # ---------------------------------------------------------------- config
    def get_config(self):
        return network_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return network_from_config(cls, config, custom_objects)

    def to_json(self, **kwargs):
        """The architecture as a JSON string (``keras.models.model_from_json``)."""
        return json.dumps(model_json_dict(self), default=_json_default, **kwargs)

    def to_yaml(self, **kwargs):
        try:
            import yaml
        except ImportError:
            raise ImportError('Requires yaml module installed (`pip install pyyaml`).')
        return yaml.dump(json.loads(json.dumps(model_json_dict(self), default=_json_default)),
                         **kwargs)

    # ----------------------------------------------------------- reporting
    def summary(self, line_length=None, positions=None, print_fn=None):
        check = getattr(type(self), '_check_trainable_weights_consistency', None)
        if check is not None:
            check(self)
        if not self.built:
            raise ValueError('This model has not yet been built. Build the model first by '
                             'calling build() or calling fit() with some data. Or specify '
                             'input_shape or batch_input_shape in the first layer for '
                             'automatic build.')
        return print_summary(self, line_length=line_length, positions=positions,
                             print_fn=print_fn)

    # ----------------------------------------------------------- weights I/O
    def save_weights(self, filepath, overwrite=True, save_format=None):
        # Deferred: keras.saving.weights imports this module (and keras.saving is
        # not part of `import keras`).
        from keras.saving import api
        api.save_weights(self, filepath, overwrite=overwrite, save_format=save_format)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False):
        from keras.saving import api  # deferred: see save_weights
        return api.load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch,
                                reshape=reshape)

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None):
        """Save architecture, weights and optimizer state to one HDF5 file
        (``keras.models.load_model`` reads it back); a ``.keras`` name or
        ``save_format='keras'`` writes tf.keras 2.13+'s zip format instead."""
        from keras.saving import api  # deferred: see save_weights
        api.save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer,
                       save_format=save_format)

    def __setstate__(self, state):
        # ``pickle.loads`` of a model: our own pickles hold the object's
        # ``__dict__``; Keras 2.3.1's held the model file as a dict, rebuilt here.
        from keras.saving import model_pickle  # deferred: see save_weights
        if model_pickle.is_pickled_model(state):
            self.__dict__.update(model_pickle.unpickle_model(state).__dict__)
            return
        super(Network, self).__setstate__(state)

    def __repr__(self):
        return '<%s name=%s, %d layers>' % (self.__class__.__name__, self.name,
                                             len(self.layers))


def _step_masks(step, mvalues, given_masks, input_slots):
    if step.in_mask_slots is None:
        return None
    out = []
    for slot, mslot in zip(step.in_slots, step.in_mask_slots):
        if mslot is not None:
            out.append(mvalues[mslot])
        elif given_masks is not None and slot in input_slots:
            gm = to_list(given_masks, allow_tuple=True)
            out.append(gm[input_slots.index(slot)])
        else:
            out.append(None)
    return out if step.list_input else out[0]


def _read_values(step, values):
    """``{id(tensor): value}`` of the graph tensors ``step``'s layer reads
    besides its inputs, computed earlier in this run."""
    found = {}
    for tensor, slot in step.reads:
        if values[slot] is None:
            raise ValueError('Layer %s reads tensor %s in its call, which this model computes '
                             'after that layer (or not at all). Pass the tensor to the layer '
                             'as an input instead.' % (step.layer.name, tensor.name))
        found[id(tensor)] = values[slot]
    return found


def _all_in_mode(module, mode):
    """Whether ``module`` and its sub-modules all have ``training is mode``
    (walked as ``Module.train`` walks them)."""
    if module.training is not mode:
        return False
    for child in module._modules.values():
        if child is not None and not _all_in_mode(child, mode):
            return False
    return True


def _fed_input(model, spec):
    """The value an ``Input(tensor=...)`` holds, for an input given no data."""
    value = getattr(spec._keras_history[0], '_input_value', None)
    if value is None:
        raise ValueError('Model %s got no data for its input %s; pass it in `x` (only an '
                         '`Input(tensor=...)` built on a variable or array may be left out).'
                         % (model.name, spec.name))
    return value


def _check_graph_tensors(name, tensors, what):
    for x in tensors:
        if not is_keras_tensor(x):
            raise ValueError('%s of model %s must be symbolic tensors (from `Input` or layer '
                             'calls). Found: %r' % (what.capitalize(), name, x))


def _translate_legacy_kwargs(kwargs):
    convert_kwargs('Model', kwargs, {'input': 'inputs', 'output': 'outputs'})


def _json_default(obj):
    import numpy as np
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, torch.Size):
        return list(obj)
    if isinstance(obj, torch.dtype):
        return str(obj).replace('torch.', '')
    raise TypeError('Not JSON Serializable: %r' % (obj,))
