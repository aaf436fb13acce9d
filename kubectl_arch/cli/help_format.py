"""Help text that never breaks inside a word: not at a hyphen (``kube-controller-manager``, ``--fail-on``),
and not inside a word longer than the line (a URL, a path), which overflows instead.

click wraps with textwrap's defaults, which break at hyphens and cut long words; its wrapper takes no
options, so while our formatter wraps, click's wrapper class is one that keeps words whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

import click


@contextlib.contextmanager
def _whole_words() -> Iterator[None]:
    from click import _textwrap

    original = _textwrap.TextWrapper

    class WholeWords(original):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.update(break_on_hyphens=False, break_long_words=False)
            super().__init__(*args, **kwargs)

    _textwrap.TextWrapper = WholeWords  # type: ignore[misc]
    try:
        yield
    finally:
        _textwrap.TextWrapper = original  # type: ignore[misc]


class WholeWordHelpFormatter(click.HelpFormatter):
    """click's help layout, wrapped between words only."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        with _whole_words():
            super().write_usage(prog, args, prefix)

    def write_text(self, text: str) -> None:
        with _whole_words():
            super().write_text(text)

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        with _whole_words():
            super().write_dl(rows, col_max, col_spacing)


class ArchContext(click.Context):
    """The context of every kubectl-arch command: help wrapped between words."""

    formatter_class = WholeWordHelpFormatter


def use_whole_word_help(command: click.Command) -> click.Command:
    """Give ``command`` and its subcommands the whole-word help formatter."""
    command.context_class = ArchContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            use_whole_word_help(sub)
    return command
