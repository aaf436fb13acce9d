"""One truth per cluster: no two commands' JSON disagree on the fact base, on any bundled sample.

Every command embeds the same ``facts`` block, and what each command says elsewhere in its JSON
(explain's components and etcd summary, audit's evidence) must agree with it.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_arch.collect.sample_source import sample_names
from tests.model.facts.conftest import every_command

SAMPLES = sample_names()


@pytest.mark.parametrize("sample", SAMPLES)
def test_no_two_commands_disagree_on_the_facts(sample: str) -> None:
    documents = every_command(sample)
    facts = {name: document["facts"] for name, document in documents.items()}
    reference = facts["explain"]
    assert reference["datastore"]["kind"] and reference["components"]
    for name, block in facts.items():
        assert block == reference, f"{name} disagrees with explain on {sample}: " + _first_difference(reference, block)


@pytest.mark.parametrize("sample", SAMPLES)
def test_explain_views_agree_with_the_facts(sample: str) -> None:
    explain = every_command(sample)["explain"]
    facts = explain["facts"]
    for component in explain["components"]:
        fact = facts["components"].get(component["name"])
        if fact is None:
            continue
        assert (component["replicas"], component["ready"], component["health"]) == \
            (fact["replicas"], fact["ready"], fact["health"]), component["name"]
    store = facts["datastore"]
    assert explain["etcd"]["members"] == store["members"] and explain["etcd"]["quorum"] == store["quorum"]
    assert explain["kubeProxy"]["mode"] == facts["serviceProxy"]["mode"]
    cni = next(c for c in explain["components"] if c["name"] == "cni")
    assert cni["kind"] == facts["cni"]["kind"]
    if facts["cni"]["workload"]:
        assert (cni["replicas"], cni["ready"]) == (facts["cni"]["desired"], facts["cni"]["ready"])
    assert explain["cluster"]["readyz"]["ok"] == facts["health"]["readyz"]["ok"]


@pytest.mark.parametrize("sample", SAMPLES)
def test_audit_findings_agree_with_the_facts(sample: str) -> None:
    audit = every_command(sample)["audit"]
    facts = audit["facts"]
    by_check: dict[str, list[dict[str, Any]]] = {}
    for finding in audit["findings"]:
        by_check.setdefault(finding["check"], []).append(finding)
    store = facts["datastore"]
    for finding in by_check.get("etcd-db-size", []):
        if finding["status"] == "skip":
            continue
        evidence = finding["evidence"]
        assert store["kind"] not in ("kine-sqlite", "kine-external"), "an etcd size on a cluster without etcd"
        if not evidence.get("metric", "").startswith("etcd_"):  # the API server's view: the fact base's quota
            assert evidence["quotaBytes"] == store["quotaBytes"]
    for finding in by_check.get("kube-proxy-mode", []):
        assert finding["evidence"]["mode"] == facts["serviceProxy"]["mode"]
    for finding in by_check.get("coredns-replicas", []):
        if "ready" in finding["evidence"]:
            assert finding["evidence"]["ready"] == facts["dns"]["ready"]
    for finding in by_check.get("etcd-member-count", []):
        if "members" in finding["evidence"] and store["members"] is not None:
            assert finding["evidence"]["members"] == store["members"]
    for finding in by_check.get("leader-election", []):
        component = (finding["object"] or "").split("/")[-1]
        election = facts["leaderElection"].get(component)
        if election and finding["evidence"].get("holder"):
            assert finding["evidence"]["holder"] == election["holder"]


def _first_difference(expected: Any, got: Any, path: str = "") -> str:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            if expected.get(key) != got.get(key):
                return _first_difference(expected.get(key), got.get(key), f"{path}.{key}")
    return f"{path or '.'}: {expected!r} != {got!r}"
