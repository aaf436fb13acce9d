"""`kubectl arch <TAB>`: real kubectl asks our kubectl_complete-arch executable, as kubectl 1.26+ does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kubectl_arch.cli.plugin_completion import completion_lines
from tests.conftest import VENV_BIN

KUBECTL = shutil.which("kubectl")


def kubectl_complete(*words: str, home: Path, kubeconfig: Path | None = None) -> list[str]:
    """What kubectl's own completion (`kubectl __complete`) offers after `kubectl arch WORDS`."""
    assert KUBECTL
    env = {"PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOME": str(home)}
    if kubeconfig:
        env["KUBECONFIG"] = str(kubeconfig)
    done = subprocess.run([KUBECTL, "__complete", "arch", *words], capture_output=True, text=True, check=True,
                          timeout=60, env=env)
    return done.stdout.splitlines()


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_completes_lab_subcommands_and_topologies_through_the_plugin(tmp_path: Path) -> None:
    assert (VENV_BIN / "kubectl_complete-arch").exists(), "run `pip install -e .`: the console script is missing"

    subcommands = kubectl_complete("lab", "", home=tmp_path)
    assert [line.split("\t")[0] for line in subcommands[:-1]] == ["down", "status", "up"]
    assert subcommands[-1] == ":4"  # no file names among them
    assert kubectl_complete("lab", "up", "--topology", "n", home=tmp_path) == ["nftables", ":4"]


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_completes_every_command_and_the_kubeconfigs_contexts(tmp_path: Path) -> None:
    from kubectl_arch.cli.main import COMMANDS

    commands = kubectl_complete("", home=tmp_path)
    assert [line.split("\t")[0] for line in commands[:-1]] == list(COMMANDS)
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\ncontexts:\n"
                          "- {name: kind-arch-ha, context: {cluster: a, user: a}}\n"
                          "- {name: prod, context: {cluster: b, user: b}}\n")
    assert kubectl_complete("audit", "--context", "kind", home=tmp_path, kubeconfig=kubeconfig) == [
        "kind-arch-ha", ":4"]


def test_a_word_being_typed_is_completed_with_its_description() -> None:
    lines = completion_lines(["lab", "st"])
    assert lines[0].startswith("status\tList the lab clusters")
    assert lines[-1] == ":4"


def test_a_file_option_lets_the_shell_complete_file_names() -> None:
    assert completion_lines(["lab", "up", "--kubeconfig", ""]) == [":0"]
