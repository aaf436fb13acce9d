"""Hypothesis strategies for valid pod histories: the kubelet's order, then what the API still shows.

A history is drawn as the real sequence (created, scheduled, sandbox, each init container's pull and run,
each app container's pull and start, probes, an ending), and then reduced to what a reader sees: the pod
object with its conditions and container states, the events that survived (some dropped: expired or
rate-limited), and the answers to the other reads (some forbidden). Pods may be static mirrors, DaemonSet
pods on a late node, finished, crash-looping or still under way; clocks are whole seconds, as the kubelet's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from kubectl_arch.collect.source import Response
from kubectl_arch.trace.collect import OwnerData, TraceData

NOW = dt.datetime(2026, 11, 20, 9, 0, 0, tzinfo=dt.timezone.utc)
OUTCOMES = ("ready", "not-ready", "crash-loop", "between-restarts", "running-again", "succeeded", "failed",
            "pull-failing", "creating", "init-failing", "unschedulable", "evicted", "start-failing")
NODE = "worker-1"


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Clock:
    """Moves forward by drawn gaps; every time is a whole second, as the kubelet records it."""

    now: dt.datetime
    gaps: list[int]
    used: int = 0

    def tick(self) -> dt.datetime:
        gap = self.gaps[self.used % len(self.gaps)]
        self.used += 1
        self.now += dt.timedelta(seconds=gap)
        return self.now


@dataclass
class Builder:
    draw: Any
    clock: Clock
    events: list[dict[str, Any]] = field(default_factory=list)
    uid: str = "6a1c1f53-1b2a-4c3e-9d7f-6a5b4c3d2e1f"

    def event(self, reason: str, message: str, when: dt.datetime, container: str | None = None,
              init: bool = False, warning: bool = False, count: int = 1, last: dt.datetime | None = None) -> None:
        involved: dict[str, Any] = {"kind": "Pod", "name": "p-0", "namespace": "ns", "uid": self.uid}
        if container:
            involved["fieldPath"] = f"spec.{'initContainers' if init else 'containers'}{{{container}}}"
        self.events.append({"kind": "Event", "reason": reason, "message": message, "count": count,
                            "type": "Warning" if warning else "Normal", "firstTimestamp": stamp(when),
                            "lastTimestamp": stamp(last or when), "involvedObject": involved,
                            "metadata": {"name": f"p-0.{len(self.events)}", "creationTimestamp": stamp(when)}})


def _cond(kind: str, status: bool, when: dt.datetime, reason: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "status": "True" if status else "False", "lastTransitionTime": stamp(when)}
    if reason:
        out["reason"] = reason
    return out


def _terminated(code: int, reason: str, started: dt.datetime, finished: dt.datetime) -> dict[str, Any]:
    return {"terminated": {"exitCode": code, "reason": reason, "startedAt": stamp(started),
                           "finishedAt": stamp(finished)}}


@st.composite
def histories(draw: Any) -> TraceData:
    """One valid pod history, as the API would show it at ``NOW``."""
    age = draw(st.integers(min_value=30, max_value=3 * 3600))
    clock = Clock(NOW - dt.timedelta(seconds=age), draw(st.lists(st.integers(0, 20), min_size=1, max_size=12)))
    b = Builder(draw, clock)
    mirror = draw(st.booleans()) and draw(st.booleans())
    daemonset = not mirror and draw(st.booleans())
    outcome = draw(st.sampled_from(OUTCOMES))
    if mirror and outcome in ("unschedulable", "evicted"):
        outcome = "ready"
    sandbox_condition = draw(st.booleans())  # False: before 1.29 (no PodReadyToStartContainers)
    inits = draw(st.lists(st.booleans(), max_size=2))  # True: a restartable sidecar
    apps = draw(st.integers(min_value=1, max_value=2))
    restart_policy = "Never" if outcome in ("succeeded", "failed") and draw(st.booleans()) else (
        "OnFailure" if outcome in ("succeeded", "failed") else "Always")

    created = clock.now
    pod: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p-0", "namespace": "ns", "uid": b.uid, "creationTimestamp": stamp(created),
                     "labels": {"app": "p"}},
        "spec": {"restartPolicy": restart_policy, "schedulerName": "default-scheduler",
                 "initContainers": [{"name": f"init{i}", "image": f"img/init{i}:1",
                                     **({"restartPolicy": "Always"} if side else {})} for i, side in enumerate(inits)],
                 "containers": [{"name": f"app{i}", "image": f"img/app{i}:1"} for i in range(apps)]},
        "status": {"phase": "Pending"},
    }
    if not inits:
        del pod["spec"]["initContainers"]
    status = pod["status"]
    conditions: list[dict[str, Any]] = []
    status["conditions"] = conditions

    if outcome == "unschedulable" or (draw(st.booleans()) and not mirror):
        first = clock.tick()
        message = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No " \
                  "preemption victims found for incoming pod."
        b.event("FailedScheduling", message, first, warning=True, count=2, last=clock.tick())
        if outcome == "unschedulable":
            conditions.append(_cond("PodScheduled", False, first, "Unschedulable") | {"message": message})
            return _data(pod, b, draw, daemonset, mirror)
    scheduled = clock.tick()
    pod["spec"]["nodeName"] = NODE
    conditions.append(_cond("PodScheduled", True, scheduled))
    if mirror:
        pod["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "abc", "kubernetes.io/config.source": "file",
                                          "kubernetes.io/config.seen": stamp(created)}
        pod["metadata"]["ownerReferences"] = [{"kind": "Node", "name": NODE, "uid": "node-uid", "controller": True}]
    else:
        b.event("Scheduled", f"Successfully assigned ns/p-0 to {NODE}", scheduled)
    status["startTime"] = stamp(scheduled)
    if outcome == "evicted":
        status.update(phase="Failed", reason="Evicted", message="The node was low on resource: memory.")
        return _data(pod, b, draw, daemonset, mirror)
    sandbox = clock.tick()
    if sandbox_condition:
        conditions.append(_cond("PodReadyToStartContainers", True, sandbox))
    status["podIP"] = "10.0.0.9"

    def run(name: str, init: bool, image: str) -> tuple[dt.datetime, dt.datetime]:
        pull_start = clock.tick()
        b.event("Pulling", f'Pulling image "{image}"', pull_start, name, init)
        pulled = clock.tick()
        b.event("Pulled", f'Successfully pulled image "{image}" in 1s (1s including waiting). Image size: 10 bytes.',
                pulled, name, init)
        b.event("Created", f"Created container {name}", pulled, name, init)
        started = clock.tick()
        b.event("Started", f"Started container {name}", started, name, init)
        return pulled, started

    init_statuses: list[dict[str, Any]] = []
    for i, side in enumerate(inits):
        image = f"img/init{i}:1"
        if outcome == "init-failing" and not side:
            started = clock.tick()
            init_statuses.append({"name": f"init{i}", "image": image, "restartCount": 3, "ready": False,
                                  "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                                  "lastState": _terminated(1, "Error", started, clock.tick())})
            status["initContainerStatuses"] = init_statuses
            conditions.append(_cond("Initialized", False, scheduled, "ContainersNotInitialized"))
            return _data(pod, b, draw, daemonset, mirror)
        _, started = run(f"init{i}", True, image)
        state = ({"running": {"startedAt": stamp(started)}} if side
                 else _terminated(0, "Completed", started, clock.tick()))
        init_statuses.append({"name": f"init{i}", "image": image, "restartCount": 0, "ready": side, "state": state})
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    conditions.append(_cond("Initialized", True, clock.now if inits else scheduled))

    app_statuses: list[dict[str, Any]] = []
    for i in range(apps):
        name, image = f"app{i}", f"img/app{i}:1"
        if outcome == "pull-failing" and i == apps - 1:
            b.event("Failed", f'Failed to pull image "{image}": not found', clock.tick(), name, warning=True)
            app_statuses.append({"name": name, "image": image, "restartCount": 0, "ready": False,
                                 "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off"}}})
            break
        if outcome == "start-failing" and i == apps - 1:  # the runtime cannot start it: StartError, zero startedAt
            b.event("Created", f"Created container: {name}", clock.tick(), name, count=3)
            failed_at = clock.tick()
            b.event("Failed", "Error: failed to create containerd task: exec: \"/run\": no such file or directory",
                    failed_at, name, warning=True, count=3)
            app_statuses.append({"name": name, "image": image, "restartCount": 2, "ready": False,
                                 "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                                 "lastState": {"terminated": {"exitCode": 128, "reason": "StartError",
                                                              "startedAt": "1970-01-01T00:00:00Z",
                                                              "finishedAt": stamp(failed_at)}}})
            break
        if outcome == "creating" and i == apps - 1:
            app_statuses.append({"name": name, "image": image, "restartCount": 0, "ready": False,
                                 "state": {"waiting": {"reason": "ContainerCreating"}}})
            break
        _, started = run(name, False, image)
        app_statuses.append({"name": name, "image": image, "restartCount": 0, "ready": True,
                             "state": {"running": {"startedAt": stamp(started)}}})
    status["containerStatuses"] = app_statuses
    last = app_statuses[-1]
    ready_at = clock.tick()
    if outcome == "ready":
        status["phase"] = "Running"
        conditions += [_cond("ContainersReady", True, ready_at), _cond("Ready", True, ready_at)]
    elif outcome == "not-ready":
        status["phase"] = "Running"
        for s in app_statuses:
            s["ready"] = False
        conditions += [_cond("ContainersReady", False, ready_at, "ContainersNotReady"),
                       _cond("Ready", False, ready_at, "ContainersNotReady")]
        b.event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", ready_at,
                last["name"], warning=True)
    elif outcome in ("crash-loop", "between-restarts", "running-again"):
        status["phase"] = "Running"
        first = dt.datetime.strptime(last["state"]["running"]["startedAt"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=dt.timezone.utc)
        ended = clock.tick()
        again = clock.tick()
        over = clock.tick()
        code = draw(st.sampled_from([0, 1, 137]))
        reason = {0: "Completed", 1: "Error", 137: "OOMKilled"}[code]
        last.update(ready=False, restartCount=2, lastState=_terminated(code, reason, first, ended))
        last["state"] = (_terminated(code, reason, again, over) if outcome == "between-restarts"
                         else {"running": {"startedAt": stamp(again)}} if outcome == "running-again"
                         else {"waiting": {"reason": "CrashLoopBackOff",
                                           "message": f"back-off 20s restarting failed container={last['name']}"}})
        conditions += [_cond("ContainersReady", False, over, "ContainersNotReady"),
                       _cond("Ready", False, over, "ContainersNotReady")]
    elif outcome in ("succeeded", "failed"):
        failed = outcome == "failed"
        status["phase"] = "Failed" if failed else "Succeeded"
        for s in app_statuses:
            started = dt.datetime.strptime(s["state"]["running"]["startedAt"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=dt.timezone.utc)
            s.update(ready=False, state=_terminated(42 if failed else 0, "Error" if failed else "Completed",
                                                     started, clock.tick()))
        done = clock.tick()
        reason = "PodFailed" if failed else "PodCompleted"
        conditions += [_cond("ContainersReady", False, done, reason), _cond("Ready", False, done, reason)]
        if sandbox_condition:
            conditions[:] = [c for c in conditions if c["type"] != "PodReadyToStartContainers"]
            conditions.append(_cond("PodReadyToStartContainers", False, done))
    else:
        conditions += [_cond("ContainersReady", False, ready_at, "ContainersNotReady"),
                       _cond("Ready", False, ready_at, "ContainersNotReady")]
    return _data(pod, b, draw, daemonset, mirror)


def _data(pod: dict[str, Any], b: Builder, draw: Any, daemonset: bool, mirror: bool) -> TraceData:
    """What the reads return: surviving events (or a 403), the owner, Services (or a 403), the node."""
    kept = [e for e in b.events if draw(st.booleans()) or draw(st.booleans())]  # about a quarter expire
    events = Response(403, error="forbidden") if draw(st.integers(0, 5)) == 0 else Response(200, {"items": kept})
    owners = []
    node_created = NOW - dt.timedelta(hours=2)
    if daemonset:
        ds = {"kind": "DaemonSet", "apiVersion": "apps/v1",
              "metadata": {"name": "ds", "namespace": "ns", "uid": "ds-uid",
                           "creationTimestamp": stamp(NOW - dt.timedelta(hours=3))}}
        pod["metadata"]["ownerReferences"] = [{"kind": "DaemonSet", "name": "ds", "uid": "ds-uid", "controller": True}]
        owners.append(OwnerData(object=ds, events=Response(200, {"items": []})))
        created = dt.datetime.strptime(pod["metadata"]["creationTimestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=dt.timezone.utc)
        node_created = created - dt.timedelta(seconds=draw(st.integers(0, 30)))
    node = Response(200, {"kind": "Node", "metadata": {"name": NODE, "creationTimestamp": stamp(node_created)},
                          "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
    services_choice = draw(st.sampled_from(["none", "selecting", "forbidden"]))
    slices = None
    if services_choice == "forbidden":
        services = Response(403, error="forbidden")
    elif services_choice == "none":
        services = Response(200, {"items": []})
    else:
        services = Response(200, {"items": [{"kind": "Service", "metadata": {"name": "svc", "namespace": "ns"},
                                             "spec": {"selector": {"app": "p"}}}]})
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in pod["status"].get("conditions") or [])
        endpoint = {"addresses": ["10.0.0.9"], "conditions": {"ready": ready},
                    "targetRef": {"kind": "Pod", "name": "p-0", "uid": pod["metadata"]["uid"]}}
        slices = Response(200, {"items": [{"kind": "EndpointSlice",
                                           "metadata": {"name": "svc-x", "labels": {
                                               "kubernetes.io/service-name": "svc"}},
                                           "endpoints": [endpoint] if pod["spec"].get("nodeName") else []}]})
    return TraceData(namespace="ns", now=NOW, pod=pod, pod_events=events, owners=owners, services=services,
                     endpoint_slices=slices, node=node if pod["spec"].get("nodeName") else None,
                     scheduler_lease=None if pod["spec"].get("nodeName") else Response(404, error="not found"))
