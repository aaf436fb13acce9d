"""Tables the way kubectl prints them, not cutting a cell: callers measure, then pick a layout that fits.

Node and pod names are copied into the next command, so a table that cannot fit drops or moves a column
(the caller decides which) rather than folding a name mid-word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Sequence
from typing import TYPE_CHECKING, TypeVar

from kubectl_arch.output.sanitise import from_markup, markup_of

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.table import Table

GAP = 3  # spaces between columns, as in kubectl get
Column = tuple[str, Sequence[str]]  # header, one markup cell per row (a cell may hold several lines)
T = TypeVar("T")


def standouts_and_alike(items: Sequence[T], stands_out: Callable[[T], bool],
                        key: Callable[[T], Hashable]) -> tuple[list[T], list[tuple[T, int]]]:
    """A big table's rows: the items that stand out, each its own row, and the rest grouped by ``key`` as
    (first of the group, how many), so 65,000 alike nodes are one ``(N more)`` row, not 65,000."""
    listed = [item for item in items if stands_out(item)]
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        if not stands_out(item):
            groups.setdefault(key(item), []).append(item)
    return listed, [(alike[0], len(alike)) for alike in groups.values()]


def plain(markup: str) -> str:
    """The text a markup cell shows, to measure it."""
    return from_markup(markup).plain


def column_width(column: Column) -> int:
    header, cells = column
    return max([len(header), *(len(line) for cell in cells for line in plain(cell).splitlines())])


def table_width(columns: Sequence[Column]) -> int:
    return sum(column_width(column) for column in columns) + GAP * (len(columns) - 1)


def fits(columns: Sequence[Column], width: int) -> bool:
    return table_width(columns) <= width


def kubectl_table(columns: Sequence[Column], fold_last: bool = False, wrap: Collection[str] = ()) -> KubectlTable:
    """No borders, bold headers, three spaces between columns, no cell wrapped.

    ``fold_last`` lets the last column wrap, and ``wrap`` the columns it names (by header): the fallback when no
    layout fits the terminal, so rich narrows the columns a reader can spare before cutting any other. A cell
    that is cut all the same ends in an ellipsis, never silently.
    """
    return KubectlTable(columns, _rich_table(columns, fold_last, wrap))


class KubectlTable:
    """A kubectl_table: rich's ``Table``, whose lines are laid out here when no style can show (plain output).

    Rich measures, wraps and pads each cell through several layers: the overview's three tables took half of
    explain's rendering at 10 nodes. Where the output has no styles (piped, NO_COLOR) and every line fits, a line
    is each cell's text padded to its column's width, the widths rich would give, so the text is rich's, byte
    for byte; anything else (colour, a table wider than the page, a tab to expand) is rich's own rendering.
    """

    def __init__(self, columns: Sequence[Column], table: Table) -> None:
        self.columns = columns
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = plain_lines(console, self.columns, options.max_width) if console.color_system is None else None
        if lines is None:
            yield self.table
            return
        from rich.segment import Segment

        for line in lines:
            yield Segment(line)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.table)


def plain_lines(console: Console, columns: Sequence[Column], max_width: int) -> list[str] | None:
    """The lines rich prints for ``kubectl_table(columns)`` without styles, or None where that takes rich itself.

    Rich's layout here: each column as wide as its widest line plus GAP - 1 spaces of padding (none after the last,
    ``pad_edge=False``), columns divided by one space, a rule of the header's width under the header, each cell top
    aligned and padded with spaces to its column's width.
    """
    from rich.cells import cell_len

    if not columns or not columns[0][1]:
        return None
    cells: list[list[list[str]]] = []  # per column: per row (the header first): its lines
    widths: list[int] = []
    for index, (header, column_cells) in enumerate(columns):
        texts = [console.render_str(cell, highlight=False).plain for cell in (header, *column_cells)]
        if any("\t" in text for text in texts):
            return None  # rich expands tabs
        split = [text.split("\n") for text in texts]
        padding = 0 if index == len(columns) - 1 else GAP - 1
        cells.append(split)
        widths.append(max(cell_len(line) for lines in split for line in lines) + padding)
    if sum(widths) + len(widths) - 1 > max_width:
        return None  # rich shrinks the columns: wrapping, ellipses
    out: list[str] = []
    for row in range(len(cells[0])):
        height = max(len(column[row]) for column in cells)
        for line_no in range(height):
            parts = []
            for column, width in zip(cells, widths, strict=True):
                lines = column[row]
                text = lines[line_no] if line_no < len(lines) else ""
                parts.append(text + " " * (width - cell_len(text)))
            out.append(" ".join(parts))
        if row == 0:
            out.append("\u2500" * (sum(widths) + len(widths) - 1))
    return out


def _rich_table(columns: Sequence[Column], fold_last: bool, wrap: Collection[str] = ()) -> Table:
    from rich import box
    from rich.table import Table

    # SIMPLE_HEAD draws a rule under the headers and a blank between columns: padding + blank = GAP.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, GAP - 1, 0, 0),
                  header_style="bold", expand=False)
    for index, (header, _) in enumerate(columns):
        wraps = header in wrap or (fold_last and index == len(columns) - 1)
        # "fold" on a column that may not wrap crops without a mark: a cut cell must show it was cut.
        table.add_column(header, no_wrap=not wraps, overflow="fold" if wraps else "ellipsis")
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


BREAK_AFTER = "-+,./"  # a version or a list may break after these when no space is left on the line


def fold_to_fit(columns: Sequence[Column], width: int, keep: Collection[str],
                whole_words: bool = False) -> list[Column] | None:
    """``columns`` with the cells of every column not in ``keep`` wrapped so the table fits ``width``; None when
    the kept columns and the others' headers alone do not fit (or, with ``whole_words``, their longest words).

    Rich's own shrinking cuts no-wrap cells (a node name) and folds headers and words mid-word ("VERSIO/N");
    here the kept columns (names users copy) keep their width, a header never folds, and a cell breaks between
    words, then after a ``-``/``.``/``+``, and only as a last resort mid-word.
    """
    full = [column_width(column) for column in columns]
    excess = table_width(columns) - width
    if excess <= 0:
        return list(columns)
    widths = list(full)
    floors = [full[i] if header in keep else len(header) for i, (header, _) in enumerate(columns)]
    words = [full[i] if header in keep else max(floors[i], _longest_word(cells))
             for i, (header, cells) in enumerate(columns)]
    for limits in (words,) if whole_words else (words, floors):  # words whole first; then let them fold
        while excess > 0:
            narrowable = [i for i, w in enumerate(widths) if w > limits[i]]
            if not narrowable:
                break
            # a column whose words already fold gives way before one whose words are still whole
            widest = max(narrowable, key=lambda i: (widths[i] < words[i], widths[i]))
            widths[widest] -= 1
            excess -= 1
    if excess > 0:
        return None
    return [(header, [_fold_cell(cell, w) for cell in cells]) if w < full[i] else (header, cells)
            for i, ((header, cells), w) in enumerate(zip(columns, widths, strict=True))]


def fold_or_drop(columns: Sequence[Column], width: int, keep: Collection[str],
                 give_way: Sequence[str]) -> list[Column] | None:
    """``columns`` folded to fit ``width`` (fold_to_fit), the ``give_way`` columns left out one by one, in that
    order, until they do, words kept whole if leaving columns out can; None when the kept columns do not fit
    even alone (see Stacked). A left-out column is in -o json; a word folded mid-way ("NotRea/dy") misleads."""
    for whole_words in (True, False):
        for count in range(len(give_way) + 1):
            folded = fold_to_fit(without(columns, *give_way[:count]), width, keep, whole_words)
            if folded is not None:
                return folded
    return None


class Stacked:
    """A table whose kept columns cannot fit side by side, laid out as ``kubectl describe`` lays out a record: each
    row's first cell on a line of its own, then each other column as ``HEADER: cell`` under it.

    Nothing is cut or folded: a line longer than the page overflows (print it with ``crop=False``), so a node name
    or a taint is copied whole; the terminal wraps it where it must.
    """

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        (_, names), *others = self.columns
        label_width = max((len(header) for header, _ in others), default=0) + 1
        for row, name in enumerate(names):
            for line in from_markup(name).split("\n"):
                yield from line.render(console)
                yield Segment.line()
            for header, cells in others:
                for index, line in enumerate(from_markup(cells[row]).split("\n")):
                    yield Segment(f"  {header + ':' if index == 0 else '':<{label_width}} ")
                    yield from line.render(console)
                    yield Segment.line()


def _longest_word(cells: Sequence[str]) -> int:
    """The widest piece a cell can be broken into without folding mid-word (see _fold_cell)."""
    pieces = (piece for cell in cells for word in plain(cell).split()
              for piece in re.split(f"(?<=[{re.escape(BREAK_AFTER)}])", word))
    return max((len(piece) for piece in pieces), default=0)


def _fold_cell(cell: str, width: int) -> str:
    """A markup cell wrapped to ``width``, styles kept: at a space, else after a BREAK_AFTER, else mid-word."""
    from rich.text import Text

    out: list[Text] = []
    for line in from_markup(cell).split("\n"):
        while len(line.plain) > width:
            text = line.plain
            space = text.rfind(" ", 0, width + 1)
            if space > 0:
                out.append(line[:space])
                line = line[space + 1:]
                continue
            cut = max((i + 1 for i, char in enumerate(text[:width]) if char in BREAK_AFTER), default=width)
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    # One markup for the whole cell: text cut after a "[/" (a cluster string's "[/red]") would otherwise end one
    # line's markup unescaped and, joined, become a tag spanning the break; and markup_of, not rich's Text.markup,
    # so a backslash left at the end of a line is shown once.
    return markup_of(Text("\n").join(out))
