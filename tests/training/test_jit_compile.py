"""``compile(..., jit_compile=...)``: the train step under ``torch.compile``."""
import numpy as np
import pytest

import keras
from keras.layers import Dense
from keras.models import Sequential


def _train(jit_compile, x, y, start=None, epochs=2):
    model = Sequential([Dense(8, activation='tanh', input_shape=(4,)),
                        Dense(3, activation='softmax')])
    if start is not None:
        model.set_weights(start)
    model.compile(keras.optimizers.Adam(lr=0.01), 'categorical_crossentropy',
                  metrics=['accuracy'], jit_compile=jit_compile)
    hist = model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0)
    return model, hist


def _data():
    rng = np.random.RandomState(0)
    x = rng.rand(36, 4).astype('float32')  # 4 full batches and one of 4 rows
    y = np.eye(3, dtype='float32')[rng.randint(3, size=36)]
    return x, y


def _eager_and_compiled(backend):
    x, y = _data()
    reference = Sequential([Dense(8, activation='tanh', input_shape=(4,)),
                            Dense(3, activation='softmax')])
    start = reference.get_weights()
    eager, hist = _train(False, x, y, start)
    jit, jit_hist = _train(backend, x, y, start)
    return x, y, (eager, hist), (jit, jit_hist)


def test_compiled_step_matches_eager_aot_eager():
    x, y, (eager, hist), (jit, jit_hist) = _eager_and_compiled('aot_eager')
    assert 'step' in jit._step_functions._compiled
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-6)
    for key in hist.history:
        np.testing.assert_allclose(jit_hist.history[key], hist.history[key], atol=1e-6)
    np.testing.assert_allclose(jit.evaluate(x, y, verbose=0), eager.evaluate(x, y, verbose=0),
                               atol=1e-6)


@pytest.mark.slow
def test_compiled_step_matches_eager_inductor():
    _, _, (eager, hist), (jit, jit_hist) = _eager_and_compiled(True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-5)
    np.testing.assert_allclose(jit_hist.history['loss'], hist.history['loss'], atol=1e-5)


def test_jit_compile_rejects_other_values():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match='jit_compile'):
        model.compile('sgd', 'mse', jit_compile=3)
    model.compile('sgd', 'mse', jit_compile=False)
    assert model._step_functions.jit_compile is False


@pytest.mark.parametrize('make', [
    lambda: keras.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True, decay=0.01),
    lambda: keras.optimizers.RMSprop(decay=0.01),
    lambda: keras.optimizers.Adam(decay=0.01),
])
def test_compiled_step_is_one_graph_without_breaks(make):
    """No host reads in the traced step (the optimizers' CPU shortcuts that read
    hyper-parameters as numbers are off while tracing): one graph, no
    recompilation as the decayed rate changes."""
    import torch
    from torch._dynamo import utils as dynamo_utils
    torch._dynamo.reset()
    dynamo_utils.counters.clear()
    x, y = _data()
    model = Sequential([Dense(8, activation='relu', input_shape=(4,)),
                        keras.layers.Dropout(0.5), Dense(3, activation='softmax')])
    model.compile(make(), 'categorical_crossentropy', metrics=['accuracy'],
                  jit_compile='eager')
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert dict(dynamo_utils.counters['graph_break']) == {}
    # one program: the last, smaller batch of each epoch runs eagerly
    assert dynamo_utils.counters['stats']['unique_graphs'] == 1


@pytest.mark.parametrize('backend', [
    'aot_eager',
    # inductor compiles C++ for minutes on a loaded 2-core machine
    pytest.param(True, marks=pytest.mark.slow)])
def test_compiled_step_with_stacked_fused_lstms_trains(backend):
    """The fused LSTM kernel runs outside the compiled graph (inductor's CPU
    lowering of it failed with 'expected Tensor() for op mkldnn_rnn_layer')."""
    rng = np.random.RandomState(0)
    x = rng.rand(8, 3, 2).astype('float32')
    y = rng.rand(8, 1).astype('float32')

    def build(jit_compile):
        model = Sequential([keras.layers.LSTM(4, return_sequences=True, input_shape=(3, 2)),
                            keras.layers.LSTM(4), Dense(1)])
        model.compile(keras.optimizers.SGD(lr=0.1), 'mse', jit_compile=jit_compile)
        return model
    eager, jit = build(False), build(backend)
    jit.set_weights(eager.get_weights())
    eager_loss = eager.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    jit_loss = jit.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(jit_loss.history['loss'], eager_loss.history['loss'], atol=1e-5)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-5)


