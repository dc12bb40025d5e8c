"""Connectionist temporal classification (CTC) with Keras's argument layout.

Predictions are softmax outputs ``(samples, time_steps, num_categories)``;
the last category is the blank.  As in Keras 2.3.1 they are turned into
logits with ``log(y_pred + epsilon)`` first.
"""
import torch
import torch.nn.functional as F

from keras.backend.config import epsilon
from keras.backend.symbolic import symbolic
from keras.backend.variables import as_tensor

__all__ = ['ctc_label_dense_to_sparse', 'ctc_batch_cost', 'ctc_decode']


def _lengths(lengths, device):
    lengths = torch.as_tensor(lengths, device=device)
    if lengths.ndim == 2:
        lengths = lengths[:, 0]
    return lengths.long()


@symbolic
def ctc_label_dense_to_sparse(labels, label_lengths):
    """Dense ``(samples, max_len)`` labels -> sparse COO tensor keeping the first
    ``label_lengths[i]`` labels of each row.
    """
    labels = as_tensor(labels)
    lengths = _lengths(label_lengths, labels.device)
    cols = torch.arange(labels.shape[1], device=labels.device)
    mask = cols.unsqueeze(0) < lengths.unsqueeze(1)
    indices = mask.nonzero().t()
    return torch.sparse_coo_tensor(indices, labels[mask], tuple(labels.shape),
                                   check_invariants=True)


@symbolic
def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss of each sample.

    Args:
        y_true: ``(samples, max_string_length)`` integer labels.
        y_pred: ``(samples, time_steps, num_categories)`` softmax outputs.
        input_length: ``(samples, 1)`` valid time steps of each sample.
        label_length: ``(samples, 1)`` valid labels of each sample.

    Returns:
        ``(samples, 1)`` tensor of losses.
    """
    y_pred = as_tensor(y_pred)
    logits = torch.log(y_pred + epsilon()).transpose(0, 1)    # (T, B, C)
    log_probs = torch.log_softmax(logits, dim=-1)
    targets = torch.as_tensor(y_true, device=y_pred.device).long()
    loss = F.ctc_loss(log_probs, targets,
                      _lengths(input_length, y_pred.device),
                      _lengths(label_length, y_pred.device),
                      blank=y_pred.shape[-1] - 1, reduction='none',
                      zero_infinity=False)
    return loss.unsqueeze(1).to(y_pred.dtype)


@symbolic
def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1,
               merge_repeated=False):
    """Decode softmax outputs with the best-path (greedy) rule.

    Repeated labels are merged, then blanks removed.

    Returns:
        ``([decoded], log_prob)``: ``decoded`` is ``(samples, max_len)`` int64
        padded with -1; ``log_prob`` is ``(samples, 1)``, the negative sum of
        the best logit at each valid step (TensorFlow's convention).

    Raises:
        NotImplementedError: for ``greedy=False`` (beam search).
    """
    if not greedy:
        raise NotImplementedError('ctc_decode: beam search (greedy=False) is not '
                                  'available in the PyTorch backend; use greedy=True.')
    y_pred = as_tensor(y_pred)
    logits = torch.log(y_pred + epsilon())
    best, best_idx = torch.max(logits, dim=-1)
    lengths = _lengths(input_length, y_pred.device)
    steps = torch.arange(logits.shape[1], device=logits.device)
    valid = steps.unsqueeze(0) < lengths.unsqueeze(1)
    log_prob = -torch.sum(torch.where(valid, best, torch.zeros_like(best)), dim=1, keepdim=True)
    blank = y_pred.shape[-1] - 1
    sequences = []
    for row, n in zip(best_idx.tolist(), lengths.tolist()):
        seq, prev = [], None
        for label in row[:n]:
            if label != blank and label != prev:
                seq.append(label)
            prev = label
        sequences.append(seq)
    width = max([len(s) for s in sequences] + [0])
    decoded = torch.full((len(sequences), width), -1, dtype=torch.int64)
    for i, seq in enumerate(sequences):
        decoded[i, :len(seq)] = torch.tensor(seq, dtype=torch.int64)
    return [decoded.to(y_pred.device)], log_prob
