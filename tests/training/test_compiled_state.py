"""``keras.training.compiled_state``: the one object ``compile`` fills, which the
loops and the data code receive, and the Keras 2.3.1-era attributes of the
model that read it."""
import numpy as np
import pytest

from keras import callbacks as cbks
from keras.layers import Dense, Input
from keras.models import Model, Sequential
from keras.training import compiled_state

RNG = np.random.RandomState(5)


def _two_outputs():
    inputs = Input((3,))
    return Model(inputs, [Dense(2, name='a')(inputs), Dense(1, name='b')(inputs)])


def test_compile_fills_one_state_the_model_attributes_read():
    model = _two_outputs()
    assert compiled_state.of(model) is None
    assert model.metrics == []
    with pytest.raises(AttributeError, match="has no attribute '_targets'"):
        model._targets
    with pytest.raises(AttributeError, match="has no attribute '_step_functions'"):
        model._step_functions
    model.compile('sgd', {'a': 'mse', 'b': 'mae'}, metrics=['mae'], loss_weights=[1., .5],
                  sample_weight_mode={'a': 'temporal', 'b': None})
    state = compiled_state.of(model)
    assert not state.pending
    assert [t.name for t in state.targets] == ['a', 'b']
    assert [t.loss_weight for t in state.targets] == [1., .5]
    assert state.sample_weight_modes == ['temporal', None]
    assert state.loss_functions == model.loss_functions
    assert state.metrics_names is model.metrics_names
    assert model.metrics_names == ['loss', 'a_loss', 'b_loss', 'a_mae', 'b_mae']
    assert model._targets is state.targets
    assert model._step_functions is state.steps
    assert state.optimizer is model.optimizer is state.steps.optimizer
    assert state.graph_losses is None
    assert model.metrics == state.metrics()


def test_a_deferred_compile_finishes_in_the_same_state():
    model = Sequential([Dense(2)])
    model.compile('sgd', 'mse')
    state = compiled_state.of(model)
    assert state.pending and state.targets is None and state.steps is None
    model.fit(RNG.rand(4, 3), RNG.rand(4, 2), verbose=0)
    assert compiled_state.of(model) is state
    assert not state.pending and model._step_functions is state.steps


def test_a_recompile_during_fit_is_seen_at_the_next_batch():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile('sgd', 'mse')
    state = compiled_state.of(model)
    used = []

    class Recompile(cbks.Callback):
        def on_batch_begin(self, batch, logs=None):
            used.append(state.steps)
            if batch == 1:
                self.model.compile('sgd', 'mae')

    model.fit(RNG.rand(8, 2), RNG.rand(8, 1), batch_size=2, epochs=1, verbose=0,
              callbacks=[Recompile()])
    assert compiled_state.of(model) is state
    assert used[0] is used[1] and used[2] is not used[1] and used[2] is used[3]
    assert used[3] is state.steps


def test_check_compiled_keeps_keras_2_3_1_message():
    model = _two_outputs()
    with pytest.raises(RuntimeError, match='You must compile your model before training'):
        compiled_state.check_compiled(model, 'training the model')
