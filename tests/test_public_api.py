"""Snapshot of Keras 2.3.1's public API: every public name of every public
module exists here, and every parameter name Keras 2.3.1 gave a function,
class (``__init__``) or method is accepted by ours (we may accept more).

The expected names come from ``tests/data/public_api_2_3_1.json``, generated
from the Keras 2.3.1 sources by ``tests/tools/gen_public_api.py``.

``PENDING`` lists modules nobody has written yet: they are skipped while they
cannot be imported and checked as soon as they can.  Gaps in existing modules
that are known and tracked live in ``tests/data/public_api_known_gaps.json``;
a new gap fails the test, a fixed one only warns (remove it from the file).
Rewrite that file after fixing gaps with::

    python tests/test_public_api.py --write-known-gaps
"""
import importlib
import inspect
import json
import os
import sys
import types
import warnings

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPSHOT = os.path.join(HERE, 'data', 'public_api_2_3_1.json')
KNOWN_GAPS = os.path.join(HERE, 'data', 'public_api_known_gaps.json')

# Module (or package prefix) -> why it is not checked until it can be imported.
# Every 2.3.1 module exists now; keep the mechanism for modules added later.
PENDING = {}
# Where objects Keras re-exported from its companion packages live here.
_COMPANIONS = {'keras_preprocessing': 'keras.preprocessing',
               'keras_applications': 'keras.applications'}

with open(SNAPSHOT) as _f:
    _DATA = json.load(_f)
MODULES = _DATA['modules']
OBJECTS = _DATA['objects']


def _pending_reason(module):
    for prefix, reason in PENDING.items():
        if module == prefix or module.startswith(prefix + '.'):
            return reason
    return None


def _import(module):
    """Our module, or ``None`` when it (not one of its imports) does not exist."""
    try:
        ours = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + '.')):
            return None
        raise
    if getattr(ours, '__file__', None) is None:  # an empty folder: a namespace package
        return None
    return ours


def _origin_module(origin):
    """Our module path for an expected object's origin ('keras.layers.core.Dense')."""
    module = origin.rsplit('.', 1)[0]
    if '.' in module and module.rsplit('.', 1)[1][:1].isupper():  # a method's class
        module = module.rsplit('.', 1)[0]
    top = module.split('.')[0]
    if top in _COMPANIONS:
        parts = module.split('.')
        module = _COMPANIONS[top] + ('.' + parts[1] if len(parts) > 1 else '')
    return module


def _is_pending_object(origin):
    """An object defined in a pending module that does not exist here yet."""
    module = _origin_module(origin)
    if _pending_reason(module) is None:
        return False
    try:
        return _import(module) is None
    except Exception:  # a half-written module: still pending
        return True


def _explicit(fn):
    """``(names, has_var_keyword)`` of ``fn``'s signature, or ``None`` if unknown."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY,
             inspect.Parameter.POSITIONAL_ONLY)
    params = sig.parameters.values()
    return ({p.name for p in params if p.kind in kinds},
            any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params))


def _class_init_names(cls):
    """Parameter names ``cls(...)`` accepts: each ``__init__`` along the MRO
    that the previous one forwards ``**kwargs`` to."""
    names = set()
    for klass in cls.__mro__:
        if klass is object or klass.__module__.startswith('torch'):
            break
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        found = _explicit(init)
        if found is None:
            return None
        names |= found[0]
        if not found[1]:
            break
    return names


def _accepted(obj):
    if isinstance(obj, type):
        return _class_init_names(obj)
    found = _explicit(obj)
    return None if found is None else found[0]


def _param_gaps(label, obj, expected):
    accepted = _accepted(obj)
    if accepted is None or expected is None:
        return []
    return ['%s(%s)' % (label, p) for p in expected if p not in accepted]


def _object_gaps(name, ours, spec):
    gaps = _param_gaps(name, ours, spec['params'])
    if spec['kind'] != 'class' or not isinstance(ours, type):
        return gaps
    for method, params in sorted(spec['methods'].items()):
        label = '%s.%s' % (name, method)
        attr = getattr(ours, method, None)
        if attr is None:
            gaps.append(label)
        elif callable(attr):
            gaps.extend(_param_gaps(label, attr, params))
    return gaps


def module_gaps(module):
    """Names and parameters of ``module`` that Keras 2.3.1 had and we lack.

    Returns ``None`` when the module itself does not exist here.
    """
    ours = _import(module)
    if ours is None:
        return None
    gaps = []
    for name, ref in sorted(MODULES[module].items()):
        if ref == 'value':
            if not hasattr(ours, name):
                gaps.append(name)
            continue
        if ref.startswith('module:'):
            if not isinstance(getattr(ours, name, None), types.ModuleType):
                gaps.append(name)
            continue
        obj = getattr(ours, name, None)
        if obj is None:
            if not _is_pending_object(ref):
                gaps.append(name)
            continue
        gaps.extend(_object_gaps(name, obj, OBJECTS[ref]))
    return gaps


def _known_gaps():
    if not os.path.exists(KNOWN_GAPS):
        return {}
    with open(KNOWN_GAPS) as f:
        return json.load(f)['modules']


@pytest.mark.parametrize('module', sorted(MODULES))
def test_public_api_matches_keras_2_3_1(module):
    try:
        gaps = module_gaps(module)
    except Exception as e:  # pylint: disable=broad-except
        if _pending_reason(module):
            pytest.skip('pending (%s); import failed: %r' % (_pending_reason(module), e))
        raise
    known = _known_gaps().get(module, [])
    if gaps is None:
        if _pending_reason(module):
            pytest.skip('pending: ' + _pending_reason(module))
        assert '<module>' in known, 'module %s of Keras 2.3.1 is missing' % module
        return
    new = [g for g in gaps if g not in known]
    fixed = [g for g in known if g not in gaps and g != '<module>']
    if fixed:
        warnings.warn('%s: known public-API gaps now fixed, remove them from %s: %s'
                      % (module, os.path.basename(KNOWN_GAPS), fixed))
    assert not new, ('%s lacks Keras 2.3.1 names / parameters (name, name(param) or '
                     'Class.method(param)): %s' % (module, new))


def test_snapshot_covers_the_design_modules():
    for module in ('keras.models', 'keras.layers', 'keras.backend', 'keras.utils',
                   'keras.wrappers.scikit_learn', 'keras.engine.training_utils'):
        assert MODULES[module]
    assert OBJECTS['keras.layers.core.Dense']['params'][0] == 'units'
    assert 'validation_freq' in OBJECTS['keras.engine.training.Model']['methods']['fit']


def write_known_gaps():
    """Record today's gaps of every module (pending modules excluded)."""
    sys.path.insert(0, os.path.dirname(HERE))
    out = {}
    for module in sorted(MODULES):
        try:
            gaps = module_gaps(module)
        except Exception:  # pylint: disable=broad-except
            gaps = None
        if gaps is None:
            if not _pending_reason(module):
                out[module] = ['<module>']
        elif gaps:
            out[module] = gaps
    with open(KNOWN_GAPS, 'w') as f:
        json.dump({'_about': 'Keras 2.3.1 names/parameters still missing here; '
                             'see tests/test_public_api.py. Remove entries as they are fixed.',
                   'modules': out}, f, indent=1)
        f.write('\n')
    print('wrote %s: %d gaps in %d modules'
          % (KNOWN_GAPS, sum(len(v) for v in out.values()), len(out)))


if __name__ == '__main__':
    if '--write-known-gaps' in sys.argv:
        write_known_gaps()
