"""What the end-to-end suite expects of explain, audit and trace JSON, as plain functions of that JSON.

Kept apart from the tests that build clusters so the same expectations also run, on every commit,
against the bundled kind-ha sample served by the test API server (tests/lab/test_e2e_contract.py):
an expectation that is wrong fails there first, not only on a machine with Docker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# The control-plane checks a healthy HA cluster must pass (issue 4's ids). etcd-disk-latency is left
# out on purpose: it measures the CI machine's disk, not the cluster's design.
CONTROL_PLANE_CHECKS = ("control-plane-replicas", "etcd-member-count", "leader-election", "apiserver-health")
# Every stage of a pod owned by a Deployment and selected by a Service, in order (issue 5).
DEPLOYMENT_POD_STAGES = ("submitted", "controller", "persisted", "scheduled", "sandbox-ready", "init-containers",
                         "images-pulled", "containers-started", "ready", "endpoints-published")


@dataclass(frozen=True)
class Expected:
    """The shape a topology builds: API servers (= etcd members, stacked), workers, kube-proxy mode."""

    control_planes: int
    workers: int
    proxy_mode: str


# kind's default kube-proxy mode is iptables; the nftables lab sets it in its config.
TOPOLOGY_SHAPES = {
    "single": Expected(control_planes=1, workers=0, proxy_mode="iptables"),
    "ha": Expected(control_planes=3, workers=3, proxy_mode="iptables"),
    "ipvs": Expected(control_planes=1, workers=2, proxy_mode="ipvs"),
    "nftables": Expected(control_planes=1, workers=2, proxy_mode="nftables"),
}


def component(explain: dict[str, Any], name: str) -> dict[str, Any]:
    """One entry of explain's ``components`` by name; the failure lists the names that are there."""
    found = [c for c in explain.get("components") or [] if c.get("name") == name]
    assert len(found) == 1, f"expected one component {name!r}, got {[c.get('name') for c in explain['components']]}"
    return found[0]


def assert_topology(explain: dict[str, Any], expected: Expected) -> None:
    """explain -o json shows the cluster kind built: its API servers, etcd members, nodes and proxy mode."""
    assert explain["cluster"]["distribution"] == "kind"
    assert str(explain["cluster"]["version"]).startswith("v1.")
    for name in ("kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager"):
        entry = component(explain, name)
        assert entry["managed"] is False, f"{name}: kind's control plane is visible, not managed"
        assert entry["replicas"] == expected.control_planes, f"{name}: {entry['replicas']} replicas"
        assert len(entry["instances"]) == expected.control_planes
        assert all(instance["ready"] for instance in entry["instances"]), f"{name}: not every instance is ready"
    etcd_nodes = {instance["node"] for instance in component(explain, "etcd")["instances"]}
    assert len(etcd_nodes) == expected.control_planes, "stacked etcd: one member per control-plane node"
    nodes = explain["nodes"]
    control_plane_nodes = [n for n in nodes if "control-plane" in n["roles"]]
    assert len(control_plane_nodes) == expected.control_planes
    assert {n["name"] for n in control_plane_nodes} == etcd_nodes
    assert len(nodes) - len(control_plane_nodes) == expected.workers
    assert all(n["ready"] for n in nodes), [n["name"] for n in nodes if not n["ready"]]
    assert all(str(n["containerRuntime"]).startswith("containerd://") for n in nodes)
    assert explain["kubeProxy"]["mode"] == expected.proxy_mode


def leader_nodes(explain: dict[str, Any]) -> dict[str, list[str]]:
    """The nodes whose scheduler / controller manager holds its Lease: one each on a healthy cluster."""
    return {name: [i["node"] for i in component(explain, name)["instances"] if i["leader"]]
            for name in ("kube-scheduler", "kube-controller-manager")}


def statuses(audit: dict[str, Any], check_ids: tuple[str, ...]) -> dict[str, set[str]]:
    """The statuses each named check reported in audit -o json (a check may report one finding per object)."""
    found: dict[str, set[str]] = {check: set() for check in check_ids}
    for finding in audit["findings"]:
        if finding["check"] in found:
            found[finding["check"]].add(finding["status"])
    return found


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def stages(trace: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """trace -o json's stages by name, in their order."""
    return {stage["name"]: stage for stage in trace["stages"]}


def assert_pod_fully_traced(trace: dict[str, Any]) -> None:
    """A Deployment's Ready pod behind a Service: every stage done, nothing stuck."""
    by_name = stages(trace)
    assert tuple(by_name) == DEPLOYMENT_POD_STAGES
    not_done = {name: stage["status"] for name, stage in by_name.items() if stage["status"] != "done"}
    assert not not_done, f"stages not done: {not_done}"
    assert trace["stuck"] is None
    starts = [stage["start"] for stage in trace["stages"] if stage["start"]]
    assert [_when(s) for s in starts] == sorted(_when(s) for s in starts), "a step starts before the one above it"
    assert trace["pod"]["phase"] == "Running"
    assert [owner["kind"] for owner in trace["owners"]] == ["ReplicaSet", "Deployment"]


def assert_stuck_pulling_image(trace: dict[str, Any]) -> None:
    """A pod whose image does not exist: scheduled and sandboxed, then stuck at images-pulled."""
    assert trace["stuck"] is not None, "a pod that cannot pull its image must be reported stuck"
    assert trace["stuck"]["stage"] == "images-pulled"
    assert trace["stuck"]["reason"] in ("ErrImagePull", "ImagePullBackOff"), trace["stuck"]
    assert trace["stuck"]["next"], "a stuck pod comes with the next commands to run"
    by_name = stages(trace)
    for earlier in ("scheduled", "sandbox-ready"):
        assert by_name[earlier]["status"] == "done", (earlier, by_name[earlier]["status"])
    assert by_name["images-pulled"]["status"] in ("failed", "in-progress")
    assert all(by_name[later]["status"] == "not-reached" for later in ("containers-started", "ready"))


def stable_explain_facts(explain: dict[str, Any]) -> dict[str, Any]:
    """The facts of explain -o json that cannot change between two reads seconds apart.

    A live run and a replay of a snapshot taken a moment later are two reads of a cluster whose Leases
    renew every few seconds, so renew ages legitimately differ; what the cluster *is* must not.
    """
    return {
        "cluster": {k: explain["cluster"].get(k) for k in ("version", "distribution", "server")},
        "components": sorted(
            (c["name"], c["replicas"], c["managed"],
             tuple(sorted((i.get("node") or "", i.get("pod") or "", i.get("version") or "") for i in c["instances"])))
            for c in explain["components"]
        ),
        "nodes": sorted((n["name"], tuple(n["roles"]), n["kubeletVersion"], n["containerRuntime"])
                        for n in explain["nodes"]),
        "kubeProxy": explain["kubeProxy"],
    }
