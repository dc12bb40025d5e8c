"""The benchmark workloads: each builds the same model, data and optimizer for
Keras Classic and for a hand-written PyTorch loop."""
import os

import numpy as np
import torch
import torch.nn.functional as F

EPS = 1e-7


def _torch_epoch(model, optimizer, x, y, batch_size, loss_fn):
    """A plain PyTorch training epoch: shuffle, slice, forward, loss, step.

    Like ``fit`` with ``metrics=['accuracy']`` (every Keras side here), it
    reports the epoch's mean loss and accuracy, kept on the device during the
    epoch and read once at its end, as a hand-written loop that prints them
    would.
    """
    n = x.shape[0]

    def run():
        model.train()
        perm = torch.randperm(n)
        loss_sum = torch.zeros(())
        correct = torch.zeros((), dtype=torch.int64)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            optimizer.zero_grad(set_to_none=True)
            probs = model(xb)
            loss = loss_fn(probs, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach() * idx.shape[0]
                correct += _correct(probs, yb)
        return float(loss_sum) / n, float(correct) / n
    return run


def binary_crossentropy(probs, target):
    probs = probs.clamp(EPS, 1 - EPS)
    return -(target * torch.log(probs) + (1 - target) * torch.log(1 - probs)).mean()


def _rmsprop_epoch(net, data, batch_size, loss_fn):
    """The hand-written epoch with Keras's default RMSprop (rho 0.9, epsilon 1e-7)."""
    opt = torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=EPS)
    x, y = (torch.from_numpy(a) for a in data)
    return _torch_epoch(net, opt, x, y, batch_size, loss_fn)


def _correct(probs, target):
    """How many rows are predicted right: the arg-max class, or ``p > 0.5``
    for a single sigmoid output."""
    if target.shape[-1] == 1:
        return ((probs > 0.5) == (target > 0.5)).sum()
    return (probs.argmax(-1) == target.argmax(-1)).sum()


def categorical_crossentropy(probs, target):
    probs = probs / probs.sum(-1, keepdim=True)
    return -(target * torch.log(probs.clamp(EPS, 1 - EPS))).sum(-1).mean()


def _keras_epoch(model, x, y, batch_size):
    """One ``fit`` epoch; ``compile`` was called with the workload's ``jit_compile``."""
    def run():
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=True)
    run.model = model
    return run


class Workload(object):
    name = ''
    needs = ()

    def missing(self):
        import keras
        return [n for n in self.needs if not hasattr(keras.layers, n)]

    def available(self):
        return not self.missing()


class MLP20(Workload):
    """The seed's MLP for multi-class softmax classification (20-d input, SGD)."""
    name = 'mlp20'
    batch_size = 128

    def data(self):
        x = np.random.random((20000, 20)).astype('float32')
        y = np.eye(10, dtype='float32')[np.random.randint(10, size=20000)]
        return x, y

    def torch_epoch(self, data):
        net = torch.nn.Sequential(
            torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Dropout(0.5),
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Dropout(0.5),
            torch.nn.Linear(64, 10), torch.nn.Softmax(dim=-1))
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True)
        x, y = (torch.from_numpy(a) for a in data)
        return _torch_epoch(net, opt, x, y, self.batch_size, categorical_crossentropy)

    def keras_epoch(self, data, jit_compile=False):
        from keras.layers import Dense, Dropout
        from keras.models import Sequential
        from keras.optimizers import SGD
        model = Sequential()
        model.add(Dense(64, activation='relu', input_dim=20))
        model.add(Dropout(0.5))
        model.add(Dense(64, activation='relu'))
        model.add(Dropout(0.5))
        model.add(Dense(10, activation='softmax'))
        model.compile(loss='categorical_crossentropy',
                      optimizer=SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True),
                      metrics=['accuracy'],
                      jit_compile=jit_compile)
        return _keras_epoch(model, data[0], data[1], self.batch_size)


class MLPBinary(Workload):
    """The seed's MLP for binary classification (20-d input, sigmoid output, RMSprop)."""
    name = 'mlp_binary'
    batch_size = 128

    def data(self):
        x = np.random.random((20000, 20)).astype('float32')
        y = np.random.randint(2, size=(20000, 1)).astype('float32')
        return x, y

    def torch_epoch(self, data):
        net = torch.nn.Sequential(
            torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Dropout(0.5),
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Dropout(0.5),
            torch.nn.Linear(64, 1), torch.nn.Sigmoid())
        return _rmsprop_epoch(net, data, self.batch_size, binary_crossentropy)

    def keras_epoch(self, data, jit_compile=False):
        from keras.layers import Dense, Dropout
        from keras.models import Sequential
        model = Sequential()
        model.add(Dense(64, input_dim=20, activation='relu'))
        model.add(Dropout(0.5))
        model.add(Dense(64, activation='relu'))
        model.add(Dropout(0.5))
        model.add(Dense(1, activation='sigmoid'))
        model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'],
                      jit_compile=jit_compile)
        return _keras_epoch(model, data[0], data[1], self.batch_size)


