"""Lean node reads: server-side Tables through the real client, whole objects only where a row says too
little, the fallback for servers without Tables, the same verdicts as full reads, and lean snapshots that
replay to the same output."""

from __future__ import annotations

import shutil
import subprocess
from collections import UserDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import select
from kubectl_arch.audit.runner import run_audit
from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.node_reads import ROW_MARK, is_row
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.collect.source import Query, Response
from kubectl_arch.model.nodes import node_infos
from tests.harness.apiserver import ApiServer

NODES = "/api/v1/nodes"
DEGRADED = "kubeadm-degraded"  # control plane of 3, a NotReady worker (Unknown), a Ready worker under DiskPressure


class PlainBackend:
    """A server without Table support: it answers every Accept with plain JSON."""

    def __init__(self, store: ApiStore) -> None:
        self.store = store
        self.resources = store.resources

    def get(self, path: str, query: Query | None = None) -> Response:
        return self.store.get(path, query)


class WithoutTables:
    """A sample source whose server does not print Tables: every read is of whole objects."""

    def __init__(self, inner: SampleSource) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "get_table":
            raise AttributeError(name)
        return getattr(self._inner, name)

    @property
    def description(self) -> str:
        return self._inner.description


def _source(server: ApiServer, kubeconfig_for: Callable[..., Path]) -> KubeSource:
    return KubeSource(str(kubeconfig_for(server)), None, 10.0)


def test_nodes_are_read_as_a_table_and_whole_only_where_a_row_says_too_little(
        api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> None:
    server = api_server(DEGRADED)
    source = _source(server, kubeconfig_for)
    server.clear_requests()

    data = collect(source, ["nodes"])

    table_pages = [r for r in server.requests if r.path == NODES]
    assert table_pages and all("as=Table" in r.headers.get("accept", "") for r in table_pages)
    assert all(r.query.get("includeObject") == "Metadata" for r in table_pages)
    whole = sorted(r.path.rsplit("/", 1)[1] for r in server.requests if r.path.startswith(NODES + "/"))
    infos = {n.name: n for n in node_infos(data)}
    expected = sorted(n.name for n in infos.values() if n.control_plane or not n.ready)
    assert whole == expected, "whole objects are read for control-plane and NotReady nodes only"
    assert all(infos[name].whole for name in whole)
    rows = [n for n in infos.values() if not n.whole]
    assert rows, "Ready workers stay rows"
    full = {n.name: n for n in node_infos(collect(WithoutTables(SampleSource.named(DEGRADED)), ["nodes"]))}
    for row in rows:  # what a row carries equals what the whole object says
        whole_info = full[row.name]
        assert (row.ready, row.roles, row.kubelet_version, row.container_runtime, row.kernel_version,
                row.os_image, row.internal_ip, row.operating_system, row.architecture, dict(row.labels)) == (
            whole_info.ready, whole_info.roles, whole_info.kubelet_version, whole_info.container_runtime,
            whole_info.kernel_version, whole_info.os_image, whole_info.internal_ip, whole_info.operating_system,
            whole_info.architecture, dict(whole_info.labels))


def test_a_server_without_tables_gets_whole_objects(api_server: Callable[..., ApiServer],
                                                    kubeconfig_for: Callable[..., Path]) -> None:
    server = api_server(PlainBackend(load_sample(DEGRADED).store), now=load_sample(DEGRADED).captured_at)
    source = _source(server, kubeconfig_for)
    server.clear_requests()

    data = collect(source, ["nodes"])

    assert [r.path for r in server.requests if r.path.startswith(NODES)] == [NODES], "one list, no per-node reads"
    assert data.items("nodes") and not any(ROW_MARK in n for n in data.items("nodes"))
    assert all(n.whole for n in node_infos(data))


@pytest.mark.parametrize("sample", sample_names())
def test_every_check_gives_the_same_verdicts_on_table_reads_and_on_whole_objects(sample: str) -> None:
    checks = select()
    lean = run_audit(SampleSource.named(sample), checks, AuditConfig())
    whole = run_audit(WithoutTables(SampleSource.named(sample)), checks, AuditConfig())  # type: ignore[arg-type]

    def verdicts(report: Any) -> dict[str, list[tuple[str, str, str | None]]]:
        return {r.meta.id: [(f.status.value, f.message, f.object) for f in r.findings] for r in report.results}

    assert verdicts(lean) == verdicts(whole)


def test_node_readiness_never_passes_on_rows() -> None:
    # Only rows (no nodes-full): the Ready worker under DiskPressure cannot be seen, so no pass is given.
    data = collect(SampleSource.named(DEGRADED), ["nodes"])
    check = select(["node-readiness"])[0]
    findings = check.evaluate(data, {})
    assert [f.status.value for f in findings] == ["skip"]
    assert "Table rows" in findings[0].message
    whole = collect(SampleSource.named(DEGRADED), ["nodes", "nodes-full"])
    assert any("DiskPressure" in f.message for f in check.evaluate(whole, {}))


def _cli(args: list[str]) -> tuple[int, str]:
    from kubectl_arch.cli.main import cli

    result = CliRunner().invoke(cli, args, env={"NO_COLOR": "1", "COLUMNS": "100", "KUBECONFIG": None})
    return result.exit_code, result.output


@pytest.mark.parametrize("command", [["explain"], ["audit"], ["explain", "-o", "wide"]])
def test_a_snapshot_taken_with_lean_reads_replays_to_the_same_output(
        command: list[str], api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path],
        tmp_path: Path) -> None:
    server = api_server(DEGRADED)
    kubeconfig = str(kubeconfig_for(server))
    live = _cli([*command, "--kubeconfig", kubeconfig])
    snapshot = tmp_path / "lean.json.gz"
    assert _cli(["snapshot", "-o", str(snapshot), "--kubeconfig", kubeconfig])[0] == 0
    server.stop()  # the replay cannot reach the cluster

    replayed = _cli([*command, "--snapshot", str(snapshot)])

    assert replayed[0] == live[0]
    assert _body(replayed[1]) == _body(live[1]) and _body(live[1])


