"""Metrics as they may come from a broken or hostile exporter, and second reads that fail.

Every metric check on every one of its fixtures, with every sample value in every scrape (first and
second) replaced by NaN, an infinity, a negative or a huge number and every label value by hostile text,
must still give findings, never an ``error``. A source that answers the first scrape and fails the second
is named as a failed read and its older scrape is never judged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.metric_readings import apiserver_reading
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import evaluate_checks, need_names, run_check
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource
from kubectl_arch.collect.source import Credentials, Query, Response
from kubectl_arch.collect.window import later_name
from kubectl_arch.model.metrics import APISERVER_FAMILIES, sample_names
from kubectl_arch.model.window import Reading
from tests.checks.test_basis_everywhere import METRIC_CHECKS

SAMPLE_LINE = re.compile(r"^(?P<name>[A-Za-z_:][\w:]*)(?P<labels>\{[^}]*\})? (?P<value>\S+)(?P<rest>.*)$", re.M)
LABEL = re.compile(r'(?P<key>\w+)="(?P<value>[^"]*)"')
KEPT_LABELS = ("le", "quantile")  # what makes a histogram a histogram: spoiling those is another test's job
HOSTILE_LABEL = "\x1b[2J<b>[bold]x"
JUNK = ("NaN", "+Inf", "-Inf", "-1", "1e308")
NOT_A_NUMBER_WORD = re.compile(r"\b(nan|inf|-inf)\b", re.I)


def spoil(text: str, value: str) -> str:
    """Every sample of a metrics text set to ``value``, every label value but the bucket bounds made hostile."""
    def label(match: re.Match[str]) -> str:
        kept = match["key"] in KEPT_LABELS
        return match.group(0) if kept else f'{match["key"]}="{match["value"]}{HOSTILE_LABEL}"'

    def line(match: re.Match[str]) -> str:
        return f"{match['name']}{LABEL.sub(label, match['labels'] or '')} {value}{match['rest']}"

    return SAMPLE_LINE.sub(line, text)


def spoiled(record: Any, value: str) -> Any:
    """A response record with every metrics text in it (scrapes, second reads) spoiled."""
    if isinstance(record, dict):
        return {k: spoil(v, value) if k == "text" and isinstance(v, str) else spoiled(v, value)
                for k, v in record.items()}
    if isinstance(record, list):
        return [spoiled(v, value) for v in record]
    return record


def fixture_cases() -> Iterator[Any]:
    for check_id in METRIC_CHECKS:
        for path in catalogue()[check_id].fixtures:
            yield pytest.param(check_id, path, id=f"{path.parent.parent.name}/{path.stem}")


@pytest.mark.parametrize(("check_id", "path"), list(fixture_cases()))
def test_junk_metric_values_never_make_a_check_fail_itself(check_id: str, path: Any) -> None:
    check = catalogue()[check_id]
    fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
    records = {name: response.to_record() for name, response in fixture.data.responses.items()}
    thresholds = AuditConfig().thresholds_for(check.meta) | fixture.thresholds
    for value in JUNK:
        data = fixture.data
        data.derived.clear()  # parsed readings are memoized per data: each value is parsed afresh
        data.responses = {name: Response.from_record(spoiled(record, value)) for name, record in records.items()}
        findings = run_check(check, data, thresholds)
        assert findings, value
        assert all(f.status is not Status.ERROR for f in findings), (value, [f.message for f in findings])
        printed = [f.message.replace("(NaN or Inf)", "") for f in findings]  # naming junk is fine, printing it is not
        assert not any(NOT_A_NUMBER_WORD.search(m) for m in printed), (value, printed)


class SecondReadFails(SampleSource):
    """A sample whose API server answers /metrics once, then fails it (a 503 after retries)."""

    def __init__(self, name: str) -> None:
        super().__init__(SampleSource.named(name).sample)
        self.metrics_reads = 0

    def get(self, path: str, query: Query | None = None) -> Response:
        if path == "/metrics":
            self.metrics_reads += 1
            if self.metrics_reads > 1:
                return Response(status=503, error="the server is currently unable to handle the request")
        return super().get(path, query)


def test_a_failed_second_read_is_named_and_its_source_never_judged_from_the_first() -> None:
    source = SecondReadFails("kubeadm-degraded")
    checks = [catalogue()["etcd-disk-latency"]]
    options = {"window": 0.05}
    data = collect(source, need_names(checks, options), options=options)
    assert source.metrics_reads == 2
    assert later_name("apiserver-metrics") in data.unread_needs(), data.unread_needs()
    report = evaluate_checks(data, checks, AuditConfig())
    [result] = report.results
    assert result.status is Status.SKIP
    assert any("answered at the start of the window but not at its end" in f.message and "unable to handle" in f.message
               for f in result.findings), [f.message for f in result.findings]
    assert later_name("apiserver-metrics") in report.unread


def test_no_window_asks_for_nothing_and_names_no_failed_read() -> None:
    data = ClusterData("test", dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc), Credentials())
    checks = [catalogue()[check_id] for check_id in METRIC_CHECKS]
    assert not [n for n in need_names(checks, {"window": 0}) if n.endswith("-later")]
    assert data.unread_needs() == {}
    with_window = collect(SampleSource.named("eks"), need_names(checks, {"window": 0.01}), options={"window": 0.01})
    # Nothing to read a second time (no --etcd-endpoints, no etcd pods, the sample's EKS reads) is no failure.
    assert not [n for n in with_window.unread_needs() if n.endswith("-later")], with_window.unread_needs()


class SecondReadHasJunk(SampleSource):
    """A sample whose API server's second /metrics carries a malformed line in a family no check reads."""

    def __init__(self, name: str) -> None:
        super().__init__(SampleSource.named(name).sample)
        self.metrics_reads = 0

    def get(self, path: str, query: Query | None = None) -> Response:
        response = super().get(path, query)
        if path == "/metrics":
            self.metrics_reads += 1
            if self.metrics_reads > 1 and response.text is not None:
                return Response(status=200, text=response.text + "go_goroutines one\n")
        return response


def test_the_second_scrape_parses_only_the_families_checks_read_as_the_first_does() -> None:
    source = SecondReadHasJunk("kubeadm-degraded")
    checks = [catalogue()["etcd-disk-latency"]]
    options = {"window": 0.05}
    data = collect(source, need_names(checks, options), options=options)
    assert source.metrics_reads == 2
    reading = apiserver_reading(data)
    assert isinstance(reading, Reading), reading
    assert reading.second is not None, reading.no_window  # the junk line is in no family a check reads
    assert reading.second.selected == reading.first.selected == sample_names(APISERVER_FAMILIES)
