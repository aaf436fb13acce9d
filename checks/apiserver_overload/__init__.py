"""apiserver-overload: the share of requests the API server turned away with 429 (API Priority and
Fairness rejections and max-inflight limits), from its own counters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import served_version
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import KUBE_APISERVER, control_plane_components
from kubectl_arch.model.metrics import APISERVER_FAMILIES, Metrics, MetricsError, scrape_metrics
from kubectl_arch.model.versions import Version

META = CheckMeta(
    id="apiserver-overload",
    title="The API server is not rejecting requests for overload",
    component="kube-apiserver",
    why="When API Priority and Fairness has no seat or queue space for a request it rejects it with 429 Too Many "
        "Requests. Clients retry, but controllers fall behind, kubectl times out and, when system or "
        "leader-election traffic is throttled, leases can expire. Rejections concentrated in one priority "
        "level point at the client flooding it.",
    fix="Find the flows being rejected: `kubectl get --raw /metrics | grep apiserver_flowcontrol_rejected` and "
        "`kubectl get --raw /debug/api_priority_and_fairness/dump_priority_levels`; fix the noisy client (a "
        "controller listing without a cache, a CI job polling), give it its own FlowSchema, or raise "
        "--max-requests-inflight / --max-mutating-requests-inflight where the API servers have capacity.",
    references=(
        "https://kubernetes.io/docs/concepts/cluster-administration/flow-control/",
        "https://kubernetes.io/docs/reference/instrumentation/metrics/",
    ),
    needs=("apiserver-metrics",),
    optional_needs=("version", "kube-system-pods"),  # whether APF is on: the version and the API server's flags
    thresholds={"warn_ratio": 0.001, "fail_ratio": 0.01},  # shares of all requests
)

REQUESTS = "apiserver_request_total"
REJECTED = "apiserver_flowcontrol_rejected_requests_total"
APF_PREFIX = "apiserver_flowcontrol_"  # every API Priority and Fairness metric; none at all means APF is off
APF_DEFAULT_ON = Version(1, 20)
APF_OFF = ("API Priority and Fairness is off on this API server (no apiserver_flowcontrol_* metric; alpha in "
           "1.18-1.19, on by default from 1.20, or turned off with --enable-priority-and-fairness=false)")


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    metrics = scrape_metrics(data, "apiserver-metrics", "the API server's /metrics", APISERVER_FAMILIES)
    if isinstance(metrics, MetricsError):
        return [Finding(META.id, Status.SKIP, metrics.message)]
    total = sum(s.value for s in metrics.samples(REQUESTS))
    if not total:
        return [Finding(META.id, Status.SKIP, f"the API server's metrics have no {REQUESTS} samples")]
    throttled = sum(s.value for s in metrics.samples(REQUESTS) if s.label("code") == "429")
    rejected = _rejections(metrics)
    apf_on = _apf_enabled(data, metrics)
    evidence: dict[str, Any] = {"requests": int(total), "http_429": int(throttled),
                                "apf_rejected": {k: int(v) for k, v in rejected.items()},
                                "apf_enabled": apf_on,
                                "note": "counters since the API server started; evictions blocked by a "
                                        "PodDisruptionBudget also answer 429"}
    # APF rejections are overload by definition; a bare 429 may be a blocked eviction, so it counts by share.
    if rejected:
        count = sum(rejected.values())
        worst = next(iter(rejected))
        status = Status.FAIL if count / total >= float(thresholds["fail_ratio"]) else Status.WARN
        return [Finding(META.id, status, f"API Priority and Fairness rejected {int(count)} of {int(total)} requests "
                        f"({count / total:.3%}) since the API server started; most in {worst}", evidence=evidence)]
    ratio = throttled / total
    if ratio >= float(thresholds["fail_ratio"]):
        status = Status.FAIL
    elif ratio >= float(thresholds["warn_ratio"]):
        status = Status.WARN
    else:
        apf = "no request rejected by API Priority and Fairness" if apf_on else APF_OFF
        return [Finding(META.id, Status.PASS, f"{apf}; {int(throttled)} of {int(total)} answered 429 ({ratio:.3%}) "
                        "since the API server started", evidence=evidence)]
    off = "" if apf_on else f" ({APF_OFF}: the max-inflight limits reject instead)"
    return [Finding(META.id, status, f"{int(throttled)} of {int(total)} requests ({ratio:.2%}) were answered 429 "
                    f"since the API server started{off}", evidence=evidence)]


def _apf_enabled(data: ClusterData, metrics: Metrics) -> bool:
    """API Priority and Fairness is on unless an API server runs with --enable-priority-and-fairness=false, or
    the version predates its default (alpha in 1.18-1.19, on from 1.20) and the scrape shows none of its metrics."""
    if any(name.startswith(APF_PREFIX) for name in metrics.by_name):
        return True
    if "kube-system-pods" in data.responses and \
            control_plane_components(data)[KUBE_APISERVER].flag("enable-priority-and-fairness") == "false":
        return False
    version = served_version(data) if "version" in data.responses else None
    return version is None or version >= APF_DEFAULT_ON


def _rejections(metrics: Metrics) -> dict[str, float]:
    """APF rejections per ``priority_level (reason)``, largest first; series at 0 count nothing."""
    counts: dict[str, float] = {}
    for sample in metrics.samples(REJECTED):
        if not sample.value > 0:  # a series may exist at 0: it rejected nothing
            continue
        key = f"{sample.label('priority_level') or '?'} ({sample.label('reason') or '?'})"
        counts[key] = counts.get(key, 0.0) + sample.value
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
