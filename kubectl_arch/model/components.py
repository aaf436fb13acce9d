"""Control-plane components found through their pods in kube-system (and OpenShift's own namespaces).

kubeadm, kind and RKE2 run the control plane as static pods labelled ``component=<name>`` and named
``<name>-<node>``; some installers only keep the name. OpenShift 4 runs them as static pods in
``openshift-kube-apiserver``, ``openshift-etcd``, ``openshift-kube-scheduler`` (named
``openshift-kube-scheduler-<node>``) and ``openshift-kube-controller-manager``. Managed clusters (EKS,
GKE, AKS) and k3s show no such pods: an empty component here means "not visible", not "absent".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.flags import container_flags
from kubectl_arch.model.memo import memo
from kubectl_arch.model.versions import version_from_image

KUBE_APISERVER = "kube-apiserver"
ETCD = "etcd"
KUBE_SCHEDULER = "kube-scheduler"
KUBE_CONTROLLER_MANAGER = "kube-controller-manager"
CLOUD_CONTROLLER_MANAGER = "cloud-controller-manager"
CONTROL_PLANE_COMPONENTS = (KUBE_APISERVER, ETCD, KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER, CLOUD_CONTROLLER_MANAGER)

PODS_NEED = "kube-system-pods"  # static pods and Deployments' pods; DaemonSet pods are apart (scale)
DAEMONSET_PODS_NEED = "kube-system-daemonset-pods"  # per-node pods, listed when one page holds them

OPENSHIFT_PODS_NEED = "openshift-control-plane-pods"  # static pods in OpenShift's control-plane namespaces
OPENSHIFT_NAMESPACES = ("openshift-kube-apiserver", "openshift-etcd", "openshift-kube-scheduler",
                        "openshift-kube-controller-manager")
OPENSHIFT_NODE_LABEL = "node.openshift.io/os_id"
# Names some distributions give a component's static pods besides ``<component>-<node>``.
NAME_ALIASES = {KUBE_SCHEDULER: ("openshift-kube-scheduler-",)}
# Environment variables that configure a component (OpenShift's etcd takes its quota this way); no other
# value of a container's environment is ever kept.
ENV_KEPT = ("ETCD_QUOTA_BACKEND_BYTES",)
# Containers that sit beside a component and never carry its version.
SIDECAR_IMAGES = ("addon-resizer", "/pause:", "pause:")

READS = (PODS_NEED, OPENSHIFT_PODS_NEED, DAEMONSET_PODS_NEED)  # what control_plane_components reads


@dataclass
class Instance:
    """One running copy of a component: which pod, on which node, ready or not, which version and flags."""

    pod: str
    node: str | None
    ready: bool
    version: str | None
    image: str | None
    phase: str
    restarts: int
    static: bool  # a mirror of a static pod (the kubelet runs it from a file on the node)
    flags: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # only the settings in ENV_KEPT, never other values
    namespace: str = ""  # where its pod was read (kube-system; OpenShift's openshift-kube-apiserver, ...)
    matched_by: str = ""  # how its pod was taken for the component (``component_match``), as evidence says it


@dataclass
class Component:
    """A control-plane component and its visible instances (empty when hidden or not installed)."""

    name: str
    instances: list[Instance] = field(default_factory=list)

    @property
    def replicas(self) -> int:
        return len(self.instances)

    @property
    def ready(self) -> int:
        return sum(1 for instance in self.instances if instance.ready)

    @property
    def versions(self) -> list[str]:
        return sorted({i.version for i in self.instances if i.version})

    def flag(self, key: str) -> str | None:
        """The flag's value on the first instance that sets it (instances normally agree)."""
        for instance in self.instances:
            if key in instance.flags:
                return instance.flags[key]
        return None


def is_component_pod(pod: Mapping[str, Any], component: str) -> bool:
    """Whether ``pod`` runs ``component`` (``component_match``)."""
    return component_match(pod, component) is not None


