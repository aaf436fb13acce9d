"""Every stuck signature of docs' pod-trace facts, built as the real components leave it, read by trace.

Each row is one signature: the pod (conditions, container states), its events in the shape the writer
leaves them (the kubelet and controllers through core/v1, the scheduler through events.k8s.io/v1 read
back via core/v1: ``eventTime`` and ``series``, null first/last timestamps) and its owners where they
matter. The row says where trace must find the pod stuck (or finished), the reason, words the
explanation must hold (and must not: advice that would mislead), and since when the step has waited.
Messages are the components' own (kubelet ``images``, ``kuberuntime``, volume manager, scheduler
plugins, admission plugins).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from kubectl_arch.collect.source import Response
from kubectl_arch.trace.collect import OwnerData, TraceData
from kubectl_arch.trace.report import TraceReport, analyse
from tests.trace import test_creation as creation
from tests.trace.invariants import broken, skew_within_life
from tests.trace.podmaker import CREATED, NOW, UID, condition, running_pod

POD_REF = f'pod: "web-0_shop({UID})"'  # how the kubelet names a pod in its messages


def at(minutes: int, seconds: int = 0) -> str:
    """A whole-second time after 08:50:00, when the pod was created (``NOW`` is 09:00:00)."""
    when = dt.datetime(2026, 11, 20, 8, 50, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minutes, seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def kubelet_event(reason: str, message: str, first: str, *, last: str | None = None, count: int = 1,
                  warning: bool = True, container: str | None = "web", init: bool = False) -> dict[str, Any]:
    """An event as the kubelet writes it: core/v1, second precision, ``count`` for repeats."""
    involved: dict[str, Any] = {"kind": "Pod", "name": "web-0", "namespace": "shop", "uid": UID, "apiVersion": "v1"}
    if container:
        involved["fieldPath"] = f"spec.{'initContainers' if init else 'containers'}{{{container}}}"
    return {"kind": "Event", "apiVersion": "v1", "reason": reason, "message": message,
            "type": "Warning" if warning else "Normal", "firstTimestamp": first, "lastTimestamp": last or first,
            "count": count, "involvedObject": involved, "source": {"component": "kubelet", "host": "worker-1"},
            "reportingComponent": "kubelet", "reportingInstance": "worker-1",
            "metadata": {"name": f"web-0.{reason}.{first}", "namespace": "shop", "creationTimestamp": first}}


def controller_event(reason: str, message: str, first: str, component: str, *, last: str | None = None,
                     count: int = 1) -> dict[str, Any]:
    """A controller's event about the pod (attachdetach-controller): core/v1, no container."""
    event = kubelet_event(reason, message, first, last=last, count=count, container=None)
    event.update(source={"component": component}, reportingComponent=component, reportingInstance="")
    return event


def scheduler_event(message: str, first: str, *, last: str | None = None, count: int = 1) -> dict[str, Any]:
    """kube-scheduler's FailedScheduling, written through events.k8s.io/v1 and listed through core/v1."""
    event: dict[str, Any] = {
        "kind": "Event", "apiVersion": "v1", "reason": "FailedScheduling", "message": message, "type": "Warning",
        "firstTimestamp": None, "lastTimestamp": None, "eventTime": first.replace("Z", ".104381Z"),
        "action": "Scheduling", "reportingComponent": "default-scheduler",
        "reportingInstance": "default-scheduler-cp-1", "source": {},
        "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "shop", "uid": UID, "apiVersion": "v1"},
        "metadata": {"name": f"web-0.FailedScheduling.{first}", "namespace": "shop", "creationTimestamp": first}}
    if count > 1:
        event["series"] = {"count": count, "lastObservedTime": (last or first).replace("Z", ".530112Z")}
    return event


SCHEDULED = scheduler_event("", CREATED)
SCHEDULED.update(reason="Scheduled", type="Normal", message="Successfully assigned shop/web-0 to worker-1",
                 action="Binding")


def pending() -> dict[str, Any]:
    """Created at 08:50:00, no node yet."""
    pod = running_pod()
    del pod["spec"]["nodeName"]
    pod["status"] = {"phase": "Pending", "qosClass": "Burstable"}
    return pod


def unschedulable(message: str) -> dict[str, Any]:
    pod = pending()
    pod["status"]["conditions"] = [condition("PodScheduled", "False", at=CREATED, reason="Unschedulable",
                                             message=message)]
    return pod


def on_node(sandbox: bool = True, container: dict[str, Any] | None = None) -> dict[str, Any]:
    """Bound to worker-1 at 08:50:00; the sandbox ready at 08:50:02 (or not); the one container waiting."""
    pod = running_pod()
    pod["status"] = {
        "phase": "Pending", "startTime": CREATED, "qosClass": "Burstable", "hostIP": "172.18.0.3",
        "conditions": [condition("PodReadyToStartContainers", "True" if sandbox else "False",
                                 at=at(0, 2) if sandbox else CREATED),
                       condition("Initialized", at=CREATED),
                       condition("Ready", "False", at=CREATED, reason="ContainersNotReady",
                                 message="containers with unready status: [web]"),
                       condition("ContainersReady", "False", at=CREATED, reason="ContainersNotReady",
                                 message="containers with unready status: [web]"),
                       condition("PodScheduled", at=CREATED)],
        "containerStatuses": [{"name": "web", "image": "nginx:1.27", "imageID": "", "ready": False,
                               "started": False, "restartCount": 0, "lastState": {},
                               "state": container or {"waiting": {"reason": "ContainerCreating"}}}],
    }
    if sandbox:
        pod["status"].update(podIP="10.244.1.5", podIPs=[{"ip": "10.244.1.5"}])
    return pod


def waiting(reason: str, message: str = "", **status: Any) -> dict[str, Any]:
    """A pod whose sandbox is up and whose container waits with ``reason``."""
    pod = on_node(container={"waiting": {"reason": reason, **({"message": message} if message else {})}})
    pod["status"]["containerStatuses"][0].update(status)
    return pod


def running(restarts: int = 0, **status: Any) -> dict[str, Any]:
    """Phase Running, the container running since 08:50:04 (or per ``status``), not ready."""
    pod = on_node(container={"running": {"startedAt": at(0, 4)}})
    pod["status"]["phase"] = "Running"
    pod["status"]["containerStatuses"][0].update({"restartCount": restarts, "started": True, **status})
    return pod


PRESENT = kubelet_event("Pulled", 'Container image "nginx:1.27" already present on machine', at(0, 3),
                        warning=False)


def pulled_and_started(first: str = at(0, 3)) -> list[dict[str, Any]]:
    return [PRESENT, kubelet_event("Created", "Created container: web", first, warning=False),
            kubelet_event("Started", "Started container web", at(0, 4), warning=False)]


def failed_pod(reason: str, message: str) -> dict[str, Any]:
    """Refused by the kubelet at admission (``rejectPod``): phase Failed, the reason, "Pod was rejected: ..."."""
    pod = running_pod()
    pod["status"] = {"phase": "Failed", "reason": reason, "message": f"Pod was rejected: {message}",
                     "qosClass": "Burstable", "conditions": [condition("PodScheduled", at=CREATED)]}
    return pod


def _static(pod: dict[str, Any]) -> dict[str, Any]:
    """The mirror pod of a static pod: the kubelet's annotations, owned by its Node."""
    pod["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "5c1e", "kubernetes.io/config.source": "file",
                                      "kubernetes.io/config.seen": "2026-11-20T08:49:58.118275Z",
                                      "kubernetes.io/config.hash": "5c1e"}
    pod["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "Node", "name": "worker-1", "uid": "n-1",
                                           "controller": True}]
    return pod


