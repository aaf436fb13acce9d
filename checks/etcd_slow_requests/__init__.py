"""etcd-slow-requests: applies and read indexes that took too long, etcd's own count of requests that
stalled behind a slow disk or an expensive request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.members import (
    METRICS_REFERENCE,
    each_member,
    etcd_member_meta,
    judge_counter,
    managed_etcd_fix,
)

from kubectl_arch.audit.check import Finding
from kubectl_arch.audit.helpers import with_fix
from kubectl_arch.collect.cluster_data import ClusterData

ID = "etcd-slow-requests"
SLOW_APPLY = "etcd_server_slow_apply_total"  # an entry took longer than 100 ms to apply
SLOW_READ_INDEX = "etcd_server_slow_read_indexes_total"  # a linearizable read's index came late

META = etcd_member_meta(
    id=ID,
    title="etcd applies and reads without stalling (slow applies, slow read indexes)",
    why="etcd counts every committed entry that took more than 100 ms to apply (logged as `apply request took "
        "too long`) and every linearizable read whose read index could not be confirmed in time. Slow applies "
        "come from a slow backend disk or expensive requests (large range reads, many keys in one transaction, "
        "a big list of Events or CRDs); slow read indexes from a leader that is busy or far away. Either way "
        "the API server's requests wait behind them.",
    fix="Check the backend commit latency (etcd-disk-latency) and the database size and fragmentation "
        "(etcd-db-size, etcd-fragmentation). Find expensive requests in etcd's log (`apply request took too "
        "long` names the key range) and in the API server's slowest etcd operations; page large lists in "
        "clients (limit/continue) and trim what fills etcd.",
    references=(METRICS_REFERENCE, "https://etcd.io/docs/v3.5/faq/",
                "https://etcd.io/docs/v3.5/op-guide/hardware/"),
    thresholds={"warn_in_window": 1, "fail_in_window": 20, "warn_per_hour": 1.0, "fail_per_hour": 60.0},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    findings = each_member(ID, data, lambda r: [
        judge_counter(ID, r, SLOW_APPLY, ("slow apply", "slow applies"), thresholds),
        judge_counter(ID, r, SLOW_READ_INDEX, ("slow read index", "slow read indexes"), thresholds)])
    return with_fix(findings, managed_etcd_fix(data))
