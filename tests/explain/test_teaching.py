"""Pages, the walkthrough and the what-if arithmetic: the teaching parts, on real topologies."""

from __future__ import annotations

import pytest

from kubectl_arch.collect.source import Source
from kubectl_arch.explain.analysis import COMPONENT_NAMES, build_map
from kubectl_arch.explain.command import COMPONENT_NAMES as CLI_NAMES
from kubectl_arch.explain.pages import PAGES, find_page, page_commands, page_for_component
from kubectl_arch.explain.walkthrough import walkthrough_steps
from kubectl_arch.explain.what_if import lose_control_plane_node, lose_etcd_members, network_partition, scenarios
from tests.explain.fixtures import load_data, sample_data


def test_every_component_has_one_page_with_commands_and_a_docs_link() -> None:
    assert sorted(page.component for page in PAGES) == sorted(COMPONENT_NAMES)
    assert sorted(page.key for page in PAGES) == sorted(CLI_NAMES)
    cluster = build_map(load_data("kubeadm-ha"))
    for page in PAGES:
        assert page.what and page.failure and page_commands(page, cluster)
        assert any(link.startswith("https://kubernetes.io/docs/") for link in page.docs), page.key
        assert page_for_component(page.component) is page


@pytest.mark.parametrize(("alias", "key"), [("kube-apiserver", "apiserver"), ("KCM", "controller-manager"),
                                            ("containerd", "runtime"), ("coredns", "dns"), ("etcd", "etcd")])
def test_page_aliases(alias: str, key: str) -> None:
    page = find_page(alias)
    assert page is not None and page.key == key
    assert find_page("flux-capacitor") is None


def test_etcd_loss_arithmetic_on_three_members() -> None:
    cluster = build_map(load_data("kubeadm-ha"))
    one, two = lose_etcd_members(cluster, 1), lose_etcd_members(cluster, 2)
    assert one.survives is True and "2 of 3" in one.summary and "One more failure" in one.summary
    assert two.survives is False and "fewer than the quorum of 2" in two.summary
    assert any("scheduling" in item for item in two.stops)
    assert any("pods already running" in item for item in two.keeps_working)
    assert any("run 5 members" in item for item in two.advice)


def test_tolerance_advice_reads_as_a_sentence_and_recovery_is_the_distributions() -> None:
    """'(1 tolerate 0; keep the count odd)' was garbled, and minikube was told to 'restore the latest snapshot into
    a new cluster' with a command that deletes the cluster and re-applies manifests."""
    minikube = lose_etcd_members(build_map(sample_data("minikube")), 1)
    text = " ".join(minikube.advice)
    assert "(1 member tolerates 0 failures; keep the count odd)" in text, text
    assert "restore the latest snapshot" not in text and "recover the way this distribution does" in text
    three = " ".join(lose_etcd_members(build_map(load_data("kubeadm-ha")), 2).advice)
    assert "(3 members tolerate 1 failure; keep the count odd)" in three, three


def test_external_etcd_of_five_tolerates_two() -> None:
    cluster = build_map(load_data("external-etcd"))
    report = scenarios(cluster)
    etcd_losses = [s for s in report if s.title.startswith("lose") and "etcd" in s.title]
    assert [s.survives for s in etcd_losses] == [True, True, False]  # lose 1, 2 survive; 3 loses quorum
    assert network_partition(cluster).survives is True
    assert "3/2" in network_partition(cluster).summary


def test_two_members_survive_nothing() -> None:
    cluster = build_map(sample_data("kubeadm-degraded"))  # two stacked etcd members
    assert cluster.datastore.members == 2
    assert lose_etcd_members(cluster, 1).survives is False
    partition = network_partition(cluster)
    assert partition.survives is False and "neither side" in partition.summary


def test_losing_the_node_with_the_leader_hands_over_to_a_standby() -> None:
    cluster = build_map(load_data("kubeadm-ha"))
    scenario = lose_control_plane_node(cluster)
    assert scenario.title == "lose control-plane node cp-2"  # an etcd member and the scheduler's leader
    assert scenario.survives is True and "2 of 3 API servers" in scenario.summary
    assert any(item.startswith("kube-scheduler: a standby takes over") for item in scenario.keeps_working)


def test_single_control_plane_node_stops_everything() -> None:
    cluster = build_map(sample_data("cilium-kpr"))
    scenario = lose_control_plane_node(cluster)
    assert scenario.survives is False
    assert any("three control-plane nodes" in item for item in scenario.advice)
    assert any("kube-scheduler: no instance left" in item for item in scenario.stops)


def test_managed_what_if_is_honest_about_what_it_cannot_see() -> None:
    cluster = build_map(sample_data("eks"))
    assert all(s.survives is None for s in scenarios(cluster))
    assert "Amazon" in lose_control_plane_node(cluster).summary


