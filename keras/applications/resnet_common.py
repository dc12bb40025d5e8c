"""ResNet, ResNetV2 and ResNeXt (keras-applications 1.0.8's ``resnet_common``).

- ResNet (He et al., CVPR 2016): post-activation bottleneck blocks.
- ResNetV2 (He et al., "Identity Mappings in Deep Residual Networks", ECCV
  2016): pre-activation blocks, stride on the last block of a stack.
- ResNeXt (Xie et al., CVPR 2017): grouped 3x3 convolutions (32 groups),
  built as a depthwise convolution followed by a sum over each group.

The public builders live in ``resnet``, ``resnet_v2`` and ``resnext``.
"""
from keras import backend as K
from keras.applications import _common
from keras.applications.imagenet_utils import _obtain_input_shape
from keras.layers import (Activation, Add, BatchNormalization, Conv2D, Dense,
                          DepthwiseConv2D, GlobalAveragePooling2D, Lambda, MaxPooling2D,
                          Reshape, ZeroPadding2D)

__all__ = ['ResNet', 'block1', 'stack1', 'block2', 'stack2', 'block3', 'stack3',
           'WEIGHTS_HASHES', 'BASE_WEIGHTS_PATH']

BASE_WEIGHTS_PATH = ('https://github.com/keras-team/keras-applications/'
                     'releases/download/resnet/')
WEIGHTS_HASHES = {
    'resnet50': ('2cb95161c43110f7111970584f804107', '4d473c1dd8becc155b73f8504c6f6626'),
    'resnet101': ('f1aeb4b969a6efcfb50fad2f0c20cfc5', '88cf7a10940856eca736dc7b7e228a21'),
    'resnet152': ('100835be76be38e30d865e96f2aaae62', 'ee4c566cf9a93f14d82f913c2dc6dd0c'),
    'resnet50v2': ('3ef43a0b657b3be2300d5770ece849e0', 'fac2f116257151a9d068a22e544a4917'),
    'resnet101v2': ('6343647c601c52e1368623803854d971', 'c0ed64b8031c3730f411d2eb4eea35b5'),
    'resnet152v2': ('a49b44d1979771252814e80f8ec446f9', 'ed17cf2e0169df9d443503ef94b23b33'),
    'resnext50': ('67a5b30d522ed92f75a1f16eef299d1a', '62527c363bdd9ec598bed41947b379fc'),
    'resnext101': ('34fb605428fcc7aa4d62f44404c11509', '0f678c91647380debd923963594981b3'),
}
_EPS = 1.001e-5


def _bn(x, name):
    axis = 3 if K.image_data_format() == 'channels_last' else 1
    return BatchNormalization(axis=axis, epsilon=_EPS, name=name)(x)


def block1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A ResNet (v1) bottleneck block; the output has ``4 * filters`` channels.

    Args:
        x: input tensor.
        filters: filters of the bottleneck layer.
        kernel_size: size of the middle convolution.
        stride: stride of the first convolution.
        conv_shortcut: a 1x1 convolution shortcut if True, else the identity.
        name: block label.
    """
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=name + '_0_conv')(x)
        shortcut = _bn(shortcut, name + '_0_bn')
    else:
        shortcut = x
    x = Conv2D(filters, 1, strides=stride, name=name + '_1_conv')(x)
    x = Activation('relu', name=name + '_1_relu')(_bn(x, name + '_1_bn'))
    x = Conv2D(filters, kernel_size, padding='SAME', name=name + '_2_conv')(x)
    x = Activation('relu', name=name + '_2_relu')(_bn(x, name + '_2_bn'))
    x = Conv2D(4 * filters, 1, name=name + '_3_conv')(x)
    x = _bn(x, name + '_3_bn')
    x = Add(name=name + '_add')([shortcut, x])
    return Activation('relu', name=name + '_out')(x)


def stack1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v1 blocks; the first has a convolution shortcut and ``stride1``."""
    x = block1(x, filters, stride=stride1, name=name + '_block1')
    for i in range(2, blocks + 1):
        x = block1(x, filters, conv_shortcut=False, name=name + '_block' + str(i))
    return x


