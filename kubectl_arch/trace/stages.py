"""A pod's path, step by step, each timed from the pod object first and events second.

The cluster-side steps (submitted, persisted, controller, scheduled, endpoints-published) live here; the
node-side ones follow the kubelet's order in ``kubelet.py`` (the model is written down, with sources, in
docs/pod-lifecycle.md). ``build_stages`` runs them in order and then keeps the timeline possible: no step
starts before the one before it, and no step ends before it starts. A time that had to move (two
machines' clocks disagree) is marked approximate and its skew is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.collect.source import Response
from kubectl_arch.model import raw
from kubectl_arch.model.raw import parse_time
from kubectl_arch.model.window import duration_words
from kubectl_arch.trace import diagnose, kubelet
from kubectl_arch.trace.collect import TraceData, objects, selecting_services
from kubectl_arch.trace.events import parse_pulled
from kubectl_arch.trace.podview import PodView
from kubectl_arch.trace.stage import Stage, StageInputs, StageStatus
from kubectl_arch.trace.stage import at as _at
from kubectl_arch.trace.stage import created_at as _time
from kubectl_arch.trace.target import OWNER_KINDS
from kubectl_arch.wording import span_words

__all__ = ["REPLACEMENT_GAP_SECONDS", "ImagePull", "Stage", "StageInputs", "StageStatus", "build_stages",
           "image_pulls", "permission_hint"]

# Writers that are Kubernetes itself; any other manager in managedFields is a client (kubectl, helm, argocd...).
SYSTEM_MANAGERS = frozenset({"kube-controller-manager", "kubelet", "kube-scheduler", "kube-apiserver"})
REPLACEMENT_GAP_SECONDS = 300.0  # an owner written longer before the pod than this did not cause it
CONFIG_SEEN = "kubernetes.io/config.seen"  # when the kubelet first read a static pod's manifest


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


def _label(obj: Mapping[str, Any]) -> str:
    return f"{obj.get('kind', '')} {raw.namespace(obj)}/{raw.name(obj)}"


def permission_hint(response: Response, what: str, verb: str, resource: str, namespace: str) -> str:
    """Why ``what`` could not be read, and, for a 403, the permission that would let trace read it."""
    if response.status == 403:
        return (f"forbidden to read {what} (HTTP 403): grant `{verb}` on {resource} in namespace {namespace} "
                f"(check with `kubectl auth can-i {verb} {resource} -n {namespace}`)")
    return response.skip_reason(what)


# -- submitted, persisted, controller ---------------------------------------------------------------

def client_write(obj: Mapping[str, Any], not_after: dt.datetime | None) -> tuple[str, dt.datetime] | None:
    """The latest write by a client (not Kubernetes itself) no later than ``not_after``: who and when."""
    writes = []
    for entry in raw.sequence(raw.mapping(obj.get("metadata")).get("managedFields")):
        manager, when = str(entry.get("manager") or ""), parse_time(entry.get("time"))
        if not manager or manager in SYSTEM_MANAGERS or entry.get("subresource") or when is None:
            continue
        if not_after is None or when <= not_after + dt.timedelta(seconds=1):
            writes.append((when, manager))
    if not writes:
        return None
    when, manager = max(writes)
    return manager, when


def _creator(top: Mapping[str, Any]) -> str:
    """Who wrote ``top`` when no client's write is recorded: a controller when it has one (its owners were not
    read, as under --follow, or could not be), else some client."""
    refs = raw.sequence(raw.mapping(top.get("metadata")).get("ownerReferences"))
    owner = next((raw.mapping(ref) for ref in refs if raw.mapping(ref).get("controller")), None)
    return f"the controller of {owner.get('kind', '?')} {owner.get('name', '?')}" if owner else "a client"


def submitted(inputs: StageInputs) -> Stage:
    top = inputs.data.owners[-1].object if inputs.data.owners else inputs.data.pod
    created, pod_created = _time(top), inputs.view.created
    stage = Stage("submitted", StageStatus.DONE, created, created, _creator(top))
    write = client_write(top, pod_created)
    if write is not None:
        manager, when = write
        stage.actor = manager
        stage.start = when
        stage.end = max(when, created) if created else when
        stage.evidence.append(f"{_label(top)} last written by {manager} at {_at(when, pod_created)} "
                              "(metadata.managedFields)")
    stage.evidence.append(f"{_label(top)} created at {_at(created, pod_created)} (creationTimestamp)")
    if stage.end and pod_created and (pod_created - stage.end).total_seconds() > REPLACEMENT_GAP_SECONDS:
        before = f"written {span_words((pod_created - stage.end).total_seconds())} before this pod"
        if top.get("kind") == "CronJob":
            schedule = raw.mapping(top.get("spec")).get("schedule", "?")
            stage.evidence.append(f"{before}: its schedule ({schedule}) started this run")
        else:
            stage.evidence.append(f"{before}, so that write did not create it: the pod replaced an earlier one "
                                  "(deleted, evicted or rescheduled) or came from a scale-up, which this trace "
                                  "cannot see")
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
                stage.evidence.append(f"{parent.kind} event ScalingReplicaSet at {inputs.at(event.first)}: "
                                      f"{event.message}")
    node_joined = _node_joined(inputs) if owner.kind == "DaemonSet" else None
    if node_joined is not None:
        triggers.append(node_joined)
        owner_created = _time(owner.object)
        later = "the node" if owner_created is None or node_joined >= owner_created else "the DaemonSet"
        stage.evidence.append(f"a DaemonSet creates a pod for each node: measured from the later of the DaemonSet's "
                              f"creation ({inputs.at(owner_created)}) and node {inputs.view.node_name} registering "
                              f"({inputs.at(node_joined)}), here {later}")
    triggers = [t for t in triggers if pod_created is None or t <= pod_created + dt.timedelta(seconds=1)]
    if triggers and pod_created and (pod_created - max(triggers)).total_seconds() <= REPLACEMENT_GAP_SECONDS:
        stage.start = max(triggers)
    for event in PodView.of({}, objects(owner.events)).events_with("SuccessfulCreate"):
        if inputs.view.name in event.message:
            stage.evidence.append(f"{owner.kind} event SuccessfulCreate at {inputs.at(event.first)}: {event.message}")
    stage.evidence.append(f"pod ownerReferences: {owner.kind} {owner.name} (controller)")
    return stage


def _node_joined(inputs: StageInputs) -> dt.datetime | None:
    """When the pod's node registered (its creationTimestamp), if the node could be read."""
    node = inputs.data.node
    if node is None or not node.ok or not isinstance(node.data, Mapping):
        return None
    return _time(node.data)


