"""NumPy arrays and SciPy sparse matrices as torch tensors.

``torch.as_tensor`` refuses some arrays that NumPy code hands to Keras:
negative strides (``x[..., ::-1]``, ``np.flip``, the BGR flip of
``preprocess_input``) and a non-native byte order (big-endian data read from
a file).  Such an array is copied into a plain one first; every other array
is shared where torch can share it.  SciPy sparse matrices become sparse COO
tensors, as Keras 2.3.1's TensorFlow backend made ``SparseTensor``s of them.
"""
import numpy as np
import torch

__all__ = ['is_scipy_sparse', 'numpy_to_tensor', 'sparse_to_tensor']


def is_scipy_sparse(value):
    """Whether ``value`` is a SciPy sparse matrix or array."""
    return hasattr(value, 'tocoo') and not isinstance(value, (np.ndarray, torch.Tensor))


def _torch_can_share(arr):
    return arr.dtype.isnative and all(s >= 0 for s in arr.strides)


def numpy_to_tensor(value, dtype=None, device=None, copy=False):
    """``value`` (a NumPy array, anything ``np.asarray`` takes, or a SciPy
    sparse matrix) as a tensor.

    Args:
        value: the data.
        dtype: torch dtype; ``None`` keeps the array's own.
        device: torch device; ``None`` is the CPU.
        copy: always give the tensor its own memory (otherwise it may share
            the array's, as ``torch.as_tensor`` does).
    """
    if is_scipy_sparse(value):
        return sparse_to_tensor(value, dtype, device)
    arr = np.asarray(value)
    if not _torch_can_share(arr):
        arr = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder('='))
    if copy:
        return torch.tensor(arr, dtype=dtype, device=device)
    return torch.as_tensor(arr, dtype=dtype, device=device)


def sparse_to_tensor(value, dtype=None, device=None):
    """A SciPy sparse matrix as a coalesced sparse COO tensor of its shape."""
    coo = value.tocoo()
    indices = np.stack([np.asarray(coo.row, dtype=np.int64), np.asarray(coo.col, dtype=np.int64)])
    values = numpy_to_tensor(coo.data, dtype=dtype)
    tensor = torch.sparse_coo_tensor(torch.from_numpy(indices), values, size=coo.shape,
                                     device=device, check_invariants=True)
    return tensor.coalesce()
