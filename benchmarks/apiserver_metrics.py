"""The /metrics text of a busy kube-apiserver, as large as a real one (about 2 MB), for the benchmark.

Size matters here: audit parses this text, and a toy page would hide that cost. The families are the
ones the checks read (object counts, storage size, etcd latency, request totals, APF rejections) plus
the request-latency histograms that make up most of a real scrape.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

RESOURCES = ("pods", "nodes", "services", "endpointslices", "events", "leases", "configmaps", "secrets",
             "deployments", "replicasets", "daemonsets", "statefulsets", "jobs", "cronjobs", "namespaces",
             "serviceaccounts", "persistentvolumeclaims", "persistentvolumes", "roles", "rolebindings",
             "clusterroles", "clusterrolebindings", "customresourcedefinitions", "apiservices",
             "mutatingwebhookconfigurations", "validatingwebhookconfigurations", "flowschemas",
             "prioritylevelconfigurations", "poddisruptionbudgets", "horizontalpodautoscalers")
VERBS = ("GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "DELETE")
ETCD_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15,
                20, 30, 45, 60)
REQUEST_BUCKETS = (0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20,
                   30, 45, 60)


def apiserver_metrics(object_counts: Mapping[str, int], storage_bytes: int) -> str:
    lines: list[str] = []
    lines += _family("apiserver_storage_objects", "gauge",
                     "[STABLE] Number of stored objects at the time of last check split by kind.")
    lines += [f'apiserver_storage_objects{{resource="{r}"}} {n}' for r, n in sorted(object_counts.items())]
    lines += _family("apiserver_storage_size_bytes", "gauge",
                     "[STABLE] Size of the storage database file physically allocated in bytes.")
    lines.append(f'apiserver_storage_size_bytes{{storage_cluster_id="etcd-0"}} {storage_bytes}')
    lines += _family("apiserver_request_total", "counter",
                     "[STABLE] Counter of apiserver requests broken out for each verb, resource and HTTP code.")
    for verb, resource in itertools.product(VERBS, RESOURCES):
        for code, share in (("200", 1.0), ("404", 0.01), ("409", 0.001)):
            count = int(_volume(verb, resource) * share)
            lines.append(f'apiserver_request_total{{code="{code}",component="apiserver",group="",'
                         f'resource="{resource}",scope="namespace",subresource="",verb="{verb}",version="v1"}} {count}')
    lines += _family("apiserver_flowcontrol_rejected_requests_total", "counter",
                     "[BETA] Number of requests rejected by API Priority and Fairness subsystem")
    lines += _family("etcd_request_duration_seconds", "histogram",
                     "[ALPHA] Etcd request latency in seconds for each operation and object type.")
    for operation, resource in itertools.product(("get", "list", "update", "create", "delete"), RESOURCES):
        labels = f'group="",operation="{operation}",resource="{resource}"'
        lines += _histogram("etcd_request_duration_seconds", labels, ETCD_BUCKETS, _volume(operation, resource), 0.004)
    lines += _family("apiserver_request_duration_seconds", "histogram",
                     "[STABLE] Response latency distribution in seconds for each verb, dry run value, group, "
                     "version, resource, subresource, scope and component.")
    for verb, resource in itertools.product(VERBS, RESOURCES):
        labels = (f'component="apiserver",dry_run="",group="",resource="{resource}",scope="namespace",'
                  f'subresource="",verb="{verb}",version="v1"')
        lines += _histogram("apiserver_request_duration_seconds", labels, REQUEST_BUCKETS, _volume(verb, resource),
                            0.02)
    return "\n".join(lines) + "\n"


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]


def _volume(verb: str, resource: str) -> int:
    """A stable, varied request count per series."""
    return 10_000 + (len(verb) * 7_919 + len(resource) * 104_729) % 900_000


def _histogram(name: str, labels: str, buckets: tuple[float, ...], total: int, mean: float) -> list[str]:
    """Cumulative buckets with most observations in the first few, as request latencies are."""
    lines = []
    cumulative = 0
    for position, bound in enumerate(buckets):
        cumulative = min(total, cumulative + total // (2 ** position + 1))
        lines.append(f'{name}_bucket{{{labels},le="{bound}"}} {cumulative}')
    lines += [f'{name}_bucket{{{labels},le="+Inf"}} {total}', f"{name}_sum{{{labels}}} {total * mean:.1f}",
              f"{name}_count{{{labels}}} {total}"]
    return lines
