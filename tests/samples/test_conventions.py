"""The samples follow kubeadm, kind and EKS conventions, so code that works on them works on real clusters."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from kubectl_arch.collect.election_locks import OPENSHIFT_NAMESPACES
from tests.samples.conftest import SampleFiles

CONTROL_PLANE_ROLE = "node-role.kubernetes.io/control-plane"
MINIKUBE_LABEL = "minikube.k8s.io/name"
STATIC_COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")


def _flags(pod: dict[str, Any]) -> dict[str, str]:
    command = pod["spec"]["containers"][0]["command"]
    return dict(arg.removeprefix("--").split("=", 1) for arg in command[1:] if "=" in arg)


def _elects_with_a_kube_system_lease(files: SampleFiles, component: str) -> bool:
    """False when the component's pods run with --leader-elect=false or move their lock off kube-system's Lease,
    or run in OpenShift's namespaces (where the operator's config file sets the lock)."""
    for pod in files.of_kind("Pod"):
        for container in pod["spec"]["containers"]:
            if container["name"] != component:
                continue
            if pod["metadata"].get("namespace") in OPENSHIFT_NAMESPACES:
                return False
            words = " ".join([*(container.get("command") or []), *(container.get("args") or [])])
            if "--leader-elect=false" in words or "--leader-elect-resource-" in words:
                return False
    return True


def _owned_by(owner: dict[str, Any], objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    uid = owner["metadata"]["uid"]
    return [o for o in objects if any(r["uid"] == uid for r in o["metadata"].get("ownerReferences") or [])]


def test_static_pods_follow_kubeadm_naming_labels_and_mirror_ownership(every_sample: SampleFiles) -> None:
    nodes = {n["metadata"]["name"]: n for n in every_sample.of_kind("Node")}
    for pod in every_sample.of_kind("Pod"):
        labels = pod["metadata"].get("labels") or {}
        if labels.get("tier") != "control-plane":
            continue
        component, node_name = labels["component"], pod["spec"]["nodeName"]
        assert component in STATIC_COMPONENTS
        assert pod["metadata"]["name"] == f"{component}-{node_name}"
        assert pod["metadata"]["namespace"] == "kube-system"
        annotations = pod["metadata"]["annotations"]
        assert annotations["kubernetes.io/config.mirror"] == annotations["kubernetes.io/config.hash"]
        assert annotations["kubernetes.io/config.source"] == "file"
        (owner,) = pod["metadata"]["ownerReferences"]
        assert (owner["kind"], owner["name"], owner["uid"]) == ("Node", node_name, nodes[node_name]["metadata"]["uid"])
        assert pod["spec"]["hostNetwork"] is True
        assert pod["spec"]["priorityClassName"] == "system-node-critical"
        assert pod["status"]["podIP"] == pod["status"]["hostIP"]
        image = pod["spec"]["containers"][0]["image"]
        assert re.match(rf"^registry\.k8s\.io/{component}:v?[\d.]+(-\d+)?$", image), image


def test_every_kubeadm_control_plane_node_runs_the_four_static_pods(every_sample: SampleFiles) -> None:
    static = {(p["metadata"]["labels"]["component"], p["spec"]["nodeName"]) for p in every_sample.of_kind("Pod")
              if (p["metadata"].get("labels") or {}).get("tier") == "control-plane"}
    if not static:
        return  # managed control plane (EKS) or an embedded one (k3s): nothing to check
    for node in every_sample.of_kind("Node"):
        if CONTROL_PLANE_ROLE in node["metadata"]["labels"]:
            for component in STATIC_COMPONENTS:
                assert (component, node["metadata"]["name"]) in static, (component, node["metadata"]["name"])
            if MINIKUBE_LABEL in node["metadata"]["labels"]:
                continue  # minikube removes the taint: its one node runs the workloads too
            assert {"effect": "NoSchedule", "key": CONTROL_PLANE_ROLE} in node["spec"]["taints"]


def test_static_pod_flags_are_kubeadms(every_sample: SampleFiles) -> None:
    for pod in every_sample.of_kind("Pod"):
        labels = pod["metadata"].get("labels") or {}
        if labels.get("tier") != "control-plane":
            continue
        flags = _flags(pod)
        ip = pod["status"]["hostIP"]
        minikube = pod["spec"]["nodeName"] == "minikube"  # kubeadm with minikube's paths and settings
        if labels["component"] == "kube-apiserver":
            assert flags["etcd-servers"] == "https://127.0.0.1:2379"
            assert flags["authorization-mode"] == "Node,RBAC"
            assert "NodeRestriction" in flags["enable-admission-plugins"]
            assert flags["advertise-address"] == ip
        if labels["component"] == "etcd":
            assert flags["listen-metrics-urls"] == "http://127.0.0.1:2381"
            assert flags["data-dir"] == ("/var/lib/minikube/etcd" if minikube else "/var/lib/etcd")
            assert flags["name"] == pod["spec"]["nodeName"]
            assert f"{pod['spec']['nodeName']}=https://{ip}:2380" in flags["initial-cluster"].split(",")
        if labels["component"] in ("kube-scheduler", "kube-controller-manager"):
            # minikube turns leader election off on its single control-plane node
            assert flags["leader-elect"] == ("false" if minikube else "true")


def test_nodes_carry_kubelet_labels_conditions_and_node_info(every_sample: SampleFiles) -> None:
    for node in every_sample.of_kind("Node"):
        name = node["metadata"]["name"]
        labels = node["metadata"]["labels"]
        assert labels["kubernetes.io/hostname"] == name
        assert labels["kubernetes.io/os"] == "linux"
        assert labels["kubernetes.io/arch"] == node["status"]["nodeInfo"]["architecture"]
        types = [c["type"] for c in node["status"]["conditions"]]
        assert {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"} <= set(types)
        info = node["status"]["nodeInfo"]
        assert re.match(r"^v1\.\d+\.\d+", info["kubeletVersion"])
        assert re.match(r"^(containerd|cri-o|docker)://\d", info["containerRuntimeVersion"])
        for key in ("kernelVersion", "osImage", "operatingSystem", "machineID", "systemUUID", "bootID"):
            assert info[key], f"{name}: nodeInfo.{key} is empty"


def test_leader_election_and_identity_leases(every_sample: SampleFiles) -> None:
    if not every_sample.of_kind("Lease"):
        return
    leases = {(le["metadata"]["namespace"], le["metadata"]["name"]): le for le in every_sample.of_kind("Lease")}
    for component in ("kube-scheduler", "kube-controller-manager"):
        if not _elects_with_a_kube_system_lease(every_sample, component):
            continue  # --leader-elect=false (minikube), a lock moved by flags, or OpenShift's configured lock
        spec = leases[("kube-system", component)]["spec"]
        assert re.match(r"^[\w.-]+_[0-9a-f-]{36}$", spec["holderIdentity"]), spec["holderIdentity"]
        assert spec["leaseDurationSeconds"] == 15
    for configmap in every_sample.of_kind("ConfigMap"):  # ConfigMap locks (OpenShift 4.7): the same record
        record = configmap["metadata"].get("annotations", {}).get("control-plane.alpha.kubernetes.io/leader")
        if record:
            parsed = json.loads(record)
            assert re.match(r"^[\w.-]+_[0-9a-f-]{36}$", parsed["holderIdentity"]), parsed["holderIdentity"]
            assert parsed["leaseDurationSeconds"] == 15
    identities = [lease for lease in every_sample.of_kind("Lease")
                  if lease["metadata"].get("labels", {}).get("apiserver.kubernetes.io/identity") == "kube-apiserver"]
    minor = int(str(every_sample.sample.store.get("/version").data["minor"]).rstrip("+"))
    assert identities or minor < 26, "API servers publish identity Leases since 1.26"
    for lease in identities:
        assert lease["metadata"]["name"].startswith("apiserver-")
        assert lease["spec"]["holderIdentity"].startswith(lease["metadata"]["name"] + "_")
        assert lease["spec"]["leaseDurationSeconds"] == 3600
    for lease in every_sample.of_kind("Lease"):
        if lease["metadata"]["namespace"] == "kube-node-lease":
            assert lease["spec"]["holderIdentity"] == lease["metadata"]["name"]


def test_kubernetes_endpointslice_lists_the_api_servers(every_sample: SampleFiles) -> None:
    store = every_sample.sample.store
    answer = store.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
                       {"labelSelector": "kubernetes.io/service-name=kubernetes"})
    (eps,) = answer.items
    addresses = [a for e in eps["endpoints"] for a in e["addresses"]]
    assert len(addresses) == len(set(addresses)) >= 1
    apiservers = [p for p in store.objects("Pod")
                  if p["metadata"].get("labels", {}).get("component") == "kube-apiserver"]
    if apiservers:
        assert sorted(addresses) == sorted(p["status"]["podIP"] for p in apiservers)
    service = store.get("/api/v1/namespaces/default/services/kubernetes")
    assert service.ok and service.data["spec"]["ports"][0]["port"] == 443


def test_daemonset_pods_are_one_per_node_and_owned(every_sample: SampleFiles) -> None:
    for ds in every_sample.of_kind("DaemonSet"):
        pods = _owned_by(ds, every_sample.of_kind("Pod"))
        nodes = [p["spec"]["nodeName"] for p in pods]
        assert len(nodes) == len(set(nodes)) == ds["status"]["desiredNumberScheduled"], ds["metadata"]["name"]
        selector = ds["spec"]["selector"]["matchLabels"]
        for pod in pods:
            assert selector.items() <= pod["metadata"]["labels"].items()


def test_kube_proxy_configuration_is_a_kube_proxy_configuration(every_sample: SampleFiles) -> None:
    for cm in every_sample.of_kind("ConfigMap"):
        for key, value in (cm.get("data") or {}).items():
            if "kind: KubeProxyConfiguration" in value:
                config = yaml.safe_load(value)
                assert config["apiVersion"] == "kubeproxy.config.k8s.io/v1alpha1"
                assert config["mode"] in ("", "iptables", "ipvs", "nftables"), (cm["metadata"]["name"], key)


def test_deployment_replicas_match_their_pods(every_sample: SampleFiles) -> None:
    pods = every_sample.of_kind("Pod")
    for rs in every_sample.of_kind("ReplicaSet"):
        owned = _owned_by(rs, pods)
        assert len(owned) == rs["status"]["replicas"], rs["metadata"]["name"]
        hash_label = rs["metadata"]["labels"]["pod-template-hash"]
        assert rs["metadata"]["name"].endswith("-" + hash_label)
        for pod in owned:
            assert pod["metadata"]["name"].startswith(rs["metadata"]["name"] + "-")


def _status_times(pod: dict[str, Any]) -> list[tuple[str, str]]:
    """Every time the kubelet writes into a pod's status, named (a zero time from the runtime left out)."""
    status = pod.get("status") or {}
    times = [("startTime", status.get("startTime"))]
    times += [(str(c.get("type")), c.get("lastTransitionTime")) for c in status.get("conditions") or []]
    for container in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
        for which in ("state", "lastState"):
            for state, fields in (container.get(which) or {}).items():
                for key in ("startedAt", "finishedAt"):
                    times.append((f"{container['name']} {which}.{state}.{key}", (fields or {}).get(key)))
    return [(name, str(at)) for name, at in times if at and not str(at).startswith("1970-")]


