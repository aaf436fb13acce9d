"""apiserver-overload: the share of requests the API server turned away with 429 (API Priority and
Fairness rejections and max-inflight limits), from its own counters: over the ``--window`` when there is
one (the API server as it is now), else since it started, and every finding says which."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import served_version
from kubectl_arch.audit.metric_readings import apiserver_reading, missing_at_window_end
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import KUBE_APISERVER, control_plane_components
from kubectl_arch.model.metrics import Metrics, MetricsError
from kubectl_arch.model.versions import Version
from kubectl_arch.model.window import WINDOW, Basis, Increase, Reading, counter_increase, duration_words

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
    # Shares of all requests; fewer requests than min_window_requests in the window and a share means little.
    thresholds={"warn_ratio": 0.001, "fail_ratio": 0.01, "min_window_requests": 100},
)

REQUESTS = "apiserver_request_total"
REJECTED = "apiserver_flowcontrol_rejected_requests_total"
APF_PREFIX = "apiserver_flowcontrol_"  # every API Priority and Fairness metric; none at all means APF is off
APF_DEFAULT_ON = Version(1, 20)
APF_OFF = ("API Priority and Fairness is off on this API server (no apiserver_flowcontrol_* metric; alpha in "
           "1.18-1.19, on by default from 1.20, or turned off with --enable-priority-and-fairness=false)")


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    reading = apiserver_reading(data)
    if isinstance(reading, MetricsError):
        return [Finding(META.id, Status.SKIP, reading.message)]
    if reading.second_error is not None:
        return [missing_at_window_end(META.id, reading)]
    counts = _counts(reading, int(thresholds["min_window_requests"]))
    if isinstance(counts, str):
        return [Finding(META.id, Status.SKIP, counts)]
    total, throttled, rejected, basis = counts
    apf_on = _apf_enabled(data, reading.latest)
    evidence: dict[str, Any] = {"requests": int(total), "http_429": int(throttled),
                                "apf_rejected": {k: int(v) for k, v in rejected.items()},
                                "apf_enabled": apf_on, "basis": basis.evidence(),
                                "note": "evictions blocked by a PodDisruptionBudget also answer 429"}
    rate = _per_minute(basis)
    if rate is not None:
        evidence["http_429_per_minute"] = round(throttled * rate, 2)
        evidence["apf_rejected_per_minute"] = round(sum(rejected.values()) * rate, 2)
    if not total:
        return [Finding(META.id, Status.SKIP, f"the API server's counters hold no request {basis.sentence()}",
                        evidence=evidence)]
    # APF rejections are overload by definition; a bare 429 may be a blocked eviction, so it counts by share.
    if rejected:
        count = sum(rejected.values())
        worst = next(iter(rejected))
        status = Status.FAIL if count / total >= float(thresholds["fail_ratio"]) else Status.WARN
        return [Finding(META.id, status, f"API Priority and Fairness rejected {int(count):,} of {int(total):,} "
                        f"requests ({count / total:.3%}{_minutely(count, rate)}) {basis.sentence()}; most in {worst}",
                        evidence=evidence)]
    ratio = throttled / total
    if ratio >= float(thresholds["fail_ratio"]):
        status = Status.FAIL
    elif ratio >= float(thresholds["warn_ratio"]):
        status = Status.WARN
    else:
        apf = "no request rejected by API Priority and Fairness" if apf_on else APF_OFF
        return [Finding(META.id, Status.PASS, f"{apf}; {int(throttled):,} of {int(total):,} answered 429 ({ratio:.3%}"
                        f"{_minutely(throttled, rate)}) {basis.sentence()}", evidence=evidence)]
    off = "" if apf_on else f" ({APF_OFF}: the max-inflight limits reject instead)"
    return [Finding(META.id, status, f"{int(throttled):,} of {int(total):,} requests ({ratio:.2%}"
                    f"{_minutely(throttled, rate)}) were answered 429 {basis.sentence()}{off}", evidence=evidence)]


def _counts(reading: Reading, min_window_requests: int) -> tuple[float, float, dict[str, float], Basis] | str:
    """Requests, 429s and APF rejections by priority level over one basis: the window when it saw at least
    ``min_window_requests`` requests, else the counters since the API server started (the basis says why);
    or why there is nothing to count."""
    total = counter_increase(reading, REQUESTS)
    if total is None:
        return f"the API server's metrics have no {REQUESTS} samples"
    throttled = counter_increase(reading, REQUESTS, lambda labels: labels.get("code") == "429")
    rejected = counter_increase(reading, REJECTED)
    if total.basis.kind == WINDOW:
        lifetime = ""
        if total.value < min_window_requests:
            lifetime = (f"the {duration_words(total.basis.seconds)} window saw only {int(total.value)} request"
                        f"{'' if int(total.value) == 1 else 's'} (fewer than {min_window_requests}): lifetime "
                        "counts instead")
        elif any(found is not None and found.basis.kind != WINDOW for found in (throttled, rejected)):
            lifetime = reading.restart_note()  # one counter went down: every count is taken since the restart
        if lifetime:
            return _counts(Reading(reading.source, reading.latest, now=reading.now, no_window=lifetime), 0)
    values = (total.value, throttled.value if throttled else 0.0, rejected.value if rejected else 0.0)
    if not all(math.isfinite(value) for value in values):
        return "the API server's request counters add up to no finite number: nothing is judged from them"
    return total.value, values[1], _rejections(rejected), total.basis


def _per_minute(basis: Basis) -> float | None:
    """The factor that turns a count over ``basis`` into a rate per minute; None when its length is unknown."""
    return 60 / basis.seconds if basis.seconds else None


def _minutely(count: float, rate: float | None) -> str:
    return f", {count * rate:.3g} per minute" if rate is not None and count else ""


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


def _rejections(rejected: Increase | None) -> dict[str, float]:
    """APF rejections per ``priority_level (reason)`` over the basis, largest first; series that rejected
    nothing in it (a series may exist at 0) count nothing."""
    counts: dict[str, float] = {}
    for labels, value in (rejected.by_labels.items() if rejected else ()):
        if not value > 0:
            continue
        named = dict(labels)
        key = f"{named.get('priority_level') or '?'} ({named.get('reason') or '?'})"
        counts[key] = counts.get(key, 0.0) + value
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