def component_match(pod: Mapping[str, Any], component: str) -> str | None:
    """How ``pod`` is taken to run ``component``, in the words evidence gives ("labelled component=etcd",
    "named openshift-kube-scheduler-*"), or None: by its ``component``/``k8s-app`` label, else by its name.

    A name match alone must be a static pod or carry ``tier=control-plane``, so that a workload called
    ``etcd-backup-...`` is not taken for etcd; a static pod's name must be the prefix and its node's name. The
    cloud controller manager's pods often carry the provider's prefix (``aws-cloud-controller-manager-...``), so
    for it any name containing it counts.
    """
    pod_labels = raw.labels(pod)
    for label in ("component", "k8s-app"):
        if pod_labels.get(label) == component:
            return f"labelled {label}={component}"
    pod_name = raw.name(pod)
    if component == CLOUD_CONTROLLER_MANAGER:
        return f"with {CLOUD_CONTROLLER_MANAGER} in the name" if CLOUD_CONTROLLER_MANAGER in pod_name else None
    mirror = raw.is_mirror_pod(pod)
    if not (mirror or pod_labels.get("tier") == "control-plane"):
        return None
    prefix = next((p for p in (component + "-", *NAME_ALIASES.get(component, ())) if pod_name.startswith(p)), None)
    node = raw.text(raw.mapping(pod.get("spec")).get("nodeName"))
    if prefix is not None and mirror and node and pod_name != prefix + node:
        # A static pod is named after its manifest and its node: OpenShift's kube-apiserver-startup-monitor-<node>
        # (there during a rollout) starts like an API server's name but runs none.
        return None
    return None if prefix is None else f"named {prefix}*"


def main_container(pod_or_template: Mapping[str, Any], component: str) -> Mapping[str, Any]:
    """The container that runs the component: the one named exactly after it, else one whose name holds
    it, else the first that is not a sidecar (an addon-resizer, a ``pause`` image); its image is the
    component's version, never a sidecar's."""
    spec = raw.mapping(pod_or_template.get("spec"))
    spec_containers = raw.containers(spec) or raw.containers(raw.pod_template_spec(pod_or_template))
    return pick_main_container(spec_containers, component)


def pick_main_container(spec_containers: list[Mapping[str, Any]], hint: str) -> Mapping[str, Any]:
    def sidecar(container: Mapping[str, Any]) -> bool:
        return any(mark in str(container.get("image", "")) for mark in SIDECAR_IMAGES)

    if hint:
        for container in spec_containers:
            if str(container.get("name", "")) == hint:
                return container
        for container in spec_containers:
            if hint in str(container.get("name", "")) and not sidecar(container):
                return container
    for container in spec_containers:
        if not sidecar(container):
            return container
    return spec_containers[0] if spec_containers else {}


def instance_from_pod(pod: Mapping[str, Any], component: str, matched_by: str = "") -> Instance:
    container = main_container(pod, component)
    image = raw.text(container.get("image"))
    return Instance(
        pod=raw.name(pod),
        node=raw.text(raw.mapping(pod.get("spec")).get("nodeName")),
        ready=raw.pod_ready(pod),
        version=version_from_image(image, strip_build=component == ETCD),
        image=image,
        phase=str(raw.mapping(pod.get("status")).get("phase", "Unknown")),
        restarts=raw.pod_restarts(pod),
        static=raw.is_mirror_pod(pod),
        flags=container_flags(container),
        env={str(e.get("name")): str(e.get("value")) for e in raw.sequence(container.get("env"))
             if isinstance(e, dict) and e.get("name") in ENV_KEPT and isinstance(e.get("value"), str)},
        namespace=raw.namespace(pod),
        matched_by=matched_by,
    )


def component_from_pods(pods: list[dict[str, Any]], component: str) -> Component:
    matching = [(pod, how) for pod in pods if (how := component_match(pod, component)) is not None]
    instances = [instance_from_pod(pod, component, how) for pod, how in matching]
    instances.sort(key=lambda i: (i.node or "", i.pod))
    return Component(component, instances)


def control_plane_components(data: ClusterData) -> dict[str, Component]:
    """Every control-plane component by name (``CONTROL_PLANE_COMPONENTS``), from the kube-system pods.

    Computed once per ``ClusterData`` (six checks and explain read it); each call gets its own dict, but
    the ``Component`` objects are shared: read-only.
    """
    return dict(memo(data, "components.control_plane_components", READS, _control_plane_components))


def _control_plane_components(data: ClusterData) -> dict[str, Component]:
    pods = data.items(PODS_NEED)
    if OPENSHIFT_PODS_NEED in data.responses:
        pods = pods + data.items(OPENSHIFT_PODS_NEED)
    # A cloud controller manager often runs as a DaemonSet on the control-plane nodes (aws-, openstack-,
    # vsphere-cloud-controller-manager): its pods are among the per-node pods, read apart from the others.
    per_node = data.items(DAEMONSET_PODS_NEED) if DAEMONSET_PODS_NEED in data.responses else []
    return {name: component_from_pods(pods + per_node if name == CLOUD_CONTROLLER_MANAGER else pods, name)
            for name in CONTROL_PLANE_COMPONENTS}
