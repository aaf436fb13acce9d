"""Tables the way kubectl prints them, never cutting a cell: callers measure, then pick a layout that fits.

Node and pod names are copied into the next command, so a table that cannot fit drops or moves a column
(the caller decides which) rather than folding a name mid-word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

GAP = 3  # spaces between columns, as in kubectl get
Column = tuple[str, Sequence[str]]  # header, one markup cell per row (a cell may hold several lines)


def plain(markup: str) -> str:
    """The text a markup cell shows, to measure it."""
    from rich.text import Text

    return Text.from_markup(markup).plain


def column_width(column: Column) -> int:
    header, cells = column
    return max([len(header), *(len(line) for cell in cells for line in plain(cell).splitlines())])


def table_width(columns: Sequence[Column]) -> int:
    return sum(column_width(column) for column in columns) + GAP * (len(columns) - 1)


def fits(columns: Sequence[Column], width: int) -> bool:
    return table_width(columns) <= width


def kubectl_table(columns: Sequence[Column], fold_last: bool = False) -> Table:
    """No borders, bold headers, three spaces between columns, no cell wrapped.

    ``fold_last`` lets the last column wrap: the fallback when no layout fits the terminal.
    """
    from rich import box
    from rich.table import Table

    # SIMPLE_HEAD draws a rule under the headers and a blank between columns: padding + blank = GAP.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, GAP - 1, 0, 0),
                  header_style="bold", expand=False)
    for index, (header, _) in enumerate(columns):
        last = index == len(columns) - 1
        table.add_column(header, no_wrap=not (fold_last and last), overflow="fold" if last else "ellipsis")
    for row in zip(*(cells for _, cells in columns), strict=True):
        table.add_row(*row)
    return table


def without(columns: Sequence[Column], *headers: str) -> list[Column]:
    return [column for column in columns if column[0] not in headers]


def first_fitting(layouts: Sequence[Sequence[Column]], width: int) -> tuple[int, Sequence[Column]]:
    """The first layout that fits ``width`` and its index; the last one (folding) when none does."""
    for index, layout in enumerate(layouts):
        if fits(layout, width):
            return index, layout
    return len(layouts) - 1, layouts[-1]
