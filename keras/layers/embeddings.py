"""The ``Embedding`` layer: integer ids -> dense vectors (a row lookup).

Index checking
--------------
An id outside ``[0, input_dim)`` must give a clear error, never a wrong row,
and the check must not cost a host synchronisation per training step.  The
rule (``Embedding.index_check``, settable per layer or on the class):

- ``'auto'`` (default): on CPU the lookup itself (``F.embedding``) already
  checks the ids; its ``IndexError`` is caught and turned into an
  :class:`EmbeddingIndexError` naming the layer, the bad id, where it is and
  ``input_dim``.  Nothing is added to the normal path.  On CUDA the lookup
  kernel stops the program with a device-side assertion (no wrong rows either,
  but a terse message), so no extra work is done there; on other devices
  (MPS...) the ``'always'`` check runs, since their kernels may not check.
- ``'always'``: one fused min/max reduction (``torch.aminmax``) before the
  lookup, read back to the host (one sync per call), giving the clear error on
  every device.  Use it to debug data on a GPU.
- ``'never'``: no check beyond what the torch kernel does.
"""
import torch
import torch.nn.functional as F

from keras import constraints, initializers, regularizers
from keras.backend import config as K_config
from keras.backend import random_ops
from keras.backend import session as K_session
from keras.engine.base_layer import Layer
from keras.layers import _arguments
from keras.legacy.interfaces import convert_kwargs
from keras.utils.generic_utils import to_list

__all__ = ['Embedding']  # EmbeddingIndexError is importable from here too

_LEGACY = {'init': 'embeddings_initializer', 'W_regularizer': 'embeddings_regularizer',
           'W_constraint': 'embeddings_constraint'}
_INDEX_CHECKS = ('auto', 'always', 'never')


class EmbeddingIndexError(IndexError, ValueError):
    """An id given to an ``Embedding`` is outside ``[0, input_dim)``."""