@dataclass(frozen=True)
class Signature:
    """A stuck signature, the data that shows it, and what trace must say about it."""

    pod: Callable[[], dict[str, Any]]
    events: Callable[[], list[dict[str, Any]]]
    stage: str  # the stuck stage, or "finished" for a pod that ended
    reason: str
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()  # advice that would mislead for this signature
    since: str | None = None  # when the stuck step began waiting (the stage's start)
    owners: Callable[[], list[OwnerData]] | None = None
    note: str = ""
    node: Callable[[], Response] | None = None  # the read of the pod's node, when not a Ready one
    in_progress: bool = False  # the step waits for something under way (not failed)


def _none() -> list[dict[str, Any]]:
    return []


RUNC_EXEC = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create '
             'failed: unable to start container process: exec: "/app/serve": stat /app/serve: no such file or '
             'directory: unknown')
START_ERROR = {"terminated": {"exitCode": 128, "reason": "StartError", "message": RUNC_EXEC,
                              "startedAt": "1970-01-01T00:00:00Z", "finishedAt": at(0, 4),
                              "containerID": "containerd://4f1c"}}
MOUNT_SETUP = 'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found'
MOUNT_TIMEOUT = ("Unable to attach or mount volumes: unmounted volumes=[config], unattached volumes=[], failed to "
                 "process volumes=[]: timed out waiting for the condition")
PULL_NOT_FOUND = ('Failed to pull image "ghcr.io/example/web:2.0.1": rpc error: code = NotFound desc = failed to pull '
                  'and unpack image "ghcr.io/example/web:2.0.1": failed to resolve reference '
                  '"ghcr.io/example/web:2.0.1": ghcr.io/example/web:2.0.1: not found')
INVALID_IMAGE = ('Failed to apply default image tag "Web:2.0": couldn\'t parse image name "Web:2.0": invalid '
                 'reference format: repository name (library/Web) must be lowercase')
NEVER_PULL = 'Container image "web:dev" is not present with pull policy of Never'


def _pull_failing() -> list[dict[str, Any]]:
    return [kubelet_event("Pulling", 'Pulling image "ghcr.io/example/web:2.0.1"', at(0, 3), last=at(9, 30), count=7,
                          warning=False),
            kubelet_event("Failed", PULL_NOT_FOUND, at(0, 4), last=at(9, 31), count=7),
            kubelet_event("Failed", "Error: ErrImagePull", at(0, 4), last=at(9, 31), count=7),
            kubelet_event("BackOff", 'Back-off pulling image "ghcr.io/example/web:2.0.1"', at(0, 5), last=at(9, 50),
                          count=40, warning=False),
            kubelet_event("Failed", "Error: ImagePullBackOff", at(0, 5), last=at(9, 50), count=40)]


def _pull_row(runtime_error: str, says: str, never: str) -> Signature:
    """ErrImagePull with the runtime's (or the kubelet's) error: only the cause's wording differs."""
    image = runtime_error.split('"')[1] if '"' in runtime_error else "ghcr.io/example/web:2.0.1"
    return Signature(
        lambda: _image(image)(waiting("ErrImagePull", runtime_error)),
        lambda: [kubelet_event("Pulling", f'Pulling image "{image}"', at(0, 3), warning=False),
                 kubelet_event("Failed", f'Failed to pull image "{image}": {runtime_error}', at(0, 4))],
        "images-pulled", "ErrImagePull", (says,), never=(never,), since=at(0, 3))


def _image(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def set_image(pod: dict[str, Any]) -> dict[str, Any]:
        pod["spec"]["containers"][0]["image"] = name
        pod["status"]["containerStatuses"][0]["image"] = name
        return pod
    return set_image


def _with_init(pod: dict[str, Any], init_state: dict[str, Any], restarts: int,
               last: dict[str, Any] | None = None) -> dict[str, Any]:
    """An init container ``migrate`` before ``web``: web waits PodInitializing, Initialized is False."""
    pod["spec"]["initContainers"] = [{"name": "migrate", "image": "ghcr.io/example/migrate:1.4"}]
    pod["status"]["conditions"][1] = condition("Initialized", "False", at=CREATED, reason="ContainersNotInitialized",
                                               message="containers with incomplete status: [migrate]")
    pod["status"]["initContainerStatuses"] = [{
        "name": "migrate", "image": "ghcr.io/example/migrate:1.4", "imageID": "", "ready": False, "started": False,
        "restartCount": restarts, "state": init_state, "lastState": {"terminated": last} if last else {}}]
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "PodInitializing"}}
    return pod


def _init_failed_for_good() -> dict[str, Any]:
    pod = _with_init(on_node(), {"terminated": MIGRATE_EXIT}, 0)
    pod["spec"]["restartPolicy"] = "Never"
    pod["status"]["phase"] = "Failed"
    for kind in ("Ready", "ContainersReady"):
        next(c for c in pod["status"]["conditions"] if c["type"] == kind).update(reason="PodFailed")
    return pod


MIGRATE_EXIT = {"exitCode": 3, "reason": "Error", "startedAt": at(9, 40), "finishedAt": at(9, 41),
                "containerID": "containerd://77ab"}


def _init_events(failing: bool = True) -> list[dict[str, Any]]:
    events = [kubelet_event("Pulled", 'Container image "ghcr.io/example/migrate:1.4" already present on machine',
                            at(0, 3), count=5, last=at(9, 40), warning=False, container="migrate", init=True),
              kubelet_event("Created", "Created container: migrate", at(0, 3), count=5, last=at(9, 40),
                            warning=False, container="migrate", init=True),
              kubelet_event("Started", "Started container migrate", at(0, 4), count=5, last=at(9, 40), warning=False,
                            container="migrate", init=True)]
    if failing:
        events.append(kubelet_event("BackOff", f"Back-off restarting failed container migrate in pod web-0_shop({UID})",
                                    at(0, 20), last=at(9, 55), count=30, container="migrate", init=True))
    return events


def _crash(reason: str, code: int) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        pod = running(restarts=6, state={"waiting": {
            "reason": "CrashLoopBackOff",
            "message": f"back-off 5m0s restarting failed container=web pod=web-0_shop({UID})"}},
            lastState={"terminated": {"exitCode": code, "reason": reason, "startedAt": at(7, 10),
                                      "finishedAt": at(7, 12), "containerID": "containerd://9e1d"}})
        return pod
    return build


def _crash_events() -> list[dict[str, Any]]:
    return [*pulled_and_started(),
            kubelet_event("BackOff", f"Back-off restarting failed container web in pod web-0_shop({UID})", at(0, 30),
                          last=at(9, 58), count=44)]


def _run_container_error() -> dict[str, Any]:
    return waiting("RunContainerError", RUNC_EXEC, lastState=START_ERROR)


def _start_error_loop() -> dict[str, Any]:
    pod = waiting("CrashLoopBackOff", f"back-off 2m40s restarting failed container=web pod=web-0_shop({UID})",
                  lastState=START_ERROR, restartCount=4)
    pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"] = at(7, 20)
    return pod


