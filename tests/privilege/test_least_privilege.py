"""Every command runs with only the ClusterRole `kubectl arch rbac` prints, and degrades with less.

The test API server enforces RBAC (tests/privilege/rbac.py) for three identities over one synthetic
kubeadm HA cluster (benchmarks/generate.py): ``admin`` may do anything, ``arch-reader`` holds only the
printed role (``rbac --include-workloads`` for ``audit --include-workloads``), ``version-only`` may read
``/version`` and nothing else. The reader must see exactly what the admin sees, with nothing denied; the
version-only identity must still get a report whose skips name the missing permission.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.generate import SyntheticCluster
from tests.harness.apiserver import ApiServer
from tests.privilege.rbac import EVERYTHING, RoleAuthorizer, cluster_roles, read_verbs, role

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
TOKENS = {"admin-token": "admin", "reader-token": "arch-reader", "workloads-token": "arch-workloads-reader",
          "version-token": "version-only"}


@dataclass(frozen=True)
class Command:
    """A command line to run, the module that implements it, and whether it needs the workloads role."""

    name: str
    args: tuple[str, ...]
    module: str
    workloads: bool = False


def _commands(cluster: SyntheticCluster) -> list[Command]:
    namespace, pod = cluster.trace_target()
    return [
        Command("explain", ("explain",), "kubectl_arch.explain.command"),
        Command("audit", ("audit",), "kubectl_arch.audit.command"),
        Command("audit --include-workloads", ("audit", "--include-workloads"), "kubectl_arch.audit.command",
                workloads=True),
        Command("trace pod", ("trace", "pod", pod, "-n", namespace), "kubectl_arch.trace.command"),
        Command("snapshot", ("snapshot",), "kubectl_arch.cli.snapshot_command"),
        Command("snapshot --trace", ("snapshot", "--trace", f"{namespace}/{pod}"), "kubectl_arch.cli.snapshot_command"),
    ]


CLUSTER = SyntheticCluster(12, now=NOW)
COMMANDS = _commands(CLUSTER)


def require(command: Command) -> None:
    if importlib.util.find_spec(command.module) is None:
        pytest.skip(f"{command.module} does not exist yet")


@pytest.fixture(scope="module")
def roles() -> dict[str, list[dict[str, object]]]:
    """The ClusterRoles `kubectl arch rbac` prints, without and with --include-workloads."""
    import subprocess
    import sys

    def printed(*flags: str) -> list[dict[str, object]]:
        done = subprocess.run([sys.executable, "-m", "kubectl_arch", "rbac", *flags], capture_output=True, text=True,
                              check=True)
        found = cluster_roles(done.stdout)
        assert len(found) == 1, done.stdout
        return found

    return {"plain": printed(), "workloads": printed("--include-workloads")}


@pytest.fixture
def authorizer(roles: dict[str, list[dict[str, object]]]) -> RoleAuthorizer:
    authorizer = RoleAuthorizer()
    authorizer.bind("admin", EVERYTHING)
    for printed in roles["plain"]:
        authorizer.bind("arch-reader", printed)
    for printed in roles["workloads"]:
        authorizer.bind("arch-workloads-reader", printed)
    authorizer.bind("version-only", role({"nonResourceURLs": ["/version"], "verbs": ["get"]}))
    return authorizer


@pytest.fixture
def server(api_server: Callable[..., ApiServer], authorizer: RoleAuthorizer) -> ApiServer:
    return api_server(CLUSTER.store(), now=NOW, tokens=TOKENS, authorizer=authorizer)


@pytest.fixture
def run_as(server: ApiServer, kubeconfig_for: Callable[..., Path], run_cli: Callable[..., object],
           tmp_path: Path) -> Callable[[Command, str], tuple[int, str, str, Path]]:
    """Run a command as the identity of ``token``; returns code, stdout, stderr and the snapshot path."""

    def run(command: Command, token: str) -> tuple[int, str, str, Path]:
        kubeconfig = kubeconfig_for(server, token=token)
        snapshot = tmp_path / f"{token}.json.gz"
        extra = ("-o", str(snapshot)) if command.args[0] == "snapshot" else ()
        code, out, err = run_cli([*command.args, *extra, "--kubeconfig", str(kubeconfig)])  # type: ignore[misc]
        return code, out, err, snapshot

    return run


def test_the_printed_role_only_reads(roles: dict[str, list[dict[str, object]]]) -> None:
    assert read_verbs(roles["workloads"]) <= {"get", "list", "watch"}
    assert read_verbs(roles["plain"]) <= {"get", "list", "watch"}


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_the_printed_role_is_enough_for_every_command(command: Command, authorizer: RoleAuthorizer, run_as: Callable[
        [Command, str], tuple[int, str, str, Path]]) -> None:
    require(command)
    token = "workloads-token" if command.workloads else "reader-token"
    user = TOKENS[token]
    code, out, err, snapshot = run_as(command, token)
    assert "Traceback" not in err
    assert code in (0, 1), err
    missing = [d.describe() for d in authorizer.denials(user)]
    assert missing == [], "the role printed by `kubectl arch rbac` lacks these"
    assert "forbidden" not in (out + err).lower()
    admin_code, admin_out, _err, admin_snapshot = run_as(command, "admin-token")
    if command.args[0] == "snapshot":
        ours, theirs = _responses(snapshot), _responses(admin_snapshot)
        assert sorted(ours) == sorted(theirs)
        assert [key for key, record in ours.items() if record.get("status") == 403] == []
    else:
        assert code == admin_code
        assert out == admin_out, "the least-privileged run saw something else than the admin:\n" + _diff(admin_out, out)


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_an_identity_that_reads_only_version_gets_skips_naming_the_permission(
        command: Command, authorizer: RoleAuthorizer, run_as: Callable[[Command, str], tuple[int, str, str, Path]]
) -> None:
    require(command)
    code, out, err, snapshot = run_as(command, "version-token")
    assert "Traceback" not in err
    denied = authorizer.denials("version-only")
    assert denied, "nothing was denied: the command read nothing at all"
    if "trace" in command.name:
        # The pod itself cannot be read: one line naming the permission, exit 3 (the cluster could not be read).
        assert code == 3, err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "forbidden" in lines[0] and "kubectl arch rbac" in lines[0], err
        return
    assert code in (0, 1), err
    if command.name == "snapshot":
        statuses = {record.get("status") for record in _responses(snapshot).values()}
        assert 403 in statuses
        return
    report = out + err
    assert "forbidden" in report.lower() and "kubectl arch rbac" in report, report


def _diff(expected: str, actual: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "admin", "least-privilege"))


def _responses(snapshot: Path) -> dict[str, dict[str, object]]:
    with gzip.open(snapshot, "rt") as handle:
        document = json.load(handle)
    responses: dict[str, dict[str, object]] = document["responses"]
    return responses