def test_a_pod_the_api_server_made_has_no_status_before_it_existed(every_sample: SampleFiles) -> None:
    """The kubelet learns of such a pod from the API server, so all it reports comes after its creation. A
    mirror pod is the exception: the kubelet runs a static pod from its manifest and posts the mirror after."""
    for pod in every_sample.of_kind("Pod"):
        metadata = pod["metadata"]
        if "kubernetes.io/config.mirror" in (metadata.get("annotations") or {}):
            continue
        created = metadata["creationTimestamp"]
        early = [(name, at) for name, at in _status_times(pod) if at < created]
        assert not early, f"{every_sample.folder.name}: pod {metadata['name']} created {created} reports {early}"


def test_qos_class_is_what_the_containers_resources_make_it(every_sample: SampleFiles) -> None:
    """BestEffort exactly when no container sets a request or a limit (the API server's rule)."""
    for pod in every_sample.of_kind("Pod"):
        qos = (pod.get("status") or {}).get("qosClass")
        if qos is None:
            continue
        containers = [*(pod["spec"].get("initContainers") or []), *pod["spec"]["containers"]]
        unset = all(not (c.get("resources") or {}).get(k) for c in containers for k in ("requests", "limits"))
        assert (qos == "BestEffort") == unset, f"{every_sample.folder.name}: pod {pod['metadata']['name']} is {qos}"
