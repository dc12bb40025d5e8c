"""``fit``/``evaluate``/``predict`` (and their generator forms) read a
``torch.utils.data.DataLoader`` as they read a ``Sequence``: one pass per
epoch, its batches as ``(x, y)`` or ``(x, y, sample_weight)``."""
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

import keras
from keras.layers import Dense
from keras.models import Sequential


_START = []


def _model():
    """The same small classifier, from the same initial weights each time."""
    model = Sequential([Dense(5, activation='tanh', input_shape=(4,)),
                        Dense(3, activation='softmax')])
    model.compile(keras.optimizers.SGD(lr=0.1, momentum=0.9), 'categorical_crossentropy',
                  metrics=['accuracy'])
    if not _START:
        _START.extend(model.get_weights())
    model.set_weights(_START)
    return model


def _data(n=20, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 4).astype('float32')
    y = np.eye(3, dtype='float32')[rng.randint(3, size=n)]
    return x, y


def _loader(*arrays, batch_size=8, **kwargs):
    return DataLoader(TensorDataset(*[torch.from_numpy(a) for a in arrays]),
                      batch_size=batch_size, **kwargs)


def test_fit_evaluate_predict_on_a_loader_equal_the_arrays():
    x, y = _data()
    xv, yv = _data(9, seed=1)
    by_arrays, by_loader = _model(), _model()
    h_arrays = by_arrays.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                             validation_data=(xv, yv))
    h_loader = by_loader.fit(_loader(x, y), epochs=3, verbose=0,
                             validation_data=_loader(xv, yv, batch_size=4))
    for a, b in zip(by_arrays.get_weights(), by_loader.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-6)
    assert sorted(h_loader.history) == ['accuracy', 'loss', 'val_accuracy', 'val_loss']
    np.testing.assert_allclose(h_loader.history['loss'], h_arrays.history['loss'], atol=1e-6)
    np.testing.assert_allclose(h_loader.history['val_loss'], h_arrays.history['val_loss'],
                               atol=1e-6)
    np.testing.assert_allclose(by_loader.evaluate(_loader(x, y, batch_size=6), verbose=0),
                               by_arrays.evaluate(x, y, verbose=0), atol=1e-6)
    expected = by_arrays.predict(x)
    np.testing.assert_allclose(by_loader.predict(_loader(x, batch_size=6)), expected, atol=1e-6)
    # batches of (x, y): predict reads x
    np.testing.assert_allclose(by_loader.predict_generator(_loader(x, y)), expected, atol=1e-6)


def test_a_loader_with_sample_weights_and_steps_spanning_passes():
    x, y = _data(12)
    weights = np.linspace(0., 2., 12).astype('float32')
    by_arrays, by_loader = _model(), _model()
    by_arrays.fit(x, y, sample_weight=weights, batch_size=4, epochs=1, shuffle=False, verbose=0)
    by_arrays.fit(x[:8], y[:8], sample_weight=weights[:8], batch_size=4, epochs=1,
                  shuffle=False, verbose=0)
    # 5 steps: one pass of 3 batches, then the first 2 batches of the next pass
    by_loader.fit(_loader(x, y, weights, batch_size=4), steps_per_epoch=5, epochs=1, verbose=0)
    for a, b in zip(by_arrays.get_weights(), by_loader.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-6)


def test_a_shuffling_loader_is_read_afresh_each_epoch():
    x, y = _data(16)
    seen = []

    class Recording(TensorDataset):
        def __getitem__(self, i):
            seen.append(i)
            return super(Recording, self).__getitem__(i)
    loader = DataLoader(Recording(torch.from_numpy(x), torch.from_numpy(y)), batch_size=4,
                        shuffle=True)
    history = _model().fit(loader, epochs=2, verbose=0)
    assert len(history.history['loss']) == 2
    assert sorted(seen[:16]) == list(range(16)) and sorted(seen[16:]) == list(range(16))


class _Stream(IterableDataset):
    def __iter__(self):
        x, y = _data(8)
        return iter(zip(torch.from_numpy(x), torch.from_numpy(y)))


def test_a_loader_without_length_needs_steps():
    model = _model()
    with pytest.raises(ValueError, match='no length.*steps_per_epoch'):
        model.fit(DataLoader(_Stream(), batch_size=4), epochs=1, verbose=0)
    history = model.fit(DataLoader(_Stream(), batch_size=4), steps_per_epoch=3, epochs=2,
                        verbose=0)
    assert len(history.history['loss']) == 2
    assert model.predict(DataLoader(_Stream(), batch_size=4), steps=2).shape == (8, 3)


def test_arguments_that_a_loader_carries_itself_are_refused():
    """As Keras 2.3.1 for generators: y, sample_weight and validation_split
    would be ignored, so they are errors."""
    x, y = _data(8)
    model = _model()
    with pytest.raises(ValueError, match='`y` argument is not supported'):
        model.fit(_loader(x, y), y, verbose=0)
    with pytest.raises(ValueError, match='validation_split'):
        model.fit(_loader(x, y), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match='`sample_weight` argument is not supported'):
        model.evaluate(_loader(x, y), sample_weight=np.ones(8), verbose=0)
