"""control-plane-version-skew on k3s: one binary per server runs its API server, scheduler and controller manager,
so one server has nothing to compare, but several servers mid-upgrade (k3s upgrades them one at a time) can run
API servers minor releases apart. Each server node's kubelet version is its k3s binary's: that is what is judged,
never a skip saying the components share one version."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from kubectl_arch.collect.sample_source import SampleSource, load_sample
from tests.checks.one_check import check_findings
from tests.explain.fixtures import the

CHECK = "control-plane-version-skew"


def _findings(versions: Sequence[str]) -> list[Any]:
    """The check on the k3s sample with one server per version (the sample's server first, then copies)."""
    sample = load_sample("k3s")
    server = the(sample.store, "Node", "k3s-server")
    server["status"]["nodeInfo"]["kubeletVersion"] = versions[0]
    for index, version in enumerate(versions[1:], start=2):
        other = copy.deepcopy(server)
        other["metadata"]["name"] = other["metadata"]["labels"]["kubernetes.io/hostname"] = f"k3s-server-{index}"
        other["status"]["nodeInfo"]["kubeletVersion"] = version
        sample.store.add_all([other])
    return check_findings(CHECK, SampleSource(sample))


def test_one_server_has_nothing_to_compare() -> None:
    [finding] = _findings(["v1.31.4+k3s1"])
    assert finding.status.value == "skip" and "no other server to compare" in finding.message, finding.message


def test_servers_two_minor_releases_apart_fail() -> None:
    findings = _findings(["v1.31.4+k3s1", "v1.31.4+k3s1", "v1.29.9+k3s1"])
    assert [f.status.value for f in findings] == ["fail"], [f.message for f in findings]
    assert "v1.29.9+k3s1 to v1.31.4+k3s1" in findings[0].message
    assert "upgrade k3s on each server" in (findings[0].fix or "")


def test_servers_one_minor_apart_warn_and_agreeing_servers_pass() -> None:
    [mixed] = _findings(["v1.31.4+k3s1", "v1.30.8+k3s1", "v1.31.4+k3s1"])
    assert mixed.status.value == "warn", mixed.message
    [agreeing] = _findings(["v1.31.4+k3s1"] * 3)
    assert agreeing.status.value == "pass", agreeing.message
    assert "3 k3s servers" in agreeing.message and "v1.31" in agreeing.message
