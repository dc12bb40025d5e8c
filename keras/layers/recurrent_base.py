"""``RNN``: the layer that runs a recurrent cell over a sequence.

Where the cell is a built-in one and its configuration is mathematically
PyTorch's fused kernel (LSTM with tanh/sigmoid, GRU with ``reset_after=True``,
SimpleRNN with tanh/relu; no recurrent dropout in training; no mask, or a mask
whose rows are each one unbroken run, such as pre- or post-padding), the whole
sequence goes to that kernel with weights viewed from Keras's layout.  Every
other configuration runs a Python loop over the cell
(:mod:`keras.layers._rnn_ops`); for the built-in cells the input products are
computed for the whole sequence at once and each step is only the recurrent
half of the cell, prepared once per call.  Both give Keras's numbers.  What a
cell provides for either way is :mod:`keras.layers._cell_protocol`.

Public through :mod:`keras.layers.recurrent`.
"""
import torch

from keras.engine.base_layer import Layer
from keras.engine.input_spec import InputSpec
from keras.engine.keras_tensor import is_keras_tensor
from keras.engine.layer_calls import is_shape_list
from keras.layers import _cell_protocol, _rnn_ops
from keras.layers._cell_protocol import FastPathCell
from keras.layers.recurrent_cells import StackedRNNCells, _output_size, _state_count
from keras.legacy.interfaces import convert_kwargs
from keras.legacy.rnn_arguments import rnn_table
from keras.utils.generic_utils import has_arg

__all__ = ['RNN']


def _standardize_args(inputs, initial_state, constants, num_constants):
    """Split ``[inputs, *initial_state, *constants]`` (how a model file or a
    functional model passes them) into three parts; states and constants as
    lists or ``None``."""
    if isinstance(inputs, (list, tuple)):
        inputs = list(inputs)
        if initial_state is not None or constants is not None:
            if len(inputs) != 1:
                raise ValueError('An RNN was given its initial state or constants both in the '
                                 'inputs list and as keyword arguments.')
        else:
            if num_constants:
                constants = inputs[-num_constants:]
                inputs = inputs[:-num_constants]
            if len(inputs) > 1:
                initial_state = inputs[1:]
        inputs = inputs[0]

    def to_list_or_none(x):
        if x is None or isinstance(x, list):
            return x
        if isinstance(x, tuple):
            return list(x)
        return [x]
    return inputs, to_list_or_none(initial_state), to_list_or_none(constants)


def _state_shape(batch_size, dim):
    return (batch_size,) + (tuple(dim) if hasattr(dim, '__len__') else (dim,))


def _state_sizes(cell):
    size = cell.state_size
    return list(size) if hasattr(size, '__len__') else [size]


_NO_BATCH_SIZE = ('If a RNN is stateful, it needs to know its batch size. Specify the batch '
                  'size of your input tensors: \n- If using a Sequential model, specify the '
                  'batch size by passing a `batch_input_shape` argument to your first layer.'
                  '\n- If using the functional API, specify the batch size by passing a '
                  '`batch_shape` argument to your Input layer.')


def reset_state_tensors(layer, current, batch_size, sizes, values=None):
    """Zero a stateful layer's state tensors in place, or set them to
    ``values``; create them first when needed.  Returns the state list."""
    if not batch_size:
        raise ValueError(_NO_BATCH_SIZE)
    shapes = [_state_shape(batch_size, dim) for dim in sizes]
    if current is None or any(s is None for s in current) or \
            [tuple(s.shape) for s in current] != shapes:
        weights = layer.weights
        device = weights[0].device if weights else None
        dtype = weights[0].dtype if weights else None
        current = [torch.zeros(s, dtype=dtype, device=device) for s in shapes]
    if values is None:
        for s in current:
            s.zero_()
        return current
    given = list(values) if isinstance(values, (list, tuple)) else [values]
    if len(given) != len(current):
        raise ValueError('Layer %s expects %d states, but it received %d state values. Input '
                         'received: %s' % (layer.name, len(current), len(given), values))
    for index, (value, shape) in enumerate(zip(given, shapes)):
        if tuple(value.shape) != shape:
            raise ValueError('State %d is incompatible with layer %s: expected shape=%s, found '
                             'shape=%s' % (index, layer.name, shape, tuple(value.shape)))
    with torch.no_grad():
        for s, value in zip(current, given):
            s.copy_(torch.as_tensor(value, dtype=s.dtype, device=s.device))
    return current


