"""Every figure a metrics check reports names its basis (window, lifetime or current value), on every
bundled sample and every fixture; recorded second scrapes of any shape never crash the reading."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.command import window_options
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_audit, run_check
from kubectl_arch.cli.options import ClusterOptions
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.collect.source import Credentials, Response
from kubectl_arch.collect.window import second_read
from kubectl_arch.model.window import CURRENT, LIFETIME, WINDOW

METRIC_CHECKS = ("etcd-disk-latency", "apiserver-overload", "etcd-leader", "etcd-leader-changes", "etcd-proposals",
                 "etcd-peer-latency", "etcd-slow-requests", "etcd-heartbeat-failures", "etcd-fragmentation",
                 "etcd-version-agreement", "scheduler-latency", "controller-workqueues")


def assert_basis_named(finding: Finding) -> None:
    if finding.status == Status.SKIP or "secondScrape" in finding.evidence:
        return  # nothing judged (a skip with its reason, or a member gone mid-window): no figure to date
    basis = finding.evidence.get("basis")
    assert isinstance(basis, dict), f"{finding.check}: {finding.message}"
    assert basis["kind"] in (WINDOW, LIFETIME, CURRENT)
    assert basis["description"]
    if basis["kind"] != CURRENT:
        assert basis["description"] in finding.message, finding.message


@pytest.mark.parametrize("name", sample_names())
def test_every_metric_finding_on_every_sample_names_its_basis(name: str) -> None:
    checks = [catalogue()[check_id] for check_id in METRIC_CHECKS]
    options = window_options("10s", ClusterOptions(sample=name))
    report = run_audit(SampleSource.named(name), checks, AuditConfig(), options)
    for result in report.results:
        for finding in result.findings:
            assert_basis_named(finding)
            if finding.status == Status.SKIP:
                assert finding.message.strip()


@pytest.mark.parametrize("check_id", METRIC_CHECKS)
def test_every_metric_finding_in_every_fixture_names_its_basis(check_id: str) -> None:
    check = catalogue()[check_id]
    for path in check.fixtures:
        fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
        for finding in run_check(check, fixture.data, AuditConfig().thresholds_for(check.meta) | fixture.thresholds):
            assert_basis_named(finding)


junk = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(record=junk, answer=junk, elapsed=junk)
def test_a_recorded_second_scrape_of_any_shape_is_read_or_refused_never_crashes(record: Any, answer: Any,
                                                                                 elapsed: Any) -> None:
    import datetime as dt

    data = ClusterData("test", dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc), Credentials())
    shaped = record if not isinstance(record, dict) else {**record, "answer": answer, "elapsedSeconds": elapsed}
    data.responses["apiserver-metrics-later"] = Response(status=200, data=shaped)
    second = second_read(data, "apiserver-metrics")
    assert (second.response is None) == bool(second.why_not)
