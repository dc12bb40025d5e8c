"""Write ``tests/data/public_api_2_3_1.json``: Keras 2.3.1's public names and
the parameter names of each public function, class and method.

The snapshot is read from the Keras 2.3.1 sources themselves (parsed with
``ast``, nothing is imported), plus keras-preprocessing 1.1.0 and
keras-applications 1.0.8 whose objects Keras 2.3.1 re-exported::

    python tests/tools/gen_public_api.py \\
        --keras KERAS_GIT_DIR --preprocessing KP_GIT_DIR --applications KA_GIT_DIR

Each ``*_GIT_DIR`` is a (bare) clone of github.com/keras-team/<repo>; the tags
2.3.1 / 1.1.0 / 1.0.8 are read with ``git show``.

What counts as public in a module: ``__all__`` when it has one; otherwise
every name not starting with ``_`` that the module defines (``def``,
``class``, assignment) or imports from a Keras module by name (a submodule
only in a package ``__init__``), with ``from x import *`` followed.  Imports of
third-party modules (``numpy as np``, ``tensorflow as tf``) are not part of the
surface, and outside package ``__init__`` files and the re-exporting
modules (``keras.models``...) only imported classes count, not imported
helper functions.  The backend is the TensorFlow one (the Theano/CNTK star imports of
``load_backend`` are skipped); where two branches of an ``if`` define the same
name (``TensorBoard``), its parameters are the union of both.
"""
import argparse
import ast
import json
import os
import subprocess
import sys

# Modules whose public names are snapshotted (others are only followed).
MODULES = [
    'keras', 'keras.models', 'keras.layers', 'keras.layers.advanced_activations',
    'keras.layers.convolutional', 'keras.layers.convolutional_recurrent', 'keras.layers.core',
    'keras.layers.cudnn_recurrent', 'keras.layers.embeddings', 'keras.layers.local',
    'keras.layers.merge', 'keras.layers.noise', 'keras.layers.normalization',
    'keras.layers.pooling', 'keras.layers.recurrent', 'keras.layers.wrappers',
    'keras.optimizers', 'keras.losses', 'keras.objectives', 'keras.metrics',
    'keras.activations', 'keras.initializers', 'keras.regularizers', 'keras.constraints',
    'keras.callbacks', 'keras.callbacks.callbacks', 'keras.callbacks.tensorboard_v1',
    'keras.callbacks.tensorboard_v2', 'keras.utils', 'keras.utils.np_utils',
    'keras.utils.generic_utils', 'keras.utils.data_utils', 'keras.utils.io_utils',
    'keras.utils.layer_utils', 'keras.utils.vis_utils', 'keras.utils.conv_utils',
    'keras.utils.multi_gpu_utils', 'keras.utils.test_utils', 'keras.utils.losses_utils',
    'keras.utils.metrics_utils', 'keras.backend', 'keras.preprocessing',
    'keras.preprocessing.text', 'keras.preprocessing.sequence', 'keras.preprocessing.image',
    'keras.datasets', 'keras.datasets.mnist', 'keras.datasets.fashion_mnist',
    'keras.datasets.cifar', 'keras.datasets.cifar10', 'keras.datasets.cifar100',
    'keras.datasets.imdb', 'keras.datasets.reuters', 'keras.datasets.boston_housing',
    'keras.engine', 'keras.engine.base_layer', 'keras.engine.input_layer',
    'keras.engine.network', 'keras.engine.sequential', 'keras.engine.training',
    'keras.engine.topology', 'keras.engine.saving', 'keras.engine.training_utils',
    'keras.wrappers', 'keras.wrappers.scikit_learn', 'keras.applications',
    'keras.applications.vgg16', 'keras.applications.vgg19', 'keras.applications.resnet50',
    'keras.applications.resnet', 'keras.applications.resnet_v2',
    'keras.applications.inception_v3', 'keras.applications.inception_resnet_v2',
    'keras.applications.xception', 'keras.applications.mobilenet',
    'keras.applications.mobilenet_v2', 'keras.applications.densenet',
    'keras.applications.nasnet', 'keras.applications.imagenet_utils',
]
SKIPPED_STAR_IMPORTS = ('keras.backend.cntk_backend', 'keras.backend.theano_backend',
                        'keras.backend.numpy_backend')
