"""A synthetic kubeadm HA cluster of any size, generated object by object while it is served.

A 5,000-node cluster is 150,000 pods: held as Python objects it would take gigabytes and hide the memory
the commands under test use, so every object is made from its index when a page asks for it.

Layout (``N`` nodes, 30 pods per node, as issue 6 asks):
- nodes ``control-plane-1..3`` (kubeadm static pods: etcd, kube-apiserver, kube-controller-manager,
  kube-scheduler) and ``worker-00001..``; DaemonSets kube-proxy and kindnet (one pod per node), CoreDNS;
- ``N // 10`` application namespaces ``team-0000..`` sharing the remaining ``28 N - 14`` pods, in
  Deployments of 10 replicas; ``2 N`` Services (10,000 at 5,000 nodes), each with its EndpointSlice;
- events for the first Deployment of each namespace (its rollout, as a trace reads it), node leases,
  leader-election and API server identity leases, and ``/version``, ``/readyz``, ``/livez``, ``/metrics``.

Collections are lazy (benchmarks/lazy.py). Run ``python -m benchmarks.generate --nodes 5000`` to print
the sizes without serving anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from benchmarks.apiserver_metrics import apiserver_metrics
from benchmarks.lazy import (
    GeneratedCollection,
    Obj,
    Segment,
    decode_suffix,
    encode_suffix,
    fixed,
    iso,
    numbered,
    single,
    uid,
)
from benchmarks.objects import (
    APP_IMAGES,
    ETCD_IMAGE,
    KINDNET_IMAGE,
    KUBERNETES_VERSION,
    STATIC_COMPONENTS,
    configmap,
    container,
    daemonset,
    deployment,
    endpointslice,
    event,
    health_text,
    lease,
    node_images,
    node_managed_fields,
    replicaset,
    service,
    version,
)
from kubectl_arch.collect.apistore import RESOURCES_BY_KIND, ApiStore
from kubectl_arch.collect.source import Response

PODS_PER_NODE = 30
CONTROL_PLANE_NODES = 3
REPLICAS = 10
NODES_PER_NAMESPACE = 10  # one application namespace per 10 nodes
SERVICES_PER_NODE = 2
# What the benchmark checks each command's findings against (``SyntheticCluster.truth``): one worker in
# the middle and every 1,000th is NotReady (its kubelet stopped posting), every 1,000th from the 500th runs a
# kubelet four minors behind the API server (more than the three allowed), and every 1,000th from the 750th
# reports DiskPressure while Ready (only a whole node object shows it).
OLD_KUBELET = "v1.28.15"
# Every pod of a DaemonSet carries the same labels: its segment declares them, so a label selector that
# excludes them (kube-system pods "not run by a DaemonSet") skips 2 × nodes pods without making them.
DAEMON_POD_LABELS: dict[str, dict[str, str]] = {
    "kube-proxy": {"k8s-app": "kube-proxy", "controller-revision-hash": "7d8c5b7f9c", "pod-template-generation": "1"},
    "kindnet": {"app": "kindnet", "k8s-app": "kindnet", "tier": "node", "controller-revision-hash": "6b9c8f7d4",
                "pod-template-generation": "1"},
}
TRUTH_PERIOD = 1_000
# A NotReady node's kubelet stopped posting this long ago. As on a real cluster at that moment: the node controller
# has tainted it unreachable and marked its pods not Ready (so their DaemonSets, ReplicaSets, Deployments and
# EndpointSlices count them unready), and the 300 s a Deployment's pods tolerate has not run out: none is evicted.
NOT_READY_FOR = dt.timedelta(minutes=3)
# The node controller's grace for a silent kubelet (--node-monitor-grace-period).
STATUS_GRACE = dt.timedelta(seconds=40)
# The tolerations the DaemonSet controller adds to every pod it makes: they stay on a NotReady or pressured node.
DAEMON_TOLERATIONS = [{"key": f"node.kubernetes.io/{key}", "operator": "Exists", "effect": effect}
                      for key, effect in (("not-ready", "NoExecute"), ("unreachable", "NoExecute"),
                                          ("disk-pressure", "NoSchedule"), ("memory-pressure", "NoSchedule"),
                                          ("pid-pressure", "NoSchedule"), ("unschedulable", "NoSchedule"),
                                          ("network-unavailable", "NoSchedule"))]
APP_NAMES = ("api", "web", "checkout", "cart", "search", "catalog", "payments", "orders", "auth", "profile",
             "notify", "billing", "inventory", "ledger", "gateway", "reports", "media", "feeds", "ranker", "ads",
             "mailer", "export", "import", "audit-log", "sessions", "pricing", "tax", "shipping")


# -- the cluster ---------------------------------------------------------------------------------------


@dataclass
class SyntheticCluster:
    """The shape of one synthetic cluster and the generators of its objects."""

    nodes: int
    now: dt.datetime
    name: str = "bench"
    sizes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.nodes < CONTROL_PLANE_NODES + 1:
            raise ValueError(f"a kubeadm HA cluster needs at least {CONTROL_PLANE_NODES + 1} nodes")
        self.workers = self.nodes - CONTROL_PLANE_NODES
        self.namespaces = [f"team-{i:04d}" for i in range(max(1, self.nodes // NODES_PER_NAMESPACE))]
        system_pods = CONTROL_PLANE_NODES * len(STATIC_COMPONENTS) + 2 + 2 * self.nodes
        app_pods = PODS_PER_NODE * self.nodes - system_pods
        base, extra = divmod(app_pods, len(self.namespaces))
        self.pods_in = [base + (1 if i < extra else 0) for i in range(len(self.namespaces))]
        self.deployments_in = [-(-pods // REPLICAS) for pods in self.pods_in]
        service_total = SERVICES_PER_NODE * self.nodes
        base, extra = divmod(service_total, len(self.namespaces))
        self.services_in = [min(self.deployments_in[i], base + (1 if i < extra else 0))
                            for i in range(len(self.namespaces))]
        self.started = self.now - dt.timedelta(days=40)  # when kubeadm init ran
        self.rollout = self.now - dt.timedelta(minutes=20)  # the last rollout, whose events still exist

    # -- names -------------------------------------------------------------------------------------

    def node_name(self, index: int) -> str:
        if index < CONTROL_PLANE_NODES:
            return f"control-plane-{index + 1}"
        return f"worker-{index - CONTROL_PLANE_NODES + 1:05d}"

    def node_index(self, name: str) -> int | None:
        if name.startswith("control-plane-") and name[14:].isdigit():
            index = int(name[14:]) - 1
            return index if 0 <= index < CONTROL_PLANE_NODES else None
        number = numbered("worker-", 5, 1)(name)
        return None if number is None else number + CONTROL_PLANE_NODES

    def node_ip(self, index: int) -> str:
        return f"172.18.{index // 250}.{index % 250 + 2}"

    def app_name(self, deployment: int) -> str:
        word = APP_NAMES[deployment % len(APP_NAMES)]
        return word if deployment < len(APP_NAMES) else f"{word}-{deployment // len(APP_NAMES)}"

    def rs_hash(self, namespace: str, deployment: int) -> str:
        return uid("rs", namespace, deployment).replace("-", "")[:10].translate(str.maketrans("0123456789abcdef",
                                                                                              "bcdf5h6jk7m8n9pq"))

    def app_pod_name(self, ns_index: int, pod: int) -> str:
        namespace = self.namespaces[ns_index]
        deployment = pod // REPLICAS
        return f"{self.app_name(deployment)}-{self.rs_hash(namespace, deployment)}-{encode_suffix(pod)}"

    def app_pod_node(self, ns_index: int, pod: int) -> int:
        return CONTROL_PLANE_NODES + (ns_index * 7_919 + pod * 31) % self.workers

    def trace_target(self) -> tuple[str, str]:
        """A pod of the first Deployment of the middle namespace: its rollout events exist."""
        ns_index = len(self.namespaces) // 2
        pod = next(i for i in range(3, REPLICAS) if not self.not_ready(self.app_pod_node(ns_index, i)))
        return self.namespaces[ns_index], self.app_pod_name(ns_index, pod)

    # -- the store ---------------------------------------------------------------------------------

    def store(self) -> ApiStore:
        """An ``ApiStore`` serving this cluster lazily (a few small objects are the only state)."""
        store = ApiStore()
        collections = {
            "Namespace": self.namespace_segments(),
            "Node": [Segment("", self.nodes, self.node, self.node_index)],
            "Pod": self.pod_segments(),
            "Service": self.service_segments(),
            "EndpointSlice": self.endpointslice_segments(),
            "Event": self.event_segments(),
            "Lease": self.lease_segments(),
            "ConfigMap": self.configmap_segments(),
            "DaemonSet": [single("kube-system", daemonset(name, self.nodes, self.started, self.not_ready_count()))
                          for name in ("kindnet", "kube-proxy")],
            "Deployment": self.deployment_segments(),
            "ReplicaSet": self.replicaset_segments(),
        }
        for kind, segments in collections.items():
            collection = GeneratedCollection(segments)
            self.sizes[kind] = collection.count(None)
            store.set_collection(RESOURCES_BY_KIND[kind], collection)
        for path, response in self.raw_answers().items():
            store.set_raw(path, response)
        return store

    # -- namespaces, nodes -------------------------------------------------------------------------

    def namespace_segments(self) -> list[Segment]:
        system = ["default", "kube-node-lease", "kube-public", "kube-system"]
        names = sorted(system + self.namespaces)
        return [Segment("", len(names), lambda i: self.namespace(names[i]), fixed(names))]

    def namespace(self, name: str) -> Obj:
        created = self.started if name.startswith("kube") or name == "default" else self.started + dt.timedelta(days=2)
        return {"metadata": {"name": name, "uid": uid("ns", name), "resourceVersion": "20",
                             "creationTimestamp": iso(created), "labels": {"kubernetes.io/metadata.name": name}},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}

    # -- the truth findings are checked against ---------------------------------------------------

    def not_ready(self, index: int) -> bool:
        worker = index - CONTROL_PLANE_NODES
        return worker >= 0 and (worker == self.workers // 2 or worker % TRUTH_PERIOD == TRUTH_PERIOD - 1)

    def old_kubelet(self, index: int) -> bool:
        worker = index - CONTROL_PLANE_NODES
        return worker >= 0 and worker % TRUTH_PERIOD == TRUTH_PERIOD // 2 and not self.not_ready(index)

    def disk_pressure(self, index: int) -> bool:
        worker = index - CONTROL_PLANE_NODES
        return worker >= 0 and worker % TRUTH_PERIOD == 3 * TRUTH_PERIOD // 4 and not self.not_ready(index)

    def truth(self) -> dict[str, set[str]]:
        """Node names by what a correct reader must report about them (computed without serving anything)."""
        special = {CONTROL_PLANE_NODES + self.workers // 2}
        special.update(range(CONTROL_PLANE_NODES + TRUTH_PERIOD // 2, self.nodes, TRUTH_PERIOD // 4))
        special.update(range(CONTROL_PLANE_NODES + TRUTH_PERIOD - 1, self.nodes, TRUTH_PERIOD))
        return {"not_ready": {self.node_name(i) for i in special if self.not_ready(i)},
                "old_kubelet": {self.node_name(i) for i in special if self.old_kubelet(i)},
                "disk_pressure": {self.node_name(i) for i in special if self.disk_pressure(i)}}

    def not_ready_count(self) -> int:
        return len(self.truth()["not_ready"])

    def unready_app_pods(self, ns_index: int, deployment: int) -> int:
        """How many of a Deployment's pods run on NotReady nodes (and so are not Ready)."""
        first = deployment * REPLICAS
        return sum(self.not_ready(self.app_pod_node(ns_index, pod))
                   for pod in range(first, first + self.app_replicas(ns_index, deployment)))

    def kubelet_version(self, index: int) -> str:
        return OLD_KUBELET if self.old_kubelet(index) else KUBERNETES_VERSION

    def node(self, index: int) -> Obj:
        name = self.node_name(index)
        control_plane = index < CONTROL_PLANE_NODES
        labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                  "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                  "topology.kubernetes.io/zone": f"zone-{'abc'[index % 3]}"}
        if control_plane:
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        heartbeat = iso(self.now - dt.timedelta(seconds=5 + index % 40))
        transition = iso(self.started + dt.timedelta(minutes=index % 600))
        cidr = f"10.{64 + index // 256}.{index % 256}.0/24"
        node: Obj = {
            "metadata": {
                "name": name, "uid": uid("node", name), "resourceVersion": str(90_000 + index),
                "creationTimestamp": iso(self.started + dt.timedelta(minutes=index % 600)), "labels": labels,
                "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                                "node.alpha.kubernetes.io/ttl": "0",
                                "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
                "managedFields": node_managed_fields(labels, heartbeat),
            },
            "spec": {"podCIDR": cidr, "podCIDRs": [cidr], "providerID": f"kind://docker/{self.name}/{name}"},
            "status": {
                "addresses": [{"type": "InternalIP", "address": self.node_ip(index)},
                              {"type": "Hostname", "address": name}],
                "allocatable": {"cpu": "16", "ephemeral-storage": "101430960Ki", "hugepages-1Gi": "0",
                                "hugepages-2Mi": "0", "memory": "65657484Ki", "pods": "110"},
                "capacity": {"cpu": "16", "ephemeral-storage": "101430960Ki", "hugepages-1Gi": "0",
                             "hugepages-2Mi": "0", "memory": "65759884Ki", "pods": "110"},
                "conditions": self.node_conditions(index, heartbeat, transition),
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "images": node_images(control_plane),
                "nodeInfo": {"architecture": "amd64", "bootID": uid("boot", name),
                             "containerRuntimeVersion": "containerd://1.7.24",
                             "kernelVersion": "6.8.0-49-generic", "kubeProxyVersion": self.kubelet_version(index),
                             "kubeletVersion": self.kubelet_version(index),
                             "machineID": uid("machine", name).replace("-", ""),
                             "operatingSystem": "linux", "osImage": "Debian GNU/Linux 12 (bookworm)",
                             "systemUUID": uid("system", name)},
            },
        }
        if control_plane:
            node["spec"]["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
        elif self.not_ready(index):  # the node controller's taints; a pod's tolerations decide when it is evicted
            added = iso(self.now - NOT_READY_FOR)
            node["spec"]["taints"] = [{"key": "node.kubernetes.io/unreachable", "effect": effect, "timeAdded": added}
                                      for effect in ("NoSchedule", "NoExecute")]
        elif self.disk_pressure(index):
            node["spec"]["taints"] = [{"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule",
                                       "timeAdded": transition}]
        return node

    def node_conditions(self, index: int, heartbeat: str, transition: str) -> list[Obj]:
        """As a kubelet posts them; a NotReady node's are Unknown, as the node controller sets them."""
        if self.not_ready(index):
            stale = iso(self.now - NOT_READY_FOR - STATUS_GRACE)
            return [{"type": t, "status": "Unknown", "reason": "NodeStatusUnknown",
                     "message": "Kubelet stopped posting node status.", "lastHeartbeatTime": stale,
                     "lastTransitionTime": iso(self.now - NOT_READY_FOR)}
                    for t in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")]
        disk = self.disk_pressure(index)
        pressures = [("MemoryPressure", False, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                     ("DiskPressure", disk, "KubeletHasDiskPressure" if disk else "KubeletHasNoDiskPressure",
                      "kubelet has disk pressure" if disk else "kubelet has no disk pressure"),
                     ("PIDPressure", False, "KubeletHasSufficientPID", "kubelet has sufficient PID available")]
        return [{"type": t, "status": "True" if on else "False", "reason": r, "message": m,
                 "lastHeartbeatTime": heartbeat, "lastTransitionTime": transition} for t, on, r, m in pressures] + [
            {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
             "lastHeartbeatTime": heartbeat, "lastTransitionTime": transition}]

    # -- pods --------------------------------------------------------------------------------------

    def pod_segments(self) -> list[Segment]:
        segments = [self.coredns_pods()]
        for component in STATIC_COMPONENTS:
            names = [f"{component}-{self.node_name(i)}" for i in range(CONTROL_PLANE_NODES)]
            segments.append(Segment("kube-system", CONTROL_PLANE_NODES, partial(self.static_pod, component),
                                    fixed(names)))
        for name in ("kindnet", "kube-proxy"):
            segments.append(Segment("kube-system", self.nodes, partial(self.daemon_pod, name),
                                    self.suffix_index(f"{name}-"), labels=DAEMON_POD_LABELS[name]))
        for ns_index, namespace in enumerate(self.namespaces):
            segments.append(Segment(namespace, self.pods_in[ns_index], partial(self.app_pod, ns_index),
                                    partial(self.app_pod_index, ns_index)))
        return segments

    @staticmethod
    def suffix_index(prefix: str) -> Callable[[str], int | None]:
        def index_of(name: str) -> int | None:
            rest = name.removeprefix(prefix)
            return None if rest == name else decode_suffix(rest)

        return index_of

    def app_pod_index(self, ns_index: int, name: str) -> int | None:
        index = decode_suffix(name.rsplit("-", 1)[-1])
        if index is None or index >= self.pods_in[ns_index] or self.app_pod_name(ns_index, index) != name:
            return None
        return index

    def pod(self, namespace: str, name: str, node: int, labels: dict[str, str], owner: Obj | None,
            containers: list[Obj], created: dt.datetime, ip: str, priority: str = "") -> Obj:
        """A running pod with the fields a real one has (conditions, statuses, managedFields): ready, unless its node
        went NotReady, whose pods the node controller marks not Ready (only that condition: the kubelet is silent)."""
        started = created + dt.timedelta(seconds=3)
        ready = created + dt.timedelta(seconds=5)
        metadata: Obj = {"name": name, "namespace": namespace, "uid": uid("pod", namespace, name),
                         "resourceVersion": str(100_000 + node), "creationTimestamp": iso(created), "labels": labels,
                         "managedFields": [
                             {"manager": "kube-controller-manager" if owner else "kubelet", "operation": "Update",
                              "apiVersion": "v1", "time": iso(created), "fieldsType": "FieldsV1",
                              "fieldsV1": {"f:metadata": {"f:labels": {f"f:{k}": {} for k in labels}}}},
                             {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": iso(ready),
                              "fieldsType": "FieldsV1", "subresource": "status",
                              "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {},
                                                        "f:podIP": {}}}}]}
        if owner:
            metadata["ownerReferences"] = [owner]
        spec: Obj = {"containers": containers, "nodeName": self.node_name(node), "restartPolicy": "Always",
                     "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler", "serviceAccountName": "default",
                     "terminationGracePeriodSeconds": 30, "enableServiceLinks": True,
                     "preemptionPolicy": "PreemptLowerPriority",
                     "priority": 2_000_001_000 if priority else 0,
                     "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                      "effect": "NoExecute",
                                      "tolerationSeconds": 300},
                                     {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                                      "effect": "NoExecute", "tolerationSeconds": 300}]}
        if priority:
            spec["priorityClassName"] = priority
        lost = self.not_ready(node)
        conditions = [("PodReadyToStartContainers", started, True), ("Initialized", created, True),
                      ("Ready", self.now - NOT_READY_FOR if lost else ready, not lost),
                      ("ContainersReady", ready, True), ("PodScheduled", created, True)]
        return {
            "metadata": metadata,
            "spec": spec,
            "status": {
                "phase": "Running", "hostIP": self.node_ip(node), "hostIPs": [{"ip": self.node_ip(node)}],
                "podIP": ip, "podIPs": [{"ip": ip}], "qosClass": "Burstable", "startTime": iso(created),
                "conditions": [{"type": t, "status": "True" if on else "False", "lastProbeTime": None,
                                "lastTransitionTime": iso(at)} for t, at, on in conditions],
                "containerStatuses": [
                    {"name": c["name"], "image": c["image"], "imageID": c["image"].split(":")[0] + "@sha256:" +
                     uid(c["image"]).replace("-", "") * 2,
                     "containerID": "containerd://" + uid(name, c["name"]).replace("-", "") * 2,
                     "ready": True, "started": True, "restartCount": 0,
                     "state": {"running": {"startedAt": iso(started)}}}
                    for c in containers],
            },
        }

    def static_pod(self, component: str, index: int) -> Obj:
        node = self.node_name(index)
        name = f"{component}-{node}"
        pod = self.pod("kube-system", name, index, {"component": component, "tier": "control-plane"},
                       {"apiVersion": "v1", "kind": "Node", "name": node, "uid": uid("node", node), "controller": True},
                       [container(component, ETCD_IMAGE if component == "etcd" else
                                       f"registry.k8s.io/{component}:{KUBERNETES_VERSION}",
                                       self.static_command(component, index))],
                       self.started, self.node_ip(index), priority="system-node-critical")
        pod["metadata"]["annotations"] = {"kubernetes.io/config.source": "file",
                                          "kubernetes.io/config.hash": uid(name)[:32],
                                          "kubernetes.io/config.mirror": uid(name)[:32].replace("-", "")}
        pod["spec"]["hostNetwork"] = True
        return pod

    def static_command(self, component: str, index: int) -> list[str]:
        ip = self.node_ip(index)
        members = ",".join(f"{self.node_name(i)}=https://{self.node_ip(i)}:2380" for i in range(CONTROL_PLANE_NODES))
        commands = {
            "etcd": ["etcd", f"--advertise-client-urls=https://{ip}:2379",
                     "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                     "--client-cert-auth=true", "--data-dir=/var/lib/etcd", f"--initial-cluster={members}",
                     "--initial-cluster-state=existing", f"--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
                     "--listen-metrics-urls=http://127.0.0.1:2381", f"--listen-peer-urls=https://{ip}:2380",
                     f"--name={self.node_name(index)}", "--snapshot-count=10000"],
            "kube-apiserver": ["kube-apiserver", f"--advertise-address={ip}", "--allow-privileged=true",
                               "--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                               "--enable-admission-plugins=NodeRestriction",
                               "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
                               "--etcd-servers=https://127.0.0.1:2379", "--secure-port=6443",
                               "--service-cluster-ip-range=10.96.0.0/16",
                               "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt"],
            "kube-controller-manager": ["kube-controller-manager", "--allocate-node-cidrs=true",
                                        "--cluster-cidr=10.64.0.0/10",
                                        "--controllers=*,bootstrapsigner,tokencleaner", "--leader-elect=true",
                                        "--kubeconfig=/etc/kubernetes/controller-manager.conf",
                                        "--use-service-account-credentials=true"],
            "kube-scheduler": ["kube-scheduler", "--bind-address=127.0.0.1",
                               "--kubeconfig=/etc/kubernetes/scheduler.conf",
                               "--leader-elect=true"],
        }
        return commands[component]

    def daemon_pod(self, name: str, node: int) -> Obj:
        owner = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name, "uid": uid("ds", name),
                 "controller": True, "blockOwnerDeletion": True}
        labels = dict(DAEMON_POD_LABELS[name])
        if name == "kube-proxy":
            main = container("kube-proxy", f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}",
                             ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                              "--hostname-override=$(NODE_NAME)"])
        else:
            main = container("kindnet-cni", KINDNET_IMAGE)
        pod = self.pod("kube-system", f"{name}-{encode_suffix(node)}", node, labels, owner, [main],
                       self.started + dt.timedelta(minutes=node % 600), self.node_ip(node),
                       priority="system-node-critical")
        pod["spec"]["hostNetwork"] = True
        pod["spec"]["tolerations"] = [dict(t) for t in DAEMON_TOLERATIONS]
        return pod

    def coredns_pods(self) -> Segment:
        rs = "coredns-668d6bf9bc"
        owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": uid("rs", "kube-system", rs),
                 "controller": True, "blockOwnerDeletion": True}

        def make(i: int) -> Obj:
            return self.pod("kube-system", f"{rs}-{encode_suffix(i)}", i % CONTROL_PLANE_NODES,
                            {"k8s-app": "kube-dns", "pod-template-hash": "668d6bf9bc"}, owner,
                            [container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3",
                                            ["/coredns", "-conf", "/etc/coredns/Corefile"], 8181)],
                            self.started, f"10.64.{i}.2", priority="system-cluster-critical")

        return Segment("kube-system", 2, make, self.suffix_index(f"{rs}-"))

    def app_pod(self, ns_index: int, index: int) -> Obj:
        namespace = self.namespaces[ns_index]
        deployment = index // REPLICAS
        app = self.app_name(deployment)
        template_hash = self.rs_hash(namespace, deployment)
        rs = f"{app}-{template_hash}"
        node = self.app_pod_node(ns_index, index)
        owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": uid("rs", namespace, deployment),
                 "controller": True, "blockOwnerDeletion": True}
        created = self.rollout + dt.timedelta(seconds=index % REPLICAS) if deployment == 0 else \
            self.started + dt.timedelta(days=2, minutes=index % 5_000)
        main = container(app, APP_IMAGES[deployment % len(APP_IMAGES)], port=8080)
        main["env"] = [{"name": "APP_NAME", "value": app}, {"name": "LOG_LEVEL", "value": "info"}]
        return self.pod(namespace, self.app_pod_name(ns_index, index), node,
                        {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": namespace,
                         "pod-template-hash": template_hash}, owner, [main], created,
                        f"10.{64 + node // 256}.{node % 256}.{10 + index % 240}")

    # -- workloads ---------------------------------------------------------------------------------

    def app_replicas(self, ns_index: int, deployment: int) -> int:
        return min(REPLICAS, self.pods_in[ns_index] - deployment * REPLICAS)

    def deployment_segments(self) -> list[Segment]:
        coredns = deployment("kube-system", "coredns", 2, {"k8s-app": "kube-dns"},
                             "registry.k8s.io/coredns/coredns:v1.11.3", self.started)
        segments = [single("kube-system", coredns)]
        for ns_index, namespace in enumerate(self.namespaces):
            names = [self.app_name(d) for d in range(self.deployments_in[ns_index])]

            def make(d: int, n: int = ns_index, ns: str = namespace) -> Obj:
                app = self.app_name(d)
                return deployment(ns, app, self.app_replicas(n, d), {"app.kubernetes.io/name": app},
                                  APP_IMAGES[d % len(APP_IMAGES)], self.started,
                                  ready=self.app_replicas(n, d) - self.unready_app_pods(n, d))

            segments.append(Segment(namespace, len(names), make, fixed(names)))
        return segments

    def replicaset_segments(self) -> list[Segment]:
        segments = [single("kube-system", replicaset("kube-system", "coredns", "668d6bf9bc", 2,
                                                     uid("rs", "kube-system", "coredns-668d6bf9bc"), self.started,
                                                     selector={"k8s-app": "kube-dns"}))]
        for ns_index, namespace in enumerate(self.namespaces):
            names = [f"{self.app_name(d)}-{self.rs_hash(namespace, d)}" for d in range(self.deployments_in[ns_index])]

            def make(d: int, n: int = ns_index, ns: str = namespace) -> Obj:
                return replicaset(ns, self.app_name(d), self.rs_hash(ns, d), self.app_replicas(n, d),
                                  uid("rs", ns, d), self.rollout - dt.timedelta(seconds=1),
                                  ready=self.app_replicas(n, d) - self.unready_app_pods(n, d))

            segments.append(Segment(namespace, len(names), make, fixed(names)))
        return segments

    # -- services and endpoints --------------------------------------------------------------------

    def service_segments(self) -> list[Segment]:
        segments = [single("default", service("default", "kubernetes", "10.96.0.1", {}, 443, self.started)),
                    single("kube-system", service("kube-system", "kube-dns", "10.96.0.10", {"k8s-app": "kube-dns"}, 53,
                                                  self.started))]
        for ns_index, namespace in enumerate(self.namespaces):
            names = [self.app_name(s) for s in range(self.services_in[ns_index])]

            def make(s: int, n: int = ns_index, ns: str = namespace) -> Obj:
                app = self.app_name(s)
                number = n * 64 + s
                return service(ns, app, f"10.96.{number // 250 + 1}.{number % 250 + 2}",
                               {"app.kubernetes.io/name": app}, 80, self.started)

            segments.append(Segment(namespace, len(names), make, fixed(names)))
        return segments

    def endpointslice_segments(self) -> list[Segment]:
        apiservers = [{"addresses": [self.node_ip(i)], "conditions": {"ready": True}}
                      for i in range(CONTROL_PLANE_NODES)]
        coredns = [f"coredns-668d6bf9bc-{encode_suffix(i)}" for i in range(2)]  # coredns_pods' names
        dns = [{"addresses": [f"10.64.{i}.2"], "conditions": {"ready": True, "serving": True, "terminating": False},
                "nodeName": self.node_name(i % CONTROL_PLANE_NODES),
                "targetRef": {"kind": "Pod", "namespace": "kube-system", "name": name,
                              "uid": uid("pod", "kube-system", name)}}
               for i, name in enumerate(coredns)]
        segments = [single("default", endpointslice("default", "kubernetes", "kubernetes", apiservers, 6443,
                                                    self.started)),
                    single("kube-system", endpointslice("kube-system", "kube-dns-7x9k2", "kube-dns", dns, 53,
                                                        self.started))]
        for ns_index, namespace in enumerate(self.namespaces):
            names = [f"{self.app_name(s)}-{encode_suffix(s)}" for s in range(self.services_in[ns_index])]

            def make(s: int, n: int = ns_index, ns: str = namespace) -> Obj:
                endpoints = []
                for pod in range(s * REPLICAS, s * REPLICAS + self.app_replicas(n, s)):
                    node = self.app_pod_node(n, pod)
                    name = self.app_pod_name(n, pod)
                    ready = not self.not_ready(node)  # the EndpointSlice controller follows the pod's Ready
                    endpoints.append({"addresses": [f"10.{64 + node // 256}.{node % 256}.{10 + pod % 240}"],
                                      "conditions": {"ready": ready, "serving": ready, "terminating": False},
                                      "nodeName": self.node_name(node),
                                      "targetRef": {"kind": "Pod", "namespace": ns, "name": name,
                                                    "uid": uid("pod", ns, name)}})
                return endpointslice(ns, f"{self.app_name(s)}-{encode_suffix(s)}", self.app_name(s), endpoints,
                                     8080, self.started)

            segments.append(Segment(namespace, len(names), make, fixed(names)))
        return segments

    # -- events ------------------------------------------------------------------------------------

    def event_segments(self) -> list[Segment]:
        """The first Deployment's rollout in each namespace: what `trace pod` reads back."""
        segments = []
        for ns_index, namespace in enumerate(self.namespaces):
            replicas = self.app_replicas(ns_index, 0)
            count = 1 + replicas + 5 * replicas

            def make(i: int, n: int = ns_index, ns: str = namespace) -> Obj:
                return self.rollout_event(n, ns, i)

            segments.append(Segment(namespace, count, make, numbered(f"{self.app_name(0)}.rollout-", 4)))
        return segments

    def rollout_event_object(self, namespace: str, index: int, involved: tuple[str, str, str, str, str], reason: str,
                             message: str, component: str, at: dt.datetime) -> Obj:
        return event(namespace, f"{self.app_name(0)}.rollout-{index:04d}", involved, reason, message, component, at)

    def rollout_event(self, ns_index: int, namespace: str, index: int) -> Obj:
        app = self.app_name(0)
        template_hash = self.rs_hash(namespace, 0)
        rs = f"{app}-{template_hash}"
        if index == 0:
            return self.rollout_event_object(namespace, index,
                                             ("apps/v1", "Deployment", app, uid("deploy", namespace, app), ""),
                                             "ScalingReplicaSet",
                                             f"Scaled up replica set {rs} from 0 to {self.app_replicas(ns_index, 0)}",
                                             "deployment-controller", self.rollout - dt.timedelta(seconds=1))
        replicas = self.app_replicas(ns_index, 0)
        if index <= replicas:
            pod = self.app_pod_name(ns_index, index - 1)
            return self.rollout_event_object(namespace, index,
                                             ("apps/v1", "ReplicaSet", rs, uid("rs", namespace, 0), ""),
                                             "SuccessfulCreate", f"Created pod: {pod}", "replicaset-controller",
                                             self.rollout + dt.timedelta(seconds=(index - 1) % REPLICAS))
        pod_index, step = divmod(index - 1 - replicas, 5)
        pod = self.app_pod_name(ns_index, pod_index)
        created = self.rollout + dt.timedelta(seconds=pod_index % REPLICAS)
        node = self.node_name(self.app_pod_node(ns_index, pod_index))
        image = APP_IMAGES[0]
        involved = ("v1", "Pod", pod, uid("pod", namespace, pod), f"spec.containers{{{app}}}")
        steps = [("Scheduled", f"Successfully assigned {namespace}/{pod} to {node}", "default-scheduler", 0),
                 ("Pulling", f'Pulling image "{image}"', "kubelet", 1),
                 ("Pulled",
                  f'Successfully pulled image "{image}" in 1.2s (1.2s including waiting). Image size: 48213337 bytes.',
                  "kubelet", 2),
                 ("Created", f"Created container: {app}", "kubelet", 3),
                 ("Started", f"Started container {app}", "kubelet", 3)]
        reason, message, component, offset = steps[step]
        if step == 0:
            involved = (*involved[:4], "")
        return self.rollout_event_object(namespace, index, involved, reason, message, component,
                                         created + dt.timedelta(seconds=offset))

    # -- leases and config -------------------------------------------------------------------------

    def lease_segments(self) -> list[Segment]:
        leader = self.node_name(0)
        system = [self.timed_lease("kube-system", f"apiserver-{uid('apiserver', i)[:26].replace('-', '')}",
                                   f"apiserver-{uid('apiserver', i)[:26]}_{uid('id', i)}", 3600,
                                   {"apiserver.kubernetes.io/identity": "kube-apiserver",
                                    "kubernetes.io/hostname": self.node_name(i)}, 4 + i)
                  for i in range(CONTROL_PLANE_NODES)]
        system += [self.timed_lease("kube-system", name, f"{leader}_{uid(name)}", 15, {}, 2)
                   for name in ("kube-controller-manager", "kube-scheduler")]
        system.sort(key=lambda obj: obj["metadata"]["name"])
        node_leases = Segment("kube-node-lease", self.nodes, self.node_lease, self.node_index)
        return [node_leases, Segment("kube-system", len(system), system.__getitem__,
                                     fixed([obj["metadata"]["name"] for obj in system]))]

    def node_lease(self, index: int) -> Obj:
        return self.timed_lease("kube-node-lease", self.node_name(index), self.node_name(index), 40, {}, index % 10)

    def timed_lease(self, namespace: str, name: str, holder: str, duration: int, labels: dict[str, str],
                    age_seconds: int) -> Obj:
        """A Lease renewed ``age_seconds`` before the cluster's now: live holders renew well within duration."""
        return lease(namespace, name, holder, duration, labels, self.now - dt.timedelta(seconds=age_seconds),
                     self.started)

    def configmap_segments(self) -> list[Segment]:
        kube_proxy = ("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
                      "clusterCIDR: 10.64.0.0/10\nmode: iptables\niptables:\n  minSyncPeriod: 1s\n  syncPeriod: 30s\n")
        kubeadm = ("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
                   f"clusterName: {self.name}\ncontrolPlaneEndpoint: {self.name}-external-load-balancer:6443\n"
                   f"kubernetesVersion: {KUBERNETES_VERSION}\netcd:\n  local:\n    dataDir: /var/lib/etcd\n"
                   "networking:\n  dnsDomain: cluster.local\n  podSubnet: 10.64.0.0/10\n"
                   "  serviceSubnet: 10.96.0.0/16\n")
        corefile = (".:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n"
                    "    forward . /etc/resolv.conf\n    cache 30\n}\n")
        root_ca = {"ca.crt": "-----BEGIN CERTIFICATE-----\n"}
        system_data = {"coredns": {"Corefile": corefile},
                       "kube-proxy": {"config.conf": kube_proxy, "kubeconfig.conf": "apiVersion: v1\n"},
                       "kube-root-ca.crt": root_ca, "kubeadm-config": {"ClusterConfiguration": kubeadm},
                       "kubelet-config": {"kubelet": "apiVersion: kubelet.config.k8s.io/v1beta1\n"
                                                     "kind: KubeletConfiguration\n"}}
        system = [configmap("kube-system", name, data, self.started) for name, data in sorted(system_data.items())]
        segments = [Segment("kube-system", len(system), system.__getitem__, fixed(sorted(system_data)))]
        for namespace in ["default", "kube-node-lease", "kube-public", *self.namespaces]:
            segments.append(single(namespace, configmap(namespace, "kube-root-ca.crt", root_ca, self.started)))
        return segments

    # -- non-resource answers ----------------------------------------------------------------------

    def raw_answers(self) -> dict[str, Response]:
        return {"/version": Response(status=200, data=version()),
                "/readyz": Response(status=200, text=health_text("readyz")),
                "/livez": Response(status=200, text=health_text("livez")),
                "/metrics": Response(status=200, text=self.metrics())}

    def metrics(self) -> str:
        """The API server's /metrics, with object counts of this size."""
        counts = {"pods": PODS_PER_NODE * self.nodes, "nodes": self.nodes, "services": sum(self.services_in) + 2,
                  "events": sum(1 + 6 * self.app_replicas(i, 0) for i in range(len(self.namespaces))),
                  "leases": self.nodes + 5, "namespaces": len(self.namespaces) + 4,
                  "deployments": sum(self.deployments_in) + 1, "replicasets": sum(self.deployments_in) + 1}
        return apiserver_metrics(counts, storage_bytes=60_000 * self.nodes + 50_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the sizes of a synthetic cluster (run.py serves it).")
    parser.add_argument("--nodes", type=int, default=100)
    args = parser.parse_args()
    cluster = SyntheticCluster(args.nodes, now=dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    cluster.store()
    for kind, size in sorted(cluster.sizes.items()):
        print(f"{kind:<14} {size:>9,}")
    namespace, pod = cluster.trace_target()
    print(f"trace target   {namespace}/{pod}")


if __name__ == "__main__":
    main()
