"""Random tensors.  A given ``seed`` gives the same numbers on every device."""
import warnings

import torch

from keras.backend.session import get_device
from keras.backend.variables import to_torch_dtype

__all__ = ['random_normal', 'random_uniform', 'random_binomial', 'truncated_normal']


def _shape(shape):
    if isinstance(shape, int):
        return (shape,)
    return tuple(int(s) for s in shape)


def _draw(sample, shape, dtype, seed):
    """Run ``sample(shape, generator, dtype)`` seeded or on the global RNG."""
    torch_dtype = to_torch_dtype(dtype)
    work_dtype = torch.float32 if torch_dtype in (torch.float16, torch.bfloat16) else torch_dtype
    device = get_device()
    if seed is None:
        out = sample(_shape(shape), None, work_dtype, device)
    else:
        gen = torch.Generator().manual_seed(int(seed))
        out = sample(_shape(shape), gen, work_dtype, torch.device('cpu')).to(device)
    return out.to(torch_dtype)


def _keras1_arguments(name, legacy, table):
    """``{Keras 2 name: value}`` for Keras 1's names of a ``K.random_*``
    argument (``std=``, ``low=``, ``high=``), with a warning; any other name
    is refused."""
    unknown = sorted(set(legacy) - set(table))
    if unknown:
        raise TypeError('K.%s() got an unexpected keyword argument %r.' % (name, unknown[0]))
    warnings.warn('Update your `K.%s` call to the Keras 2 API: %s.'
                  % (name, ', '.join('`%s` -> `%s`' % (old, table[old]) for old in legacy)),
                  stacklevel=3)
    return {table[old]: value for old, value in legacy.items()}


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, **legacy):
    """Samples from N(mean, stddev**2).  (Keras 1 spelled ``stddev`` ``std``.)"""
    if legacy:
        stddev = _keras1_arguments('random_normal', legacy, {'std': 'stddev'})['stddev']

    def sample(s, gen, dt, dev):
        return torch.randn(s, generator=gen, dtype=dt, device=dev) * stddev + mean
    return _draw(sample, shape, dtype, seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, **legacy):
    """Samples from U[minval, maxval).  (Keras 1 spelled them ``low``, ``high``.)"""
    if legacy:
        given = _keras1_arguments('random_uniform', legacy, {'low': 'minval', 'high': 'maxval'})
        minval = given.get('minval', minval)
        maxval = given.get('maxval', maxval)

    def sample(s, gen, dt, dev):
        return torch.rand(s, generator=gen, dtype=dt, device=dev) * (maxval - minval) + minval
    return _draw(sample, shape, dtype, seed)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """1 with probability ``p``, else 0."""
    def sample(s, gen, dt, dev):
        return (torch.rand(s, generator=gen, dtype=dt, device=dev) <= p).to(dt)
    return _draw(sample, shape, dtype, seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from N(mean, stddev**2), redrawn when more than 2 stddev from the mean."""
    def sample(s, gen, dt, dev):
        out = torch.empty(s, dtype=dt, device=dev)
        return torch.nn.init.trunc_normal_(out, mean, stddev, mean - 2 * stddev,
                                           mean + 2 * stddev, generator=gen)
    return _draw(sample, shape, dtype, seed)


def dropout_mask(shape, rate, device, dtype=torch.float32, generator=None):
    """A dropout mask: ``1 / (1 - rate)`` with probability ``1 - rate``, else 0.

    Drawn with one uniform sample per entry and two in-place ops, which on
    the CPU is several times faster than ``bernoulli_`` (what
    ``torch.nn.functional.dropout`` draws with there).
    """
    keep = 1. - rate
    work_dtype = dtype if dtype in (torch.float32, torch.float64) else torch.float32
    noise = torch.rand(shape, device=device, dtype=work_dtype, generator=generator)
    mask = noise.lt_(keep).mul_(1. / keep)
    return mask if mask.dtype == dtype else mask.to(dtype)


def dropout(x, rate):
    """``x`` with entries zeroed with probability ``rate`` and the rest scaled
    by ``1 / (1 - rate)`` (training-mode dropout on the global RNG).

    CUDA has a fused dropout kernel; elsewhere the mask comes from
    :func:`dropout_mask`.
    """
    if x.is_cuda:
        return torch.nn.functional.dropout(x, p=rate, training=True)
    return x * dropout_mask(x.shape, rate, x.device, x.dtype)
