"""The plugin as users meet it: kubectl's plugin discovery, a --help that stays light, completion scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch import __version__
from kubectl_arch.cli.main import COMMANDS
from kubectl_arch.errors import ExitCode
from tests.cli.cli_helpers import assert_one_line_error
from tests.conftest import VENV_BIN, CliResult, cli_environment, command_probe, probe_report

RunCli = Callable[..., CliResult]
KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed on this machine")
@pytest.mark.parametrize("argv", [["arch", "version"], ["arch", "--help"]], ids=["version", "help"])
def test_kubectl_finds_the_plugin_on_path(argv: list[str], cli_home: Path) -> None:
    assert KUBECTL is not None
    env = cli_environment(cli_home)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{os.path.dirname(KUBECTL)}{os.pathsep}/usr/bin:/bin"
    done = subprocess.run([KUBECTL, *argv], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    if argv[-1] == "version":
        assert done.stdout.startswith(f"kubectl-arch {__version__} ")
    else:
        assert "Usage: kubectl arch" in done.stdout, "the prog name must read as kubectl's plugin"


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed on this machine")
def test_kubectl_plugin_list_shows_the_plugin(cli_home: Path) -> None:
    assert KUBECTL is not None
    env = cli_environment(cli_home)
    done = subprocess.run([KUBECTL, "plugin", "list"], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert str(VENV_BIN / "kubectl-arch") in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("argv", [["--help"], ["version"], ["samples"]], ids=["help", "version", "samples"])
def test_light_commands_import_neither_kubernetes_nor_rich(argv: list[str], cli_home: Path) -> None:
    probe = command_probe(argv, "{'code': code, 'heavy': sorted(m for m in sys.modules if m.split('.')[0] in "
                                "('kubernetes', 'rich', 'urllib3', 'jinja2', 'markupsafe'))}")
    assert probe_report(probe, cli_home) == {"code": 0, "heavy": []}


def test_help_lists_every_command_and_the_exit_codes(run_cli: RunCli) -> None:
    result = run_cli(["--help"])
    assert result.code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert "Exit codes: 0 ok, 1 audit findings" in " ".join(result.stdout.split())


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F"), ("zsh", "#compdef kubectl-arch"),
                                           ("fish", "complete --no-files --command kubectl-arch")])
def test_completion_scripts(run_cli: RunCli, shell: str, marker: str) -> None:
    result = run_cli(["completion", shell])
    assert result.code == 0, result.stderr
    assert marker in result.stdout
    assert "_KUBECTL_ARCH_COMPLETE" in result.stdout


def test_completion_completes_commands_and_samples(run_cli: RunCli) -> None:
    env = {"_KUBECTL_ARCH_COMPLETE": "bash_complete", "COMP_WORDS": "kubectl-arch sa", "COMP_CWORD": "1"}
    result = run_cli([], env=env)
    assert result.code == 0, result.stderr
    assert "plain,samples" in result.stdout.splitlines()


def test_unknown_command_is_one_usage_line(run_cli: RunCli) -> None:
    assert_one_line_error(run_cli(["explian"]), ExitCode.USAGE, "No such command 'explian'",
                          "see `kubectl arch --help`")


def test_bad_request_timeout_is_one_usage_line(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(["snapshot", "-o", str(tmp_path / "s.gz"), "--request-timeout", "soon"])
    assert_one_line_error(result, ExitCode.USAGE, "'soon' is not a duration", "kubectl arch snapshot --help")


def test_missing_required_option_is_one_usage_line(run_cli: RunCli) -> None:
    assert_one_line_error(run_cli(["snapshot"]), ExitCode.USAGE, "Missing option '-o' / '--output'")


def test_python_dash_m_runs_the_same_cli(cli_home: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kubectl_arch", "version"], env=cli_environment(cli_home),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.startswith(f"kubectl-arch {__version__}")


@pytest.mark.parametrize("argv", [["explain", "--sample", "kind-ha"], ["audit", "--sample", "kubeadm-degraded"]],
                         ids=["explain", "audit"])
def test_a_command_runs_without_the_cycle_collector(argv: list[str], cli_home: Path) -> None:
    probe = command_probe(
        argv, "{'passes': passes, 'enabled': gc.isenabled(), 'frozen': gc.get_freeze_count() > 0}",
        entry="kubectl_arch.cli.entry",
        setup=("passes = []\n"
               "gc.collect()  # the allocation count starts from 0: no pass is due before main() pauses the collector\n"
               "gc.callbacks.append(lambda phase, info:\n"
               "                    passes.append(info['generation']) if phase == 'start' else None)\n"))
    # The console script's process ends with the command: the collector stays off, and what is alive is frozen so
    # that the collection Python runs at exit walks none of it.
    assert probe_report(probe, cli_home) == {"passes": [], "enabled": False, "frozen": True}


@pytest.mark.parametrize("enabled", [True, False])
def test_a_command_leaves_the_cycle_collector_as_it_was(enabled: bool) -> None:
    import gc

    from kubectl_arch.cli.main import main

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(SystemExit):
            main(["version"])
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_command_ends_when_it_is_done_whatever_thread_still_runs(cli_home: Path) -> None:
    """Ctrl-C or a fatal error can end a command while a read still runs in another thread: the process ends with
    the command's exit code at once, not when that thread is done (nor aborted by stopping it in native code)."""
    probe = (
        "import sys, threading, time\n"
        "from kubectl_arch.cli.entry import main\n"
        "threading.Thread(target=time.sleep, args=(60,)).start()  # a read that would take another minute\n"
        "sys.argv = ['kubectl-arch', 'explain', '--sample', 'no-such-sample']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=cli_environment(cli_home), capture_output=True,
                          text=True, timeout=30, check=False)
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert done.stderr.startswith("error: "), done.stderr


@pytest.mark.parametrize(("argv", "verdict"), [
    (["audit", "--sample", "kubeadm-degraded"], 1),
    (["audit", "--sample", "kubeadm-degraded", "-o", "json"], 1),
    (["explain", "--sample", "kind-ha"], 0),
    (["trace", "deployment/api", "-n", "shop", "--sample", "kind-ha"], 0),
], ids=["audit", "audit-json", "explain", "trace"])
def test_a_closed_pipe_ends_the_output_not_the_verdict(argv: list[str], verdict: int, cli_home: Path) -> None:
    """`kubectl arch audit | head` in CI: the reader stops early, and the exit code is still the command's own
    (rich's default exits 1 on a closed pipe, which reads as findings; a bare BrokenPipeError exited 0)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        done = subprocess.run([str(VENV_BIN / "kubectl-arch"), *argv], env=cli_environment(cli_home),
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    finally:
        os.close(write_end)
    assert done.returncode == verdict, done.stderr
    assert done.stderr == "", "a closed pipe is not an error to report"


def test_each_in_process_run_is_a_new_run(run_cli: Callable[..., CliResult]) -> None:
    """A process is one run, and "said once per run" warnings are per run: two in-process runs each say theirs
    (a warning left said by an earlier test had hidden the one test_live expects, depending on test order)."""
    args = ["explain", "--server", "https://127.0.0.1:9", "--token", "t", "--insecure-skip-tls-verify",
            "--request-timeout", "2s"]
    for _ in range(2):
        result = run_cli(args)
        assert result.code == 3
        assert "warning: the certificate of https://127.0.0.1:9 is not checked" in result.stderr
