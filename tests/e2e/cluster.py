"""Real kind clusters for the end-to-end suite, built with `kubectl arch lab up` itself.

Opt in with KUBECTL_ARCH_E2E=1: the suite runs where Docker, kind and kubectl are, and skips with the
reason elsewhere; KUBECTL_ARCH_E2E=require (CI) fails instead of skipping, so a broken gate cannot pass
green. (A pytest flag would need the root conftest, which is not this suite's.) Choose topologies with
KUBECTL_ARCH_E2E_TOPOLOGIES=ha,nftables (the default); keep the clusters after the run with
KUBECTL_ARCH_E2E_KEEP=1. The TEST writes to the cluster (kubectl apply/run); kubectl-arch only reads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import CLI, cli_environment

E2E_VARIABLE = "KUBECTL_ARCH_E2E"
TOPOLOGIES_VARIABLE = "KUBECTL_ARCH_E2E_TOPOLOGIES"
KEEP_VARIABLE = "KUBECTL_ARCH_E2E_KEEP"
DEFAULT_TOPOLOGIES = ("ha", "nftables")
CLUSTER_PREFIX = "arch-e2e-"  # not the lab's own arch-<topology>: a developer's lab cluster is never touched
CREATE_TIMEOUT_SECONDS = 900
COMMAND_TIMEOUT_SECONDS = 300


def skip_reason(environ: Mapping[str, str]) -> str | None:
    """Why the suite cannot run here, in the words the lab itself uses; None when it can."""
    from kubectl_arch.lab.tools import PrerequisiteMissing, find_kind

    if environ.get(E2E_VARIABLE) not in ("1", "require"):
        return f"the end-to-end suite builds kind clusters: opt in with {E2E_VARIABLE}=1"
    try:
        find_kind(environ)
    except PrerequisiteMissing as exc:
        return exc.one_line()
    if shutil.which("kubectl", path=environ.get("PATH")) is None:
        return "kubectl is not installed: the end-to-end tests create their workloads with it"
    return None


def required(environ: Mapping[str, str]) -> bool:
    """CI sets KUBECTL_ARCH_E2E=require: a missing prerequisite is then a failure, not a skip."""
    return environ.get(E2E_VARIABLE) == "require"


def selected_topologies(environ: Mapping[str, str]) -> list[str]:
    from kubectl_arch.lab.topologies import TOPOLOGIES

    names = [n.strip() for n in environ.get(TOPOLOGIES_VARIABLE, ",".join(DEFAULT_TOPOLOGIES)).split(",") if n.strip()]
    unknown = [n for n in names if n not in TOPOLOGIES]
    if unknown:
        raise ValueError(f"{TOPOLOGIES_VARIABLE} names unknown topologies {unknown}; known: {list(TOPOLOGIES)}")
    return names


def run(argv: list[str], env: Mapping[str, str], *, input: str | None = None,
        timeout: float = COMMAND_TIMEOUT_SECONDS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=dict(env), input=input, capture_output=True, text=True, timeout=timeout,
                          check=False)


@dataclass
class LabCluster:
    """One lab cluster of the suite: its topology, kind name and a kubeconfig of its own."""

    topology: str
    name: str
    kubeconfig: Path
    env: dict[str, str] = field(repr=False)

    @property
    def context(self) -> str:
        return f"kind-{self.name}"

    def arch(self, *args: str, codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        """`kubectl-arch ARGS` against this cluster; fails the test on an exit code not in ``codes``."""
        return self.arch_offline(*args, "--kubeconfig", str(self.kubeconfig), "--context", self.context, codes=codes)

    def arch_offline(self, *args: str, codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        done = run([CLI, *args], self.env)
        assert done.returncode in codes, f"kubectl-arch {' '.join(args)} exited {done.returncode}: {done.stderr}"
        return done

    def arch_json(self, *args: str, codes: tuple[int, ...] = (0,)) -> Any:
        return json.loads(self.arch(*args, "-o", "json", codes=codes).stdout)

    def kubectl(self, *args: str, input: str | None = None) -> str:
        """The test's own writes and waits go through kubectl, never through kubectl-arch."""
        done = run(["kubectl", "--kubeconfig", str(self.kubeconfig), "--context", self.context, *args], self.env,
                    input=input)
        assert done.returncode == 0, f"kubectl {' '.join(args)} failed: {done.stderr}"
        return done.stdout

    def kubectl_json(self, *args: str) -> Any:
        return json.loads(self.kubectl(*args, "-o", "json"))


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 180, interval: float = 2) -> None:
    """Poll a real cluster until ``condition`` holds (the cluster's own pace, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class LabClusters:
    """Builds each selected topology once per session, with `kubectl arch lab up`, and removes it after."""

    def __init__(self, workdir: Path, home: Path) -> None:
        self._workdir = workdir
        self._env = cli_environment(home)
        self._clusters: dict[str, LabCluster] = {}

    def get(self, topology: str) -> LabCluster:
        if topology not in self._clusters:
            self._clusters[topology] = self._up(topology)
        return self._clusters[topology]

    def _up(self, topology: str) -> LabCluster:
        cluster = LabCluster(topology, CLUSTER_PREFIX + topology, self._workdir / f"kubeconfig-{topology}", self._env)
        lab_args = ["--topology", topology, "--name", cluster.name, "--kubeconfig", str(cluster.kubeconfig)]
        done = run([CLI, "lab", "up", *lab_args, "--wait", "5m"], self._env, timeout=CREATE_TIMEOUT_SECONDS)
        assert done.returncode == 0, f"kubectl arch lab up --topology {topology} failed: {done.stderr}"
        assert f"kubectl arch audit --context {cluster.context}" in done.stdout, done.stdout
        wait_until(lambda: _all_ready(cluster.kubectl_json("get", "nodes")["items"]),
                   f"every node of {cluster.name} to be Ready", timeout=300)
        wait_until(lambda: _all_ready(cluster.kubectl_json("get", "pods", "-n", "kube-system")["items"]),
                   f"every kube-system pod of {cluster.name} to be Ready", timeout=300)
        return cluster

    def tear_down(self) -> None:
        if os.environ.get(KEEP_VARIABLE) == "1":
            return
        for cluster in self._clusters.values():
            run([CLI, "lab", "down", "--topology", cluster.topology, "--name", cluster.name,
                 "--kubeconfig", str(cluster.kubeconfig)], self._env)


def _all_ready(objects: list[dict[str, Any]]) -> bool:
    """Every node or pod given has its Ready condition True (and there is at least one)."""
    return bool(objects) and all(
        any(c["type"] == "Ready" and c["status"] == "True" for c in (obj.get("status") or {}).get("conditions") or [])
        for obj in objects
    )
