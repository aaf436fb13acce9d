"""Small, realistic pod objects for diagnosis tests: a running pod, then the one field a test changes."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any

from kubectl_arch.collect.source import Response
from kubectl_arch.trace.collect import TraceData
from kubectl_arch.trace.report import TraceReport, analyse

NOW = dt.datetime(2026, 11, 20, 9, 0, 0, tzinfo=dt.timezone.utc)
CREATED = "2026-11-20T08:50:00Z"
UID = "0d4c1f53-1b2a-4c3e-9d7f-6a5b4c3d2e1f"


def condition(kind: str, status: str = "True", at: str = "2026-11-20T08:50:02Z", **extra: str) -> dict[str, Any]:
    return {"type": kind, "status": status, "lastTransitionTime": at, "lastProbeTime": None, **extra}


def running_pod() -> dict[str, Any]:
    """A pod on worker-1 that started and became Ready, without owners or events."""
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-0", "namespace": "shop", "uid": UID, "creationTimestamp": CREATED,
                     "labels": {"app": "web"}},
        "spec": {"nodeName": "worker-1", "schedulerName": "default-scheduler",
                 "containers": [{"name": "web", "image": "nginx:1.27",
                                 "resources": {"limits": {"memory": "64Mi"}}}]},
        "status": {
            "phase": "Running", "podIP": "10.244.1.5", "startTime": CREATED,
            "conditions": [condition("PodScheduled", at=CREATED), condition("PodReadyToStartContainers"),
                           condition("Initialized", at=CREATED),
                           condition("ContainersReady", at="2026-11-20T08:50:05Z"),
                           condition("Ready", at="2026-11-20T08:50:05Z")],
            "containerStatuses": [{"name": "web", "image": "nginx:1.27", "ready": True, "restartCount": 0,
                                   "state": {"running": {"startedAt": "2026-11-20T08:50:03Z"}}}],
        },
    }


def pending_pod() -> dict[str, Any]:
    pod = running_pod()
    del pod["spec"]["nodeName"]
    pod["status"] = {"phase": "Pending"}
    return pod


def with_container_state(pod: dict[str, Any], state: dict[str, Any], *, ready: bool = False, restarts: int = 0,
                         last: dict[str, Any] | None = None) -> dict[str, Any]:
    pod = copy.deepcopy(pod)
    status = pod["status"]["containerStatuses"][0]
    status.update(state={**state}, ready=ready, restartCount=restarts, lastState={"terminated": last} if last else {})
    kept = [c for c in pod["status"]["conditions"] if c["type"] not in ("Ready", "ContainersReady")]
    pod["status"]["conditions"] = kept
    pod["status"]["conditions"] += [condition("Ready", "False", reason="ContainersNotReady"),
                                    condition("ContainersReady", "False", reason="ContainersNotReady")]
    return pod


def event(reason: str, message: str, at: str = "2026-11-20T08:50:02Z", *, count: int = 1, warning: bool = True,
          container: str | None = "web", last: str | None = None) -> dict[str, Any]:
    involved: dict[str, Any] = {"kind": "Pod", "name": "web-0", "namespace": "shop", "uid": UID}
    if container:
        involved["fieldPath"] = f"spec.containers{{{container}}}"
    return {"kind": "Event", "reason": reason, "message": message, "type": "Warning" if warning else "Normal",
            "firstTimestamp": at, "lastTimestamp": last or at, "count": count, "involvedObject": involved,
            "source": {"component": "kubelet", "host": "worker-1"}, "metadata": {"name": f"web-0.{reason}"}}


def report_for(pod: dict[str, Any], events: Sequence[dict[str, Any]] = (), *, node: Response | None = None,
               lease: Response | None = None, now: dt.datetime = NOW) -> TraceReport:
    data = TraceData(namespace="shop", now=now, pod=pod, pod_events=Response(200, {"items": list(events)}),
                     services=Response(200, {"items": []}), node=node, scheduler_lease=lease)
    return analyse(data)


def node(ready: str = "True") -> Response:
    return Response(200, {"kind": "Node", "metadata": {"name": "worker-1"}, "status": {"conditions": [
        {"type": "Ready", "status": ready, "lastTransitionTime": "2026-11-20T08:55:00Z",
         "reason": "NodeStatusUnknown" if ready != "True" else "KubeletReady",
         "message": "kubelet is posting ready status" if ready == "True" else "Kubelet stopped posting node status."}
    ]}})


def lease(renewed: str) -> Response:
    return Response(200, {"kind": "Lease", "metadata": {"name": "kube-scheduler", "namespace": "kube-system"},
                          "spec": {"holderIdentity": "cp-1_4f1c", "leaseDurationSeconds": 15, "renewTime": renewed}})
