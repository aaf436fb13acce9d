"""One place decides how terminal output looks: colour only on a terminal and never under NO_COLOR."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_WIDTH = 100
PLAIN_HEIGHT = 25  # rich's own height off a terminal


def silence_stdout() -> None:
    """After the reader of a pipe stopped reading (``| head``): what is still written goes nowhere, and the
    interpreter's final flush raises nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def wants_plain(stream: IO[str] | None = None) -> bool:
    """Plain text when NO_COLOR is set (https://no-color.org) or the stream is not a terminal."""
    stream = stream or sys.stdout
    return bool(os.environ.get("NO_COLOR")) or not stream.isatty()


def make_console(stream: IO[str] | None = None, width: int | None = None) -> Console:
    """A rich Console for ``stream``: colour on a terminal, plain and fixed width when piped; control
    characters in any text it prints are shown, never obeyed (see output/sanitise.py)."""
    from kubectl_arch.output.sanitise import console_class

    Console = console_class()
    stream = stream or sys.stdout
    plain = wants_plain(stream)
    columns = width or (None if not plain else plain_width())
    return Console(
        file=stream,
        width=columns,
        # With both sizes fixed rich stops asking the terminal (three ioctls and the environment) on every
        # print, a tenth of a run's rendering; nothing printed here fills the screen, so the height is unused.
        height=PLAIN_HEIGHT if columns is not None else None,
        no_color=plain,
        color_system=None if plain else "auto",
        force_terminal=False if plain else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def plain_width() -> int:
    """The width plain output is laid out to: COLUMNS, else 100 (a pipe has no width of its own)."""
    return int(os.environ.get("COLUMNS", DEFAULT_WIDTH))


class LineConsole:
    """Plain output for a renderer that prints whole, already-wrapped lines (audit's report): what the console
    ``make_console`` gives writes for such lines when no style can show, without importing rich (its import was a
    tenth of a 10-node audit). Text is shown as ``sanitise.visible`` shows it, as that console shows it.

    It answers what such a renderer asks of a console: ``width``, ``color_system`` (None), ``print()`` for a blank
    line, ``capture()`` and ``file`` for ``trimmed_lines``, and ``line`` for one line of text.
    """

    color_system = None

    def __init__(self, file: IO[str] | None = None, width: int | None = None) -> None:
        self.file = file or sys.stdout
        self.width = width or plain_width()
        self._captured: list[str] | None = None

    def line(self, text: str) -> None:
        """One line (or several, at its newlines), with its control characters shown."""
        from kubectl_arch.output.sanitise import visible

        self._write(visible(text) + "\n")

    def print(self) -> None:
        self._write("\n")

    @contextmanager
    def capture(self) -> Iterator[_Captured]:
        """What is printed inside the block, kept instead of written (rich's ``Console.capture``)."""
        captured = _Captured()
        self._captured = captured.parts
        try:
            yield captured
        finally:
            self._captured = None

    def _write(self, text: str) -> None:
        if self._captured is not None:
            self._captured.append(text)
        else:
            self.file.write(text)


class _Captured:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def get(self) -> str:
        return "".join(self.parts)


def progress_console() -> Console | None:
    """A console on stderr for spinners, or None when stderr is not a terminal (CI, pipes)."""
    if not sys.stderr.isatty():
        return None  # and rich is not imported on the way to the first request
    from kubectl_arch.output.sanitise import console_class

    return console_class()(file=sys.stderr)


@contextmanager
def trimmed_lines(console: Console | LineConsole) -> Iterator[None]:
    """Print what the block prints without trailing blanks: rich pads table cells to their column width,
    which is noise in logs, diffs and golden files."""
    with console.capture() as captured:
        yield
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    console.file.flush()