def _start_error_events() -> list[dict[str, Any]]:
    return [PRESENT, kubelet_event("Created", "Created container: web", at(0, 3), last=at(7, 20), count=5,
                                   warning=False),
            kubelet_event("Failed", f"Error: {RUNC_EXEC}", at(0, 4), last=at(7, 20), count=5),
            kubelet_event("BackOff", f"Back-off restarting failed container web in pod web-0_shop({UID})", at(0, 5),
                          last=at(9, 50), count=40)]


HOOK_FAILED = ("Exec lifecycle hook ([/bin/sh -c /app/register]) for Container \"web\" in Pod "
               f"\"web-0_shop({UID})\" failed - error: command '/bin/sh -c /app/register' exited with 1: , message: "
               "\"registry unreachable\\n\"")


def _post_start_hook_error() -> dict[str, Any]:
    return waiting("PostStartHookError", HOOK_FAILED, lastState={"terminated": {
        "exitCode": 143, "reason": "Error", "startedAt": at(0, 4), "finishedAt": at(0, 6),
        "containerID": "containerd://5a2c"}})


def _hook_events() -> list[dict[str, Any]]:
    return [*pulled_and_started(), kubelet_event("FailedPostStartHook", HOOK_FAILED, at(0, 5)),
            kubelet_event("FailedPostStartHook", "PostStartHook failed", at(0, 5)),
            kubelet_event("Killing", "FailedPostStartHook", at(0, 5), warning=False)]


def _startup_probed() -> dict[str, Any]:
    """Running, its startup probe not passed yet (``started`` false): no readiness or liveness probe runs before."""
    pod = running(started=False)
    pod["spec"]["containers"][0]["startupProbe"] = {"httpGet": {"path": "/healthz", "port": 8080},
                                                    "failureThreshold": 30, "periodSeconds": 10}
    return pod


BACKOFF_10S = f"back-off 10s restarting failed container=web pod=web-0_shop({UID})"


def _sidecar_starting() -> dict[str, Any]:
    """A sidecar running since 08:50:04 whose startup probe has not passed (status started false): Initialized is
    False and the app container waits PodInitializing."""
    pod = _with_init(on_node(), {"running": {"startedAt": at(0, 4)}}, 0)
    pod["spec"]["initContainers"][0].update(restartPolicy="Always",
                                            startupProbe={"httpGet": {"path": "/healthz", "port": 9090}})
    pod["status"]["initContainerStatuses"][0]["started"] = False
    return pod


def _readiness_probed() -> dict[str, Any]:
    """Running, its readiness probe not passed yet and no failure reported (the probe's first period)."""
    pod = running()
    pod["spec"]["containers"][0]["readinessProbe"] = {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10}
    return pod


def _sidecar_crashing() -> dict[str, Any]:
    pod = _with_init(running(), {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting "
                                             f"failed container=migrate pod=web-0_shop({UID})"}}, 5,
                     {**MIGRATE_EXIT, "exitCode": 137, "reason": "OOMKilled"})
    pod["spec"]["initContainers"][0].update(restartPolicy="Always", resources={"limits": {"memory": "32Mi"}})
    pod["status"]["conditions"][1] = condition("Initialized", at=at(0, 4))
    pod["status"]["containerStatuses"][0]["state"] = {"running": {"startedAt": at(0, 4)}}
    return pod


def _readiness_gated() -> dict[str, Any]:
    pod = running(ready=True)
    pod["spec"]["readinessGates"] = [{"conditionType": "target-health.elbv2.k8s.aws/k8s-shop-web-1a2b3c"}]
    conditions = pod["status"]["conditions"]
    conditions[2] = condition("Ready", "False", at=CREATED, reason="ReadinessGatesNotReady",
                              message='corresponding condition of pod readiness gate "target-health.elbv2.k8s.aws/'
                                      'k8s-shop-web-1a2b3c" does not exist.')
    conditions[3] = condition("ContainersReady", at=at(0, 9))
    return pod


def _sandbox_changed() -> list[dict[str, Any]]:
    return [kubelet_event("SandboxChanged", "Pod sandbox changed, it will be killed and re-created.", at(0, 5),
                          last=at(9, 45), count=37, warning=False, container=None)]


def _sandbox_ready_again() -> dict[str, Any]:
    """The sandbox re-created at 08:59:50, after the 37th SandboxChanged; the container waits to be re-created."""
    pod = on_node()
    pod["status"]["conditions"][0] = condition("PodReadyToStartContainers", at=at(9, 50))
    return pod


def _deleted(pod: dict[str, Any], when: str, *, finalizers: list[str] | None = None,
             disruption: tuple[str, str] | None = None) -> dict[str, Any]:
    """Deleted with a 30 s grace period ending at ``when``; its finalizers; the DisruptionTarget a component set."""
    pod["metadata"].update(deletionTimestamp=when, deletionGracePeriodSeconds=30)
    if finalizers:
        pod["metadata"]["finalizers"] = finalizers
    if disruption:
        pod["status"]["conditions"].append(condition("DisruptionTarget", at=at(4, 30), reason=disruption[0],
                                                     message=disruption[1]))
    return pod


def _replica_set_owners(pod_owned: bool = True) -> list[OwnerData]:
    rs = creation.replica_set(replicas=1)
    rs["status"] = {"replicas": 1, "availableReplicas": 0}
    dep = creation.deployment("ProgressDeadlineExceeded")
    dep["spec"] = {"replicas": 1, "progressDeadlineSeconds": 600}
    dep["status"]["conditions"][0]["message"] = 'ReplicaSet "web-5d8f" has timed out progressing.'
    return [OwnerData(rs, Response(200, {"items": []})), OwnerData(dep, Response(200, {"items": []}))]


def _owned(build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    def owned() -> dict[str, Any]:
        pod = build()
        pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f",
                                               "uid": "rs-uid", "controller": True, "blockOwnerDeletion": True}]
        return pod
    return owned


LIMIT_RANGE = f"Error creating: {creation.POD}: maximum cpu usage per Container is 2, but limit is 4"


def _no_pod(message: str) -> Signature:
    return Signature(dict, _none, "controller", "FailedCreate", (), since="2026-11-20T08:40:00Z",
                     owners=lambda: [OwnerData(creation.replica_set(condition=message),
                                               Response(200, {"items": [creation.failed_create(message)]})),
                                     OwnerData(creation.deployment(), Response(200, {"items": []}))])