def _body(output: str) -> list[str]:
    """The output after its header, whose source line says where the data came from (live or snapshot)."""
    lines = output.splitlines()
    return lines[lines.index("") + 1:] if "" in lines else lines


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="real kubectl is not installed")
def test_real_kubectl_prints_the_node_table_as_from_a_real_api_server(
        api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> None:
    server = api_server(DEGRADED)
    kubeconfig = kubeconfig_for(server)
    done = subprocess.run(["kubectl", "get", "nodes", "-o", "wide", "--kubeconfig", str(kubeconfig)],
                          capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    header, *lines = done.stdout.splitlines()
    assert header.split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE",
                              "KERNEL-VERSION", "CONTAINER-RUNTIME"]
    rows = {line.split()[0]: line.split()[1] for line in lines}
    infos = {n.name: n for n in node_infos(collect(WithoutTables(SampleSource.named(DEGRADED)), ["nodes"]))}
    assert rows == {name: "Ready" if n.ready else "NotReady" for name, n in infos.items()}
    assert any("as=Table" in r.headers.get("accept", "") for r in server.requests_to(NODES)), \
        "kubectl asked for a Table and printed the server's rows"


def _served_nodes(count: int, broken: str | None = None) -> tuple[list[dict[str, Any]], ApiStore]:
    """``count`` alike Ready workers, then a NotReady one and a Ready control-plane node, read lean from a
    store (``broken``: a node whose whole-object GET fails, and the whole list too, so the row stays)."""
    from kubectl_arch.collect.node_reads import read_nodes_lean

    store = ApiStore()
    for index in range(count + 2):
        ready = "Unknown" if index == count else "True"
        role = {"node-role.kubernetes.io/control-plane": ""} if index == count + 1 else {}
        store.add({"kind": "Node", "apiVersion": "v1",
                   "metadata": {"name": f"w{index}", "labels": {"kubernetes.io/hostname": f"w{index}",
                                                                "kubernetes.io/os": "linux", **role},
                                "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
                   "spec": {},
                   "status": {"conditions": [{"type": "Ready", "status": ready, "reason": "KubeletReady"}],
                              "nodeInfo": {"kubeletVersion": "v1.32.4"},
                              "addresses": [{"type": "InternalIP", "address": f"10.0.0.{index}"}]}})
    if broken:
        store.forbid(lambda path, query: path == f"{NODES}/{broken}"
                     or (path == NODES and "includeObject" not in (query or {})))
    answer = read_nodes_lean(store)  # type: ignore[arg-type]
    assert answer.ok, answer.error
    return answer.data["items"], store


def test_a_node_that_cannot_be_got_is_read_with_the_whole_list() -> None:
    """Listing works and one GET does not (RBAC may grant list without get): the whole list replaces the rows,
    so the control-plane and NotReady nodes keep their taints, reasons and providerID."""
    from kubectl_arch.collect.node_reads import read_nodes_lean

    _, store = _served_nodes(3)
    store.forbid(lambda path, _query: path == f"{NODES}/w4")
    answer = read_nodes_lean(store)  # type: ignore[arg-type]
    assert answer.ok and not any(is_row(node) for node in answer.data["items"])


def test_alike_parts_of_many_nodes_are_held_once() -> None:
    """At 65,000 nodes a copy of each repeated part per node was most of the memory."""
    nodes, _ = _served_nodes(50)
    rows = [node for node in nodes if is_row(node)]
    assert len(rows) == 50
    for part in (lambda n: n["status"]["nodeInfo"], lambda n: n["status"]["conditions"], lambda n: n["spec"],
                 lambda n: n["metadata"]["annotations"], lambda n: n["metadata"]["labels"]):
        assert len({id(part(node)) for node in rows}) == 1
    assert rows[0]["metadata"]["labels"] == {"kubernetes.io/os": "linux"}


def test_a_pool_shares_one_labels_dict_and_a_hostname_that_differs_from_the_name_is_kept() -> None:
    """Every node held its own labels dict only because kubernetes.io/hostname repeats its name (at 65,000
    nodes about 30 MB); where the label says something else it is kept."""
    from kubectl_arch.collect.node_reads import SharedValues

    pool = SharedValues()
    alike = [pool.labels({"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}, name) for name in ("a", "b")]
    assert alike[0] is alike[1] and alike[0] == {"kubernetes.io/os": "linux"}
    other = pool.labels({"kubernetes.io/hostname": "ip-10-0-0-1", "kubernetes.io/os": "linux"}, "node-a")
    assert other == {"kubernetes.io/hostname": "ip-10-0-0-1", "kubernetes.io/os": "linux"}


def test_a_node_that_could_not_be_read_whole_changes_no_other_node() -> None:
    """The failed read's reason goes on that node's conditions only, although its row shares them with the
    Ready workers' rows (a control-plane row is read whole; here its GET fails)."""
    nodes, _ = _served_nodes(3, broken="w4")
    by_name = {node["metadata"]["name"]: node for node in nodes}
    assert all("reason" not in condition for name in ("w0", "w1", "w2")
               for condition in by_name[name]["status"]["conditions"])
    assert by_name["w4"]["status"]["conditions"][0]["reason"].startswith("the node object could not be read")


@pytest.mark.parametrize("sample", sample_names())
def test_analysis_never_changes_the_node_data_it_reads(sample: str) -> None:
    """Alike parts of nodes are shared between node objects: an analysis that edited one would edit all.
    Every check, explain's map, what-if and the walkthrough leave the nodes as they were read."""
    import copy

    from kubectl_arch.audit.runner import evaluate_checks, need_names
    from kubectl_arch.explain import EXPLAIN_NEEDS
    from kubectl_arch.explain.analysis import build_map
    from kubectl_arch.explain.walkthrough import walkthrough_steps
    from kubectl_arch.explain.what_if import scenarios

    checks = select()
    data = collect(SampleSource.named(sample), need_names(checks, also=[*EXPLAIN_NEEDS, "nodes-full"]))
    before = {need: copy.deepcopy(data.items(need)) for need in ("nodes", "nodes-full")}
    evaluate_checks(data, checks, AuditConfig())
    cluster_map = build_map(data)
    scenarios(cluster_map, None)
    walkthrough_steps(cluster_map)
    assert {need: data.items(need) for need in before} == before


def test_a_whole_list_keeps_no_page_of_raw_objects() -> None:
    """``list_all`` held the first page whole (500 raw objects at the default page size) until the last page
    had arrived, only for its kind and metadata: now no earlier page is referenced while later ones are read."""
    import sys

    from kubectl_arch.collect.source import list_all

    store = ApiStore()
    for index in range(7):
        store.add({"kind": "Node", "apiVersion": "v1", "metadata": {"name": f"n{index}"}, "status": {"images": []}})
    pages: list[Response] = []
    holders_of_first_page: list[int] = []

    class Recording:
        def get(self, path: str, query: Query | None = None) -> Response:
            if len(pages) == 2:  # who else holds the first page: besides this list and getrefcount's argument
                holders_of_first_page.append(sys.getrefcount(pages[0]) - 2)
            pages.append(store.get(path, query))
            return pages[-1]

    answer = list_all(Recording(), NODES, limit=3, keep=lambda node: {"name": node["metadata"]["name"]})  # type: ignore[arg-type]
    assert [n["name"] for n in answer.data["items"]] == [f"n{i}" for i in range(7)] and len(pages) == 3
    assert answer.data["kind"] == "NodeList" and "continue" not in answer.data["metadata"]
    assert holders_of_first_page == [0], "list_all still holds the first page while reading the third"


def test_a_whole_node_keeps_the_addresses_a_row_has() -> None:
    """InternalIP and ExternalIP, as a Table row gives them; Hostname repeats the node's name (one dict less
    per node at 65,000 nodes)."""
    from kubectl_arch.collect.node_reads import compact_node

    node = {"metadata": {"name": "n1"}, "status": {"addresses": [
        {"type": "InternalIP", "address": "10.0.0.1"}, {"type": "Hostname", "address": "n1"},
        {"type": "ExternalIP", "address": "203.0.113.7"}, "not an address"]}}
    assert compact_node(node)["status"]["addresses"] == [{"type": "InternalIP", "address": "10.0.0.1"},
                                                         {"type": "ExternalIP", "address": "203.0.113.7"}]


def test_per_node_pods_are_never_a_silently_cut_list(api_server: Callable[..., ApiServer],
                                                     kubeconfig_for: Callable[..., Path]) -> None:
    """kube-system's DaemonSet pods are read as one page (600): on 250 nodes with three or more DaemonSets the
    page held only some of them and kube-proxy and CNI pods were counted short. A list longer than the page is
    now "not listed", and the DaemonSets' status counts are used instead."""
    store = ApiStore()
    store.add({"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n0"}, "status": {}})
    for index in range(601):
        store.add({"kind": "Pod", "apiVersion": "v1", "metadata": {
            "name": f"ds-{index}", "namespace": "kube-system", "labels": {"pod-template-generation": "1"}}})
    data = collect(_source(api_server(store), kubeconfig_for), ["kube-system-daemonset-pods"])
    response = data.responses["kube-system-daemonset-pods"]
    assert response.absent and not response.ok and data.items("kube-system-daemonset-pods") == []
    assert "more than 600 per-node pods" in (response.error or ""), response.error


def test_openshift_dns_pods_are_never_a_silently_cut_list(api_server: Callable[..., ApiServer],
                                                          kubeconfig_for: Callable[..., Path]) -> None:
    """The same one page for OpenShift's dns-default pods in openshift-dns: a longer list is "not listed"."""
    store = ApiStore()
    store.add({"kind": "Node", "apiVersion": "v1",
               "metadata": {"name": "n0", "labels": {"node.openshift.io/os_id": "rhcos"}}, "status": {}})
    for index in range(601):
        store.add({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": f"dns-default-{index}",
                                                                   "namespace": "openshift-dns"}})
    data = collect(_source(api_server(store), kubeconfig_for), ["openshift-dns-pods"])
    response = data.responses["openshift-dns-pods"]
    assert response.absent and not response.ok, response
    assert "openshift-dns holds more than 600 per-node pods" in (response.error or ""), response.error


def test_a_long_list_is_read_in_smaller_pages_and_a_short_one_keeps_its_page_size() -> None:
    """Whole nodes 250 to a page kept a 65,000-node audit's peak memory down but cost a 1,000-node audit two round
    trips (0.45 s at 100 ms): pages shrink only once the server says more than the threshold remain."""
    from kubectl_arch.collect.source import list_all

    store = ApiStore()
    for index in range(9):
        store.add({"kind": "Node", "apiVersion": "v1", "metadata": {"name": f"n{index}"}})
    limits: list[str] = []

    class Recording:
        def get(self, path: str, query: Query | None = None) -> Response:
            limits.append(dict(query or {})["limit"])
            return store.get(path, query)

    long = list_all(Recording(), NODES, limit=3, long_list=(5, 2))  # type: ignore[arg-type]
    assert len(long.items) == 9 and limits == ["3", "2", "2", "2"], limits
    limits.clear()
    short = list_all(Recording(), NODES, limit=3, long_list=(6, 2))  # type: ignore[arg-type]
    assert len(short.items) == 9 and limits == ["3", "3", "3"], limits


def test_a_listed_node_keeps_no_creation_time_no_reader_asks_for() -> None:
    """A string per node (4.5 MB at 65,000 nodes) that no check, view or fact read."""
    from kubectl_arch.collect.node_reads import compact_node

    node = compact_node({"metadata": {"name": "n0", "creationTimestamp": "2026-01-01T00:00:00Z",
                                      "labels": {"kubernetes.io/os": "linux"}}})
    assert node["metadata"] == {"name": "n0", "labels": {"kubernetes.io/os": "linux"}}


def _frozen_as_first_written(value: Any) -> Any:
    """``_frozen`` before its exact-type fast paths: the definition its keys must match."""
    from collections.abc import Mapping

    if isinstance(value, Mapping):
        return ("{}", tuple(sorted((str(k), _frozen_as_first_written(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("[]", tuple(_frozen_as_first_written(v) for v in value))
    return (type(value).__name__, value)


class _Labels(UserDict[str, Any]):
    """A Mapping that is not a dict."""


class _Row(list[Any]):
    """A list that is not exactly a list."""


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.lists(inner, max_size=3).map(_Row)
    | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    | st.dictionaries(st.text(max_size=2), inner, max_size=3).map(_Labels),
    max_leaves=12)


@given(JSON_LIKE)
def test_a_shared_part_is_keyed_as_before_the_fast_paths(value: Any) -> None:
    from kubectl_arch.collect.node_reads import _frozen

    assert _frozen(value) == _frozen_as_first_written(value)
