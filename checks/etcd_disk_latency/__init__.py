"""etcd-disk-latency: how long etcd waits for its disk, the first thing that makes a control plane slow.

Every write to Kubernetes is a write to etcd, and etcd acknowledges it only after fsyncing its
write-ahead log on a majority of members. A slow disk therefore slows every write, then delays the
leader's heartbeats until followers call elections. The disk figures are etcd's own (WAL fsync and
backend commit); without access to etcd, the API server's p99 of its etcd requests is reported
instead, and named as that: a round trip to etcd, not a disk figure. Figures are judged over the
``--window`` when there is one, else over the process' lifetime, and each says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import with_fix
from kubectl_arch.audit.metric_readings import APISERVER_METRICS, apiserver_reading, missing_at_window_end
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.provider_metrics import EKS_ETCD_METRICS
from kubectl_arch.model.distribution import READS as DISTRIBUTION_READS
from kubectl_arch.model.distribution import detect_distribution
from kubectl_arch.model.metrics import (
    APISERVER_ETCD_REQUEST,
    BACKEND_COMMIT,
    WAL_FSYNC,
    MetricsError,
    Quantile,
    etcd_request_object,
    histogram_quantile,
    histograms_by,
)
from kubectl_arch.model.profiles import ETCDCTL, profile_for
from kubectl_arch.model.window import WINDOW, Basis, Reading, windowed_histogram, windowed_quantile

from .collect import (
    ETCD_CLIENT_OPTIONS,
    ETCD_ENDPOINT_METRICS,
    ETCD_ENDPOINTS,
    ETCD_POD_METRICS,
    etcd_readings,
)
from .members import no_etcd

ID = "etcd-disk-latency"
P99 = 0.99
# Where the client certificates are shown: explain etcd's etcdctl commands name them where the distribution's
# etcdctl takes them as flags (kubeadm, kind, k3s, RKE2, minikube), not where it runs inside etcd's pod (OpenShift)
# or where no etcd is the operator's (a managed control plane) or none runs (kine).
CERTIFICATES_SHOWN = "; `kubectl arch explain etcd` shows where this cluster keeps them"

META = CheckMeta(
    id=ID,
    title="etcd disk latency: p99 WAL fsync and backend commit (else the API server's etcd request latency)",
    component="etcd",
    why=(
        "etcd confirms a write only after fsyncing its write-ahead log (WAL) on a majority of members, so "
        "disk latency is added to every change the cluster makes. When fsyncs are slow the leader's "
        "heartbeats are late, followers start elections, and writes stall: the API server turns slow, "
        "then returns errors. etcd's guidance is a p99 WAL fsync under 10 ms and a p99 backend commit "
        "under 25 ms. Histograms in /metrics count since the process started, so the audit reads them "
        "twice, --window apart (10 s by default), and judges what happened in between; an idle etcd or "
        "--window 0 gives lifetime figures, and every figure says which. Without etcd's own metrics, the "
        "API server's p99 of its requests to etcd is reported instead: it includes the network and etcd's "
        "queueing, so it shows that etcd is slow, not that its disk is."
    ),
    fix=(
        "Put etcd's data directory on a dedicated low-latency SSD or NVMe disk that no other busy process "
        "shares (not network storage, not the OS disk of a busy node). Measure the disk with fio "
        "(--fdatasync=1, as etcd writes) before and after. Defragment a large database "
        "(`etcdctl defrag`, one member at a time). For a live view, graph "
        "`histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket[5m]))`. To read etcd's "
        "own figures here, pass --etcd-endpoints with --etcd-cacert/--etcd-cert/--etcd-key (as etcdctl "
        f"takes them{CERTIFICATES_SHOWN})."
    ),
    references=(
        "https://etcd.io/docs/v3.5/faq/",
        "https://etcd.io/docs/v3.5/op-guide/hardware/",
        "https://etcd.io/docs/v3.5/metrics/",
        "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile",
    ),
    needs=(),
    # The distribution's reads tell whether etcd answers the API server at all (k3s's kine does not run etcd).
    optional_needs=(ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, EKS_ETCD_METRICS, APISERVER_METRICS, *DISTRIBUTION_READS),
    sources=(ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, EKS_ETCD_METRICS, APISERVER_METRICS),
    options=ETCD_CLIENT_OPTIONS,
    thresholds={
        # etcd's hardware guidance: above it the disk is too slow for a production etcd (warn).
        "wal_fsync_p99_warn_seconds": 0.010,
        "backend_commit_p99_warn_seconds": 0.025,
        # etcd's own alerting rules (etcdHighFsyncDurations, etcdHighCommitDurations) fire here (fail).
        "wal_fsync_p99_fail_seconds": 0.5,
        "backend_commit_p99_fail_seconds": 0.25,
        # The API server's view includes the network and the request itself; a tenth of the 1 s API
        # latency SLO spent waiting for etcd warns, the whole of it fails.
        "apiserver_etcd_request_p99_warn_seconds": 0.1,
        "apiserver_etcd_request_p99_fail_seconds": 1.0,
        # Fewer observations than this in the window and its p99 means little: lifetime figures instead.
        "min_window_samples": 20,
    },
)


# What the thresholds stand for, as the messages say it: (warn, fail).
ETCD_GUIDANCE = ("etcd's guidance", "where etcd's own alerting rules fire")
API_OBJECTIVE = ("a tenth of the 1 s API latency objective", "the whole 1 s API latency objective")


def _ms(seconds: float) -> str:
    """A measured duration: '3.3 ms', '1.69 s'."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _limit(seconds: float) -> str:
    """A threshold as people write it: '10 ms', '1 s'."""
    return f"{seconds * 1000:g} ms" if seconds < 1 else f"{seconds:g} s"


