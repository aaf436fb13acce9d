"""``trace -o json|yaml``: the trace as data, the JSON contract scripts rely on (README, issue 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kubectl_arch.output.structured import emit
from kubectl_arch.trace.report import STARTUP_SLO_SECONDS, TraceReport
from kubectl_arch.trace.stages import Stage


def trace_document(report: TraceReport) -> dict[str, Any]:
    """The report as the documented JSON object; ``pod`` is null when an owner has no pod."""
    view = report.view
    return {
        "pod": {"namespace": view.namespace, "name": view.name, "uid": view.uid, "node": view.node_name or None,
                "phase": view.phase} if report.has_pod else None,
        "owners": [{"kind": kind, "name": name} for kind, name in report.owners],
        "stages": [_stage_dict(s, report.before_clock(s)) for s in report.stages],
        "timelineStart": iso(report.clock_start),
        "static": view.mirror if report.has_pod else False,
        "verdict": {"state": report.verdict.state, "summary": report.verdict.summary},
        "finished": None if report.finished is None else {
            "reason": report.finished.reason, "explanation": report.finished.explanation,
            "next": list(report.finished.next), "evidence": list(report.finished.evidence)},
        "schedulingHistory": [{"reason": e.reason, "message": e.message, "count": e.count,
                               "firstSeen": iso(e.first), "lastSeen": iso(e.last)}
                              for e in view.events_with("FailedScheduling")],
        "unknown": [{"stage": s.name, "reason": s.evidence[-1] if s.evidence else ""} for s in report.unknown],
        "stuck": None if report.stuck is None else {
            "stage": report.stuck.stage, "reason": report.stuck.diagnosis.reason,
            "explanation": report.stuck.diagnosis.explanation, "next": list(report.stuck.diagnosis.next),
            "docs": report.stuck.diagnosis.docs, "evidence": list(report.stuck.diagnosis.evidence)},
        "startupSeconds": report.startup_seconds,
        "startupApproximate": report.startup_approximate,
        "startupSloSeconds": STARTUP_SLO_SECONDS,
        "eventsExpired": report.events_expired,
        "imagePulls": [{"container": p.container, "image": p.image, "start": iso(p.start), "end": iso(p.end),
                        "seconds": p.seconds, "sizeBytes": p.size_bytes, "alreadyPresent": p.already_present}
                       for p in report.pulls],
        "notes": list(report.notes),
        "observedAt": iso(report.now),
    }


def iso(when: dt.datetime | None) -> str | None:
    """RFC 3339 in UTC with a Z, keeping sub-second digits only when the source had them."""
    if when is None:
        return None
    text = when.astimezone(dt.timezone.utc).isoformat()
    return text.replace("+00:00", "Z")


def _stage_dict(stage: Stage, before_timeline: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"name": stage.name, "status": stage.status.value, "start": iso(stage.start),
                           "end": iso(stage.end), "durationSeconds": stage.duration_seconds, "actor": stage.actor,
                           "evidence": list(stage.evidence)}
    if stage.approximate:
        out["approximate"] = True
    if before_timeline:
        out["beforeTimeline"] = True  # long before timelineStart: a note says when, in words
    if stage.skew_seconds:
        out["clockSkewSeconds"] = round(stage.skew_seconds, 3)
    return out


def render(report: TraceReport, format_name: str) -> None:
    emit(trace_document(report), format_name)
