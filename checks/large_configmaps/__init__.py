"""large-configmaps: ConfigMaps close to the 1 MiB the API server accepts, where the next update fails.
Reads ConfigMaps page by page and keeps only sizes (--include-workloads: it reads every namespace)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import json_object, register_computed_need, workload_list_path, workload_scope
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.source import Response, Source, iter_pages
from kubectl_arch.model import raw

KEEP_LARGEST = 20
PAGE_SIZE = 100  # ConfigMaps can be large: small pages keep memory bounded


def object_size(obj: Mapping[str, Any]) -> int:
    """Bytes of the object as compact JSON: close to what the API server writes to etcd."""
    return len(json.dumps(obj, separators=(",", ":")).encode())


def summarise_sizes(pages: Iterable[Response]) -> Response:
    """Fold ConfigMap pages into a count and the largest sizes; a failed page is returned as it came."""
    largest: list[tuple[int, str]] = []
    total = 0
    for page in pages:
        if not page.ok:
            return page
        for configmap in page.items:
            total += 1
            largest.append((object_size(configmap), f"{raw.namespace(configmap)}/{raw.name(configmap)}"))
        largest = sorted(largest, reverse=True)[:KEEP_LARGEST]
    return Response(status=200, data={"configmaps": total, "largest": [{"name": n, "bytes": b} for b, n in largest]})


def _fetch(source: Source, data: ClusterData) -> Response:
    return summarise_sizes(iter_pages(source, workload_list_path(data, "configmaps"), limit=PAGE_SIZE))


CONFIGMAP_SIZES = register_computed_need("configmap-sizes",
                                         "every ConfigMap in every namespace (sizes only, page by page)",
                                         "configmaps", _fetch)

META = CheckMeta(
    id="large-configmaps",
    title="No ConfigMap is close to the 1 MiB size limit",
    component="etcd",
    why="The API server rejects a ConfigMap whose data exceeds 1 MiB, and etcd refuses any request larger than "
        "its --max-request-bytes (1.5 MiB by default). A ConfigMap near that size cannot grow: the next update "
        "fails, often in the middle of a deploy. Large objects also slow every watch and list of their kind "
        "and bloat etcd's database. Sizes here are of the whole object as JSON, a little above its data alone.",
    fix="Move bulk data out of the ConfigMap: split it, mount files from an image or a volume, or keep it in "
        "object storage. Measure one: `kubectl get configmap NAME -n NAMESPACE -o json | wc -c`.",
    references=(
        "https://etcd.io/docs/v3.5/dev-guide/limit/",
        "https://kubernetes.io/docs/concepts/configuration/configmap/",
    ),
    needs=(CONFIGMAP_SIZES.name,),
    thresholds={"limit_bytes": 1048576, "warn_ratio": 0.7, "fail_ratio": 0.9},
    workloads=True,
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    summary = json_object(data, CONFIGMAP_SIZES.name)
    limit = int(thresholds["limit_bytes"])
    largest = raw.sequence(summary.get("largest"))
    evidence = {"configmaps": summary.get("configmaps", 0), "read": workload_scope(data), "limit_bytes": limit,
                "largest": [f"{e['name']} ({e['bytes']} bytes)" for e in largest[:3]]}
    findings = []
    for entry in largest:
        ratio = entry["bytes"] / limit
        if ratio < float(thresholds["warn_ratio"]):
            continue
        status = Status.FAIL if ratio >= float(thresholds["fail_ratio"]) else Status.WARN
        message = f"ConfigMap {entry['name']} is {entry['bytes']:,} bytes, {ratio:.0%} of the {limit:,}-byte limit"
        findings.append(Finding(META.id, status, message, evidence=evidence, object=f"configmap/{entry['name']}"))
    if findings:
        return findings
    biggest = f"; the largest is {largest[0]['name']} ({largest[0]['bytes']:,} bytes)" if largest else ""
    return [Finding(META.id, Status.PASS, f"{summary.get('configmaps', 0)} ConfigMaps, none near the limit{biggest}",
                    evidence=evidence)]
