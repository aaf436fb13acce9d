"""Stand-in ``kind`` and ``docker`` executables for the lab tests, on a PATH of their own.

They are real programs (Python scripts run by this interpreter) that the lab finds on PATH and runs
as it would run the real tools: each records its arguments, and ``kind create`` also the config it was
given, so a test can check exactly what was asked of kind. ``kind`` keeps its clusters in a file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import VENV_BIN, CliResult

KIND_SCRIPT = r'''
import json, sys
from pathlib import Path
from typing import Any
state = Path(STATE)
args = sys.argv[1:]
record = {"args": args}
if args[:2] == ["create", "cluster"]:
    record["config"] = Path(args[args.index("--config") + 1]).read_text()
with open(state / "kind-calls.jsonl", "a") as log:
    log.write(json.dumps(record) + "\n")
clusters = [c for c in (state / "clusters").read_text().split() if c]
failing = (state / "kind-fails").read_text().split() if (state / "kind-fails").exists() else []
if args[:1] and args[0] in failing:
    print(f"ERROR: failed to {args[0]} cluster: stand-in failure", file=sys.stderr)
    sys.exit(1)
if args == ["get", "clusters"]:
    print("\n".join(clusters) if clusters else "No kind clusters found.", file=sys.stdout if clusters else sys.stderr)
elif args[:2] == ["export", "kubeconfig"]:
    name = args[args.index("--name") + 1]
    if name not in clusters:
        sys.exit(f"ERROR: unknown cluster {name!r}")
    # kind's default is $KUBECONFIG or ~/.kube/config; the stand-in keeps that one in its state folder
    target = args[args.index("--kubeconfig") + 1] if "--kubeconfig" in args else state / "default-kubeconfig"
    Path(target).write_text(f"current-context: kind-{name}\n")
elif args[:2] in (["create", "cluster"], ["delete", "cluster"]):
    name = args[args.index("--name") + 1]
    print(f"{args[0].title()} cluster {name!r} ...", file=sys.stderr)
    clusters = [c for c in clusters if c != name] + ([name] if args[0] == "create" else [])
    (state / "clusters").write_text("\n".join(clusters))
else:
    sys.exit(f"stand-in kind: unexpected arguments {args}")
'''

DAEMON_DOWN = ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
               "Is the docker daemon running?")
DOCKER_SCRIPT = r'''
import sys
from pathlib import Path
from typing import Any
state = Path(STATE)
with open(state / "docker-calls.jsonl", "a") as log:
    log.write(repr(sys.argv[1:]) + "\n")
if sys.argv[1:2] != ["info"]:
    sys.exit(f"stand-in docker: the lab must only ask `docker info`, not {sys.argv[1:]}")
if not (state / "docker-running").exists():
    print((state / "docker-error").read_text(), file=sys.stderr)
    sys.exit(1)
print("27.3.1")
'''

# kubectl answering the e2e suite's readiness polls: every node and kube-system pod Ready.
KUBECTL_SCRIPT = r'''
import json, sys
from pathlib import Path
from typing import Any
with open(Path(STATE) / "kubectl-calls.jsonl", "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
ready = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
print(json.dumps({"items": [ready, ready]}))
'''


@dataclass
class StandIns:
    """The stand-in tools' folder and state: which exist, which clusters kind has, what was run."""

    bin_dir: Path
    state: Path

    def install_kind(self) -> None:
        self._install("kind", KIND_SCRIPT)

    def install_docker(self, *, running: bool = True, error: str = DAEMON_DOWN) -> None:
        """A docker whose `docker info` succeeds, or fails with ``error`` as the real one does."""
        self._install("docker", DOCKER_SCRIPT)
        if running:
            (self.state / "docker-running").touch()
        (self.state / "docker-error").write_text(error)

    def install_kubectl(self) -> None:
        self._install("kubectl", KUBECTL_SCRIPT)

    def kubectl_calls(self) -> list[list[str]]:
        log = self.state / "kubectl-calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def link_kubectl(self, kubectl: str) -> None:
        """kubectl beside the stand-ins, so PATH needs no folder that might also hold a real kind."""
        (self.bin_dir / "kubectl").symlink_to(kubectl)

    def set_clusters(self, *names: str) -> None:
        (self.state / "clusters").write_text("\n".join(names))

    def clusters(self) -> list[str]:
        return (self.state / "clusters").read_text().split()

    def fail_kind(self, verb: str) -> None:
        (self.state / "kind-fails").write_text(verb)

    def kind_calls(self) -> list[dict[str, Any]]:
        log = self.state / "kind-calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def docker_calls(self) -> list[str]:
        log = self.state / "docker-calls.jsonl"
        return log.read_text().splitlines() if log.exists() else []

    def path(self) -> str:
        """A PATH with the stand-ins and kubectl-arch, and nothing else a test did not choose."""
        return f"{self.bin_dir}:{VENV_BIN}"

    def _install(self, name: str, body: str) -> None:
        script = self.bin_dir / name
        script.write_text(f"#!{sys.executable}\nSTATE = {str(self.state)!r}\n{body}")
        script.chmod(0o755)


@pytest.fixture
def stand_ins(tmp_path: Path) -> StandIns:
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir()
    state.mkdir()
    tools = StandIns(bin_dir, state)
    tools.set_clusters()
    return tools


@pytest.fixture
def run_lab(run_console_script: Callable[..., CliResult], stand_ins: StandIns) -> Callable[..., CliResult]:
    """Run the real ``kubectl-arch lab ARGS`` with only the stand-ins (and kubectl-arch) on PATH; in a process of
    its own, since kind's own messages pass straight through to the terminal."""

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        return run_console_script(["lab", *args], env={"PATH": stand_ins.path(), **(env or {})})

    return run
