"""A spinner on stderr while a command reads the cluster, so a long collection never looks hung.

It shows only when stderr is a terminal (``progress_console``): pipes, CI logs and redirected output
stay clean. Commands wrap their collection in ``reading_progress`` and pass the callback it yields to
``collect(..., progress=...)``; the spinner stops when the block ends, Ctrl-C and errors included.

    with reading_progress("the cluster") as progress:
        data = collect(source, names, progress=progress)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

Progress = Callable[[str], None]


def _ignore(_step: str) -> None:
    """The callback when no spinner is shown."""


@contextlib.contextmanager
def reading_progress(what: str, enabled: bool = True) -> Iterator[Progress]:
    """Yield a ``progress(step)`` callback that updates a spinner 'reading STEP'; a no-op off a terminal.

    ``enabled=False`` turns it off explicitly (e.g. when several clusters are read at once).
    """
    from kubectl_arch.output.console import progress_console

    console = progress_console() if enabled else None
    if console is None:
        yield _ignore
        return
    with console.status(f"reading {what}", spinner="dots") as status:
        yield lambda step: status.update(f"reading {step}")
