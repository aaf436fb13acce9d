"""The ten steps of a pod's creation, each timed from the pod object first and events second.

Each builder reads one step's markers (see docs: pod-trace facts) and returns a ``Stage``: its status,
start and end, who acted, and the evidence used. The pod's own record (condition transition times,
container states, managedFields) survives after events expire; times rebuilt without events are marked
approximate. Kubelet times come from the node's clock and creationTimestamp from the API server's, so
an end can precede its start: durations are then shown as zero and the skew is stated.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.model import raw
from kubectl_arch.model.raw import parse_time
from kubectl_arch.trace import diagnose
from kubectl_arch.trace.collect import TraceData, objects, selecting_services
from kubectl_arch.trace.diagnose import Diagnosis
from kubectl_arch.trace.events import parse_pulled
from kubectl_arch.trace.podview import ContainerView, PodView
from kubectl_arch.trace.target import OWNER_KINDS

# Writers that are Kubernetes itself; any other manager in managedFields is a client (kubectl, helm, argocd...).
SYSTEM_MANAGERS = frozenset({"kube-controller-manager", "kubelet", "kube-scheduler", "kube-apiserver"})
REPLACEMENT_GAP_SECONDS = 300.0  # an owner written longer before the pod than this did not cause it


class StageStatus(str, enum.Enum):
    DONE = "done"
    IN_PROGRESS = "in-progress"
    FAILED = "failed"
    NOT_REACHED = "not-reached"
    UNKNOWN = "unknown"


@dataclass
class Stage:
    """One step: status, when it started and ended, who acted, and what shows it."""

    name: str
    status: StageStatus
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    actor: str = ""
    evidence: list[str] = field(default_factory=list)
    approximate: bool = False
    problem: Diagnosis | None = None

    @property
    def done(self) -> bool:
        return self.status is StageStatus.DONE

    @property
    def skew_seconds(self) -> float:
        """How far the end precedes the start (clocks of different machines), 0 when it does not."""
        if self.start is None or self.end is None:
            return 0.0
        return max(0.0, (self.start - self.end).total_seconds())

    @property
    def duration_seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return round(max(0.0, (self.end - self.start).total_seconds()), 3)


@dataclass
class ImagePull:
    """One image the kubelet pulled (or found present) for a container, from Pulling/Pulled events."""

    container: str
    image: str
    start: dt.datetime | None
    end: dt.datetime | None
    seconds: float | None
    size_bytes: int | None
    already_present: bool


@dataclass
class StageInputs:
    """What every builder reads: the raw data, the pod view, and the clock of the data."""

    data: TraceData
    view: PodView

    @property
    def now(self) -> dt.datetime:
        return self.data.now


def _at(when: dt.datetime | None) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%H:%M:%S") if when else "?"


def _time(obj: Mapping[str, Any]) -> dt.datetime | None:
    return parse_time((obj.get("metadata") or {}).get("creationTimestamp"))


def _label(obj: Mapping[str, Any]) -> str:
    return f"{obj.get('kind', '')} {raw.namespace(obj)}/{raw.name(obj)}"


def _fail_if(stage: Stage, problem: Diagnosis | None) -> None:
    """Record a stuck signature on a stage: a stage with one has failed, whatever else it shows."""
    if problem is not None:
        stage.problem, stage.status = problem, StageStatus.FAILED


# -- submitted, persisted, controller ---------------------------------------------------------------

def client_write(obj: Mapping[str, Any], not_after: dt.datetime | None) -> tuple[str, dt.datetime] | None:
    """The latest write by a client (not Kubernetes itself) no later than ``not_after``: who and when."""
    writes = []
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        manager, when = str(entry.get("manager") or ""), parse_time(entry.get("time"))
        if not manager or manager in SYSTEM_MANAGERS or entry.get("subresource") or when is None:
            continue
        if not_after is None or when <= not_after + dt.timedelta(seconds=1):
            writes.append((when, manager))
    if not writes:
        return None
    when, manager = max(writes)
    return manager, when


def submitted(inputs: StageInputs) -> Stage:
    top = inputs.data.owners[-1].object if inputs.data.owners else inputs.data.pod
    created, pod_created = _time(top), inputs.view.created
    stage = Stage("submitted", StageStatus.DONE, created, created, "a client")
    write = client_write(top, pod_created)
    if write is not None:
        manager, when = write
        stage.actor = manager
        stage.start = when
        stage.end = max(when, created) if created else when
        stage.evidence.append(f"{_label(top)} last written by {manager} at {_at(when)} (metadata.managedFields)")
    stage.evidence.append(f"{_label(top)} created at {_at(created)} (creationTimestamp)")
    if stage.end and pod_created and (pod_created - stage.end).total_seconds() > REPLACEMENT_GAP_SECONDS:
        if top.get("kind") == "CronJob":
            schedule = (top.get("spec") or {}).get("schedule", "?")
            stage.evidence.append(f"written long before this pod: its schedule ({schedule}) started this run")
        else:
            stage.evidence.append("written long before this pod: the pod replaced an earlier one "
                                  "(deleted, evicted or rescheduled), an event this trace cannot see")
    return stage


def persisted(inputs: StageInputs) -> Stage:
    created = inputs.view.created
    return Stage("persisted", StageStatus.DONE if created else StageStatus.UNKNOWN, created, created,
                 "kube-apiserver (stored in etcd)",
                 [f"pod creationTimestamp {_at(created)}: authentication, authorization and admission passed "
                  "and the API server wrote the pod to etcd (those steps leave no other trace in the API)"])


def controller(inputs: StageInputs, previous: Stage) -> Stage | None:
    """For owned pods: the workload controller saw the need for a pod and created this one."""
    if not inputs.data.owners:
        return None
    owner = inputs.data.owners[0]
    kind = OWNER_KINDS.get(owner.kind)
    actor = f"{kind.controller if kind else owner.kind} (kube-controller-manager)"
    pod_created = inputs.view.created
    stage = Stage("controller", StageStatus.DONE, None, pod_created, actor)
    triggers = [t for t in (previous.end, _time(owner.object)) if t is not None]
    for parent in inputs.data.owners[1:2]:
        for event in PodView.of({}, objects(parent.events)).events_with("ScalingReplicaSet"):
            if owner.name in event.message and event.first:
                triggers.append(event.first)
                stage.evidence.append(f"{parent.kind} event ScalingReplicaSet at {_at(event.first)}: {event.message}")
    triggers = [t for t in triggers if pod_created is None or t <= pod_created + dt.timedelta(seconds=1)]
    if triggers and pod_created and (pod_created - max(triggers)).total_seconds() <= REPLACEMENT_GAP_SECONDS:
        stage.start = max(triggers)
    for event in PodView.of({}, objects(owner.events)).events_with("SuccessfulCreate"):
        if inputs.view.name in event.message:
            stage.evidence.append(f"{owner.kind} event SuccessfulCreate at {_at(event.first)}: {event.message}")
    stage.evidence.append(f"pod ownerReferences: {owner.kind} {owner.name} (controller)")
    return stage


# -- scheduling ---------------------------------------------------------------------------------------

def scheduled(inputs: StageInputs) -> Stage:
    view = inputs.view
    stage = Stage("scheduled", StageStatus.IN_PROGRESS, view.created, None, view.scheduler_name)
    event = view.last_event("Scheduled")
    condition = view.condition("PodScheduled") or {}
    if view.node_name:
        stage.status = StageStatus.DONE
        stage.end = (event.first if event else None) or view.condition_time("PodScheduled")
        if event:
            stage.actor = event.component or stage.actor
            stage.evidence.append(f"event Scheduled at {_at(event.first)}: {event.message}")
        if condition.get("status") == "True":
            stage.evidence.append(f"PodScheduled=True at {_at(view.condition_time('PodScheduled'))}")
        stage.evidence.append(f"spec.nodeName={view.node_name}")
        if raw.is_mirror_pod(view.pod):
            stage.actor = f"kubelet on {view.node_name} (static pod: never scheduled)"
        return stage
    stage.problem = diagnose.scheduling_problem(view, inputs.data.scheduler_lease, inputs.now)
    if stage.problem and stage.problem.reason != "SchedulingGated":
        stage.status = StageStatus.FAILED
    if condition:
        stage.evidence.append(f"PodScheduled={condition.get('status')} reason {condition.get('reason') or '-'}")
    for failed in view.events_with("FailedScheduling")[-1:]:
        stage.evidence.append(f"event FailedScheduling x{failed.count}, last at {_at(failed.last)}")
    return stage


# -- on the node --------------------------------------------------------------------------------------

def sandbox_ready(inputs: StageInputs, previous: Stage) -> Stage:
    view = inputs.view
    stage = Stage("sandbox-ready", StageStatus.IN_PROGRESS, previous.end, None, f"{view.kubelet} (runtime + CNI)")
    started = parse_time(view.status.get("startTime"))
    if started:
        stage.evidence.append(f"kubelet admitted the pod at {_at(started)} (status.startTime)")
    ready_at = view.condition_time("PodReadyToStartContainers")
    if ready_at:
        stage.status, stage.end = StageStatus.DONE, ready_at
        stage.evidence.append(f"PodReadyToStartContainers=True at {_at(ready_at)}")
    elif view.condition("PodReadyToStartContainers") is None and (view.status.get("podIP") or _any_started(view)):
        stage.status = StageStatus.DONE
        stage.evidence.append("no PodReadyToStartContainers condition (before Kubernetes 1.29, or the feature is off); "
                              "the pod has an IP, so its sandbox exists")
    if view.status.get("podIP"):
        stage.evidence.append(f"status.podIP={view.status.get('podIP')}")
    if not stage.done:
        _fail_if(stage, diagnose.sandbox_problem(view))
    return stage


def _any_started(view: PodView) -> bool:
    return any(c.started or c.restarts for c in view.containers(init=True) + view.containers())


def image_pulls(view: PodView) -> list[ImagePull]:
    """Each Pulled event paired with the Pulling event before it for the same container."""
    pulls = []
    for event in view.events_with("Pulled"):
        info = parse_pulled(event.message)
        pulling = [p for p in view.events_with("Pulling") if p.container == event.container and p.first
                   and event.first and p.first <= event.first]
        pulls.append(ImagePull(
            container=event.container or "?",
            image=info.image if info else "",
            start=pulling[-1].first if pulling else None,
            end=event.first,
            seconds=info.seconds if info else None,
            size_bytes=info.size_bytes if info else None,
            already_present=bool(info and info.already_present),
        ))
    return pulls


# Waiting reasons the kubelet reaches only after the image is on the node.
AFTER_PULL_REASONS = frozenset({"CreateContainerConfigError", "CreateContainerError", "RunContainerError",
                                "PostStartHookError", "CrashLoopBackOff"})


def _has_image(container: ContainerView, pulled: set[str]) -> bool:
    return (container.name in pulled or container.started is not None or container.restarts > 0
            or container.last_exit_code is not None or container.state in ("running", "terminated")
            or container.reason in AFTER_PULL_REASONS)


def images_pulled(inputs: StageInputs, previous: Stage) -> Stage:
    """Images of the containers the kubelet has reached (app containers wait for init containers first)."""
    view = inputs.view
    stage = Stage("images-pulled", StageStatus.IN_PROGRESS, None, None, f"{view.kubelet} (container runtime)")
    pulls = image_pulls(view)
    stage.start = min((e.first for e in view.events_with("Pulling") if e.first), default=None)
    stage.end = max((p.end for p in pulls if p.end), default=None)
    for pull in pulls:
        what = "already present" if pull.already_present else f"pulled in {pull.seconds}s" if pull.seconds is not None \
            else "pulled"
        stage.evidence.append(f"{pull.container}: {pull.image} {what}")
    for event in view.events_with("Pulling", "BackOff", "Failed"):
        if event.reason == "Pulling" or event.message.startswith(("Failed to pull image", "Back-off pulling image")):
            stage.evidence.append(f"event {event.reason} x{event.count}, last at {_at(event.last)}: {event.message}")
    _fail_if(stage, diagnose.image_problem(view))
    statuses = view.containers(init=True) + view.containers()
    pulled = {p.container for p in pulls}
    waiting = [c for c in statuses if not _has_image(c, pulled) and c.reason != "PodInitializing"]
    if stage.problem is None and statuses and not waiting:
        stage.status = StageStatus.DONE
        if not pulls:
            stage.approximate = True
            stage.start, stage.end = previous.end, _first_container_start(view)
            stage.evidence.append("no pull events (expired or not kept): the containers reached their images; "
                                  "times bounded by the sandbox and the first container start")
    if stage.start is None and stage.end is not None:
        stage.start = previous.end
    return stage


def _first_container_start(view: PodView) -> dt.datetime | None:
    starts = [c.started for c in view.containers(init=True) + view.containers() if c.started]
    return min(starts, default=None)


def init_containers(inputs: StageInputs, previous: Stage) -> Stage:
    view = inputs.view
    initialized = view.condition_time("Initialized")
    stage = Stage("init-containers", StageStatus.IN_PROGRESS, None, initialized, view.kubelet)
    statuses = view.containers(init=True)
    if not view.spec_container_names(init=True):
        stage.start = initialized
        stage.evidence.append("no init containers"
                              + (f"; Initialized=True at {_at(initialized)}" if initialized else ""))
        stage.status = StageStatus.DONE if initialized or previous.done else StageStatus.IN_PROGRESS
        return stage
    stage.start = min((c.started for c in statuses if c.started), default=None)
    finished = [c.finished for c in statuses if c.state == "terminated" and c.exit_code == 0 and c.finished]
    for container in statuses:
        stage.evidence.append(f"{container.name}: {container.state} {container.reason}".rstrip()
                              + (f" exit {container.exit_code}" if container.exit_code is not None else ""))
    if initialized:
        stage.status = StageStatus.DONE
        stage.end = max(finished, default=initialized)
        stage.evidence.append(f"Initialized=True at {_at(initialized)}")
        return stage
    _fail_if(stage, diagnose.init_problem(view))
    return stage


def containers_started(inputs: StageInputs, previous: Stage) -> Stage:
    view = inputs.view
    stage = Stage("containers-started", StageStatus.IN_PROGRESS, None, None, view.kubelet)
    created = [e.first for e in view.events_with("Created") if not e.init_container and e.first]
    started_events = [e for e in view.events_with("Started") if not e.init_container and e.first]
    statuses = view.containers()
    running = [c for c in statuses if c.state == "running"]
    stage.start = min(created, default=None)
    if statuses and len(running) == len(statuses) >= len(view.spec_container_names()):
        stage.status = StageStatus.DONE
        first_starts = {e.container: e.first for e in reversed(started_events)}
        ends = [first_starts.get(c.name) or c.started for c in running]
        stage.end = max((t for t in ends if t), default=None)
        for container in running:
            restarts = (f", restarted {container.restarts}x (startedAt is the latest start)"
                        if container.restarts else "")
            stage.evidence.append(f"{container.name}: running since {_at(container.started)}{restarts}")
        if stage.start is None:
            stage.start, stage.approximate = previous.end, True
            stage.evidence.append("no Created/Started events (expired): start taken from the previous step")
        return stage
    for container in statuses:
        if container.state != "running":
            last = (f", last exit {container.last_reason or '?'} code {container.last_exit_code}"
                    if container.last_exit_code is not None else "")
            stage.evidence.append(f"{container.name}: {container.state} {container.reason}, "
                                  f"{container.restarts} restart(s){last}")
    _fail_if(stage, diagnose.start_problem(view))
    return stage


def ready(inputs: StageInputs, previous: Stage) -> Stage:
    view = inputs.view
    ready_at = view.condition_time("Ready")
    stage = Stage("ready", StageStatus.IN_PROGRESS, previous.end, None, f"{view.kubelet} (probes)")
    containers_ready = view.condition_time("ContainersReady")
    if containers_ready:
        stage.evidence.append(f"ContainersReady=True at {_at(containers_ready)}")
    if ready_at:
        stage.status, stage.end = StageStatus.DONE, ready_at
        stage.evidence.append(f"Ready=True at {_at(ready_at)}")
        return stage
    condition = view.condition("Ready") or {}
    if condition:
        stage.evidence.append(f"Ready={condition.get('status')} reason {condition.get('reason') or '-'}")
    _fail_if(stage, diagnose.readiness_problem(view))
    return stage


# -- endpoints ----------------------------------------------------------------------------------------

def endpoints_published(inputs: StageInputs, previous: Stage) -> Stage | None:
    """The pod's address in the EndpointSlices of each Service selecting it (absent: no such Service)."""
    data, view = inputs.data, inputs.view
    stage = Stage("endpoints-published", StageStatus.IN_PROGRESS, previous.end, None,
                  "endpointslice-controller (kube-controller-manager)")
    if data.services is None or not data.services.ok:
        stage.status = StageStatus.UNKNOWN
        reason = data.services.skip_reason("Services") if data.services else "Services were not read"
        stage.evidence.append(reason)
        return stage
    services = [raw.name(s) for s in selecting_services(objects(data.services), raw.labels(view.pod))]
    if not services:
        return None
    slices = objects(data.endpoint_slices)
    if data.endpoint_slices is not None and not data.endpoint_slices.ok:
        stage.status = StageStatus.UNKNOWN
        stage.evidence.append(data.endpoint_slices.skip_reason("EndpointSlices"))
        return stage
    published, written = [], []
    for service in services:
        found = _endpoint_in(slices, service, view.uid)
        if found is None:
            stage.evidence.append(f"Service {service}: the pod is not in its EndpointSlices")
            continue
        slice_name, address, is_ready, slice_time = found
        state = "ready" if is_ready else "not ready"
        stage.evidence.append(f"Service {service}: {address} {state} in EndpointSlice {slice_name}")
        if is_ready:
            published.append(service)
            if slice_time:
                written.append(slice_time)
    if len(published) == len(services):
        stage.status = StageStatus.DONE
        last_write = max(written, default=None)
        if last_write and previous.end and last_write >= previous.end:
            stage.end, stage.approximate = last_write, True
            stage.evidence.append(f"slice last written at {_at(last_write)} (managedFields): published then or earlier")
        stage.evidence.append("kube-proxy (or the CNI's replacement) then programs the Service; that leaves no trace "
                              "in the API")
    return stage