def test_walkthrough_names_this_clusters_components() -> None:
    steps = walkthrough_steps(build_map(load_data("kubeadm-ha")))
    here = {step.title: step.here for step in steps}
    assert len(steps) == 8 and steps[-1].title == "This cluster stops here"  # its KCM Lease expired
    assert here["Authorization: may you do this?"] == "--authorization-mode=Node,RBAC"
    assert "3 members" in here["Written to etcd"] and "once 2 have it" in here["Written to etcd"]
    assert "no current leader" in here["Deployment -> ReplicaSet -> Pods"]
    healthy = {step.title: step.here for step in walkthrough_steps(build_map(sample_data("kind-ha")))}
    assert len(healthy) == 13 and "This cluster stops here" not in healthy
    assert healthy["Scheduling"] == "kube-scheduler, the leader on kind-ha-control-plane2"
    assert "iptables mode" in healthy["Traffic can reach it"] and "coredns" in healthy["Traffic can reach it"]
    cilium = {s.title: s.here for s in walkthrough_steps(build_map(sample_data("cilium-kpr")))}
    assert cilium["Traffic can reach it"].startswith("no kube-proxy: Cilium's eBPF kube-proxy replacement")


def _walkthrough_text(source: Source) -> str:
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.explain import EXPLAIN_NEEDS

    return " ".join(step.here for step in walkthrough_steps(build_map(collect(source, EXPLAIN_NEEDS))))


def test_admission_and_authorization_are_never_claimed_where_the_command_line_was_not_read() -> None:
    """k3s, OpenShift and EKS were told '--enable-admission-plugins=the defaults (on top of the default plugins)':
    their API server's command line is not readable (k3s, EKS) or its settings live in a file (OpenShift)."""
    from kubectl_arch.collect.sample_source import SampleSource, load_sample

    assert "--enable-admission-plugins: not visible" in _walkthrough_text(SampleSource.named("k3s"))
    assert "its configuration file (--openshift-config) may set it" in \
        _walkthrough_text(SampleSource.named("openshift"))
    assert "--enable-admission-plugins=NodeRestriction" in _walkthrough_text(SampleSource.named("kind-ha"))
    sample = load_sample("kind-ha")
    for pod in sample.store.objects("Pod"):
        if pod["metadata"]["name"].startswith("kube-apiserver-"):
            command = pod["spec"]["containers"][0]["command"]
            command[:] = [word for word in command if not word.startswith(("--enable-admission-plugins",
                                                                             "--authorization-mode"))]
    unset = _walkthrough_text(SampleSource(sample))
    assert "only the default admission plugins run" in unset and "AlwaysAllow" in unset, unset


def test_a_component_page_never_calls_an_unread_flag_the_default() -> None:
    """k3s's apiserver page listed '--authorization-mode not set (default)' with no command line read; kube-proxy's
    listed '--proxy-mode not set (default)' while its --config file sets the mode."""
    from kubectl_arch.explain.render.page import flags_rows

    def rows(sample: str, key: str) -> dict[str, str]:
        cluster = build_map(sample_data(sample))
        page = find_page(key)
        assert page is not None
        return {flag.strip(): text for flag, text in flags_rows(page, cluster.component(page.component))}

    assert rows("k3s", "apiserver")["--authorization-mode"].startswith("not visible")
    assert "its configuration file (--config) may set it" in rows("kind-ha", "kube-proxy")["--proxy-mode"]


def test_the_etcd_page_says_whose_backup_it_is() -> None:
    """EKS and k3s over kine were told 'Back it up: a snapshot (etcdctl snapshot save) is the only way back', with
    no word that on EKS no etcd snapshot is the operator's to take and that k3s over kine runs no etcd at all."""
    from kubectl_arch.explain.pages import failure_text

    page = find_page("etcd")
    assert page is not None
    assert "no snapshot of it is yours to take" in failure_text(page, build_map(sample_data("eks")))
    assert "runs no etcd" in failure_text(page, build_map(sample_data("k3s")))
    assert failure_text(page, build_map(sample_data("kind-ha"))) == page.failure


@pytest.mark.parametrize("sample, component",
                         [("k3s", "etcd"), ("openshift", "kube-proxy"), ("cilium-kpr", "kube-proxy")])
def test_flags_of_a_component_that_does_not_run_are_not_called_hidden(sample: str, component: str) -> None:
    """k3s without --cluster-init runs no etcd, OpenShift and Cilium's replacement no kube-proxy: their flags are
    not "not visible (no command line to read)", which reads as a component running out of sight."""
    from kubectl_arch.explain.render.page import flags_rows

    cluster = build_map(sample_data(sample))
    page = page_for_component(component)
    assert page is not None
    cells = [cell for _, cell in flags_rows(page, cluster.component(page.component))]
    assert cells and all(cell.startswith(f"{component} does not run in this cluster") for cell in cells), cells


def test_minikubes_bridge_cni_is_not_reported_as_pods_without_network() -> None:
    """minikube on one node with the docker runtime uses the bridge CNI, a file in the node: no DaemonSet shows it,
    and "pods may get no network" was a false alarm on the default minikube (its pods are Running with IPs)."""
    notes = build_map(sample_data("minikube")).component("cni").notes
    assert notes and "bridge" in notes[0] and "no network" not in notes[0], notes
