"""Which of an owner's pods a picture charts, and how the others are summed up.

`trace deployment/NAME` prints the newest pod; its picture charts a few: that newest pod first (so the
two agree), then the pods in trouble (one per distinct state before a second of any), then the slowest
to become Ready, up to ``MAX_CHARTED``. The rest are counted by their `kubectl get pods` state ("Running,
1/1 ready"), never drawn one by one: a DaemonSet of 5,000 pods is a few lines. Pure: pod objects in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_arch.model import raw

MAX_CHARTED = 4
MAX_ALIKE_LINES = 5  # states listed one per line; any beyond are summed in one last line
MAX_NAMES = 12  # pod names a summary line's tooltip carries


@dataclass(frozen=True)
class Pick:
    """A charted pod and why it was chosen, in words the picture prints."""

    pod: Mapping[str, Any]
    why: str


@dataclass(frozen=True)
class Alike:
    """Pods left out of the chart that share one state: their count and some names (newest first)."""

    state: str
    names: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class PodChoice:
    """The owner's pods as a picture shows them: ``picks`` charted, ``alike`` counted."""

    picks: tuple[Pick, ...]
    alike: tuple[Alike, ...]

    @property
    def total(self) -> int:
        return len(self.picks) + sum(a.count for a in self.alike)


def owned(candidates: Sequence[Mapping[str, Any]], owner: Mapping[str, Any],
          indirect: bool) -> list[Mapping[str, Any]]:
    """The objects ``owner`` controls; with ``indirect``, every selected one if none is owned directly
    (a Deployment owns its pods through ReplicaSets)."""
    owner_uid = raw.mapping(raw.mapping(owner).get("metadata")).get("uid")
    direct = [c for c in candidates if any(raw.mapping(ref).get("uid") == owner_uid for ref in
                                           raw.sequence(raw.mapping(c.get("metadata")).get("ownerReferences")))]
    return direct or (list(candidates) if indirect else [])


def newest_first(objects: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """By creationTimestamp, newest first; the name breaks ties so the order never depends on the server's."""
    return sorted(objects, key=lambda o: (str(raw.mapping(o.get("metadata")).get("creationTimestamp") or ""),
                                          raw.name(o)), reverse=True)


def state_of(pod: Mapping[str, Any]) -> str:
    """What `kubectl get pods` shows of a pod, as `kubectl arch samples` words it: "Running, 1/1 ready"."""
    return f"{raw.pod_state(pod)}, {raw.pod_ready_text(pod)} ready"


def in_trouble(pod: Mapping[str, Any]) -> bool:
    """Failed, or neither finished nor Ready: what its trace would call stuck or failed."""
    phase = str(raw.mapping(pod.get("status")).get("phase") or "")
    return phase == "Failed" or (phase != "Succeeded" and not raw.pod_ready(pod))


def seconds_to_ready(pod: Mapping[str, Any]) -> float | None:
    """Creation to the Ready condition's last turn to True, from the pod's own record (no events needed)."""
    created = raw.parse_time(raw.mapping(pod.get("metadata")).get("creationTimestamp"))
    for condition in raw.sequence(raw.mapping(pod.get("status")).get("conditions")):
        condition = raw.mapping(condition)
        if condition.get("type") == "Ready" and condition.get("status") == "True":
            ready = raw.parse_time(condition.get("lastTransitionTime"))
            if created is not None and ready is not None and ready >= created:
                return (ready - created).total_seconds()
    return None


def _took(seconds: float) -> str:
    return dt.timedelta(seconds=round(seconds)).__str__().removeprefix("0:")


def choose(pods: Sequence[Mapping[str, Any]], limit: int = MAX_CHARTED) -> PodChoice:
    """Pick at most ``limit`` pods to chart (newest, then trouble, then slowest) and count the rest by state."""
    ordered = newest_first(pods)
    if not ordered:
        return PodChoice((), ())
    picks = [Pick(ordered[0], "newest pod (the one `kubectl arch trace` prints)" if len(ordered) > 1 else "")]
    chosen = {id(ordered[0])}

    def take(pod: Mapping[str, Any], why: str) -> None:
        if len(picks) < limit and id(pod) not in chosen:
            picks.append(Pick(pod, why))
            chosen.add(id(pod))

    troubled = [p for p in ordered if in_trouble(p)]
    seen_states = {state_of(ordered[0])}
    for pod in troubled:  # one of each kind of trouble first
        if state_of(pod) not in seen_states:
            seen_states.add(state_of(pod))
            take(pod, f"in trouble: {state_of(pod)}")
    timed = [(seconds, p) for p in ordered if (seconds := seconds_to_ready(p)) is not None]
    if timed and len(ordered) > 1:
        seconds, slowest = max(timed, key=lambda pair: pair[0])
        take(slowest, f"slowest to become Ready: {_took(seconds)} after creation (by its Ready condition)")
    for pod in troubled:
        take(pod, f"in trouble: {state_of(pod)}")
    rest: dict[str, list[str]] = {}
    for pod in ordered:
        if id(pod) not in chosen:
            rest.setdefault(state_of(pod), []).append(raw.name(pod))
    groups = sorted(rest.items(), key=lambda item: (-len(item[1]), item[0]))
    alike = [Alike(state, tuple(names)) for state, names in groups[:MAX_ALIKE_LINES]]
    if len(groups) > MAX_ALIKE_LINES:
        others = [name for _, names in groups[MAX_ALIKE_LINES:] for name in names]
        alike.append(Alike(f"{len(groups) - MAX_ALIKE_LINES} other states", tuple(others)))
    return PodChoice(tuple(picks), tuple(alike))
