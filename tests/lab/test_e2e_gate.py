"""The end-to-end suite is opt-in and, where it cannot run, skips every test with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cluster import selected_topologies, skip_reason
from tests.lab.conftest import StandIns

REPO = Path(__file__).resolve().parents[2]
KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def run_e2e_suite(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """pytest on tests/e2e in a process of its own, as a developer or CI would run it."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("KUBECTL_ARCH_E2E")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/e2e"],
                          cwd=REPO, env={**base, **env}, capture_output=True, text=True, timeout=120, check=False)


def test_without_opting_in_every_e2e_test_skips_saying_how_to_opt_in() -> None:
    done = run_e2e_suite({})

    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" not in done.stdout and " failed" not in done.stdout
    skip_lines = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skip_lines and all("opt in with KUBECTL_ARCH_E2E=1" in line for line in skip_lines)


@needs_kubectl
def test_opted_in_without_kind_every_e2e_test_skips_naming_what_is_missing(stand_ins: StandIns) -> None:
    stand_ins.install_docker()
    stand_ins.link_kubectl(KUBECTL or "")

    done = run_e2e_suite({"KUBECTL_ARCH_E2E": "1", "PATH": stand_ins.path()})

    assert done.returncode == 0, done.stdout + done.stderr
    skip_lines = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skip_lines and all("kind is not installed; install kind: https://kind.sigs.k8s.io/" in line
                              for line in skip_lines)


def test_required_e2e_fails_instead_of_skipping_where_it_cannot_run(stand_ins: StandIns) -> None:
    done = run_e2e_suite({"KUBECTL_ARCH_E2E": "require", "PATH": stand_ins.path()})

    assert done.returncode == 1
    assert "KUBECTL_ARCH_E2E=require, but the lab needs Docker and kind: Docker is not installed" in done.stdout
    assert " skipped" not in done.stdout.splitlines()[-1]


def test_a_machine_without_docker_is_named_as_such() -> None:
    assert "Docker is not installed" in (skip_reason({"KUBECTL_ARCH_E2E": "1", "PATH": "/nonexistent"}) or "")


@needs_kubectl
def test_kubectl_is_required_because_the_tests_write_with_it(stand_ins: StandIns) -> None:
    stand_ins.install_docker()
    stand_ins.install_kind()

    assert skip_reason({"KUBECTL_ARCH_E2E": "1", "PATH": stand_ins.path()}) == (
        "kubectl is not installed: the end-to-end tests create their workloads with it")
    stand_ins.link_kubectl(KUBECTL or "")
    assert skip_reason({"KUBECTL_ARCH_E2E": "1", "PATH": stand_ins.path()}) is None


def test_topologies_default_to_ha_and_nftables_and_unknown_ones_are_refused() -> None:
    assert selected_topologies({}) == ["ha", "nftables"]
    assert selected_topologies({"KUBECTL_ARCH_E2E_TOPOLOGIES": " nftables "}) == ["nftables"]
    with pytest.raises(ValueError, match="unknown topologies"):
        selected_topologies({"KUBECTL_ARCH_E2E_TOPOLOGIES": "ha,huge"})
