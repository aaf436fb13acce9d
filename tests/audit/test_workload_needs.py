"""The workload checks' collection: every page is read, only aggregates are kept, failures stay data."""

from __future__ import annotations

from typing import Any

from kubectl_arch.checks.large_configmaps import KEEP_LARGEST, object_size, summarise_sizes
from kubectl_arch.checks.pods_without_requests import summarise_pods

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.source import Query, Response, iter_pages


class PagedStore(ApiStore):
    """An ApiStore that counts the GETs it answers, to prove the lists were read page by page."""

    def __init__(self) -> None:
        super().__init__()
        self.gets = 0

    def get(self, path: str, query: Query | None = None) -> Response:
        self.gets += 1
        return super().get(path, query)


def _pod(namespace: str, name: str, requests: dict[str, str] | None, phase: str = "Running") -> dict[str, Any]:
    resources = {"requests": requests} if requests else {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "resources": resources}]},
            "status": {"phase": phase, "qosClass": "Burstable" if requests else "BestEffort"}}


def test_pods_are_counted_across_pages() -> None:
    store = PagedStore()
    store.add_all([
        _pod("shop", "cart-1", None), _pod("shop", "cart-2", None), _pod("shop", "web-1", {"cpu": "100m"}),
        _pod("batch", "report-1", None), _pod("batch", "done-1", None, phase="Succeeded"),
        _pod("default", "api-1", {"memory": "64Mi"}), _pod("default", "api-2", {"cpu": "1", "memory": "1Gi"}),
    ])
    summary = summarise_pods(iter_pages(store, "/api/v1/pods", limit=2))  # type: ignore[arg-type]
    assert store.gets == 4  # 7 pods, 2 per page
    assert summary.ok and summary.data == {
        "pods": 6, "without_requests": {"shop": 2, "batch": 1},
        "examples": {"shop": ["cart-1", "cart-2"], "batch": ["report-1"]}, "best_effort": 3}


def test_a_forbidden_page_is_returned_as_the_answer() -> None:
    store = ApiStore()
    store.add(_pod("shop", "cart-1", None))
    store.forbid(lambda path, _query: path == "/api/v1/pods")
    summary = summarise_pods(iter_pages(store, "/api/v1/pods"))  # type: ignore[arg-type]
    assert summary.status == 403 and not summary.ok


def test_configmap_sizes_keep_only_the_largest() -> None:
    store = PagedStore()
    configmaps = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{i:02d}", "namespace": "apps"},
                   "data": {"payload": "x" * (1000 * i)}} for i in range(KEEP_LARGEST + 5)]
    store.add_all(configmaps)
    summary = summarise_sizes(iter_pages(store, "/api/v1/configmaps", limit=10))  # type: ignore[arg-type]
    assert store.gets == 3
    largest = summary.data["largest"]
    assert summary.data["configmaps"] == KEEP_LARGEST + 5 and len(largest) == KEEP_LARGEST
    assert largest[0]["name"] == f"apps/cm-{KEEP_LARGEST + 4:02d}"
    assert [e["bytes"] for e in largest] == sorted((e["bytes"] for e in largest), reverse=True)
    assert largest[0]["bytes"] >= object_size(configmaps[-1]) - 200  # served objects gain only small fields
