"""The plain console (piped or NO_COLOR): fixed size, so rendering never asks the terminal."""

from __future__ import annotations

import io
import os

import pytest

from kubectl_arch.output.console import make_console


def test_a_plain_console_never_asks_the_terminal_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    asked: list[object] = []
    real = os.get_terminal_size

    def get_terminal_size(*args: object) -> os.terminal_size:
        asked.append(args)
        return real(*args)

    monkeypatch.setattr(os, "get_terminal_size", get_terminal_size)
    stream = io.StringIO()
    console = make_console(stream)

    for line in range(20):
        console.print(f"line {line}")

    assert asked == [], "rich asked the terminal for its size on every print (three system calls each)"
    assert stream.getvalue().splitlines()[-1] == "line 19"
    assert console.width == 100
