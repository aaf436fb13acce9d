"""Server-side Tables as kube-apiserver prints them, for the sample store (ApiStore) and the test API server.

``GET .../nodes`` with ``Accept: application/json;as=Table;v=v1;g=meta.k8s.io`` answers a
``meta.k8s.io/v1`` ``Table``: ``columnDefinitions`` (the node printer's ten columns, the last five at
priority 1 as ``-o wide`` shows them) and one row per object with its ``cells`` and, per
``includeObject`` (``Metadata`` by default, ``None``, ``Object``), a ``PartialObjectMetadata`` or the whole
object. Kinds without a printer get the default table (Name, Created At), as the API server gives
resources it has no printer for. Cells follow kubernetes/pkg/printers/internalversion/printers.go
(printNode): STATUS is ``Ready`` or ``NotReady`` (``Unknown`` without a Ready condition), plus
``SchedulingDisabled``; ROLES from ``node-role.kubernetes.io/*`` and ``kubernetes.io/role`` labels or
``<none>``; AGE as ``duration.HumanDuration``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kubectl_arch import jsonshape

NAME_DOC = ("Name must be unique within a namespace. Is required when creating resources, although some resources "
            "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
            "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
CREATED_DOC = ("CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
               "guaranteed to be set in happens-before order across separate operations. Clients may not set this "
               "value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. "
               "Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/"
               "api-conventions.md#metadata")
ADDRESSES_DOC = ("List of addresses reachable to the node. Queried from cloud provider, if available. More info: "
                 "https://kubernetes.io/docs/reference/node/node-status/#addresses")


def _column(name: str, description: str, priority: int = 0, fmt: str = "", kind: str = "string") -> dict[str, Any]:
    return {"name": name, "type": kind, "format": fmt, "description": description, "priority": priority}


NODE_COLUMNS = [
    _column("Name", NAME_DOC, fmt="name"),
    _column("Status", "The status of the node"),
    _column("Roles", "The roles of the node"),
    _column("Age", CREATED_DOC),
    _column("Version", "Kubelet Version reported by the node."),
    _column("Internal-IP", ADDRESSES_DOC, priority=1),
    _column("External-IP", ADDRESSES_DOC, priority=1),
    _column("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
            priority=1),
    _column("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
            priority=1),
    _column("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API "
            "(e.g. containerd://1.4.2).", priority=1),
]
DEFAULT_COLUMNS = [_column("Name", NAME_DOC, fmt="name"), _column("Created At", CREATED_DOC, kind="date")]


def human_duration(seconds: float) -> str:
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration, as kubectl's AGE column shows it."""
    whole = int(seconds)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    if whole < 120:
        return f"{whole}s"
    minutes, hours = whole // 60, whole // 3600
    if minutes < 10:
        return f"{minutes}m" if whole % 60 == 0 else f"{minutes}m{whole % 60}s"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        years, days = hours // 24 // 365, (hours // 24) % 365
        return f"{years}y" if days == 0 else f"{years}y{days}d"
    return f"{hours // 24 // 365}y"


def _age(obj: Mapping[str, Any], now: dt.datetime) -> str:
    created = str(jsonshape.mapping(obj.get("metadata")).get("creationTimestamp") or "")
    try:
        moment = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return "<unknown>"
    return human_duration((now - moment).total_seconds())


def _node_address(node: Mapping[str, Any], kind: str) -> str:
    for address in jsonshape.sequence(jsonshape.mapping(node.get("status")).get("addresses")):
        if address.get("type") == kind:
            return str(address.get("address", ""))
    return "<none>"


def node_roles_cell(labels: Mapping[str, str]) -> str:
    roles = {key.removeprefix("node-role.kubernetes.io/") for key in labels
             if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/"}
    if labels.get("kubernetes.io/role"):
        roles.add(str(labels["kubernetes.io/role"]))
    return ",".join(sorted(roles)) or "<none>"


def node_cells(node: Mapping[str, Any], now: dt.datetime) -> list[Any]:
    status = jsonshape.mapping(node.get("status"))
    ready = next((c for c in jsonshape.sequence(status.get("conditions")) if c.get("type") == "Ready"), None)
    words = ["Unknown"] if ready is None else ["Ready" if ready.get("status") == "True" else "NotReady"]
    if jsonshape.mapping(node.get("spec")).get("unschedulable"):
        words.append("SchedulingDisabled")
    info = jsonshape.mapping(status.get("nodeInfo"))
    labels = jsonshape.mapping(jsonshape.mapping(node.get("metadata")).get("labels"))
    return [jsonshape.mapping(node.get("metadata")).get("name", ""),
            ",".join(words), node_roles_cell(labels), _age(node, now),
            str(info.get("kubeletVersion", "")), _node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


def default_cells(obj: Mapping[str, Any], _now: dt.datetime) -> list[Any]:
    metadata = jsonshape.mapping(obj.get("metadata"))
    return [metadata.get("name", ""), metadata.get("creationTimestamp")]


def _row_object(obj: Mapping[str, Any], include: str) -> dict[str, Any] | None:
    if include == "None":
        return None
    if include == "Object":
        return dict(obj)
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": jsonshape.mapping(obj.get("metadata"))}


def to_table(kind: str, objects: list[dict[str, Any]], list_metadata: Mapping[str, Any], query: Mapping[str, str],
             now: dt.datetime | None = None) -> dict[str, Any]:
    """A meta.k8s.io/v1 Table of ``objects`` of ``kind`` (a list's metadata keeps its paging fields)."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    columns, cells = (NODE_COLUMNS, node_cells) if kind == "Node" else (DEFAULT_COLUMNS, default_cells)
    include = query.get("includeObject") or "Metadata"
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": cells(obj, moment)}
        included = _row_object(obj, include)
        if included is not None:
            row["object"] = included
        rows.append(row)
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": dict(list_metadata),
            "columnDefinitions": columns, "rows": rows}


def wants_table(accept: str | None) -> bool:
    """Whether an Accept header asks for a meta.k8s.io/v1 Table first (as kubectl and kubectl-arch ask)."""
    first = (accept or "").split(",")[0]
    params = {p.strip() for p in first.split(";")[1:]}
    return {"as=Table", "g=meta.k8s.io", "v=v1"} <= params
