"""Keras 1 argument spellings, translated in one place.

Every class that accepted other names in Keras 1 declares a small table
``{old_name: new_name}`` (or ``{old_name: (new_name, value_converter)}``) and
passes its keyword arguments through :func:`convert_kwargs` in ``__init__``;
``from_config`` goes through ``__init__`` too, so old configs load as well.
Each call warns once, naming every translated argument.
"""
import warnings

__all__ = ['convert_kwargs', 'raise_duplicate', 'LegacyArgumentError']


class LegacyArgumentError(TypeError):
    pass


def convert_kwargs(object_name, kwargs, table, value_conversions=None):
    """Rename old keyword arguments in place; return ``kwargs``.

    Args:
        object_name: Shown in the warning, e.g. ``'Dense'``.
        kwargs: The keyword arguments as given (modified in place).
        table: ``{old_name: new_name}``; a ``new_name`` of ``None`` drops the
            argument (Keras 1 options with no Keras 2 meaning).
        value_conversions: optional ``{old_name: fn}`` applied to the value.

    Raises:
        TypeError: when both the old and the new name are given.
    """
    renamed = []
    for old, new in table.items():
        if old not in kwargs:
            continue
        value = kwargs.pop(old)
        if value_conversions and old in value_conversions:
            value = value_conversions[old](value)
        if new is None:
            renamed.append('`%s` (ignored)' % old)
            continue
        if new in kwargs:
            raise LegacyArgumentError(
                '%s got both the Keras 1 argument `%s` and its Keras 2 name `%s`; '
                'pass only `%s`.' % (object_name, old, new, new))
        kwargs[new] = value
        renamed.append('`%s` -> `%s`' % (old, new))
    if renamed:
        warnings.warn('Update your `%s` call to the Keras 2 API: %s.'
                      % (object_name, ', '.join(renamed)), stacklevel=3)
    return kwargs


def raise_duplicate(object_name, name):
    raise LegacyArgumentError('%s got multiple values for argument `%s`.' % (object_name, name))
