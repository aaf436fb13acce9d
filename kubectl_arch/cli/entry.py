"""The console script's first step: ``kubectl-arch --help`` answered from text click rendered ahead of time.

Importing click alone takes longer than the 100 ms the top-level help may take, so the common widths of that
one page are pre-rendered (``kubectl_arch/cli/top_help_text.py``, written by ``tools/render_top_help.py`` and
held equal to click's own rendering by a test); everything else goes to the click group in ``cli.main``.
"""

from __future__ import annotations

import os
import sys

HELP_FLAGS = (["--help"], ["-h"])
PLUGIN_EXECUTABLE = "kubectl-arch"
PLUGIN_PROG = "kubectl arch"
COMPLETE_VAR = "_KUBECTL_ARCH_COMPLETE"  # set by the shell completion scripts: click answers those


def main() -> None:
    """Print the pre-rendered top-level help when it fits this call, else run the full CLI."""
    text = prerendered_help(sys.argv[1:])
    if text is None:
        from kubectl_arch.cli.main import main as run_cli

        run_cli()
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def prerendered_help(args: list[str]) -> str | None:
    """The top-level help as click would print it here, or None when none was rendered for this width or name."""
    if args not in HELP_FLAGS or COMPLETE_VAR in os.environ or prog_name() != PLUGIN_PROG:
        return None
    from shutil import get_terminal_size  # what click measures the terminal with

    from kubectl_arch.cli.top_help_text import TEXT_BY_COLUMNS, WIDE_FROM

    columns = get_terminal_size().columns
    return TEXT_BY_COLUMNS.get(min(columns, WIDE_FROM))


def prog_name() -> str:
    """'kubectl arch' when kubectl ran us as a plugin, else the executable's name."""
    name = os.path.basename(sys.argv[0])
    return PLUGIN_PROG if name == PLUGIN_EXECUTABLE else name
