"""DaemonSets and Deployments as add-on facts: name, namespace, desired and ready counts, image version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.model import raw
from kubectl_arch.model.flags import container_flags
from kubectl_arch.model.versions import version_from_image


@dataclass
class Workload:
    """A DaemonSet or Deployment reduced to what explain shows: where, how many, which version."""

    kind: str
    name: str
    namespace: str
    desired: int
    ready: int
    image: str | None
    version: str | None
    flags: dict[str, str] = field(default_factory=dict)


def workload(obj: Mapping[str, Any], container_hint: str = "") -> Workload:
    """Summarise a DaemonSet or Deployment; the main container is the one whose name has ``container_hint``."""
    from kubectl_arch.model.components import pick_main_container

    main = pick_main_container(raw.containers(raw.pod_template_spec(obj)), container_hint)
    status = raw.mapping(obj.get("status"))
    is_daemonset = obj.get("kind") == "DaemonSet" or "desiredNumberScheduled" in status
    desired = status.get("desiredNumberScheduled") if is_daemonset else raw.mapping(obj.get("spec")).get("replicas", 1)
    ready = status.get("numberReady") if is_daemonset else status.get("readyReplicas")
    return Workload(
        kind="DaemonSet" if is_daemonset else "Deployment",
        name=raw.name(obj),
        namespace=raw.namespace(obj),
        desired=raw.integer(desired) or 0,
        ready=raw.integer(ready) or 0,
        image=raw.text(main.get("image")),
        version=version_from_image(main.get("image")),
        flags=container_flags(main),
    )


def find_workload(objects: list[dict[str, Any]], names: tuple[str, ...], label_values: tuple[str, ...] = ()) -> \
        dict[str, Any] | None:
    """The first object named one of ``names`` (in that order), else one whose ``k8s-app`` label matches."""
    by_name = {raw.name(obj): obj for obj in objects}
    for wanted in names:
        if wanted in by_name:
            return by_name[wanted]
    for obj in objects:
        if raw.labels(obj).get("k8s-app") in label_values:
            return obj
    return None
