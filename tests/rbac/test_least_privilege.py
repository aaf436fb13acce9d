"""Every command runs with only the ClusterRole `kubectl arch rbac` prints, and degrades with less.

The test API server enforces RBAC (tests/rbac/rbac.py) over one synthetic kubeadm HA cluster
(benchmarks/generate.py) for four identities: ``admin`` may do anything; ``arch-reader`` holds only the
printed role, ``arch-workloads-reader`` the role of ``rbac --include-workloads``; ``version-only`` may
read ``/version`` and nothing else. The readers must see exactly what the admin sees with nothing
denied, and use every permission they hold; the version-only identity must still get a report whose
skips name the missing permission. Every command runs once per identity (module-scoped), so the
suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import SyntheticCluster
from benchmarks.lazy import encode_suffix
from tests.conftest import invoke_in_process
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import kubeconfig_for_server
from tests.rbac.rbac import (
    EVERYTHING,
    RequestAttributes,
    RoleAuthorizer,
    cluster_roles,
    namespaced_roles,
    read_verbs,
    request_attributes,
    role,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
CLUSTER = SyntheticCluster(12, now=NOW)
NAMESPACE, POD = CLUSTER.trace_target()
TOKENS = {"admin-token": "admin", "reader-token": "arch-reader", "workloads-token": "arch-workloads-reader",
          "version-token": "version-only"}


@dataclass(frozen=True)
class Command:
    """A command line, the module implementing it, and whether it takes the --include-workloads role."""

    name: str
    args: tuple[str, ...]
    module: str
    workloads: bool = False


COMMANDS = [
    Command("explain", ("explain",), "kubectl_arch.explain.command"),
    Command("audit", ("audit",), "kubectl_arch.audit.command"),
    Command("audit --include-workloads", ("audit", "--include-workloads"), "kubectl_arch.audit.command",
            workloads=True),
    Command("trace pod", ("trace", "pod", POD, "-n", NAMESPACE), "kubectl_arch.trace.command"),
    Command("trace deployment", ("trace", "deployment/api", "-n", NAMESPACE), "kubectl_arch.trace.command"),
    Command("snapshot", ("snapshot", "-o", "snapshot.json.gz"), "kubectl_arch.snapshot.command"),
    Command("snapshot --trace", ("snapshot", "-o", "snapshot.json.gz", "--trace", f"{NAMESPACE}/{POD}"),
            "kubectl_arch.snapshot.command"),
]
# Runs that exercise more of the role: a missing namespace (told from a missing pod), a DaemonSet's pod.
EXTRA_READER_RUNS = [
    Command("trace missing pod", ("trace", "pod", "gone", "-n", "no-such-namespace"), "kubectl_arch.trace.command"),
    Command("trace daemonset pod", ("trace", "pod", f"kube-proxy-{encode_suffix(4)}", "-n", "kube-system"),
            "kubectl_arch.trace.command"),
]
# Permissions only some clusters or flags use; this cluster cannot exercise them.
CONDITIONAL = {
    ("", "pods", "watch"): "trace --follow of a pod that is not Ready yet",
    ("", "pods/proxy", "get"): "etcd's metrics through the pod proxy, when etcd listens beyond loopback",
    ("apps", "statefulsets", "get"): "trace of a StatefulSet's pod",
    ("batch", "jobs", "get"): "trace of a Job's pod",
    ("batch", "cronjobs", "get"): "trace of a CronJob's pod",
    ("apps", "replicasets", "list"): "trace of a Deployment that has no pod (its ReplicaSets by selector)",
    ("batch", "jobs", "list"): "trace of a CronJob (its Jobs)",
    ("coordination.k8s.io", "leases", "get"): "trace of a pod with no Scheduled event (the scheduler's Lease)",
    ("metrics.eks.amazonaws.com", "etcd/metrics", "get"): "audit on EKS: etcd's metrics as EKS serves them",
    ("metrics.eks.amazonaws.com", "ksh/metrics", "get"): "audit on EKS: the scheduler's metrics",
    ("metrics.eks.amazonaws.com", "kcm/metrics", "get"): "audit on EKS: the controller manager's metrics",
    ("config.openshift.io", "clusteroperators", "list"): "on OpenShift: the versions its operators report",
    ("config.openshift.io", "clusterversions", "get"): "on OpenShift: the release its ClusterVersion reports",
}


@dataclass
class Run:
    """One command as one identity: how it ended, and what the server allowed and denied."""

    code: int
    stdout: str
    stderr: str
    allowed: list[RequestAttributes]
    denied: list[RequestAttributes]
    snapshot: dict[str, Any] | None


def _printed_roles(home: Path, *flags: str) -> list[dict[str, Any]]:
    """The ClusterRole and the Role in kube-system `kubectl arch rbac` prints, as the user would apply them."""
    done = invoke_in_process(["rbac", *flags], home)
    assert done.code == 0, done.stderr
    found = cluster_roles(done.stdout)
    assert len(found) == 1, done.stdout
    namespaced = namespaced_roles(done.stdout)
    assert [r["metadata"]["namespace"] for r in namespaced] == ["kube-system"], done.stdout
    return [*found, *namespaced]


@pytest.fixture(scope="module")
def roles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """The roles `kubectl arch rbac` prints, without and with --include-workloads."""
    home = tmp_path_factory.mktemp("rbac-home")
    return {"plain": _printed_roles(home), "workloads": _printed_roles(home, "--include-workloads")}


class Runner:
    """Runs commands against one RBAC-enforcing server and remembers each run, so each runs once."""

    def __init__(self, server: ApiServer, authorizer: RoleAuthorizer, folder: Path) -> None:
        self.server, self.authorizer, self.folder = server, authorizer, folder
        self.kubeconfigs = {token: kubeconfig_for_server(server, folder / f"{token}.yaml", token=token)
                            for token in TOKENS}
        self.runs: dict[tuple[str, str], Run] = {}

    def run(self, command: Command, token: str) -> Run:
        key = (command.name, token)
        if key not in self.runs:
            self.runs[key] = self._run(command, token)
        return self.runs[key]

    def _run(self, command: Command, token: str) -> Run:
        workdir = self.folder / f"{command.name.replace(' ', '_')}-{token}"
        workdir.mkdir()
        self.server.clear_requests()
        self.authorizer.clear()
        done = invoke_in_process([*command.args, "--kubeconfig", str(self.kubeconfigs[token])], workdir, cwd=workdir)
        user = TOKENS[token]
        requests = [r for r in self.server.requests if r.user == user]
        denied = self.authorizer.denials(user)
        denied_keys = {(d.path, d.verb) for d in denied}
        allowed = [a for a in (request_attributes(r.path, r.query) for r in requests)
                   if (a.path, a.verb) not in denied_keys]
        snapshot_file = workdir / "snapshot.json.gz"
        snapshot = json.loads(gzip.decompress(snapshot_file.read_bytes())) if snapshot_file.exists() else None
        return Run(done.code, done.stdout, done.stderr, allowed, denied, snapshot)


@pytest.fixture(scope="module")
def runner(roles: dict[str, list[dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    authorizer = RoleAuthorizer()
    authorizer.bind("admin", EVERYTHING)
    for printed in roles["plain"]:
        authorizer.bind("arch-reader", printed)
    for printed in roles["workloads"]:
        authorizer.bind("arch-workloads-reader", printed)
    authorizer.bind("version-only", role({"nonResourceURLs": ["/version"], "verbs": ["get"]}))
    with ApiServer(CLUSTER.store(), now=NOW, tokens=TOKENS, authorizer=authorizer) as server:
        yield Runner(server, authorizer, tmp_path_factory.mktemp("privilege"))


def _reader_token(command: Command) -> str:
    return "workloads-token" if command.workloads else "reader-token"


def test_the_printed_role_only_reads(roles: dict[str, list[dict[str, Any]]]) -> None:
    assert read_verbs(r for printed in roles.values() for r in printed) <= {"get", "list", "watch"}


def test_only_kube_system_reads_are_namespaced_and_only_named_subjects_are_bound(
        roles: dict[str, list[dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory) -> None:
    cluster, kube_system = roles["plain"]

    def grants(role: dict[str, Any]) -> set[tuple[str, str]]:
        """What the role grants on every object of a resource (rules limited by resourceNames left out)."""
        return {(resource, verb) for rule in role["rules"] if not rule.get("resourceNames")
                for resource in rule.get("resources", []) for verb in rule["verbs"]}

    # pods/proxy lets its holder GET any pod's HTTP endpoints: only in kube-system (etcd's metrics).
    assert ("pods/proxy", "get") in grants(kube_system) and ("pods/proxy", "get") not in grants(cluster)
    assert ("configmaps", "get") in grants(kube_system) and ("configmaps", "get") not in grants(cluster)
    # ConfigMaps elsewhere (leader-election locks an OpenShift component's flags move) only by the components' names.
    named = [rule for rule in cluster["rules"] if "configmaps" in rule.get("resources", [])]
    assert [rule.get("resourceNames") for rule in named] == [["kube-scheduler", "kube-controller-manager",
                                                              "cloud-controller-manager"]]
    home = tmp_path_factory.mktemp("rbac-bind")
    unbound = invoke_in_process(["rbac"], home).stdout
    assert "Binding" not in unbound.replace("# No binding", "") and "sre-readers" not in unbound
    bound = invoke_in_process(["rbac", "--bind-group", "platform", "--bind-serviceaccount", "ops/auditor"],
                              home).stdout
    import yaml

    kinds = [(d["kind"], d["metadata"].get("namespace")) for d in yaml.safe_load_all(bound) if d]
    assert kinds == [("ClusterRole", None), ("Role", "kube-system"), ("ClusterRoleBinding", None),
                     ("RoleBinding", "kube-system")]
    subjects = [d["subjects"] for d in yaml.safe_load_all(bound) if d and "subjects" in d]
    assert subjects[0] == subjects[1] == [
        {"kind": "Group", "name": "platform", "apiGroup": "rbac.authorization.k8s.io"},
        {"kind": "ServiceAccount", "name": "auditor", "namespace": "ops"}]


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_the_printed_role_is_enough_for_every_command(command: Command, runner: Runner) -> None:
    ours = runner.run(command, _reader_token(command))
    assert "Traceback" not in ours.stderr
    assert ours.code in (0, 1), ours.stderr
    assert [d.describe() for d in ours.denied] == [], "the role printed by `kubectl arch rbac` lacks these"
    assert "forbidden" not in (ours.stdout + ours.stderr).lower()
    admin = runner.run(command, "admin-token")
    assert ours.code == admin.code
    if ours.snapshot is not None and admin.snapshot is not None:
        assert sorted(ours.snapshot["responses"]) == sorted(admin.snapshot["responses"])
        assert [k for k, record in ours.snapshot["responses"].items() if record.get("status") == 403] == []
    else:
        assert ours.stdout == admin.stdout, "the least-privileged run saw another cluster:\n" + _diff(admin.stdout,
                                                                                                       ours.stdout)


def test_every_permission_in_the_role_is_used(roles: dict[str, list[dict[str, Any]]], runner: Runner) -> None:
    """'Exactly what the commands read': each (group, resource, verb) or URL of the role serves some request
    here, or is in CONDITIONAL with the situation that uses it."""
    used: set[tuple[str, str, str]] = set()
    for command in COMMANDS + EXTRA_READER_RUNS:
        for attributes in runner.run(command, _reader_token(command)).allowed:
            resource = f"{attributes.resource}/{attributes.subresource}" if attributes.subresource else \
                attributes.resource
            used.add((attributes.api_group, resource, attributes.verb) if attributes.resource_request
                     else ("url", attributes.path, attributes.verb))
    rules = [rule for printed in roles["workloads"] for rule in printed["rules"]]
    granted = {(group, resource, verb) for rule in rules for group in rule.get("apiGroups", [])
               for resource in rule.get("resources", []) for verb in rule["verbs"]}
    granted |= {("url", url, verb) for rule in rules for url in rule.get("nonResourceURLs", [])
                for verb in rule["verbs"]}
    unused = sorted(granted - used - set(CONDITIONAL))
    assert unused == [], f"the role grants what no command read here: {unused}"


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_an_identity_that_reads_only_version_gets_one_line_naming_the_permission(command: Command,
                                                                                 runner: Runner) -> None:
    """Every read but /version is forbidden: nothing of the cluster can be read, so every command stops with
    one line naming `kubectl arch rbac`, exit 3 (the cluster could not be read), and writes no snapshot. (A
    report of every check skipped exited 0, and passed an audit in CI.)"""
    run = runner.run(command, "version-token")
    assert "Traceback" not in run.stderr
    assert run.denied, "nothing was denied: the command read nothing at all"
    assert run.code == 3, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "HTTP 403" in lines[0] and "kubectl arch rbac" in lines[0], run.stderr
    assert run.snapshot is None


def _diff(expected: str, actual: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "admin", "least-privilege"))