def _mnist():
    from keras.datasets import mnist
    os.environ.setdefault('KERAS_HOME', os.path.join(os.path.dirname(__file__), '..', '..',
                                                     'shared'))
    (x, y), _ = mnist.load_data()
    x = x.reshape(-1, 784).astype('float32') / 255.
    y = np.eye(10, dtype='float32')[y]
    return x, y


class MnistMLP(Workload):
    """The Keras 2 mnist_mlp example: 512-512-10 with Dropout 0.2, RMSprop, batch 128."""
    name = 'mnist_mlp'
    batch_size = 128

    def data(self):
        return _mnist()

    def torch_epoch(self, data):
        net = torch.nn.Sequential(
            torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
            torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
            torch.nn.Linear(512, 10), torch.nn.Softmax(dim=-1))
        return _rmsprop_epoch(net, data, self.batch_size, categorical_crossentropy)

    def keras_epoch(self, data, jit_compile=False):
        from keras.layers import Dense, Dropout
        from keras.models import Sequential
        from keras.optimizers import RMSprop
        model = Sequential()
        model.add(Dense(512, activation='relu', input_shape=(784,)))
        model.add(Dropout(0.2))
        model.add(Dense(512, activation='relu'))
        model.add(Dropout(0.2))
        model.add(Dense(10, activation='softmax'))
        model.compile(loss='categorical_crossentropy', optimizer=RMSprop(),
                      metrics=['accuracy'],
                      jit_compile=jit_compile)
        return _keras_epoch(model, data[0], data[1], self.batch_size)


class MnistCNN(Workload):
    """The Keras 2 mnist_cnn example (Conv 32, Conv 64, MaxPool, Dropout, Dense 128), Adadelta."""
    name = 'mnist_cnn'
    batch_size = 128
    needs = ('Conv2D', 'MaxPooling2D')

    def data(self):
        x, y = _mnist()
        n = 6000  # a tenth of MNIST keeps one epoch short on a laptop CPU
        return x[:n].reshape(-1, 28, 28, 1), y[:n]

    def torch_epoch(self, data):
        class Net(torch.nn.Module):
            def __init__(self):
                super(Net, self).__init__()
                self.c1 = torch.nn.Conv2d(1, 32, 3)
                self.c2 = torch.nn.Conv2d(32, 64, 3)
                self.d1 = torch.nn.Linear(9216, 128)
                self.d2 = torch.nn.Linear(128, 10)

            def forward(self, x):
                x = x.permute(0, 3, 1, 2)
                x = F.relu(self.c2(F.relu(self.c1(x))))
                x = F.dropout(F.max_pool2d(x, 2), 0.25, self.training)
                x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
                x = F.dropout(F.relu(self.d1(x)), 0.5, self.training)
                return F.softmax(self.d2(x), dim=-1)
        net = Net().to(memory_format=torch.channels_last)
        opt = torch.optim.Adadelta(net.parameters(), lr=1.0, rho=0.95, eps=EPS)
        x, y = (torch.from_numpy(np.ascontiguousarray(a)) for a in data)
        return _torch_epoch(net, opt, x, y, self.batch_size, categorical_crossentropy)

    def keras_epoch(self, data, jit_compile=False):
        import keras
        from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
        from keras.models import Sequential
        model = Sequential()
        model.add(Conv2D(32, kernel_size=(3, 3), activation='relu', input_shape=(28, 28, 1)))
        model.add(Conv2D(64, (3, 3), activation='relu'))
        model.add(MaxPooling2D(pool_size=(2, 2)))
        model.add(Dropout(0.25))
        model.add(Flatten())
        model.add(Dense(128, activation='relu'))
        model.add(Dropout(0.5))
        model.add(Dense(10, activation='softmax'))
        model.compile(loss=keras.losses.categorical_crossentropy,
                      optimizer=keras.optimizers.Adadelta(), metrics=['accuracy'],
                      jit_compile=jit_compile)
        return _keras_epoch(model, data[0], data[1], self.batch_size)


class EmbeddingLSTM(Workload):
    """The seed's Embedding + LSTM(128) binary classifier (rmsprop, batch 16 -> 64 here)."""
    name = 'embed_lstm'
    batch_size = 64
    needs = ('Embedding', 'LSTM')

    def data(self):
        x = np.random.randint(1, 2000, size=(2048, 80)).astype('int64')
        y = np.random.randint(2, size=(2048, 1)).astype('float32')
        return x, y

    def torch_epoch(self, data):
        class Net(torch.nn.Module):
            def __init__(self):
                super(Net, self).__init__()
                self.emb = torch.nn.Embedding(2000, 256)
                self.lstm = torch.nn.LSTM(256, 128, batch_first=True)
                self.out = torch.nn.Linear(128, 1)

            def forward(self, x):
                h = self.lstm(self.emb(x))[0][:, -1]
                return torch.sigmoid(self.out(F.dropout(h, 0.5, self.training)))
        net = Net()
        return _rmsprop_epoch(net, data, self.batch_size, binary_crossentropy)

    def keras_epoch(self, data, jit_compile=False):
        from keras.layers import LSTM, Dense, Dropout, Embedding
        from keras.models import Sequential
        model = Sequential()
        model.add(Embedding(2000, output_dim=256))
        model.add(LSTM(128))
        model.add(Dropout(0.5))
        model.add(Dense(1, activation='sigmoid'))
        model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'],
                      jit_compile=jit_compile)
        return _keras_epoch(model, data[0], data[1], self.batch_size)


