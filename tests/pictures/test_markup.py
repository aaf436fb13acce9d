"""Every sample drawn as SVG and HTML: valid markup, nothing overlapping, nothing outside the canvas, true arrows."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.report.html import to_html
from kubectl_arch.audit.runner import AuditReport
from kubectl_arch.cli.main import main
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.diagram import (
    MAX_GROUPS,
    architecture_scene,
    explain_html,
    explain_svg,
    node_groups,
)
from kubectl_arch.output import pictures
from kubectl_arch.output.pictures import Box, Scene, overlapping
from kubectl_arch.trace.pods import Alike
from kubectl_arch.trace.render.gantt import gantt_scene, trace_html, trace_svg
from kubectl_arch.trace.report import TraceSet
from tests.pictures import cases
from tests.pictures.markup import SVG, check_html, parse_svg

HOSTILE = "<script>alert(1)</script>&amp;\x1b[31m\"'\x00\u202e]]>"


def assert_laid_out(scene: Scene) -> None:
    """No two labelled boxes overlap; everything sits inside the canvas; every line fits its box."""
    assert not overlapping(scene.boxes), [(a.title, b.title) for a, b in overlapping(scene.boxes)]
    for box in scene.boxes:
        assert box.x >= 0 and box.y >= 0, box.title
        assert box.right <= scene.width + 0.01 and box.bottom <= scene.height + 0.01, box.title
        for line in box.lines:
            assert pictures.text_width(box.line_text(line), pictures.FONT_SIZE, line.bold) <= box.w - 2 * pictures.PAD
    for label in scene.labels:
        assert 0 <= label.x <= scene.width and 0 <= label.y <= scene.height, label.text


def _on_edge(box: Box, point: tuple[float, float]) -> bool:
    x, y = point
    return box.x - 0.5 <= x <= box.right + 0.5 and box.y - 0.5 <= y <= box.bottom + 0.5


@pytest.mark.parametrize("name", cases.map_names())
def test_every_cluster_draws_as_valid_svg_and_html(name: str) -> None:
    cluster = cases.cluster_map(name)
    scene = architecture_scene(cluster)
    assert_laid_out(scene)
    root = parse_svg(explain_svg(cluster))
    drawn = {g.get("data-box") for g in root.iter(f"{SVG}g") if g.get("data-box")}
    assert {"kube-apiserver", "kube-scheduler", "API endpoint / load balancer"} <= drawn
    assert check_html(explain_html(cluster)) == []


@pytest.mark.parametrize("name", cases.map_names())
def test_arrows_go_to_the_api_server_and_only_the_api_server_reaches_etcd(name: str) -> None:
    scene = architecture_scene(cases.cluster_map(name))
    boxes = {box.ident: box for box in scene.boxes if box.ident}
    api, endpoint, store = boxes["component-kube-apiserver"], boxes["endpoint"], boxes["datastore"]
    assert scene.arrows
    for arrow in scene.arrows:
        end = arrow.points[-1]
        assert _on_edge(api, end) or _on_edge(endpoint, end) or _on_edge(store, end), arrow.label
        if _on_edge(store, end):
            assert _on_edge(api, arrow.points[0]), "only the API server talks to etcd"
    into_endpoint = [a for a in scene.arrows if _on_edge(endpoint, a.points[-1])]
    assert any(_on_edge(endpoint, a.points[0]) for a in scene.arrows if _on_edge(api, a.points[-1]))
    groups = [box for box in scene.boxes if box.ident.startswith("nodes-")]
    assert all(any(_on_edge(g, a.points[0]) for a in into_endpoint) for g in groups)


def test_unhealthy_parts_are_marked() -> None:
    scene = architecture_scene(cases.sample_map("kubeadm-degraded"))
    states = {box.ident: box.state for box in scene.boxes if box.ident}
    assert states["component-kube-scheduler"] == pictures.BAD  # 0/2 ready
    assert states["datastore"] in (pictures.WARN, pictures.BAD)  # /readyz says etcd fails
    assert states["component-kube-apiserver"] == pictures.WARN
    svg = explain_svg(cases.sample_map("kubeadm-degraded"))
    assert "NotReady: k8s-worker-2" in svg and "/readyz failing: etcd" in svg


def test_a_managed_control_plane_is_a_labelled_hidden_boundary() -> None:
    cluster = cases.sample_map("eks")
    scene = architecture_scene(cluster)
    plane = scene.boundaries[0] if "Control plane" in scene.boundaries[0].title else scene.boundaries[1]
    assert plane.state == pictures.HIDDEN and "Amazon EKS" in plane.title
    assert all(box.state == pictures.HIDDEN for box in scene.boxes if box.ident.startswith("component-"))


def test_a_big_cluster_is_a_few_groups() -> None:
    cluster = cases.sample_map("kind-ha")
    template = cluster.nodes[-1]
    nodes = [dataclasses.replace(template, name=f"worker-{i}", labels={
        "topology.kubernetes.io/zone": f"zone-{i % 40}"}, kubelet_version=f"v1.32.{i % 3}") for i in range(5000)]
    big = dataclasses.replace(cluster, nodes=nodes)
    scene = architecture_scene(big)
    assert len(scene.boxes) < 30
    assert_laid_out(scene)
    assert sum(int(b.title.rsplit("×", 1)[1]) for b in scene.boxes if b.ident.startswith("nodes-")) == 5000


roles = st.sampled_from(["control-plane", "worker", "infra", "gpu"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(roles, st.sampled_from(["", "a", "b", "c", "d"]), st.sampled_from(["v1.30.1", "v1.31.2",
                                                                                        "v1.32.0"]),
                          st.sampled_from(["containerd://1.7", "cri-o://1.30"])), max_size=60))
def test_grouping_keeps_every_node_once_in_few_groups(specs: list[tuple[str, str, str, str]]) -> None:
    template = cases.sample_map("kind-ha").nodes[-1]
    nodes = [dataclasses.replace(template, name=f"n{i}", control_plane=role == "control-plane",
                                 roles=[role] if role != "worker" else [], kubelet_version=version,
                                 container_runtime=runtime, labels={"topology.kubernetes.io/zone": zone})
             for i, (role, zone, version, runtime) in enumerate(specs)]
    groups = node_groups(nodes)
    assert len(groups) <= MAX_GROUPS
    assert sorted(n.name for g in groups for n in g.nodes) == sorted(n.name for n in nodes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40))
def test_cluster_strings_are_escaped_and_cleaned(text: str) -> None:
    cluster = cases.sample_map("kubeadm-degraded")
    nodes = [dataclasses.replace(n, name=text + HOSTILE, kubelet_version=text) for n in cluster.nodes]
    hostile = dataclasses.replace(cluster, nodes=nodes, server=HOSTILE + text)
    svg = explain_svg(hostile)
    parse_svg(svg)
    assert "<script>" not in svg and "\x1b" not in svg and "\x00" not in svg
    page = explain_html(hostile)
    assert check_html(page) == [] and "<script>" not in page


@pytest.mark.parametrize("target", cases.trace_targets(), ids=lambda t: "-".join(t))
def test_every_trace_draws_as_a_gantt_chart(target: tuple[str, str, str]) -> None:
    view = cases.trace_set(*target)
    assert view.reports[0].view.name == cases.trace_report(*target).view.name  # the pod `trace` prints comes first
    scene = gantt_scene(view)
    assert_laid_out(scene)
    root = parse_svg(trace_svg(view))
    bars = {g.get("id"): g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("ka-bar")}
    for index, report in enumerate(view.reports):
        suffix = f"-{index + 1}" if index else ""
        for stage in report.stages:
            if stage.done and stage.start is not None:
                title = bars[f"stage-{stage.name}{suffix}"].find(f"{SVG}title")
                assert title is not None and all(line in (title.text or "") for line in stage.evidence)
        if report.stuck is not None:
            assert f"stuck: {report.stuck.diagnosis.reason}" in ET_text(root)
    assert check_html(trace_html(view)) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=30))
def test_event_text_in_a_trace_is_escaped_and_cleaned(text: str) -> None:
    report = cases.trace_report("kind-ha", "shop", "pod/cart-6b8d7f9c5d-cqhfr")
    assert report.stuck is not None
    stages = [dataclasses.replace(s, evidence=[*s.evidence, text + HOSTILE]) for s in report.stages]
    diagnosis = dataclasses.replace(report.stuck.diagnosis, reason=HOSTILE + text, explanation=text + HOSTILE)
    hostile = dataclasses.replace(report, stages=stages, stuck=dataclasses.replace(report.stuck, diagnosis=diagnosis))
    view = TraceSet([hostile, hostile], [HOSTILE + text, text], [Alike(text + HOSTILE, (HOSTILE, text))],
                    "Deployment " + HOSTILE)
    svg = trace_svg(view)
    parse_svg(svg)
    assert "<script>" not in svg and "\x1b" not in svg
    page = trace_html(view)
    assert check_html(page) == [] and "<script>" not in page


def ET_text(root: object) -> str:
    import xml.etree.ElementTree as ET

    assert isinstance(root, ET.Element)
    return "".join(root.itertext())


def test_an_owners_pods_stack_in_one_chart() -> None:
    view = cases.trace_set("kind-ha", "default", "deployment/web")
    scene = gantt_scene(view)
    assert_laid_out(scene)
    assert scene.title == "Deployment web in default: 2 pods, 1 charted"  # the newest is also the slowest
    assert "1 more pod of Deployment web" in ET_text(parse_svg(trace_svg(view)))
    parse_svg(trace_svg(view))
    assert check_html(trace_html(view)) == []


@pytest.mark.parametrize("sample", ["kind-ha", "kubeadm-degraded", "eks"])
def test_the_audit_page_has_summary_findings_suppressions_and_the_picture(sample: str) -> None:
    report = cases.audit_report(sample)
    assert report.data is not None
    page = to_html([report], Status.FAIL, [build_map(report.data)])
    assert check_html(page) == []
    assert 'id="summary"' in page and 'id="diagram"' in page and "<h2>Suppressed</h2>" in page
    for result in report.results:
        if result.status is not Status.PASS:  # the fix, why and pages for this cluster, as every format prints them
            assert result.fix.split("`")[0][:40] in page.replace("&#39;", "'").replace("&#34;", '"')
            assert all(ref in page for ref in result.references)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI in-process, through ``main`` so errors become their exit codes as in a shell."""
    try:
        main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_outputs_and_their_misuse(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["explain", "--sample", "kind-ha", "-o", "svg"], capsys)
    assert code == 0
    parse_svg(out)
    code, out, _ = run(["trace", "deployment/checkout", "-n", "payments", "--sample", "kubeadm-degraded", "-o",
                        "html"], capsys)
    assert code == 0 and check_html(out) == []
    code, out, _ = run(["audit", "--sample", "kubeadm-degraded", "-o", "html"], capsys)
    assert code == 1 and check_html(out) == [] and 'id="diagram"' in out
    code, _, err = run(["explain", "etcd", "--sample", "kind-ha", "-o", "svg"], capsys)
    assert code == 2 and "draws the whole cluster" in err
    code, _, err = run(["trace", "pod/x", "--follow", "--sample", "kind-ha", "-o", "svg"], capsys)
    assert code == 2 and "--follow" in err


