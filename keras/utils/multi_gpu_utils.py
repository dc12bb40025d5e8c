"""``multi_gpu_model``: single-machine data parallelism over several CUDA GPUs.

How it works here (PyTorch instead of TensorFlow device scopes): the returned
model has the template's inputs, one :class:`DataParallelModel` layer that
holds the template (so both models share every weight), and one identity
layer per output named like the template's outputs.  On each forward pass
that layer

1. splits every input batch along axis 0 over the GPUs
   (``torch.nn.parallel.scatter``),
2. copies the template onto each GPU (``torch.nn.parallel.replicate``; the
   copies are differentiable views of the one set of weights, so gradients
   add up on the template's weights),
3. runs the copies in parallel threads (``torch.nn.parallel.parallel_apply``),
   each in the caller's learning phase, and
4. concatenates the outputs on the device the batch came from
   (``torch.nn.parallel.gather``); losses that layers add during the pass
   (activity regularizers) are collected from every replica.

Train and save through the template, as with Keras 2.3.1: the parallel model
is only a faster way to call it.  Running statistics updated during the pass
(``BatchNormalization``'s moving mean/variance) are kept from the replica on
the first GPU only, as in ``torch.nn.DataParallel``.  With CPU tensors (no
GPU in use) the layer simply calls the template.

>>> parallel_model = multi_gpu_model(model, gpus=2)          # doctest: +SKIP
>>> parallel_model.compile('rmsprop', 'categorical_crossentropy')
>>> parallel_model.fit(x, y, batch_size=256)   # 128 samples per GPU
>>> model.save('my_model.h5')                  # save the template
"""
import torch

from keras.backend import session as K_session
from keras.engine.base_layer import Layer, collect_call_losses
from keras.engine.graph import Step, direct_call
from keras.engine.training import Model  # also exported here, as in 2.3.1
from keras.layers.core import Activation, Lambda  # noqa: F401 (2.3.1 exported Lambda)
from keras.utils.generic_utils import to_list

__all__ = ['multi_gpu_model', 'DataParallelModel']


class _TorchParallelOps(object):
    """The ``torch.nn.parallel`` primitives the layer uses (replaceable in tests)."""
    scatter = staticmethod(torch.nn.parallel.scatter)
    replicate = staticmethod(torch.nn.parallel.replicate)
    parallel_apply = staticmethod(torch.nn.parallel.parallel_apply)
    gather = staticmethod(torch.nn.parallel.gather)


def _get_available_devices():
    """Device names as Keras 2.3.1 printed them: the GPUs, then ``'/cpu:0'``."""
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    return ['/gpu:%d' % i for i in range(count)] + ['/cpu:0']


def _normalize_device_name(name):
    return '/' + ':'.join(name.lower().replace('/', '').split(':')[-2:])


def _target_gpu_ids(gpus, available_devices):
    """Check ``gpus`` as Keras 2.3.1 did; return the list of GPU ids to use."""
    if not gpus:  # all visible GPUs
        gpus = len([d for d in available_devices if '/gpu:' in d])
    if isinstance(gpus, (list, tuple)):
        if len(gpus) <= 1:
            raise ValueError('For multi-gpu usage to be effective, '
                             'call `multi_gpu_model` with `len(gpus) >= 2`. '
                             'Received: `gpus=%s`' % (gpus,))
        target_gpu_ids = list(gpus)
    else:
        if gpus <= 1:
            raise ValueError('For multi-gpu usage to be effective, '
                             'call `multi_gpu_model` with `gpus >= 2`. '
                             'Received: `gpus=%d`' % gpus)
        target_gpu_ids = list(range(gpus))
    target_devices = ['/cpu:0'] + ['/gpu:%d' % i for i in target_gpu_ids]
    for device in target_devices:
        if device not in available_devices:
            raise ValueError('To call `multi_gpu_model` with `gpus=%s`, we expect the '
                             'following devices to be available: %s. However this machine '
                             'only has: %s. Try reducing `gpus`.'
                             % (gpus, target_devices, available_devices))
    return target_gpu_ids


def multi_gpu_model(model, gpus=None, cpu_merge=True, cpu_relocation=False):
    """Wrap ``model`` so that each batch is split over several GPUs.

    Args:
        model: a built Keras model (the template).  Its weights are shared.
        gpus: an integer >= 2 (use GPUs ``0..gpus-1``), a list of GPU ids, or
            ``None`` for every visible GPU.
        cpu_merge: accepted for Keras 2.3.1 compatibility.  Outputs are always
            merged on the device the batch arrived on, where the loss is
            computed; merging on the CPU would only add copies.
        cpu_relocation: accepted for Keras 2.3.1 compatibility; the template's
            weights are moved to the first target GPU either way.

    Returns:
        A Keras ``Model`` with the template's inputs and output names.

    Raises:
        ValueError: when fewer than 2 GPUs are requested or available (Keras
            2.3.1's messages; catch it to fall back to the template, as the
            Keras 2 examples do).
    """
    del cpu_merge, cpu_relocation  # see the docstring
    available = [_normalize_device_name(d) for d in _get_available_devices()]
    device_ids = _target_gpu_ids(gpus, available)
    if torch.cuda.is_available():
        model.to(torch.device('cuda', device_ids[0]))
    parallel = DataParallelModel(model, device_ids, name='%s_data_parallel' % model.name)
    outputs = to_list(parallel(_single_or_list(model.inputs)))
    merged = [Activation('linear', name=name)(x)
              for name, x in zip(_unique_output_names(model.output_names), outputs)]
    return Model(_single_or_list(model.inputs), _single_or_list(merged))


