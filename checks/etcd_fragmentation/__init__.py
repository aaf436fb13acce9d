"""etcd-fragmentation: space etcd's database file holds but no longer uses. Compaction frees pages inside
the file; only a defragmentation gives them back, and until then they count against the quota."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.members import (
    METRICS_REFERENCE,
    MIXIN_REFERENCE,
    each_member,
    etcd_member_meta,
    no_etcd,
    provider_runs_etcd,
)

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.helpers import profile_of, with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.metrics import ETCD_DB_SIZE_NAMES
from kubectl_arch.model.profiles import ETCD_BACKUP, ETCD_DEFRAG, code_span
from kubectl_arch.model.window import Reading

ID = "etcd-fragmentation"
IN_USE = "etcd_mvcc_db_total_size_in_use_in_bytes"  # etcd 3.4+

META = etcd_member_meta(
    id=ID,
    title="etcd's database file is not mostly free space (fragmentation)",
    why="etcd keeps its data in one file. Compaction (the API server asks for it every 5 minutes) frees old "
        "revisions inside the file, but the file does not shrink: the freed pages are reused, yet the file's "
        "size is what counts against the backend quota (--quota-backend-bytes), and a mostly empty file wastes "
        "memory (etcd maps it) and makes snapshots and member restores slower. etcd's alerting warns when less "
        "than half the file is in use and the data exceeds 100 MiB.",
    fix="Defragment one member at a time, never all at once: a member being defragmented blocks its reads and "
        "writes until it finishes. Take a snapshot first (`etcdctl snapshot save`), then run `etcdctl defrag` "
        "against one member only (the audit prints the command for the distribution it reads), wait until it is "
        "healthy again, then the next, the leader last.",
    references=("https://etcd.io/docs/v3.5/op-guide/maintenance/#defragmentation", METRICS_REFERENCE,
                MIXIN_REFERENCE),
    thresholds={"warn_free_percent": 50, "fail_free_percent": 80, "min_in_use_bytes": 100 * 1024**2},
)


def _mib(size: float) -> str:
    return f"{size / 1024**3:.2f} GiB" if size >= 1024**3 else f"{size / 1024**2:.1f} MiB"


def judge(reading: Reading, thresholds: Mapping[str, Any]) -> Finding:
    total_name = reading.latest.first_present(ETCD_DB_SIZE_NAMES)
    total, basis = reading.current(total_name or ETCD_DB_SIZE_NAMES[0])
    in_use, _ = reading.current(IN_USE)
    evidence: dict[str, Any] = {"source": reading.source, "totalBytes": total, "inUseBytes": in_use,
                                "basis": basis.evidence()}
    if total is None or in_use is None or total <= 0:
        return Finding(ID, Status.SKIP, f"{reading.source} does not expose both {ETCD_DB_SIZE_NAMES[0]} and {IN_USE} "
                       "(etcd before 3.4 lacks the second)", evidence, reading.source)
    free = max(0.0, 100.0 * (1 - in_use / total))
    evidence["freePercent"] = round(free, 1)
    measured = (f"{reading.source}: the database file is {_mib(total)}, {_mib(in_use)} in use ({free:.0f}% free "
                "space inside the file)")
    if in_use < float(thresholds["min_in_use_bytes"]):
        return Finding(ID, Status.PASS, f"{measured}; too small for fragmentation to matter", evidence, reading.source)
    if free >= float(thresholds["fail_free_percent"]):
        status = Status.FAIL
    elif free >= float(thresholds["warn_free_percent"]):
        status = Status.WARN
    else:
        return Finding(ID, Status.PASS, measured, evidence, reading.source)
    return Finding(ID, status, f"{measured}: defragment this member, one member at a time", evidence, reading.source)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    return with_fix(each_member(ID, data, lambda r: [judge(r, thresholds)]), _fix(data))


def _fix(data: ClusterData) -> str | None:
    """This distribution's defragmentation of one member, or the provider's part on a managed control plane."""
    provider = provider_runs_etcd(data)
    if provider:
        return (f"{provider} and defragments it itself: there is nothing to run here. If the database keeps "
                "growing, find what fills it (etcd-db-size) and ask the provider.")
    profile = profile_of(data)
    defrag, backup = profile.fix(ETCD_DEFRAG), profile.fix(ETCD_BACKUP)
    if defrag is None or no_etcd(data):
        return None
    first = f"Take a snapshot first ({code_span(backup)}), then defragment" if backup else "Defragment"
    return (f"{first} one member at a time, never all at once (a member being defragmented blocks its reads and "
            f"writes until it finishes): {code_span(defrag)}. Wait until that member is healthy again before the next, "
            "and do the leader last.")
