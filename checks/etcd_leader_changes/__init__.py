"""etcd-leader-changes: how often the members saw the leader change. Each change pauses writes for an
election; frequent changes mean heartbeats arrive late (a slow disk, a loaded node, a flaky network)."""

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

from kubectl_arch.audit.check import Finding
from kubectl_arch.audit.helpers import with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.metrics import LEADER_CHANGES

ID = "etcd-leader-changes"

META = etcd_member_meta(
    id=ID,
    title="etcd's leader is stable (leader changes in the window, or per hour since start)",
    why="Every leader change stops writes until a new leader is elected (about one election timeout, 1 s by "
        "default), and the API server's requests wait or fail meanwhile. A healthy cluster changes leader only "
        "when a member restarts or is upgraded. Repeated changes mean followers miss the leader's heartbeats: "
        "slow disk fsyncs, an overloaded node, CPU throttling of etcd, or packet loss between members. etcd's "
        "own alerting fires at 4 changes in 15 minutes. Without a --window the rate is an average since etcd "
        "started (etcd counts its first election as a change), which cannot say when the changes happened.",
    fix="Look at the disk first (etcd-disk-latency, `fio --fdatasync=1`), then at the node's CPU and memory "
        "pressure and the network between members (etcd-peer-latency). Give etcd a dedicated disk and enough "
        "CPU; if the members are far apart raise --heartbeat-interval and --election-timeout together (etcd's "
        "tuning guide: heartbeat around the round-trip time, election timeout about 10 times it).",
    references=(METRICS_REFERENCE, "https://etcd.io/docs/v3.5/tuning/", MIXIN_REFERENCE),
    thresholds={"warn_in_window": 1, "fail_in_window": 4, "warn_per_hour": 1.0, "fail_per_hour": 16.0},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    nouns = ("leader change", "leader changes")
    findings = each_member(ID, data, lambda r: [judge_counter(ID, r, LEADER_CHANGES, nouns, thresholds, baseline=1)])
    return with_fix(findings, managed_etcd_fix(data))