# Python 2/3 or TensorFlow-only shims that happen to have public names.
EXCLUDED = {'keras.metrics.BaseMeanIoU', 'keras.engine.saving.getargspec'}
# Modules that existed to re-export names defined elsewhere: every name they
# import is public.  Elsewhere an imported name is public when it is a class
# (``from keras.layers.core import Layer`` was common), not a helper function.
REEXPORT_MODULES = {'keras.models', 'keras.objectives', 'keras.engine.topology'}
# Keyword arguments Keras injects itself (keras_applications' backend/layers/...).
INJECTED = {'backend', 'layers', 'models', 'utils'}


class SourceTree(object):
    """Python files of several git repositories at fixed tags, by module name."""

    def __init__(self, repos):
        self.files = {}
        for git_dir, ref, package in repos:
            names = subprocess.check_output(['git', '--git-dir', git_dir, 'ls-tree', '-r',
                                             '--name-only', ref, package + '/'], text=True)
            for path in names.split():
                if path.endswith('.py'):
                    self.files[path] = (git_dir, ref)

    def path_of(self, module):
        base = module.replace('.', '/')
        for path in (base + '.py', base + '/__init__.py'):
            if path in self.files:
                return path
        return None

    def is_package(self, module):
        return (self.path_of(module) or '').endswith('__init__.py')

    def source(self, module):
        path = self.path_of(module)
        git_dir, ref = self.files[path]
        return subprocess.check_output(['git', '--git-dir', git_dir, 'show',
                                        '%s:%s' % (ref, path)], text=True)


def _params(fn, drop_first):
    args = fn.args
    names = [a.arg for a in getattr(args, 'posonlyargs', [])] + [a.arg for a in args.args]
    if drop_first and names:
        names = names[1:]
    names += [a.arg for a in args.kwonlyargs]
    return [n for n in names if n != '_']  # ``_``: an argument Keras ignored


def _decorator_names(fn):
    out = set()
    for d in fn.decorator_list:
        if isinstance(d, ast.Name):
            out.add(d.id)
        elif isinstance(d, ast.Attribute):
            out.add(d.attr)
    return out


def _delegate_target(fn):
    """``def f(*args, **kwargs): return X(*args, **kwargs)`` -> the expression X."""
    a = fn.args
    if a.args or a.kwonlyargs or not (a.vararg or a.kwarg):
        return None
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and
                                       isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return) and \
            isinstance(body[0].value, ast.Call):
        return body[0].value.func
    return None