class Embedding(Layer):
    """Turns non-negative integer ids into dense vectors of size ``output_dim``.

    ``[[4], [20]] -> [[[0.25, 0.1]], [[0.6, -0.2]]]``: row ``i`` of the
    ``(input_dim, output_dim)`` matrix ``embeddings`` is the vector of id ``i``.
    Float inputs are truncated to integers.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each vector.
        embeddings_initializer: initializer of the matrix (default ``'uniform'``,
            i.e. U(-0.05, 0.05)).
        embeddings_regularizer, activity_regularizer: regularizers.
        embeddings_constraint: constraint on the matrix.
        mask_zero: treat id 0 as padding: the layer outputs the mask
            ``inputs != 0`` for the layers after it (RNNs skip those steps);
            ``input_dim`` must then count the padding id.
        input_length: length of the input sequences when constant (an int, or a
            tuple for inputs of rank > 2); needed for ``Flatten`` + ``Dense``
            to follow.
        dropout: (Keras 1) fraction of the vocabulary dropped in training: for
            each batch, each id's vector is zeroed with this probability (all
            its occurrences alike) and the others scaled by ``1 / (1 - dropout)``,
            as Keras 1 did.  Keras 2 removed it; Keras 1 programs and files
            keep it.

    Raises:
        EmbeddingIndexError: (an ``IndexError`` and ``ValueError``) for an id
            outside ``[0, input_dim)``; see the module notes on ``index_check``.

    Input shape:
        ``(batch_size, sequence_length)`` (or more axes).
    Output shape:
        ``(batch_size, sequence_length, output_dim)``.

    Example:
        >>> model = Sequential()
        >>> model.add(Embedding(1000, 64, input_length=10))
        >>> model.output_shape
        (None, 10, 64)
    """

    index_check = 'auto'

    def __init__(self, input_dim, output_dim, embeddings_initializer='uniform',
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        dropout = kwargs.pop('dropout', 0.)
        convert_kwargs('Embedding', kwargs, _LEGACY)
        embeddings_initializer = kwargs.pop('embeddings_initializer', embeddings_initializer)
        embeddings_regularizer = kwargs.pop('embeddings_regularizer', embeddings_regularizer)
        embeddings_constraint = kwargs.pop('embeddings_constraint', embeddings_constraint)
        _drop_newer_keys(kwargs)
        if isinstance(input_length, list):
            input_length = tuple(input_length)
        if 'input_shape' not in kwargs and 'batch_input_shape' not in kwargs:
            if isinstance(input_length, tuple):
                kwargs['input_shape'] = input_length
            else:
                kwargs['input_shape'] = (input_length or None,)
        super(Embedding, self).__init__(**kwargs)
        self.input_dim = _arguments.positive_int(self, 'input_dim', input_dim)
        self.output_dim = _arguments.positive_int(self, 'output_dim', output_dim, minimum=0)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length
        self.dropout = _word_dropout_rate(self, dropout)

    @property
    def uses_learning_phase(self):
        return self.dropout > 0.

    def build(self, input_shape):
        dtype = self.dtype
        if not str(dtype).startswith(('float', 'bfloat')):
            # An integer dtype is the ids' type (Keras 1 configs' `input_dtype='int32'`,
            # `Embedding(..., dtype='int32')`): it types the model input, not the vectors.
            dtype = K_config.floatx()
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          name='embeddings',
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint,
                                          dtype=dtype)
        self.built = True

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.input_length is None:
            return input_shape + (self.output_dim,)
        lengths = list(to_list(self.input_length, allow_tuple=True))
        if len(lengths) != len(input_shape) - 1:
            raise ValueError('Embedding %s: "input_length" is %s, but received input has shape '
                             '%s.' % (self.name, self.input_length, input_shape))
        for i, (given, actual) in enumerate(zip(lengths, input_shape[1:])):
            if given is not None and actual is not None and given != actual:
                raise ValueError('Embedding %s: "input_length" is %s, but received input has '
                                 'shape %s.' % (self.name, self.input_length, input_shape))
            if given is None:
                lengths[i] = actual
        return (input_shape[0],) + tuple(lengths) + (self.output_dim,)

    def call(self, inputs, training=None):
        ids = torch.as_tensor(inputs)
        if ids.dtype not in (torch.int64, torch.int32):
            ids = ids.long()
        vectors = self._lookup(ids)
        if self.dropout and _in_training(training):
            # (one draw per id of the vocabulary: every occurrence of an id alike)
            scale = random_ops.dropout_mask((self.input_dim, 1), self.dropout, vectors.device,
                                            vectors.dtype)
            vectors = vectors * F.embedding(ids, scale)
        return vectors

    def _lookup(self, ids):
        mode = self.index_check
        if mode not in _INDEX_CHECKS:
            raise ValueError('Embedding %s: index_check must be one of %s, got %r.'
                             % (self.name, _INDEX_CHECKS, mode))
        device = ids.device.type
        if mode == 'always' or (mode == 'auto' and device not in ('cpu', 'cuda')):
            self._check_range(ids)
        if device != 'cpu' or mode == 'never':
            return F.embedding(ids, self.embeddings)
        try:
            return F.embedding(ids, self.embeddings)
        except IndexError as e:
            error = e
        self._check_range(ids)  # raises the clear error when an id is the cause
        raise error

    def _check_range(self, ids):
        """Raise :class:`EmbeddingIndexError` when an id is out of range."""
        if ids.numel() == 0:
            return
        low, high = torch.aminmax(ids.detach())
        if int(low) >= 0 and int(high) < self.input_dim:
            return
        bad = (ids < 0) | (ids >= self.input_dim)
        where = tuple(int(i) for i in bad.nonzero()[0])
        value = int(ids[where])
        raise EmbeddingIndexError(
            'Embedding %s got index %d (at position %s of its input of shape %s), which is '
            'outside [0, input_dim) = [0, %d). Ids seen in this batch range from %d to %d. '
            'Make `input_dim` the vocabulary size + 1 (largest id + 1), or fix the data '
            '(e.g. `num_words=` of the Tokenizer).'
            % (self.name, value, where, tuple(ids.shape), self.input_dim, int(low), int(high)))

    def get_config(self):
        config = {'input_dim': self.input_dim,
                  'output_dim': self.output_dim,
                  'embeddings_initializer': initializers.serialize(self.embeddings_initializer),
                  'embeddings_regularizer': regularizers.serialize(self.embeddings_regularizer),
                  'activity_regularizer': regularizers.serialize(self.activity_regularizer),
                  'embeddings_constraint': constraints.serialize(self.embeddings_constraint),
                  'mask_zero': self.mask_zero,
                  'input_length': self.input_length}
        if self.dropout:  # (Keras 1's argument: written only when used)
            config['dropout'] = self.dropout
        base = super(Embedding, self).get_config()
        return dict(list(base.items()) + list(config.items()))


def _word_dropout_rate(layer, rate):
    """Keras 1's ``dropout`` argument, checked: a fraction in [0, 1)."""
    if rate is None:
        return 0.
    try:
        value = float(rate)
    except (TypeError, ValueError):
        value = None
    if value is None or not 0. <= value < 1.:
        raise ValueError('Embedding %s: `dropout` (Keras 1: the fraction of the vocabulary '
                         'dropped in training) must be a number in [0, 1), got %r.'
                         % (layer.name, rate))
    return value


def _in_training(training):
    if training is None:
        return bool(K_session.learning_phase())
    return bool(training)


def _drop_newer_keys(kwargs):
    """Accept the keys newer tf.keras / Keras 3 configs write."""
    if kwargs.pop('sparse', False):
        raise ValueError('Embedding(sparse=True) (sparse gradients) is not supported; use '
                         'sparse=False.')
    if kwargs.pop('lora_rank', None):
        raise ValueError('Embedding(lora_rank=...) is a Keras 3 option that is not supported.')
    kwargs.pop('embeddings_lora_rank', None)
