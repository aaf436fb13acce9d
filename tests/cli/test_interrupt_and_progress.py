"""Long collections: Ctrl-C stops cleanly (exit 130, one word, no traceback) and a spinner shows on a terminal.

Both run the real CLI in a subprocess against the test API server, made slow by a scripted delay, so
the signal really lands while a request is in flight and the spinner really has time to draw.
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from benchmarks.generate import SyntheticCluster
from tests.conftest import CLI, CliResult, cli_environment
from tests.harness.apiserver import ApiServer

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
CLUSTER = SyntheticCluster(6, now=NOW)
NAMESPACE, POD = CLUSTER.trace_target()
WAIT_FOR_REQUEST = 30.0  # seconds; generous, the machine may be busy: this bounds a failure, it is no timing claim
RUN_DEADLINE = 300.0  # seconds a whole command may take on a loaded machine before the test gives up on it

COMMANDS = {
    "explain": ["explain"],
    "audit": ["audit"],
    "trace": ["trace", "pod", POD, "-n", NAMESPACE],
    "snapshot": ["snapshot", "-o", "snapshot.json.gz"],
}


def _is_slowed(path: str, _query: Mapping[str, str]) -> bool:
    """Every request after the first probe of /version: the command is then inside its collection."""
    return path != "/version"


@pytest.fixture
def slow_server(api_server: Callable[..., ApiServer]) -> ApiServer:
    server = api_server(CLUSTER.store(), now=NOW)
    server.delay(_is_slowed, seconds=60, times=None)
    return server


def _wait_for_slowed_request(server: ApiServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_FOR_REQUEST
    while not any(_is_slowed(r.path, r.query) for r in server.requests):
        if process.poll() is not None or time.monotonic() > deadline:
            _out, err = process.communicate(timeout=5)
            detail = err.decode() if err else "(stderr went to a terminal)"
            pytest.fail(f"the command never reached its collection (exit {process.returncode}): {detail}")
        time.sleep(0.05)


def _default_sigint() -> None:
    """In the child before exec: Ctrl-C acts again even when the test runner ignores SIGINT (it is inherited)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: list[str], kubeconfig: Path, home: Path, cwd: Path, **streams: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([CLI, *args, "--kubeconfig", str(kubeconfig)], env=cli_environment(home), cwd=cwd,
                            stdout=streams.get("stdout", subprocess.PIPE),
                            stderr=streams.get("stderr", subprocess.PIPE), preexec_fn=_default_sigint)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_ctrl_c_during_collection_exits_130_without_a_traceback(
        name: str, slow_server: ApiServer, kubeconfig_for: Callable[..., Path], cli_home: Path, tmp_path: Path) -> None:
    args = COMMANDS[name]
    process = _start(args, kubeconfig_for(slow_server), cli_home, tmp_path)
    try:
        _wait_for_slowed_request(slow_server, process)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=WAIT_FOR_REQUEST)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = err.decode()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == "interrupted", stderr
    assert not (tmp_path / "snapshot.json.gz").exists(), "an interrupted snapshot must not leave a partial file"


def test_ctrl_c_while_the_spinner_draws_still_exits_130(slow_server: ApiServer, kubeconfig_for: Callable[..., Path],
                                                        cli_home: Path, tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = _start(["audit"], kubeconfig_for(slow_server), cli_home, tmp_path, stderr=terminal)
    os.close(terminal)
    try:
        _wait_for_slowed_request(slow_server, process)
        process.send_signal(signal.SIGINT)
        shown = _read_all(controller, process)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, shown
    assert "Traceback" not in shown and "interrupted" in shown, shown


SPINNER_COMMANDS = {name: COMMANDS[name] for name in ("explain", "audit", "snapshot")}


@pytest.mark.parametrize("name", list(SPINNER_COMMANDS))
def test_a_spinner_shows_on_a_terminal_while_the_cluster_is_read(
        name: str, api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path], cli_home: Path,
        tmp_path: Path) -> None:
    args = SPINNER_COMMANDS[name]
    server = api_server(CLUSTER.store(), now=NOW)
    nodes = server.hold("/api/v1/nodes", at_most=WAIT_FOR_REQUEST)  # the read lasts until the spinner has drawn
    controller, terminal = pty.openpty()
    process = _start(args, kubeconfig_for(server), cli_home, tmp_path, stderr=terminal)
    os.close(terminal)
    shown = _read_all(controller, process, on_text=lambda text: "reading" in text and nodes.release())
    assert process.returncode in (0, 1)
    assert "reading" in shown, f"no progress on the terminal: {shown!r}"
    assert nodes.applied == 1, "the command never read the nodes: no read was in flight to show progress for"


def test_no_spinner_when_stderr_is_not_a_terminal(
        api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path], run_cli: Callable[..., CliResult],
        tmp_path: Path) -> None:
    server = api_server(CLUSTER.store(), now=NOW)
    server.delay("/api/v1/nodes", seconds=0.5, times=1)
    code, _out, err = run_cli(["audit", "--kubeconfig", str(kubeconfig_for(server))])
    assert code in (0, 1)
    assert "reading" not in err and "\x1b[" not in err


def _read_all(controller: int, process: subprocess.Popen[bytes],
              on_text: Callable[[str], object] = lambda _text: None) -> str:
    """Everything the process writes to the terminal until it exits (``on_text`` sees it after each read); a
    process still running after RUN_DEADLINE seconds is killed and the test fails, so a lost signal can never
    hang the suite."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + RUN_DEADLINE
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.2)
            if ready:
                try:
                    data = os.read(controller, 65536)
                except OSError:  # the other side closed: the process is gone
                    break
                if not data:
                    break
                chunks.append(data)
                on_text(b"".join(chunks).decode(errors="replace"))
            elif process.poll() is not None:
                break
        else:
            process.kill()
            process.wait()
            pytest.fail(f"the process did not end within {RUN_DEADLINE:.0f} s; it wrote: "
                        f"{b''.join(chunks).decode(errors='replace')!r}")
        process.wait(timeout=WAIT_FOR_REQUEST)
    finally:
        os.close(controller)
    return b"".join(chunks).decode(errors="replace")


HELPER_SCRIPT = """
import time
from kubectl_arch.output.progress import reading_progress
with reading_progress("the cluster") as progress:
    progress("nodes")
    time.sleep(0.5)
print("done")
"""


@pytest.mark.parametrize("on_terminal", [True, False])
def test_the_progress_helper_draws_only_on_a_terminal(on_terminal: bool, cli_home: Path, tmp_path: Path) -> None:
    import sys

    controller, terminal = pty.openpty()
    stderr = terminal if on_terminal else subprocess.PIPE
    process = subprocess.Popen([sys.executable, "-c", HELPER_SCRIPT], env=cli_environment(cli_home), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=stderr)
    os.close(terminal)
    shown = _read_all(controller, process) if on_terminal else process.communicate(timeout=WAIT_FOR_REQUEST)[1].decode()
    if not on_terminal:
        os.close(controller)
    assert process.returncode == 0
    assert ("reading nodes" in shown) is on_terminal, shown