UNSCHEDULABLE_CPU = ("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: "
                     "}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                     "scheduling, 2 No preemption victims found for incoming pod.")
UNSCHEDULABLE_MEMORY = ("0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No "
                        "preemption victims found for incoming pod.")
UNSCHEDULABLE_TAINT = ("0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 "
                       "nodes are available: 3 Preemption is not helpful for scheduling.")
UNSCHEDULABLE_AFFINITY = ("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: "
                          "0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
UNSCHEDULABLE_PVC = ("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 "
                     "nodes are available: 3 Preemption is not helpful for scheduling.")
UNSCHEDULABLE_NO_PVC = ('0/3 nodes are available: persistentvolumeclaim "data-web-0" not found. preemption: 0/3 '
                        "nodes are available: 3 Preemption is not helpful for scheduling.")


def _unschedulable(message: str, *says: str) -> Signature:
    victims = "No preemption victims" in message  # else preemption was not tried: it would not help
    return Signature(lambda: unschedulable(message),
                     lambda: [scheduler_event(message, CREATED, last=at(9, 0), count=12)],
                     "scheduled", "FailedScheduling", says, never=() if victims else ("found no victims",),
                     since=CREATED)


DAEMONSET_CPU = ("0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't match Pod's node affinity/selector. "
                 "preemption: 0/5 nodes are available: 1 No preemption victims found for incoming pod, 4 Preemption "
                 "is not helpful for scheduling.")


def _daemonset_unschedulable() -> dict[str, Any]:
    """A DaemonSet pod as its controller writes it: required affinity to one node by metadata.name."""
    pod = unschedulable(DAEMONSET_CPU)
    pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "log-agent",
                                           "uid": "ds-uid", "controller": True, "blockOwnerDeletion": True}]
    pod["spec"]["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["worker-3"]}]}]}}}
    return pod


def _nominated() -> dict[str, Any]:
    pod = unschedulable("0/3 nodes are available: 3 Insufficient cpu.")
    pod["status"]["nominatedNodeName"] = "worker-2"
    return pod


def _gated() -> dict[str, Any]:
    pod = pending()
    pod["spec"]["schedulingGates"] = [{"name": "kueue.x-k8s.io/admission"}]
    pod["status"]["conditions"] = [condition("PodScheduled", "False", at=CREATED, reason="SchedulingGated",
                                             message="Scheduling is blocked due to non-empty scheduling gates")]
    return pod


SIGNATURES: dict[str, Signature] = {
    # -- no pod: the API server refused the ReplicaSet's create (admission) -------------------------------
    "failed-create-quota": _no_pod(creation.QUOTA),
    "failed-create-webhook-denied": _no_pod(creation.WEBHOOK_DENIED),
    "failed-create-pod-security": _no_pod(creation.POD_SECURITY),
    "failed-create-service-account": _no_pod(creation.SERVICE_ACCOUNT),
    "failed-create-limit-range": replace(_no_pod(LIMIT_RANGE), says=("LimitRange", "maximum cpu usage per Container "
                                                                     "is 2"), never=("the API server's reason",)),
    # -- scheduling ----------------------------------------------------------------------------------------
    "scheduling-gated": Signature(_gated, _none, "scheduled", "SchedulingGated", ("kueue.x-k8s.io/admission",),
                                  since=CREATED),
    "unschedulable-event-only": Signature(  # no PodScheduled condition yet: the scheduler's event alone
        pending, lambda: [scheduler_event(UNSCHEDULABLE_MEMORY, CREATED, last=at(9, 0), count=12)],
        "scheduled", "FailedScheduling", ("[Insufficient memory]",), since=CREATED),
    "unschedulable-cpu": _unschedulable(UNSCHEDULABLE_CPU, "2 node(s) have not enough unreserved capacity",
                                        "[Insufficient cpu]", "1 node(s) have a taint"),
    "unschedulable-memory": _unschedulable(UNSCHEDULABLE_MEMORY, "[Insufficient memory]", "lower the pod's requests"),
    "unschedulable-taint": _unschedulable(UNSCHEDULABLE_TAINT, "3 node(s) have a taint", "{dedicated: gpu}"),
    "unschedulable-node-affinity": _unschedulable(UNSCHEDULABLE_AFFINITY, "nodeSelector or node affinity"),
    "unschedulable-unbound-pvc": _unschedulable(UNSCHEDULABLE_PVC, "The pod has a PersistentVolumeClaim that is not "
                                                                   "bound"),
    "unschedulable-missing-pvc": Signature(
        lambda: unschedulable(UNSCHEDULABLE_NO_PVC), lambda: [scheduler_event(UNSCHEDULABLE_NO_PVC, CREATED,
                                                                              last=at(9, 0), count=12)],
        "scheduled", "FailedScheduling", ('"data-web-0"', "does not exist"),
        never=("not bound to a volume yet", "found no victims"),
        since=CREATED),
    "unschedulable-daemonset-pod": Signature(  # pinned to worker-3 by the DaemonSet controller, which is full
        _daemonset_unschedulable, lambda: [scheduler_event(DAEMONSET_CPU, CREATED, last=at(9, 0), count=12)],
        "scheduled", "FailedScheduling", ("worker-3", "[Insufficient cpu]", "4 node(s) are not"),
        never=("fix the selector or label the intended nodes", "add nodes"), since=CREATED),
    "preemption-nominated": Signature(
        _nominated, lambda: [scheduler_event("0/3 nodes are available: 3 Insufficient cpu.", CREATED)],
        "scheduled", "FailedScheduling",
        ("nominated for node worker-2", "tries that node first once they have terminated"),
        never=("nothing happens until", "being evicted"), since=CREATED, in_progress=True),
    # -- kubelet admission: the pod failed and never runs -----------------------------------------------
    "admission-out-of-cpu": Signature(
        lambda: failed_pod("OutOfcpu", "Node didn't have enough resource: cpu, requested: 4000, used: 1850, "
                                       "capacity: 4000"),
        lambda: [kubelet_event("OutOfcpu", "Node didn't have enough resource: cpu, requested: 4000, used: 1850, "
                                           "capacity: 4000", CREATED, container=None)],
        "finished", "OutOfcpu", ("no CPU left", "never runs again")),
    "admission-static-pod": Signature(  # a mirror pod: no controller and no user recreates it
        lambda: _static(failed_pod("OutOfcpu", "Node didn't have enough resource: cpu, requested: 500, used: 3800, "
                                               "capacity: 4000")), _none,
        "finished", "OutOfcpu", ("static pod", "manifest"), never=("Its controller creates", "delete it")),
    "admission-out-of-memory": Signature(
        lambda: failed_pod("OutOfmemory", "Node didn't have enough resource: memory, requested: 2147483648, used: "
                                          "7516192768, capacity: 8344743936"), _none,
        "finished", "OutOfmemory", ("no memory left",)),
    "admission-node-affinity": Signature(
        lambda: failed_pod("NodeAffinity", "Predicate NodeAffinity failed"), _none, "finished", "NodeAffinity",
        ("node affinity or selector", "spec.nodeName"), never=("no longer",)),
    "admission-topology-affinity": Signature(
        lambda: failed_pod("TopologyAffinityError", "Resources cannot be allocated with Topology locality"), _none,
        "finished", "TopologyAffinityError", ("NUMA", "topology manager"), never=("gave up",)),
    "admission-unexpected": Signature(
        lambda: failed_pod("UnexpectedAdmissionError", "Allocate failed due to requested number of devices "
                                                       "unavailable for nvidia.com/gpu. Requested: 1, Available: 0, "
                                                       "which is unexpected"), _none,
        "finished", "UnexpectedAdmissionError", ("device plugin", "nvidia.com/gpu")),
    "evicted-memory-pressure": Signature(  # the kubelet's eviction manager: its message ends in a space
        lambda: failed_pod("Evicted", "") | {"status": {
            "phase": "Failed", "reason": "Evicted", "qosClass": "BestEffort",
            "message": "The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container "
                       "web was using 1200Mi, request is 0, has larger consumption of memory. ",
            "conditions": [condition("PodScheduled", at=CREATED),
                           condition("DisruptionTarget", at=at(9), reason="TerminationByKubelet",
                                     message="The node was low on resource: memory.")]}},
        _none, "finished", "Evicted", ("evicted it to relieve node pressure", "larger consumption of memory.)"),
        never=(" )",)),
    # -- volumes and the sandbox -------------------------------------------------------------------------
    "failed-mount-configmap": Signature(
        lambda: on_node(sandbox=False),
        lambda: [SCHEDULED, kubelet_event("FailedMount", MOUNT_SETUP, at(0, 1), last=at(9, 52), count=13,
                                          container=None),
                 kubelet_event("FailedMount", MOUNT_TIMEOUT, at(2, 3), last=at(8, 9), count=4, container=None)],
        "sandbox-ready", "FailedMount", ('configmap "web-config" not found', "does not exist in the namespace"),
        never=("CSI driver",), since=CREATED),
    "failed-mount-summary-only": Signature(
        lambda: on_node(sandbox=False),
        lambda: [SCHEDULED, kubelet_event("FailedMount", MOUNT_TIMEOUT, at(2, 3), last=at(8, 9), count=4,
                                          container=None)],
        "sandbox-ready", "FailedMount", ("unmounted volumes=[config]", "per-volume FailedMount"),
        never=("CSI driver",), since=CREATED),
    "failed-attach-multi-attach": Signature(
        lambda: on_node(sandbox=False),
        lambda: [SCHEDULED, controller_event(
            "FailedAttachVolume", 'Multi-Attach error for volume "pvc-3f9a" Volume is already exclusively attached '
            "to one node and can't be attached to another", at(0, 1), "attachdetach-controller")],
        "sandbox-ready", "FailedAttachVolume", ("Multi-Attach", "attached to another node", "attach/detach controller"),
        never=("The kubelet cannot attach",), since=CREATED),
    "failed-create-pod-sandbox": Signature(
        lambda: on_node(sandbox=False),
        lambda: [SCHEDULED, kubelet_event(
            "FailedCreatePodSandBox", 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup '
            'network for sandbox "8c1e": plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such '
            "file or directory: check that the calico/node container is running and has mounted /var/lib/calico/",
            at(0, 1), last=at(9, 50), count=42, container=None)],
        "sandbox-ready", "FailedCreatePodSandBox", ("network plugin (CNI)",), since=CREATED),
    "network-not-ready": Signature(
        lambda: on_node(sandbox=False),
        lambda: [SCHEDULED, kubelet_event(
            "NetworkNotReady", "network is not ready: container runtime network not ready: NetworkReady=false "
            "reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
            at(0, 1), last=at(9, 59), count=300, container=None)],
        "sandbox-ready", "NetworkNotReady", ("cni plugin not initialized",), since=CREATED),
    "sandbox-changed-repeatedly": Signature(
        lambda: on_node(sandbox=False), lambda: [SCHEDULED, *_sandbox_changed()],
        "sandbox-ready", "SandboxChanged", ("re-created", "37 times"), since=CREATED),
    "sandbox-changed-caught-ready": Signature(  # read in a short window of PodReadyToStartContainers=True
        _sandbox_ready_again, lambda: [SCHEDULED, *_sandbox_changed()],
        "sandbox-ready", "SandboxChanged", ("re-created", "37 times", "last at 08:59:45", "the loop goes on"),
        since=CREATED),
    "sandbox-changed-once": Signature(  # one re-creation under way is no loop
        lambda: on_node(sandbox=False),
        lambda: [SCHEDULED, kubelet_event("SandboxChanged", "Pod sandbox changed, it will be killed and re-created.",
                                          at(9, 55), warning=False, container=None)],
        "sandbox-ready", "InProgress", ("asking the runtime for the pod's sandbox",), since=CREATED),
    # -- init containers ---------------------------------------------------------------------------------
    "init-crash-loop": Signature(
        lambda: _with_init(on_node(), {"waiting": {
            "reason": "CrashLoopBackOff",
            "message": f"back-off 5m0s restarting failed container=migrate pod=web-0_shop({UID})"}}, 5, MIGRATE_EXIT),
        _init_events, "init-containers", "InitContainerFailed", ("'migrate'", "code 3", "waits in Init"),
        since=at(0, 2)),
    "init-exited-non-zero": Signature(
        lambda: _with_init(on_node(), {"terminated": MIGRATE_EXIT}, 5), _init_events, "init-containers",
        "InitContainerFailed", ("'migrate'", "code 3"), since=at(0, 2)),
    "init-image-pull-backoff": Signature(
        lambda: _with_init(on_node(), {"waiting": {"reason": "ImagePullBackOff",
                                                   "message": 'Back-off pulling image "ghcr.io/example/migrate:1.4"'}},
                           0),
        lambda: [kubelet_event("Failed", 'Failed to pull image "ghcr.io/example/migrate:1.4": failed to authorize: '
                                         "failed to fetch anonymous token: unexpected status from GET request to "
                                         "https://ghcr.io/token: 401 Unauthorized", at(0, 4), last=at(9, 0), count=7,
                               container="migrate", init=True)],
        "init-containers", "ImagePullBackOff", ("'migrate'", "refused access"), since=at(0, 2)),
    "init-config-error-missing-secret": Signature(
        lambda: _with_init(on_node(), {"waiting": {"reason": "CreateContainerConfigError",
                                                   "message": 'secret "migrate-db" not found'}}, 0),
        lambda: [kubelet_event("Pulled", 'Container image "ghcr.io/example/migrate:1.4" already present on machine',
                               at(0, 3), count=50, last=at(9, 50), warning=False, container="migrate", init=True),
                 kubelet_event("Failed", 'Error: secret "migrate-db" not found', at(0, 3), count=50, last=at(9, 50),
                               container="migrate", init=True)],
        "init-containers", "CreateContainerConfigError", ("'migrate'", "is missing in the namespace"),
        since=at(0, 2)),
    "init-run-container-error": Signature(
        lambda: _with_init(on_node(), {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting "
                                                   f"failed container=migrate pod=web-0_shop({UID})"}}, 2,
                           START_ERROR["terminated"]),
        lambda: [kubelet_event("Failed", f"Error: {RUNC_EXEC}", at(0, 4), last=at(4, 0), count=3, container="migrate",
                               init=True)],
        "init-containers", "StartError", ("'migrate' never started", "/app/serve"), never=("1970",),
        since=at(0, 2)),
    "sidecar-startup-probe-not-passed": Signature(  # running, not started: the kubelet holds the next containers
        _sidecar_starting, _none, "init-containers", "InProgress",
        ("Sidecar 'migrate' runs and waits for its startup probe to pass",), never=("pulling images",),
        since=at(0, 2)),
    "init-failed-restart-never": Signature(  # restartPolicy Never: the first failure ends the pod
        lambda: _init_failed_for_good(), lambda: _init_events(failing=False), "finished", "Error",
        ("init container migrate exited 3 (Error)", "restartPolicy Never")),
    # -- images ------------------------------------------------------------------------------------------
    "err-image-pull": Signature(
        lambda: _image("ghcr.io/example/web:2.0.1")(waiting("ErrImagePull", PULL_NOT_FOUND.split(": ", 1)[1])),
        _pull_failing, "images-pulled", "ErrImagePull", ("no such image or tag",), since=at(0, 3)),
    "image-pull-backoff": Signature(
        lambda: _image("ghcr.io/example/web:2.0.1")(waiting(
            "ImagePullBackOff", 'Back-off pulling image "ghcr.io/example/web:2.0.1"')),
        _pull_failing, "images-pulled", "ImagePullBackOff", ("no such image or tag", "waits longer"), since=at(0, 3)),
    "pull-wrong-platform": _pull_row(
        'failed to pull and unpack image "ghcr.io/example/web:2.0.1": no match for platform in manifest: not found',
        "architecture", "no such image or tag"),
    "pull-untrusted-certificate": _pull_row(
        'failed to pull and unpack image "reg.example.internal/web:2.0.1": failed to resolve reference '
        '"reg.example.internal/web:2.0.1": failed to do request: Head "https://reg.example.internal/v2/web/manifests/'
        '2.0.1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
        "does not trust", "DNS, proxy and firewall"),
    "pull-plain-http-registry": _pull_row(
        'failed to pull and unpack image "reg.example.internal:5000/web:2.0.1": failed to resolve reference '
        '"reg.example.internal:5000/web:2.0.1": failed to do request: Head "https://reg.example.internal:5000/v2/web/'
        'manifests/2.0.1": http: server gave HTTP response to HTTPS client', "plain HTTP", "DNS, proxy and firewall"),
    "pull-disk-full": _pull_row(
        'failed to pull and unpack image "ghcr.io/example/web:2.0.1": failed to extract layer sha256:4f1c: write '
        "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/412/fs/usr/lib/libLLVM.so: no space "
        "left on device: unknown", "disk", "refused access"),
    "pull-kubelet-qps": _pull_row("pull QPS exceeded", "registryPullQPS", "the pull failed, for the reason"),
    "invalid-image-name": Signature(
        lambda: _image("Web:2.0")(waiting("InvalidImageName", INVALID_IMAGE)),
        lambda: [kubelet_event("InspectFailed", INVALID_IMAGE, at(0, 3), last=at(9, 50), count=45),
                 kubelet_event("Failed", "Error: InvalidImageName", at(0, 3), last=at(9, 50), count=45)],
        "images-pulled", "InvalidImageName", ("must be lowercase", "image name"), never=("pull failed",),
        since=at(0, 2)),
    "err-image-never-pull": Signature(
        lambda: _image("web:dev")(waiting("ErrImageNeverPull", NEVER_PULL)),
        lambda: [kubelet_event("ErrImageNeverPull", NEVER_PULL, at(0, 3), last=at(9, 50), count=45),
                 kubelet_event("Failed", "Error: ErrImageNeverPull", at(0, 3), last=at(9, 50), count=45)],
        "images-pulled", "ErrImageNeverPull", ("imagePullPolicy", "not present"), never=("pull failed",),
        since=at(0, 2)),
    # -- creating and starting the container ---------------------------------------------------------------
    "config-error-missing-configmap": Signature(
        lambda: waiting("CreateContainerConfigError", 'configmap "web-config" not found'),
        lambda: [PRESENT, kubelet_event("Failed", 'Error: configmap "web-config" not found', at(0, 3),
                                        last=at(9, 50), count=50)],
        "containers-started", "CreateContainerConfigError", ("is missing in the namespace",), since=at(0, 3)),
    "config-error-missing-secret": Signature(
        lambda: waiting("CreateContainerConfigError", 'secret "db-password" not found'), lambda: [PRESENT],
        "containers-started", "CreateContainerConfigError", ('secret "db-password" not found', "is missing"),
        since=at(0, 3)),
    "config-error-missing-key": Signature(
        lambda: waiting("CreateContainerConfigError", "couldn't find key password in Secret shop/db"),
        lambda: [PRESENT], "containers-started", "CreateContainerConfigError", ("lacks the key",), since=at(0, 3)),
    "config-error-run-as-non-root": Signature(
        lambda: waiting("CreateContainerConfigError",
                        f"container has runAsNonRoot and image will run as root ({POD_REF}, container: web)"),
        lambda: [PRESENT], "containers-started", "CreateContainerConfigError", ("image runs as root",),
        since=at(0, 3)),
    "config-error-non-numeric-user": Signature(
        lambda: waiting("CreateContainerConfigError",
                        "container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is "
                        f"non-root ({POD_REF}, container: web)"),
        lambda: [PRESENT], "containers-started", "CreateContainerConfigError", ("numeric", "runAsUser"),
        never=("image runs as root",), since=at(0, 3)),
    "config-error-run-as-user-zero": Signature(
        lambda: waiting("CreateContainerConfigError",
                        f"container's runAsUser breaks non-root policy ({POD_REF}, container: web)"),
        lambda: [PRESENT], "containers-started", "CreateContainerConfigError", ("runAsUser is 0",), since=at(0, 3)),
    "create-container-error": Signature(
        lambda: waiting("CreateContainerError", 'failed to reserve container name "web_web-0_shop_0d4c_0": name '
                                                '"web_web-0_shop_0d4c_0" is reserved for "7a3f"'),
        lambda: [PRESENT], "containers-started", "CreateContainerError", ("is reserved for",), since=at(0, 3)),
    "run-container-error": Signature(
        _run_container_error, lambda: _start_error_events()[:3], "containers-started", "RunContainerError",
        ("/app/serve", "could not start"), never=("1970",), since=at(0, 3)),
    "start-error-crash-loop": Signature(
        _start_error_loop, _start_error_events, "containers-started", "StartError",
        ("/app/serve", "never started"), never=("1970", "did not stay up"), since=at(0, 3)),
    "post-start-hook-error": Signature(
        _post_start_hook_error, _hook_events, "containers-started", "PostStartHookError",
        ("postStart hook", "registry unreachable"), since=at(0, 3)),
    # -- running, not ready ------------------------------------------------------------------------------
    "readiness-probe-failing": Signature(
        running, lambda: [*pulled_and_started(), kubelet_event(
            "Unhealthy", 'Readiness probe failed: Get "http://10.244.1.5:8080/ready": dial tcp 10.244.1.5:8080: '
            "connect: connection refused", at(0, 9), last=at(9, 59), count=118)],
        "ready", "Unhealthy", ("connection refused", "118 times"), since=at(0, 4)),
    "startup-probe-failing": Signature(
        _startup_probed, lambda: [*pulled_and_started(), kubelet_event(
            "Unhealthy", "Startup probe failed: HTTP probe failed with statuscode: 503", at(0, 14), last=at(1, 54),
            count=12)],
        "ready", "Unhealthy", ("startup probe fails (12 times)", "statuscode: 503"), never=("readiness probe",),
        since=at(0, 4)),
    "ready-without-probe": Signature(  # no readiness probe: ready once started, only the status lags behind
        running, pulled_and_started, "ready", "InProgress", ("has no readiness probe", "ready once started"),
        never=("readiness probes yet",), since=at(0, 4)),
    "ready-probe-not-passed-yet": Signature(
        _readiness_probed, pulled_and_started, "ready", "InProgress",
        ("container 'web' waits for its readiness probe to pass",), never=("no readiness probe",), since=at(0, 4)),
    "ready-startup-probe-not-passed-yet": Signature(
        _startup_probed, pulled_and_started, "ready", "InProgress", ("waits for its startup probe to pass",),
        never=("no readiness probe", "waits for its readiness probe"), since=at(0, 4)),
    "readiness-gates-not-ready": Signature(
        _readiness_gated, pulled_and_started, "ready", "ReadinessGatesNotReady",
        ("target-health.elbv2.k8s.aws/k8s-shop-web-1a2b3c",), since=at(0, 4)),
    # -- crash loops -------------------------------------------------------------------------------------
    "crash-loop-oom-killed": Signature(
        _crash("OOMKilled", 137), _crash_events, "staying-up", "CrashLoopBackOff",
        ("OOMKilled", "limits.memory 64Mi", "waits 5m0s"), since=at(0, 4)),
    "crash-loop-error": Signature(
        _crash("Error", 1), _crash_events, "staying-up", "CrashLoopBackOff", ("exited 1 (Error)", "6 restarts"),
        since=at(0, 4)),
    "crash-loop-liveness-probe": Signature(
        _crash("Error", 137),
        lambda: [*_crash_events(),
                 kubelet_event("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500", at(0, 40),
                               last=at(7, 11), count=18),
                 kubelet_event("Killing", "Container web failed liveness probe, will be restarted", at(0, 42),
                               last=at(7, 11), count=6, warning=False)],
        "staying-up", "CrashLoopBackOff", ("liveness probe failed", "statuscode: 500"), never=("memory pressure",),
        since=at(0, 4)),
    "crash-loop-post-start-hook": Signature(
        _crash("Error", 143),
        lambda: [*_crash_events(), kubelet_event("FailedPostStartHook", HOOK_FAILED, at(0, 5), last=at(7, 11), count=6),
                 kubelet_event("Killing", "FailedPostStartHook", at(0, 5), last=at(7, 11), count=6, warning=False)],
        "staying-up", "CrashLoopBackOff", ("postStart hook failed", "registry unreachable"),
        never=("its own log says why",), since=at(0, 4)),
    "crash-loop-old-probe-failure": Signature(  # probe kills long before this run: not the cause of this exit
        _crash("Error", 1),
        lambda: [*_crash_events(),
                 kubelet_event("Killing", "Container web failed liveness probe, will be restarted", at(0, 42),
                               warning=False)],
        "staying-up", "CrashLoopBackOff", ("exits with code 1 (Error)",), never=("liveness",), since=at(0, 4)),
    "restart-blocked-by-config-error": Signature(  # ran for minutes; its Secret was deleted before the restart
        lambda: running(restarts=1, state={"waiting": {"reason": "CreateContainerConfigError",
                                                       "message": 'secret "db-password" not found'}},
                        lastState={"terminated": {"exitCode": 1, "reason": "Error", "startedAt": at(0, 4),
                                                  "finishedAt": at(6, 0)}}),
        lambda: [*pulled_and_started(), kubelet_event("Failed", 'Error: secret "db-password" not found', at(6, 1),
                                                      last=at(9, 55), count=20)],
        "staying-up", "CreateContainerConfigError", ('secret "db-password" not found', "is missing"),
        since=at(0, 4)),
    "restart-blocked-by-pull": Signature(  # imagePullPolicy Always, and the tag was deleted since the first start
        lambda: _image("ghcr.io/example/web:2.0.1")(running(
            restarts=1, state={"waiting": {"reason": "ImagePullBackOff",
                                           "message": 'Back-off pulling image "ghcr.io/example/web:2.0.1"'}},
            lastState={"terminated": {"exitCode": 1, "reason": "Error", "startedAt": at(0, 4),
                                      "finishedAt": at(6, 0)}})),
        lambda: [*pulled_and_started(), *_pull_failing()[1:]], "staying-up", "ImagePullBackOff",
        ("no such image or tag",), since=at(0, 4)),
    "crash-loop-running-again": Signature(  # caught in one of its short runs: running 10 s after its 6th OOM kill
        lambda: running(restarts=6, state={"running": {"startedAt": at(9, 50)}}, lastState={"terminated": {
            "exitCode": 137, "reason": "OOMKilled", "startedAt": at(9, 10), "finishedAt": at(9, 40)}}),
        _crash_events, "staying-up", "OOMKilled",
        ("running again since 08:59:50", "restarted 6 times", "limits.memory 64Mi"),
        never=("readiness",), since=at(0, 4)),
    "restarted-once-running": Signature(  # one failure, restarted at once (no back-off before a second failure)
        lambda: running(restarts=1, state={"running": {"startedAt": at(9, 20)}}, lastState={"terminated": {
            "exitCode": 1, "reason": "Error", "startedAt": at(0, 4), "finishedAt": at(9, 20)}}),
        pulled_and_started, "ready", "InProgress",
        ("'web' restarted once (last exit 1 (Error) at 2026-11-20T08:59:20Z)", "not a crash loop"),
        never=("crash-looping", "readiness probes yet"), since=at(9, 20)),
    "crash-loop-after-one-restart": Signature(  # its second failure: CrashLoopBackOff whatever the restart count
        lambda: running(restarts=1, state={"waiting": {
            "reason": "CrashLoopBackOff", "message": BACKOFF_10S}},
            lastState={"terminated": {"exitCode": 1, "reason": "Error", "startedAt": at(9, 0),
                                      "finishedAt": at(9, 50)}}),
        _crash_events, "staying-up", "CrashLoopBackOff", ("1 restart so far", "waits 10s"), since=at(0, 4)),
    "crash-loop-restart-count-not-updated": Signature(  # waiting CrashLoopBackOff is a loop at any restartCount
        lambda: running(restarts=0, state={"waiting": {
            "reason": "CrashLoopBackOff", "message": BACKOFF_10S}},
            lastState={"terminated": {"exitCode": 2, "reason": "Error", "startedAt": at(0, 4),
                                      "finishedAt": at(9, 50)}}),
        _crash_events, "staying-up", "CrashLoopBackOff", ("exited 2 (Error)",), since=at(0, 4)),
    "sidecar-crash-loop": Signature(  # a restartable init container (KEP-753) crash-looping beside a running app
        _sidecar_crashing, lambda: [*pulled_and_started(), *_init_events()], "staying-up", "CrashLoopBackOff",
        ("'migrate'", "OOMKilled", "limits.memory 32Mi"), never=("readiness probes",), since=at(0, 4)),
    # -- the node, and deletion --------------------------------------------------------------------------
    "node-gone": Signature(  # its Node object deleted (scaled-down VM): the pod garbage collector's turn
        _owned(running_pod), pulled_and_started, "ready", "NodeGone",
        ("worker-1 no longer exists", "DeletionByPodGC", "ReplicaSet web-5d8f then creates a replacement"),
        node=lambda: Response(404, {"kind": "Status", "reason": "NotFound"})),
    "terminating-held-by-finalizer": Signature(
        lambda: _deleted(running_pod(), at(5), finalizers=["example.com/cleanup"]), _none, "terminating",
        "Terminating", ("finalizers example.com/cleanup keep it", "no DisruptionTarget condition says why")),
    "terminating-preempted-node-down": Signature(  # preempted, and its kubelet never confirms the containers stopped
        lambda: _deleted(running_pod(), at(5), disruption=("PreemptionByScheduler", "default-scheduler: preempting "
                                                           "to accommodate a higher priority pod")),
        _none, "terminating", "Terminating", ("the scheduler preempted it", "has not confirmed")),
    # -- rollout -----------------------------------------------------------------------------------------
    "progress-deadline-exceeded": Signature(
        _owned(lambda: _image("ghcr.io/example/web:2.0.1")(waiting(
            "ImagePullBackOff", 'Back-off pulling image "ghcr.io/example/web:2.0.1"'))),
        _pull_failing, "images-pulled", "ImagePullBackOff", ("no such image or tag",), since=at(0, 3),
        owners=_replica_set_owners, note="stopped progressing (ProgressDeadlineExceeded)"),
}


