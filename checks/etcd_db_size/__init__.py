"""etcd-db-size: how full etcd's database is against its backend quota, before writes stop.

When the database reaches ``--quota-backend-bytes`` etcd raises a NOSPACE alarm and refuses every
write until an operator compacts, defragments and disarms it: the cluster turns read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.collect import (
    APISERVER_METRICS,
    ETCD_CLIENT_OPTIONS,
    ETCD_ENDPOINT_METRICS,
    ETCD_POD_METRICS,
    apiserver_scrape,
    etcd_scrapes,
)

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import ETCD, PODS_NEED, is_component_pod, main_container
from kubectl_arch.model.flags import container_flags
from kubectl_arch.model.metrics import QUOTA_BACKEND_BYTES, DbSize, MetricsError, db_sizes, gauge

ID = "etcd-db-size"
DEFAULT_QUOTA_BYTES = 2 * 1024**3  # etcd's default --quota-backend-bytes (2 GiB)

META = CheckMeta(
    id=ID,
    title="etcd database size against its quota",
    component="etcd",
    why=(
        "etcd stores every object and, until compaction, its old revisions. When the database file "
        "reaches the backend quota (--quota-backend-bytes, 2 GiB by default) etcd raises a NOSPACE alarm "
        "and accepts only reads and deletes: no pod can be created, no lease renewed, until an operator "
        "frees space and disarms the alarm. The file does not shrink after compaction until it is "
        "defragmented."
    ),
    fix=(
        "Find what fills etcd (`kubectl get --raw /metrics | grep -E 'apiserver_(storage|resource)_objects'`; "
        "Events and CRD objects are common culprits) and delete what is not needed. Make sure the API server "
        "compacts (--etcd-compaction-interval, 5m by default), then defragment each member in turn "
        "(`etcdctl defrag`). If the data is legitimately large, raise --quota-backend-bytes on every "
        "member (etcd suggests at most 8 GiB). After a NOSPACE alarm: `etcdctl alarm disarm`."
    ),
    references=(
        "https://etcd.io/docs/v3.5/op-guide/maintenance/#space-quota",
        "https://etcd.io/docs/v3.5/dev-guide/limit/",
        "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/",
    ),
    needs=(),
    optional_needs=(ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, APISERVER_METRICS, PODS_NEED),
    options=ETCD_CLIENT_OPTIONS,
    thresholds={"warn_percent": 80, "fail_percent": 95},
)


def quota_from_pods(data: ClusterData) -> int | None:
    """``--quota-backend-bytes`` from the etcd static pods, when they are visible and set it."""
    response = data.responses.get(PODS_NEED)
    pods = response.items if response is not None else []
    for pod in pods:
        if is_component_pod(pod, ETCD):
            value = container_flags(main_container(pod, ETCD)).get("quota-backend-bytes")
            if value and value.strip().isdigit() and int(value) > 0:
                return int(value)
    return None


def _gib(size: float) -> str:
    return f"{size / 1024**3:.2f} GiB" if size >= 1024**3 else f"{size / 1024**2:.1f} MiB"


def judge(size: DbSize, quota: float, quota_origin: str, thresholds: Mapping[str, Any]) -> Finding:
    """One database against its quota."""
    warn, fail = float(thresholds["warn_percent"]), float(thresholds["fail_percent"])
    percent = 100.0 * size.bytes / quota
    evidence = {"metric": size.metric, "target": size.target, "bytes": int(size.bytes), "quotaBytes": int(quota),
                "quotaFrom": quota_origin, "percent": round(percent, 1), "warnPercent": warn, "failPercent": fail}
    measured = (f"the etcd database of {size.target} is {_gib(size.bytes)}, {percent:.0f}% of its "
                f"{_gib(quota)} quota ({quota_origin})")
    if percent >= fail:
        return Finding(ID, Status.FAIL, f"{measured}: etcd accepts only reads and deletes once it is full", evidence,
                       size.target)
    if percent >= warn:
        return Finding(ID, Status.WARN, f"{measured}: free space before it fills", evidence, size.target)
    return Finding(ID, Status.PASS, measured, evidence, size.target)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    flag_quota = quota_from_pods(data)
    fallback = ((flag_quota, "--quota-backend-bytes") if flag_quota else
                (DEFAULT_QUOTA_BYTES, "etcd's default, assumed: no visible etcd pod sets --quota-backend-bytes"))
    members, notes = etcd_scrapes(data)
    findings: list[Finding] = []
    for metrics in members:
        own_quota = gauge(metrics, QUOTA_BACKEND_BYTES)
        quota, origin = (own_quota, "etcd_server_quota_backend_bytes") if own_quota else fallback
        findings.extend(judge(size, quota, origin, thresholds) for size in db_sizes(metrics))
    if findings:
        return findings
    view = apiserver_scrape(data)
    if isinstance(view, MetricsError):
        return [Finding(ID, Status.SKIP, f"no etcd database size could be read: {view.message}",
                        {"otherSources": notes})]
    sizes = [size for size in db_sizes(view) if size.bytes >= 0]
    if not sizes:
        return [Finding(ID, Status.SKIP, "the API server's metrics report no etcd database size "
                        "(apiserver_storage_size_bytes or its older names)", {"otherSources": notes})]
    return [judge(size, fallback[0], fallback[1], thresholds) for size in sizes]
