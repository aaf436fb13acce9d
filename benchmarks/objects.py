"""What each kind of object in the synthetic cluster looks like: the fields a real API server returns.

benchmarks/generate.py decides how many objects there are and how they refer to each other; these
functions only shape one object from what they are given, so a benchmark pays realistic sizes (owner
references, managedFields, conditions, images) for every byte it serves.
"""

from __future__ import annotations

import datetime as dt

from benchmarks.lazy import Obj, iso, uid

KUBERNETES_VERSION = "v1.32.4"
KINDNET_IMAGE = "docker.io/kindest/kindnetd:v20241108-5c6d2daf"
ETCD_IMAGE = "registry.k8s.io/etcd:3.5.16-0"
STATIC_COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")
APP_IMAGES = tuple(f"registry.example.com/team/{app}:1.{i}.0" for i, app in
                   enumerate(("api", "web", "checkout", "cart", "search", "catalog", "payments", "orders")))


def container(name: str, image: str, command: list[str] | None = None, port: int | None = None) -> Obj:
    spec: Obj = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    if command:
        spec["command"] = command
    if port:
        spec["ports"] = [{"containerPort": port, "protocol": "TCP"}]
        spec["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": port, "scheme": "HTTP"}, "periodSeconds": 10,
                                  "timeoutSeconds": 1, "failureThreshold": 3, "successThreshold": 1}
    return spec


def node_managed_fields(labels: dict[str, str], heartbeat: str) -> list[Obj]:
    """Who wrote which fields, as every real Node carries (and `kubectl get -o json` shows)."""
    owned: Obj = {"f:metadata": {"f:labels": {f"f:{k}": {} for k in labels}}}
    conditions: Obj = {f'k:{{"type":"{t}"}}': {".": {}, "f:lastHeartbeatTime": {}, "f:lastTransitionTime": {},
                                              "f:message": {}, "f:reason": {}, "f:status": {}, "f:type": {}}
                       for t in ("DiskPressure", "MemoryPressure", "PIDPressure", "Ready")}
    status = {"f:status": {"f:allocatable": {}, "f:capacity": {}, "f:conditions": conditions, "f:images": {},
                           "f:nodeInfo": {"f:bootID": {}, "f:kubeletVersion": {}}}}
    return [{"manager": "kubeadm", "operation": "Update", "apiVersion": "v1", "time": heartbeat,
             "fieldsType": "FieldsV1", "fieldsV1": owned},
            {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1", "time": heartbeat,
             "fieldsType": "FieldsV1",
             "fieldsV1": {"f:metadata": {"f:annotations": {"f:node.alpha.kubernetes.io/ttl": {}}},
                          "f:spec": {"f:podCIDR": {}, "f:podCIDRs": {".": {}}}}},
            {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": heartbeat,
             "fieldsType": "FieldsV1", "subresource": "status", "fieldsV1": status}]


def node_images(control_plane: bool) -> list[Obj]:
    """The images a node has pulled, as its status lists them (a large part of a real Node)."""
    images = [f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}", KINDNET_IMAGE, "registry.k8s.io/pause:3.10",
              "registry.k8s.io/coredns/coredns:v1.11.3"]
    if control_plane:
        images += [f"registry.k8s.io/{c}:{KUBERNETES_VERSION}" for c in STATIC_COMPONENTS[1:]] + [ETCD_IMAGE]
    else:
        images += list(APP_IMAGES)
    return [{"names": [image, image.split(":")[0] + "@sha256:" + uid(image).replace("-", "") * 2],
             "sizeBytes": 20_000_000 + len(image) * 1_000_003} for image in images]


def daemonset(name: str, nodes: int, created: dt.datetime, unready: int = 0) -> Obj:
    """A DaemonSet with a pod on each of ``nodes``; ``unready`` of them not Ready (on nodes that went NotReady)."""
    selector = {"k8s-app": name}
    image = f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}" if name == "kube-proxy" else KINDNET_IMAGE
    return {"metadata": {"name": name, "namespace": "kube-system", "uid": uid("ds", name), "generation": 1,
                         "resourceVersion": "500", "creationTimestamp": iso(created), "labels": selector},
            "spec": {"selector": {"matchLabels": selector},
                     "template": {"metadata": {"labels": selector},
                                  "spec": {"containers": [container(name, image)], "hostNetwork": True,
                                           "priorityClassName": "system-node-critical"}},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}},
            "status": {"currentNumberScheduled": nodes, "desiredNumberScheduled": nodes,
                       "numberAvailable": nodes - unready, "numberMisscheduled": 0, "numberReady": nodes - unready,
                       "observedGeneration": 1, "updatedNumberScheduled": nodes,
                       **({"numberUnavailable": unready} if unready else {})}}


