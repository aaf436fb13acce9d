"""On a real terminal (a pseudo-terminal here): the walkthrough waits for Enter, and a spinner runs on stderr."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

from tests.conftest import CLI, cli_environment


def run_on_terminal(args: list[str], home: Path, keys: bytes = b"") -> str:
    """Run the CLI with stdin, stdout and stderr on one pseudo-terminal; return everything it drew."""
    controller, terminal = pty.openpty()
    env = cli_environment(home)
    env.pop("NO_COLOR")
    env["TERM"] = "xterm"
    process = subprocess.Popen([CLI, *args], stdin=terminal, stdout=terminal, stderr=terminal, env=env,
                               close_fds=True)
    os.close(terminal)
    os.write(controller, keys)
    drawn = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        drawn += chunk
    process.wait(timeout=60)
    os.close(controller)
    assert process.returncode == 0, drawn.decode(errors="replace")[-2000:]
    return drawn.decode(errors="replace")


def test_walkthrough_steps_with_enter_on_a_terminal(cli_home: Path) -> None:
    drawn = run_on_terminal(["explain", "--sample", "kind-ha", "--walkthrough"], cli_home, b"\n" * 12)
    assert drawn.count("[Enter] next step") == 12
    assert "Step 13/13" in drawn


def test_overview_on_a_terminal_uses_colour(cli_home: Path) -> None:
    drawn = run_on_terminal(["explain", "--sample", "kind-ha"], cli_home)
    assert "\x1b[" in drawn and "healthy" in drawn


def test_spinner_on_a_terminal_stderr_only(cli_home: Path) -> None:
    controller, terminal = pty.openpty()
    env = cli_environment(cli_home)
    env["TERM"] = "xterm"
    process = subprocess.run([CLI, "explain", "--sample", "kind-ha", "-o", "json"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=terminal, env=env, timeout=60, check=False)
    os.close(terminal)
    drawn = b""
    while select.select([controller], [], [], 0)[0]:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(controller)
    assert process.returncode == 0
    spinner = drawn.decode(errors="replace")  # the spinner, on stderr: its first or a later message
    assert "connecting..." in spinner or "reading " in spinner
    assert process.stdout.lstrip().startswith(b"{")  # stdout stays clean JSON
