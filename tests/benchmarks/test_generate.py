"""The benchmark's synthetic cluster: the sizes issue 6 asks for, consistent objects, and truly lazy serving.

If the generator held the cluster in memory, or cost O(cluster) per page, the benchmark would measure
the generator instead of kubectl-arch; these tests pin both properties.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from typing import Any, cast

import pytest
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.generate import (
    PODS_PER_NODE,
    SyntheticCluster,
    decode_suffix,
    encode_suffix,
)
from kubectl_arch.collect.apistore import ApiStore, parse_label_selector
from kubectl_arch.collect.source import Source, iter_pages

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)


def served(nodes: int) -> tuple[SyntheticCluster, ApiStore]:
    cluster = SyntheticCluster(nodes, now=NOW)
    return cluster, cluster.store()


def reader(store: ApiStore) -> Source:
    """The store as the paging helpers see a source (they only call ``get``)."""
    return cast(Source, store)


def list_everything(store: ApiStore, path: str, limit: int = 500) -> list[dict[str, Any]]:
    """Follow ``continue`` through every page, as a client does."""
    items: list[dict[str, Any]] = []
    for page in iter_pages(reader(store), path, limit=limit):
        assert page.ok, page.error
        items.extend(page.items)
    return items


def test_sizes_at_5000_nodes_are_those_of_issue_6() -> None:
    cluster, _store = served(5_000)
    assert cluster.sizes["Node"] == 5_000
    assert cluster.sizes["Pod"] == 5_000 * PODS_PER_NODE == 150_000
    assert cluster.sizes["Service"] - 2 == 10_000  # plus default/kubernetes and kube-system/kube-dns
    assert cluster.sizes["Event"] > 10_000


def test_building_a_5000_node_cluster_holds_no_objects() -> None:
    tracemalloc.start()
    try:
        served(5_000)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Held as objects the cluster would take gigabytes (its JSON alone is ~500 MB); the per-namespace
    # segments and name tables are what may stay.
    assert peak < 20_000_000, f"building the store allocated {peak / 1e6:.1f} MB: objects are being held"


def test_each_page_costs_one_page_of_objects() -> None:
    """Paging the whole pod list synthesises each pod about once: no O(cluster) work per page."""
    cluster, store = served(300)
    made = 0
    original = cluster.pod

    def counting(*args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal made
        made += 1
        return original(*args, **kwargs)

    cluster.pod = counting  # type: ignore[method-assign]
    pages = list(iter_pages(reader(store), "/api/v1/pods", limit=100))
    assert len(pages) == 90 and all(page.ok for page in pages)
    assert pages[0].data["metadata"]["remainingItemCount"] == 300 * PODS_PER_NODE - 100
    assert made <= 300 * PODS_PER_NODE + len(pages), f"{made} pods made to serve {300 * PODS_PER_NODE}"


def test_paging_returns_every_pod_once_with_consistent_counts() -> None:
    cluster, store = served(40)
    pods = list_everything(store, "/api/v1/pods", limit=97)
    names = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in pods]
    assert len(names) == 40 * PODS_PER_NODE == len(set(names))
    first = store.get("/api/v1/pods", {"limit": "97"})
    assert first.data["metadata"]["remainingItemCount"] == len(pods) - 97
    in_namespace = list_everything(store, f"/api/v1/namespaces/{cluster.namespaces[1]}/pods", limit=7)
    assert len(in_namespace) == cluster.pods_in[1]
    assert {p["metadata"]["namespace"] for p in in_namespace} == {cluster.namespaces[1]}


@pytest.mark.parametrize("plural,prefix", [
    ("pods", "/api/v1"), ("nodes", "/api/v1"), ("services", "/api/v1"), ("events", "/api/v1"),
    ("configmaps", "/api/v1"), ("namespaces", "/api/v1"), ("leases", "/apis/coordination.k8s.io/v1"),
    ("endpointslices", "/apis/discovery.k8s.io/v1"), ("deployments", "/apis/apps/v1"),
    ("replicasets", "/apis/apps/v1"), ("daemonsets", "/apis/apps/v1"),
])
def test_every_listed_object_is_found_by_name(plural: str, prefix: str) -> None:
    _cluster, store = served(20)
    for obj in list_everything(store, f"{prefix}/{plural}"):
        namespace = obj["metadata"].get("namespace")
        where = f"{prefix}/namespaces/{namespace}/{plural}" if namespace else f"{prefix}/{plural}"
        found = store.get(f"{where}/{obj['metadata']['name']}")
        assert found.ok, f"{where}/{obj['metadata']['name']}: {found.error}"
        assert found.data["metadata"]["uid"] == obj["metadata"]["uid"]


def test_unknown_names_are_404() -> None:
    cluster, store = served(20)
    namespace = cluster.namespaces[0]
    assert store.get("/api/v1/nodes/worker-99999").status == 404
    assert store.get(f"/api/v1/namespaces/{namespace}/pods/api-bcdfghjklm-bbbbb").status == 404
    assert store.get("/api/v1/namespaces/kube-system/pods/kube-proxy-zzzzz").status == 404


def test_suffixes_decode_back_to_their_index() -> None:
    suffixes = [encode_suffix(i) for i in range(20_000)]
    assert len(set(suffixes)) == len(suffixes)
    assert all(decode_suffix(s) == i for i, s in enumerate(suffixes))
    assert decode_suffix("aaaaa") is None


def test_the_cluster_is_consistent_where_commands_follow_references() -> None:
    cluster, store = served(30)
    nodes = {n["metadata"]["name"] for n in list_everything(store, "/api/v1/nodes")}
    pods = list_everything(store, "/api/v1/pods")
    assert {p["spec"]["nodeName"] for p in pods} <= nodes
    static = store.get("/api/v1/namespaces/kube-system/pods", {"labelSelector": "tier=control-plane"}).items
    assert len(static) == 12 and all(p["metadata"]["annotations"]["kubernetes.io/config.mirror"] for p in static)
    for ds in ("kube-proxy", "kindnet"):
        daemon_pods = store.get("/api/v1/namespaces/kube-system/pods", {"labelSelector": f"k8s-app={ds}"}).items
        assert sorted(p["spec"]["nodeName"] for p in daemon_pods) == sorted(nodes)
    # The trace target: pod -> ReplicaSet -> Deployment, events matched by uid, an EndpointSlice entry.
    namespace, name = cluster.trace_target()
    pod = store.get(f"/api/v1/namespaces/{namespace}/pods/{name}").data
    rs_ref = pod["metadata"]["ownerReferences"][0]
    rs = store.get(f"/apis/apps/v1/namespaces/{namespace}/replicasets/{rs_ref['name']}").data
    assert rs["metadata"]["uid"] == rs_ref["uid"]
    deploy_ref = rs["metadata"]["ownerReferences"][0]
    deployment = store.get(f"/apis/apps/v1/namespaces/{namespace}/deployments/{deploy_ref['name']}").data
    assert deployment["metadata"]["uid"] == deploy_ref["uid"]
    events = store.get(f"/api/v1/namespaces/{namespace}/events",
                       {"fieldSelector": f"involvedObject.uid={pod['metadata']['uid']}"}).items
    assert [e["reason"] for e in events] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert any(f"Created pod: {name}" == e["message"] for e in store.get(
        f"/api/v1/namespaces/{namespace}/events", {"fieldSelector": f"involvedObject.uid={rs_ref['uid']}"}).items)
    app = pod["metadata"]["labels"]["app.kubernetes.io/name"]
    slices = store.get(f"/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices",
                       {"labelSelector": f"kubernetes.io/service-name={app}"}).items
    assert pod["metadata"]["uid"] in {e["targetRef"]["uid"] for s in slices for e in s["endpoints"]}


def test_every_replicaset_selects_its_pods_and_every_service_slice_lists_the_pods_it_selects() -> None:
    """Owners and selectors agree as their controllers keep them: a ReplicaSet whose selector misses its own pods,
    or a selecting Service with no slice, makes trace say "no pod" or wait for endpoints on a healthy cluster."""
    _, store = served(30)
    pods = list_everything(store, "/api/v1/pods")

    def selected(namespace: str, selector: dict[str, str]) -> set[str]:
        return {p["metadata"]["uid"] for p in pods if p["metadata"]["namespace"] == namespace
                and selector.items() <= p["metadata"]["labels"].items()}

    for rs in list_everything(store, "/apis/apps/v1/replicasets"):
        namespace, rs_uid = rs["metadata"]["namespace"], rs["metadata"]["uid"]
        owned = {p["metadata"]["uid"] for p in pods if p["metadata"]["namespace"] == namespace
                 and any(ref["uid"] == rs_uid for ref in p["metadata"].get("ownerReferences", []))}
        assert owned and selected(namespace, rs["spec"]["selector"]["matchLabels"]) == owned, rs["metadata"]["name"]
    slices = list_everything(store, "/apis/discovery.k8s.io/v1/endpointslices")
    for svc in list_everything(store, "/api/v1/services"):
        if not svc["spec"].get("selector"):
            continue
        namespace, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        listed = {e["targetRef"]["uid"] for s in slices if s["metadata"]["namespace"] == namespace
                  and s["metadata"]["labels"]["kubernetes.io/service-name"] == name for e in s["endpoints"]}
        assert listed == selected(namespace, svc["spec"]["selector"]), f"{namespace}/{name}"


def test_control_plane_answers_look_like_kubeadm_ha() -> None:
    cluster, store = served(10)
    leases = store.get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases").items
    identities = [x for x in leases if x["metadata"]["labels"].get("apiserver.kubernetes.io/identity")]
    assert len(identities) == 3
    assert {x["metadata"]["name"] for x in leases} >= {"kube-scheduler", "kube-controller-manager"}
    slices = store.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
                       {"labelSelector": "kubernetes.io/service-name=kubernetes"}).items
    assert len(slices[0]["endpoints"]) == 3
    proxy = store.get("/api/v1/namespaces/kube-system/configmaps/kube-proxy").data
    assert "mode: iptables" in proxy["data"]["config.conf"]
    assert store.get("/version").data["gitVersion"].startswith("v1.32")
    families = {f.name for f in text_string_to_metric_families(store.get("/metrics").text or "")}
    assert {"apiserver_storage_objects", "etcd_request_duration_seconds"} <= families
    objects = next(f for f in text_string_to_metric_families(store.get("/metrics").text or "")
                   if f.name == "apiserver_storage_objects")
    assert {s.labels["resource"]: s.value for s in objects.samples}["pods"] == cluster.sizes["Pod"]


def test_a_segment_declares_exactly_the_labels_its_pods_carry() -> None:
    """Segments skipped by a selector must be the ones whose pods the selector would have rejected."""
    cluster, _ = served(12)
    declared = [s for s in cluster.pod_segments() if s.labels is not None]
    assert declared, "the DaemonSet pods' segments declare their labels"
    for segment in declared:
        for index in range(segment.count):
            assert segment.make(index)["metadata"]["labels"] == segment.labels


@pytest.mark.parametrize("selector", ["!pod-template-generation", "pod-template-generation", "k8s-app=kube-proxy",
                                      "k8s-app in (kube-dns, kindnet)", "tier!=node"])
def test_selected_lists_equal_filtering_every_object(selector: str) -> None:
    """A list with a label selector answers what filtering every made object answers, page by page."""
    _, store = served(12)
    path = "/api/v1/namespaces/kube-system/pods"
    everything = list_everything(store, path)
    keep = parse_label_selector(selector)
    expected = [p["metadata"]["name"] for p in everything if keep(p)]
    got: list[str] = []
    for page in iter_pages(reader(store), path, {"labelSelector": selector}, limit=5):
        assert page.ok, page.error
        got.extend(p["metadata"]["name"] for p in page.items)
    assert got == expected and expected


def test_a_notready_node_is_as_the_node_controller_leaves_it_before_any_eviction() -> None:
    """Its kubelet is silent, so the node controller has tainted it unreachable and marked its pods not Ready, and
    every owner and EndpointSlice counts them so; no pod has yet outlived its toleration, so none is evicted. A
    generator whose pods stayed Ready there would let a reader that counts readiness wrongly pass the truth check."""
    cluster, store = served(30)
    nodes = list_everything(store, "/api/v1/nodes")
    lost = {n["metadata"]["name"] for n in nodes
            if any(c["type"] == "Ready" and c["status"] == "Unknown" for c in n["status"]["conditions"])}
    assert lost == cluster.truth()["not_ready"] and lost
    for node in nodes:
        if node["metadata"]["name"] in lost:
            assert {(t["key"], t["effect"]) for t in node["spec"]["taints"]} == {
                ("node.kubernetes.io/unreachable", "NoSchedule"), ("node.kubernetes.io/unreachable", "NoExecute")}
    pods = list_everything(store, "/api/v1/pods")

    def ready(pod: dict[str, Any]) -> bool:
        return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"]["conditions"])

    assert all(ready(p) != (p["spec"]["nodeName"] in lost) for p in pods)
    assert any(p["spec"]["nodeName"] in lost for p in pods if p["metadata"]["namespace"] != "kube-system")
    for pod in pods:
        if pod["spec"]["nodeName"] in lost:
            unreachable = [t for t in pod["spec"]["tolerations"] if t.get("key") == "node.kubernetes.io/unreachable"]
            since = dt.datetime.fromisoformat(next(c["lastTransitionTime"] for c in pod["status"]["conditions"]
                                                   if c["type"] == "Ready"))
            assert all(NOW - since < dt.timedelta(seconds=t.get("tolerationSeconds", 10**9)) for t in unreachable)
            assert "deletionTimestamp" not in pod["metadata"]

    def ready_uids(namespace: str, selector: dict[str, str]) -> set[str]:
        return {p["metadata"]["uid"] for p in pods if p["metadata"]["namespace"] == namespace and ready(p)
                and selector.items() <= p["metadata"]["labels"].items()}

    for kind, path, field in (("DaemonSet", "/apis/apps/v1/daemonsets", "numberReady"),
                              ("ReplicaSet", "/apis/apps/v1/replicasets", "readyReplicas"),
                              ("Deployment", "/apis/apps/v1/deployments", "readyReplicas")):
        for owner in list_everything(store, path):
            namespace = owner["metadata"]["namespace"]
            selected = ready_uids(namespace, owner["spec"]["selector"]["matchLabels"])
            assert owner["status"][field] == len(selected), f"{kind} {namespace}/{owner['metadata']['name']}"
    by_uid = {p["metadata"]["uid"]: p for p in pods}
    for endpoints in list_everything(store, "/apis/discovery.k8s.io/v1/endpointslices"):
        for endpoint in endpoints["endpoints"]:
            if "targetRef" in endpoint:
                assert endpoint["conditions"]["ready"] == ready(by_uid[endpoint["targetRef"]["uid"]])
