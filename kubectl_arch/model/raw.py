"""Small, forgiving accessors over raw Kubernetes JSON objects.

Raw objects come from many versions and distributions; a missing field is normal, so every accessor
returns an empty value instead of raising.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def name(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def namespace(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("namespace", ""))


def labels(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return (obj.get("metadata") or {}).get("labels") or {}


def annotations_of(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return (obj.get("metadata") or {}).get("annotations") or {}


def owner_kinds(obj: Mapping[str, Any]) -> list[str]:
    return [str(ref.get("kind", "")) for ref in (obj.get("metadata") or {}).get("ownerReferences") or []]


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
    return list(pod_or_template_spec.get("containers") or [])


def pod_template_spec(workload: Mapping[str, Any]) -> Mapping[str, Any]:
    return ((workload.get("spec") or {}).get("template") or {}).get("spec") or {}


def pod_ready(pod: Mapping[str, Any]) -> bool:
    """True when the pod's Ready condition is True (what `kubectl get pods` counts as ready)."""
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def pod_restarts(pod: Mapping[str, Any]) -> int:
    return sum(int(s.get("restartCount") or 0) for s in (pod.get("status") or {}).get("containerStatuses") or [])


def is_mirror_pod(pod: Mapping[str, Any]) -> bool:
    """Mirror pods are the API's read-only copies of static pods the kubelet runs from files."""
    return MIRROR_ANNOTATION in annotations_of(pod)
