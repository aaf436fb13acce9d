"""The fault matrix: every named read of audit and explain, on every sample, failing five ways.

For each read the fault-free run makes (by path, every page of it, and the TLS handshake) and each fault
(500 after retries, 403, 429 exhausted, a timeout, a truncated body), the faulted run must:

- give no check a milder verdict than the fault-free run (pass < skip < warn < fail), unless the check
  is ``skip`` naming the failed read;
- never ``pass`` a check that declared the failed read (alternative sources after one that answered aside);
- name the failed read in the terminal output and in ``-o json``.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Iterator

import pytest

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import select
from kubectl_arch.audit.report.document import audit_document
from kubectl_arch.audit.report.terminal import render_terminal
from kubectl_arch.audit.runner import AuditReport, run_audit
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.model import metrics
from kubectl_arch.output.console import make_console
from tests.safety.faults import FAULTS, FaultySource, MemoSource

pytestmark = pytest.mark.heavy  # every read of every sample failing five ways (`make test-quick` leaves it out)

CHECKS = select(include_workloads=True)
_parse_metrics_once = functools.lru_cache(maxsize=128)(metrics.parse_metrics)


@pytest.fixture(autouse=True)
def _each_scrape_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every faulted audit of a sample reads the same few /metrics texts (a failed or truncated scrape is
    another text, parsed on its own). parse_metrics is a pure function of (text, source, families), proved
    in tests/model/test_metrics.py, so each text is parsed once per process: a third of each audit's time."""
    monkeypatch.setattr(metrics, "parse_metrics", _parse_metrics_once)
    monkeypatch.setattr("kubectl_arch.audit.metric_readings.parse_metrics", _parse_metrics_once)


@functools.cache
def _memo(name: str) -> MemoSource:
    return MemoSource(SampleSource(load_sample(name)))


@functools.cache
def _clean(name: str) -> tuple[AuditReport, tuple[str, ...]]:
    """The fault-free audit of a sample and every read it made (paths, then the TLS handshake)."""
    source = MemoSource(_memo(name))
    report = run_audit(source, CHECKS, AuditConfig())
    return report, tuple(source.paths)


@functools.cache
def _explain_reads(name: str) -> tuple[str, ...]:
    source = MemoSource(_memo(name))
    build_map(collect(source, EXPLAIN_NEEDS))
    return tuple(source.paths)


def _cases(reads: Callable[[str], tuple[str, ...]]) -> Iterator[tuple[str, str]]:
    for name in sample_names():
        for path in reads(name):
            yield name, path


def _terminal(report: AuditReport) -> str:
    buffer = io.StringIO()
    render_terminal([report], make_console(buffer, width=200))
    return buffer.getvalue()


@pytest.mark.parametrize(("sample", "path"), list(_cases(lambda name: _clean(name)[1])))
def test_a_failed_read_never_makes_a_milder_audit(sample: str, path: str) -> None:
    clean, _paths = _clean(sample)
    before = {r.meta.id: r for r in clean.results}
    # The terminal is rendered for one fault per read (rendering costs 50 times an audit); JSON for each.
    shown = FAULTS[sum(map(ord, path)) % len(FAULTS)]
    for kind in FAULTS:
        if _is_an_answer(path, kind):
            continue
        report = run_audit(FaultySource(_memo(sample), path, kind), CHECKS, AuditConfig())
        where = f"{sample}: {path} failing with {kind}"
        assert report.unread, f"{where}: the failed read is not named"
        document = json.dumps(audit_document([report]))
        terminal = _terminal(report) if kind == shown else None
        for reason in report.unread.values():
            assert json.dumps(reason)[1:-1] in document, f"{where}: -o json does not name {reason}"
            assert terminal is None or reason in " ".join(terminal.split()), \
                f"{where}: the terminal output does not name {reason}"
        for result in report.results:
            was = before[result.meta.id]
            status = result.status
            assert status is not Status.ERROR, f"{where}: {result.meta.id} crashed: {result.findings[0].message}"
            if status is Status.SKIP:
                continue  # unknown, with its reason: never claims anything
            assert status.rank >= was.status.rank, (
                f"{where}: {result.meta.id} went from {was.status.value} to {status.value}: "
                f"{[f.message for f in result.findings]}")
            declared = {*result.meta.needs, *result.meta.optional_needs} - set(result.meta.sources)
            if status is Status.PASS:
                assert not declared & set(report.unread), (
                    f"{where}: {result.meta.id} passes although a read it depends on failed")


@pytest.mark.parametrize(("sample", "path"), list(_cases(_explain_reads)))
def test_a_failed_read_is_named_by_explain(sample: str, path: str) -> None:
    for kind in FAULTS:
        if _is_an_answer(path, kind):
            continue
        data = collect(FaultySource(_memo(sample), path, kind), EXPLAIN_NEEDS)
        build_map(data)  # never raises
        assert data.unread_needs(), f"{sample}: {path} failing with {kind} is not named"


def _is_an_answer(path: str, kind: str) -> bool:
    """/readyz answering 500 is its verdict (apiserver-health fails on it), not a failed read."""
    from kubectl_arch.collect.needs import NEEDS

    return kind.isdigit() and any(n.path == path and int(kind) in n.answers for n in NEEDS.values())
