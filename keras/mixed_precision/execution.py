"""Running each layer in its own dtype policy.

A layer with a mixed policy runs under ``torch.autocast`` in its 16-bit
compute dtype (its inputs as they arrive: autocast casts per operation); a
layer with a plain policy runs with autocast off, and when it is reached from
inside autocast its floating inputs are cast to its dtype.  Most layers share
the state of the context they run in (the global policy's autocast state,
which ``fit``, ``evaluate`` and ``predict`` set up around the forward pass);
only the others switch it, so layers with the default policy cost nothing:

- :func:`plan_call` decides when a model's execution plan is built whether a
  step needs the switch, and wraps only those steps;
- :func:`call` does it for a layer called directly (``Layer.__call__``), once
  a mixed policy has been used in the process.

Leaving autocast for a context without it, 16-bit outputs are cast back (to
the context's float dtype), as the layers there expect one dtype.
"""
import functools

import torch

from keras.backend import config as K_config
from keras.mixed_precision import policy as mp_policy

__all__ = ['plan_call', 'call']

_HALF = (torch.float16, torch.bfloat16)


def _is_graph_network(layer):
    return layer.__dict__.get('_is_graph_network', False)  # no slow Module.__getattr__


def _target(layer):
    """The autocast dtype ``layer`` runs under.  A functional model is a
    container: its plan runs under the global policy's state."""
    if _is_graph_network(layer):
        return mp_policy.context_autocast_dtype()
    return layer.__dict__.get('_autocast_dtype')


def _first_tensor(inputs):
    if isinstance(inputs, torch.Tensor):
        return inputs
    if isinstance(inputs, (list, tuple)):
        for x in inputs:
            found = _first_tensor(x)
            if found is not None:
                return found
    return None


def _cast(values, dtype, only=None):
    """``values`` (a tensor or nested lists/tuples) with floating tensors cast
    to ``dtype`` (those of the dtypes in ``only``, when given)."""
    if isinstance(values, torch.Tensor):
        if values.is_floating_point() and values.dtype != dtype and \
                (only is None or values.dtype in only):
            return values.to(dtype)
        return values
    if isinstance(values, (list, tuple)):
        return type(values)(_cast(v, dtype, only) for v in values)
    return values


def _restore_dtype(inputs):
    """The float dtype of a context without autocast, from what arrived."""
    x = _first_tensor(inputs)
    if x is not None and x.is_floating_point() and x.dtype not in _HALF:
        return x.dtype
    return getattr(torch, K_config.floatx())


def _run_switched(fn, layer, target, leaving, inputs, args, kwargs, device=None):
    """``fn(inputs, *args, **kwargs)`` with the autocast state ``target``;
    ``leaving``: the dtype 16-bit outputs return to (None: leave them)."""
    if device is None:
        x = _first_tensor(inputs)
        device = x.device.type if x is not None else 'cpu'
    if target is None:
        compute = getattr(torch, layer.compute_dtype, None)
        if isinstance(compute, torch.dtype) and compute.is_floating_point:
            inputs = _cast(inputs, compute)
        with torch.autocast(device, enabled=False):
            return fn(inputs, *args, **kwargs)
    with torch.autocast(device, dtype=target):
        outputs = fn(inputs, *args, **kwargs)
    return outputs if leaving is None else _cast(outputs, leaving, _HALF)


def plan_call(layer, run, context):
    """What an execution plan step calls: ``run`` itself when ``layer`` computes
    in the state ``context`` (an autocast dtype, or None for off) the plan runs
    under, else ``run`` wrapped to switch to the layer's state."""
    target = _target(layer)
    if target == context or _is_graph_network(layer):
        return run
    leaving = None
    if context is None and target is not None:
        leaving = getattr(torch, mp_policy.global_policy().compute_dtype)

    @functools.wraps(run)
    def switched(inputs, *args, **kwargs):
        return _run_switched(run, layer, target, leaving, inputs, args, kwargs)
    return switched


def _current(device):
    return mp_policy.active_autocast_dtype(device)


def call(layer, inputs, args, kwargs):
    """``layer(inputs, *args, **kwargs)`` on real tensors, in the layer's policy."""
    module_call = torch.nn.Module.__call__
    x = _first_tensor(inputs)
    if x is not None:
        device = x.device.type
    elif _is_graph_network(layer):
        device = layer._model_device().type  # e.g. model(numpy_array)
    else:
        return module_call(layer, inputs, *args, **kwargs)
    current = _current(device)
    target = _target(layer)
    if target == current:
        return module_call(layer, inputs, *args, **kwargs)
    leaving = _restore_dtype(inputs) if current is None else None
    return _run_switched(functools.partial(module_call, layer), layer, target, leaving,
                         inputs, args, kwargs, device)