NODE = Response(200, {"kind": "Node", "metadata": {"name": "worker-1", "creationTimestamp": "2026-11-01T00:00:00Z"},
                     "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
LEASE = Response(200, {"kind": "Lease", "spec": {"holderIdentity": "cp-1", "leaseDurationSeconds": 15,
                                                "renewTime": "2026-11-20T08:59:58.000000Z"}})


def trace_data(signature: Signature) -> TraceData:
    pod = signature.pod()
    return TraceData(namespace="shop", now=NOW, pod=pod, pod_events=Response(200, {"items": signature.events()}),
                     owners=signature.owners() if signature.owners else [], services=Response(200, {"items": []}),
                     node=(signature.node() if signature.node else NODE) if pod else None, scheduler_lease=LEASE)


def _explained(report: TraceReport, signature: Signature) -> str:
    if signature.stage == "finished":
        assert report.stuck is None and report.finished is not None, report.stuck
        assert report.finished.reason == signature.reason, report.finished
        return report.finished.explanation
    assert report.stuck is not None, [(s.name, s.status.value) for s in report.stages]
    assert (report.stuck.stage, report.stuck.diagnosis.reason) == (signature.stage, signature.reason), report.stuck
    if signature.stage == "terminating":  # past every step: the deletion, not a step of the path, is stuck
        return report.stuck.diagnosis.explanation
    stage = next(s for s in report.stages if s.name == signature.stage)
    assert stage.status.value in (("in-progress",) if signature.in_progress else ("failed", "in-progress"))
    if signature.since is not None:
        assert stage.start is not None and stage.start.strftime("%Y-%m-%dT%H:%M:%SZ") == signature.since, stage
    return report.stuck.diagnosis.explanation


# Signatures trace still gets wrong, each with what it says instead: a fix removes its line (strict: a row that
# starts to pass must leave this list).
WRONG_TODAY: dict[str, str] = {
}


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(reason=WRONG_TODAY[name], strict=True))
                                  if name in WRONG_TODAY else name for name in SIGNATURES])
