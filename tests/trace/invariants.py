"""What must hold for every trace, whatever the pod: written apart from the code so it checks, not restates.

``broken(report, data)`` returns a sentence per broken rule (empty when all hold):
- stage starts are ordered and no stage ends before it starts (no negative duration);
- a finished (Succeeded/Failed) pod has no step in progress, is not stuck, and its verdict says finished;
- a pod Running and Ready, on a Ready node, not being deleted, with every read allowed, is not stuck;
- an unknown step is never the stuck one;
- the verdict's evidence exists in the input: a stuck or finished reason not made up by trace appears in
  the pod, its events or its owners; every "event ... xN: message" line quotes a message that was read; a
  finished verdict's container and exit code are in the pod status.
``skew_within_life(report)``: no time was moved further than the pod has existed (generated histories only).
"""

from __future__ import annotations

import json
import re
from typing import Any

from kubectl_arch.trace.collect import TraceData, objects
from kubectl_arch.trace.render.document import trace_document
from kubectl_arch.trace.report import TraceReport
from kubectl_arch.trace.stages import StageStatus

# Reasons trace names itself (no object carries them): the rest must be found in what was read.
OWN_REASONS = frozenset({"InProgress", "NoSchedulingEvents", "SchedulerNotRunning", "NoScheduler", "Terminating",
                         "InitContainerFailed", "ContainerExited", "NoPodCreated", "Succeeded", "Failed",
                         "NodeNotReady", "NodeGone", "Completed"})
# A reason trace names after what the input calls it differently.
SAME_AS = {"FailedScheduling": "Unschedulable"}
_EVENT_LINE = re.compile(r"^event \w+ x\d+: (.*)$", re.DOTALL)


def strings_in(value: Any) -> list[str]:
    """Every string anywhere in a JSON-like value."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def _input_text(data: TraceData) -> str:
    parts = strings_in(data.pod) + strings_in(objects(data.pod_events))
    for owner in data.owners:
        parts += strings_in(owner.object) + strings_in(objects(owner.events))
    return "\n".join(parts)


def _reads_allowed(data: TraceData) -> bool:
    responses = [data.pod_events, data.services, data.endpoint_slices, data.node]
    return all(r is None or r.ok for r in responses) and not data.owner_errors


def _node_ready(data: TraceData) -> bool:
    node = data.node
    if node is None or not isinstance(node.data, dict):
        return True
    return all(c.get("status") == "True" for c in (node.data.get("status") or {}).get("conditions") or []
               if isinstance(c, dict) and c.get("type") == "Ready")


def broken(report: TraceReport, data: TraceData) -> list[str]:
    problems = _order(report)
    view = report.view
    if report.has_pod and view.terminal:
        if any(s.status is StageStatus.IN_PROGRESS for s in report.stages):
            problems.append("a finished pod has a step in progress")
        if report.stuck is not None or report.verdict.state != "finished":
            problems.append(f"a finished pod reads as {report.verdict.summary!r}")
        if view.phase == "Succeeded" and report.finished is not None and "backoffLimit" in report.finished.explanation:
            problems.append("a Succeeded pod is explained as a failed attempt its Job retries (backoffLimit)")
    running_ready = (report.has_pod and view.phase == "Running" and view.condition_true("Ready")
                     and view.deleting_since is None and _node_ready(data) and _reads_allowed(data))
    if running_ready and report.stuck is not None:
        problems.append(f"a Running and Ready pod is stuck at {report.stuck.stage}: {report.stuck.diagnosis.reason}")
    if report.stuck is not None:
        stage = next((s for s in report.stages if s.name == report.stuck.stage), None)
        if stage is not None and stage.status is StageStatus.UNKNOWN:
            problems.append(f"the unknown step {stage.name} is reported as stuck")
    problems += _evidence_exists(report, data)
    json.dumps(trace_document(report))  # the -o json document always serialises
    return problems


def _order(report: TraceReport) -> list[str]:
    problems, floor = [], None
    for stage in report.stages:
        if stage.status is StageStatus.NOT_REACHED:
            continue
        if stage.start is not None and floor is not None and stage.start < floor:
            problems.append(f"{stage.name} starts at {stage.start} before the step above it ({floor})")
        if stage.start is not None and stage.end is not None and stage.end < stage.start:
            problems.append(f"{stage.name} ends before it starts")
        if stage.duration_seconds is not None and stage.duration_seconds < 0:
            problems.append(f"{stage.name} has a negative duration")
        floor = stage.start or stage.end or floor
    return problems


def skew_within_life(report: TraceReport) -> list[str]:
    """No time was moved further than the pod has existed: a runtime's zero time (1970) is no clock skew. For
    generated histories (whose clocks agree within seconds); the minikube sample's kube-proxy pod records its
    status five days before its creation, which trace reports as clock skew."""
    created = report.view.created
    if created is None:
        return []
    life = (report.now - created).total_seconds() + 86_400  # a day of slack for owners written before the pod
    return [f"{s.name} was moved {s.skew_seconds:.0f}s, more than the pod has existed" for s in report.stages
            if s.skew_seconds > life]


def _evidence_exists(report: TraceReport, data: TraceData) -> list[str]:
    text = _input_text(data)
    problems = []
    for diagnosis in (report.stuck.diagnosis if report.stuck else None, report.finished):
        if diagnosis is None:
            continue
        found = diagnosis.reason in text or SAME_AS.get(diagnosis.reason, diagnosis.reason) in text
        if diagnosis.reason not in OWN_REASONS and not found:
            problems.append(f"reason {diagnosis.reason!r} is nowhere in the input")
        for line in diagnosis.evidence:
            quoted = _EVENT_LINE.match(line)
            if quoted and quoted.group(1) not in text:
                problems.append(f"evidence quotes a message nobody wrote: {line!r}")
    finished = report.finished
    if finished is not None and finished.evidence and ": terminated, exit code " in finished.evidence[0]:
        name, _, rest = finished.evidence[0].partition(": terminated, exit code ")
        code = rest.split(",")[0]
        statuses = (view_status := report.view.status).get("containerStatuses") or []
        statuses = statuses + (view_status.get("initContainerStatuses") or [])
        if not any(s.get("name") == name and str(((s.get("state") or {}).get("terminated") or {}).get("exitCode"))
                   == code for s in statuses if isinstance(s, dict)):
            problems.append(f"finished verdict names {name} exit {code}, which the status does not hold")
    return problems