class StackedLSTM(Workload):
    """The seed's stacked LSTM: 3 x LSTM(32) on (8, 16) sequences, softmax over 10, rmsprop."""
    name = 'stacked_lstm'
    batch_size = 64
    needs = ('LSTM',)

    def data(self):
        x = np.random.random((4096, 8, 16)).astype('float32')
        y = np.random.random((4096, 10)).astype('float32')
        return x, y

    def torch_epoch(self, data):
        class Net(torch.nn.Module):
            def __init__(self):
                super(Net, self).__init__()
                self.l1 = torch.nn.LSTM(16, 32, batch_first=True)
                self.l2 = torch.nn.LSTM(32, 32, batch_first=True)
                self.l3 = torch.nn.LSTM(32, 32, batch_first=True)
                self.out = torch.nn.Linear(32, 10)

            def forward(self, x):
                h = self.l3(self.l2(self.l1(x)[0])[0])[0][:, -1]
                return F.softmax(self.out(h), dim=-1)
        net = Net()
        return _rmsprop_epoch(net, data, self.batch_size, categorical_crossentropy)

    def keras_epoch(self, data, jit_compile=False):
        from keras.layers import LSTM, Dense
        from keras.models import Sequential
        model = Sequential()
        model.add(LSTM(32, return_sequences=True, input_shape=(8, 16)))
        model.add(LSTM(32, return_sequences=True))
        model.add(LSTM(32))
        model.add(Dense(10, activation='softmax'))
        model.compile(loss='categorical_crossentropy', optimizer='rmsprop',
                      metrics=['accuracy'],
                      jit_compile=jit_compile)
        return _keras_epoch(model, data[0], data[1], self.batch_size)


def _hard_sigmoid(x):
    return torch.clamp(x * 0.2 + 0.5, 0., 1.)


class _HardSigmoidLSTM(torch.nn.Module):
    """An LSTM with Keras 2.0's gate activation, written out step by step as
    one would in PyTorch (no fused kernel computes it)."""

    def __init__(self, input_dim, units):
        super(_HardSigmoidLSTM, self).__init__()
        self.units = units
        self.w = torch.nn.Parameter(torch.nn.init.xavier_uniform_(torch.empty(input_dim,
                                                                              4 * units)))
        self.u = torch.nn.Parameter(torch.nn.init.orthogonal_(torch.empty(units, 4 * units)))
        self.b = torch.nn.Parameter(torch.zeros(4 * units))

    def forward(self, x):
        h = c = x.new_zeros((x.shape[0], self.units))
        for z in torch.addmm(self.b, x.reshape(-1, x.shape[2]), self.w).reshape(
                x.shape[0], x.shape[1], -1).unbind(1):
            g = torch.addmm(z, h, self.u)
            i, f, _, o = _hard_sigmoid(g).chunk(4, dim=1)
            c = f * c + i * torch.tanh(g[:, 2 * self.units:3 * self.units])
            h = o * torch.tanh(c)
        return h


class HardSigmoidLSTM(Workload):
    """LSTM(64, recurrent_activation='hard_sigmoid') as Keras 2.0-era model files
    have it: no fused kernel, so Keras runs its cell loop; 40 steps of 32
    features, binary classifier, rmsprop, batch 32."""
    name = 'hsig_lstm'
    batch_size = 32
    needs = ('LSTM',)

    def data(self):
        x = np.random.random((1024, 40, 32)).astype('float32')
        y = np.random.randint(2, size=(1024, 1)).astype('float32')
        return x, y

    def torch_epoch(self, data):
        class Net(torch.nn.Module):
            def __init__(self):
                super(Net, self).__init__()
                self.lstm = _HardSigmoidLSTM(32, 64)
                self.out = torch.nn.Linear(64, 1)

            def forward(self, x):
                return torch.sigmoid(self.out(self.lstm(x)))
        net = Net()
        return _rmsprop_epoch(net, data, self.batch_size, binary_crossentropy)

    def keras_epoch(self, data, jit_compile=False):
        from keras.layers import LSTM, Dense
        from keras.models import Sequential
        model = Sequential()
        model.add(LSTM(64, recurrent_activation='hard_sigmoid', input_shape=(40, 32)))
        model.add(Dense(1, activation='sigmoid'))
        model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'],
                      jit_compile=jit_compile)
        return _keras_epoch(model, data[0], data[1], self.batch_size)


ALL = [MLPBinary(), MLP20(), MnistMLP(), MnistCNN(), EmbeddingLSTM(), StackedLSTM(),
       HardSigmoidLSTM()]
