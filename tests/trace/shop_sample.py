"""Generates kind-ha's ``objects/90-trace-shop.yaml``: the ``shop`` namespace with one pod per trace scenario.

Writing the objects from code keeps uids, ownerReferences, pod-template-hash labels, managedFields and
timestamps consistent with each other and with the sample's capture time. Regenerate with
``python -m tests.trace.shop_sample``; ``test_sample_file_is_generated`` fails when the file drifts.

Scenarios (times relative to capturedAt):
  api       healthy Deployment pod, Service + EndpointSlice, every event present (8 minutes old)
  checkout  Pending: requests 48Gi memory, 2 workers too small, 3 control-plane nodes tainted
  cart      ImagePullBackOff: the tag does not exist in the registry
  payments  CrashLoopBackOff: OOMKilled at its 128Mi limit, 5 restarts
  reports   created 1h48m before capture: its events have expired (init container, Service)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path
from typing import Any

import yaml

CAPTURED_AT = dt.datetime(2026, 11, 20, 9, 0, 0, tzinfo=dt.timezone.utc)
NAMESPACE = "shop"
OUTPUT = Path(__file__).resolve().parents[2] / "kubectl_arch/samples/kind-ha/objects/90-trace-shop.yaml"
_UID_NAMESPACE = uuid.UUID("6f1d3c2a-0c39-4a43-9a59-3d3f1f6b2e10")
_rv = [52000]

Obj = dict[str, Any]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def uid(*parts: str) -> str:
    return str(uuid.uuid5(_UID_NAMESPACE, "/".join(parts)))


def ts(minutes: float, micro: bool = False) -> str:
    """The time ``minutes`` before capture, RFC 3339 (MicroTime when ``micro``)."""
    if micro:
        when = CAPTURED_AT - dt.timedelta(microseconds=round(minutes * 60e6))
        return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    when = CAPTURED_AT - dt.timedelta(seconds=round(minutes * 60))
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def at(base: float, seconds: float) -> float:
    """Minutes-before-capture of ``seconds`` after ``base`` (both in the generator's minute scale)."""
    return base - seconds / 60.0


def rv() -> str:
    _rv[0] += 7
    return str(_rv[0])


def suffix(name: str, length: int = 5) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.sha256(name.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def managed(manager: str, when: str, fields: Obj, subresource: str | None = None, operation: str = "Update") -> Obj:
    entry: Obj = {"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": fields, "manager": manager,
                  "operation": operation, "time": when}
    if subresource:
        entry["subresource"] = subresource
    return entry


def controller_ref(kind: str, name: str, owner_uid: str) -> Obj:
    return {"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True, "kind": kind, "name": name,
            "uid": owner_uid}


def event_metadata(involved_name: str, created: str, event_uid: str) -> Obj:
    """Events are named <object>.<16 hex digits>, as client-go's recorder names them."""
    return {"creationTimestamp": created, "name": f"{involved_name}.{event_uid.replace('-', '')[:16]}",
            "namespace": NAMESPACE, "resourceVersion": rv(), "uid": event_uid}


# -- workloads --------------------------------------------------------------------------------------

def container_spec(name: str, image: str, memory_request: str = "64Mi", memory_limit: str | None = "256Mi",
                   probe: bool = True) -> Obj:
    spec: Obj = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
                 "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                 "resources": {"requests": {"cpu": "100m", "memory": memory_request}},
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    if memory_limit:
        spec["resources"]["limits"] = {"memory": memory_limit}
    if probe:
        spec["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                                  "initialDelaySeconds": 5, "periodSeconds": 5, "timeoutSeconds": 1,
                                  "successThreshold": 1, "failureThreshold": 3}
    return spec


def pod_spec(containers: list[Obj], node: str | None, init: list[Obj] | None = None) -> Obj:
    spec: Obj = {
        "containers": containers, "dnsPolicy": "ClusterFirst", "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority", "priority": 0, "restartPolicy": "Always",
        "schedulerName": "default-scheduler", "securityContext": {}, "serviceAccount": "default",
        "serviceAccountName": "default", "terminationGracePeriodSeconds": 30,
        "tolerations": [
            {"effect": "NoExecute", "key": f"node.kubernetes.io/{key}", "operator": "Exists", "tolerationSeconds": 300}
            for key in ("not-ready", "unreachable")],
    }
    if init:
        spec["initContainers"] = init
    if node:
        spec["nodeName"] = node
    return spec


class App:
    """One Deployment -> ReplicaSet -> Pod chain in the shop namespace, with its events."""

    def __init__(self, name: str, created: float, template_hash: str, containers: list[Obj],
                 init: list[Obj] | None = None) -> None:
        self.name, self.created, self.hash = name, created, template_hash
        self.rs_name = f"{name}-{template_hash}"
        self.pod_name = f"{self.rs_name}-{suffix(name)}"
        self.containers, self.init = containers, init or []
        self.labels = {"app": name, "app.kubernetes.io/part-of": "shop"}
        self.events: list[Obj] = []

    @property
    def pod_uid(self) -> str:
        return uid("pod", self.pod_name)

    def deployment(self) -> Obj:
        when = ts(self.created)
        return {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {
                "annotations": {"deployment.kubernetes.io/revision": "1"}, "creationTimestamp": when,
                "generation": 1, "labels": dict(self.labels), "name": self.name, "namespace": NAMESPACE,
                "resourceVersion": rv(), "uid": uid("deployment", self.name),
                "managedFields": [
                    managed("kubectl-client-side-apply", when, {
                        "f:metadata": {"f:annotations": {".": {}, f"f:{LAST_APPLIED}": {}},
                                       "f:labels": {".": {}, "f:app": {}}},
                        "f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {}}}),
                    managed("kube-controller-manager", ts(at(self.created, 10)),
                            {"f:metadata": {"f:annotations": {"f:deployment.kubernetes.io/revision": {}}},
                             "f:status": {"f:conditions": {}, "f:observedGeneration": {}, "f:replicas": {}}},
                            subresource="status"),
                ],
            },
            "spec": {"progressDeadlineSeconds": 600, "replicas": 1, "revisionHistoryLimit": 10,
                     "selector": {"matchLabels": {"app": self.name}},
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                     "template": {"metadata": {"labels": dict(self.labels)},
                                  "spec": {k: v for k, v in pod_spec(self.containers, None, self.init).items()
                                           if k not in ("serviceAccount", "tolerations", "priority",
                                                        "preemptionPolicy", "enableServiceLinks")}}},
        }

    def replicaset(self) -> Obj:
        when = ts(self.created)
        labels = {**self.labels, "pod-template-hash": self.hash}
        return {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {
                "annotations": {"deployment.kubernetes.io/desired-replicas": "1",
                                "deployment.kubernetes.io/max-replicas": "2", "deployment.kubernetes.io/revision": "1"},
                "creationTimestamp": when, "generation": 1, "labels": labels, "name": self.rs_name,
                "namespace": NAMESPACE, "resourceVersion": rv(), "uid": uid("replicaset", self.rs_name),
                "ownerReferences": [controller_ref("Deployment", self.name, uid("deployment", self.name))],
                "managedFields": [
                    managed("kube-controller-manager", when,
                            {"f:metadata": {"f:annotations": {}, "f:labels": {}, "f:ownerReferences": {}},
                             "f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {}}}),
                ],
            },
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": self.name, "pod-template-hash": self.hash}},
                     "template": {"metadata": {"labels": labels},
                                  "spec": self.deployment()["spec"]["template"]["spec"]}},
            "status": {"fullyLabeledReplicas": 1, "observedGeneration": 1, "replicas": 1},
        }

    def pod(self, node: str | None, status: Obj, extra_managed: list[Obj] | None = None,
            kubelet_write: float | None = None) -> Obj:
        when = ts(self.created)
        fields: list[Obj] = [managed("kube-controller-manager", when, {
            "f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}},
                           "f:ownerReferences": {".": {}, f'k:{{"uid":"{uid("replicaset", self.rs_name)}"}}': {}}},
            "f:spec": {"f:containers": {}, "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}}})]
        fields += extra_managed or []
        if kubelet_write is not None:
            fields.append(managed("kubelet", ts(kubelet_write), {"f:status": {
                "f:conditions": {}, "f:containerStatuses": {}, "f:hostIP": {}, "f:hostIPs": {}, "f:phase": {},
                "f:podIP": {}, "f:podIPs": {}, "f:startTime": {}}}, subresource="status"))
        return {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {
                "creationTimestamp": when, "generateName": f"{self.rs_name}-",
                "labels": {**self.labels, "pod-template-hash": self.hash}, "name": self.pod_name,
                "namespace": NAMESPACE, "resourceVersion": rv(), "uid": self.pod_uid,
                "ownerReferences": [controller_ref("ReplicaSet", self.rs_name, uid("replicaset", self.rs_name))],
                "managedFields": fields,
            },
            "spec": pod_spec(self.containers, node, self.init),
            "status": status,
        }

    # -- events -----------------------------------------------------------------------------------

    def _event(self, kind: str, name: str, object_uid: str, reason: str, message: str, first: float,
               last: float | None = None, count: int = 1, component: str = "kubelet", host: str = "",
               field_path: str | None = None, warning: bool = False, api_version: str = "v1") -> None:
        involved: Obj = {"apiVersion": api_version, "kind": kind, "name": name, "namespace": NAMESPACE,
                         "resourceVersion": rv(), "uid": object_uid}
        if field_path:
            involved["fieldPath"] = field_path
        source: Obj = {"component": component}
        if host:
            source["host"] = host
        self.events.append({
            "apiVersion": "v1", "kind": "Event", "count": count, "eventTime": None,
            "firstTimestamp": ts(first), "lastTimestamp": ts(last if last is not None else first),
            "involvedObject": involved, "message": message,
            "metadata": event_metadata(name, ts(first), uid("event", name, reason, message)),
            "reason": reason, "reportingComponent": component, "reportingInstance": host, "source": source,
            "type": "Warning" if warning else "Normal",
        })

    def kubelet_event(self, reason: str, message: str, first: float, node: str, container: str | None = None,
                      last: float | None = None, count: int = 1, warning: bool = False, init: bool = False) -> None:
        path = f"spec.{'initContainers' if init else 'containers'}{{{container}}}" if container else None
        self._event("Pod", self.pod_name, self.pod_uid, reason, message, first, last, count, "kubelet", node, path,
                    warning)

    def controller_events(self) -> None:
        self._event("Deployment", self.name, uid("deployment", self.name), "ScalingReplicaSet",
                    f"Scaled up replica set {self.rs_name} from 0 to 1", self.created,
                    component="deployment-controller", api_version="apps/v1")
        self._event("ReplicaSet", self.rs_name, uid("replicaset", self.rs_name), "SuccessfulCreate",
                    f"Created pod: {self.pod_name}", self.created, component="replicaset-controller",
                    api_version="apps/v1")

    def scheduler_event(self, reason: str, message: str, when: float, series: tuple[int, float] | None = None,
                        warning: bool = False) -> None:
        """An event written by kube-scheduler through events.k8s.io, as core/v1 shows it."""
        event: Obj = {
            "apiVersion": "v1", "kind": "Event", "action": "Scheduling" if warning else "Binding",
            "eventTime": ts(when, micro=True), "firstTimestamp": None, "lastTimestamp": None,
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": self.pod_name, "namespace": NAMESPACE,
                               "uid": self.pod_uid},
            "message": message,
            "metadata": event_metadata(self.pod_name, ts(when), uid("sched", self.pod_name)),
            "reason": reason, "reportingComponent": "default-scheduler",
            "reportingInstance": "default-scheduler-kind-ha-control-plane2", "source": {},
            "type": "Warning" if warning else "Normal",
        }
        if series:
            event["series"] = {"count": series[0], "lastObservedTime": ts(series[1], micro=True)}
        self.events.append(event)


def condition(kind: str, when: float, status: str = "True", reason: str | None = None,
              message: str | None = None) -> Obj:
    out: Obj = {"lastProbeTime": None, "lastTransitionTime": ts(when), "status": status, "type": kind}
    if reason:
        out["reason"] = reason
    if message:
        out["message"] = message
    return out


def container_status(name: str, image: str, state: Obj, ready: bool, restarts: int = 0,
                     last: Obj | None = None, image_id: bool = True) -> Obj:
    out: Obj = {"image": image, "imageID": f"{image.split(':')[0]}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"
                if image_id else "", "lastState": {"terminated": last} if last else {}, "name": name, "ready": ready,
                "restartCount": restarts, "started": "running" in state, "state": state}
    if image_id:
        out["containerID"] = f"containerd://{hashlib.sha256((name + image + str(restarts)).encode()).hexdigest()}"
    return out


def service(app: App, cluster_ip: str, created: float) -> Obj:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"creationTimestamp": ts(created), "labels": dict(app.labels), "name": app.name,
                     "namespace": NAMESPACE, "resourceVersion": rv(), "uid": uid("service", app.name)},
        "spec": {"clusterIP": cluster_ip, "clusterIPs": [cluster_ip], "internalTrafficPolicy": "Cluster",
                 "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                 "selector": {"app": app.name}, "sessionAffinity": "None", "type": "ClusterIP"},
        "status": {"loadBalancer": {}},
    }


def endpoint_slice(app: App, created: float, written: float, endpoints: list[Obj]) -> Obj:
    name = f"{app.name}-{suffix(app.name + 'slice')}"
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": {
            "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": ts(written)},
            "creationTimestamp": ts(created), "generateName": f"{app.name}-",
            "generation": 2 if endpoints else 1,
            "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                       "kubernetes.io/service-name": app.name, **app.labels},
            "name": name, "namespace": NAMESPACE, "resourceVersion": rv(), "uid": uid("slice", name),
            "ownerReferences": [{"apiVersion": "v1", "blockOwnerDeletion": True, "controller": True, "kind": "Service",
                                 "name": app.name, "uid": uid("service", app.name)}],
            "managedFields": [managed("endpointslice-controller", ts(written), {
                "f:addressType": {}, "f:endpoints": {}, "f:metadata": {"f:annotations": {}, "f:labels": {},
                                                                        "f:ownerReferences": {}}, "f:ports": {}},
                operation="Update") | {"apiVersion": "discovery.k8s.io/v1"}],
        },
        "endpoints": endpoints,
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
    }


def endpoint(app: App, ip: str, node: str, ready: bool) -> Obj:
    return {"addresses": [ip], "conditions": {"ready": ready, "serving": ready, "terminating": False},
            "nodeName": node, "targetRef": {"kind": "Pod", "name": app.pod_name, "namespace": NAMESPACE,
                                            "uid": app.pod_uid}}


# -- the scenarios ------------------------------------------------------------------------------------

def healthy_api() -> list[Obj]:
    node, image, t0 = "kind-ha-worker2", "ghcr.io/example/shop-api:1.4.2", 7 + 50 / 60  # 08:52:10
    app = App("api", t0, "7d9f8b6c5d", [container_spec("api", image)])
    app.controller_events()
    app.scheduler_event("Scheduled", f"Successfully assigned {NAMESPACE}/{app.pod_name} to {node}", at(t0, 0.412))
    app.kubelet_event("Pulling", f'Pulling image "{image}"', at(t0, 1), node, "api")
    app.kubelet_event("Pulled", f'Successfully pulled image "{image}" in 2.871s (2.871s including waiting). '
                      "Image size: 48213561 bytes.", at(t0, 4), node, "api")
    app.kubelet_event("Created", "Created container: api", at(t0, 4), node, "api")
    app.kubelet_event("Started", "Started container api", at(t0, 4), node, "api")
    status = {
        "conditions": [condition("PodReadyToStartContainers", at(t0, 1)), condition("Initialized", t0),
                       condition("Ready", at(t0, 9)), condition("ContainersReady", at(t0, 9)),
                       condition("PodScheduled", t0)],
        "containerStatuses": [container_status("api", image, {"running": {"startedAt": ts(at(t0, 4))}}, True)],
        "hostIP": "172.18.0.2", "hostIPs": [{"ip": "172.18.0.2"}], "phase": "Running", "podIP": "10.244.4.17",
        "podIPs": [{"ip": "10.244.4.17"}], "qosClass": "Burstable", "startTime": ts(t0),
    }
    published = endpoint_slice(app, 40, at(t0, 9), [endpoint(app, "10.244.4.17", node, True)])
    return [app.deployment(), app.replicaset(), app.pod(node, status, kubelet_write=at(t0, 9)),
            service(app, "10.96.112.40", 40), published, *app.events]


UNSCHEDULABLE = ("0/5 nodes are available: 2 Insufficient memory, 3 node(s) had untolerated taint "
                 "{node-role.kubernetes.io/control-plane: }. preemption: 0/5 nodes are available: 2 No preemption "
                 "victims found for incoming pod, 3 Preemption is not helpful for scheduling.")


def unschedulable_checkout() -> list[Obj]:
    t0 = 4 + 58 / 60  # 08:55:02
    app = App("checkout", t0, "5f7c9d8b4f", [container_spec("checkout", "ghcr.io/example/shop-checkout:3.0.0",
                                                            memory_request="48Gi", memory_limit="48Gi")])
    app.controller_events()
    app.scheduler_event("FailedScheduling", UNSCHEDULABLE, at(t0, 0.183), series=(6, 0.5), warning=True)
    scheduler_status = managed("kube-scheduler", ts(t0), {"f:status": {"f:conditions": {
        ".": {}, 'k:{"type":"PodScheduled"}': {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {},
                                               "f:message": {}, "f:reason": {}, "f:status": {}, "f:type": {}}}}},
        subresource="status")
    status = {"conditions": [condition("PodScheduled", t0, "False", "Unschedulable", UNSCHEDULABLE)],
              "phase": "Pending", "qosClass": "Burstable"}
    return [app.deployment(), app.replicaset(), app.pod(None, status, [scheduler_status]),
            service(app, "10.96.54.201", 40), endpoint_slice(app, 40, 40, []), *app.events]


def image_pull_backoff_cart() -> list[Obj]:
    node, t0 = "kind-ha-worker", 2.5  # 08:57:30
    image = "ghcr.io/example/shop-cart:2.0.1"
    app = App("cart", t0, "6b8d7f9c5d", [container_spec("cart", image)])
    app.controller_events()
    not_found = (f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image '
                 f'"{image}": failed to resolve reference "{image}": {image}: not found')
    app.scheduler_event("Scheduled", f"Successfully assigned {NAMESPACE}/{app.pod_name} to {node}", at(t0, 0.231))
    app.kubelet_event("Pulling", f'Pulling image "{image}"', at(t0, 1), node, "cart", last=at(t0, 105), count=4)
    app.kubelet_event("Failed", not_found, at(t0, 2), node, "cart", last=at(t0, 106), count=4, warning=True)
    app.kubelet_event("Failed", "Error: ErrImagePull", at(t0, 2), node, "cart", last=at(t0, 106), count=4, warning=True)
    app.kubelet_event("BackOff", f'Back-off pulling image "{image}"', at(t0, 3), node, "cart", last=at(t0, 148),
                      count=7)
    app.kubelet_event("Failed", "Error: ImagePullBackOff", at(t0, 3), node, "cart", last=at(t0, 148), count=7,
                      warning=True)
    cause = not_found.removeprefix("Failed to pull image ")
    waiting = {"waiting": {"reason": "ImagePullBackOff",
                           "message": f'Back-off pulling image "{image}": ErrImagePull: {cause}'}}
    status = {
        "conditions": [condition("PodReadyToStartContainers", at(t0, 1)), condition("Initialized", t0),
                       condition("Ready", t0, "False", "ContainersNotReady", "containers with unready status: [cart]"),
                       condition("ContainersReady", t0, "False", "ContainersNotReady",
                                 "containers with unready status: [cart]"),
                       condition("PodScheduled", t0)],
        "containerStatuses": [container_status("cart", image, waiting, False, image_id=False)],
        "hostIP": "172.18.0.3", "hostIPs": [{"ip": "172.18.0.3"}], "phase": "Pending", "podIP": "10.244.3.22",
        "podIPs": [{"ip": "10.244.3.22"}], "qosClass": "Burstable", "startTime": ts(t0),
    }
    return [app.deployment(), app.replicaset(), app.pod(node, status, kubelet_write=at(t0, 148)), *app.events]


def crash_loop_payments() -> list[Obj]:
    node, t0 = "kind-ha-worker", 11 + 40 / 60  # 08:48:20
    image = "ghcr.io/example/shop-payments:5.2.0"
    app = App("payments", t0, "7c9f6d5b8d", [container_spec("payments", image, "96Mi", "128Mi")])
    app.controller_events()
    app.scheduler_event("Scheduled", f"Successfully assigned {NAMESPACE}/{app.pod_name} to {node}", at(t0, 0.187))
    present = f'Container image "{image}" already present on machine'
    app.kubelet_event("Pulled", present, at(t0, 1), node, "payments", last=at(t0, 501), count=6)
    app.kubelet_event("Created", "Created container: payments", at(t0, 1), node, "payments", last=at(t0, 501), count=6)
    app.kubelet_event("Started", "Started container payments", at(t0, 2), node, "payments", last=at(t0, 501), count=6)
    app.kubelet_event("BackOff", f"Back-off restarting failed container payments in pod {app.pod_name}_{NAMESPACE}"
                      f"({app.pod_uid})", at(t0, 20), node, "payments", last=at(t0, 690), count=31, warning=True)
    waiting = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container="
                                                                    f"payments pod={app.pod_name}_{NAMESPACE}"
                                                                    f"({app.pod_uid})"}}
    last = {"containerID": "containerd://" + hashlib.sha256(b"payments-4").hexdigest(), "exitCode": 137,
            "finishedAt": ts(at(t0, 509)), "reason": "OOMKilled", "startedAt": ts(at(t0, 501))}
    status = {
        "conditions": [condition("PodReadyToStartContainers", at(t0, 1)), condition("Initialized", t0),
                       condition("Ready", at(t0, 509), "False", "ContainersNotReady",
                                 "containers with unready status: [payments]"),
                       condition("ContainersReady", at(t0, 509), "False", "ContainersNotReady",
                                 "containers with unready status: [payments]"),
                       condition("PodScheduled", t0)],
        "containerStatuses": [container_status("payments", image, waiting, False, restarts=5, last=last)],
        "hostIP": "172.18.0.3", "hostIPs": [{"ip": "172.18.0.3"}], "phase": "Running", "podIP": "10.244.3.19",
        "podIPs": [{"ip": "10.244.3.19"}], "qosClass": "Burstable", "startTime": ts(t0),
    }
    not_ready = endpoint_slice(app, 40, at(t0, 509), [endpoint(app, "10.244.3.19", node, False)])
    return [app.deployment(), app.replicaset(), app.pod(node, status, kubelet_write=at(t0, 509)),
            service(app, "10.96.201.7", 40), not_ready, *app.events]


def expired_reports() -> list[Obj]:
    node, t0 = "kind-ha-worker2", 107 + 56 / 60  # 07:12:04, more than the 1 h event TTL before capture
    image, init_image = "ghcr.io/example/shop-reports:2.3.1", "ghcr.io/example/shop-migrate:2.3.1"
    app = App("reports", t0, "84d5c7b9f6", [container_spec("reports", image)],
              init=[{k: v for k, v in container_spec("migrate", init_image, memory_limit=None, probe=False).items()
                     if k != "ports"}])
    status = {
        "conditions": [condition("PodReadyToStartContainers", at(t0, 2)), condition("Initialized", at(t0, 6)),
                       condition("Ready", at(t0, 13)), condition("ContainersReady", at(t0, 13)),
                       condition("PodScheduled", t0)],
        "initContainerStatuses": [container_status("migrate", init_image, {"terminated": {
            "exitCode": 0, "reason": "Completed", "startedAt": ts(at(t0, 4)), "finishedAt": ts(at(t0, 6)),
            "containerID": "containerd://" + hashlib.sha256(b"migrate").hexdigest()}}, True)],
        "containerStatuses": [container_status("reports", image, {"running": {"startedAt": ts(at(t0, 8))}}, True)],
        "hostIP": "172.18.0.2", "hostIPs": [{"ip": "172.18.0.2"}], "phase": "Running", "podIP": "10.244.4.9",
        "podIPs": [{"ip": "10.244.4.9"}], "qosClass": "Burstable", "startTime": ts(t0),
    }
    published = endpoint_slice(app, 110, at(t0, 13), [endpoint(app, "10.244.4.9", node, True)])
    return [app.deployment(), app.replicaset(), app.pod(node, status, kubelet_write=at(t0, 13)),
            service(app, "10.96.33.150", 110), published]


def namespace() -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"creationTimestamp": ts(115), "labels": {"kubernetes.io/metadata.name": NAMESPACE},
                         "name": NAMESPACE, "resourceVersion": rv(), "uid": uid("namespace", NAMESPACE)},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def build() -> list[Obj]:
    _rv[0] = 52000
    return [namespace(), *healthy_api(), *unschedulable_checkout(), *image_pull_backoff_cart(),
            *crash_loop_payments(), *expired_reports()]


HEADER = ("# Generated by tests/trace/shop_sample.py (python -m tests.trace.shop_sample): do not edit by hand.\n"
          "# The shop namespace: one pod per `kubectl arch trace` scenario (healthy, unschedulable,\n"
          "# ImagePullBackOff, CrashLoopBackOff, events expired). Illustrative data, not a recording.\n")


def render() -> str:
    return HEADER + yaml.safe_dump_all(build(), sort_keys=False, width=200)


if __name__ == "__main__":
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT}")
