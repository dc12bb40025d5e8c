"""Asking on the terminal before a save replaces an existing file."""
import builtins
import sys

__all__ = ['ask_to_proceed_with_overwrite']

_BUILTIN_INPUT = input


def _input_function():
    """The function that answers the overwrite prompt.

    ``input``, or what a caller put in its place to answer for the user:
    ``builtins.input`` or, as Keras 2.3.1 called it, ``six.moves.input``.
    """
    if builtins.input is not _BUILTIN_INPUT:
        return builtins.input
    six_moves = sys.modules.get('six.moves')
    replaced = getattr(six_moves, 'input', _BUILTIN_INPUT) if six_moves else _BUILTIN_INPUT
    return replaced if callable(replaced) else _BUILTIN_INPUT


def _interactive():
    stdin = sys.stdin
    try:
        return stdin is not None and not stdin.closed and stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _refuse(filepath):
    raise FileExistsError(
        '%s already exists and `overwrite=False`, but this is not an interactive session, so '
        'there is no one to ask whether to overwrite it. Pass `overwrite=True`, or remove the '
        'file first.' % (filepath,))


def ask_to_proceed_with_overwrite(filepath):
    """Ask on the terminal whether ``filepath`` may be overwritten.

    Returns:
        ``True`` to overwrite, ``False`` to cancel.

    Raises:
        FileExistsError: when there is no one to ask: ``input`` is Python's own
            and there is no terminal (no tty, stdin closed).
    """
    ask = _input_function()
    if ask is _BUILTIN_INPUT and not _interactive():
        _refuse(filepath)
    try:
        answer = ask('[WARNING] %s already exists - overwrite? [y/n]' % (filepath,))
        answer = answer.strip().lower()
        while answer not in ('y', 'n'):
            answer = ask('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    except EOFError:
        _refuse(filepath)
    if answer == 'n':
        return False
    print('[TIP] Next time specify overwrite=True!')
    return True
