"""``trace --follow``: turn a stream of pod snapshots into "this step just completed" lines.

``Follower`` is pure: each pod object the watch delivers is analysed with the same stage builders as a
full trace (from the pod's own record, without events), and only steps newly done are reported. It stops
at Ready, at a failure signature, or when the pod is deleted; the command owns the watch and the timeout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.source import Response
from kubectl_arch.trace.collect import TraceData
from kubectl_arch.trace.podview import PodView
from kubectl_arch.trace.report import Stuck, find_stuck
from kubectl_arch.trace.stages import Stage, StageStatus, build_stages


@dataclass
class FollowStep:
    """What one watch event changed: steps newly done, and whether following should stop and why."""

    completed: list[Stage] = field(default_factory=list)
    finished: bool = False
    ready: bool = False
    stuck: Stuck | None = None
    deleted: bool = False


@dataclass
class Follower:
    """Remembers which steps were already reported for one pod."""

    namespace: str
    reported: set[str] = field(default_factory=set)
    created: dt.datetime | None = None

    def update(self, event_type: str, pod: Mapping[str, Any], now: dt.datetime) -> FollowStep:
        if event_type == "DELETED":
            return FollowStep(finished=True, deleted=True)
        data = TraceData(namespace=self.namespace, now=now, pod=dict(pod),
                         pod_events=Response(status=200, data={"items": []}))
        stages = build_stages(data)
        view = PodView.of(pod)
        self.created = self.created or view.created
        step = FollowStep()
        for stage in stages:
            if stage.done and stage.name not in self.reported:
                self.reported.add(stage.name)
                step.completed.append(stage)
        step.ready = view.condition_true("Ready")
        failed = next((s for s in stages if s.status is StageStatus.FAILED), None)
        if failed is not None:
            step.stuck = find_stuck(view, stages, now)
        step.finished = step.ready or failed is not None or view.phase in ("Succeeded", "Failed")
        return step