# -- scheduling ---------------------------------------------------------------------------------------

def scheduled(inputs: StageInputs) -> Stage:
    """From creation to a node; the FailedScheduling attempts that explain a wait stay in the evidence."""
    view = inputs.view
    stage = Stage("scheduled", StageStatus.IN_PROGRESS, view.created, None, view.scheduler_name)
    event = view.last_event("Scheduled")
    condition = view.condition("PodScheduled") or {}
    if view.node_name:
        stage.status = StageStatus.DONE
        stage.end = (event.first if event else None) or view.condition_time("PodScheduled")
        stage.evidence.extend(scheduling_history(view))
        if event:
            stage.actor = event.component or stage.actor
            stage.evidence.append(f"event Scheduled at {inputs.at(event.first)}: {event.message}")
        if condition.get("status") == "True":
            stage.evidence.append(f"PodScheduled=True at {inputs.at(view.condition_time('PodScheduled'))}")
        stage.evidence.append(f"spec.nodeName={view.node_name}")
        return stage
    stage.problem = diagnose.scheduling_problem(view, inputs.data.scheduler_lease, inputs.now)
    waiting = view.status.get("nominatedNodeName")  # preemption made room: the pod waits for its victims to go
    if stage.problem and stage.problem.reason != "SchedulingGated" and not waiting:
        stage.status = StageStatus.FAILED
    if condition:
        stage.evidence.append(f"PodScheduled={condition.get('status')} reason {condition.get('reason') or '-'}")
    stage.evidence.extend(scheduling_history(view))
    return stage


