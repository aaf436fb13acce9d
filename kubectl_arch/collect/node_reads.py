"""Node reads, lean and full: what a 65,000-node cluster costs depends on which one a command takes.

A real Node object carries kilobytes (``status.images``, ``managedFields``, capacity): read whole, bytes
and memory grow with every node. Most of what commands show of a node is in the row ``kubectl get nodes
-o wide`` prints: name, STATUS (Ready or not, SchedulingDisabled), roles, kubelet version, addresses, OS
image, kernel and container runtime, and with ``includeObject=Metadata`` the labels. So the lean read
asks for nodes as a server-side Table, then GETs in full only the nodes whose row cannot say enough:

- NotReady rows: STATUS says ``NotReady`` for both Ready=False and Ready=Unknown, with no reason;
- control-plane nodes (by role label): explain and the audit describe them one by one;
- one node when no other was read in full, for distribution detection by ``spec.providerID``.

A row says nothing of pressure conditions (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable)
or taints: a node made from a row carries ``ROW_MARK`` and ``model.nodes`` reports those as not read.
Checks that judge them ask for ``nodes-full`` (every object whole). A server that answers the Table
request with a plain NodeList (no Table support) gets its objects used as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubectl_arch import jsonshape
from kubectl_arch.collect.concurrency import gather, max_in_flight
from kubectl_arch.collect.source import Response, Source, is_table, iter_pages, list_all, table_reader

NODES_PATH = "/api/v1/nodes"
ROW_MARK = "kubectl-arch/read-as"  # top-level key of a node object made from a Table row (never an API field)
ROW = "table-row"
ROLE_PREFIX = "node-role.kubernetes.io/"
CONTROL_PLANE_ROLES = ("control-plane", "master")
NONE_CELLS = ("<none>", "<unknown>")

# What any analysis reads of a node; the rest of a listed object is dropped as its page arrives, so a
# big cluster's node list costs memory in proportion to what is used, not to what the kubelet reports.
_KEEP_METADATA = ("name", "labels", "annotations", "creationTimestamp")  # k3s states its setup there
_KEEP_SPEC = ("taints", "unschedulable", "providerID")
_KEEP_NODE_INFO = ("kubeletVersion", "containerRuntimeVersion", "kernelVersion", "osImage", "operatingSystem",
                   "architecture")
_KEEP_CONDITION = ("type", "status", "reason", "message")


def compact_node(node: Mapping[str, Any]) -> dict[str, Any]:
    """A node with only the fields analysis reads (no images, managedFields, capacity, heartbeats)."""
    metadata = _mapping(node, "metadata")
    spec = _mapping(node, "spec")
    status = _mapping(node, "status")
    out: dict[str, Any] = {k: node[k] for k in ("kind", "apiVersion", ROW_MARK) if k in node}
    out["metadata"] = {k: metadata[k] for k in _KEEP_METADATA if k in metadata}
    out["spec"] = {k: spec[k] for k in _KEEP_SPEC if k in spec}
    info = _mapping(status, "nodeInfo")
    conditions = _list(status, "conditions")
    out["status"] = {
        "conditions": [{k: c[k] for k in _KEEP_CONDITION if k in c} for c in conditions if isinstance(c, Mapping)],
        "nodeInfo": {k: info[k] for k in _KEEP_NODE_INFO if k in info},
        "addresses": _list(status, "addresses"),
    }
    return out


def read_nodes_full(source: Source) -> Response:
    """Every node object, page by page, compacted as each page arrives."""
    return list_all(source, NODES_PATH, keep=compact_node)


def read_nodes_lean(source: Source) -> Response:
    """Nodes as Table rows, with full objects only for the rows that need more (see the module doc)."""
    reader = table_reader(source)
    if reader is None:
        return read_nodes_full(source)
    nodes: list[dict[str, Any]] = []
    resource_version = ""
    for page in iter_pages(source, NODES_PATH, {"includeObject": "Metadata"}, get=reader):
        if not page.ok:
            return page
        data = page.data if isinstance(page.data, dict) else {}  # an answer of the wrong shape lists nothing
        metadata = _mapping(data, "metadata")
        resource_version = resource_version or str(metadata.get("resourceVersion", ""))
        if is_table(page):
            definitions = _list(data, "columnDefinitions")
            columns = [str(c.get("name", "")).lower() for c in definitions if isinstance(c, Mapping)]
            rows = _list(data, "rows")
            nodes.extend(node for row in rows if (node := node_from_row(columns, row)))
        else:  # the server does not print Tables: it sent the objects themselves
            nodes.extend(compact_node(item) for item in page.items)
    wanted = rows_needing_objects(nodes)
    answers = gather([_getter(source, f"{NODES_PATH}/{raw_name(nodes[i])}") for i in wanted], max_in_flight(source))
    for index, answer in zip(wanted, answers, strict=True):
        if answer.ok and isinstance(answer.data, dict):
            nodes[index] = compact_node(answer.data)
        else:  # keep the row; say why its detail is missing
            conditions = nodes[index]["status"]["conditions"]
            for condition in conditions:
                condition["reason"] = f"the node object could not be read: {answer.error or answer.status}"
    return Response(status=200, data={"kind": "NodeList", "apiVersion": "v1",
                                      "metadata": {"resourceVersion": resource_version}, "items": nodes})


def _getter(source: Source, path: str) -> Callable[[], Response]:
    return lambda: source.get(path)


def _mapping(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = obj.get(key)
    return value if isinstance(value, Mapping) else {}


def _list(obj: Mapping[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    return value if isinstance(value, list) else []


def raw_name(node: Mapping[str, Any]) -> str:
    return str(jsonshape.mapping(node.get("metadata")).get("name", ""))


def is_row(node: Mapping[str, Any]) -> bool:
    """Whether a node object was made from a Table row (no pressures, taints or providerID read)."""
    return node.get(ROW_MARK) == ROW


def rows_needing_objects(nodes: list[dict[str, Any]]) -> list[int]:
    """Indexes of rows to read whole: NotReady, control plane, and one node if none else is whole."""
    wanted = [i for i, node in enumerate(nodes) if is_row(node) and (not _row_ready(node) or _row_control_plane(node))]
    if nodes and not wanted and all(is_row(node) for node in nodes):
        wanted = [0]
    return wanted


def _row_ready(node: Mapping[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in node["status"]["conditions"])


def _row_control_plane(node: Mapping[str, Any]) -> bool:
    labels = jsonshape.mapping(node["metadata"].get("labels"))
    return (any(ROLE_PREFIX + role in labels for role in CONTROL_PLANE_ROLES)
            or labels.get("kubernetes.io/role") in CONTROL_PLANE_ROLES)


def node_from_row(columns: list[str], row: Any) -> dict[str, Any] | None:
    """A node object holding what one row of the nodes Table says, marked as made from a row.

    Columns are found by name (Name, Status, Roles, Age, Version, Internal-IP, External-IP, OS-Image,
    Kernel-Version, Container-Runtime, as kube-apiserver prints nodes), so a server printing fewer
    columns gives fewer fields, never wrong ones. The OS and architecture come from the kubelet's
    ``kubernetes.io/os`` and ``kubernetes.io/arch`` labels, which it sets from the same values.
    """
    if not isinstance(row, Mapping) or not isinstance(row.get("cells"), list):
        return None
    cells = {name: ("" if str(value) in NONE_CELLS else str(value))
             for name, value in zip(columns, row["cells"], strict=False) if value is not None}
    obj = _mapping(row, "object")
    metadata = _mapping(obj, "metadata")
    name = str(metadata.get("name") or cells.get("name", ""))
    if not name:
        return None
    labels = _mapping(metadata, "labels")
    status_words = [w.strip() for w in cells.get("status", "").split(",") if w.strip()]
    ready = status_words[:1] == ["Ready"]
    addresses = [{"type": kind, "address": cells[column]}
                 for kind, column in (("InternalIP", "internal-ip"), ("ExternalIP", "external-ip"))
                 if cells.get(column)]
    node: dict[str, Any] = {
        ROW_MARK: ROW,
        "metadata": {k: metadata[k] for k in _KEEP_METADATA if k in metadata} | {"name": name},
        "spec": {"unschedulable": True} if "SchedulingDisabled" in status_words else {},
        "status": {
            # "Unknown" when the kubelet never posted a Ready condition; NotReady rows are read whole.
            "conditions": [{"type": "Ready", "status": "True" if ready else (status_words[:1] or ["Unknown"])[0]}],
            "nodeInfo": {
                "kubeletVersion": cells.get("version", ""),
                "containerRuntimeVersion": cells.get("container-runtime", ""),
                "kernelVersion": cells.get("kernel-version", ""),
                "osImage": cells.get("os-image", ""),
                "operatingSystem": str(labels.get("kubernetes.io/os", "")),
                "architecture": str(labels.get("kubernetes.io/arch", "")),
            },
            "addresses": addresses,
        },
    }
    return node
