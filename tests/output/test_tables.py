"""kubectl tables: where no style shows, their lines are laid out without rich's Table, and are rich's lines."""

from __future__ import annotations

import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from kubectl_arch.output.console import make_console
from kubectl_arch.output.sanitise import markup
from kubectl_arch.output.tables import Column, _fold_cell, _rich_table, kubectl_table, plain, plain_lines

CASES: dict[str, list[Column]] = {
    "one row": [("NAME", ["node-1"]), ("STATUS", ["Ready"])],
    "lines of different heights": [
        ("COMPONENT", ["kube-apiserver", "etcd"]),
        ("WHERE", ["control-plane-1\ncontrol-plane-2\ncontrol-plane-3", "cp-1"]),
        ("LEADER", ["-", "none\nlease expired"]),
    ],
    "a header wider than its cells": [("NAME", ["a", "b"]), ("CONTAINER-RUNTIME", ["c", "d"]), ("X", ["", "e"])],
    "markup, styles and escaped brackets": [
        ("NAME", ["[bold]worker-1[/bold]", markup("[red]not markup[/red]")]),
        ("STATUS", ["[dim]Ready[/dim]", "NotReady [yellow](Unknown)[/yellow]"]),
    ],
    "cluster text with controls and wide characters": [
        ("NAME", [markup("evil\x1b]0;title\x07"), markup("节点-一")]),
        ("VERSION", [markup("v1.32\r\nforged"), "v1.31"]),
    ],
    "trailing blanks and empty cells": [("A", ["x  ", ""]), ("B", ["", "y"]), ("C", ["", ""])],
}


def _render(renderable: object, console: Console) -> str:
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


@pytest.mark.parametrize("width", [100, 30])
@pytest.mark.parametrize("columns", CASES.values(), ids=CASES.keys())
def test_a_plain_table_prints_richs_lines(columns: list[Column], width: int) -> None:
    console = make_console(io.StringIO(), width=width)
    for fold_last in (False, True):
        assert _render(kubectl_table(columns, fold_last), console) == _render(_rich_table(columns, fold_last),
                                                                               console)


@pytest.mark.parametrize("columns", CASES.values(), ids=CASES.keys())
def test_a_table_that_fits_is_laid_out_without_richs_table(columns: list[Column],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _render(_rich_table(columns, False), make_console(io.StringIO(), width=100))

    def refuse(*_args: object) -> None:
        raise AssertionError("rich's Table rendered a plain table that fits")

    monkeypatch.setattr(Table, "__rich_console__", refuse)
    assert _render(kubectl_table(columns), make_console(io.StringIO(), width=100)) == expected


def test_what_plain_lines_leave_to_rich() -> None:
    console = make_console(io.StringIO(), width=100)
    assert plain_lines(console, [("NAME", ["a" * 60]), ("OS", ["b" * 60])], 100) is None  # rich shrinks it
    assert plain_lines(console, [("NAME", ["a\tb"])], 100) is None  # rich expands the tab
    assert plain_lines(console, [("NAME", [])], 100) is None  # a header without rows
    assert plain_lines(console, [("NAME", ["a"])], 100) == ["NAME", "\u2500" * 4, "a   "]


def test_a_styled_table_is_richs_own() -> None:
    columns = CASES["markup, styles and escaped brackets"]
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="standard")
    styled = _render(kubectl_table(columns), console)
    assert "\x1b[1m" in styled
    assert styled == _render(_rich_table(columns, False), console)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab /.-[]=<>\\:", max_size=40), width=st.integers(min_value=1, max_value=12))
@example(text="containerd://1.7[red]bold[/red]<script>", width=8)  # cut after "[/": a tag across the break
@example(text="C:\\dir\\ next", width=7)  # a backslash at the end of a line, before the break
@example(text="C:\\[red]x", width=3)  # a backslash cut from the "[" it stood before
@example(text="a:warning: b", width=4)  # an emoji code is text, not an emoji
def test_a_folded_cell_shows_its_text_and_only_its_text(text: str, width: int) -> None:
    """Wrapping a cell keeps cluster text as text: markup characters in it never become tags across a break."""
    folded = plain(_fold_cell(markup(text), width))
    assert folded.replace("\n", "").replace(" ", "") == text.replace(" ", "")
    assert all(len(line) <= width for line in folded.split("\n"))
