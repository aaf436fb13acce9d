"""Metrics answers as the checks judge them: one source read once or twice (a ``--window`` apart).

A text ``/metrics`` need (the API server's, a provider's component metrics) is paired with its second
read; a provider's figures that cannot be read say why in words an operator acts on: the read that
failed on EKS, the provider that hides them elsewhere, or why a self-managed component is out of reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import NEEDS, permission
from kubectl_arch.collect.provider_metrics import BY_NEED, EKS_METRICS_REFERENCE, is_eks
from kubectl_arch.collect.window import later_name, second_read
from kubectl_arch.model.memo import memo
from kubectl_arch.model.metrics import APISERVER_FAMILIES, Metrics, MetricsError, parse_metrics, scrape_metrics
from kubectl_arch.model.window import Reading

APISERVER_METRICS = "apiserver-metrics"
APISERVER_SOURCE = "the API server's /metrics"


def apiserver_reading(data: ClusterData) -> Reading | MetricsError:
    """The API server's /metrics read once or twice (a --window apart), or why it is not available."""
    first = apiserver_scrape(data)
    if isinstance(first, MetricsError):
        return first
    return memo(data, "apiserver.reading", (APISERVER_METRICS, later_name(APISERVER_METRICS)),
                lambda read: paired_text_reading(read, APISERVER_METRICS, first, APISERVER_FAMILIES))


def apiserver_scrape(data: ClusterData) -> Metrics | MetricsError:
    """The API server's own /metrics, parsed (only the families checks read), or why it is not available."""
    response = data.responses.get(APISERVER_METRICS)
    if response is None:
        return MetricsError(APISERVER_SOURCE, "the API server's metrics were not collected")
    if not response.ok or response.text is None:
        need = NEEDS[APISERVER_METRICS]
        return MetricsError(APISERVER_SOURCE, response.skip_reason(need.description, permission(need)))
    return scrape_metrics(data, APISERVER_METRICS, APISERVER_SOURCE, APISERVER_FAMILIES)


def provider_reading(data: ClusterData, need: str) -> Reading | MetricsError:
    """A provider's metrics for one component, read once or twice (a --window apart), or why there are none."""
    endpoint = BY_NEED[need]
    response = data.responses.get(need)
    if response is None:
        return MetricsError(endpoint.label, f"{NEEDS[need].description} was not collected")
    if not response.ok or response.text is None:
        return MetricsError(endpoint.label, response.skip_reason(NEEDS[need].description, permission(NEEDS[need])))
    first = scrape_metrics(data, need, endpoint.label)
    if isinstance(first, MetricsError):
        return first
    return memo(data, f"provider.{need}.reading", (need, later_name(need)),
                lambda read: paired_text_reading(read, need, first))


def paired_text_reading(data: ClusterData, need: str, first: Metrics,
                        families: tuple[str, ...] | None = None) -> Reading:
    """A plain-text metrics need's first scrape beside its second, when there is one. With ``families`` the
    second parses only their lines, as the first did (a 3 MB /metrics parsed whole cost more than every check)."""
    second = second_read(data, need)
    if second.response is None:
        return Reading(first.source, first, now=data.now, no_window=second.why_not)
    if not second.response.ok or second.response.text is None:
        why = second.response.skip_reason(NEEDS[need].description, permission(NEEDS[need]))
        return Reading(first.source, first, now=data.now, no_window=f"the second scrape failed: {why}",
                       second_error=why)
    parsed = parse_metrics(second.response.text, first.source, families)  # once: callers memoize the reading
    if isinstance(parsed, MetricsError):
        return Reading(first.source, first, now=data.now, no_window=f"the second scrape failed: {parsed.message}",
                       second_error=parsed.message)
    return Reading(first.source, first, parsed, second.elapsed, data.now)


