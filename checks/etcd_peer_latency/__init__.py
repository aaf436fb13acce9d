"""etcd-peer-latency: the round trip between members. Raft waits for a majority on every write, so
the network between members is added to every write, and late heartbeats start elections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.members import (
    METRICS_REFERENCE,
    MIXIN_REFERENCE,
    each_member,
    etcd_member_meta,
    managed_etcd_fix,
)

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.helpers import with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.provider_metrics import BY_NEED, EKS_ETCD_METRICS
from kubectl_arch.model.metrics import PEER_ROUND_TRIP, histogram
from kubectl_arch.model.window import Reading, windowed_quantile

ID = "etcd-peer-latency"

META = etcd_member_meta(
    id=ID,
    title="etcd members reach each other quickly (p99 peer round trip)",
    why="A write commits once a majority of members has it, so the round trip to the nearest majority is "
        "part of every write's latency, and the leader's heartbeats (every 100 ms by default) must arrive "
        "well within the election timeout (1 s by default) or followers start an election. etcd probes each "
        "peer every few seconds, so a short window holds few probes: the figure says when it falls back to "
        "the lifetime. A single member has no peers and nothing to measure.",
    fix="Keep members in one region, on a low-latency network, away from saturated links; check packet loss "
        "between them (port 2380). When members must be far apart, set --heartbeat-interval near the round "
        "trip and --election-timeout about 10 times it, on every member.",
    references=(METRICS_REFERENCE, "https://etcd.io/docs/v3.5/tuning/", MIXIN_REFERENCE),
    thresholds={
        # etcd's alerting warns at 150 ms (etcdMemberCommunicationSlow); half the default 1 s election
        # timeout leaves followers no margin (fail).
        "p99_warn_seconds": 0.15,
        "p99_fail_seconds": 0.5,
        "min_window_samples": 5,
    },
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _limit(seconds: float) -> str:
    return f"{seconds * 1000:g} ms" if seconds < 1 else f"{seconds:g} s"


def judge(reading: Reading, thresholds: Mapping[str, Any]) -> Finding:
    if histogram(reading.latest, PEER_ROUND_TRIP) is None:
        # EKS runs etcd on members across three Availability Zones (EKS best practices, control plane): peers
        # exist there, so only the endpoint can be why none is reported.
        why = ("EKS runs etcd on members across three Availability Zones, so the peers exist: this endpoint does "
               "not report their round trips" if reading.source == BY_NEED[EKS_ETCD_METRICS].label else
               "a single-member etcd has no peers to measure, and not every endpoint serves them")
        return Finding(ID, Status.SKIP, f"{reading.source} reports no peer round trips ({PEER_ROUND_TRIP}): {why}",
                       {"source": reading.source}, reading.source)
    q = windowed_quantile(reading, PEER_ROUND_TRIP, 0.99, min_samples=int(thresholds["min_window_samples"]))
    warn, fail = float(thresholds["p99_warn_seconds"]), float(thresholds["p99_fail_seconds"])
    evidence: dict[str, Any] = {**q.evidence(), "warnAboveSeconds": warn, "failAboveSeconds": fail}
    basis = q.basis.sentence() if q.basis is not None else ""
    if q.value is None:
        return Finding(ID, Status.SKIP, f"{reading.source} has no peer round trips measured yet {basis}", evidence,
                       reading.source)
    status = Status.FAIL if q.value > fail else Status.WARN if q.value > warn else Status.PASS
    limit = fail if status == Status.FAIL else warn
    return Finding(ID, status, f"{reading.source}: p99 round trip to its peers is {_ms(q.value)} {basis}: "
                   f"{'over' if status != Status.PASS else 'under'} {_limit(limit)}", evidence, reading.source)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    findings = each_member(ID, data, lambda r: [judge(r, thresholds)])
    return with_fix(findings, managed_etcd_fix(data))
