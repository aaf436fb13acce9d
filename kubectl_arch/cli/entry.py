"""The console script's first step: ``kubectl-arch --help`` answered from text click rendered ahead of time.

Importing click alone takes longer than the 100 ms the top-level help may take, so the common widths of that
one page are pre-rendered (``kubectl_arch/cli/top_help_text.py``, written by ``tools/render_top_help.py`` and
held equal to click's own rendering by a test); everything else goes to the click group in ``cli.main``.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable

HELP_FLAGS = (["--help"], ["-h"])
PLUGIN_EXECUTABLE = "kubectl-arch"
PLUGIN_PROG = "kubectl arch"
COMPLETE_VAR = "_KUBECTL_ARCH_COMPLETE"  # set by the shell completion scripts: click answers those


def main() -> None:
    """Print the pre-rendered top-level help when it fits this call, else run the full CLI.

    The process ends with the command, so the cycle collector stays off to the end (see ``without_cycle_collector``)
    and what is alive is frozen: the full collection Python runs at exit then walks nothing.
    """
    gc.disable()
    try:
        _answer()
    except SystemExit as done:
        _exit_now_if_threads_remain(done)
        raise
    finally:
        gc.freeze()


def _exit_now_if_threads_remain(done: SystemExit) -> None:
    """End the process at once, with the command's exit code, when a read still runs in another thread (Ctrl-C
    or a fatal error mid-collection). The interpreter's own shutdown would wait for such a thread, or stop it
    inside native code (TLS, cryptography's Rust), which aborts the process (SIGABRT) instead of exiting 130."""
    import contextlib
    import threading

    if threading.active_count() == 1 or not (done.code is None or isinstance(done.code, int)):
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more can be written
            stream.flush()
    os._exit(done.code or 0)


def _answer() -> None:
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


def without_cycle_collector(run: Callable[[], None]) -> None:
    """Run a command with Python's cycle collector off, and leave it as it was (tests run commands in-process).

    A run allocates what lives to its end (modules, the answers) and what reference counting frees (the answers are
    acyclic JSON), so the collector's passes walked every new object and found next to nothing: some 650 objects in
    cycles in a whole run, at 10 nodes as at 1,000 (the same peak memory), while the passes took 15 ms of a 10-node
    explain's CPU, 30-40 ms of its audit's and some 80 ms of a 1,000-node audit's. What is left in cycles goes at exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        run()
    finally:
        if enabled:
            gc.enable()