def scheduling_history(view: PodView) -> list[str]:
    """Every FailedScheduling the pod got, with how often and when: the reasons behind a wait."""
    return [f"event FailedScheduling x{e.count}, first {_at(e.first, view.created)}, "
            f"last {_at(e.last, view.created)}: {e.message}"
            for e in view.events_with("FailedScheduling")]


# -- image pulls, for the pull table and the startup SLO -----------------------------------------------

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


# -- endpoints ----------------------------------------------------------------------------------------

def endpoints_published(inputs: StageInputs, previous: Stage) -> Stage | None:
    """The pod's address in the EndpointSlices of each Service selecting it (absent: no such Service)."""
    data, view = inputs.data, inputs.view
    stage = Stage("endpoints-published", StageStatus.IN_PROGRESS, previous.end, None,
                  "endpointslice-controller (kube-controller-manager)")
    if data.services is None or not data.services.ok:
        stage.status = StageStatus.UNKNOWN
        reason = (permission_hint(data.services, "Services", "list", "services", view.namespace) if data.services
                  else "Services were not read")
        stage.evidence.append(reason)
        return stage
    services = [raw.name(s) for s in selecting_services(objects(data.services), raw.labels(view.pod))]
    if not services:
        return None
    slices = objects(data.endpoint_slices)
    if data.endpoint_slices is not None and not data.endpoint_slices.ok:
        stage.status = StageStatus.UNKNOWN
        stage.evidence.append(permission_hint(data.endpoint_slices, "EndpointSlices", "list",
                                              "endpointslices.discovery.k8s.io", view.namespace))
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
            stage.evidence.append(f"slice last written at {inputs.at(last_write)} (managedFields): published then "
                                  "or earlier")
        stage.evidence.append("kube-proxy (or the CNI's replacement) then programs the Service; that leaves no trace "
                              "in the API")
    elif previous.done and previous.end is not None and \
            (inputs.now - previous.end).total_seconds() > PUBLISH_GRACE_SECONDS:
        stage.status = StageStatus.FAILED
        stage.problem = _not_published(view, [s for s in services if s not in published], previous.end, inputs.now)
    return stage


# The EndpointSlice controller publishes a Ready pod within seconds; minutes later, "not yet" is no longer true.
PUBLISH_GRACE_SECONDS = 300.0
ENDPOINT_SLICES_DOC = "https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/"


def _not_published(view: PodView, services: list[str], ready: dt.datetime, now: dt.datetime) -> diagnose.Diagnosis:
    """A pod Ready for minutes that its Services' slices still do not list as ready: the controller, not time."""
    names = ", ".join(services)
    return diagnose.Diagnosis(
        "NotPublished",
        f"The pod has been Ready since {_at(ready, now)} ({duration_words((now - ready).total_seconds())}), and the "
        f"EndpointSlices of Service {names} still do not list it as ready, so that Service sends it no traffic. "
        "The EndpointSlice controller in kube-controller-manager publishes a Ready pod within seconds: check that "
        "the controller manager runs and renews its Lease, and that the slices are the controller's (label "
        "endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io).",
        (f"kubectl get endpointslices -n {view.namespace} -l kubernetes.io/service-name={services[0]} -o yaml",
         "kubectl get lease kube-controller-manager -n kube-system", diagnose.Commands(view).describe),
        ENDPOINT_SLICES_DOC,
        tuple(f"Service {name}: the pod is not ready in its EndpointSlices" for name in services))


