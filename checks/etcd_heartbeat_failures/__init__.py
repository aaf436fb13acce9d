"""etcd-heartbeat-failures: the leader could not send heartbeats to its followers, the step before they
stop hearing from it and call an election."""

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

ID = "etcd-heartbeat-failures"
HEARTBEAT_FAILURES = "etcd_server_heartbeat_send_failures_total"

META = etcd_member_meta(
    id=ID,
    title="etcd's leader sends its heartbeats (heartbeat send failures)",
    why="The leader sends a heartbeat to every follower each --heartbeat-interval (100 ms by default). When it "
        "cannot (etcd logs `leader failed to send out heartbeat on time`), usually because a slow disk or a "
        "starved CPU held it up, followers soon stop hearing from it and start an election: writes pause, and "
        "under load the cluster can keep changing leaders. The count is kept by the member that leads.",
    fix="Find what delays the leader: disk fsync latency (etcd-disk-latency), CPU throttling or noisy "
        "neighbours on its node, and the network to the followers (etcd-peer-latency). Give etcd a dedicated "
        "disk and guaranteed CPU; if members are far apart, tune --heartbeat-interval and --election-timeout "
        "together as etcd's tuning guide describes.",
    references=(METRICS_REFERENCE, "https://etcd.io/docs/v3.5/tuning/",
                "https://etcd.io/docs/v3.5/faq/"),
    thresholds={"warn_in_window": 1, "fail_in_window": 10, "warn_per_hour": 1.0, "fail_per_hour": 60.0},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    nouns = ("heartbeat send failure", "heartbeat send failures")
    findings = each_member(ID, data, lambda r: [judge_counter(ID, r, HEARTBEAT_FAILURES, nouns, thresholds)])
    return with_fix(findings, managed_etcd_fix(data))