def deployment(namespace: str, name: str, replicas: int, labels: dict[str, str], image: str,
               created: dt.datetime, ready: int | None = None) -> Obj:
    """A Deployment with ``ready`` of its ``replicas`` Ready (all by default); Available while no more than its
    maxUnavailable (25 %, rounded down) are not, as the Deployment controller judges it."""
    ready = replicas if ready is None else ready
    available = ready >= replicas - replicas * 25 // 100
    return {"metadata": {"name": name, "namespace": namespace, "uid": uid("deploy", namespace, name), "generation": 1,
                         "resourceVersion": "700", "creationTimestamp": iso(created), "labels": labels,
                         "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": [container(name, image)]}}},
            "status": {"replicas": replicas, "readyReplicas": ready, "availableReplicas": ready,
                       "updatedReplicas": replicas, "observedGeneration": 1,
                       **({"unavailableReplicas": replicas - ready} if ready < replicas else {}),
                       "conditions": [{"type": "Available", "status": "True" if available else "False",
                                       "reason": "MinimumReplicasAvailable" if available
                                       else "MinimumReplicasUnavailable"},
                                      {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}}


def replicaset(namespace: str, app: str, template_hash: str, replicas: int, rs_uid: str, created: dt.datetime,
               selector: dict[str, str] | None = None, ready: int | None = None) -> Obj:
    """A Deployment's ReplicaSet: its selector (the Deployment's, ``app.kubernetes.io/name`` unless given) plus the
    pod-template-hash, as the Deployment controller writes it, matches the pods it owns."""
    labels = {**(selector or {"app.kubernetes.io/name": app}), "pod-template-hash": template_hash}
    ready = replicas if ready is None else ready
    return {"metadata": {"name": f"{app}-{template_hash}", "namespace": namespace, "uid": rs_uid, "generation": 1,
                         "resourceVersion": "710", "creationTimestamp": iso(created), "labels": labels,
                         "annotations": {"deployment.kubernetes.io/revision": "1"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app,
                                              "uid": uid("deploy", namespace, app), "controller": True,
                                              "blockOwnerDeletion": True}]},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}}},
            "status": {"replicas": replicas, "readyReplicas": ready, "availableReplicas": ready,
                       "fullyLabeledReplicas": replicas, "observedGeneration": 1}}


def service(namespace: str, name: str, cluster_ip: str, selector: dict[str, str], port: int,
            created: dt.datetime) -> Obj:
    port_name, target = {80: ("http", 8080), 443: ("https", 6443)}.get(port, ("dns", 53))
    spec: Obj = {"clusterIP": cluster_ip, "clusterIPs": [cluster_ip], "type": "ClusterIP", "ipFamilies": ["IPv4"],
                 "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
                 "ports": [{"name": port_name, "port": port, "protocol": "TCP", "targetPort": target}]}
    if selector:
        spec["selector"] = selector
    return {"metadata": {"name": name, "namespace": namespace, "uid": uid("svc", namespace, name),
                         "resourceVersion": "800", "creationTimestamp": iso(created),
                         "labels": selector or {"component": "apiserver", "provider": "kubernetes"}},
            "spec": spec, "status": {"loadBalancer": {}}}


def endpointslice(namespace: str, name: str, service_name: str, endpoints: list[Obj], port: int,
                  created: dt.datetime) -> Obj:
    return {"metadata": {"name": name, "namespace": namespace, "uid": uid("eps", namespace, name),
                         "resourceVersion": "900", "creationTimestamp": iso(created),
                         "labels": {"kubernetes.io/service-name": service_name,
                                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
            "addressType": "IPv4", "endpoints": endpoints,
            "ports": [{"name": {6443: "https", 53: "dns-tcp"}.get(port, "http"), "port": port, "protocol": "TCP"}]}


def event(namespace: str, name: str, involved: tuple[str, str, str, str, str], reason: str, message: str,
          component: str, at: dt.datetime) -> Obj:
    """A core/v1 Event about ``involved`` (apiVersion, kind, name, uid, fieldPath)."""
    api_version, kind, object_name, object_uid, field_path = involved
    ref: Obj = {"apiVersion": api_version, "kind": kind, "name": object_name, "namespace": namespace,
                "uid": object_uid}
    if field_path:
        ref["fieldPath"] = field_path
    return {"metadata": {"name": name, "namespace": namespace, "uid": uid("event", namespace, name),
                         "resourceVersion": "200000", "creationTimestamp": iso(at)},
            "involvedObject": ref, "reason": reason, "message": message, "type": "Normal",
            "source": {"component": component}, "firstTimestamp": iso(at), "lastTimestamp": iso(at), "count": 1,
            "reportingComponent": component, "reportingInstance": ""}


def lease(namespace: str, name: str, holder: str, duration: int, labels: dict[str, str], renewed: dt.datetime,
          created: dt.datetime) -> Obj:
    return {"metadata": {"name": name, "namespace": namespace, "uid": uid("lease", namespace, name),
                         "resourceVersion": "300000", "creationTimestamp": iso(created), "labels": labels},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": duration,
                     "renewTime": renewed.strftime("%Y-%m-%dT%H:%M:%S.000000Z"), "acquireTime": iso(created),
                     "leaseTransitions": 0}}


def configmap(namespace: str, name: str, data: dict[str, str], created: dt.datetime) -> Obj:
    return {"metadata": {"name": name, "namespace": namespace, "uid": uid("cm", namespace, name),
                        "resourceVersion": "400", "creationTimestamp": iso(created)}, "data": data}


def health_text(kind: str) -> str:
    """``/readyz?verbose`` or ``/livez?verbose`` of a healthy API server (plain text, as it sends them)."""
    checks = ["ping", "log", "etcd", "etcd-readiness", "informer-sync", "poststarthook/start-informers",
              "poststarthook/rbac/bootstrap-roles", "shutdown"]
    if kind == "livez":
        checks = [c for c in checks if "readiness" not in c]
    return "".join(f"[+]{c} ok\n" for c in checks) + f"{kind} check passed\n"


def version() -> Obj:
    return {"major": "1", "minor": "32", "gitVersion": KUBERNETES_VERSION,
            "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335", "gitTreeState": "clean",
            "buildDate": "2025-04-22T16:02:27Z", "goVersion": "go1.23.8", "compiler": "gc", "platform": "linux/amd64"}
