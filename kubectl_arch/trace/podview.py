"""A forgiving reading of one pod and its events: conditions, container states and events by reason.

The pod object is the primary record (condition and container times survive after events expire);
events add detail. Every accessor tolerates missing fields, because pods come from many versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.model import raw
from kubectl_arch.model.raw import parse_time
from kubectl_arch.trace.events import EventView, event_views

# How the runtime ends a container whose process it could not start (containerd's CRI: exit code 128; dockershim
# and cri-dockerd: ContainerCannotRun): a failed start, not a run.
START_FAILURES = frozenset({"StartError", "ContainerCannotRun"})
# Waiting reasons of a start that failed: the runtime could not start the process, or the postStart hook failed
# and the kubelet killed it (the kubelet counts a container as started only once its postStart hook returns).
FAILED_START_WAITING = frozenset({"RunContainerError", "PostStartHookError"})
_UNIX_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class ContainerView:
    """One container's status: its state, why it waits, restarts and last termination."""

    name: str
    init: bool
    image: str
    state: str  # waiting, running, terminated, unknown
    reason: str
    message: str
    started: dt.datetime | None
    finished: dt.datetime | None
    exit_code: int | None
    restarts: int
    ready: bool
    last_reason: str
    last_exit_code: int | None
    last_message: str
    last_started: dt.datetime | None = None
    last_finished: dt.datetime | None = None
    passed_startup: bool | None = None  # status ``started``: its startup probe (if any) passed; None: not reported

    @property
    def failed_to_start(self) -> bool:
        """The kubelet's last attempt to start it failed: it waits (or backs off) after a start that never ran
        the process or whose postStart hook failed, rather than after a run that ended."""
        if self.state == "terminated":
            return self.reason in START_FAILURES
        return self.state == "waiting" and (self.reason in FAILED_START_WAITING or (
            self.reason == "CrashLoopBackOff" and self.last_reason in START_FAILURES))

    @property
    def ran(self) -> bool:
        """The container's process has started at least once (now or in an earlier run); a failed start is
        no run, even with restarts counted (each failed attempt counts as one)."""
        if self.failed_to_start:
            return self.started is not None
        return (self.started is not None or self.restarts > 0 or self.last_exit_code is not None
                or self.state in ("running", "terminated"))


def _runtime_time(value: object) -> dt.datetime | None:
    """A container time, None when unset: the runtime reports a process that never started as started at zero
    Unix time, which the API shows as 1970-01-01T00:00:00Z (a StartError's startedAt)."""
    when = parse_time(value)
    return None if when is None or when <= _UNIX_EPOCH else when


def container_view(status: Mapping[str, Any], init: bool) -> ContainerView:
    state = raw.mapping(status.get("state"))
    kind = next((k for k in ("running", "terminated", "waiting") if k in state), "unknown")
    details = raw.mapping(state.get(kind))
    last = raw.mapping(raw.mapping(status.get("lastState")).get("terminated"))
    exit_code = details.get("exitCode")
    last_exit = last.get("exitCode")
    return ContainerView(
        name=str(status.get("name", "")),
        init=init,
        image=str(status.get("image", "")),
        state=kind,
        reason=str(details.get("reason") or ""),
        message=str(details.get("message") or ""),
        started=_runtime_time(details.get("startedAt")),
        finished=_runtime_time(details.get("finishedAt")),
        exit_code=exit_code if isinstance(exit_code, int) else None,
        restarts=raw.integer(status.get("restartCount")) or 0,
        ready=bool(status.get("ready")),
        last_reason=str(last.get("reason") or ""),
        last_exit_code=last_exit if isinstance(last_exit, int) else None,
        last_message=str(last.get("message") or ""),
        last_started=_runtime_time(last.get("startedAt")),
        last_finished=_runtime_time(last.get("finishedAt")),
        passed_startup=started if isinstance(started := status.get("started"), bool) else None,
    )


