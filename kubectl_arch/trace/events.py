"""Events read the same whichever API wrote them, and the few messages worth parsing.

kube-scheduler writes through events.k8s.io (``eventTime`` in microseconds, null ``firstTimestamp``),
the kubelet and controllers through core/v1 (second precision): ``EventView`` hides the difference.
Messages are parsed only where reason and fieldPath are not enough (pull durations, the scheduler's
"0/N nodes are available" summary). Parsers take any text and never raise: odd input gives None or
the text kept whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.model.durations import parse_go_duration
from kubectl_arch.model.raw import parse_time

_FIELD_PATH = re.compile(r"^spec\.(initContainers|containers|ephemeralContainers)\{([^}]*)\}")


@dataclass(frozen=True)
class EventView:
    """One event: its reason, message, when it first and last happened, and who reported it."""

    reason: str
    message: str
    type: str
    first: dt.datetime | None
    last: dt.datetime | None
    count: int
    component: str
    host: str
    container: str | None
    init_container: bool

    @property
    def warning(self) -> bool:
        return self.type == "Warning"


def event_view(event: Mapping[str, Any]) -> EventView:
    """Normalise one core/v1 event, whether it was written through core/v1 or events.k8s.io/v1."""
    series, source = _mapping(event.get("series")), _mapping(event.get("source"))
    first = (parse_time(event.get("eventTime")) or parse_time(event.get("firstTimestamp"))
             or parse_time(_mapping(event.get("metadata")).get("creationTimestamp")))
    last = parse_time(series.get("lastObservedTime")) or parse_time(event.get("lastTimestamp")) or first
    match = _FIELD_PATH.match(str(_mapping(event.get("involvedObject")).get("fieldPath") or ""))
    count = series.get("count") or event.get("count") or 1
    return EventView(
        reason=str(event.get("reason") or ""),
        message=str(event.get("message") or event.get("note") or ""),
        type=str(event.get("type") or "Normal"),
        first=first,
        last=last if last is None or first is None or last >= first else first,
        count=count if isinstance(count, int) and not isinstance(count, bool) else 1,
        component=str(event.get("reportingComponent") or event.get("reportingController")
                      or source.get("component") or ""),
        host=str(source.get("host") or event.get("reportingInstance") or ""),
        container=match.group(2) if match else None,
        init_container=bool(match and match.group(1) == "initContainers"),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def event_views(events: Iterable[Mapping[str, Any]]) -> list[EventView]:
    """Events in time order (undated ones last), as the story unfolds."""
    views = [event_view(e) for e in events if isinstance(e, Mapping)]
    far_future = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return sorted(views, key=lambda v: v.first or far_future)


# -- image pulls ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PullInfo:
    """What a ``Pulled`` event says: the image, pull time (without and with queueing), size, or no pull."""

    image: str
    seconds: float | None = None
    seconds_including_waiting: float | None = None
    size_bytes: int | None = None
    already_present: bool = False


_PULLED = re.compile(r'^Successfully pulled image "([^"]*)" in ([0-9.a-zµ]+)'
                     r'(?: \(([0-9.a-zµ]+) including waiting\))?(?:\. Image size: (\d+) bytes)?')
_PRESENT = re.compile(r'^Container image "([^"]*)" already present on machine')


def parse_pulled(message: str) -> PullInfo | None:
    """Parse a kubelet ``Pulled`` message (old and new formats); None when it is neither form."""
    present = _PRESENT.match(message)
    if present:
        return PullInfo(image=present.group(1), already_present=True)
    pulled = _PULLED.match(message)
    if not pulled:
        return None
    size = pulled.group(4)
    return PullInfo(
        image=pulled.group(1),
        seconds=parse_go_duration(pulled.group(2)),
        seconds_including_waiting=parse_go_duration(pulled.group(3)) if pulled.group(3) else None,
        size_bytes=int(size) if size and size.isdigit() else None,
    )


# -- the scheduler's summary -------------------------------------------------------------------------

@dataclass(frozen=True)
class NodeRejection:
    """One reason from "0/N nodes are available": how many nodes gave it, its text and its family."""

    count: int | None
    text: str
    category: str


@dataclass(frozen=True)
class SchedulingFailure:
    """The scheduler's summary split into reasons, plus its preemption verdict if any."""

    total_nodes: int | None
    available_nodes: int | None
    reasons: tuple[NodeRejection, ...]
    preemption: str | None


_SUMMARY = re.compile(r"^\s*(\d+)/(\d+) nodes are available:?\s*(.*)$", re.DOTALL)
_REASON_SPLIT = re.compile(r",\s+(?=\d+\s)")
_COUNTED = re.compile(r"^(\d+)\s+(.*)$", re.DOTALL)

# (category, words that identify it in the scheduler's reason text), most specific first.
_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("volume-node-affinity", ("volume node affinity",)),
    # VolumeBinding's PreFilter quotes the lister: 'persistentvolumeclaim "data" not found' (or a StorageClass).
    ("missing-volume-object", ('persistentvolumeclaim "', 'storageclass.storage.k8s.io "')),
    ("unbound-volume", ("unbound immediate persistentvolumeclaims", "persistentvolumeclaim", "unbound")),
    ("insufficient-resources", ("insufficient",)),
    # The node controller's taints say the node is unwell or cordoned, not that the pod lacks a toleration.
    ("not-ready-node", ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")),
    ("unschedulable-node", ("node.kubernetes.io/unschedulable",)),
    ("node-pressure", ("node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure",
                       "node.kubernetes.io/pid-pressure", "node.kubernetes.io/network-unavailable")),
    ("taint", ("untolerated taint", "taint")),
    ("pod-anti-affinity", ("anti-affinity",)),
    ("pod-affinity", ("pod affinity",)),
    ("node-affinity", ("node affinity", "node selector", "affinity/selector")),
    ("unschedulable-node", ("were unschedulable", "unschedulable")),
    ("topology-spread", ("topology spread",)),
    ("host-ports", ("free ports",)),
    ("too-many-pods", ("too many pods",)),
    ("not-ready-node", ("not-ready", "not ready")),
)


def first_match(text: str, table: tuple[tuple[str, tuple[str, ...]], ...], default: str) -> str:
    """The label of the first table row one of whose words occurs in ``text`` (case-insensitive)."""
    lowered = text.lower()
    return next((label for label, words in table if any(word in lowered for word in words)), default)


def categorise_rejection(text: str) -> str:
    return first_match(text, _CATEGORIES, "other")


def parse_failed_scheduling(message: str) -> SchedulingFailure:
    """Split "0/5 nodes are available: 2 Insufficient memory, 3 node(s) had ... . preemption: ..."."""
    text, _sep, preemption = message.partition(" preemption: ")
    summary = _SUMMARY.match(text)
    if not summary:
        body = text.strip().rstrip(".")
        reasons = (NodeRejection(None, body, categorise_rejection(body)),) if body else ()
        return SchedulingFailure(None, None, reasons, preemption.strip() or None)
    body = summary.group(3).strip().rstrip(".").strip()
    rejections = []
    for part in (p.strip() for p in _REASON_SPLIT.split(body) if p.strip()):
        counted = _COUNTED.match(part)
        count, reason = (int(counted.group(1)), counted.group(2).strip()) if counted else (None, part)
        rejections.append(NodeRejection(count, reason, categorise_rejection(reason)))
    return SchedulingFailure(
        total_nodes=int(summary.group(2)),
        available_nodes=int(summary.group(1)),
        reasons=tuple(rejections),
        preemption=preemption.strip().rstrip(".") or None,
    )