def _endpoint_in(slices: list[dict[str, Any]], service: str,
                 uid: str) -> tuple[str, str, bool, dt.datetime | None] | None:
    for item in slices:
        if raw.labels(item).get("kubernetes.io/service-name") != service:
            continue
        for endpoint in raw.sequence(item.get("endpoints")):
            if isinstance(endpoint, dict) and raw.mapping(endpoint.get("targetRef")).get("uid") == uid:
                ready_flag = raw.mapping(endpoint.get("conditions")).get("ready")
                address = ",".join(raw.sequence(endpoint.get("addresses"))) or "?"
                return raw.name(item), address, ready_flag is not False, _controller_write(item)
    return None


def _controller_write(obj: Mapping[str, Any]) -> dt.datetime | None:
    times = [parse_time(e.get("time")) for e in raw.sequence(raw.mapping(obj.get("metadata")).get("managedFields"))
             if e.get("manager") == "endpointslice-controller"]
    return max((t for t in times if t), default=None)



# -- static pods ----------------------------------------------------------------------------------------

def static_submitted(inputs: StageInputs) -> Stage:
    """A static pod starts as a file the kubelet reads; the API's mirror pod is written afterwards.

    ``config.seen`` is when this kubelet process first read the manifest: after a kubelet restart it is later
    than containers that kept running, and then it says nothing about when the pod began."""
    view = inputs.view
    seen = parse_time(raw.annotations_of(view.pod).get(CONFIG_SEEN))
    seen = seen.replace(microsecond=0) if seen else None  # the kubelet's other times are whole seconds
    stage = Stage("submitted", StageStatus.DONE, None, None, f"kubelet on {view.node_name} (static pod manifest)")
    source = raw.annotations_of(view.pod).get("kubernetes.io/config.source") or "file"
    stage.evidence.append(f"static pod (kubernetes.io/config.source={source}): the kubelet runs it from its "
                          "manifest, with no API server, controller or scheduler involved")
    first_work = min((t for t in (kubelet.first_node_time(inputs),) if t is not None), default=None)
    if seen is None:
        stage.evidence.append(f"no {CONFIG_SEEN} annotation: when the kubelet read the manifest is unknown")
    elif first_work is not None and seen > first_work:
        stage.evidence.append(f"the kubelet last (re)read the manifest at {inputs.at(seen)} ({CONFIG_SEEN}), after "
                              f"the pod was already at work ({inputs.at(first_work)}): a restarted kubelet keeps "
                              "running containers, so when the pod began is unknown")
    else:
        stage.start = stage.end = seen
        stage.evidence.append(f"the kubelet read the manifest at {inputs.at(seen)} ({CONFIG_SEEN})")
    return stage


def mirror_note(view: PodView) -> str:
    """Where the mirror pod's creation falls: after the containers when the API server came up later."""
    created = view.created
    starts = [c.started for c in view.containers() if c.started]
    when = "after its containers started" if created and starts and created > min(starts) else "while it started"
    return (f"Static pod: the kubelet on {view.node_name} runs it from a manifest file and wrote this mirror pod to "
            f"the API at {_at(created)}, {when}; the mirror's creationTimestamp is not when the pod began, so it is "
            "left off the timeline and the startup SLO is not computed.")


# -- the whole path -------------------------------------------------------------------------------------

Builder = Callable[[StageInputs, Stage], Stage]


def _node_builders(inputs: StageInputs) -> list[Builder]:
    """The kubelet's order (docs/pod-lifecycle.md); a finished pod ends with ``finished`` instead of ``ready``."""
    builders: list[Builder] = [kubelet.sandbox_ready, kubelet.init_containers, kubelet.images_pulled,
                               kubelet.containers_started]
    if kubelet.needs_staying_up(inputs):
        builders.append(kubelet.staying_up)
    builders.append(kubelet.finished if inputs.view.terminal else kubelet.ready)
    return builders


