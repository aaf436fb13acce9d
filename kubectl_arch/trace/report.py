"""One pod's trace as data: its stages, where it is stuck and why, its startup time against the SLO.

``analyse`` is pure: the raw ``TraceData`` in, a ``TraceReport`` out; its JSON contract is built
by ``trace/render/document.py``. When the traced owner has no pod,
``pod`` is null and the report is stuck at ``controller`` (see ``creation.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.model import raw
from kubectl_arch.model.window import duration_words
from kubectl_arch.trace import diagnose, endings
from kubectl_arch.trace.collect import TraceData, TraceSetData, objects
from kubectl_arch.trace.creation import stages_without_pod
from kubectl_arch.trace.diagnose import Diagnosis
from kubectl_arch.trace.disruption import deleting_words
from kubectl_arch.trace.pods import Alike
from kubectl_arch.trace.podview import PodView
from kubectl_arch.trace.readiness import awaited, init_awaited
from kubectl_arch.trace.stage import at
from kubectl_arch.trace.stages import (
    REPLACEMENT_GAP_SECONDS,
    ImagePull,
    Stage,
    StageStatus,
    build_stages,
    image_pulls,
    mirror_note,
)
from kubectl_arch.wording import plural, span_words

EVENT_TTL_SECONDS = 3600.0  # kube-apiserver --event-ttl default
STARTUP_SLO_SECONDS = 5.0  # SIG Scalability: p99 pod startup of stateless schedulable pods, pulls excluded
SLO_URL = "https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md"

# What a step that is merely under way (no failure signature) is waiting for, in plain words.
_WAITING: dict[str, str] = {
    "scheduled": "The pod waits in the scheduler's queue for a node; no failure has been reported yet.",
    "sandbox-ready": "The kubelet is mounting volumes and asking the runtime for the pod's sandbox and network.",
    "images-pulled": "The kubelet is pulling images; large images or slow registries take a while.",
    "init-containers": "Init containers are running; app containers start when each has succeeded.",
    "containers-started": "The kubelet is creating and starting the containers.",
    "staying-up": "A container stopped and the kubelet is restarting it.",
    "endpoints-published": "The pod is Ready; the EndpointSlice controller has not published its address yet.",
}


@dataclass
class Stuck:
    """The first step not done, and why."""

    stage: str
    diagnosis: Diagnosis


@dataclass(frozen=True)
class Verdict:
    """The one-line answer: ready, finished, stuck, or what could not be seen."""

    state: str  # ready, finished, stuck, unknown
    summary: str


@dataclass
class TraceReport:
    """Everything the views show about one pod."""

    view: PodView
    owners: list[tuple[str, str]]
    stages: list[Stage]
    stuck: Stuck | None
    startup_seconds: float | None
    startup_approximate: bool
    events_expired: bool
    pulls: list[ImagePull]
    now: dt.datetime
    source: str = ""
    notes: list[str] = field(default_factory=list)
    namespace: str = ""
    finished: Diagnosis | None = None

    @property
    def has_pod(self) -> bool:
        return bool(self.view.pod)

    @property
    def clock_start(self) -> dt.datetime | None:
        """Where the trace's clock starts (+0s): this pod's first step. An owner written long before the pod (it
        replaced an earlier pod, or came from a scale-up) is before the clock, not minus weeks on it."""
        times = [t for s in self.stages if not self.before_clock(s) for t in (s.start, s.end) if t is not None]
        return min(times, default=None)

    def before_clock(self, stage: Stage) -> bool:
        """A step all of whose known times fall long before the pod was created."""
        created = self.view.created
        times = [t for t in (stage.start, stage.end) if t is not None]
        if created is None or not times:
            return False
        return max(times) < created - dt.timedelta(seconds=REPLACEMENT_GAP_SECONDS)

    @property
    def unknown(self) -> list[Stage]:
        """Steps that could not be read: never reported as stuck."""
        return [s for s in self.stages if s.status is StageStatus.UNKNOWN]

    @property
    def verdict(self) -> Verdict:
        """The one-line answer; a pod being deleted says so first, whatever else holds (it is not simply Ready)."""
        verdict = self._verdict()
        deleting = deleting_words(self.view, self.now) if self.has_pod and self.stuck is None else None
        return Verdict(verdict.state, f"{'this is' if self.view.mirror else 'the pod is'} {deleting}; "
                       f"{verdict.summary}") if deleting else verdict

    def _verdict(self) -> Verdict:
        if self.stuck is not None:
            return Verdict("stuck", f"stuck at {self.stuck.stage}: {self.stuck.diagnosis.reason}")
        if self.finished is not None:
            return Verdict("finished", self.finished.explanation.split(". ")[0])
        if not self.has_pod:
            return Verdict("unknown", "no pod")
        unseen = "; ".join(f"{s.name}: {s.evidence[-1] if s.evidence else 'not read'}" for s in self.unknown)
        if not self.view.condition_true("Ready"):
            return Verdict("unknown", f"could not tell where the pod is: {unseen or 'no step is under way'}")
        published = any(s.name == "endpoints-published" and s.done for s in self.stages)
        kind = "static pod" if self.view.mirror else "pod"
        if unseen:
            return Verdict("ready", f"the {kind} is Running and Ready as far as could be read; not seen: {unseen}")
        if published:
            return Verdict("ready", f"the {kind} is Running, Ready and published")
        return Verdict("ready", f"the {kind} is Running and Ready (no Service selects it)")


def analyse(data: TraceData) -> TraceReport:
    """Rebuild the pod's path from raw data (pure: ``data.now`` is the only clock)."""
    view = PodView.of(data.pod, objects(data.pod_events))
    stages = build_stages(data) if data.pod else stages_without_pod(data)
    expired = events_expired(view, data.now)
    if expired:
        _unknown_when_expired(stages)
    owners = [(o.kind, o.name) for o in data.owners]
    if view.mirror and view.node_name:
        owners = [("Node", view.node_name)]
    report = TraceReport(
        view=view,
        owners=owners,
        stages=stages,
        stuck=find_stuck(view, stages, data.now) if data.pod else _creation_stuck(stages),
        startup_seconds=None,
        startup_approximate=False,
        events_expired=expired,
        pulls=image_pulls(view),
        now=data.now,
        source=data.source,
        namespace=data.namespace,
        finished=endings.finished_verdict(view) if data.pod else None,
    )
    report.startup_seconds, report.startup_approximate = startup_seconds(view, stages, report.pulls, expired)
    report.notes = _notes(data, report)
    return report


