"""Collection for the etcd checks: each member's own ``/metrics``, read directly or via the pod proxy
(or, on EKS, etcd's metrics as the provider serves them: ``kubectl_arch.collect.provider_metrics``).

Directly means an HTTPS GET to ``--etcd-endpoints`` with ``--etcd-cacert/--etcd-cert/--etcd-key``, as
etcdctl takes them: a read of etcd, not of the Kubernetes API, so it uses the standard library and
never the kubernetes client. The pod proxy route asks the API server to fetch an etcd pod's metrics
port, which only works when etcd listens for metrics beyond loopback (kubeadm binds 127.0.0.1:2381).
Both needs return ``{"scrapes": [...]}`` (``kubectl_arch.model.metrics.Scrape`` records), one per member.
"""

from __future__ import annotations

import ipaddress
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kubectl_arch.audit.check import CheckOption, OptionKind
from kubectl_arch.audit.metric_readings import provider_reading
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import NEEDS, Need, Rule, register
from kubectl_arch.collect.provider_metrics import EKS_ETCD_METRICS
from kubectl_arch.collect.source import NO_STATUS, Response, Source
from kubectl_arch.collect.window import later, later_name, second_read
from kubectl_arch.errors import UsageError
from kubectl_arch.model import raw
from kubectl_arch.model.components import ETCD, PODS_NEED, is_component_pod, main_container
from kubectl_arch.model.flags import container_flags, flag_list
from kubectl_arch.model.memo import memo
from kubectl_arch.model.metrics import (
    Metrics,
    MetricsError,
    Scrape,
    scrapes_from,
)
from kubectl_arch.model.window import Reading
from kubectl_arch.wording import listed

ETCD_ENDPOINT_METRICS = "etcd-endpoint-metrics"
ETCD_POD_METRICS = "etcd-pod-metrics"

# The flags reaching etcd directly, as etcdctl takes them; the etcd checks share these declarations.
ETCD_ENDPOINTS = CheckOption("etcd-endpoints", "etcd client URLs, comma-separated, as etcdctl takes them.",
                             OptionKind.URLS, "URLS", example="https://10.0.0.10:2379")
ETCD_CACERT = CheckOption("etcd-cacert", "CA bundle verifying etcd.", OptionKind.FILE, "FILE")
ETCD_CERT = CheckOption("etcd-cert", "Client certificate for etcd.", OptionKind.FILE, "FILE")
ETCD_KEY = CheckOption("etcd-key", "Client key for etcd (used by TLS only, never printed).", OptionKind.FILE, "FILE")
ETCD_CLIENT_OPTIONS = (ETCD_ENDPOINTS, ETCD_CACERT, ETCD_CERT, ETCD_KEY)

TIMEOUT_SECONDS = 10.0
MAX_METRICS_BYTES = 64 * 1024 * 1024  # etcd's /metrics is ~100 KiB; anything this big is not metrics


def _as_list(value: object) -> list[str]:
    """``--etcd-endpoints`` as a list, whether given as a list or one comma-separated string."""
    if isinstance(value, str):
        return flag_list(value)
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def _tls_context(options: Mapping[str, Any]) -> ssl.SSLContext:
    """A verifying client context: etcd's CA when given (else the system's), and the client pair when given.

    The key file is handed to the TLS library to prove the client certificate, as etcdctl does; its
    contents are never read into this program's data. A file that is missing, not a regular file (a FIFO
    would block the run) or not what its flag says is a usage error: exit 2 with one line.
    """
    for flag in (ETCD_CACERT.name, ETCD_CERT.name, ETCD_KEY.name):
        given = options.get(flag)
        if given and not Path(str(given)).expanduser().is_file():
            raise UsageError(f"--{flag} {given} is not a readable file")
    try:
        context = ssl.create_default_context(cafile=options.get(ETCD_CACERT.name) or None)
        cert, key = options.get(ETCD_CERT.name), options.get(ETCD_KEY.name)
        if cert:
            context.load_cert_chain(str(cert), str(key) if key else None)
        elif key:
            raise UsageError("--etcd-key needs --etcd-cert")
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise UsageError(f"the etcd TLS files could not be loaded (--etcd-cacert/--etcd-cert/--etcd-key): {exc}",
                         hint="pass the CA, client certificate and key etcdctl uses") from None
    return context