def block2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A ResNetV2 (pre-activation) bottleneck block.

    Arguments are those of :func:`block1`.
    """
    preact = _bn(x, name + '_preact_bn')
    preact = Activation('relu', name=name + '_preact_relu')(preact)
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=name + '_0_conv')(preact)
    else:
        shortcut = MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = Conv2D(filters, 1, strides=1, use_bias=False, name=name + '_1_conv')(preact)
    x = Activation('relu', name=name + '_1_relu')(_bn(x, name + '_1_bn'))
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + '_2_pad')(x)
    x = Conv2D(filters, kernel_size, strides=stride, use_bias=False,
               name=name + '_2_conv')(x)
    x = Activation('relu', name=name + '_2_relu')(_bn(x, name + '_2_bn'))
    x = Conv2D(4 * filters, 1, name=name + '_3_conv')(x)
    return Add(name=name + '_out')([shortcut, x])


def stack2(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v2 blocks; the first projects, the last has stride ``stride1``."""
    x = block2(x, filters, conv_shortcut=True, name=name + '_block1')
    for i in range(2, blocks):
        x = block2(x, filters, name=name + '_block' + str(i))
    return block2(x, filters, stride=stride1, name=name + '_block' + str(blocks))


def _group_sum(x, c):
    """Sum the last axis of a ``(..., groups, c, c)`` tensor (ResNeXt)."""
    return sum(x[:, :, :, :, i] for i in range(c))