def test_what_could_not_be_read_is_said_not_drawn_as_empty() -> None:
    """Forbidden nodes and kube-system pods: the picture says what was not read instead of showing a healthy void."""
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.collect.sample_source import SampleSource, load_sample
    from kubectl_arch.explain import EXPLAIN_NEEDS

    sample = load_sample("kind-ha")
    sample.store.forbid(lambda path, _query: path == "/api/v1/nodes" or path.endswith("kube-system/pods"))
    cluster = build_map(collect(SampleSource(sample), EXPLAIN_NEEDS))
    scene = architecture_scene(cluster)
    assert_laid_out(scene)
    assert any(box.ident == "nodes-none" and box.state == pictures.WARN for box in scene.boxes)
    text = " ".join(label.text for label in scene.labels)
    assert "not read:" in text
    assert check_html(explain_html(cluster)) == []


def test_two_pictures_on_one_page_share_no_id() -> None:
    reports = [cases.audit_report("kind-ha"), cases.audit_report("eks")]
    page = to_html(reports, Status.FAIL, [build_map(r.data) for r in reports if r.data])
    assert check_html(page) == []  # markers, boxes, summaries and figures each numbered
    assert 'id="diagram-2"' in page and 'url(#ka-head-architecture-2)' in page


def test_several_clusters_and_an_unreadable_one_share_one_page() -> None:
    from kubectl_arch.audit.runner import ClusterInfo

    readable = cases.audit_report("kind-ha")
    dead = AuditReport(ClusterInfo("prod", "https://10.0.0.1:6443", "unknown", "context prod"), [],
                       error="cannot reach https://10.0.0.1:6443: connection refused")
    page = to_html([readable, dead], Status.FAIL, [None, None])
    assert check_html(page) == []
    assert page.count('<h2 class="cluster">') == 2 and "connection refused" in page and 'id="diagram"' not in page
