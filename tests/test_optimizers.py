"""keras.optimizers against NumPy versions of Keras 2.3.1's (and tf.keras's) formulas."""
import json
import os
import warnings

import numpy as np
import pytest
import torch

from keras import backend as K
from keras import optimizers

SHAPES = [(3, 4), (4,)]
EPS = 1e-7
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        '..', 'shared', 'fixtures', 'keras2')


# -- NumPy references ------------------------------------------------------------------

def _clip(gs, hp):
    c = hp.get('clipnorm', 0)
    if c > 0:
        norm = np.sqrt(sum(np.sum(g ** 2) for g in gs))
        gs = [g * c / norm if norm >= c else g for g in gs]
    c = hp.get('clipvalue', 0)
    if c > 0:
        gs = [np.clip(g, -c, c) for g in gs]
    return gs


def _ref_step(kind, hp, ps, gs, st, it):
    """One Keras 2.3.1 update (tf.keras 2.11+ when hp['tf2']) of ps, in place."""
    gs = _clip(gs, hp)
    lr = hp['lr']
    if hp.get('decay', 0) > 0:
        lr = lr * (1. / (1. + hp['decay'] * it))
    t = it + 1.
    b1, b2, rho, eps, tf2 = hp.get('b1'), hp.get('b2'), hp.get('rho'), EPS, hp.get('tf2')
    if kind == 'nadam':
        sd = 1.0 if tf2 else 0.004
        cache_t = b1 * (1. - 0.5 * 0.96 ** (t * sd))
        cache_n = b1 * (1. - 0.5 * 0.96 ** ((t + 1) * sd))
        sched_new = st['sched'] * cache_t
        sched_next = sched_new * cache_n
        st['sched'] = sched_new
    for i, (p, g) in enumerate(zip(ps, gs)):
        s = st.setdefault(i, {})
        z = np.zeros_like(p)
        if kind == 'sgd':
            v = hp['momentum'] * s.get('m', z) - lr * g
            s['m'] = v
            p += hp['momentum'] * v - lr * g if hp.get('nesterov') else v
        elif kind == 'rmsprop':
            a = s['a'] = rho * s.get('a', z) + (1 - rho) * g ** 2
            base = a
            if hp.get('centered'):
                mg = s['mg'] = rho * s.get('mg', z) + (1 - rho) * g
                base = a - mg ** 2
            mom = hp.get('momentum', 0)
            den = np.sqrt(base + eps) if (tf2 or mom) else np.sqrt(base) + eps
            if mom:
                s['mom'] = mom * s.get('mom', z) + lr * g / den
                p -= s['mom']
            else:
                p -= lr * g / den
        elif kind == 'adagrad':
            a = s['a'] = s.get('a', z + hp.get('init', 0.)) + g ** 2
            p -= lr * g / (np.sqrt(a + eps) if tf2 else np.sqrt(a) + eps)
        elif kind == 'adadelta':
            a = s['a'] = rho * s.get('a', z) + (1 - rho) * g ** 2
            d = s.get('d', z)
            upd = g * np.sqrt(d + eps) / np.sqrt(a + eps)
            p -= lr * upd
            s['d'] = rho * d + (1 - rho) * upd ** 2
        elif kind == 'adam':
            lr_t = lr * np.sqrt(1. - b2 ** t) / (1. - b1 ** t)
            m = s['m'] = b1 * s.get('m', z) + (1 - b1) * g
            v = s['v'] = b2 * s.get('v', z) + (1 - b2) * g ** 2
            if hp.get('amsgrad'):
                v = s['vh'] = np.maximum(s.get('vh', z), v)
            p -= lr_t * m / (np.sqrt(v) + eps)
        elif kind == 'adamax':
            m = s['m'] = b1 * s.get('m', z) + (1 - b1) * g
            u = s['u'] = np.maximum(b2 * s.get('u', z), np.abs(g))
            p -= lr / (1. - b1 ** t) * m / (u + eps)
        elif kind == 'nadam':
            m = s['m'] = b1 * s.get('m', z) + (1 - b1) * g
            v = s['v'] = b2 * s.get('v', z) + (1 - b2) * g ** 2
            m_bar = (1. - cache_t) * g / (1. - sched_new) + cache_n * m / (1. - sched_next)
            p -= lr * m_bar / (np.sqrt(v / (1. - b2 ** t)) + eps)