@dataclass
class TraceSet:
    """What a picture charts: one report per chosen pod (``why`` says why each), the other pods counted."""

    reports: list[TraceReport]
    why: list[str] = field(default_factory=list)
    alike: list[Alike] = field(default_factory=list)
    target: str = ""  # "Deployment api" when an owner was asked for

    @classmethod
    def of(cls, report: TraceReport) -> TraceSet:
        return cls([report])

    @property
    def sections(self) -> list[tuple[TraceReport, str]]:
        """Each report with why it is charted ("" where there was no choice to explain)."""
        return [(report, self.why[i] if i < len(self.why) else "") for i, report in enumerate(self.reports)]

    @property
    def total(self) -> int:
        """Pods of the owner (charted and counted); 1 for a pod, 0 for an owner without pods."""
        return (len(self.reports) if self.reports[0].has_pod else 0) + sum(a.count for a in self.alike)


def analyse_set(data: TraceSetData) -> TraceSet:
    """Each chosen pod analysed as ``analyse`` does one (pure)."""
    return TraceSet([analyse(trace) for trace in data.traces], [pick.why for pick in data.choice.picks],
                    list(data.choice.alike), data.target)


def _unknown_when_expired(stages: list[Stage]) -> None:
    """A step still under way with no signature in the pod status: its events, which would say why, expired."""
    for stage in stages:
        if stage.status is StageStatus.IN_PROGRESS and stage.problem is None and stage.name != "endpoints-published":
            stage.status = StageStatus.UNKNOWN
            stage.evidence.append("events expired (kube-apiserver --event-ttl, 1 hour by default): why this step "
                                  "waits cannot be read any more")
            return


def find_stuck(view: PodView, stages: list[Stage], now: dt.datetime) -> Stuck | None:
    terminating = diagnose.termination_problem(view, now)
    if terminating is not None:
        return Stuck("terminating", terminating)
    if view.terminal:
        return None  # finished: the report's ``finished`` verdict says how
    for stage in stages:
        if stage.status not in (StageStatus.IN_PROGRESS, StageStatus.FAILED):
            continue
        if stage.problem is not None:
            return Stuck(stage.name, stage.problem)
        waiting = (awaited(view) if stage.name == "ready" else
                   (init_awaited(view) if stage.name == "init-containers" else None)
                   or _WAITING.get(stage.name, "This step has not completed."))
        return Stuck(stage.name, Diagnosis("InProgress", waiting, (diagnose.Commands(view).describe,
                                                                    diagnose.Commands(view).events)))
    return None


