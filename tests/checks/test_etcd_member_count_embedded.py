"""etcd-member-count on k3s with embedded etcd (--cluster-init): etcd runs inside each server's k3s process, so
its members are the nodes with k3s's etcd role, as the fact base and control-plane-replicas count them; no etcd
pod and no --etcd-servers flag exists to find them by, and that is no reason to skip."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from tests.checks.one_check import check_findings
from tests.explain.fixtures import the

ETCD_ROLE = "node-role.kubernetes.io/etcd"


def _findings(edit: Callable[[ApiStore], None]) -> list[Any]:
    sample = load_sample("k3s")
    edit(sample.store)
    return check_findings("etcd-member-count", SampleSource(sample))


def _cluster_init(store: ApiStore) -> None:
    the(store, "Node", "k3s-server")["metadata"]["labels"][ETCD_ROLE] = "true"


def _three_servers(store: ApiStore, ready: int = 3) -> None:
    """Three k3s servers with embedded etcd, copies of the sample's one server, the first ``ready`` of them Ready."""
    server = the(store, "Node", "k3s-server")
    server["metadata"]["labels"][ETCD_ROLE] = "true"
    for index in (2, 3):
        other = copy.deepcopy(server)
        other["metadata"]["name"] = other["metadata"]["labels"]["kubernetes.io/hostname"] = f"k3s-server-{index}"
        if index > ready:
            for condition in other["status"]["conditions"]:
                if condition["type"] == "Ready":
                    condition["status"] = "Unknown"
        store.add_all([other])


def test_one_embedded_member_is_counted_and_fails() -> None:
    [finding] = _findings(_cluster_init)
    assert finding.status.value == "fail", finding.message
    assert finding.message == "1 member: quorum 1, tolerates 0 failures: losing any member stops the cluster"
    assert finding.evidence["mode"] == "embedded" and finding.evidence["nodes"] == ["k3s-server"]
    assert "kube-system" not in finding.message and "etcd-<node>" not in (finding.fix or "")


def test_three_embedded_members_pass_and_a_lost_quorum_fails() -> None:
    [finding] = _findings(_three_servers)
    assert finding.status.value == "pass", finding.message
    assert finding.message == "3 members: quorum 2, tolerates 1 failure"
    [lost] = _findings(lambda store: _three_servers(store, ready=1))
    assert lost.status.value == "fail" and lost.message.startswith("only 1 of 3 etcd members ready"), lost.message


def test_etcd_health_skips_on_embedded_etcd_say_how_to_reach_it() -> None:
    """No pod proxies to k3s's embedded etcd: the skip names the client URL and k3s's certificate files."""
    sample = load_sample("k3s")
    _cluster_init(sample.store)
    [finding] = check_findings("etcd-leader", SampleSource(sample))
    assert finding.status.value == "skip"
    assert "`--etcd-endpoints https://<server>:2379" in finding.message, finding.message
    assert "--etcd-cacert /var/lib/rancher/k3s/server/tls/etcd/server-ca.crt" in finding.message, finding.message
