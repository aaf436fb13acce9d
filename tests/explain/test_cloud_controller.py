"""The cloud controller manager wherever it runs, and what explain says where none is seen: only what the
cluster shows.

OpenShift 4.7 on vSphere was told "nothing links the cluster to a cloud API ... normal on bare metal and kind",
while its nodes' providerID (vsphere://) and the in-tree provider of its controller manager said otherwise.
"""

from __future__ import annotations

from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.model.components import CLOUD_CONTROLLER_MANAGER

NOTHING_LINKS = "nothing links the cluster to a cloud API"


def _cloud_controller_notes(source: SampleSource) -> list[str]:
    cluster = build_map(collect(source, [*EXPLAIN_NEEDS, "nodes-full"]))
    (view,) = [c for c in cluster.components if c.name == CLOUD_CONTROLLER_MANAGER]
    return view.notes


def test_nodes_registered_by_a_cloud_are_never_told_nothing_links_them_to_one() -> None:
    notes = " ".join(_cloud_controller_notes(SampleSource.named("openshift")))
    assert NOTHING_LINKS not in notes, notes
    assert "vsphere://" in notes and "no cloud-controller-manager pod found" in notes


def test_an_in_tree_cloud_provider_is_named_from_the_controller_managers_flag() -> None:
    sample = load_sample("kind-ha")
    for pod in sample.store.objects("Pod"):
        if pod["metadata"]["name"].startswith("kube-controller-manager-"):
            pod["spec"]["containers"][0]["command"].append("--cloud-provider=aws")
    notes = " ".join(_cloud_controller_notes(SampleSource(sample)))
    assert "runs the in-tree aws cloud provider (--cloud-provider=aws)" in notes and NOTHING_LINKS not in notes


def test_a_cluster_with_no_sign_of_a_cloud_is_told_so() -> None:
    assert any(NOTHING_LINKS in note for note in _cloud_controller_notes(SampleSource.named("kind-ha")))


def test_a_cloud_controller_manager_run_by_a_daemonset_is_counted() -> None:
    """aws-, openstack- and vsphere-cloud-controller-manager usually run as DaemonSets on the control-plane
    nodes: their pods are read with the per-node pods, and were never looked at, so explain said "none"."""
    sample = load_sample("kind-ha")
    for index, node in enumerate(("kind-ha-control-plane", "kind-ha-control-plane2", "kind-ha-control-plane3")):
        sample.store.add({
            "kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": f"aws-cloud-controller-manager-{index}x7k", "namespace": "kube-system",
                         "labels": {"k8s-app": "aws-cloud-controller-manager", "pod-template-generation": "1"},
                         "ownerReferences": [{"kind": "DaemonSet", "name": "aws-cloud-controller-manager"}]},
            "spec": {"nodeName": node, "containers": [{
                "name": "aws-cloud-controller-manager",
                "image": "registry.k8s.io/provider-aws/cloud-controller-manager:v1.32.1",
                "args": ["--cloud-provider=aws", "--v=2"]}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": "aws-cloud-controller-manager", "ready": True,
                                              "restartCount": 0}]}})
    cluster = build_map(collect(SampleSource(sample), [*EXPLAIN_NEEDS, "nodes-full"]))
    (view,) = [c for c in cluster.components if c.name == CLOUD_CONTROLLER_MANAGER]
    assert view.replicas == 3 and view.ready == 3, view
    assert not any(NOTHING_LINKS in note for note in view.notes)
    assert cluster.facts.components[CLOUD_CONTROLLER_MANAGER].runs == "pods"