def _creation_stuck(stages: list[Stage]) -> Stuck:
    """No pod: the controller step always carries the diagnosis (see ``creation.controller_stage``)."""
    stage = next(s for s in stages if s.name == "controller")
    return Stuck(stage.name, stage.problem or Diagnosis("NoPodCreated", "No pod exists."))


def events_expired(view: PodView, now: dt.datetime) -> bool:
    """Older than the event TTL and missing the one-off events a pod always gets (Scheduled first)."""
    created = view.created
    if created is None or (now - created).total_seconds() <= EVENT_TTL_SECONDS:
        return False
    scheduled_by_scheduler = bool(view.node_name) and "kubernetes.io/config.mirror" not in \
        raw.mapping(raw.mapping(view.pod.get("metadata")).get("annotations"))
    return not view.events or (scheduled_by_scheduler and not view.events_with("Scheduled"))


def startup_seconds(view: PodView, stages: list[Stage], pulls: list[ImagePull],
                    expired: bool) -> tuple[float | None, bool]:
    """Creation to all containers started, minus image pulls and init containers (the SLI's definition)."""
    by_name = {s.name: s for s in stages}
    started = by_name.get("containers-started")
    if view.mirror or view.created is None or started is None or not started.done or started.end is None:
        return None, False
    total = (started.end - view.created).total_seconds()
    init_names = set(view.spec_container_names(init=True))  # their pulls are inside the init step, counted below
    pulled = [p for p in pulls if p.start and p.end and not p.already_present and p.container not in init_names]
    if pulled:
        window_start = min(p.start for p in pulled if p.start)
        window_end = max(p.end for p in pulled if p.end)
        total -= (window_end - window_start).total_seconds()
    init = by_name.get("init-containers")
    if init and init.duration_seconds and view.spec_container_names(init=True):
        total -= init.duration_seconds
    return round(max(0.0, total), 1), expired and not pulls


def _startup_note(seconds: float, approximate: bool) -> str:
    """The SLI for this one pod; an upper bound above the SLO (pulls counted, a first start lost to restarts)
    says nothing about the SLO, so it gets no verdict."""
    took = f"{seconds:.1f}s" if seconds < 60 else duration_words(seconds)
    slo = f"the {STARTUP_SLO_SECONDS:.0f}s pod-startup SLO"
    if approximate:
        measured = (f"Startup at most {took} (creation to all containers started, without init containers; "
                    "pull times expired with the events, so any pulling is counted)")
    else:
        measured = f"Startup {took} (creation to all containers started, without image pulls and init containers)"
    if approximate and seconds > STARTUP_SLO_SECONDS:
        verdict = f"a bound, which cannot tell whether it met {slo}"
    else:
        verdict = f"{'within' if seconds <= STARTUP_SLO_SECONDS else 'above'} {slo}"
    return (f"{measured}: {verdict}, which Kubernetes sets for the 99th percentile over a day, not for one pod "
            f"({SLO_URL}).")


def _owner_readiness(owner: Mapping[str, Any]) -> tuple[int, int] | None:
    """(ready, desired) pods of a workload, from its own status; None for kinds that count no readiness, and
    when the ready count is absent (the API leaves readyReplicas out at 0; a partial status must not read as 0).
    The case that matters is some pods ready, the traced one among them, and others not."""
    spec, status = raw.mapping(owner.get("spec")), raw.mapping(owner.get("status"))
    kind = owner.get("kind")
    if kind == "DaemonSet":
        desired, ready = status.get("desiredNumberScheduled"), status.get("numberReady")
    elif kind in ("Deployment", "StatefulSet", "ReplicaSet"):
        desired, ready = spec.get("replicas", 1), status.get("readyReplicas")
    else:
        return None
    if not isinstance(desired, int) or not isinstance(ready, int) or isinstance(desired, bool):
        return None
    return ready, desired


def _owner_note(data: TraceData) -> str | None:
    """When the top owner counts fewer pods ready than it wants: the one pod traced is not the whole story."""
    if not data.owners or not data.pod:
        return None
    owner = data.owners[-1]
    counts = _owner_readiness(owner.object)
    if counts is None or counts[0] >= counts[1]:
        return None
    ready, desired = counts
    return (f"{owner.kind} {owner.name} has {ready} of {plural(desired, 'pod')} ready (its status): this is one pod "
            "of them; -o svg or -o html charts one pod of each kind of trouble.")