def test_each_stuck_signature_is_found_where_it_is_and_explained(name: str) -> None:
    signature = SIGNATURES[name]
    data = trace_data(signature)
    report = analyse(data)
    explanation = _explained(report, signature)
    for phrase in signature.says:
        assert phrase in explanation, (phrase, explanation)
    for phrase in signature.never:
        assert phrase not in explanation, (phrase, explanation)
    if signature.note:
        assert any(signature.note in note for note in report.notes), report.notes
    assert broken(report, data) + skew_within_life(report) == []
    times = [t for s in report.stages for t in (s.start, s.end) if t is not None]
    assert all(t.year == 2026 for t in times), "a zero time (1970) from the runtime is no time"


def test_a_stalled_rollout_is_not_blamed_on_a_ready_pod() -> None:
    """ProgressDeadlineExceeded on the Deployment while the pod traced (by name, say an old ReplicaSet's) is Ready:
    the note must not say the trace above shows why the rollout stalled; it names what to trace instead."""
    pod = _owned(running_pod)()
    data = TraceData(namespace="shop", now=NOW, pod=pod, pod_events=Response(200, {"items": []}),
                     owners=_replica_set_owners(), services=Response(200, {"items": []}), node=NODE)
    report = analyse(data)
    assert report.stuck is None
    note = next(n for n in report.notes if "ProgressDeadlineExceeded" in n)
    assert "the trace above shows why" not in note
    assert "kubectl arch trace deployment/web -n shop" in note