def judge(q: Quantile, subject: str, warn: float, fail: float, meaning: tuple[str, str], notes: list[str]
          ) -> Finding:
    """One quantile against its thresholds, with its basis (window or lifetime, samples) in the message."""
    evidence: dict[str, Any] = {**q.evidence(), "warnAboveSeconds": warn, "failAboveSeconds": fail}
    if notes:
        evidence["otherSources"] = notes
    basis = q.basis.sentence() if q.basis is not None else ""
    if q.value is None:
        return Finding(ID, Status.SKIP, f"{q.source} has no usable observations of {q.metric} {basis}".rstrip(),
                       evidence, q.source)
    measured = f"{subject} is {_ms(q.value)} {basis}"
    if q.value > fail:
        status, verdict = Status.FAIL, f"over {_limit(fail)}, {meaning[1]}"
    elif q.value > warn:
        status, verdict = Status.WARN, f"over {_limit(warn)}, {meaning[0]}"
    else:
        status, verdict = Status.PASS, f"under {_limit(warn)}, {meaning[0]}"
    return Finding(ID, status, f"{measured}: {verdict}", evidence, q.source)


def _missing(reading: Reading, notes: list[str]) -> Finding:
    """A member read at the start of the window that did not answer at its end: missing, never healthy."""
    return missing_at_window_end(ID, reading, Status.FAIL, "it is missing, and its disk figures are no longer "
                                 "current", {"otherSources": notes} if notes else None)


def _own_findings(members: list[Reading], thresholds: Mapping[str, Any], notes: list[str]) -> list[Finding]:
    least = int(thresholds["min_window_samples"])
    findings = []
    for reading in members:
        if reading.second_error is not None:
            findings.append(_missing(reading, notes))
            continue
        findings.append(judge(windowed_quantile(reading, WAL_FSYNC, P99, min_samples=least),
                              f"{reading.source}: p99 WAL fsync",
                              float(thresholds["wal_fsync_p99_warn_seconds"]),
                              float(thresholds["wal_fsync_p99_fail_seconds"]), ETCD_GUIDANCE, notes))
        findings.append(judge(windowed_quantile(reading, BACKEND_COMMIT, P99, min_samples=least),
                              f"{reading.source}: p99 backend commit",
                              float(thresholds["backend_commit_p99_warn_seconds"]),
                              float(thresholds["backend_commit_p99_fail_seconds"]), ETCD_GUIDANCE, notes))
    return findings


def _operation_key(labels: Mapping[str, str]) -> tuple[str, str]:
    """(operation, what it stored) in every label shape the API server has used (``etcd_request_object``)."""
    return labels.get("operation", ""), etcd_request_object(labels)