def _before_clock_note(report: TraceReport) -> str | None:
    """Says in words what the timeline leaves off: the owner's write long before this pod, and how long before."""
    start, created = report.clock_start, report.view.created
    earlier = [s for s in report.stages if report.before_clock(s)]
    if not earlier or start is None or created is None:
        return None
    written = max(t for s in earlier for t in (s.start, s.end) if t is not None)
    kind, name = report.owners[-1] if report.owners else ("owner", "?")
    why = ("its schedule, not that write, started this run" if kind == "CronJob"
           else "that write did not create this pod")
    return (f"The timeline starts at this pod's first step ({at(start, created)}, +0s). Its {kind} {name} was last "
            f"written {span_words((created - written).total_seconds())} before the pod was created "
            f"({at(written, created)}), so the {', '.join(s.name for s in earlier)} step is shown as earlier, off "
            f"the timeline: {why}.")


def _notes(data: TraceData, report: TraceReport) -> list[str]:
    notes = list(data.owner_errors)
    owner_note = _owner_note(data)
    if owner_note:
        notes.append(owner_note)
    for owner in data.owners:
        for condition in raw.sequence(raw.mapping(owner.object.get("status")).get("conditions")):
            if condition.get("reason") == "ProgressDeadlineExceeded":
                # Only a stuck pod (or no pod) explains the stall; a pod traced by name may be an old, healthy one.
                why = ("the trace above shows why" if report.stuck is not None else
                       f"this pod is not stuck, so it is not what holds the rollout: `kubectl arch trace "
                       f"{owner.kind.lower()}/{owner.name} -n {data.namespace}` traces its newest pod")
                notes.append(f"{owner.kind} {owner.name} stopped progressing (ProgressDeadlineExceeded): its rollout "
                             f"made no progress within spec.progressDeadlineSeconds; {why}.")
            failing = condition.get("type") == "ReplicaFailure" and condition.get("status") == "True"
            if failing and data.pod:  # without a pod, the stuck step already gives this message
                notes.append(f"{owner.kind} {owner.name} cannot create pods: {condition.get('message') or '?'}")
    deleting = deleting_words(report.view, report.now) if report.has_pod else None
    if deleting and report.stuck is not None and report.stuck.stage != "terminating":  # else the verdict says it
        notes.append(f"{'This is' if report.view.mirror else 'The pod is'} {deleting}.")
    earlier = _before_clock_note(report)
    if earlier:
        notes.append(earlier)
    if report.events_expired:
        notes.append("Events have expired: the API server keeps them 1 hour by default (kube-apiserver --event-ttl). "
                     "Times were rebuilt from the pod's conditions, container states and managedFields; those marked "
                     "~ are approximate and image pull times are lost.")
    if not data.pod_events.ok:
        notes.append(data.pod_events.skip_reason("the pod's events"))
    if report.view.mirror:
        notes.append(mirror_note(report.view))
    skewed = [s.name for s in report.stages if s.skew_seconds]
    if skewed and report.view.mirror:
        notes.append(f"Times moved to keep the order: {', '.join(skewed)} (marked ~). A static pod's times all come "
                     "from its kubelet, so this is second precision or a kubelet restart, not clock skew.")
    elif skewed:
        worst = max(s.skew_seconds for s in report.stages)
        notes.append(f"Clock skew: {', '.join(skewed)} recorded up to {worst:.1f}s before the step they follow, "
                     "so those times were moved and marked ~. Kubelet times come from the node's clock and "
                     "creationTimestamp from the API server's, in whole seconds; check NTP on the nodes if this is "
                     "large.")
    if report.startup_seconds is not None:
        waited = report.view.events_with("FailedScheduling")
        notes.append(_startup_note(report.startup_seconds, report.startup_approximate)
                     + (" The pod waited for a node first (FailedScheduling), and the SLO counts schedulable pods "
                        "only." if waited else ""))
    no_endpoint_stage = all(s.name != "endpoints-published" for s in report.stages)
    if no_endpoint_stage and data.services is not None and data.services.ok:
        notes.append("No Service selects this pod, so there is no endpoint to publish.")
    return notes


__all__ = ["STARTUP_SLO_SECONDS", "StageStatus", "Stuck", "TraceReport", "TraceSet", "analyse", "analyse_set"]
