"""Write kubectl_arch/cli/top_help_text.py: `kubectl arch --help` as click renders it, for the console script's
fast path (kubectl_arch/cli/entry.py). Run after changing the top-level help; tests/cli/test_top_help.py fails
while the file is stale.

    python tools/render_top_help.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `kubectl_arch` importable from this checkout
    sys.path.insert(0, str(ROOT))

from kubectl_arch.cli.entry import PLUGIN_PROG  # noqa: E402

TARGET = ROOT / "kubectl_arch" / "cli" / "top_help_text.py"
NARROW = 80  # what click uses when the output is not a terminal and COLUMNS is unset
WIDEST = 400


def rendered(columns: int) -> str:
    """What `kubectl arch --help` prints on a terminal ``columns`` wide, rendered by click itself."""
    from kubectl_arch.cli.main import cli

    # click measures the terminal with shutil, which reads COLUMNS first.
    with (patch.dict(os.environ, {"COLUMNS": str(columns)}),
          cli.make_context(PLUGIN_PROG, [], resilient_parsing=True) as ctx):
        return cli.get_help(ctx) + "\n"


def wide_from() -> int:
    """The narrowest terminal on which the help is already as it is on the widest one."""
    widest = rendered(WIDEST)
    columns = WIDEST
    while columns > NARROW + 1 and rendered(columns - 1) == widest:
        columns -= 1
    return columns


def module_text() -> str:
    wide = wide_from()
    texts = {NARROW: rendered(NARROW), wide: rendered(wide)}
    lines = [
        '"""`kubectl arch --help` as click renders it: written by tools/render_top_help.py, do not edit.',
        "",
        "Read by kubectl_arch/cli/entry.py so that the top-level help needs no click import; other widths go to click.",
        '"""',
        "",
        f"WIDE_FROM = {wide}  # from this many columns on, the text no longer changes",
        "TEXT_BY_COLUMNS = {",
        *(line for columns, text in texts.items() for line in _entry(columns, text)),
        "}",
        "",
    ]
    return "\n".join(lines)


def _entry(columns: int, text: str) -> list[str]:
    """One ``columns: text`` entry, a source line per help line (the text ends with a newline)."""
    return [f"    {columns}: (", *(f"        {line + chr(10)!r}" for line in text.splitlines()), "    ),"]


def main() -> None:
    TARGET.write_text(module_text())
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
