"""Reading the pickled batches of the CIFAR-10 and CIFAR-100 archives."""
import pickle

__all__ = ['load_batch']

# The only objects a CIFAR batch pickle needs: NumPy arrays and bytes.
_ALLOWED = {
    ('numpy.core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'),
    ('numpy._core.multiarray', 'scalar'),
    ('numpy', 'ndarray'),
    ('numpy', 'dtype'),
    ('_codecs', 'encode'),
}


class _BatchUnpickler(pickle.Unpickler):
    """Unpickler that builds NumPy arrays and plain containers, nothing else."""

    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(
                'A CIFAR batch may only hold NumPy arrays and plain Python '
                'values; this file refers to %s.%s, so it was not loaded.'
                % (module, name))
        return super(_BatchUnpickler, self).find_class(module, name)


def load_batch(fpath, label_key='labels'):
    """Read one CIFAR batch file.

    Args:
        fpath: path of the pickled batch.
        label_key: dictionary key of the labels (``'labels'``,
            ``'fine_labels'`` or ``'coarse_labels'``).

    Returns:
        ``(data, labels)``: data of shape ``(n, 3, 32, 32)`` and the labels
        as stored (a list of ints).
    """
    with open(fpath, 'rb') as f:
        batch = _BatchUnpickler(f, encoding='bytes').load()
    batch = {(k.decode('utf8') if isinstance(k, bytes) else k): v
             for k, v in batch.items()}
    data = batch['data']
    labels = batch[label_key]
    return data.reshape(data.shape[0], 3, 32, 32), labels
