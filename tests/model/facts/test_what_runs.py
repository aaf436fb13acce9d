"""What runs is counted: on every bundled sample, a node agent whose pods run Ready in kube-system is never
reported as not running (READY 0, health none, "does not run in this cluster").

GKE without Dataplane V2 runs kube-proxy as a static pod on every node beside a kube-proxy DaemonSet that
selects no node; RKE2 runs it as static pods with no DaemonSet at all; everywhere else a DaemonSet runs it.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_arch.collect.sample_source import sample_names
from tests.model.facts.conftest import command_json, every_command
from tests.samples.conftest import sample_files


def _ready(pod: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _kube_proxy_pods(sample: str) -> list[dict[str, Any]]:
    out = []
    for pod in sample_files(sample).of_kind("Pod"):
        meta = pod["metadata"]
        static = "kubernetes.io/config.mirror" in (meta.get("annotations") or {})
        if meta.get("namespace") == "kube-system" and (
                (meta.get("labels") or {}).get("k8s-app") == "kube-proxy"
                or (static and meta["name"].startswith("kube-proxy-"))):
            out.append(pod)
    return out


@pytest.mark.parametrize("sample", sample_names())
def test_kube_proxy_pods_that_run_ready_are_counted_ready_in_every_command(sample: str) -> None:
    running = [pod for pod in _kube_proxy_pods(sample) if _ready(pod)]
    if not running:
        return
    explain = every_command(sample)["explain"]
    [view] = [c for c in explain["components"] if c["name"] == "kube-proxy"]
    assert view["ready"] >= len(running) and view["health"] != "none", (sample, view["ready"], view["health"])
    _, page = command_json(sample, "explain", "kube-proxy")
    assert "does not run in this cluster" not in str(page), sample


@pytest.mark.parametrize("sample", sample_names())
def test_a_cluster_whose_nodes_are_all_ready_is_never_told_its_pods_may_get_no_network(sample: str) -> None:
    """A kubelet reports Ready only once its runtime says the network plugin is ready (NetworkPluginNotReady
    otherwise): Ready nodes have a CNI configuration, whether or not a DaemonSet shows it."""
    nodes = sample_files(sample).of_kind("Node")
    if not nodes or not all(_ready(node) for node in nodes):
        return
    explain = every_command(sample)["explain"]
    [cni] = [c for c in explain["components"] if c["name"] == "cni"]
    assert "may get no network" not in " ".join(cni.get("notes") or []), (sample, cni)


@pytest.mark.parametrize("sample", sample_names())
def test_the_dns_page_sends_the_reader_to_the_configmap_of_the_dns_server_that_runs(sample: str) -> None:
    """CoreDNS reads ConfigMap coredns (its Corefile); kube-dns reads ConfigMap kube-dns (stubDomains,
    upstreamNameservers): GKE runs kube-dns, and has no coredns ConfigMap to read."""
    explain = every_command(sample)["explain"]
    kind = explain["facts"]["dns"]["kind"]
    _, page = command_json(sample, "explain", "dns")
    commands = " ".join(str(c) for c in page.get("commands") or [])
    if kind == "kube-dns":
        assert "get cm coredns" not in commands and "get cm kube-dns" in commands, (sample, commands)


@pytest.mark.parametrize("sample", sample_names())
def test_the_dns_replica_fix_names_the_deployment_that_runs_and_its_autoscaler(sample: str) -> None:
    """The fix scales the DNS Deployment the cluster runs (kube-dns on GKE, coredns elsewhere); where a
    cluster-proportional-autoscaler (<name>-autoscaler) sets its replicas, a hand-made `kubectl scale` is undone
    at its next poll, so the fix changes the autoscaler's parameters instead."""
    _, audit = command_json(sample, "audit", "--check", "coredns-replicas")
    deployments = {d["metadata"]["name"] for d in sample_files(sample).of_kind("Deployment")
                   if d["metadata"].get("namespace") == "kube-system"}
    workload = audit["facts"]["dns"]["workload"] or {}
    if workload.get("kind") != "Deployment":
        return
    name = workload["name"]
    for finding in audit["findings"]:
        fix = finding["remediation"]
        if "scale deployment" in fix:
            assert f"scale deployment {name} " in fix, (sample, fix)
        if f"{name}-autoscaler" in deployments:
            assert "scale deployment" not in fix and f"configmap {name}-autoscaler" in fix, (sample, fix)
