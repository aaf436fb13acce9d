"""etcd-leader: every member sees a leader. A member without one refuses writes and linearizable reads,
and a cluster where none has one has lost quorum: the API server can change nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.members import (
    METRICS_REFERENCE,
    each_member,
    etcd_member_meta,
    etcdctl_command,
    provider_runs_etcd,
)

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.helpers import profile_of, with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.metrics import HAS_LEADER, gauge
from kubectl_arch.model.profiles import ETCD_RESTORE, code_span
from kubectl_arch.model.window import Reading

ID = "etcd-leader"
IS_LEADER = "etcd_server_is_leader"  # etcd 3.4+

META = etcd_member_meta(
    id=ID,
    title="Every etcd member has a leader",
    why="etcd is a Raft cluster: one member leads and every write goes through it. A member that sees no "
        "leader (etcd_server_has_leader 0) refuses writes and linearizable reads, so the API servers using it "
        "fail their requests. When no member has a leader, quorum is lost: nothing in the cluster can change, "
        "no pod is scheduled, no lease renewed. A member that stops answering is as bad as one without a leader.",
    fix="Check every member: `etcdctl endpoint status --cluster -w table`, with etcd's client certificates (the "
        "audit prints the command for the distribution it reads). Bring stopped members back and restore the "
        "network between members (peer port 2380); read the members' logs for `lost leader` and `elected "
        "leader`. If a majority is gone for good, restore from a snapshot.",
    references=(
        METRICS_REFERENCE,
        "https://etcd.io/docs/v3.5/op-guide/failures/",
        "https://etcd.io/docs/v3.5/op-guide/recovery/",
    ),
)


def judge(reading: Reading) -> Finding:
    """One member's view of the leader, from its last scrape."""
    value, basis = reading.current(HAS_LEADER)
    evidence: dict[str, Any] = {"source": reading.source, "hasLeader": value, "basis": basis.evidence()}
    leads = gauge(reading.latest, IS_LEADER)
    if leads is not None:
        evidence["isLeader"] = bool(leads)
    if value is None:
        return Finding(ID, Status.SKIP, f"{reading.source} does not expose {HAS_LEADER}", evidence, reading.source)
    if value < 1:
        return Finding(ID, Status.FAIL, f"{reading.source} has no leader: it refuses writes and linearizable "
                       "reads until one is elected", evidence, reading.source)
    role = " (it is the leader)" if leads else ""
    return Finding(ID, Status.PASS, f"{reading.source} has a leader{role}", evidence, reading.source)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    findings = each_member(ID, data, lambda r: [judge(r)], gone_status=Status.FAIL)
    leaders = [f.object for f in findings if f.evidence.get("isLeader")]
    if len(leaders) > 1:
        findings.append(Finding(ID, Status.FAIL, f"{len(leaders)} members each report being the leader "
                                f"({', '.join(str(x) for x in leaders)}): they may not be one cluster",
                                {"leaders": leaders}))
    return with_fix(findings, _fix(data))


def _fix(data: ClusterData) -> str | None:
    """This cluster's way to look at every member, or the provider's part on a managed control plane."""
    provider = provider_runs_etcd(data)
    if provider:
        return (f"{provider}: its members and their quorum are the provider's to restore; if members stay "
                "without a leader, open a support case with these findings.")
    status = etcdctl_command(data, "endpoint status --cluster -w table")
    if status is None:
        return None
    restore = profile_of(data).fix(ETCD_RESTORE)
    recover = f"recover the way this distribution does: {code_span(restore)}" if restore else \
        "restore from a snapshot"
    return (f"Check every member: {code_span(status)}. Bring stopped members back and restore the network between "
            "members (peer port 2380); read the members' logs for `lost leader` and `elected leader`. If a majority "
            f"is gone for good, {recover}.")
