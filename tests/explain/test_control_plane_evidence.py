"""A control-plane component's evidence names the pods that were really read, as they were matched: their
namespace (kube-system on kubeadm, openshift-kube-apiserver and the others on OpenShift) and the label or name
each carries. Held over every sample and layout against the pods explain collected."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.views import CONTROL_PLANE
from tests.explain.fixtures import LAYOUTS, VARIANTS, cluster_data

EVERY_CLUSTER = [*sample_names(), *LAYOUTS, *VARIANTS]
POD_READS = ("kube-system-pods", "openshift-control-plane-pods", "kube-system-daemonset-pods")
# "3 pods in openshift-etcd labelled k8s-app=etcd", "1 pod in kube-system named kube-apiserver-*"
POD_EVIDENCE = re.compile(r"^(\d+) pods? in (\S+) (labelled (\S+)=(\S+)|named (\S+)\*|with (\S+) in the name)$")


def _pods(data: ClusterData) -> list[dict[str, Any]]:
    return [pod for need in POD_READS if need in data.responses for pod in data.items(need)]


def _carries(pod: dict[str, Any], match: re.Match[str]) -> bool:
    """Whether ``pod`` is what the sentence says: in its namespace, with its label, name prefix or name part."""
    metadata = pod["metadata"]
    if metadata.get("namespace") != match.group(2):
        return False
    if match.group(4):
        return (metadata.get("labels") or {}).get(match.group(4)) == match.group(5)
    if match.group(6):
        return str(metadata["name"]).startswith(match.group(6))
    return match.group(7) in metadata["name"]


@pytest.mark.parametrize("name", EVERY_CLUSTER)
def test_the_pods_a_control_plane_component_rests_on_are_named_where_they_were_read(name: str) -> None:
    data = cluster_data(name)
    pods = {(pod["metadata"].get("namespace"), pod["metadata"]["name"]): pod for pod in _pods(data)}
    for view in build_map(data).components:
        if view.layer != CONTROL_PLANE or not any(instance.pod for instance in view.instances):
            continue
        sentences = [match for line in view.evidence if (match := POD_EVIDENCE.match(line))]
        pod_lines = [line for line in view.evidence if re.match(r"^\d+ pods? in ", line)]
        assert len(sentences) == len(pod_lines) >= 1, f"{name} {view.name}: {view.evidence}"
        said = sum(int(match.group(1)) for match in sentences)
        assert said == sum(1 for instance in view.instances if instance.pod), f"{name} {view.name}: {view.evidence}"
        for instance in view.instances:
            if not instance.pod:
                continue
            candidates = [pod for (_, pod_name), pod in pods.items() if pod_name == instance.pod]
            assert any(_carries(pod, match) for pod in candidates for match in sentences), \
                f"{name} {view.name}: pod {instance.pod} is not what {view.evidence} says"