@pytest.mark.parametrize(("restarts", "last_run", "backed_off"), [
    (1, (at(0, 4), at(0, 30)), False),  # a first failure is restarted at once, however short its run
    (2, (at(0, 4), at(0, 30)), True),  # a second within 10 minutes of the previous restart waits out a back-off
    (2, ("2026-11-20T07:00:00Z", at(9, 0)), False),  # after 10 minutes the kubelet's back-off entry has expired
    (3, (None, at(9, 0)), True),  # run times unknown: counted as a back-off, the cautious reading
])
def test_a_restart_waits_out_a_back_off_exactly_as_the_kubelet_decides(
        restarts: int, last_run: tuple[str | None, str], backed_off: bool) -> None:
    from kubectl_arch.trace.endings import restarted_after_backoff
    from kubectl_arch.trace.podview import container_view

    container = container_view({"name": "web", "restartCount": restarts, "state": {"running": {"startedAt": at(9, 1)}},
                                "lastState": {"terminated": {"exitCode": 1, "startedAt": last_run[0],
                                                             "finishedAt": last_run[1]}}}, init=False)
    assert restarted_after_backoff(container) is backed_off


def test_a_sandbox_loop_that_ended_is_history_not_a_stuck_pod() -> None:
    """Three SandboxChanged long ago, and the pod Ready since: the loop is over, nothing is stuck."""
    pod = running_pod()
    events = [kubelet_event("SandboxChanged", "Pod sandbox changed, it will be killed and re-created.", at(0, 5),
                            last=at(0, 40), count=3, warning=False, container=None)]
    data = TraceData(namespace="shop", now=NOW + dt.timedelta(minutes=30), pod=pod,
                     pod_events=Response(200, {"items": events}), services=Response(200, {"items": []}), node=NODE)
    assert analyse(data).stuck is None


