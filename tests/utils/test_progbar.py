import io
import sys

import pytest

from keras.utils import progbar as progbar_module
from keras.utils.progbar import Progbar


class FakeClock(object):
    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_module, '_clock', fake)
    return fake


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def _bar(current, target, filled, width=30):
    head = ('%' + str(len(str(target))) + 'd/%d [') % (current, target)
    if filled:
        tip = '=' if current >= target else '>'
        head += '=' * (filled - 1) + tip
    return head + '.' * (width - filled) + ']'


def test_verbose1_log_output(clock, capsys):
    bar = Progbar(10)
    clock.now += 1.0
    bar.update(2, values=[('loss', 0.5)])
    clock.now += 4.0
    bar.update(10, values=[('loss', 1.0)])
    out = capsys.readouterr().out
    first = '\n' + _bar(2, 10, 6) + ' - ETA: 4s - loss: 0.5000'
    # loss is averaged over steps: (0.5 * 2 + 1.0 * 8) / 10.
    second = '\n' + _bar(10, 10, 30) + ' - 5s 500ms/step - loss: 0.9000\n'
    assert out == first + second


def test_dynamic_display_rewrites_in_place(clock, monkeypatch):
    tty = FakeTTY()
    monkeypatch.setattr(sys, 'stdout', tty)
    bar = Progbar(4, width=4)
    clock.now += 1.0
    bar.update(1, values=[('a_long_metric_name', 0.25)])
    first = _bar(1, 4, 1, width=4) + ' - ETA: 3s - a_long_metric_name: 0.2500'
    clock.now += 1.0
    bar.update(4)
    second = _bar(4, 4, 4, width=4) + ' - 2s 500ms/step - a_long_metric_name: 0.2500'
    text = tty.getvalue()
    assert text == '\r' + first + '\b' * len(first) + '\r' + second + '\n'


def test_dynamic_display_pads_shorter_line(clock, monkeypatch):
    tty = FakeTTY()
    monkeypatch.setattr(sys, 'stdout', tty)
    bar = Progbar(None)
    clock.now += 100.0
    bar.update(1, values=[('x', 1.0)])
    first = '      1/Unknown - 100s 100s/step - x: 1.0000'
    clock.now -= 99.5  # a faster rate gives a shorter line
    bar.update(100)
    second = '    100/Unknown - 0s 5ms/step - x: 1.0000'
    pad = ' ' * (len(first) - len(second))
    assert tty.getvalue() == ('\r' + first + '\b' * len(first) + '\r' +
                              second + pad)


def test_ipykernel_means_dynamic(clock, monkeypatch, capsys):
    assert not Progbar(3)._dynamic_display  # captured stdout is no tty
    monkeypatch.setitem(sys.modules, 'ipykernel', object())
    assert Progbar(3)._dynamic_display


def test_interval_limits_refresh(clock, capsys):
    bar = Progbar(100, interval=0.05)
    clock.now += 0.01
    bar.update(1)
    for step in range(2, 6):
        clock.now += 0.01
        bar.update(step)
    assert capsys.readouterr().out.count('\n') == 1  # only the first update
    clock.now += 0.05
    bar.update(6)
    assert capsys.readouterr().out.count('\n') == 1
    bar.update(100)  # the last step is always shown
    assert capsys.readouterr().out.endswith('\n')


def test_stateful_metrics_shown_as_given(clock, capsys):
    bar = Progbar(4, stateful_metrics=['acc'])
    clock.now += 1.0
    bar.update(2, values=[('loss', 2.0), ('acc', 0.5)])
    clock.now += 1.0
    bar.update(4, values=[('loss', 4.0), ('acc', 0.75)])
    last = capsys.readouterr().out.split('\n')[-2]
    assert last.endswith(' - loss: 3.0000 - acc: 0.7500')


def test_small_values_use_scientific_notation(clock, capsys):
    bar = Progbar(1)
    bar.update(1, values=[('tiny', 1e-5), ('neg', -2e-4)])
    out = capsys.readouterr().out
    assert out.endswith(' - tiny: 1.0000e-05 - neg: -2.0000e-04\n')


@pytest.mark.parametrize('seconds, expected', [
    (30.0, ' - ETA: 30s'),
    (125.0, ' - ETA: 2:05'),
    (3725.0, ' - ETA: 1:02:05'),
])
def test_eta_formats(clock, capsys, seconds, expected):
    bar = Progbar(2)
    clock.now += seconds
    bar.update(1)
    assert capsys.readouterr().out == '\n' + _bar(1, 2, 15) + expected


@pytest.mark.parametrize('per_step, expected', [
    (2.0, ' 2s/step'),
    (0.25, ' 250ms/step'),
    (0.0005, ' 500us/step'),
])
def test_time_per_step_units(clock, capsys, per_step, expected):
    bar = Progbar(4)
    clock.now += per_step * 4
    bar.update(4)
    assert capsys.readouterr().out.endswith(expected + '\n')


def test_unit_name(clock, capsys):
    bar = Progbar(2, unit_name='sample')
    clock.now += 0.5
    bar.update(2)
    assert capsys.readouterr().out.endswith(' - 0s 250ms/sample\n')


def test_verbose2_one_line_at_end(clock, capsys):
    bar = Progbar(3, verbose=2)
    clock.now += 1.0
    bar.update(1, values=[('loss', 1.0)])
    bar.update(2, values=[('loss', 2.0)])
    assert capsys.readouterr().out == ''
    clock.now += 1.0
    bar.update(3, values=[('loss', 3.0), ('acc', -0.5)])
    # Keras 2.3.1 tests the signed value in verbose=2, so -0.5 is scientific.
    assert capsys.readouterr().out == ' - 2s - loss: 2.0000 - acc: -5.0000e-01\n'


def test_verbose0_is_silent(clock, capsys):
    bar = Progbar(2, verbose=0)
    bar.update(1, [('loss', 1.0)])
    bar.update(2, [('loss', 1.0)])
    assert capsys.readouterr().out == ''


def test_add_advances_and_weights(clock, capsys):
    bar = Progbar(6, verbose=2)
    bar.add(2, values=[('loss', 1.0)])
    bar.add(4, values=[('loss', 4.0)])
    assert bar._seen_so_far == 6
    assert capsys.readouterr().out == ' - 0s - loss: 3.0000\n'


def test_generic_utils_exposes_progbar():
    from keras.utils import generic_utils
    assert generic_utils.Progbar is Progbar
