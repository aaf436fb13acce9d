"""The audit against a live cluster: the real kubernetes client over HTTPS to the test API server.

It must give the same results as the sample offline, send only GETs, stay within the ClusterRole that
`kubectl arch rbac` prints, skip (not fail) on a 403, and report clusters it cannot reach with exit 3.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from kubectl_arch.rbac.role import roles
from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig

Run = Callable[..., Any]
TOPOLOGY_CHECKS = ("control-plane-replicas", "etcd-member-count", "leader-election", "apiserver-health",
                   "kube-proxy-mode", "node-readiness", "kubelet-version-skew", "control-plane-version-skew",
                   "apiserver-overload")


def _statuses(out: str) -> dict[str, str]:
    return {c["check"]: c["status"] for c in json.loads(out)["checks"]}


def _topology_args() -> list[str]:
    return [f"--check={check_id}" for check_id in TOPOLOGY_CHECKS]


def allowed(documents: list[dict[str, Any]], path: str, query: Mapping[str, str]) -> bool:
    """Whether the printed ClusterRole and Roles (each in its namespace) allow this GET."""
    from tests.rbac.rbac import RoleAuthorizer

    authorizer = RoleAuthorizer()
    for document in documents:
        authorizer.bind("reader", document)
    return authorizer("reader", path, query)


def test_live_audit_matches_the_sample_and_stays_read_only(api_server: Any, kubeconfig_for: Any, run_cli: Run) -> None:
    server = api_server("kind-ha")
    kubeconfig = kubeconfig_for(server)
    code, live, err = run_cli(["audit", "--kubeconfig", str(kubeconfig), "-o", "json", *_topology_args()])
    assert code == 0, err
    offline = run_cli(["audit", "--sample", "kind-ha", "-o", "json", *_topology_args()])
    assert _statuses(live) == _statuses(offline.stdout)
    assert json.loads(live)["cluster"]["server"] == server.url
    assert server.requests and all(r.method == "GET" for r in server.requests)
    documents = roles("reader")
    outside = [r.path for r in server.requests if not allowed(documents, r.path, r.query)]
    assert not outside, f"requests the `kubectl arch rbac` role would forbid: {outside}"


def test_the_whole_catalogue_stays_within_the_role(api_server: Any, kubeconfig_for: Any, run_cli: Run) -> None:
    server = api_server("kind-ha")
    code, _, err = run_cli(["audit", "--kubeconfig", str(kubeconfig_for(server)), "--include-workloads", "-o", "json"])
    assert code in (0, 1), err
    documents = roles("reader", include_workloads=True)
    outside = sorted({r.path for r in server.requests if not allowed(documents, r.path, r.query)})
    assert not outside, f"requests the `kubectl arch rbac --include-workloads` role would forbid: {outside}"
    # A ClusterRole's pod rule already spans namespaces; what --include-workloads adds is listing ConfigMaps.
    assert allowed(documents, "/api/v1/configmaps", {"limit": "100"})
    assert not allowed(roles("reader"), "/api/v1/configmaps", {"limit": "100"})


def test_a_403_live_skips_the_check_with_the_permission(api_server: Any, kubeconfig_for: Any, run_cli: Run) -> None:
    def no_leases(_user: str, path: str, _query: Mapping[str, str]) -> bool:
        return not path.startswith("/apis/coordination.k8s.io/")

    server = api_server("kind-ha", authorizer=no_leases)
    code, out, err = run_cli(["audit", "--kubeconfig", str(kubeconfig_for(server)), "-o", "json",
                              "--check", "leader-election", "--check", "node-readiness"])
    assert code == 0, err
    report = json.loads(out)
    assert _statuses(out) == {"leader-election": "skip", "node-readiness": "pass"}
    skipped = next(f for f in report["findings"] if f["check"] == "leader-election")
    assert "HTTP 403" in skipped["message"] and "leases in kube-system" in skipped["message"]


def test_several_contexts_are_reported_per_cluster(api_server: Any, run_cli: Run, tmp_path: Path) -> None:
    server = api_server("kind-ha")
    document = kubeconfig_dict(server.url, server.ca_pem, context="kind")
    document["clusters"].append({"name": "gone", "cluster": {"server": "https://127.0.0.1:9"}})
    document["contexts"].append({"name": "gone", "context": {"cluster": "gone", "user": "test-user"}})
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", document)
    args = ["audit", "--kubeconfig", str(kubeconfig), "--request-timeout", "5s", "-o", "json", *_topology_args()]
    code, out, err = run_cli([*args, "--context", "kind", "--context", "gone"])
    assert code == 3, err
    clusters = json.loads(out)["clusters"]
    assert [c["cluster"]["context"] for c in clusters] == ["kind", "gone"]
    assert clusters[0]["error"] is None and clusters[0]["summary"]["fail"] == 0
    assert clusters[1]["error"] and not clusters[1]["findings"]
    # Not read is not clean: no zeros for it, and the total says how many clusters it leaves out.
    assert clusters[1]["summary"] is None and json.loads(out)["unreadClusters"] == 1
    assert json.loads(out)["summary"] == clusters[0]["summary"]
    code, out, _ = run_cli([*args, "--all-contexts", "-o", "yaml"])
    assert code == 3 and [c["cluster"]["context"] for c in yaml.safe_load(out)["clusters"]] == ["kind", "gone"]


def _contexts(api_server: Any, tmp_path: Path, names: tuple[str, ...], trusted: bool = True) -> Path:
    """A kubeconfig with one context (and server serving kind-ha) per name; without ``trusted``, no CA."""
    document: dict[str, Any] = {}
    for name in names:
        server = api_server("kind-ha")
        one = kubeconfig_dict(server.url, server.ca_pem if trusted else None, context=name, cluster=name)
        if document:
            document["clusters"] += one["clusters"]
            document["contexts"] += one["contexts"]
        else:
            document = one
    document["clusters"].append({"name": "gone", "cluster": {"server": "https://127.0.0.1:9"}})
    document["contexts"].append({"name": "gone", "context": {"cluster": "gone", "user": "test-user"}})
    return write_kubeconfig(tmp_path / "kubeconfig", document)


def test_all_contexts_in_worker_processes_report_as_threads_do(api_server: Any, run_cli: Run,
                                                                 run_console_script: Run, tmp_path: Path) -> None:
    """The console script forks (a fresh process has no other thread); in this process, pytest's threads keep
    every cluster in threads. Both give the same bytes and exit code, an unreachable context included."""
    kubeconfig = _contexts(api_server, tmp_path, ("a", "b", "c"))
    args = ["audit", "--kubeconfig", str(kubeconfig), "--request-timeout", "5s", "--window", "0", "-o", "json",
            "--all-contexts", *_topology_args()]
    forked, threaded = run_console_script(args), run_cli(args)
    assert forked.code == threaded.code == 3, forked.stderr
    assert forked.stdout == threaded.stdout
    assert [c["cluster"]["context"] for c in json.loads(forked.stdout)["clusters"]] == ["a", "b", "c", "gone"]


def test_unchecked_certificates_of_several_contexts_are_one_warning(api_server: Any, run_cli: Run,
                                                                    run_console_script: Run, tmp_path: Path) -> None:
    """One line for the run, naming the first context's server, whichever process or thread opened it first."""
    kubeconfig = _contexts(api_server, tmp_path, ("a", "b", "c", "d"), trusted=False)
    args = ["audit", "--kubeconfig", str(kubeconfig), "--request-timeout", "5s", "--window", "0", "-o", "name",
            "--all-contexts", "--insecure-skip-tls-verify", *_topology_args()]
    first = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    for result in (run_console_script(args), run_cli(args)):
        assert result.code == 3, result.stderr
        assert result.stderr.strip().splitlines() == [
            f"warning: the certificate of {first} is not checked (insecure-skip-tls-verify)"]


def test_an_unreachable_cluster_is_exit_3_in_one_line(run_cli: Run, tmp_path: Path) -> None:
    document = kubeconfig_dict("https://127.0.0.1:9", None, context="gone")
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", document)
    code, out, err = run_cli(["audit", "--kubeconfig", str(kubeconfig), "--request-timeout", "5s"])
    assert code == 3 and not out
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