CASES = [
    ('sgd', dict(learning_rate=0.1), dict(lr=0.1, momentum=0.)),
    ('sgd', dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9)),
    ('sgd', dict(lr=0.1, momentum=0.9, nesterov=True, decay=0.1),
     dict(lr=0.1, momentum=0.9, nesterov=True, decay=0.1)),
    ('sgd', dict(lr=0.1, clipnorm=1.0), dict(lr=0.1, momentum=0., clipnorm=1.0)),
    ('sgd', dict(lr=0.1, clipvalue=0.5), dict(lr=0.1, momentum=0., clipvalue=0.5)),
    ('rmsprop', dict(), dict(lr=0.001, rho=0.9)),
    ('rmsprop', dict(learning_rate=0.01, decay=0.05), dict(lr=0.01, rho=0.9, decay=0.05)),
    ('rmsprop', dict(learning_rate=0.01, is_legacy_optimizer=False),
     dict(lr=0.01, rho=0.9, tf2=True)),
    ('rmsprop', dict(learning_rate=0.01, momentum=0.5, centered=True),
     dict(lr=0.01, rho=0.9, momentum=0.5, centered=True)),
    ('rmsprop', dict(learning_rate=0.01, centered=True, is_legacy_optimizer=False),
     dict(lr=0.01, rho=0.9, centered=True, tf2=True)),
    ('adagrad', dict(), dict(lr=0.01)),
    ('adagrad', dict(lr=0.1, decay=0.1, clipnorm=0.5), dict(lr=0.1, decay=0.1, clipnorm=0.5)),
    ('adagrad', dict(learning_rate=0.1, initial_accumulator_value=0.1,
                     is_legacy_optimizer=False), dict(lr=0.1, init=0.1, tf2=True)),
    ('adadelta', dict(), dict(lr=1.0, rho=0.95)),
    ('adadelta', dict(lr=0.5, decay=0.01), dict(lr=0.5, rho=0.95, decay=0.01)),
    ('adam', dict(), dict(lr=0.001, b1=0.9, b2=0.999)),
    ('adam', dict(lr=0.01, amsgrad=True), dict(lr=0.01, b1=0.9, b2=0.999, amsgrad=True)),
    ('adam', dict(lr=0.01, beta_1=0.8, decay=0.1, clipnorm=1.0, clipvalue=0.3),
     dict(lr=0.01, b1=0.8, b2=0.999, decay=0.1, clipnorm=1.0, clipvalue=0.3)),
    ('adamax', dict(), dict(lr=0.002, b1=0.9, b2=0.999)),
    ('adamax', dict(lr=0.01, decay=0.1), dict(lr=0.01, b1=0.9, b2=0.999, decay=0.1)),
    ('nadam', dict(), dict(lr=0.002, b1=0.9, b2=0.999)),
    ('nadam', dict(lr=0.01, is_legacy_optimizer=False),
     dict(lr=0.01, b1=0.9, b2=0.999, tf2=True)),
]


def _params(rng):
    return [torch.nn.Parameter(torch.tensor(rng.randn(*s).astype('float32'))) for s in SHAPES]


def _run(opt, rng, steps=4, scale=1.0):
    """Train random params with random grads; return (params, grads per step)."""
    ps = _params(rng)
    grads = [[(scale * rng.randn(*s)).astype('float32') for s in SHAPES] for _ in range(steps)]
    init = [p.detach().numpy().astype('float64') for p in ps]
    for gs in grads:
        opt.apply_gradients(ps, [torch.tensor(g) for g in gs])
    return init, ps, grads


@pytest.mark.parametrize('kind,kwargs,hp', CASES)
def test_update_matches_numpy(kind, kwargs, hp):
    opt = optimizers.get(kind).__class__(**kwargs)
    init, ps, grads = _run(opt, np.random.RandomState(0), scale=2.0)
    ref, st = [p.copy() for p in init], {'sched': 1.}
    for it, gs in enumerate(grads):
        _ref_step(kind, hp, ref, [g.astype('float64') for g in gs], st, it)
    for p, r in zip(ps, ref):
        np.testing.assert_allclose(p.detach().numpy(), r, rtol=2e-5, atol=2e-6)
    assert int(K.get_value(opt.iterations)) == len(grads)


