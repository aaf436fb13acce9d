"""Control-plane versions are what the cluster reports, and say where: their pods' image tags, k3s's server nodes,
/version (the API server that answered) or an OpenShift ClusterOperator; never one component's version lent to
another, never a guess where a read failed."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import ClusterMap, build_map
from kubectl_arch.explain.render.terminal import print_overview
from kubectl_arch.explain.views import CONTROL_PLANE, ComponentView
from kubectl_arch.model.facts import VERSION_FROM_ENDPOINT, VERSION_FROM_PODS, VERSION_FROM_SERVER_NODES
from kubectl_arch.model.versions import image_tag
from kubectl_arch.output.console import make_console
from tests.explain.fixtures import LAYOUTS, VARIANTS, cluster_data, the

EVERY_CLUSTER = [*sample_names(), *LAYOUTS, *VARIANTS]
CLUSTER_OPERATORS = "/apis/config.openshift.io/v1/clusteroperators"
CLUSTER_VERSION = "/apis/config.openshift.io/v1/clusterversions/version"
HIDDEN = ("etcd", "kube-scheduler", "kube-controller-manager", "cloud-controller-manager")


def _pod_tags(data: ClusterData) -> set[str]:
    """Every image tag of the pods read, with a packaging suffix dropped as for etcd (``3.5.16-0``)."""
    pods = [pod for need in ("kube-system-pods", "openshift-control-plane-pods", "kube-system-daemonset-pods")
            for pod in (data.items(need) if need in data.responses else [])]
    tags = {tag for pod in pods for container in pod["spec"].get("containers", [])
            if (tag := image_tag(container.get("image")))}
    return tags | {re.sub(r"-\d+$", "", tag) for tag in tags}


def _evidence(data: ClusterData, source: str) -> set[str]:
    """The versions the cluster's own answers hold for a source the views name."""
    if source == VERSION_FROM_PODS:
        return _pod_tags(data)
    if source == VERSION_FROM_SERVER_NODES:
        return {node["status"]["nodeInfo"]["kubeletVersion"] for node in data.items("nodes")}
    if source == VERSION_FROM_ENDPOINT:
        return {data.mapping("version")["gitVersion"]}
    operator = source.removeprefix("ClusterOperator ")
    return {entry["version"] for item in data.items("openshift-clusteroperators")
            if item["metadata"]["name"] == operator for entry in item["status"]["versions"]
            if entry["name"] == operator}


def _control_plane(cluster: ClusterMap) -> list[ComponentView]:
    return [view for view in cluster.components if view.layer == CONTROL_PLANE]


@pytest.mark.parametrize("name", EVERY_CLUSTER)
def test_every_control_plane_version_shown_is_backed_by_what_the_cluster_answered(name: str) -> None:
    data = cluster_data(name)
    cluster = build_map(data)
    for view in _control_plane(cluster):
        fact = cluster.facts.components[view.name]
        if view.versions:
            assert view.version_source, f"{name}: {view.name} shows {view.versions} and says not where from"
            held = _evidence(data, view.version_source)
            assert set(view.versions) <= held, f"{name}: {view.name} {view.versions} not in {view.version_source}"
            assert view.version_unknown is None
        elif fact.runs != "none":  # something runs (or may): why no version is shown is said
            assert view.version_unknown, f"{name}: {view.name} shows no version and says not why"
        if cluster.managed and view.name in HIDDEN:  # never /version's answer lent to what the provider hides
            assert not view.versions and "hidden by the provider" in (view.version_unknown or ""), view


def test_eks_shows_the_api_servers_version_from_version_and_says_whose_answer_it_is() -> None:
    cluster = build_map(cluster_data("eks"))
    api = cluster.component("kube-apiserver")
    assert api.versions == ["v1.31.4-eks-2d5f260"] and api.version_source == "/version" and api.managed
    assert any("the one API server that answered" in note and "may differ" in note for note in api.notes)
    for name in HIDDEN:
        assert cluster.component(name).versions == [], name


