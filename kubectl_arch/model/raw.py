"""Small, forgiving accessors over raw Kubernetes JSON objects.

Raw objects come from many versions and distributions; a missing field is normal, and cluster data is
untrusted (a hand-edited snapshot, a broken controller), so every accessor returns an empty value instead
of raising, for a missing field and for one of the wrong type alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kubectl_arch.jsonshape import integer, mapping, sequence, text

__all__ = ["integer", "mapping", "sequence", "text"]  # the model's accessors include the generic ones

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(mapping(obj).get("metadata"))


def name(obj: Mapping[str, Any]) -> str:
    return str(_metadata(obj).get("name", ""))


def namespace(obj: Mapping[str, Any]) -> str:
    return str(_metadata(obj).get("namespace", ""))


def labels(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return mapping(_metadata(obj).get("labels"))


def annotations_of(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return mapping(_metadata(obj).get("annotations"))


def owner_kinds(obj: Mapping[str, Any]) -> list[str]:
    return [str(mapping(ref).get("kind", "")) for ref in sequence(_metadata(obj).get("ownerReferences"))]


def parse_time(value: object) -> dt.datetime | None:
    """An RFC 3339 time (``Time`` or ``MicroTime``) as an aware datetime, or None when absent or bad."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def age_seconds(value: object, now: dt.datetime) -> float | None:
    """Seconds from the time ``value`` to ``now`` (negative when the clocks disagree), None when unknown."""
    when = parse_time(value)
    return None if when is None else (now - when).total_seconds()


def containers(pod_or_template_spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The containers of a pod spec (``spec`` of a Pod, or ``spec.template.spec`` of a workload)."""
    return [c for c in sequence(mapping(pod_or_template_spec).get("containers")) if isinstance(c, Mapping)]


def pod_template_spec(workload: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(mapping(mapping(mapping(workload).get("spec")).get("template")).get("spec"))


def pod_ready(pod: Mapping[str, Any]) -> bool:
    """True when the pod's Ready condition is True (what `kubectl get pods` counts as ready)."""
    for condition in sequence(mapping(mapping(pod).get("status")).get("conditions")):
        if mapping(condition).get("type") == "Ready":
            return mapping(condition).get("status") == "True"
    return False


def pod_state(pod: Mapping[str, Any]) -> str:
    """The word `kubectl get pods` shows: the reason a container waits (ImagePullBackOff, CrashLoopBackOff),
    else the phase."""
    status = mapping(mapping(pod).get("status"))
    for container in sequence(status.get("containerStatuses")):
        reason = text(mapping(mapping(mapping(container).get("state")).get("waiting")).get("reason"))
        if reason and reason != "ContainerCreating":
            return reason
    return text(status.get("phase")) or "Unknown"


def pod_ready_text(pod: Mapping[str, Any]) -> str:
    """Ready containers over containers, as `kubectl get pods` prints it: "1/2"."""
    statuses = sequence(mapping(mapping(pod).get("status")).get("containerStatuses"))
    ready = sum(1 for c in statuses if mapping(c).get("ready") is True)
    return f"{ready}/{len(containers(mapping(mapping(pod).get('spec')))) or len(statuses)}"


def pod_restarts(pod: Mapping[str, Any]) -> int:
    statuses = sequence(mapping(mapping(pod).get("status")).get("containerStatuses"))
    counts = (mapping(s).get("restartCount") for s in statuses)
    return sum(count for count in counts if isinstance(count, int) and not isinstance(count, bool))


def is_mirror_pod(pod: Mapping[str, Any]) -> bool:
    """Mirror pods are the API's read-only copies of static pods the kubelet runs from files."""
    return MIRROR_ANNOTATION in annotations_of(pod)
