import itertools

import numpy as np
import pytest

from keras import backend as K

RNG = np.random.RandomState(4)
EPS = 1e-7


def _collapse(path, blank):
    out, prev = [], None
    for p in path:
        if p != blank and p != prev:
            out.append(p)
        prev = p
    return out


def np_ctc_loss(probs, labels, t_len):
    """Sum the probability of every alignment that collapses to ``labels``."""
    p = (probs + EPS) / (probs + EPS).sum(-1, keepdims=True)
    blank = probs.shape[-1] - 1
    total = 0.
    for path in itertools.product(range(probs.shape[-1]), repeat=t_len):
        if _collapse(path, blank) == list(labels):
            total += np.prod([p[t, c] for t, c in enumerate(path)])
    return -np.log(total)


def test_ctc_batch_cost_matches_brute_force():
    logits = RNG.randn(2, 4, 3)
    y_pred = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    y_true = np.array([[0, 1], [1, 0]])
    input_length = np.array([[4], [3]])
    label_length = np.array([[2], [1]])
    loss = K.eval(K.ctc_batch_cost(y_true, y_pred.astype('f'), input_length, label_length))
    assert loss.shape == (2, 1)
    expected = [np_ctc_loss(y_pred[0], [0, 1], 4), np_ctc_loss(y_pred[1, :3], [1], 3)]
    np.testing.assert_allclose(loss[:, 0], expected, rtol=1e-4)


def test_ctc_decode_greedy():
    blank = 3
    best = np.array([[0, 0, blank, 0, 1, 1, 2], [2, blank, blank, 1, 1, 0, 0]])
    y_pred = np.full((2, 7, 4), 0.1, 'f')
    for b in range(2):
        for t in range(7):
            y_pred[b, t, best[b, t]] = 0.7
    decoded, log_prob = K.ctc_decode(y_pred, np.array([7, 5]))
    np.testing.assert_array_equal(K.eval(decoded[0]), [[0, 0, 1, 2], [2, 1, -1, -1]])
    expected = [-7 * np.log(0.7 + EPS), -5 * np.log(0.7 + EPS)]
    np.testing.assert_allclose(K.eval(log_prob)[:, 0], expected, rtol=1e-5)
    with pytest.raises(NotImplementedError):
        K.ctc_decode(y_pred, np.array([7, 5]), greedy=False)


def test_ctc_label_dense_to_sparse():
    labels = np.array([[1, 2, 3], [4, 5, 6]])
    sparse = K.ctc_label_dense_to_sparse(labels, np.array([2, 1]))
    np.testing.assert_array_equal(sparse.to_dense().numpy(), [[1, 2, 0], [4, 0, 0]])
