"""Run the example programs of a Keras release against this package, as written.

The examples are read from a git clone of keras-team/keras (``git show
<tag>:examples/<name>.py``; nothing is copied into this repository) and run
one process each, with three changes that keep them short and offline:

* epochs: ``nb_epoch = 12`` / ``epochs = 12`` become 1, and ``fit`` /
  ``evaluate`` see at most ``--rows`` rows (1600: divisible by the batch
  sizes the examples use, stateful ones included);
* data: a temporary ``KERAS_HOME`` holds real MNIST (``../shared``) and small
  made-up IMDB, Reuters, Nietzsche and bAbI files in the layouts the loaders
  read; CIFAR-10 is made up in memory;
* the examples' own Python 3 / NumPy 2 incompatibilities (``re.split`` on an
  empty match, ``np.float``) are patched, and ``plt.show()`` is dropped
  (matplotlib, when importable, draws off screen).

Examples that need downloads this machine cannot make (VGG16 weights, GloVe,
fonts) are skipped.  Not part of the test suite: it needs the clone and takes
minutes.

    python tools/keras_examples.py /path/to/keras.git --tag 1.2.2
    python tools/keras_examples.py /path/to/keras.git --tag 1.2.2 imdb_lstm babi_memnn
"""
import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_MNIST = os.path.join(HERE, '..', '..', 'shared', 'datasets', 'mnist.npz')
NEEDS_DOWNLOADS = {'conv_filter_visualization', 'deep_dream', 'neural_doodle',
                   'neural_style_transfer', 'image_ocr', 'pretrained_word_embeddings'}

_PRELUDE = '''
import os, sys
import numpy as np
os.environ['KERAS_HOME'] = %(home)r
os.environ.setdefault('MPLBACKEND', 'Agg')
import keras
from keras.datasets import cifar10
from keras.engine import training as _training


def _made_up_cifar10(*args, **kwargs):
    from keras import backend as K
    rng = np.random.RandomState(0)
    x = rng.randint(0, 256, size=(500, 3, 32, 32)).astype('uint8')
    if K.image_data_format() == 'channels_last':
        x = x.transpose(0, 2, 3, 1)
    return (x, rng.randint(10, size=(500, 1))), (x[:100], rng.randint(10, size=(100, 1)))


cifar10.load_data = _made_up_cifar10


def _rows(a):
    if isinstance(a, (list, tuple)):
        return type(a)(_rows(v) for v in a)
    if isinstance(a, dict):
        return dict((k, _rows(v)) for k, v in a.items())
    return a[:%(rows)d] if getattr(a, 'shape', ()) else a


_fit, _evaluate = _training.Model.fit, _training.Model.evaluate


def _short_fit(self, x=None, y=None, *args, **kwargs):
    if kwargs.get('validation_data') is not None:
        kwargs['validation_data'] = _rows(kwargs['validation_data'])
    return _fit(self, _rows(x), _rows(y), *args, **kwargs)


_training.Model.fit = _short_fit
_training.Model.evaluate = lambda self, x=None, y=None, *a, **k: _evaluate(
    self, _rows(x), _rows(y), *a, **k)
'''


def _sequences(rng, n, vocab):
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [1] + list(rng.randint(2, vocab, size=rng.randint(5, 120)))
    return out


