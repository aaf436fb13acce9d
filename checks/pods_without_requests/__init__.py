"""pods-without-requests: running pods whose containers request no CPU or memory, the noisy neighbours the
scheduler places blind. Lists every pod page by page and keeps only counts (--include-workloads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import json_object, register_computed_need, workload_list_path, workload_scope
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.source import Response, Source, iter_pages
from kubectl_arch.model import raw
from kubectl_arch.wording import plural

EXAMPLES = 5  # pods named per namespace: enough to act on, bounded however large the cluster


def lacks_requests(pod: Mapping[str, Any]) -> bool:
    """True when some app container requests neither CPU nor memory (init containers run and exit). A limit counts
    as a request: the API server defaults a missing request to its limit, so only a snapshot or fixture written by
    hand can hold a limit without one, and the scheduler would still place that container by it."""
    for container in raw.containers(raw.mapping(pod.get("spec"))):
        resources = raw.mapping(container.get("resources"))
        requests = raw.mapping(resources.get("requests"))
        limits = raw.mapping(resources.get("limits"))
        if not any(given.get(name) for given in (requests, limits) for name in ("cpu", "memory")):
            return True
    return False


def summarise_pods(pages: Any) -> Response:
    """Fold pod list pages into counts per namespace; a failed page is returned as it came."""
    running = 0
    without: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    best_effort = 0
    for page in pages:
        if not page.ok:
            return page
        for pod in page.items:
            if raw.mapping(pod.get("status")).get("phase") in ("Succeeded", "Failed"):
                continue
            running += 1
            if not lacks_requests(pod):
                continue
            namespace = raw.namespace(pod)
            without[namespace] = without.get(namespace, 0) + 1
            named = examples.setdefault(namespace, [])
            if len(named) < EXAMPLES:
                named.append(raw.name(pod))
            best_effort += raw.mapping(pod.get("status")).get("qosClass") == "BestEffort"
    return Response(status=200, data={"pods": running, "without_requests": without, "examples": examples,
                                      "best_effort": best_effort})


def _fetch(source: Source, data: ClusterData) -> Response:
    return summarise_pods(iter_pages(source, workload_list_path(data, "pods")))


POD_REQUESTS = register_computed_need("pod-requests-summary", "every pod in every namespace (counted page by page)",
                                      "pods", _fetch)

META = CheckMeta(
    id="pods-without-requests",
    title="Running pods declare CPU and memory requests",
    component="workloads",
    why="The scheduler places pods by their requests. A pod without any is placed as if it used nothing, so "
        "nodes get overcommitted and one busy pod starves its neighbours; under memory pressure the kubelet "
        "evicts first the pods using more than they request, which a container requesting nothing makes likely "
        "(a pod with no request or limit on any container is BestEffort: all the memory it uses is over its "
        "request). Capacity planning and autoscaling both read requests.",
    fix="Set `resources.requests` (cpu and memory) on every container, from observed usage "
        "(`kubectl top pod`, a VerticalPodAutoscaler in recommendation mode); enforce defaults per namespace "
        "with a LimitRange and totals with a ResourceQuota.",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/concepts/policy/limit-range/",
    ),
    needs=(POD_REQUESTS.name,),
    thresholds={"fail_percent": 50.0, "ignore_namespaces": ["kube-system"]},
    workloads=True,
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    summary = json_object(data, POD_REQUESTS.name)
    ignored = set(thresholds["ignore_namespaces"])
    without = {ns: n for ns, n in raw.mapping(summary.get("without_requests")).items() if ns not in ignored}
    running = int(summary.get("pods") or 0)
    missing = sum(without.values())
    evidence: dict[str, Any] = {"running_pods": running, "read": workload_scope(data), "without_requests": missing,
                                "ignored_namespaces": sorted(ignored),
                                "by_namespace": dict(sorted(without.items(), key=lambda kv: -kv[1])[:10])}
    if not missing:
        every = ("no running pod to judge" if not running else "the only running pod requests CPU or memory"
                 if running == 1 else f"all {running} running pods request CPU or memory")
        return [Finding(META.id, Status.PASS, every, evidence=evidence)]
    percent = 100.0 * missing / running if running else 0.0
    status = Status.FAIL if percent >= float(thresholds["fail_percent"]) else Status.WARN
    verb = "has" if missing == 1 else "have"
    findings = [Finding(META.id, status, f"{missing} of {running} running pods ({percent:.0f}%) {verb} a container "
                        "with no CPU or memory request", evidence=evidence)]
    examples = raw.mapping(summary.get("examples"))
    for namespace, count in sorted(without.items(), key=lambda kv: -kv[1])[:10]:
        names = ", ".join(raw.sequence(examples.get(namespace)))
        message = f"namespace {namespace}: {plural(count, 'pod')} without requests (e.g. {names})"
        findings.append(Finding(META.id, status, message, object=f"namespace/{namespace}"))
    return findings