def slowest_operations(reading: Reading, basis: Basis | None, limit: int = 3) -> list[dict[str, Any]]:
    """The operations with the highest p99 in the API server's view, for the evidence, on the same basis
    as the finding: over the window when it is judged on one (operations idle in it left out), else lifetime.
    """
    over_window = basis is not None and basis.kind == WINDOW
    ranked: list[tuple[float, str, str, int]] = []
    lifetime = histograms_by(reading.latest, APISERVER_ETCD_REQUEST, _operation_key)
    for key, found in lifetime.items():
        def same(labels: Mapping[str, str], key: tuple[str, str] = key) -> bool:
            return _operation_key(labels) == key
        if over_window:
            windowed, own = windowed_histogram(reading, APISERVER_ETCD_REQUEST, same, min_samples=1)
            if own.kind != WINDOW:
                continue
            found = windowed
        q = histogram_quantile(P99, found, APISERVER_ETCD_REQUEST, reading.source)
        if q.value is not None:
            ranked.append((q.value, *key, q.samples))
    ranked.sort(key=lambda row: (-row[0], row[1], row[2]))
    return [{"operation": operation, "object": kind, "p99_seconds": round(value, 6), "samples": samples}
            for value, operation, kind, samples in ranked[:limit]]


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    findings = _evaluate(data, thresholds)
    distribution = detect_distribution(data)
    if distribution.managed:  # its disks, its defragmentation and its endpoints are the provider's
        return with_fix(findings, managed_fix(distribution.managed_by or "The provider"))
    if _certificates_shown(data):
        return findings
    return with_fix(findings, META.fix.replace(CERTIFICATES_SHOWN, ""))


def managed_fix(provider: str) -> str:
    """What a user of a hidden control plane can do about etcd latency: lighten the load, then ask the provider."""
    return (f"{provider} runs etcd on disks you cannot reach: make the API server ask less of it. Find the biggest "
            "collections (`kubectl get --raw /metrics | grep apiserver_storage_objects`) and the clients that list "
            "them whole or watch them in bulk (operators, CI jobs, a flood of Events), and fix those. If the latency "
            "persists with a normal load, open a support case with the provider, with these figures.")


def _certificates_shown(data: ClusterData) -> bool:
    """Whether `kubectl arch explain etcd` names this cluster's etcd client certificates: its distribution's
    etcdctl takes them as flags, and an etcd of the cluster's own answers (not kine)."""
    etcdctl = profile_for(detect_distribution(data).name).fix(ETCDCTL) or ""
    return "--cacert" in etcdctl and _datastore_answering(data) == "etcd"


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    members, notes = etcd_readings(data)
    if members:
        return _own_findings(members, thresholds, notes)
    # The operator asked for etcd's own figures: say at once why they are missing, not only in evidence.
    asked = f" (--etcd-endpoints gave nothing: {notes[0]})" if notes and data.options.get(ETCD_ENDPOINTS.name) else ""
    view = apiserver_reading(data)
    if isinstance(view, MetricsError):
        return [Finding(ID, Status.SKIP, f"no etcd latency figures could be read: {view.message}{asked}",
                        {"otherSources": notes})]
    if view.second_error is not None:
        return [missing_at_window_end(ID, view, evidence={"otherSources": notes})]
    least = int(thresholds["min_window_samples"])
    overall = windowed_quantile(view, APISERVER_ETCD_REQUEST, P99, min_samples=least)
    store = _datastore_answering(data)
    label = ("the API server's p99 round trip to etcd (its etcd request latency, not a disk figure)" if store == "etcd"
             else f"the API server's p99 round trip to {store} (not a disk figure)")
    finding = judge(overall, label,
                    float(thresholds["apiserver_etcd_request_p99_warn_seconds"]),
                    float(thresholds["apiserver_etcd_request_p99_fail_seconds"]), API_OBJECTIVE, notes)
    finding.evidence["measured"] = "the API server's etcd request latency (etcd's own disk figures were not readable)"
    finding.evidence["slowestOperations"] = slowest_operations(view, overall.basis)
    finding.evidence["why"] = (f"etcd's own metrics were not readable, so this is the API server's round trip to "
                               f"{store}")
    finding.message += asked
    return [finding]


def _datastore_answering(data: ClusterData) -> str:
    """What answers the API server's etcd requests: etcd, or on k3s without etcd kine, which speaks etcd's API
    over SQLite or another database (the figure is then kine's, and no etcd runs to blame)."""
    if all(name in data.responses for name in DISTRIBUTION_READS) and no_etcd(data):
        return "kine, the datastore that answers its etcd requests here (no etcd runs: kine keeps the data in SQLite " \
               "or another database)"
    return "etcd"