def block3(x, filters, kernel_size=3, stride=1, groups=32, conv_shortcut=True, name=None):
    """A ResNeXt block with a ``groups``-way grouped middle convolution.

    Arguments are those of :func:`block1`, plus ``groups``; the output has
    ``(64 // groups) * filters`` channels.
    """
    if conv_shortcut:
        shortcut = Conv2D((64 // groups) * filters, 1, strides=stride, use_bias=False,
                          name=name + '_0_conv')(x)
        shortcut = _bn(shortcut, name + '_0_bn')
    else:
        shortcut = x
    x = Conv2D(filters, 1, use_bias=False, name=name + '_1_conv')(x)
    x = Activation('relu', name=name + '_1_relu')(_bn(x, name + '_1_bn'))
    c = filters // groups
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + '_2_pad')(x)
    x = DepthwiseConv2D(kernel_size, strides=stride, depth_multiplier=c, use_bias=False,
                        name=name + '_2_conv')(x)
    x_shape = K.int_shape(x)[1:-1]
    x = Reshape(x_shape + (groups, c, c))(x)
    x = Lambda(_group_sum, arguments={'c': c}, name=name + '_2_reduce')(x)
    x = Reshape(x_shape + (filters,))(x)
    x = Activation('relu', name=name + '_2_relu')(_bn(x, name + '_2_bn'))
    x = Conv2D((64 // groups) * filters, 1, use_bias=False, name=name + '_3_conv')(x)
    x = _bn(x, name + '_3_bn')
    x = Add(name=name + '_add')([shortcut, x])
    return Activation('relu', name=name + '_out')(x)


def stack3(x, filters, blocks, stride1=2, groups=32, name=None):
    """``blocks`` ResNeXt blocks; the first has a convolution shortcut."""
    x = block3(x, filters, stride=stride1, groups=groups, name=name + '_block1')
    for i in range(2, blocks + 1):
        x = block3(x, filters, groups=groups, conv_shortcut=False,
                   name=name + '_block' + str(i))
    return x


def _imagenet_file(model_name, include_top):
    if model_name not in WEIGHTS_HASHES:
        return None
    suffix = '' if include_top else '_notop'
    fname = model_name + '_weights_tf_dim_ordering_tf_kernels' + suffix + '.h5'
    return fname, BASE_WEIGHTS_PATH + fname, WEIGHTS_HASHES[model_name][0 if include_top else 1]


def ResNet(stack_fn, preact, use_bias, model_name='resnet', include_top=True,
           weights='imagenet', input_tensor=None, input_shape=None, pooling=None,
           classes=1000, **kwargs):
    """Instantiate a ResNet, ResNetV2 or ResNeXt.

    Args:
        stack_fn: function building the stacked residual blocks.
        preact: pre-activation (True for ResNetV2).
        use_bias: bias in the stem convolution (False for ResNeXt).
        model_name: model name (also picks the ImageNet weights file).
        include_top, weights, input_tensor, input_shape, pooling, classes:
            as for :func:`keras.applications.resnet50.ResNet50`.

    Returns:
        A ``keras.models.Model``.
    """
    _common.check_kwargs(kwargs)
    _common.check_weights(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=224, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name='conv1_pad')(img_input)
    x = Conv2D(64, 7, strides=2, use_bias=use_bias, name='conv1_conv')(x)
    if not preact:
        x = Activation('relu', name='conv1_relu')(_bn(x, 'conv1_bn'))
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name='pool1_pad')(x)
    x = MaxPooling2D(3, strides=2, name='pool1_pool')(x)
    x = stack_fn(x)
    if preact:
        x = Activation('relu', name='post_relu')(_bn(x, 'post_bn'))
    if include_top:
        x = GlobalAveragePooling2D(name='avg_pool')(x)
        x = Dense(classes, activation='softmax', name='probs')(x)
    else:
        x = _common.pool_features(x, pooling, avg_name='avg_pool', max_name='max_pool')
    return _common.finish_model(img_input, input_tensor, x, model_name, weights,
                                _imagenet_file(model_name, include_top))


def _builder(model_name, preact, use_bias, plan, stack):
    """A public builder (``ResNet50``...) for one ``plan`` of stacks."""
    def stack_fn(x):
        for i, (filters, blocks, stride1) in enumerate(plan):
            x = stack(x, filters, blocks, stride1=stride1, name='conv%d' % (i + 2))
        return x

    def build(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
              pooling=None, classes=1000, **kwargs):
        return ResNet(stack_fn, preact, use_bias, model_name, include_top, weights,
                      input_tensor, input_shape, pooling, classes, **kwargs)
    build.__doc__ = ('Instantiate %s.\n\n    Arguments are those of '
                     ':func:`keras.applications.resnet50.ResNet50`.\n' % model_name)
    return build


def _v1_plan(blocks):
    return tuple(zip((64, 128, 256, 512), blocks, (1, 2, 2, 2)))


def _v2_plan(blocks):
    return tuple(zip((64, 128, 256, 512), blocks, (2, 2, 2, 1)))


def _x_plan(blocks):
    return tuple(zip((128, 256, 512, 1024), blocks, (1, 2, 2, 2)))


ResNet50 = _builder('resnet50', False, True, _v1_plan((3, 4, 6, 3)), stack1)
ResNet101 = _builder('resnet101', False, True, _v1_plan((3, 4, 23, 3)), stack1)
ResNet152 = _builder('resnet152', False, True, _v1_plan((3, 8, 36, 3)), stack1)
ResNet50V2 = _builder('resnet50v2', True, True, _v2_plan((3, 4, 6, 3)), stack2)
ResNet101V2 = _builder('resnet101v2', True, True, _v2_plan((3, 4, 23, 3)), stack2)
ResNet152V2 = _builder('resnet152v2', True, True, _v2_plan((3, 8, 36, 3)), stack2)
ResNeXt50 = _builder('resnext50', False, False, _x_plan((3, 4, 6, 3)), stack3)
ResNeXt101 = _builder('resnext101', False, False, _x_plan((3, 4, 23, 3)), stack3)
for _fn, _name in ((ResNet50, 'ResNet50'), (ResNet101, 'ResNet101'),
                   (ResNet152, 'ResNet152'), (ResNet50V2, 'ResNet50V2'),
                   (ResNet101V2, 'ResNet101V2'), (ResNet152V2, 'ResNet152V2'),
                   (ResNeXt50, 'ResNeXt50'), (ResNeXt101, 'ResNeXt101')):
    _fn.__name__ = _fn.__qualname__ = _name
del _fn, _name