def test_compiled_step_moves_batchnorm_statistics_unless_frozen():
    """The in-call update restriction (frozen BatchNormalization) is traced
    without graph breaks and decided per compile."""
    import torch
    from torch._dynamo import utils as dynamo_utils
    torch._dynamo.reset()
    dynamo_utils.counters.clear()
    x, y = _data()
    bn = keras.layers.BatchNormalization()
    model = Sequential([Dense(5, input_shape=(4,)), bn, Dense(3)])
    model.compile('sgd', 'mse', jit_compile='eager')
    start = bn.moving_mean.detach().clone()
    model.fit(x[:32], y[:32], batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert dict(dynamo_utils.counters['graph_break']) == {}
    assert not torch.equal(start, bn.moving_mean)
    bn.trainable = False
    model.compile('sgd', 'mse', jit_compile='eager')
    frozen = bn.moving_mean.detach().clone()
    model.fit(x[:32], y[:32], batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert torch.equal(frozen, bn.moving_mean)


def _slow_backend(gm, example_inputs):
    """A torch.compile backend whose graphs run as they are, 50 ms late."""
    import time

    def run(*args):
        time.sleep(0.05)
        return gm.forward(*args)
    return run


def test_jit_compile_true_keeps_the_eager_step_when_it_is_faster(monkeypatch):
    from keras.training import steps
    compile_as = steps._compile
    # jit_compile=True as it is, but with a backend that makes the compiled step slow
    monkeypatch.setattr(steps, '_compile', lambda fn, option: compile_as(fn, _slow_backend))
    x, y = _data()
    start = Sequential([Dense(8, activation='tanh', input_shape=(4,)),
                        Dense(3, activation='softmax')]).get_weights()
    eager, hist = _train(False, x, y, start, epochs=4)
    jit, jit_hist = _train(True, x, y, start, epochs=4)
    chosen = jit._step_functions
    assert chosen.jit_choice == {'step': 'eager'}
    assert chosen._compiled['step'] == chosen._train_step  # no chooser left on the hot path
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-6)
    np.testing.assert_allclose(jit_hist.history['loss'], hist.history['loss'], atol=1e-6)


def _keep_compiled(monkeypatch, backend='aot_eager'):
    """jit_compile=True, with an eager step made slow so the compiled one is kept."""
    from keras.training import compiled_or_eager, steps
    real_init = compiled_or_eager.CompiledStep.__init__

    def slow_eager(self, eager, compiled, on_choice):
        import time

        def late(*args):
            time.sleep(0.02)
            return eager(*args)
        real_init(self, late, compiled, on_choice)
    monkeypatch.setattr(compiled_or_eager.CompiledStep, '__init__', slow_eager)
    compile_as = steps._compile
    monkeypatch.setattr(steps, '_compile', lambda fn, option: compile_as(fn, backend))


def test_jit_compile_true_keeps_the_compiled_step_when_it_is_faster(monkeypatch):
    _keep_compiled(monkeypatch)
    x, y = _data()
    jit, _ = _train(True, x, y, epochs=4)
    assert jit._step_functions.jit_choice == {'step': 'compiled'}


def test_a_named_backend_is_always_used():
    x, y = _data()
    jit, _ = _train('aot_eager', x, y, epochs=4)
    assert jit._step_functions.jit_choice == {}


def test_only_recurring_batch_shapes_get_a_program(monkeypatch):
    import torch
    from torch._dynamo import utils as dynamo_utils
    from keras.training import compiled_or_eager
    monkeypatch.setattr(compiled_or_eager, 'RECURRING', 3)
    torch._dynamo.reset()
    dynamo_utils.counters.clear()
    x, y = _data()  # batches of 8 and a last one of 4
    model, _ = _train('eager', x, y, epochs=3)
    assert dynamo_utils.counters['stats']['unique_graphs'] == 1
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)  # 4th time: compiled
    assert dynamo_utils.counters['stats']['unique_graphs'] == 2


def test_every_compiled_model_gets_its_own_programs():
    # dynamo counts programs per code object against recompile_limit (8 by
    # default, 2 here): every later model compiled in a process must still get
    # a compiled step
    import torch
    from torch._dynamo import utils as dynamo_utils
    x, y = _data()
    dynamo_utils.counters.clear()
    with torch._dynamo.config.patch(recompile_limit=2):
        for _ in range(3):
            _train('eager', x, y, epochs=1)
    assert dynamo_utils.counters['frames']['ok'] == 3


