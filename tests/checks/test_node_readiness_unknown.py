"""A node whose kubelet stopped reporting has Unknown pressures, not none: the node controller set every
condition Unknown, so nothing said about them may read as a clean bill (evidence, explain's JSON, the pass)."""

from __future__ import annotations

import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.report.evidence import evidence_line
from kubectl_arch.audit.runner import run_check
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.explain.render.document import node_data
from kubectl_arch.model.nodes import READS, node_infos

CHECK = catalogue()["node-readiness"]


def findings(fixture_name: str) -> list:  # type: ignore[type-arg]
    path = next(p for p in CHECK.fixtures if p.name == fixture_name)
    fixture = load_fixture(path, (*CHECK.meta.needs, *CHECK.meta.optional_needs))
    return run_check(CHECK, fixture.data, AuditConfig().thresholds_for(CHECK.meta) | fixture.thresholds)


def test_a_silent_kubelets_pressures_are_unknown_not_none() -> None:
    (finding,) = findings("fail-kubelet-stopped-posting.yaml")
    assert finding.evidence["pressures"] is None
    assert finding.evidence["unknownConditions"] == ("MemoryPressure", "DiskPressure", "PIDPressure")
    assert "pressures: none" not in evidence_line(finding.evidence)


def test_a_node_that_posts_no_pressure_condition_is_named_in_the_pass() -> None:
    (finding,) = findings("pass-virtual-kubelet-posts-ready-only.yaml")
    assert finding.status.value == "pass"
    assert "1 node does not report pressure conditions: virtual-node-aci-linux" in finding.message
    assert finding.evidence["noPressureConditions"] == ["virtual-node-aci-linux"]
    (plain,) = findings("pass-all-ready.yaml")
    assert plain.message == "all 3 nodes Ready, no pressure" and "noPressureConditions" not in plain.evidence


@pytest.mark.parametrize("name", sample_names())
def test_no_sample_node_with_unknown_conditions_reports_an_empty_pressure_list(name: str) -> None:
    data = collect(SampleSource.named(name), READS)
    for node in node_infos(data):
        document = node_data(node)
        if node.ready_status == "Unknown" or node.unknown_pressures:
            assert document["pressure"] is None, node.name
        else:
            assert document["pressure"] == node.pressures, node.name
