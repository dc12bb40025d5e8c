"""The lean plan of op-only graphs (optimizer updates): buffers reused safely."""
import numpy as np

from keras import backend as K
from keras.backend.graph_scope import graph_scope
from keras.engine.graph.op_plan import OpPlan

RNG = np.random.RandomState(5)


def test_update_chains_reuse_buffers_and_match_numpy():
    m = K.variable(RNG.rand(4, 3))
    g = K.placeholder(shape=(4, 3))
    with graph_scope():
        m_t = 0.9 * m + (1. - 0.9) * g
        step = K.sqrt(K.square(m_t) * 2. + 1.) / 3.
        updates = [K.update(m, m_t - step)]
    f = K.function([g], [], updates=updates)
    plan = f._graph.ops
    assert isinstance(plan, OpPlan) and len(plan._specs) < len(plan.steps)
    expected = K.eval(m)
    for _ in range(3):                      # buffers are reused from call to call
        grad = RNG.rand(4, 3).astype('float32')
        e_t = 0.9 * expected + 0.1 * grad
        expected = e_t - np.sqrt(e_t ** 2 * 2. + 1.) / 3.
        f([grad])
        np.testing.assert_allclose(K.eval(m), expected, rtol=1e-5)


def test_outputs_and_values_read_by_other_ops_are_not_overwritten():
    x = K.placeholder(shape=(3,))
    a = x * 2.
    kept = K.stop_gradient(a)            # may be a view of `a`: its buffer stays
    b = (a + 1.) * 3.
    f = K.function([x], [kept, b * 1.])
    first = f.run([K.as_tensor(np.array([1., 2., 3.], 'float32'))])
    snapshot = [K.eval(t) for t in first]
    np.testing.assert_allclose(snapshot[0], [2., 4., 6.])
    np.testing.assert_allclose(snapshot[1], [9., 15., 21.])
    f.run([K.as_tensor(np.array([5., 5., 5.], 'float32'))])
    np.testing.assert_allclose(K.eval(first[0]), snapshot[0])   # results of a run are kept
    np.testing.assert_allclose(K.eval(first[1]), snapshot[1])
