"""Golden outputs: what users read, pinned at 100 columns without colour (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from kubectl_arch.explain.analysis import ClusterMap, build_map
from kubectl_arch.explain.pages import find_page
from kubectl_arch.explain.render.mermaid import mermaid
from kubectl_arch.explain.render.page import print_page
from kubectl_arch.explain.render.story import print_scenarios, print_walkthrough
from kubectl_arch.explain.render.terminal import print_overview
from kubectl_arch.explain.walkthrough import walkthrough_steps
from kubectl_arch.explain.what_if import scenarios
from kubectl_arch.output.console import make_console
from tests.explain.fixtures import LAYOUTS, VARIANTS, cluster_data, sample_data
from tests.golden import assert_golden

WIDTH = 100


@pytest.fixture(autouse=True)
def plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", str(WIDTH))


def rendered(draw: Callable[..., None], *args: object) -> str:
    stream = io.StringIO()
    draw(make_console(stream, width=WIDTH), *args)
    return stream.getvalue()


def fixture_map(name: str) -> ClusterMap:
    return build_map(cluster_data(name))


@pytest.mark.parametrize("name", ["kubeadm-ha", "eks", "k3s", "cilium-kpr", "external-etcd", "openshift", *VARIANTS])
def test_overview(name: str) -> None:
    assert_golden(f"explain-{name.replace(' ', '-')}.txt", rendered(print_overview, fixture_map(name)))


@pytest.mark.parametrize("name", ["kubeadm-ha", "openshift"])
def test_overview_wide(name: str) -> None:
    """-o wide as the command reads it: a sample's nodes whole (a layout's are always whole)."""
    cluster = fixture_map(name) if name in LAYOUTS else build_map(sample_data(name, whole_nodes=True))
    assert_golden(f"explain-{name}-wide.txt", rendered(print_overview, cluster, True))


@pytest.mark.parametrize("component", ["etcd", "apiserver", "kube-proxy"])
def test_component_page(component: str) -> None:
    page = find_page(component)
    assert page is not None
    assert_golden(f"explain-page-{component}.txt", rendered(print_page, page, fixture_map("kubeadm-ha")))


def test_what_if() -> None:
    assert_golden("explain-what-if-kubeadm-ha.txt", rendered(print_scenarios, scenarios(fixture_map("kubeadm-ha"))))


def test_walkthrough_prints_every_step_up_to_where_the_cluster_stops() -> None:
    """kubeadm-ha's controller-manager Lease has expired: no ReplicaSet is created, so the story stops there."""
    text = rendered(print_walkthrough, walkthrough_steps(fixture_map("kubeadm-ha")))
    assert text.count("Step ") == 8 and "Step 8/8: This cluster stops here" in text
    assert_golden("explain-walkthrough-kubeadm-ha.txt", text)


def test_mermaid() -> None:
    assert_golden("explain-mermaid-kubeadm-ha.txt", mermaid(fixture_map("kubeadm-ha")))


def test_a_walkthrough_step_counts_a_big_clusters_kubelets_instead_of_listing_them() -> None:
    """5,000 kubelets were 5,000 names in steps 9 and 11: a step names a few nodes and counts the rest."""
    from kubectl_arch.explain.views import KUBELET, ComponentView, InstanceView
    from kubectl_arch.explain.walkthrough import NODES_NAMED, _count

    instances = [InstanceView(node=f"worker-{i:05d}", pod=None, version="v1.32.4", ready=i % 1000 != 999)
                 for i in range(5_000)]
    here = _count(ComponentView(KUBELET, "node", 5_000, instances=instances), "kubelet")
    assert here == ("5,000 kubelets (4,995 ready) on worker-00000, worker-00001, worker-00002, worker-00003, "
                    "worker-00004 and 4,995 more nodes")
    assert here.count("worker-") == NODES_NAMED - 1
    few = _count(ComponentView(KUBELET, "node", 2, instances=instances[:2]), "kubelet")
    assert few == "2 kubelets on worker-00000, worker-00001"


def test_a_component_page_on_a_big_cluster_lists_what_stands_out_and_counts_the_rest() -> None:
    """explain kubelet listed one row per node: 65,000 rows on a 65,000-node cluster."""
    from kubectl_arch.explain.render.page import listed_instances
    from kubectl_arch.explain.render.terminal import NODES_LISTED_MAX
    from kubectl_arch.explain.views import InstanceView

    instances = [InstanceView(node=f"worker-{i:05d}", pod=f"kube-proxy-{i}", version="v1.32.4", ready=True)
                 for i in range(3_000)]
    instances[7] = InstanceView(node="worker-00007", pod="kube-proxy-7", version="v1.32.4", ready=False)
    instances[8] = InstanceView(node="worker-00008", pod="kube-proxy-8", version="v1.32.4", ready=True, restarts=4)
    instances[9] = InstanceView(node="worker-00009", pod="kube-proxy-9", version="v1.31.0", ready=True)
    rows = listed_instances(instances)
    assert [r.node for r in rows] == ["worker-00007", "worker-00008", "worker-00009", "(2,997 more)"]
    assert rows[-1].version == "v1.32.4" and rows[-1].ready
    assert listed_instances(instances[:NODES_LISTED_MAX]) == instances[:NODES_LISTED_MAX]


def test_a_hidden_components_flags_are_the_providers_not_missing() -> None:
    """On EKS the API server's page listed each flag as 'not visible (no command line to read)', as if a read had
    failed: the provider runs it out of sight."""
    from kubectl_arch.explain.analysis import build_map
    from kubectl_arch.explain.pages import PAGES
    from kubectl_arch.explain.render.page import flags_rows
    from tests.explain.fixtures import sample_data

    cluster = build_map(sample_data("eks"))
    hidden = [v for v in cluster.components if v.managed and not v.instances]
    assert {v.name for v in hidden} >= {"kube-apiserver", "etcd"}
    for view in hidden:
        for page in (p for p in PAGES if p.component == view.name):
            for _flag, cell in flags_rows(page, view):
                assert "set by the provider" in cell and "no command line" not in cell, (view.name, cell)