def _single_or_list(tensors):
    return tensors[0] if len(tensors) == 1 else list(tensors)


def _unique_output_names(names):
    """Number repeated output names (a Siamese model's shared output layer)."""
    repeated = {n for n in names if names.count(n) > 1}
    counts, out = {}, []
    for n in names:
        if n in repeated:
            counts[n] = counts.get(n, 0) + 1
            n = '%s_%d' % (n, counts[n])
        out.append(n)
    return out


class DataParallelModel(Layer):
    """A layer that runs ``template`` on slices of the batch, one per GPU.

    Args:
        template: the Keras model to replicate (registered as a sub-layer, so
            its weights are this layer's weights).
        device_ids: the CUDA device indices to split each batch over.
    """

    def __init__(self, template, device_ids, **kwargs):
        super(DataParallelModel, self).__init__(**kwargs)
        self.template = template
        self.device_ids = list(device_ids)
        self._ops = _TorchParallelOps
        self.built = True

    def compute_output_shape(self, input_shape):
        return self.template.compute_output_shape(input_shape)

    def compute_output_dtype(self, input_dtypes):
        return [x.dtype for x in self.template.outputs]

    def call(self, inputs, training=None):
        xs = to_list(inputs, allow_tuple=True)
        if training is None:
            training = bool(K_session.learning_phase())
        if not (isinstance(xs[0], torch.Tensor) and xs[0].is_cuda):
            return self.template(inputs, training=training)
        outputs, losses = data_parallel_forward(self.template, xs, training, self.device_ids,
                                                xs[0].device, self._ops)
        self.add_loss(losses)
        return outputs


class _ReplicaRunner(object):
    """Runs one replica in a worker thread with the caller's learning phase,
    and returns its outputs together with the losses its layers added."""

    def __init__(self, replica, training, phase, multi_input):
        self.replica = replica
        self.training = training
        self.phase = phase
        self.multi_input = multi_input

    def __call__(self, *xs):
        with K_session.learning_phase_scope(self.phase), collect_call_losses() as losses:
            x = list(xs) if self.multi_input else xs[0]
            outputs = self.replica(x, training=self.training)
        return outputs, losses


def data_parallel_forward(template, xs, training, device_ids, output_device, ops=None):
    """Scatter ``xs``, run replicas of ``template``, gather the outputs.

    Returns:
        ``(outputs, losses)``: the merged outputs on ``output_device`` and the
        losses the replicas' layers added, moved there too.
    """
    ops = ops or _TorchParallelOps
    chunks = ops.scatter(tuple(xs), device_ids, dim=0)
    used = device_ids[:len(chunks)]
    replicas = ops.replicate(template, used, not torch.is_grad_enabled())
    for replica in replicas:
        rebind_plans(template, replica)
    phase = K_session.learning_phase()
    runners = [_ReplicaRunner(r, training, phase, len(xs) > 1) for r in replicas]
    results = ops.parallel_apply(runners, [tuple(c) for c in chunks], None, used)
    outputs = ops.gather([out for out, _ in results], output_device, dim=0)
    losses = [loss.to(output_device) for _, replica_losses in results for loss in replica_losses]
    return outputs, losses


def rebind_plans(template, replica):
    """Point the execution plans of a replica's networks at the replica's layers.

    ``replicate`` copies each module's ``__dict__``, so a network copy still
    holds the plan of the original, whose steps call the original layers
    (whose weights live on the original device).  This rebuilds each plan
    with the matching replica layers (``modules()`` orders agree).
    """
    originals = list(template.modules())
    copies = list(replica.modules())
    match = {id(o): c for o, c in zip(originals, copies)}
    for original, copy in zip(originals, copies):
        if not getattr(original, '_is_graph_network', False):
            continue
        plan = original._get_plan()
        steps = [_step_with_layer(step, match.get(id(step.layer), step.layer))
                 for step in plan.steps]
        copy.__dict__['_plan'] = plan._replace(steps=steps)
        copy.__dict__['_plan_hooks'] = original.__dict__.get('_plan_hooks')


def _step_with_layer(step, layer):
    new = Step()
    for slot in Step.__slots__:
        setattr(new, slot, getattr(step, slot))
    new.layer = layer
    new.run = direct_call(layer)
    return new
