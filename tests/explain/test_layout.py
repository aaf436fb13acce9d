"""What users copy stays whole: node and pod names are never cut and no plain line ends in blanks."""

from __future__ import annotations

import io

import pytest

from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import ClusterMap, build_map
from kubectl_arch.explain.pages import PAGES
from kubectl_arch.explain.render.page import print_page
from kubectl_arch.explain.render.terminal import print_overview
from kubectl_arch.output.console import make_console
from tests.explain.fixtures import cluster_data, load_data

# The compact layouts, the samples they once duplicated, and a variant with a degraded CNI and DNS notes.
CLUSTERS = ["kubeadm-ha", "eks", "k3s", "cilium-kpr", "external-etcd",
            "cilium-kpr with an agent down and dns on one node"]


@pytest.fixture(autouse=True)
def plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def overview_text(cluster: ClusterMap, width: int, wide: bool = False) -> str:
    stream = io.StringIO()
    print_overview(make_console(stream, width=width), cluster, wide)
    return stream.getvalue()


def words(text: str) -> set[str]:
    return {word for line in text.splitlines() for word in line.split()}


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("name", CLUSTERS)
def test_names_are_whole_and_lines_end_without_blanks(name: str, width: int) -> None:
    cluster = build_map(cluster_data(name))
    for wide in (False, True):
        text = overview_text(cluster, width, wide)
        assert all(line == line.rstrip() for line in text.splitlines()), "a line ends with blanks"
        assert all(len(line) <= width for line in text.splitlines())
        seen = words(text)
        assert all(node.name in seen for node in cluster.nodes), "a node name was cut"
        for view in cluster.components:
            if view.leader is not None and view.leader.held and view.leader.holder_node:
                assert view.leader.holder_node.split(".", 1)[0] in seen, "a leader name was cut"


@pytest.mark.parametrize("width", [80, 100])
def test_component_pages_keep_pod_names_whole(width: int) -> None:
    cluster = build_map(load_data("kubeadm-ha"))
    for page in PAGES:
        stream = io.StringIO()
        print_page(make_console(stream, width=width), page, cluster)
        text = stream.getvalue()
        assert all(line == line.rstrip() for line in text.splitlines())
        seen = words(text)
        for instance in cluster.component(page.component).instances:
            assert instance.node is None or instance.node in seen
            pod_shown = instance.pod is None or instance.pod in seen
            assert pod_shown or f"{page.component}-<node>" in text or "pod names: -o json" in text


def _explain(sample: str, width: int, *options: str) -> str:
    from click.testing import CliRunner

    from kubectl_arch.cli.main import cli

    result = CliRunner().invoke(cli, ["explain", "--sample", sample, *options],
                                env={"NO_COLOR": "1", "COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("width", [40, 60, 80])
@pytest.mark.parametrize("sample", sample_names())
def test_every_sample_shows_node_names_whole_on_a_narrow_terminal(sample: str, width: int) -> None:
    """Through the CLI, as a user on a narrow terminal sees it: each node name whole, to copy into a command."""
    import json

    names = [node["name"] for node in json.loads(_explain(sample, 400, "-o", "json"))["nodes"]]
    assert names
    for options in ((), ("-o", "wide")):
        seen = words(_explain(sample, width, *options))
        assert [name for name in names if name not in seen] == [], f"a node name was cut ({' '.join(options)})"


@pytest.mark.parametrize("width", [40, 60, 80, 100])
@pytest.mark.parametrize("sample", sample_names())
def test_wide_shows_every_taint_whole(sample: str, width: int) -> None:
    """-o wide: a taint (key=value:Effect) goes into `kubectl taint`; it is never folded, at any width: its line
    holds it whole, beside its node's name or under it."""
    import json

    nodes = json.loads(_explain(sample, 400, "-o", "json"))["nodes"]
    seen = words(_explain(sample, width, "-o", "wide"))
    assert [taint for node in nodes for taint in node["taints"] if taint not in seen] == []


HEADERS = {"COMPONENT", "READY", "WHERE", "VERSION", "HEALTH", "LEADER"}


@pytest.mark.parametrize("sample", sample_names())
def test_layer_tables_keep_headers_names_and_verdicts_whole_at_60_columns(sample: str) -> None:
    """A narrow terminal wraps detail between words; it never folds a header ("VERSIO/N"), a component's name,
    its verdict, or where a version was read ("Cluste/rOpera/tor")."""
    import json

    text = _explain(sample, 60)
    lines = text.splitlines()
    for title in ("The Brain", "The Muscle"):
        header = lines[next(i for i, line in enumerate(lines) if line.startswith(title)) + 1]
        assert header.split()[0] == "COMPONENT" and set(header.split()) <= HEADERS, header
    seen = words(text)
    components = json.loads(_explain(sample, 400, "-o", "json"))["components"]
    for component in components:
        assert component["name"] in seen
        assert component["unknown"] or component["health"] in seen, component["health"]
        if component["versions"] and component["versionSource"]:  # "ClusterOperator kube-apiserver": its kind
            assert component["versionSource"].split()[0] in seen


@pytest.mark.parametrize("sample", sample_names())
def test_wide_flags_heading_is_never_alone(sample: str) -> None:
    """-o wide: "Flags that matter" has flags under it, or a sentence saying why there are none."""
    lines = _explain(sample, 200, "-o", "wide").splitlines()
    below = lines[lines.index("Flags that matter") + 1]
    assert below.strip(), "an empty Flags that matter heading"
    if sample == "k3s":
        assert "k3s process" in below and "k3s.io/node-args" in below
