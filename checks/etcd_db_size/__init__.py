"""etcd-db-size: how full etcd's database is against its backend quota, before writes stop.

When the database reaches ``--quota-backend-bytes`` etcd raises a NOSPACE alarm and refuses every
write until an operator compacts, defragments and disarms it: the cluster turns read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.collect import (
    ETCD_CLIENT_OPTIONS,
    ETCD_ENDPOINT_METRICS,
    ETCD_POD_METRICS,
    etcd_scrapes,
)
from kubectl_arch.checks.etcd_disk_latency.members import etcdctl_command

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import CONTROL_PLANE_NEEDS, profile_of, reads, with_fix, with_teaching
from kubectl_arch.audit.metric_readings import APISERVER_METRICS, apiserver_scrape
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.facts import EXTERNAL_ETCD, KINE_EXTERNAL, KINE_SQLITE, Datastore, cluster_facts
from kubectl_arch.model.metrics import QUOTA_BACKEND_BYTES, DbSize, MetricsError, db_sizes, gauge
from kubectl_arch.model.profiles import ETCD_DEFRAG, ETCD_USAGE, RAISE_ETCD_QUOTA, code_span, split_comment
from kubectl_arch.model.window import CURRENT, Basis

ID = "etcd-db-size"
# What fills the database, found from the API server: the first step wherever etcd runs, the only one where a
# provider runs it.
FIND = ("Find what fills etcd (`kubectl get --raw /metrics | grep -E 'apiserver_(storage|resource)_objects'`; Events "
        "and CRD objects are common culprits) and delete what is not needed.")
EKS_LIMIT_DOC = "https://docs.aws.amazon.com/eks/latest/userguide/clusters.html"  # EKS: etcd limited to 8 GiB

META = CheckMeta(
    id=ID,
    title="etcd database size against its quota",
    component="etcd",
    why=(
        "etcd stores every object and, until compaction, its old revisions. When the database file "
        "reaches the backend quota (--quota-backend-bytes, 2 GiB by default; EKS documents 8 GiB) etcd raises a "
        "NOSPACE alarm "
        "and accepts only reads and deletes: no pod can be created, no lease renewed, until an operator "
        "frees space and disarms the alarm. The file does not shrink after compaction until it is "
        "defragmented."
    ),
    fix=(
        f"{FIND} Make sure the API server compacts (--etcd-compaction-interval, 5m by default), then defragment "
        "each member in turn (`etcdctl defrag`). If the data is legitimately large, raise --quota-backend-bytes on "
        "every member (etcd suggests at most 8 GiB). After a NOSPACE alarm: `etcdctl alarm disarm`."
    ),
    references=(
        "https://etcd.io/docs/v3.5/op-guide/maintenance/#space-quota",
        "https://etcd.io/docs/v3.5/dev-guide/limit/",
        "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/",
        EKS_LIMIT_DOC,
    ),
    needs=(),
    optional_needs=reads(ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, APISERVER_METRICS, CONTROL_PLANE_NEEDS),
    sources=(ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, APISERVER_METRICS),
    options=ETCD_CLIENT_OPTIONS,
    thresholds={"warn_percent": 80, "fail_percent": 95},
)


def _gib(size: float) -> str:
    return f"{size / 1024**3:.2f} GiB" if size >= 1024**3 else f"{size / 1024**2:.1f} MiB"


def judge(size: DbSize, quota: float, quota_origin: str, thresholds: Mapping[str, Any], who: str | None = None,
          ) -> Finding:
    """One database against its quota; ``who`` names it in words (an etcd endpoint, or the API server's view)."""
    warn, fail = float(thresholds["warn_percent"]), float(thresholds["fail_percent"])
    percent = 100.0 * size.bytes / quota
    evidence = {"metric": size.metric, "target": size.target, "bytes": int(size.bytes), "quotaBytes": int(quota),
                "quotaFrom": quota_origin, "percent": round(percent, 1), "warnPercent": warn, "failPercent": fail,
                "basis": Basis(CURRENT, None).evidence()}  # a gauge: its value at the last scrape
    measured = (f"{who or f'the etcd database of {size.target}'} is {_gib(size.bytes)}, {percent:.0f}% of its "
                f"{_gib(quota)} quota ({quota_origin})")
    if percent >= fail:
        return Finding(ID, Status.FAIL, f"{measured}: etcd accepts only reads and deletes once it is full", evidence,
                       size.target)
    if percent >= warn:
        return Finding(ID, Status.WARN, f"{measured}: free space before it fills", evidence, size.target)
    return Finding(ID, Status.PASS, measured, evidence, size.target)


def _fact_quota(store: Datastore) -> tuple[float, str] | None:
    """The quota the fact base holds: read from the cluster, or the profile's documented value, marked assumed."""
    if store.quota_bytes is None:
        return None
    origin = f"{store.quota_what}, assumed: {store.quota_source}" if store.quota_assumed else store.quota_source
    return float(store.quota_bytes), origin


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    profile = profile_of(data)
    references = tuple(page for page in META.references if page != EKS_LIMIT_DOC or profile.name == "eks")
    return with_teaching(with_fix(_evaluate(data, thresholds), _fix(data)), None, references)


def _fix(data: ClusterData) -> str | None:
    """The steps as this cluster takes them: the provider's part on a managed control plane (no etcd flag or
    etcdctl is the user's there), else the distribution's own defragmentation and etcdctl (kubeadm, kind and
    minikube nodes ship no etcdctl); None keeps the catalogue's (external etcd, an unknown distribution)."""
    profile = profile_of(data)
    if profile.hidden:
        return (f"{profile.title} runs etcd: its quota, compaction, defragmentation and alarms are the provider's: "
                f"nothing on etcd itself is yours to set or run. {FIND} If it stays near the limit, open a support "
                "case with the provider, with these figures.")
    defrag, disarm = profile.fix(ETCD_DEFRAG), etcdctl_command(data, "alarm disarm")
    if defrag is None or disarm is None or cluster_facts(data).datastore.kind == EXTERNAL_ETCD:
        return None
    defrag_code, defrag_note = split_comment(defrag)
    disarm_code, _ = split_comment(disarm)
    raise_quota = profile.fix(RAISE_ETCD_QUOTA) or ("raise --quota-backend-bytes on every member (etcd suggests at "
                                                    "most 8 GiB)")
    return (f"{FIND} Make sure the API server compacts (--etcd-compaction-interval, 5m by default), then defragment "
            f"each member in turn: `{defrag_code}`" + (f" ({defrag_note})" if defrag_note else "") + ". If the data "
            f"is legitimately large, {raise_quota}. After a NOSPACE alarm: `{disarm_code}`.")


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    facts = cluster_facts(data)
    store = facts.datastore
    if store.kind in (KINE_SQLITE, KINE_EXTERNAL):
        return [Finding(ID, Status.SKIP, f"this cluster has no etcd ({store.kind}: {'; '.join(store.evidence)}): "
                        "no etcd backend quota applies", {"datastore": store.kind})]
    fallback = _fact_quota(store)
    members, notes = etcd_scrapes(data)
    findings: list[Finding] = []
    for metrics in members:
        own_quota = gauge(metrics, QUOTA_BACKEND_BYTES)
        chosen = (own_quota, "etcd_server_quota_backend_bytes") if own_quota else fallback
        if chosen is None:
            continue
        findings.extend(judge(size, chosen[0], chosen[1], thresholds) for size in db_sizes(metrics))
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
    if fallback is None:
        usage = profile_of(data).fix(ETCD_USAGE)  # where the provider says how close it is, where it does
        where = f"; {profile_of(data).title} says when it nears the limit: {code_span(usage)}" if usage else ""
        return [Finding(ID, Status.SKIP, f"the database size is known ({_gib(max(s.bytes for s in sizes))}) but not "
                        f"its limit: {store.quota_source}{where}", {"datastore": store.kind, "otherSources": notes})]
    return [judge(size, fallback[0], fallback[1], thresholds, _apiserver_view(size)) for size in sizes]


def _apiserver_view(size: DbSize) -> str:
    """How the API server's figure is named: its label names the storage cluster, not an etcd member."""
    if size.target.startswith(("http://", "https://")):
        return f"the etcd database behind {size.target} (as the API server sees it)"
    return f"the etcd database (storage cluster {size.target}, as the API server reports it)"