def test_openshift_reads_its_cluster_operators_and_never_takes_the_release_for_etcds_version() -> None:
    cluster = build_map(cluster_data("openshift"))
    for name in ("kube-apiserver", "kube-scheduler", "kube-controller-manager"):
        view = cluster.component(name)
        assert (view.versions, view.version_source) == (["1.20.0"], f"ClusterOperator {name}"), name
    etcd = cluster.component("etcd")
    assert etcd.versions == [] and "pinned by digest" in (etcd.version_unknown or "")
    assert "release 4.7.13" in (etcd.version_unknown or "")
    release = cluster.facts.release
    assert release is not None and (release.version, release.updating_to) == ("4.7.13", None)


def _openshift(edit: Callable[[Any], None]) -> ClusterMap:
    sample = load_sample("openshift")
    edit(sample.store)
    return build_map(collect(SampleSource(sample), EXPLAIN_NEEDS))


def test_a_forbidden_cluster_operators_read_leaves_the_versions_unknown_with_the_reason() -> None:
    cluster = _openshift(lambda store: store.forbid(lambda path, _query: path == CLUSTER_OPERATORS))
    for name in ("kube-scheduler", "kube-controller-manager"):
        view = cluster.component(name)
        assert view.versions == [] and "forbidden" in (view.version_unknown or ""), view.version_unknown
    api = cluster.component("kube-apiserver")  # /version still answers for the API server that answered
    assert (api.versions, api.version_source) == (["v1.20.0+bafe72f"], "/version")
    assert any("3 API servers" in note for note in api.notes)
    assert cluster.component("etcd").versions == []
    assert any("ClusterOperators" in reason and "forbidden" in reason for reason in cluster.skipped)


def test_a_forbidden_cluster_version_read_names_no_release() -> None:
    cluster = _openshift(lambda store: store.forbid(lambda path, _query: path == CLUSTER_VERSION))
    release = cluster.facts.release
    assert release is not None and release.version is None and "forbidden" in (release.reason or "")
    assert cluster.component("kube-scheduler").versions == ["1.20.0"]
    assert "openshift ·" in _text(cluster) and "openshift 4" not in _text(cluster)


def test_an_update_rolling_out_is_named_where_version_and_the_operator_disagree() -> None:
    def rolling(store: Any) -> None:
        history = the(store, "ClusterVersion", "version")["status"]["history"]
        history.insert(0, {"state": "Partial", "version": "4.8.2", "image": "quay.io/x@sha256:1", "verified": True})
        store.set_raw("/version", _served("v1.21.1+051ac4f"))

    cluster = _openshift(rolling)
    api = cluster.component("kube-apiserver")
    assert api.versions == ["1.20.0"]  # the operator's report, until the new version is available
    assert any("/version answered v1.21.1+051ac4f" in note and "rolling out" in note for note in api.notes)
    assert "openshift 4.7.13, updating to 4.8.2" in _text(cluster)


def _served(version: str) -> Any:
    from kubectl_arch.collect.source import Response

    return Response(status=200, data={"major": "1", "minor": "21", "gitVersion": version})


def _kind_ha(edit: Callable[[Any], None]) -> ClusterMap:
    sample = load_sample("kind-ha")
    edit(sample.store)
    return build_map(collect(SampleSource(sample), EXPLAIN_NEEDS))


def _apiserver_pods(store: Any) -> list[dict[str, Any]]:
    return [pod for pod in store.objects("Pod") if pod["metadata"]["name"].startswith("kube-apiserver-")]


def test_api_servers_of_differing_versions_keep_their_own_versions_not_versions_answer() -> None:
    def upgrading(store: Any) -> None:
        pod = _apiserver_pods(store)[0]
        pod["spec"]["containers"][0]["image"] = "registry.k8s.io/kube-apiserver:v1.33.0"

    api = _kind_ha(upgrading).component("kube-apiserver")
    assert api.versions == ["v1.32.2", "v1.33.0"] and api.version_source == VERSION_FROM_PODS


def test_api_server_images_by_digest_take_versions_answer_and_say_the_others_may_differ() -> None:
    def by_digest(store: Any) -> None:
        for pod in _apiserver_pods(store):
            pod["spec"]["containers"][0]["image"] = "registry.k8s.io/kube-apiserver@sha256:0123456789abcdef"

    cluster = _kind_ha(by_digest)
    api = cluster.component("kube-apiserver")
    assert (api.versions, api.version_source) == (["v1.32.2"], "/version")
    assert any("3 API servers" in note and "may differ" in note for note in api.notes)
    assert cluster.component("kube-scheduler").versions == ["v1.32.2"]  # its own pods still say theirs
    assert "from /version" in _text(cluster)