def carried_states(layer, current, inputs):
    """``(current, copies)``: the stored states (moved to the inputs' device)
    and copies to start the sequence from; checks the batch size."""
    size = current[0].shape[0]
    if inputs.shape[0] != size:
        raise ValueError('Layer %s is stateful with a batch size of %d, but it received a batch '
                         'of %d samples. Feed batches of exactly %d samples (for predict and '
                         'evaluate, pass batch_size=%d and a number of samples divisible by it).'
                         % (layer.name, size, inputs.shape[0], size, size))
    if current[0].device != inputs.device:
        current = [s.to(inputs.device) for s in current]
    return current, [s.clone() for s in current]


def store_states(current, new_states):
    """Copy the final states of a batch into the stored state tensors, in place."""
    with torch.no_grad():
        for s, new in zip(current, new_states):
            s.copy_(new.detach())


def _reset_cell_masks(cell):
    cells = cell.cells if isinstance(cell, StackedRNNCells) else [cell]
    for c in cells:
        if isinstance(c, FastPathCell):
            c._reset_dropout_masks()
            continue
        if hasattr(c, '_dropout_mask'):
            c._dropout_mask = None
        if hasattr(c, '_recurrent_dropout_mask'):
            c._recurrent_dropout_mask = None


class RNN(Layer):
    """Base class for recurrent layers: runs a cell over a sequence.

    Args:
        cell: an RNN cell (``call(input_t, states) -> (output_t, new_states)``
            and ``state_size``; ``output_size`` optional), or a list of cells
            (stacked with :class:`StackedRNNCells`).
        return_sequences: return every step's output, not only the last.
        return_state: also return the final states: ``[output, *states]``.
        go_backwards: process the sequence from its end; the returned
            sequence is in that (reversed) order.
        stateful: keep the final states of each batch as the initial states
            of the next (needs a fixed batch size, e.g. ``batch_input_shape``).
        unroll: under ``torch.compile`` (``jit_compile=True``), trace the
            time loop into the graph whatever its length (by default only
            loops of up to ``KERAS_RNN_UNROLL_STEPS`` steps are); the
            numbers are the same either way.

    Call arguments:
        inputs: ``(batch, time, features)``.
        mask: ``(batch, time)`` booleans; masked steps keep the previous state
            and output.
        training: whether dropout applies (default: the learning phase).
        initial_state: list of initial state tensors (symbolic in a model).
        constants: tensors passed to every step (``cell.call(..., constants=)``).

    Input shape:
        ``(batch, time, features)``.
    Output shape:
        ``(batch, time, units)`` with ``return_sequences``, else
        ``(batch, units)``; with ``return_state``, a list with the states
        ``(batch, state_size)`` after it.

    Example:
        >>> cells = [LSTMCell(32), LSTMCell(32)]
        >>> y = RNN(cells, return_sequences=True)(Input((None, 5)))
    """

    _cell_path = None  # how the cell runs, chosen at build: _cell_protocol.choose_path

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, **kwargs):
        if 'input_dim' in kwargs or 'input_length' in kwargs:
            name = self.__class__.__name__
            convert_kwargs(name, kwargs, *rnn_table(name, kwargs))
        time_major = kwargs.pop('time_major', False)
        zero_output_for_mask = kwargs.pop('zero_output_for_mask', False)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, 'call'):
            raise ValueError('`cell` should have a `call` method. The RNN was passed: %r'
                             % (cell,))
        if not hasattr(cell, 'state_size'):
            raise ValueError('The RNN cell should have an attribute `state_size` (tuple of '
                             'integers, one integer per RNN state). Received: %r' % (cell,))
        super(RNN, self).__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.time_major = bool(time_major)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = None
        self.constants_spec = None
        self._states = None
        self._num_constants = None

    # ----------------------------------------------------------------- states
    @property
    def states(self):
        if self._states is None:
            return [None] * _state_count(self.cell)
        return self._states

    @states.setter
    def states(self, states):
        self._states = states

    @property
    def uses_learning_phase(self):
        """Whether a cell drops inputs or states in training."""
        cells = self.cell.cells if isinstance(self.cell, StackedRNNCells) else [self.cell]
        return any(getattr(c, 'dropout', 0) + getattr(c, 'recurrent_dropout', 0) > 0
                   for c in cells)

    def _in_call_update_variables(self, kwargs):
        """A stateful layer's call stores its final states."""
        return list(self.states) if self.stateful else []

    def get_initial_state(self, inputs):
        """Zero states ``(batch, size)`` for ``inputs`` ``(batch, time, ...)``."""
        batch = inputs.shape[0]
        return [torch.zeros(_state_shape(batch, dim), dtype=inputs.dtype, device=inputs.device)
                for dim in _state_sizes(self.cell)]

    def _stateful_batch_size(self):
        spec = self.input_spec[0] if isinstance(self.input_spec, list) else self.input_spec
        if spec is not None and spec.shape is not None:
            return spec.shape[1 if self.time_major else 0]
        shape = getattr(self, 'batch_input_shape', None)
        return shape[1 if self.time_major else 0] if shape else None

    def reset_states(self, states=None):
        """Set the states of a stateful RNN to zeros, or to ``states`` (arrays)."""
        if not self.stateful:
            raise AttributeError('Layer must be stateful.')
        self._states = reset_state_tensors(self, self._states, self._stateful_batch_size(),
                                           _state_sizes(self.cell), states)

    def _stateful_initial_states(self, inputs):
        if self._states is None or self._states[0] is None:
            self.reset_states()
        self._states, carried = carried_states(self, self._states, inputs)
        return carried

    # ------------------------------------------------------------------ shape
    def _batch_major(self, shape):
        shape = tuple(shape)
        return (shape[1], shape[0]) + shape[2:] if self.time_major else shape

    def compute_output_shape(self, input_shape):
        if is_shape_list(input_shape):
            input_shape = input_shape[0]
        batch, steps = self._batch_major(input_shape)[:2]
        output_dim = _output_size(self.cell)
        if self.return_sequences:
            output_shape = (steps, batch) if self.time_major else (batch, steps)
            output_shape = output_shape + _state_shape(None, output_dim)[1:]
        else:
            output_shape = _state_shape(batch, output_dim)
        if self.return_state:
            return [output_shape] + [_state_shape(batch, dim) for dim in _state_sizes(self.cell)]
        return output_shape

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * _state_count(self.cell)
        return output_mask

    def build(self, input_shape):
        shapes = [tuple(s) for s in input_shape] if is_shape_list(input_shape) \
            else [tuple(input_shape)]
        main = self._batch_major(shapes[0])
        constants_shape = shapes[-self._num_constants:] if self._num_constants else None
        if self.unroll and main[1] is None:
            raise ValueError('Cannot unroll a RNN if the time dimension is undefined. \n- If '
                             'using a Sequential model, specify the time dimension by passing '
                             'an `input_shape` or `batch_input_shape` argument to your first '
                             'layer. If your first layer is an Embedding, you can also use the '
                             '`input_length` argument.\n- If using the functional API, specify '
                             'the time dimension by passing a `shape` or `batch_shape` argument '
                             'to your Input layer.')
        batch = main[0] if self.stateful else None
        spec_shape = (None, batch) if self.time_major else (batch, None)
        spec = InputSpec(shape=spec_shape + main[2:])
        if isinstance(self.input_spec, list) and self.input_spec:
            self.input_spec[0] = spec
        else:
            self.input_spec = [spec]
        if isinstance(self.cell, Layer) and not self.cell.built:
            step_shape = (main[0],) + main[2:]
            self.cell.build([step_shape] + list(constants_shape) if constants_shape
                            else step_shape)
            self.cell.built = True
        sizes = _state_sizes(self.cell)
        if self.state_spec is not None:
            if [spec.shape[-1] for spec in self.state_spec] != \
                    [s[-1] if hasattr(s, '__len__') else s for s in sizes]:
                raise ValueError('An `initial_state` was passed that is not compatible with '
                                 '`cell.state_size`. Received `state_spec`=%s; however '
                                 '`cell.state_size` is %s' % (self.state_spec,
                                                              self.cell.state_size))
        else:
            self.state_spec = [InputSpec(shape=_state_shape(None, dim)) for dim in sizes]
        self.built = True
        self._cell_path = _cell_protocol.choose_path(self.cell)
        self._name_cell_weights()
        if self.stateful:
            self.reset_states()

    def _name_cell_weights(self, prefix=None):
        """Name the cell's weights as Keras 2.3.1 did: ``<layer>/kernel:0``."""
        if not isinstance(self.cell, Layer):
            return
        prefix = prefix or self.name
        used = set()
        for w in self.cell.weights:
            short = getattr(w, '_keras_name', 'weight').split('/')[-1].split(':')[0]
            name, i = short, 1
            while name in used:
                name, i = '%s_%d' % (short, i), i + 1
            used.add(name)
            w._keras_name = '%s/%s:0' % (prefix, name)

    # ------------------------------------------------------------------- call
    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        inputs, initial_state, constants = _standardize_args(
            inputs, initial_state, constants, self._num_constants)
        if initial_state is None and constants is None:
            return Layer.__call__(self, inputs, **kwargs)
        extra = (initial_state or []) + (constants or [])
        symbolic = [is_keras_tensor(t) for t in extra]
        if any(symbolic) != all(symbolic) or (all(symbolic) and not is_keras_tensor(inputs)):
            raise ValueError('The initial state or constants of an RNN layer cannot be '
                             'specified with a mix of Keras tensors and non-Keras tensors (a '
                             '"Keras tensor" is a tensor that was returned by a Keras layer, '
                             'or by `Input`)')
        if constants is not None:
            self._num_constants = len(constants)
        if not symbolic[0]:
            if not self.built:
                shapes = [tuple(t.shape) if is_keras_tensor(t) else tuple(torch.as_tensor(t).shape)
                          for t in [inputs] + extra]
                self._maybe_build(shapes if constants is not None else shapes[0])
            if initial_state is not None:
                kwargs['initial_state'] = initial_state
            if constants is not None:  # (only then: a custom `call` may not take it)
                kwargs['constants'] = constants
            return Layer.__call__(self, inputs, **kwargs)
        specs = []
        if initial_state is not None:
            self.state_spec = [InputSpec(shape=tuple(s.shape)) for s in initial_state]
            specs += self.state_spec
        if constants is not None:
            self.constants_spec = [InputSpec(shape=tuple(c.shape)) for c in constants]
            specs += self.constants_spec
        main_spec = self.input_spec if isinstance(self.input_spec, list) else [self.input_spec]
        self.input_spec = [main_spec[0]] + specs
        try:
            return Layer.__call__(self, [inputs] + extra, **kwargs)
        finally:
            self.input_spec = [self.input_spec[0]]

    def _split_inputs(self, inputs, initial_state, constants):
        if isinstance(inputs, (list, tuple)):
            inputs = list(inputs)
            if len(inputs) == 1:
                return inputs[0], initial_state, constants
            n = self._num_constants
            in_list = inputs[1:-n] if n else inputs[1:]
            if initial_state is not None and in_list:
                raise ValueError('Layer was passed initial state via both kwarg and inputs '
                                 'list')
            if n and constants is None:
                constants = inputs[-n:]
            initial_state = initial_state if initial_state is not None else (in_list or None)
            inputs = inputs[0]
        if initial_state is not None and not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        if constants is not None and not isinstance(constants, (list, tuple)):
            constants = [constants]
        return inputs, initial_state, constants

    def _initial_states(self, inputs, initial_state):
        if initial_state is not None:
            states = [torch.as_tensor(s, device=inputs.device) for s in initial_state]
            states = [s if s.dtype == inputs.dtype or not s.is_floating_point()
                      else s.to(inputs.dtype) for s in states]
        elif self.stateful:
            states = self._stateful_initial_states(inputs)
        else:
            states = self.get_initial_state(inputs)
        if len(states) != _state_count(self.cell):
            raise ValueError('Layer has %d states but was passed %d initial states.'
                             % (_state_count(self.cell), len(states)))
        return states

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        inputs, initial_state, constants = self._split_inputs(inputs, initial_state, constants)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        inputs = torch.as_tensor(inputs)
        if self.time_major:
            inputs = inputs.transpose(0, 1)
        if inputs.dim() < 3 or inputs.shape[1] == 0:
            raise ValueError('Layer %s expects inputs of shape (batch, time, features) with at '
                             'least one time step; got shape %s.'
                             % (self.name, tuple(inputs.shape)))
        states = self._initial_states(inputs, initial_state)
        last, sequence, states = self._run(inputs, states, constants, mask,
                                           _cell_protocol.in_training(training))
        if self.stateful:
            store_states(self._states, states)
        output = sequence if self.return_sequences else last
        if self.time_major and self.return_sequences:
            output = output.transpose(0, 1)
        if self.return_state:
            return [output] + list(states)
        return output

    def _run(self, inputs, states, constants, mask, training):
        cell = self.cell
        if mask is not None:
            mask = torch.as_tensor(mask, device=inputs.device).bool()
        _reset_cell_masks(cell)
        options = dict(mask=mask, go_backwards=self.go_backwards,
                       want_sequence=self.return_sequences,
                       zero_output_for_mask=self.zero_output_for_mask)
        path = self._cell_path or _cell_protocol.choose_path(cell)
        if path != _cell_protocol.GENERIC and not constants:
            return _cell_protocol.run_fast(cell, inputs, states, training, self.unroll,
                                           fused=path == _cell_protocol.FUSED, **options)
        loop = _rnn_ops.loop_runner(_rnn_ops.run_loop, inputs.shape[1], self.unroll)
        return loop(self._cell_step(constants, training), inputs, states, **options)

    def _cell_step(self, constants, training):
        cell = self.cell
        kwargs = {}
        if has_arg(cell.call, 'training'):
            kwargs['training'] = training
        if constants:
            if not has_arg(cell.call, 'constants'):
                raise ValueError('RNN cell does not support constants')
            kwargs['constants'] = constants
        return lambda x, states: cell.call(x, states, **kwargs)

    # ----------------------------------------------------------------- config
    def get_config(self):
        config = {'return_sequences': self.return_sequences,
                  'return_state': self.return_state,
                  'go_backwards': self.go_backwards,
                  'stateful': self.stateful,
                  'unroll': self.unroll}
        if self.time_major:
            config['time_major'] = True
        if self._num_constants is not None:
            config['num_constants'] = self._num_constants
        config['cell'] = {'class_name': self.cell.__class__.__name__,
                          'config': self.cell.get_config()}
        base = super(RNN, self).get_config()
        return dict(list(base.items()) + list(config.items()))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from keras.layers import deserialize as deserialize_layer
        config = dict(config)
        cell = deserialize_layer(config.pop('cell'), custom_objects=custom_objects)
        num_constants = config.pop('num_constants', None)
        layer = cls(cell, **config)
        layer._num_constants = num_constants
        return layer

