"""A static pod is named after its manifest and its node: only ``<component>-<node>`` is the component.

OpenShift keeps other pods beside its control plane's: during a rollout the static pod
``kube-apiserver-startup-monitor-<node>`` (its manifest ``kube-apiserver-startup-monitor``, library-go's installer),
and since 4.10 ``<component>-guard-<node>`` pods. Taken by their name's prefix, they counted as more API servers.
"""

from __future__ import annotations

from typing import Any

from kubectl_arch.model.components import KUBE_APISERVER, component_from_pods


def pod(name: str, node: str, labels: dict[str, str], mirror: bool) -> dict[str, Any]:
    annotations = {"kubernetes.io/config.mirror": "abc", "kubernetes.io/config.source": "file"} if mirror else {}
    return {"metadata": {"name": name, "namespace": "openshift-kube-apiserver", "labels": labels,
                         "annotations": annotations},
            "spec": {"nodeName": node, "containers": [{"name": "kube-apiserver", "image": "quay.io/x@sha256:1"}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}


def test_only_the_manifest_and_node_name_is_an_api_server() -> None:
    apiserver = {"app": "openshift-kube-apiserver", "apiserver": "true"}
    pods = [pod(f"kube-apiserver-master-{i}", f"master-{i}", apiserver, mirror=True) for i in range(3)]
    pods += [pod("kube-apiserver-startup-monitor-master-0", "master-0", {"revision": "12"}, mirror=True),
             *(pod(f"kube-apiserver-guard-master-{i}", f"master-{i}", {"app": "guard"}, mirror=False)
               for i in range(3))]
    found = component_from_pods(pods, KUBE_APISERVER)
    assert [i.pod for i in found.instances] == ["kube-apiserver-master-0", "kube-apiserver-master-1",
                                                "kube-apiserver-master-2"]
    assert {i.matched_by for i in found.instances} == {"named kube-apiserver-*"}