def test_none_gradients_are_skipped_and_state_keeps_param_order():
    opt = optimizers.Adam(amsgrad=True)
    ps = _params(np.random.RandomState(1))
    before = ps[0].detach().clone()
    opt.apply_gradients(ps, [None, torch.ones(4)])
    assert torch.equal(ps[0].detach(), before)
    shapes = [w.shape for w in opt.get_weights()]
    assert shapes == [()] + SHAPES * 3
    assert np.all(opt.get_weights()[1] == 0)  # m of the skipped param untouched


def test_lr_is_a_settable_variable():
    opt = optimizers.SGD(lr=0.5)
    assert opt.lr is opt.learning_rate
    assert opt.lr.dtype == torch.float32 and opt.lr.shape == () and not opt.lr.requires_grad
    assert opt.iterations.dtype == torch.int64
    K.set_value(opt.lr, 0.25)
    assert K.get_value(opt.learning_rate) == np.float32(0.25)
    p = torch.nn.Parameter(torch.zeros(2))
    opt.apply_gradients([p], [torch.ones(2)])
    np.testing.assert_allclose(p.detach().numpy(), [-0.25, -0.25])
    opt.lr = 0.125
    opt.learning_rate = np.float32(0.125)
    opt.apply_gradients([p], [torch.ones(2)])
    np.testing.assert_allclose(p.detach().numpy(), [-0.375, -0.375])
    assert float(K.get_value(opt.decay)) == 0.0
    assert optimizers.Adam(decay=0.1).decay.shape == ()


def test_step_never_reads_tensors_back(monkeypatch):
    def refuse(*args):
        raise AssertionError('host sync inside apply_gradients')
    opts = [optimizers.SGD(momentum=0.9, nesterov=True, decay=0.1, clipnorm=1., clipvalue=1.),
            optimizers.RMSprop(decay=0.1, momentum=0.5, centered=True),
            optimizers.Adagrad(), optimizers.Adadelta(), optimizers.Adam(amsgrad=True),
            optimizers.Adamax(), optimizers.Nadam()]
    ps = _params(np.random.RandomState(2))
    gs = [torch.ones(s) for s in SHAPES]
    for opt in opts:
        opt.build(ps)
        opt.cpu_fast_path = False  # check the path every other device takes
    for name in ('item', 'tolist', 'numpy', '__float__', '__int__', '__bool__'):
        monkeypatch.setattr(torch.Tensor, name, refuse)
    for opt in opts:
        opt.apply_gradients(ps, gs)
        opt.apply_gradients(ps, gs)


# -- weights ---------------------------------------------------------------------------

@pytest.mark.parametrize('opt,layout', [
    (optimizers.SGD(), [()] + SHAPES),
    (optimizers.RMSprop(), [()] + SHAPES),
    (optimizers.Adagrad(), [()] + SHAPES),
    (optimizers.Adadelta(), [()] + SHAPES * 2),
    (optimizers.Adam(), [()] + SHAPES * 2 + [(1,), (1,)]),
    (optimizers.Adam(amsgrad=True), [()] + SHAPES * 3),
    (optimizers.Adamax(), [()] + SHAPES * 2),
    (optimizers.Nadam(), [(), ()] + SHAPES * 2),
])
def test_weights_layout_and_round_trip(opt, layout):
    rng = np.random.RandomState(3)
    assert opt.get_weights() == [] and opt.weights == []
    _, ps, _ = _run(opt, rng, steps=2)
    weights = opt.get_weights()
    assert [w.shape for w in weights] == layout
    assert weights[0] == 2 and len(opt.get_weight_names()) == len(layout)
    other = opt.__class__.from_config(opt.get_config())
    copies = [torch.nn.Parameter(p.detach().clone()) for p in ps]
    other.build(copies)
    other.set_weights(weights)
    for a, b in zip(other.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    gs = [torch.full(s, 0.5) for s in SHAPES]
    opt.apply_gradients(ps, gs)
    other.apply_gradients(copies, gs)
    for p, q in zip(ps, copies):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6)