def _babi_tar():
    rnd = random.Random(0)
    names, places = ['Mary', 'John', 'Sandra', 'Daniel'], ['bathroom', 'hallway', 'kitchen']

    def task(stories):
        lines = []
        for _ in range(stories):
            where, i = {}, 1
            for k in range(4):
                who, place = rnd.choice(names), rnd.choice(places)
                where[who] = (place, i)
                lines.append('%d %s went to the %s.' % (i, who, place))
                i += 1
                if k % 2:
                    asked = rnd.choice(sorted(where))
                    lines.append('%d Where is %s? \t%s\t%d' % ((i, asked) + where[asked]))
                    i += 1
        return ('\n'.join(lines) + '\n').encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        for folder in ('en', 'en-10k'):
            for name in ('qa1_single-supporting-fact', 'qa2_two-supporting-facts'):
                for split, stories in (('train', 200), ('test', 50)):
                    data = task(stories)
                    info = tarfile.TarInfo('tasks_1-20_v1-2/%s/%s_%s.txt' % (folder, name, split))
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def make_home(home):
    """A ``KERAS_HOME`` with MNIST and small made-up datasets."""
    datasets = os.path.join(home, 'datasets')
    os.makedirs(datasets)
    if os.path.exists(SHARED_MNIST):
        os.symlink(os.path.abspath(SHARED_MNIST), os.path.join(datasets, 'mnist.npz'))
    rng = np.random.RandomState(0)
    np.savez(os.path.join(datasets, 'imdb.npz'), x_train=_sequences(rng, 600, 6000),
             y_train=rng.randint(2, size=600), x_test=_sequences(rng, 300, 6000),
             y_test=rng.randint(2, size=300))
    np.savez(os.path.join(datasets, 'reuters.npz'), x=_sequences(rng, 900, 3000),
             y=rng.randint(46, size=900))
    words = dict(('w%d' % i, i) for i in range(1, 6000))
    for name in ('imdb_word_index.json', 'reuters_word_index.json'):
        with open(os.path.join(datasets, name), 'w') as f:
            json.dump(words, f)
    vocabulary = ['the', 'man', 'is', 'of', 'and', 'truth', 'woman', 'philosophers']
    with open(os.path.join(datasets, 'nietzsche.txt'), 'w') as f:
        f.write(' '.join(random.Random(0).choice(vocabulary) for _ in range(20000)))
    with open(os.path.join(datasets, 'babi-tasks-v1-2.tar.gz'), 'wb') as f:
        f.write(_babi_tar())


def example_source(git_dir, tag, name, home, rows):
    src = subprocess.check_output(['git', '-C', git_dir, 'show', '%s:examples/%s.py'
                                   % (tag, name)]).decode('utf-8')
    src = re.sub(r'\b(nb_epochs?|epochs)\s*=\s*\d+', r'\1=1', src)
    fixed_split = "re.split(r'(\\W+)', sent)"  # (an empty match splits since Python 3.7)
    src = re.sub(r"re\.split\(r?'\(\\W\+\)\?', sent\)", lambda match: fixed_split,
                 src.replace('plt.show()', 'pass').replace('dtype=np.float)', 'dtype=np.float64)'))
    future = [line for line in src.splitlines() if line.startswith('from __future__')]
    body = [line for line in src.splitlines() if not line.startswith('from __future__')]
    return '\n'.join(future + [_PRELUDE % {'home': home, 'rows': rows}] + body) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('git_dir', help='a git clone of keras-team/keras')
    parser.add_argument('names', nargs='*', help='examples to run (default: all)')
    parser.add_argument('--tag', default='1.2.2')
    parser.add_argument('--timeout', type=int, default=300, help='seconds per example')
    parser.add_argument('--rows', type=int, default=1600, help='rows fit/evaluate see')
    args = parser.parse_intermixed_args(argv)
    listing = subprocess.check_output(['git', '-C', args.git_dir, 'ls-tree', '--name-only',
                                       args.tag, 'examples/']).decode('utf-8').split()
    names = args.names or sorted(os.path.basename(p)[:-3] for p in listing if p.endswith('.py'))
    work = tempfile.mkdtemp(prefix='keras_examples_')
    home = os.path.join(work, 'home')
    make_home(home)
    passed, failed = [], []
    for name in names:
        if name in NEEDS_DOWNLOADS:
            print('%-32s skipped (needs downloads)' % name)
            continue
        path = os.path.join(work, name + '.py')
        with open(path, 'w') as f:
            f.write(example_source(args.git_dir, args.tag, name, home, args.rows))
        start = time.time()
        try:
            done = subprocess.run([sys.executable, path], cwd=work, timeout=args.timeout,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            code, output = done.returncode, done.stdout.decode('utf-8', 'replace')
        except subprocess.TimeoutExpired as e:
            code, output = 'timeout', (e.output or b'').decode('utf-8', 'replace')
        lines = [line for line in output.strip().splitlines() if line.strip()]
        (passed if code == 0 else failed).append(name)
        print('%-32s %-12s %5.0fs  %s' % (name, 'ok' if code == 0 else 'FAILED (%s)' % code,
                                          time.time() - start,
                                          '' if code == 0 else ' | '.join(lines[-3:])[-400:]),
              flush=True)
    print('%d ok, %d failed%s' % (len(passed), len(failed),
                                  ': ' + ', '.join(failed) if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