class Snapshot(object):
    """Module namespaces built from the AST; bindings are resolved lazily."""

    def __init__(self, tree):
        self.tree = tree
        self.namespaces = {}
        self.exports = {}
        self.in_progress = set()

    # ----------------------------------------------------------- namespaces
    def namespace(self, module):
        if module in self.namespaces:
            return self.namespaces[module]
        ns = {}
        self.namespaces[module] = ns
        self.exports[module] = {}
        self.in_progress.add(module)
        body = ast.parse(self.tree.source(module)).body
        self._block(module, body, ns)
        self.in_progress.discard(module)
        return ns

    def _export(self, module, name, flag):
        if not name.startswith('_'):
            self.exports[module][name] = flag

    def _block(self, module, stmts, ns):
        for stmt in stmts:
            self._statement(module, stmt, ns)

    def _statement(self, module, stmt, ns):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            ns[stmt.name] = self._function(module, stmt, stmt.name)
            self._export(module, stmt.name, True)
        elif isinstance(stmt, ast.ClassDef):
            ns[stmt.name] = self._class(module, stmt, ns)
            self._export(module, stmt.name, True)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            self._import(module, stmt, ns)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    ns[target.id] = self._value(module, stmt.value, ns)
                    self._export(module, target.id, True)
        elif isinstance(stmt, ast.If):
            self._if(module, stmt, ns)
        elif isinstance(stmt, ast.Try):  # the ``except`` fallbacks are shims
            self._block(module, stmt.body + stmt.orelse + stmt.finalbody, ns)
        elif isinstance(stmt, ast.With):
            self._block(module, stmt.body, ns)

    def _if(self, module, stmt, ns):
        before = dict(ns)
        branch_a, branch_b = dict(ns), dict(ns)
        self._block(module, stmt.body, branch_a)
        self._block(module, stmt.orelse, branch_b)
        for name in set(branch_a) | set(branch_b):
            a, b = branch_a.get(name), branch_b.get(name)
            new_a = a is not None and a is not before.get(name)
            new_b = b is not None and b is not before.get(name)
            if new_a and new_b:
                ns[name] = {'kind': 'union', 'options': [a, b], 'origin': module + '.' + name}
            elif new_a or new_b:
                ns[name] = a if new_a else b

    def _resolve_module(self, module, node):
        if node.level:
            parts = module.split('.')
            if not self.tree.is_package(module):
                parts = parts[:-1]
            parts = parts[:len(parts) - node.level + 1]
            return '.'.join(parts + ([node.module] if node.module else []))
        return node.module

    def _import(self, module, stmt, ns):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                name = alias.asname or alias.name.split('.')[0]
                ns[name] = {'kind': 'external'} if self.tree.path_of(alias.name) is None \
                    else {'kind': 'module', 'module': alias.name}
            return
        source = self._resolve_module(module, stmt)
        if source == '__future__':
            return
        internal = self.tree.path_of(source) is not None
        for alias in stmt.names:
            if alias.name == '*':
                if internal and source not in SKIPPED_STAR_IMPORTS:
                    self._star(module, source, ns)
                continue
            name = alias.asname or alias.name
            sub = source + '.' + alias.name
            if not internal:
                ns[name] = {'kind': 'external'}
            elif self.tree.path_of(sub) is not None:
                ns[name] = {'kind': 'module', 'module': sub}
                if self.tree.is_package(module) and sub.startswith(module + '.') and \
                        alias.asname in (None, alias.name):
                    self._export(module, name, True)
            else:
                ns[name] = {'kind': 'ref', 'module': source, 'name': alias.name}
                self._export(module, name, 'import')

    def _star(self, module, source, ns):
        if source in self.in_progress:
            return
        source_ns = self.namespace(source)
        for name in self.public_names(source):
            ns[name] = source_ns[name]
            self._export(module, name, 'import')

    def _value(self, module, node, ns):
        if isinstance(node, ast.Name):
            return ns.get(node.id, {'kind': 'value'})
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = ns.get(node.value.id)
            if base and base.get('kind') == 'module':
                return {'kind': 'ref', 'module': base['module'], 'name': node.attr}
        if isinstance(node, ast.Call) and len(node.args) == 1 and \
                isinstance(node.func, ast.Name) and node.func.id == 'keras_modules_injection':
            return self._value(module, node.args[0], ns)
        return {'kind': 'value'}

    def _function(self, module, fn, qualname, method=False):
        decorators = _decorator_names(fn)
        entry = {'kind': 'function', 'origin': module + '.' + qualname,
                 'params': _params(fn, method and 'staticmethod' not in decorators)}
        target = _delegate_target(fn)
        if target is not None:
            entry['delegate'] = target
            entry['module'] = module
        return entry

    def _class(self, module, cls, ns):
        methods = {}
        init = None
        for stmt in cls.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            decorators = _decorator_names(stmt)
            if 'property' in decorators or 'setter' in decorators or 'getter' in decorators:
                continue
            entry = self._function(module, stmt, cls.name + '.' + stmt.name, method=True)
            if stmt.name == '__init__':
                init = entry['params']
            elif not stmt.name.startswith('_') or stmt.name == '__call__':
                methods[stmt.name] = entry['params']
        bases = [self._value(module, b, ns) for b in cls.bases
                 if not (isinstance(b, ast.Name) and b.id == 'object')]
        return {'kind': 'class', 'origin': module + '.' + cls.name, 'init': init,
                'own_methods': methods, 'bases': bases}

    def public_names(self, module):
        ns = self.namespace(module)
        names = self._all_list(module)
        if names is None:
            reexports = module in REEXPORT_MODULES or self.tree.is_package(module)
            names = sorted(n for n, flag in self.exports[module].items()
                           if flag is True or reexports or
                           (flag == 'import' and self.resolve(ns[n])['kind'] == 'class'))
        return [n for n in names if n in ns and module + '.' + n not in EXCLUDED]

    def _all_list(self, module):
        for stmt in ast.parse(self.tree.source(module)).body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == '__all__'
                                                    for t in stmt.targets):
                return [ast.literal_eval(e) for e in stmt.value.elts]
        return None

    # ------------------------------------------------------------ resolving
    def resolve(self, binding, depth=0):
        if depth > 50 or binding is None:
            return {'kind': 'value'}
        kind = binding['kind']
        if kind == 'ref':
            ns = self.namespace(binding['module'])
            target = ns.get(binding['name'])
            if target is None and self.tree.path_of(binding['module'] + '.' +
                                                    binding['name']):
                return {'kind': 'module', 'module': binding['module'] + '.' + binding['name']}
            return self.resolve(target, depth + 1)
        if kind == 'function' and 'delegate' in binding:
            ns = self.namespace(binding['module'])
            target = self.resolve(self._value(binding['module'], binding['delegate'], ns),
                                  depth + 1)
            if target['kind'] in ('function', 'class'):
                params = target['params'] if target['kind'] == 'function' else target['init']
                out = dict(target)
                out['kind'] = 'function'
                out['params'] = [p for p in params or [] if p not in INJECTED]
                return out
            return {'kind': 'function', 'origin': binding['origin'], 'params': []}
        if kind == 'union':
            options = [self.resolve(o, depth + 1) for o in binding['options']]
            return self._union(options, binding['origin'])
        return binding

    def _union(self, options, origin):
        out = dict(options[0])
        out['origin'] = origin
        for other in options[1:]:
            for key in ('params', 'init'):
                if out.get(key) is not None and other.get(key) is not None:
                    out[key] = out[key] + [p for p in other[key] if p not in out[key]]
            if 'own_methods' in out and 'own_methods' in other:
                out['own_methods'] = dict(other['own_methods'], **out['own_methods'])
        return out

    def describe_class(self, binding, depth=0):
        """``{'params', 'methods'}``: ``__init__`` parameters (inherited when
        the class has none; ``None`` when they come from outside the sources)
        and methods (own, plus those of private or non-``keras`` bases)."""
        params = binding['init']
        methods = {}
        for base in binding['bases']:
            base = self.resolve(base)
            if base['kind'] != 'class' or depth > 20:
                if params is None and base['kind'] == 'external':
                    params = False
                continue
            described = self.describe_class(base, depth + 1)
            if params is None and described['params'] is not None:
                params = described['params']
            short = base['origin'].rsplit('.', 1)[-1]
            if short.startswith('_') or not base['origin'].startswith('keras.'):
                for name, p in described['methods'].items():
                    methods.setdefault(name, p)
        if params is None and not binding['bases']:
            params = []
        methods.update(binding['own_methods'])
        return {'params': None if params is False else params, 'methods': methods}