def _endpoint_in(slices: list[dict[str, Any]], service: str,
                 uid: str) -> tuple[str, str, bool, dt.datetime | None] | None:
    for item in slices:
        if raw.labels(item).get("kubernetes.io/service-name") != service:
            continue
        for endpoint in item.get("endpoints") or []:
            if isinstance(endpoint, dict) and (endpoint.get("targetRef") or {}).get("uid") == uid:
                ready_flag = (endpoint.get("conditions") or {}).get("ready")
                address = ",".join(endpoint.get("addresses") or []) or "?"
                return raw.name(item), address, ready_flag is not False, _controller_write(item)
    return None


def _controller_write(obj: Mapping[str, Any]) -> dt.datetime | None:
    times = [parse_time(e.get("time")) for e in (obj.get("metadata") or {}).get("managedFields") or []
             if e.get("manager") == "endpointslice-controller"]
    return max((t for t in times if t), default=None)


# -- the whole path -------------------------------------------------------------------------------------

Builder = Callable[[StageInputs, Stage], "Stage | None"]
_AFTER_SCHEDULING: tuple[Builder, ...] = (sandbox_ready, images_pulled, init_containers, containers_started, ready,
                                          endpoints_published)


def build_stages(data: TraceData) -> list[Stage]:
    """Every applicable stage in order; after the first unfinished one, the rest are not reached."""
    inputs = StageInputs(data, PodView.of(data.pod, objects(data.pod_events)))
    first = submitted(inputs)
    stages = [first, persisted(inputs)]
    owned = controller(inputs, first)
    if owned is not None:
        stages.append(owned)
    previous = scheduled(inputs)
    stages.append(previous)
    for builder in _AFTER_SCHEDULING:
        stage = builder(inputs, previous)
        if stage is not None:
            stages.append(stage)
            previous = stage
    _mark_not_reached(stages)
    _attach_node_problem(stages, inputs)
    return stages


def _mark_not_reached(stages: list[Stage]) -> None:
    blocked = False
    for stage in stages:
        if blocked and stage.status in (StageStatus.IN_PROGRESS, StageStatus.UNKNOWN):
            stage.status = StageStatus.NOT_REACHED
            stage.start = stage.end = None
        if not stage.done:
            blocked = True


def _attach_node_problem(stages: list[Stage], inputs: StageInputs) -> None:
    """A NotReady node explains the first unfinished step on it, whatever that step shows."""
    problem = diagnose.node_problem(inputs.view, inputs.data.node)
    if problem is None:
        return
    target = next((s for s in stages if not s.done), None) or next(s for s in stages if s.name == "ready")
    target.problem = problem
    target.status = StageStatus.FAILED
