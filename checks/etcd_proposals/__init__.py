"""etcd-proposals: writes the cluster could not commit (failed proposals) and writes queued behind the
leader (pending proposals)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.members import (
    METRICS_REFERENCE,
    MIXIN_REFERENCE,
    each_member,
    etcd_member_meta,
    judge_counter,
    managed_etcd_fix,
)

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.helpers import with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.window import Reading

ID = "etcd-proposals"
FAILED = "etcd_server_proposals_failed_total"
PENDING = "etcd_server_proposals_pending"

META = etcd_member_meta(
    id=ID,
    title="etcd commits its writes (failed and pending proposals)",
    why="Every write is a Raft proposal. A failed proposal is a write the cluster could not commit, usually "
        "during a leader election or when quorum is lost: the API server returns an error for it. Pending "
        "proposals are writes waiting to be committed; a queue that stays long means the leader or its disk "
        "cannot keep up, and every write waits. etcd's own alerting fires at more than 5 failed proposals in "
        "an hour.",
    fix="Failed proposals follow leader changes and lost quorum: check etcd-leader and etcd-leader-changes, "
        "then the disk and the network between members. A long pending queue: check the leader's disk latency "
        "(etcd-disk-latency) and CPU, and find the client writing the most (the API server's "
        "apiserver_request_total by resource and verb).",
    references=(METRICS_REFERENCE, "https://etcd.io/docs/v3.5/op-guide/monitoring/", MIXIN_REFERENCE),
    thresholds={"warn_in_window": 1, "fail_in_window": 5, "warn_per_hour": 1.0, "fail_per_hour": 5.0,
                # Proposals queued at one instant: a rule of thumb, a healthy cluster shows a handful at most.
                "pending_warn": 10, "pending_fail": 100},
)


def judge_pending(reading: Reading, thresholds: Mapping[str, Any]) -> Finding:
    value, basis = reading.current(PENDING)
    evidence: dict[str, Any] = {"metric": PENDING, "source": reading.source, "pending": value,
                                "basis": basis.evidence()}
    if value is None:
        return Finding(ID, Status.SKIP, f"{reading.source} does not expose {PENDING}", evidence, reading.source)
    warn, fail = int(thresholds["pending_warn"]), int(thresholds["pending_fail"])
    status = Status.FAIL if value >= fail else Status.WARN if value >= warn else Status.PASS
    return Finding(ID, status, f"{reading.source}: {int(value)} proposals pending at the last scrape "
                   f"({'at or over' if status != Status.PASS else 'under'} {fail if status == Status.FAIL else warn})",
                   evidence, reading.source)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    findings = each_member(ID, data, lambda r: [
        judge_counter(ID, r, FAILED, ("failed proposal", "failed proposals"), thresholds),
        judge_pending(r, thresholds)])
    return with_fix(findings, managed_etcd_fix(data))