def _metrics_url(endpoint: str, secure_default: bool) -> str:
    if "://" not in endpoint:
        endpoint = f"{'https' if secure_default else 'http'}://{endpoint}"
    return endpoint.rstrip("/") + "/metrics"


def scrape_endpoint(url: str, context: ssl.SSLContext, timeout: float = TIMEOUT_SECONDS) -> Scrape:
    """GET one etcd member's /metrics; failures come back as a ``Scrape`` with the reason."""
    source = f"etcd {url.removesuffix('/metrics')}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(urllib.request.Request(url, method="GET"), timeout=timeout) as answer:
            body = answer.read(MAX_METRICS_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return Scrape(source, error=f"etcd answered HTTP {exc.code} for {url}")
    except (urllib.error.URLError, ssl.SSLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Scrape(source, error=f"could not read {url}: {reason}")
    if len(body) > MAX_METRICS_BYTES:
        return Scrape(source, error=f"{url} answered more than {MAX_METRICS_BYTES} bytes: not a metrics page")
    return Scrape(source, text=body.decode("utf-8", errors="replace"))


def fetch_endpoint_metrics(_source: Source, data: ClusterData) -> Response:
    """Each ``--etcd-endpoints`` member's /metrics, with the etcdctl-style certificates."""
    options = data.options
    endpoints = _as_list(options.get(ETCD_ENDPOINTS.name))
    if not endpoints:
        return Response(status=NO_STATUS, error="--etcd-endpoints was not given", absent=True)
    context = _tls_context(options)
    secure = bool(options.get(ETCD_CERT.name) or options.get(ETCD_CACERT.name))
    scrapes = [scrape_endpoint(_metrics_url(endpoint, secure), context) for endpoint in endpoints]
    records = {"scrapes": [s.to_record() for s in scrapes]}
    failed = [s for s in scrapes if s.error]
    if not failed:
        return Response(status=200, data=records)
    # Each member that did not answer is named; what the others said is kept (and shown), but the route is
    # incomplete: checks that read it cannot pass on the members that happened to answer.
    answered = len(scrapes) - len(failed)
    quorum = len(scrapes) // 2 + 1
    verdict = "a quorum" if answered >= quorum else f"fewer than a quorum ({quorum})"
    error = (f"{answered} of {len(scrapes)} etcd endpoints answered, {verdict}: "
             + "; ".join(f"{s.source}: {s.error}" for s in failed))
    return Response(status=200, data=records, error=error)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def pod_metrics_port(pod: Mapping[str, Any]) -> tuple[str, int] | str:
    """(scheme, port) of an etcd pod's metrics listener reachable from the API server, or why there is none."""
    flags = container_flags(main_container(pod, ETCD))
    urls = flag_list(flags.get("listen-metrics-urls"))
    if not urls:
        return ("etcd serves /metrics only on its client port, which demands a client certificate the "
                "API server's pod proxy cannot present")
    for url in urls:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:  # not a URL (a hand-edited or hostile flag): not a listener we can reach
            continue
        if parts.hostname and not _is_loopback(parts.hostname) and port:
            return parts.scheme or "http", port
    return (f"etcd serves /metrics on {', '.join(urls)} only (--listen-metrics-urls; kubeadm binds it to "
            "127.0.0.1:2381), which the API server's pod proxy cannot reach: pass --etcd-endpoints with "
            "etcd's client certificates to read etcd's own figures")


def fetch_pod_metrics(source: Source, data: ClusterData) -> Response:
    """Each etcd static pod's metrics through ``/api/v1/namespaces/kube-system/pods/<pod>:<port>/proxy/metrics``."""
    pods = data.responses.get(PODS_NEED)
    if pods is None or not pods.ok:  # the read that would find etcd's pods failed: named, with its reason
        reason = pods.skip_reason(data.descriptions.get(PODS_NEED, PODS_NEED)) if pods else f"{PODS_NEED} not read"
        return Response(status=pods.status if pods else NO_STATUS, error=f"etcd's pods could not be found: {reason}")
    etcd_pods = [pod for pod in pods.items if is_component_pod(pod, ETCD)]
    if not etcd_pods:  # etcd may be external, managed, embedded (k3s) or in OpenShift's openshift-etcd
        return Response(status=NO_STATUS, error="no etcd pods in kube-system, the one namespace this read proxies to",
                        absent=True)
    scrapes = []
    failed: Response | None = None  # a member whose proxied read failed: the route's figures are incomplete
    for pod in etcd_pods:
        name = raw.name(pod)
        target = pod_metrics_port(pod)
        if isinstance(target, str):
            scrapes.append(Scrape(f"pod kube-system/{name}", error=target))
            continue
        scheme, port = target
        prefix = "https:" if scheme == "https" else ""
        path = f"/api/v1/namespaces/kube-system/pods/{prefix}{name}:{port}/proxy/metrics"
        answer = source.get(path)
        label = f"pod kube-system/{name} via the pod proxy"
        if answer.ok and answer.text is not None:
            scrapes.append(Scrape(label, text=answer.text))
        else:
            scrapes.append(Scrape(label, error=answer.skip_reason(f"{path}")))
            if not answer.answered() and failed is None:
                failed = Response(status=answer.status, error=f"{label}: {answer.skip_reason(path)}")
    records = {"scrapes": [s.to_record() for s in scrapes]}
    if failed is not None:
        return Response(status=failed.status, data=records, error=failed.error)
    return Response(status=200, data=records)


ENDPOINT_NEED = register(Need(
    ETCD_ENDPOINT_METRICS,
    "etcd's own metrics from --etcd-endpoints",
    fetch=fetch_endpoint_metrics,
    rule=Rule(verbs=()),  # a read of etcd with its client certificate, not of the Kubernetes API
))
POD_NEED = register(Need(
    ETCD_POD_METRICS,
    "etcd's metrics through the API server's pod proxy",
    after=(PODS_NEED,),
    fetch=fetch_pod_metrics,
    rule=Rule(api_groups=("",), resources=("pods/proxy",), verbs=("get",), namespace="kube-system"),
))
# The second scrape of each route, a --window after the first.
ENDPOINT_LATER = later(ENDPOINT_NEED)
POD_LATER = later(POD_NEED)


# -- reading what was collected (pure) ---------------------------------------------------------------


def etcd_scrapes(data: ClusterData) -> tuple[list[Metrics], list[str]]:
    """etcd's own parsed scrapes, from the first route that gave any (direct, then pod proxy), and why
    each route or member that gave nothing failed, for the evidence. Parsed once per ``ClusterData``."""
    members, notes = memo(data, "etcd.scrapes", (ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS), _etcd_scrapes)
    return list(members), list(notes)


def route_scrapes(response: Response) -> list[Scrape] | None:
    """The members' scrapes of a route's answer, or None when the route itself failed. A route where some
    members did not answer (2xx, its error naming them) is incomplete, not failed: the members that
    answered are still judged and shown, and the runner names the rest as a failed read."""
    if not 200 <= response.status < 300 or not isinstance(response.data, Mapping):
        return None
    return scrapes_from(response.data)


def _etcd_scrapes(data: ClusterData) -> tuple[list[Metrics], list[str]]:
    notes: list[str] = []
    for need in (ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS):
        usable = _parsed_members(data, need, notes)
        if usable:
            return usable, notes
    return [], notes


def _parsed_members(data: ClusterData, need: str, notes: list[str]) -> list[Metrics]:
    """The members a route's (first) scrape parsed into; why the route or a member gave nothing goes to
    ``notes``."""
    response = data.responses.get(need)
    if response is None:
        return []
    scrapes = route_scrapes(response)
    if scrapes is None:
        notes.append(f"{NEEDS[need].description}: {response.error or f'HTTP {response.status}'}")
        return []
    parsed = [scrape.parse() for scrape in scrapes]
    notes.extend(one_note_per_reason([p for p in parsed if isinstance(p, MetricsError)]))
    return [p for p in parsed if isinstance(p, Metrics)]


def one_note_per_reason(failed: Sequence[MetricsError]) -> list[str]:
    """The members that failed for one reason, named together: kubeadm's three members behind the same loopback
    listener are one sentence, not the same sentence three times."""
    by_reason: dict[str, list[str]] = {}
    for error in failed:
        by_reason.setdefault(error.message, []).append(error.source)
    return [f"{_named_together(sources)}: {reason}" for reason, sources in by_reason.items()]


def _named_together(sources: Sequence[str]) -> str:
    """'pod kube-system/a', or 'pods a, b and c in kube-system' (sources of other shapes listed whole)."""
    if len(sources) == 1:
        return sources[0]
    prefix = "pod kube-system/"
    if all(source.startswith(prefix) and " " not in source.removeprefix(prefix) for source in sources):
        names = [source.removeprefix(prefix) for source in sources]
        return f"pods {listed(names)} in kube-system"
    return listed(sources)


ETCD_ROUTES = (ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, EKS_ETCD_METRICS)


def etcd_readings(data: ClusterData) -> tuple[list[Reading], list[str]]:
    """Each etcd member read once or twice (a --window apart), from the first route that gave any, and
    why each route or member that gave nothing failed. A member read at the start of the window but not
    at its end comes back with ``second_error`` set: it went missing during the audit. Parsed once per
    ``ClusterData``: every etcd check reads the same scrapes."""
    reads = (*ETCD_ROUTES, *(later_name(route) for route in ETCD_ROUTES))
    readings, notes = memo(data, "etcd.readings", reads, _etcd_readings)
    return list(readings), list(notes)


def _etcd_readings(data: ClusterData) -> tuple[list[Reading], list[str]]:
    notes: list[str] = []
    for need in (ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS):
        firsts = _parsed_members(data, need, notes)
        readings = _paired(data, need, firsts) if firsts else []
        if readings:
            return readings, notes
    if EKS_ETCD_METRICS in data.responses and data.responses[EKS_ETCD_METRICS].status != NO_STATUS:
        provided = provider_reading(data, EKS_ETCD_METRICS)
        if isinstance(provided, Reading):
            return [provided], notes
        notes.append(f"{provided.source}: {provided.message}")
    return [], notes


def _paired(data: ClusterData, need: str, firsts: list[Metrics]) -> list[Reading]:
    """Each first scrape beside the same member's second scrape, when there is one."""
    second = second_read(data, need)
    if second.response is None:
        return [Reading(m.source, m, now=data.now, no_window=second.why_not) for m in firsts]
    answered = route_scrapes(second.response)
    if answered is None:
        why = second.response.error or f"HTTP {second.response.status}"
        return [Reading(m.source, m, now=data.now, no_window=f"the second scrape failed: {why}", second_error=why)
                for m in firsts]
    later_scrapes = {s.source: s for s in answered}
    readings = []
    for first in firsts:
        scrape = later_scrapes.get(first.source)
        parsed = scrape.parse() if scrape else MetricsError(first.source, "it was not scraped the second time")
        if isinstance(parsed, MetricsError):
            readings.append(Reading(first.source, first, now=data.now, second_error=parsed.message,
                                    no_window=f"the second scrape failed: {parsed.message}"))
        else:
            readings.append(Reading(first.source, first, parsed, second.elapsed, data.now))
    return readings