@pytest.mark.parametrize(("reason", "says"), [
    ("PreemptionByScheduler", "the scheduler preempted it to make room for a higher-priority pod"),
    ("DeletionByTaintManager", "NoExecute taint it does not tolerate"),
    ("EvictionByEvictionAPI", "evicted through the Eviction API"),
    ("TerminationByKubelet", "node-pressure eviction, graceful node shutdown"),
    ("", "no DisruptionTarget condition says why"),
])
def test_a_pod_in_its_grace_period_is_being_deleted_not_simply_ready(reason: str, says: str) -> None:
    """Deleted 10 s ago with a 30 s grace period: still Running and Ready, and nothing is stuck, but the verdict
    (text and -o json alike) says first that the pod is going away, why, and when the kubelet kills it."""
    pod = _deleted(running_pod(), "2026-11-20T09:00:20Z", disruption=(reason, "") if reason else None)
    report = analyse(TraceData(namespace="shop", now=NOW, pod=pod, pod_events=Response(200, {"items": []}),
                               services=Response(200, {"items": []}), node=NODE))
    assert report.stuck is None
    summary = report.verdict.summary
    assert summary.startswith("the pod is being deleted (") and says in summary, summary
    assert "grace period (30 s) ends at 2026-11-20 09:00:20" in summary and "Running and Ready" in summary


def test_a_deleted_mirror_pod_stops_nothing() -> None:
    """Deleting a static pod's mirror through the API stops no container: no grace period kills it."""
    pod = _deleted(_static(running_pod()), "2026-11-20T09:00:20Z")
    report = analyse(TraceData(namespace="shop", now=NOW, pod=pod, pod_events=Response(200, {"items": []}),
                               services=Response(200, {"items": []}), node=NODE))
    summary = report.verdict.summary
    assert "keeps running it from its manifest" in summary and "grace period" not in summary, summary


def test_a_finished_pod_being_deleted_has_nothing_left_to_kill() -> None:
    """A Job's Succeeded pod deleted by its TTL: no grace period stops anything, as nothing runs."""
    pod = running_pod()
    pod["status"]["phase"] = "Succeeded"
    pod["status"]["containerStatuses"][0]["state"] = {"terminated": {"exitCode": 0, "reason": "Completed",
                                                                     "startedAt": at(0, 3), "finishedAt": at(5)}}
    pod = _deleted(pod, "2026-11-20T09:00:20Z")
    report = analyse(TraceData(namespace="shop", now=NOW, pod=pod, pod_events=Response(200, {"items": []}),
                               services=Response(200, {"items": []}), node=NODE))
    summary = report.verdict.summary
    assert "nothing of it runs any more" in summary and "kills what still runs" not in summary, summary