def test_adam_moments_hold_numpy_values():
    opt = optimizers.Adam()
    _, _, grads = _run(opt, np.random.RandomState(4), steps=2)
    m = 0.1 * 0.9 * grads[0][0] + 0.1 * grads[1][0]
    np.testing.assert_allclose(opt.get_weights()[1], m, rtol=1e-5)


def test_set_weights_errors_change_nothing():
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match='build'):
        opt.set_weights([np.array(0)])
    _, ps, _ = _run(opt, np.random.RandomState(5), steps=1)
    before = opt.get_weights()
    with pytest.raises(ValueError, match=r'Adam optimizer: set_weights got 2 arrays'):
        opt.set_weights(before[:2])
    bad = [np.ones_like(w) for w in before]
    bad[2] = np.ones((5, 5))
    with pytest.raises(ValueError, match=r'weight 2 has shape \(4,\).*\(5, 5\)'):
        opt.set_weights(bad)
    for a, b in zip(opt.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_set_weights_accepts_older_keras_layouts():
    ps = _params(np.random.RandomState(6))
    rms = optimizers.RMSprop()
    rms.build(ps)
    rms.set_weights([np.ones(s) for s in SHAPES])  # Keras 2.2.4: no iterations
    assert rms.get_weights()[0] == 0 and np.all(rms.get_weights()[1] == 1)
    nadam = optimizers.Nadam()
    nadam.build(ps)
    nadam.set_weights([np.array(7)] + [np.ones(s) for s in SHAPES * 2])
    assert nadam.get_weights()[0] == 7 and nadam.get_weights()[1] == 1.
    adam = optimizers.Adam()
    adam.build(ps)
    adam.set_weights([np.array(3)] + [np.ones(s) for s in SHAPES * 2])  # Keras 2.0: no vhats
    assert [w.shape for w in adam.get_weights()][-2:] == [(1,), (1,)]


# -- configuration ----------------------------------------------------------------------

@pytest.mark.parametrize('cls,keys', [
    (optimizers.SGD, {'learning_rate', 'momentum', 'decay', 'nesterov'}),
    (optimizers.RMSprop, {'learning_rate', 'rho', 'decay', 'epsilon'}),
    (optimizers.Adagrad, {'learning_rate', 'decay', 'epsilon'}),
    (optimizers.Adadelta, {'learning_rate', 'rho', 'decay', 'epsilon'}),
    (optimizers.Adam, {'learning_rate', 'beta_1', 'beta_2', 'decay', 'epsilon', 'amsgrad'}),
    (optimizers.Adamax, {'learning_rate', 'beta_1', 'beta_2', 'decay', 'epsilon'}),
    (optimizers.Nadam, {'learning_rate', 'beta_1', 'beta_2', 'epsilon', 'schedule_decay'}),
])
def test_config_keys_and_round_trip(cls, keys):
    config = cls().get_config()
    assert set(config) == keys
    assert config['epsilon' if 'epsilon' in keys else 'learning_rate'] is not None
    clipped = cls(clipnorm=1.5, clipvalue=0.5).get_config()
    assert set(clipped) == keys | {'clipnorm', 'clipvalue'}
    assert cls.from_config(clipped).get_config() == clipped
    restored = optimizers.deserialize(optimizers.serialize(cls(lr=0.125)))
    assert type(restored) is cls and restored.get_config()['learning_rate'] == 0.125


def test_defaults_match_keras_2_3_1():
    assert optimizers.SGD().get_config()['learning_rate'] == pytest.approx(0.01)
    assert optimizers.RMSprop().get_config()['rho'] == pytest.approx(0.9)
    assert optimizers.Adadelta().get_config()['learning_rate'] == 1.0
    assert optimizers.Adamax().get_config()['learning_rate'] == pytest.approx(0.002)
    assert optimizers.Nadam().get_config()['schedule_decay'] == 0.004
    assert optimizers.Adam(epsilon=None).get_config()['epsilon'] == K.epsilon()


def test_get_and_deserialize():
    for name in ('sgd', 'SGD', 'rmsprop', 'RMSprop', 'adagrad', 'Adadelta', 'adam',
                 'Adam', 'adamax', 'Nadam'):
        assert optimizers.get(name).__class__.__name__.lower() == name.lower()
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert isinstance(optimizers.get({'class_name': 'SGD', 'config': {'lr': 0.5}}),
                      optimizers.SGD)
    with pytest.raises(ValueError, match='Could not interpret optimizer identifier'):
        optimizers.get(42)
    with pytest.raises(ValueError, match='Unknown optimizer'):
        optimizers.get('nope')
    config = {'class_name': 'Adam', 'config': {}}
    optimizers.deserialize(config)
    assert config['class_name'] == 'adam'  # lower-cased in place, as Keras 2.3.1 does
    assert config['config'] == {}  # (nothing else of the caller's dict changes)
    config = optimizers.serialize(optimizers.RMSprop(lr=0.25))
    again = optimizers.serialize(optimizers.deserialize(config))
    again['class_name'] = again['class_name'].lower()
    assert again == config
    assert optimizers.sgd is optimizers.SGD and optimizers.nadam is optimizers.Nadam


def test_constructor_arguments():
    with pytest.raises(TypeError, match='Unexpected keyword argument passed to optimizer: foo'):
        optimizers.Adam(foo=1)
    with pytest.raises(TypeError, match='decay'):
        optimizers.Optimizer(decay=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        opt = optimizers.Adam(lr=0.5)  # the Keras 2.2 spelling, silently
    assert K.get_value(opt.lr) == 0.5
    with pytest.raises(ValueError, match='use_ema'):
        optimizers.Adam(use_ema=True)
    with pytest.raises(ValueError, match='schedule'):
        optimizers.Adam(learning_rate={'class_name': 'ExponentialDecay', 'config': {}})
    # Keras 2's graph contract: no parameters, no update ops (see test_optimizers_get_updates).
    assert optimizers.SGD().get_updates(K.placeholder(shape=()), []) == []


TF_RMSPROP = {'centered': False, 'clipnorm': None, 'clipvalue': None, 'ema_momentum': 0.99,
              'ema_overwrite_frequency': 100, 'epsilon': 1e-07, 'global_clipnorm': None,
              'is_legacy_optimizer': False, 'jit_compile': False, 'learning_rate': 0.01,
              'momentum': 0.0, 'name': 'RMSprop', 'rho': 0.9, 'use_ema': False,
              'weight_decay': None}


def test_tf_keras_configs_load():
    opt = optimizers.deserialize({'class_name': 'Custom>RMSprop', 'config': TF_RMSPROP})
    assert isinstance(opt, optimizers.RMSprop) and opt._tf2
    assert 'clipnorm' not in opt.get_config()
    again = optimizers.RMSprop.from_config(opt.get_config())
    assert again._tf2 and again.get_config() == opt.get_config()
    legacy = optimizers.deserialize({'class_name': 'Nadam', 'config': {
        'name': 'Nadam', 'learning_rate': 0.001, 'decay': 0.004, 'beta_1': 0.9,
        'beta_2': 0.999, 'epsilon': 1e-07}})
    assert legacy.schedule_decay == 0.004 and not legacy._tf2


def test_tf_keras_clipnorm_is_per_gradient():
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0, name='SGD')
    ps = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(1))]
    opt.apply_gradients(ps, [torch.tensor([3., 4.]), torch.tensor([0.5])])
    np.testing.assert_allclose(ps[0].detach().numpy(), [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(ps[1].detach().numpy(), [-0.5], rtol=1e-6)


def test_legacy_namespace():
    import keras.optimizers.legacy as legacy
    from keras.optimizers.legacy import Adam
    assert Adam is optimizers.Adam and legacy.SGD is optimizers.SGD
    assert optimizers.legacy is legacy


def test_torch_optimizer_adapter():
    p = torch.nn.Parameter(torch.ones(3))
    opt = optimizers.get(torch.optim.SGD([p], lr=0.5))
    assert isinstance(opt, optimizers.TorchOptimizer)
    assert K.get_value(opt.lr) == 0.5
    opt.apply_gradients([p], [torch.ones(3)])
    np.testing.assert_allclose(p.detach().numpy(), 0.5)
    assert p.grad is None
    K.set_value(opt.lr, 0.25)
    opt.apply_gradients([p], [torch.ones(3)])
    np.testing.assert_allclose(p.detach().numpy(), 0.25)
    assert K.get_value(opt.iterations) == 2
    with pytest.raises(NotImplementedError):
        opt.get_config()


def test_torch_optimizer_adapter_gives_gradients_as_keras_optimizers_do():
    p = torch.nn.Parameter(torch.ones(3))
    opt = optimizers.get(torch.optim.SGD([p], lr=0.5))
    grads = opt.get_gradients((p * torch.tensor([1., 2., 3.])).sum(), [p])
    np.testing.assert_allclose(grads[0].numpy(), [1., 2., 3.])


# -- tf.keras fixtures -------------------------------------------------------------------

def _fixture(name):
    path = os.path.join(FIXTURES, name)
    if not os.path.exists(path + '.json'):
        pytest.skip('fixtures not found: ' + FIXTURES)
    with open(path + '.json') as f:
        meta = json.load(f)
    return meta, np.load(path + '.npz')


def _mlp_params(weights):
    return [torch.nn.Parameter(torch.tensor(w)) for w in weights]


def _train_mlp(opt, data, ps, rows):
    """Replay train_on_batch on the fixture MLP (Dense relu -> Dense softmax, CE)."""
    losses = []
    for lo, hi in rows:
        x = torch.tensor(data['train_x0'][lo:hi])
        y = torch.tensor(data['train_y0'][lo:hi])
        logits = torch.relu(x @ ps[0] + ps[1]) @ ps[2] + ps[3]
        loss = -(y * torch.log_softmax(logits, dim=1)).sum(1).mean()
        grads = torch.autograd.grad(loss, ps)
        opt.apply_gradients(ps, grads)
        losses.append(float(loss.detach()))
    return ps, losses


@pytest.mark.parametrize('name,use_full_config', [
    ('train_legacy_opt_sgd', False), ('train_legacy_opt_rmsprop', False),
    ('train_legacy_opt_adam', False), ('train_opt_sgd', False), ('train_opt_adam', False),
    ('train_opt_rmsprop', True), ('train_opt_adagrad', True),
])
def test_fixture_training_replay(name, use_full_config):
    meta, data = _fixture(name)
    spec = meta['training']['optimizer']
    kwargs = spec['config'] if use_full_config else spec['hyperparameters']
    opt = optimizers.deserialize({'class_name': spec['class_name'], 'config': kwargs})
    b = meta['training']['batch_size']
    rows = [(s * b, (s + 1) * b) for s in range(meta['training']['steps'])]
    ps = _mlp_params([data['init_w%d' % i] for i in range(4)])
    ps, losses = _train_mlp(opt, data, ps, rows)
    np.testing.assert_allclose(losses, data['losses'][:, 0], rtol=1e-4, atol=1e-4)
    for i, p in enumerate(ps):
        np.testing.assert_allclose(p.detach().numpy(), data['final_w%d' % i],
                                   rtol=1e-4, atol=1e-4)


def test_fixture_resume_adam_from_tf_keras_weights():
    h5py = pytest.importorskip('h5py')
    meta, data = _fixture('train_adam_resume')
    with h5py.File(os.path.join(FIXTURES, 'train_adam_resume.h5'), 'r') as f:
        config = json.loads(f.attrs['training_config'])['optimizer_config']
        group = f['optimizer_weights']
        names = list(group.attrs['weight_names'])
        values = [group[n.decode() if isinstance(n, bytes) else n][()] for n in names]
    opt = optimizers.deserialize(config)
    ps = _mlp_params([data['saved_w%d' % i] for i in range(4)])
    assert opt.set_weights_from_tf_keras(names, values, ps)
    assert K.get_value(opt.iterations) == 5
    np.testing.assert_array_equal(opt.get_weights()[1], data['saved_opt_w1'])
    b, s = meta['training']['batch_size'], meta['training']['start_step']
    ps, losses = _train_mlp(opt, data, ps, [(s * b, (s + 1) * b)])
    np.testing.assert_allclose(losses, data['losses'][:, 0], rtol=1e-4, atol=1e-4)
    for i, p in enumerate(ps):
        np.testing.assert_allclose(p.detach().numpy(), data['final_w%d' % i],
                                   rtol=1e-4, atol=1e-4)


def test_tf_keras_legacy_weight_names():
    ps = _params(np.random.RandomState(7))
    m = [np.full(s, 1., 'float32') for s in SHAPES]
    v = [np.full(s, 2., 'float32') for s in SHAPES]
    names = ['Adam/iter:0', 'Adam/d/kernel/m:0', 'Adam/d/bias/m:0',
             'Adam/d/kernel/v:0', 'Adam/d/bias/v:0']
    opt = optimizers.Adam()
    assert opt.set_weights_from_tf_keras(names, [np.array(3)] + m + v, ps)
    weights = opt.get_weights()
    assert weights[0] == 3 and np.all(weights[2] == 1) and np.all(weights[3] == 2)
    nadam = optimizers.Nadam()
    assert nadam.set_weights_from_tf_keras(
        ['Nadam/iter:0', 'Nadam/momentum_cache:0'] + names[1:],
        [np.array(3), np.array(0.5)] + m + v, ps)
    assert nadam.get_weights()[1] == 0.5
    # layouts that do not fit: unknown slot, wrong count, unknown naming
    assert not optimizers.SGD().set_weights_from_tf_keras(names, [np.array(3)] + m + v, ps)
    assert not opt.set_weights_from_tf_keras(names[:4], [np.array(3)] + m + v[:1], ps)
    assert not opt.set_weights_from_tf_keras(['Adam/m_0:0'], [m[0]], ps)
    assert opt.get_weights()[0] == 3
    vhat_names = names + ['Adam/d/kernel/vhat:0', 'Adam/d/bias/vhat:0']
    assert not opt.set_weights_from_tf_keras(vhat_names, [np.array(3)] + m + v + v, ps)
    assert optimizers.Adam(amsgrad=True).set_weights_from_tf_keras(
        vhat_names, [np.array(3)] + m + v + v, ps)
    fresh = optimizers.SGD()
    assert fresh.set_weights_from_tf_keras(['iteration:0'], [np.array(9)], ps)
    assert fresh.weights == [] and K.get_value(fresh.iterations) == 9


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda_state_follows_params():
    opt = optimizers.Adam(decay=0.01, clipnorm=1.0)
    ps = [torch.nn.Parameter(torch.ones(s, device='cuda')) for s in SHAPES]
    torch.cuda.set_sync_debug_mode('error')
    try:
        for _ in range(2):
            opt.apply_gradients(ps, [torch.ones(s, device='cuda') for s in SHAPES])
    finally:
        torch.cuda.set_sync_debug_mode('default')
    assert opt.lr.device.type == 'cuda' and all(w.is_cuda for w in opt.weights)
    assert K.get_value(opt.iterations) == 2


@pytest.mark.parametrize('make', [
    lambda: optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True, decay=0.01),
    lambda: optimizers.SGD(lr=0.1, momentum=0.5),
    lambda: optimizers.SGD(lr=0.1),
    lambda: optimizers.RMSprop(lr=0.01, decay=0.01),
])
def test_cpu_fast_path_equals_the_generic_update(make):
    fast, generic = make(), make()
    generic.cpu_fast_path = False
    rng = np.random.RandomState(3)
    ps_fast = _params(rng)
    ps_generic = [torch.nn.Parameter(p.detach().clone(), requires_grad=False) for p in ps_fast]
    for step in range(4):
        gs = [torch.as_tensor(rng.randn(*s).astype('float32')) for s in SHAPES]
        fast.apply_gradients(ps_fast, gs)
        generic.apply_gradients(ps_generic, gs)
    for a, b in zip(ps_fast, ps_generic):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_decayed_rate_on_the_host_equals_the_tensor_formula():
    """The CPU shortcut for time-based decay gives the float32 tensor result bit for bit."""
    for decay in (1e-6, 1e-3, 0.37):
        opt = optimizers.SGD(lr=0.013, decay=decay)
        for step in (0, 1, 7, 12345, 999999):
            opt.iterations.fill_(step)
            host = opt._decayed_lr()
            assert isinstance(host, float)
            expected = opt.learning_rate * (1. / (1. + opt.decay * opt.iterations.float()))
            assert host == expected.item()
        opt.cpu_fast_path = False
        assert torch.is_tensor(opt._decayed_lr())