@dataclass
class PodView:
    """The pod, its events in time order, and the derived facts stages and diagnoses share."""

    pod: Mapping[str, Any]
    events: list[EventView] = field(default_factory=list)

    @classmethod
    def of(cls, pod: Mapping[str, Any], events: Iterable[Mapping[str, Any]] = ()) -> PodView:
        return cls(pod=pod, events=event_views(events))

    @property
    def name(self) -> str:
        return raw.name(self.pod)

    @property
    def namespace(self) -> str:
        return raw.namespace(self.pod)

    @property
    def uid(self) -> str:
        return str(raw.mapping(self.pod.get("metadata")).get("uid", ""))

    @property
    def spec(self) -> Mapping[str, Any]:
        return raw.mapping(self.pod.get("spec"))

    @property
    def status(self) -> Mapping[str, Any]:
        return raw.mapping(self.pod.get("status"))

    @property
    def node_name(self) -> str:
        return str(self.spec.get("nodeName") or "")

    @property
    def phase(self) -> str:
        return str(self.status.get("phase") or "Unknown")

    @property
    def created(self) -> dt.datetime | None:
        return parse_time(raw.mapping(self.pod.get("metadata")).get("creationTimestamp"))

    @property
    def deleting_since(self) -> dt.datetime | None:
        return parse_time(raw.mapping(self.pod.get("metadata")).get("deletionTimestamp"))

    @property
    def scheduler_name(self) -> str:
        return str(self.spec.get("schedulerName") or "default-scheduler")

    @property
    def kubelet(self) -> str:
        return f"kubelet on {self.node_name}" if self.node_name else "kubelet"

    def condition(self, kind: str) -> Mapping[str, Any] | None:
        for condition in raw.sequence(self.status.get("conditions")):
            if isinstance(condition, Mapping) and condition.get("type") == kind:
                return condition
        return None

    def condition_true(self, kind: str) -> bool:
        condition = self.condition(kind)
        return bool(condition and condition.get("status") == "True")

    def condition_time(self, kind: str) -> dt.datetime | None:
        """When the condition last changed, if it is True now (the moment the step completed)."""
        condition = self.condition(kind)
        if condition is None or condition.get("status") != "True":
            return None
        return parse_time(condition.get("lastTransitionTime"))

    def containers(self, init: bool = False) -> list[ContainerView]:
        key = "initContainerStatuses" if init else "containerStatuses"
        return [container_view(s, init) for s in raw.sequence(self.status.get(key)) if isinstance(s, Mapping)]

    def spec_container_names(self, init: bool = False) -> list[str]:
        key = "initContainers" if init else "containers"
        return [str(c.get("name", "")) for c in raw.sequence(self.spec.get(key)) if isinstance(c, Mapping)]

    @property
    def mirror(self) -> bool:
        """A static pod's read-only copy in the API: the kubelet runs it from a file, no scheduler involved."""
        return raw.is_mirror_pod(self.pod)

    @property
    def terminal(self) -> bool:
        """Succeeded or Failed: the pod's containers will not run again."""
        return self.phase in ("Succeeded", "Failed")

    @property
    def restart_policy(self) -> str:
        return str(self.spec.get("restartPolicy") or "Always")

    def sidecars(self) -> set[str]:
        """Init containers with restartPolicy Always (KEP-753): started in order and kept running."""
        return {str(c.get("name", "")) for c in raw.sequence(self.spec.get("initContainers"))
                if isinstance(c, Mapping) and c.get("restartPolicy") == "Always"}

    def kept_running(self) -> list[ContainerView]:
        """The containers the kubelet keeps running and restarts when they stop: the app containers, and the
        sidecars (KEP-753) once the pod is Initialized (before, a sidecar's failure is the init step's)."""
        sidecars = self.sidecars() if self.condition_true("Initialized") else set()
        return self.containers() + [c for c in self.containers(init=True) if c.name in sidecars]

    def status_time(self) -> dt.datetime | None:
        """The newest time the pod status itself records (condition transitions, container states)."""
        times = [parse_time(c.get("lastTransitionTime")) for c in raw.sequence(self.status.get("conditions"))
                 if isinstance(c, Mapping)]
        for container in self.containers(init=True) + self.containers():
            times += [container.started, container.finished, container.last_finished]
        return max((t for t in times if t is not None), default=None)

    def events_with(self, *reasons: str) -> list[EventView]:
        return [e for e in self.events if e.reason in reasons]

    def last_event(self, *reasons: str) -> EventView | None:
        matches = self.events_with(*reasons)
        return matches[-1] if matches else None