@dataclass(frozen=True)
class SecurePortMetrics:
    """A control-plane component that serves /metrics only on its own authenticated port: what it is called, the
    port, and the ServiceMonitor through which OpenShift's monitoring stack scrapes it (namespace/name)."""

    component: str  # "the scheduler"
    port: int
    openshift_monitor: str
    metric: str  # the family its check judges, as a grep finds it

    def out_of_reach(self, distribution: str | None) -> str:
        """Why the tool cannot read them, and where the detected distribution (None: not detected) has them."""
        head = (f"{self.component} serves its metrics only on its own secure port ({self.port}{{bound}}), with "
                "authentication, which the API server's pod proxy cannot reach")
        curl = f"`curl -k --cert ... https://127.0.0.1:{self.port}/metrics`"
        if distribution == "k3s":  # docs.k3s.io/reference/metrics: one registry per process, on every endpoint
            return (f"k3s runs {self.component} inside its server process, whose one metrics registry every k3s "
                    f"metrics endpoint serves: the API server's /metrics carries {self.component}'s figures for the "
                    f"server that answered (`kubectl get --raw /metrics | grep {self.metric}`), though this audit "
                    f"does not judge them from there; on a server its own port ({self.port}, bound to 127.0.0.1) "
                    f"serves them too: {curl}")
        if distribution == "openshift":  # each operator ships a ServiceMonitor that prometheus-k8s reads
            return (head.format(bound="") + "; on OpenShift the platform's monitoring stack scrapes them "
                    f"(ServiceMonitor {self.openshift_monitor}, read by Prometheus in openshift-monitoring): query "
                    "them there")
        bound, where = {
            "kubeadm": ("; kubeadm binds it to 127.0.0.1", "on a control-plane node"),
            "kind": ("; kind's kubeadm binds it to 127.0.0.1",
                     "inside a control-plane node's container (`docker exec -it <node> bash`)"),
            "minikube": ("", "inside the minikube node (`minikube ssh`)"),
            None: ("; kubeadm and k3s bind it to 127.0.0.1", "on a control-plane node"),
        }.get(distribution, ("", "on a control-plane node"))
        return f"{head.format(bound=bound)}; {where} read them with {curl}"


def for_eks_only(findings: list[Finding], data: ClusterData, general_fix: str,
                 references: tuple[str, ...]) -> list[Finding]:
    """Off EKS, the findings carry ``general_fix`` (the check's fix without its EKS step) and ``references`` without
    EKS's metrics page: a k3s or kind reader is never sent to AWS. On EKS they keep the check's own."""
    if is_eks(data):
        return findings
    pages = tuple(page for page in references if page != EKS_METRICS_REFERENCE)
    for finding in findings:
        finding.fix = finding.fix or general_fix
        finding.references = finding.references or pages
    return findings


def provider_metrics_or_reason(data: ClusterData, need: str, what: str,
                               self_managed: SecurePortMetrics) -> Reading | str:
    """A provider-served component's metrics, or why they cannot be read here, in words an operator acts on:
    the read that failed on EKS, the provider that hides them elsewhere, or why a self-managed cluster's
    component metrics are out of reach and where its distribution has them (``self_managed``)."""
    from kubectl_arch.model.distribution import READS, detect_distribution

    reading = provider_reading(data, need)
    if isinstance(reading, Reading):
        return reading
    if is_eks(data):
        return f"{what} could not be read: {reading.message}"
    if not all(name in data.responses for name in READS):
        return self_managed.out_of_reach(None)
    distribution = detect_distribution(data)
    if distribution.managed:
        return (f"{distribution.managed_by} does not expose {what} through the API: this figure is hidden by "
                "the provider")
    return self_managed.out_of_reach(distribution.name)


def missing_at_window_end(check_id: str, reading: Reading, status: Status = Status.SKIP,
                          verdict: str = "nothing is judged from its earlier scrape",
                          evidence: dict[str, Any] | None = None) -> Finding:
    """A source that answered the first scrape and not the second: its older scrape is never judged, so it
    never passes; ``status`` FAIL where not answering is itself the problem (an etcd member gone)."""
    return Finding(check_id, status, f"{reading.source} answered at the start of the window but not at its end "
                   f"({reading.second_error}): {verdict}",
                   {"source": reading.source, "secondScrape": reading.second_error, **(evidence or {})},
                   reading.source)
