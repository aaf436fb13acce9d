"""What every stage builder shares: the ``Stage`` record, its status, the inputs, and the time format.

Kept apart from the builders so the cluster-side (``stages.py``) and node-side (``kubelet.py``) steps
can both use it without importing each other.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.model import raw
from kubectl_arch.model.raw import parse_time
from kubectl_arch.trace.collect import TraceData
from kubectl_arch.trace.diagnose import Diagnosis
from kubectl_arch.trace.podview import PodView


class StageStatus(str, enum.Enum):
    DONE = "done"
    IN_PROGRESS = "in-progress"
    FAILED = "failed"
    NOT_REACHED = "not-reached"
    UNKNOWN = "unknown"


@dataclass
class Stage:
    """One step: status, when it started and ended, who acted, and what shows it.

    ``approximate`` marks a time derived from bounds rather than read (expired events, a restarted
    container, a time moved to keep the kubelet's order); ``clock_skew_seconds`` says how far a read
    time had to move because two machines' clocks disagree.
    """

    name: str
    status: StageStatus
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    actor: str = ""
    evidence: list[str] = field(default_factory=list)
    approximate: bool = False
    problem: Diagnosis | None = None
    clock_skew_seconds: float = 0.0

    @property
    def done(self) -> bool:
        return self.status is StageStatus.DONE

    @property
    def skew_seconds(self) -> float:
        return self.clock_skew_seconds

    @property
    def duration_seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return round(max(0.0, (self.end - self.start).total_seconds()), 3)

    @property
    def anchor(self) -> dt.datetime | None:
        """Where the next step begins: this step's end, or its start while the end is unknown."""
        return self.end or self.start


@dataclass
class StageInputs:
    """What every builder reads: the raw data, the pod view, and the clock of the data."""

    data: TraceData
    view: PodView

    @property
    def now(self) -> dt.datetime:
        return self.data.now

    @property
    def events_readable(self) -> bool:
        return self.data.pod_events.ok

    def at(self, when: dt.datetime | None) -> str:
        """``at(when)`` dated when it falls on another day than the pod's creation: a pod up for months that
        restarts today must not read as restarting before it was created."""
        return at(when, self.view.created)


def at(when: dt.datetime | None, day_of: dt.datetime | None = None) -> str:
    """A time of day (UTC); with the date too when it falls on another day than ``day_of`` (the pod's creation),
    so a Deployment written weeks before its pod does not read as written the same day."""
    if when is None:
        return "?"
    utc = when.astimezone(dt.timezone.utc)
    if day_of is not None and utc.date() != day_of.astimezone(dt.timezone.utc).date():
        return utc.strftime("%Y-%m-%d %H:%M:%S")
    return utc.strftime("%H:%M:%S")


def created_at(obj: Mapping[str, Any]) -> dt.datetime | None:
    return parse_time(raw.mapping(obj.get("metadata")).get("creationTimestamp"))


def fail_if(stage: Stage, problem: Diagnosis | None) -> None:
    """Record a stuck signature on a stage: a stage with one has failed, whatever else it shows."""
    if problem is not None:
        stage.problem, stage.status = problem, StageStatus.FAILED