def test_a_kept_compiled_step_skips_guards_and_still_reads_tensor_values(monkeypatch):
    _keep_compiled(monkeypatch)
    x, y = _data()
    start = Sequential([Dense(8, activation='tanh', input_shape=(4,)),
                        Dense(3, activation='softmax')]).get_weights()
    eager, hist = _train(False, x, y, start, epochs=4)
    jit, jit_hist = _train(True, x, y, start, epochs=4)
    step = jit._step_functions._compiled['step']
    assert jit._step_functions.jit_choice == {'step': 'compiled'}
    assert step.unguarded is not None
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-6)
    np.testing.assert_allclose(jit_hist.history['loss'], hist.history['loss'], atol=1e-6)
    # a value set in a tensor reaches the unguarded program
    keras.backend.set_value(jit.optimizer.lr, 0.)
    before = jit.get_weights()
    jit.fit(x[:32], y[:32], batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(before, jit.get_weights()):
        np.testing.assert_array_equal(a, b)


def _chooser_on(fn):
    """A CompiledStep over ``fn`` whose eager version is made slow (the compiled one is kept)."""
    import time
    import torch
    from keras.training.compiled_or_eager import CompiledStep

    def slow(x):
        time.sleep(0.05)
        return fn(x)
    choices = []
    return CompiledStep(slow, torch.compile(fn, backend='eager'), choices.append), choices


def test_a_kept_program_skips_its_guards_when_they_held_in_every_trial():
    import torch
    from keras.training.compiled_or_eager import TRIALS
    step, choices = _chooser_on(lambda x: x * 2.)
    for _ in range(1 + 2 * TRIALS):
        step(torch.ones(2))
    assert choices == ['compiled'] and step.unguarded is not None
    np.testing.assert_array_equal(step(torch.ones(2)).numpy(), [2., 2.])


def test_a_program_recompiled_during_its_trials_keeps_its_guards():
    import torch
    from keras.training.compiled_or_eager import TRIALS
    state = {'calls': 0}

    def changing(x):  # reads a Python number that changes at every call
        state['calls'] += 1
        return x * state['calls']
    step, choices = _chooser_on(changing)
    for _ in range(1 + 2 * TRIALS):
        step(torch.ones(2))
    assert choices == ['compiled'] and step.unguarded is None
    calls = state['calls']
    np.testing.assert_array_equal(step(torch.ones(2)).numpy(), [calls + 1.] * 2)


def test_unguarded_steps_of_a_gan_train_as_eager_ones(monkeypatch):
    # a discriminator compiled alone, then frozen inside the combined model:
    # the two kept, unguarded programs share layers and claim their weights'
    # requires_grad flags before each step
    from keras.layers import Input
    from keras.models import Model

    def build(jit, weights=None):
        d = Sequential([Dense(8, activation='relu', input_shape=(4,)),
                        Dense(1, activation='sigmoid')])
        g = Sequential([Dense(8, activation='relu', input_shape=(2,)), Dense(4)])
        if weights is not None:
            d.set_weights(weights[0])
            g.set_weights(weights[1])
        d.compile(keras.optimizers.Adam(0.01), 'binary_crossentropy', jit_compile=jit)
        d.trainable = False
        z = Input((2,))
        gan = Model(z, d(g(z)))
        gan.compile(keras.optimizers.Adam(0.01), 'binary_crossentropy', jit_compile=jit)
        return d, g, gan

    def train(d, g, gan):
        rng = np.random.RandomState(1)
        real = rng.randn(16, 4).astype('float32') + 2.
        ones, zeros = np.ones((16, 1), 'float32'), np.zeros((16, 1), 'float32')
        with pytest.warns(UserWarning, match='Discrepancy'):  # (as Keras 2.3.1 warns)
            for _ in range(12):
                fake = g.predict(rng.randn(16, 2).astype('float32'))
                d.train_on_batch(np.concatenate([real, fake]), np.concatenate([ones, zeros]))
                gan.train_on_batch(rng.randn(16, 2).astype('float32'), ones)
        return d.get_weights() + g.get_weights()

    d, g, _ = build(False)
    start = (d.get_weights(), g.get_weights())
    eager = train(*build(False, start))
    _keep_compiled(monkeypatch)
    d, g, gan = build(True, start)
    jit = train(d, g, gan)
    for model in (d, gan):
        assert model._step_functions.jit_choice == {'step': 'compiled'}
        assert model._step_functions._compiled['step'].unguarded is not None
    for a, b in zip(eager, jit):
        np.testing.assert_allclose(b, a, atol=1e-5)