def build_stages(data: TraceData) -> list[Stage]:
    """Every applicable stage in order; after the first unfinished one, the rest are not reached."""
    inputs = StageInputs(data, PodView.of(data.pod, objects(data.pod_events)))
    if inputs.view.mirror:
        previous = static_submitted(inputs)
        stages = [previous]
    else:
        first = submitted(inputs)
        owned = controller(inputs, first)
        stages = [first, *([owned] if owned is not None else []), persisted(inputs)]
        previous = scheduled(inputs)
        stages.append(previous)
    for builder in _node_builders(inputs):
        stage = builder(inputs, previous)
        stages.append(stage)
        previous = stage
    if not inputs.view.terminal:
        endpoints = endpoints_published(inputs, previous)
        if endpoints is not None:
            stages.append(endpoints)
    _unknown_without_events(stages, inputs)
    _mark_not_reached(stages, inputs.view.terminal)
    _attach_node_problem(stages, inputs)
    keep_order(stages)
    return stages


def _unknown_without_events(stages: list[Stage], inputs: StageInputs) -> None:
    """An unfinished step with no signature in the pod status, and the events unreadable: unknown, not stuck."""
    events = inputs.data.pod_events
    if events.ok:
        return
    reason = permission_hint(events, "the pod's events", "list", "events", inputs.view.namespace)
    for stage in stages:
        if stage.status is StageStatus.IN_PROGRESS and stage.problem is None and stage.name != "endpoints-published":
            stage.status = StageStatus.UNKNOWN
            stage.evidence.append(f"{reason}: the reason this step waits would be in them")
            return


def _mark_not_reached(stages: list[Stage], terminal: bool) -> None:
    """After the first step not done, later steps are not reached; a finished pod left nothing in progress."""
    blocked: Stage | None = None
    for stage in stages:
        open_step = stage.status in (StageStatus.IN_PROGRESS, StageStatus.UNKNOWN)
        if blocked is not None and open_step and blocked.status is StageStatus.UNKNOWN:
            stage.status = StageStatus.UNKNOWN  # after a step that could not be read, nothing is known either
            stage.start = stage.end = None
            stage.evidence.append(f"after {blocked.name}, which could not be read")
        elif (blocked is not None and open_step) or (terminal and stage.status is StageStatus.IN_PROGRESS):
            stage.status = StageStatus.NOT_REACHED
            stage.start = stage.end = None
        if not stage.done and blocked is None:
            blocked = stage


def keep_order(stages: list[Stage]) -> None:
    """No step starts before the previous step started, none ends before it starts; moved times are marked."""
    floor: dt.datetime | None = None
    for stage in stages:
        if stage.status is StageStatus.NOT_REACHED:
            continue
        if stage.start is not None and floor is not None and stage.start < floor:
            _moved(stage, (floor - stage.start).total_seconds(), f"start moved to {_at(floor)}, when the step "
                   "before it started")
            stage.start = floor
        if stage.start is not None and stage.end is not None and stage.end < stage.start:
            _moved(stage, (stage.start - stage.end).total_seconds(), f"end moved to its start ({_at(stage.start)})")
            stage.end = stage.start
        if stage.start is None and stage.end is not None and floor is not None and stage.end < floor:
            _moved(stage, (floor - stage.end).total_seconds(), f"end moved to {_at(floor)}")
            stage.end = floor
        floor = stage.start or stage.end or floor


def _moved(stage: Stage, seconds: float, what: str) -> None:
    stage.approximate = True
    stage.clock_skew_seconds = round(max(stage.clock_skew_seconds, seconds), 3)
    stage.evidence.append(f"{what}: the recorded time was {seconds:.1f}s earlier (clocks of different machines, "
                          "or second-precision times)")


def _attach_node_problem(stages: list[Stage], inputs: StageInputs) -> None:
    """A NotReady node explains the first unfinished step on it, whatever that step shows."""
    if inputs.view.terminal:
        return
    problem = diagnose.node_problem(inputs.view, inputs.data.node)
    if problem is None:
        return
    target = next((s for s in stages if not s.done), None) or next(s for s in stages if s.name == "ready")
    target.problem = problem
    target.status = StageStatus.FAILED