def build(tree):
    snap = Snapshot(tree)
    modules, objects = {}, {}
    for module in MODULES:
        if tree.path_of(module) is None:
            raise SystemExit('module %s not found in the sources' % module)
        entries = {}
        ns = snap.namespace(module)
        for name in snap.public_names(module):
            obj = snap.resolve(ns[name])
            if obj['kind'] == 'module':
                entries[name] = 'module:' + obj['module']
            elif obj['kind'] == 'function':
                objects[obj['origin']] = {'kind': 'function', 'params': obj['params']}
                entries[name] = obj['origin']
            elif obj['kind'] == 'class':
                desc = snap.describe_class(obj)
                objects[obj['origin']] = {'kind': 'class', 'params': desc['params'],
                                          'methods': desc['methods']}
                entries[name] = obj['origin']
            elif obj['kind'] != 'external':
                entries[name] = 'value'
        modules[module] = entries
    return {'modules': modules, 'objects': dict(sorted(objects.items()))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--keras', required=True, help='git dir of keras-team/keras')
    parser.add_argument('--preprocessing', required=True,
                        help='git dir of keras-team/keras-preprocessing')
    parser.add_argument('--applications', required=True,
                        help='git dir of keras-team/keras-applications')
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument('--out', default=os.path.join(here, '..', 'data',
                                                      'public_api_2_3_1.json'))
    args = parser.parse_args(argv)
    tree = SourceTree([(args.keras, '2.3.1', 'keras'),
                       (args.preprocessing, '1.1.0', 'keras_preprocessing'),
                       (args.applications, '1.0.8', 'keras_applications')])
    data = {'_about': 'Keras 2.3.1 public names and parameter names, written by '
                      'tests/tools/gen_public_api.py from keras 2.3.1, keras-preprocessing '
                      '1.1.0 and keras-applications 1.0.8. Do not edit by hand.'}
    data.update(build(tree))
    with open(args.out, 'w') as f:
        json.dump(data, f, indent=1, sort_keys=False)
        f.write('\n')
    n_names = sum(len(v) for v in data['modules'].values())
    print('wrote %s: %d modules, %d names, %d objects'
          % (args.out, len(data['modules']), n_names, len(data['objects'])))
    return 0


if __name__ == '__main__':
    sys.exit(main())
