"""The only programs the lab runs: the ``kind`` and ``docker`` command-line tools, found on PATH.

A missing tool is not a usage error: the command was right, the machine cannot build a cluster. It is
reported in one line, saying what is missing and where to get it, with exit code 3 (the cluster cannot
be reached: here, it cannot even be built).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kubectl_arch.errors import ArchError

KIND_INSTALL_URL = "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
DOCKER_INSTALL_URL = "https://docs.docker.com/get-started/get-docker/"
# kind can run its nodes with podman or nerdctl instead of Docker when this is set; Docker is then not needed.
KIND_PROVIDER_VARIABLE = "KIND_EXPERIMENTAL_PROVIDER"
QUERY_TIMEOUT_SECONDS = 60
STDERR_FD = 2


class PrerequisiteMissing(ArchError):
    """Docker or kind is not there: nothing the user typed was wrong, the machine lacks a tool.

    Like kind failing (a plain ``ArchError``), it keeps ArchError's exit code 3: no cluster can be had.
    """


def find_kind(environ: Mapping[str, str] | None = None) -> KindCli:
    """kind, once Docker (kind's default node provider) answers; every missing piece named in one line."""
    environ = os.environ if environ is None else environ
    kind = shutil.which("kind", path=environ.get("PATH"))
    problems: list[str] = []
    hints: list[str] = []
    if environ.get(KIND_PROVIDER_VARIABLE, "docker") in ("", "docker"):
        docker_problem = _docker_problem(environ)
        if docker_problem:
            problems.append(docker_problem[0])
            hints.append(docker_problem[1])
    if kind is None:
        problems.append("kind is not installed")
        hints.append(f"install kind: {KIND_INSTALL_URL}")
    if problems:
        raise PrerequisiteMissing(
            f"the lab needs Docker and kind: {' and '.join(problems)}", hint="; ".join(hints)
        )
    assert kind is not None
    return KindCli(kind, environ)


START_DOCKER = "start the Docker daemon (e.g. `sudo systemctl start docker`, or open Docker Desktop)"


def _docker_problem(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """Why Docker cannot run kind's nodes and what to do, or None when ``docker info`` reaches a daemon."""
    docker = shutil.which("docker", path=environ.get("PATH"))
    if docker is None:
        return "Docker is not installed", f"install Docker: {DOCKER_INSTALL_URL}"
    try:
        result = subprocess.run(
            [docker, "info", "--format", "{{.ServerVersion}}"],
            capture_output=True, text=True, timeout=QUERY_TIMEOUT_SECONDS, env=dict(environ), check=False,
        )
    except subprocess.TimeoutExpired:
        return f"Docker did not answer `docker info` within {QUERY_TIMEOUT_SECONDS} s", START_DOCKER
    except OSError as exc:
        return f"docker could not be run ({exc.strerror})", f"reinstall Docker: {DOCKER_INSTALL_URL}"
    if result.returncode == 0:
        return None
    reason = _why_failed(result)
    if "permission denied" in reason.lower():
        return (f"Docker refused this user (`docker info`: {reason})",
                "let your user reach the Docker daemon (e.g. add it to the docker group) or use rootless Docker")
    return f"Docker is not running (`docker info`: {reason})", START_DOCKER


def _why_failed(result: subprocess.CompletedProcess[str]) -> str:
    """The first line the tool wrote to stderr, or its exit code when it wrote nothing."""
    first = next((line.strip() for line in (result.stderr or "").splitlines() if line.strip()), "")
    return first or f"exit {result.returncode}"


@dataclass(frozen=True)
class KindCli:
    """The kind commands the lab uses, run without a shell, arguments passed as a list."""

    executable: str
    environ: Mapping[str, str]

    def clusters(self) -> list[str]:
        """Names of the kind clusters on this machine (`kind get clusters`)."""
        result = self._run(["get", "clusters"], capture=True)
        if result.returncode != 0:
            raise ArchError(f"`kind get clusters` failed: {_why_failed(result)}")
        return [line.strip() for line in result.stdout.splitlines() if line.strip()]

    def create(self, name: str, config: Path, wait: str, kubeconfig: str | None) -> None:
        """`kind create cluster`, its progress shown as it happens (it takes minutes)."""
        args = ["create", "cluster", "--name", name, "--config", str(config), "--wait", wait]
        self._run_visibly([*args, *_kubeconfig_args(kubeconfig)], f"kind could not create cluster {name}")

    def export_kubeconfig(self, name: str, kubeconfig: str | None) -> None:
        """`kind export kubeconfig`: (re)writes an existing cluster's context, as create would have."""
        args = ["export", "kubeconfig", "--name", name, *_kubeconfig_args(kubeconfig)]
        self._run_visibly(args, f"kind could not write the kubeconfig of cluster {name}")

    def delete(self, name: str, kubeconfig: str | None) -> None:
        """`kind delete cluster`: removes the node containers and the kubeconfig entry."""
        args = ["delete", "cluster", "--name", name, *_kubeconfig_args(kubeconfig)]
        self._run_visibly(args, f"kind could not delete cluster {name}")

    def _run_visibly(self, args: list[str], failure: str) -> None:
        result = self._run(args, capture=False)
        if result.returncode != 0:
            raise ArchError(f"{failure} (exit {result.returncode})", hint="kind's own messages are above")

    def _run(self, args: Sequence[str], *, capture: bool) -> subprocess.CompletedProcess[str]:
        # kind's progress goes to stderr, so kubectl-arch's stdout stays the guide a script can read.
        try:
            return subprocess.run(
                [self.executable, *args],
                stdout=subprocess.PIPE if capture else STDERR_FD,
                stderr=subprocess.PIPE if capture else None,
                text=True, env=dict(self.environ), check=False,
                timeout=QUERY_TIMEOUT_SECONDS if capture else None,
            )
        except subprocess.TimeoutExpired:
            raise ArchError(f"`kind {' '.join(args)}` did not finish within {QUERY_TIMEOUT_SECONDS} s") from None
        except OSError as exc:
            raise PrerequisiteMissing(f"kind could not be run ({exc.strerror})",
                                      hint=f"reinstall kind: {KIND_INSTALL_URL}") from None


def _kubeconfig_args(kubeconfig: str | None) -> list[str]:
    return ["--kubeconfig", kubeconfig] if kubeconfig else []
