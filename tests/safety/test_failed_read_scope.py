"""A failed read skips exactly the checks that rest on it, on every sample, for every read the audit makes.

For each read (by path, all its pages, and the TLS handshake) failing as 403, as 500 after retries, and as a
timeout, through the same offline faults as the fault matrix (tests/safety/faults.py):

(a) every check that rests on a failed read is never ``pass`` and never milder than with the read; when it is
    ``skip``, a finding names the read (its description, as every skip reason does);
(b) every other check gives exactly the findings it gives with all reads.

What a check rests on is what it declares (``needs``, ``optional_needs``, and what those are read after), except
for the reads below, which serve one purpose each: for them this module says, apart from the declarations, which
checks may rest on them. An account refused the kube-system Leases loses leader-election, not kube-proxy-mode.
"""

from __future__ import annotations

import functools

import pytest

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import select
from kubectl_arch.audit.runner import AuditReport, evaluate_checks, need_names
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import NEEDS, collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.model import metrics
from tests.safety.faults import FaultySource, MemoSource

CHECKS = select(include_workloads=True)
# A refusal in the quick suite; a server error and a timeout with the heavy tests (the fault matrix's company).
KINDS = ("403", pytest.param("500", marks=pytest.mark.heavy), pytest.param("timeout", marks=pytest.mark.heavy))
_parse_metrics_once = functools.lru_cache(maxsize=128)(metrics.parse_metrics)


@pytest.fixture(autouse=True)
def _each_scrape_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each faulted audit reads the same few /metrics texts: parsed once per process, as the fault matrix does
    (parse_metrics is a pure function of its arguments, proved in tests/model/test_metrics.py)."""
    monkeypatch.setattr(metrics, "parse_metrics", _parse_metrics_once)
    monkeypatch.setattr("kubectl_arch.audit.metric_readings.parse_metrics", _parse_metrics_once)

# Reads of one purpose, and the only checks whose verdict may rest on them.
ONE_PURPOSE: dict[str, frozenset[str]] = {
    "kube-system-leases": frozenset({"leader-election"}),
    "leader-election-locks": frozenset({"leader-election"}),
    "readyz": frozenset({"apiserver-health"}),
    "livez": frozenset({"apiserver-health"}),
    "kube-system-deployments": frozenset({"coredns-replicas"}),
    "openshift-dns-pods": frozenset({"coredns-replicas"}),
    "kube-proxy-config": frozenset({"kube-proxy-mode"}),
    "eks-kube-proxy-config": frozenset({"kube-proxy-mode"}),
    "cilium-config": frozenset({"kube-proxy-mode"}),
    "services-count": frozenset({"kube-proxy-mode"}),
    "openshift-clusteroperators": frozenset({"control-plane-version-skew"}),
    # The release decides only the certificate checks' fix (whether OpenShift rotates etcd's certificates).
    "openshift-clusterversion": frozenset({"apiserver-certificate-expiry", "pki-expiry"}),
}


@functools.cache
def _memo(sample: str) -> MemoSource:
    return MemoSource(SampleSource(load_sample(sample)))


def _audit(source: MemoSource | FaultySource) -> tuple[AuditReport, ClusterData]:
    data = collect(source, need_names(CHECKS))
    return evaluate_checks(data, CHECKS, AuditConfig()), data


@functools.cache
def _clean(sample: str) -> tuple[AuditReport, tuple[str, ...]]:
    source = MemoSource(_memo(sample))
    report, _data = _audit(source)
    return report, tuple(source.paths)


def _closure(names: set[str]) -> set[str]:
    """The needs and every need they are read after (a read that waits on a failed one answers without it)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(NEEDS[name].after if name in NEEDS else ())
    return seen


def _rests_on(meta: CheckMeta, failed: set[str]) -> set[str]:
    """The failed reads ``meta``'s verdict rests on (alternative sources apart: see ``_may_rest_on``)."""
    own = _closure({*meta.needs, *(n for n in meta.optional_needs if n not in meta.sources)})
    return {need for need in failed & own if meta.id in ONE_PURPOSE.get(need, frozenset({meta.id}))}


def _may_rest_on(meta: CheckMeta, failed: set[str]) -> bool:
    """Whether a failed read is one of the check's alternative sources: it falls back to one when those before
    it answered with no figure, and need not when one gave it (the fault matrix holds those to 'never milder')."""
    return bool(failed & _closure(set(meta.sources)))


def _seen(findings: list[Finding]) -> list[tuple[str, str, str | None, str | None]]:
    return [(f.status.value, f.message, f.object, f.fix) for f in findings]


def _is_an_answer(path: str, kind: str) -> bool:
    """/readyz answering 500 is its verdict (apiserver-health fails on it), not a failed read."""
    return kind.isdigit() and any(n.path == path and int(kind) in n.answers for n in NEEDS.values())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("sample", sample_names())
def test_a_failed_read_skips_exactly_the_checks_that_rest_on_it(sample: str, kind: str) -> None:
    clean, paths = _clean(sample)
    before = {result.meta.id: result for result in clean.results}
    for path in paths:
        if _is_an_answer(path, kind):
            continue
        report, data = _audit(FaultySource(_memo(sample), path, kind))
        failed = set(report.unread)
        where = f"{sample}: {path} failing with {kind} ({', '.join(sorted(failed))} unread)"
        assert failed, f"{where}: no read is named as failed"
        for need in (need for need in failed if data[need].status == 403):  # names the permission, how to confirm
            assert "kubectl auth can-i " in report.unread[need], f"{where}: {need}: {report.unread[need]}"
        for result in report.results:
            was, status = before[result.meta.id], result.status
            rests_on = _rests_on(result.meta, failed)
            if not rests_on and _may_rest_on(result.meta, failed):
                continue
            if not rests_on:
                assert _seen(result.findings) == _seen(was.findings), (
                    f"{where}: {result.meta.id} rests on none of them, yet went from {was.status.value} to "
                    f"{status.value}: {[f.message for f in result.findings]}")
                continue
            assert status is not Status.PASS, f"{where}: {result.meta.id} passes on a failed read"
            if status is Status.SKIP:
                # The read's description (every skip reason has it), or its own error: the locks' read names
                # the one lock that failed ("ConfigMap kube-system/kube-controller-manager").
                named = [text for need in rests_on for text in (data.descriptions[need], data[need].error) if text]
                text = " ".join(f.message for f in result.findings)
                settled = _seen(result.findings) == _seen(was.findings) and all(f.settled for f in result.findings)
                assert settled or any(what in text for what in named), (
                    f"{where}: {result.meta.id} skips without naming {named}: {text}")
            else:
                assert status.rank >= was.status.rank, (
                    f"{where}: {result.meta.id} went from {was.status.value} to {status.value}")
