"""The Keras 2 text progress bar (``keras.utils.generic_utils.Progbar``)."""
import collections
import sys
import time

import numpy as np

__all__ = ['Progbar']

# Indirection so tests can drive the clock.
_clock = time.time


def _dynamic_display():
    """True when the output can be redrawn in place (a terminal or a notebook)."""
    isatty = getattr(sys.stdout, 'isatty', None)
    return bool((isatty is not None and isatty()) or 'ipykernel' in sys.modules)


def _format_eta(eta):
    if eta > 3600:
        return '%d:%02d:%02d' % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return '%d:%02d' % (eta // 60, eta % 60)
    return '%ds' % eta


class Progbar(object):
    """Text progress bar, printed on ``sys.stdout``.

    Args:
        target: total number of steps expected, ``None`` if unknown.
        width: width of the bar in characters.
        verbose: 0 (silent), 1 (bar redrawn as it goes), 2 (one line at the end).
        interval: minimum number of seconds between two redraws.
        stateful_metrics: names of metrics shown as given; all other values are
            averaged over the steps (samples) seen so far.
        unit_name: name of one step in the ``'ms/step'`` speed field.

    Example:
        >>> bar = Progbar(100)
        >>> bar.update(50, values=[('loss', 0.3)])
        >>> bar.add(50, values=[('loss', 0.1)])
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05,
                 stateful_metrics=None, unit_name='step'):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self._dynamic_display = _dynamic_display()
        self._total_width = 0
        self._seen_so_far = 0
        self._values = collections.OrderedDict()
        self._start = _clock()
        self._last_update = 0

    def update(self, current, values=None):
        """Move the bar to step ``current``.

        Args:
            current: index of the current step.
            values: list of ``(name, value_for_last_step)`` pairs.  A value is
                weighted by the number of steps since the last update; names in
                ``stateful_metrics`` are shown as given.
        """
        self._accumulate(current, values or [])
        now = _clock()
        if self.verbose == 1:
            if (now - self._last_update < self.interval and
                    self.target is not None and current < self.target):
                return
            self._draw_bar(current, now)
        elif self.verbose == 2:
            if self.target is None or current >= self.target:
                self._draw_line(now)
        self._last_update = now

    def add(self, n, values=None):
        """Advance the bar by ``n`` steps (see ``update``)."""
        self.update(self._seen_so_far + n, values)

    def _accumulate(self, current, values):
        steps = current - self._seen_so_far
        for name, value in values:
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
            elif name in self._values:
                self._values[name][0] += value * steps
                self._values[name][1] += steps
            else:
                self._values[name] = [value * steps, steps]
        self._seen_so_far = current

    def _average(self, name):
        total, count = self._values[name]
        return np.mean(total / max(1, count))

    def _bar_text(self, current):
        if self.target is None:
            return '%7d/Unknown' % current
        digits = int(np.floor(np.log10(self.target))) + 1 if self.target > 0 else 1
        text = ('%%%dd/%d [' % (digits, self.target)) % current
        filled = int(self.width * (float(current) / self.target)) if self.target else 0
        if filled > 0:
            text += '=' * (filled - 1)
            text += '>' if current < self.target else '='
        text += '.' * (self.width - filled)
        return text + ']'

    def _speed_text(self, per_unit):
        if per_unit >= 1:
            return ' %.0fs/%s' % (per_unit, self.unit_name)
        if per_unit >= 1e-3:
            return ' %.0fms/%s' % (per_unit * 1e3, self.unit_name)
        return ' %.0fus/%s' % (per_unit * 1e6, self.unit_name)

    def _draw_bar(self, current, now):
        previous_width = self._total_width
        if self._dynamic_display:
            sys.stdout.write('\b' * previous_width)
            sys.stdout.write('\r')
        else:
            sys.stdout.write('\n')
        bar = self._bar_text(current)
        self._total_width = len(bar)
        sys.stdout.write(bar)

        per_unit = (now - self._start) / current if current else 0
        if self.target is not None and current < self.target:
            info = ' - ETA: %s' % _format_eta(per_unit * (self.target - current))
        else:
            info = ' - %.0fs' % (now - self._start) + self._speed_text(per_unit)
        for name in self._values:
            avg = self._average(name)
            info += ' - %s:' % name
            info += (' %.4f' % avg) if abs(avg) > 1e-3 else (' %.4e' % avg)

        self._total_width += len(info)
        if previous_width > self._total_width:
            info += ' ' * (previous_width - self._total_width)
        if self.target is not None and current >= self.target:
            info += '\n'
        sys.stdout.write(info)
        sys.stdout.flush()

    def _draw_line(self, now):
        info = ' - %.0fs' % (now - self._start)
        for name in self._values:
            avg = self._average(name)
            info += ' - %s:' % name
            # Keras 2.3.1 tests the signed value here (not abs) in verbose=2.
            info += (' %.4f' % avg) if avg > 1e-3 else (' %.4e' % avg)
        sys.stdout.write(info + '\n')
        sys.stdout.flush()
