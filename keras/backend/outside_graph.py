"""Run a function outside ``torch.compile`` graphs, without importing dynamo early.

``torch.compiler.disable(fn)`` imports ``torch._dynamo`` (about half of the
cost of ``import keras``).  :func:`outside_compiled_graph` makes that wrapper
only when the function is first called while ``torch.compile`` traces, so
programs that never compile never load the compiler.
"""
import functools

import torch

__all__ = ['outside_compiled_graph']


def outside_compiled_graph(fn):
    """Decorator: ``fn`` runs eagerly (a graph break) when called under
    ``torch.compile``, and as itself otherwise.

    Example:

    >>> @outside_compiled_graph
    ... def fused_kernel(x):   # already one fused call; inductor need not lower it
    ...     return torch.relu(x)
    """
    disabled = []

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not torch.compiler.is_compiling():
            return fn(*args, **kwargs)
        if not disabled:
            disabled.append(torch.compiler.disable(fn))
        return disabled[0](*args, **kwargs)

    return wrapper