def test_json_carries_where_each_version_came_from_or_why_there_is_none() -> None:
    from kubectl_arch.explain.render.document import cluster_map_data

    document = json.loads(json.dumps(cluster_map_data(build_map(cluster_data("eks")))))
    facts = document["facts"]["components"]
    assert facts["kube-apiserver"]["versionSource"] == "/version"
    assert facts["etcd"]["version"] is None and "hidden by the provider" in facts["etcd"]["versionUnknown"]
    view = next(c for c in document["components"] if c["name"] == "kube-apiserver")
    assert view["versions"] == ["v1.31.4-eks-2d5f260"] and view["versionSource"] == "/version"


def test_wide_says_where_each_version_was_read_or_why_none_is_known() -> None:
    text = _text(build_map(cluster_data("openshift")), wide=True)
    assert "kube-scheduler          1.20.0 from ClusterOperator kube-scheduler" in text
    assert re.search(r"etcd\s+unknown: its pods' images are pinned by digest", text)


def _text(cluster: ClusterMap, wide: bool = False) -> str:
    stream = io.StringIO()
    print_overview(make_console(stream, width=140), cluster, wide)
    return stream.getvalue()


def test_live_a_forbidden_cluster_operators_read_is_named_and_nothing_is_guessed(
        run_cli: Callable[..., Any], api_server: Callable[..., Any], kubeconfig_for: Callable[..., Any]) -> None:
    """Through the real client and the test API server: the ClusterOperators answer 403, the API server's version
    comes from /version, the scheduler's and controller manager's stay unknown with the reason."""
    sample = load_sample("openshift")
    sample.store.forbid(lambda path, _query: path == CLUSTER_OPERATORS)
    server = api_server(sample.store, now=sample.captured_at)
    code, stdout, stderr = run_cli(["explain", "--kubeconfig", str(kubeconfig_for(server)), "-o", "json"])
    assert code == 0, stderr
    facts = json.loads(stdout)["facts"]["components"]
    assert (facts["kube-apiserver"]["version"], facts["kube-apiserver"]["versionSource"]) == \
        ("v1.20.0+bafe72f", "/version")
    for name in ("kube-scheduler", "kube-controller-manager", "etcd"):
        assert facts[name]["version"] is None, name
    assert "forbidden" in facts["kube-scheduler"]["versionUnknown"]
    (operators,) = server.requests_to(CLUSTER_OPERATORS)
    assert operators.method == "GET" and all(r.method == "GET" for r in server.requests)
    assert len(server.requests_to(CLUSTER_VERSION)) == 1


def test_live_no_openshift_read_is_sent_to_other_clusters(
        run_cli: Callable[..., Any], api_server: Callable[..., Any], kubeconfig_for: Callable[..., Any]) -> None:
    server = api_server("eks")
    code, stdout, stderr = run_cli(["explain", "--kubeconfig", str(kubeconfig_for(server)), "-o", "json"])
    assert code == 0, stderr
    assert not [r.path for r in server.requests if "config.openshift.io" in r.path]
    assert json.loads(stdout)["facts"]["release"] is None


@pytest.mark.parametrize("sample", ["k3s", "k3s with cluster-init"])
def test_k3s_says_its_control_plane_version_is_its_server_nodes_kubelets(sample: str) -> None:
    """k3s runs the control plane inside the binary that is also the kubelet: the version shown is what its server
    nodes report for their kubelet, and the table said nothing of it, as if read from pods k3s does not have."""
    cluster = build_map(cluster_data(sample))
    text, wide = _text(cluster), _text(cluster, wide=True)
    for name in ("kube-apiserver", "kube-scheduler", "kube-controller-manager"):
        assert cluster.component(name).version_origin == "node kubelet", name
        assert re.search(rf"{name} +v1\.31\.\d\+k3s1 from its server nodes' kubelet \(the same binary\)", wide), wide
    assert "from node kubelet" in text
