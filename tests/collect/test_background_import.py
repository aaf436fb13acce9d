"""The background import a command starts while its reads are in flight ends before the interpreter does.

A daemon thread still inside cryptography's (Rust) module init when a quick run ends is unwound at finalization
through frames that cannot be: the process aborted with "FATAL: exception not rethrown" (exit 134) after printing
a good report, about once in a dozen quick runs.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest

from kubectl_arch.collect.concurrency import import_in_background


def test_the_import_thread_is_waited_for_at_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[threading.Thread] = []
    real_start = threading.Thread.start

    def recorded(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
        started.append(self)
        real_start(self, *args, **kwargs)

    monkeypatch.setattr(threading.Thread, "start", recorded)
    import_in_background("json")
    (thread,) = started
    thread.join(timeout=10)
    assert not thread.daemon, "a daemon import thread can abort the process at exit"


def test_a_run_that_ends_during_the_import_exits_cleanly() -> None:
    """Runs that exit a few milliseconds after starting the import, as a one-check audit of a fast server does."""
    script = ("import sys, time\nfrom kubectl_arch.collect.concurrency import import_in_background\n"
              "import_in_background('cryptography.x509')\ntime.sleep(int(sys.argv[1]) / 1000)\n")
    codes = [subprocess.run([sys.executable, "-c", script, str(delay)], capture_output=True, text=True,
                            timeout=60, check=False) for delay in range(8)]
    assert [(c.returncode, c.stderr.strip()) for c in codes] == [(0, "")] * 8
