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
_KEEP_METADATA = ("name", "labels", "annotations")  # k3s states its setup in annotations; no reader asks a node's age
_KEEP_SPEC = ("taints", "unschedulable", "providerID")
_KEEP_NODE_INFO = ("kubeletVersion", "containerRuntimeVersion", "kernelVersion", "osImage", "operatingSystem",
                   "architecture")
_KEEP_CONDITION = ("type", "status", "reason", "message")
_KEEP_ADDRESS_TYPES = ("InternalIP", "ExternalIP")  # what a Table row carries too; Hostname repeats the name
HOSTNAME_LABEL = "kubernetes.io/hostname"
# Whole nodes on a big cluster are read 250 to a page, not 500: a real Node object parses into ~50 objects
# (images, capacity, managedFields), and the page being parsed is a large part of a 65,000-node audit's peak
# memory (500 a page: 201 MB peak RSS after collection; 250: 187 MB). Pages are sequential, so a smaller page
# is a round trip more per 500 nodes: clusters under 10,000 nodes keep pages of 500 (at 1,000 nodes and
# 100 ms a round trip, pages of 250 made audit ~0.45 s slower).
WHOLE_NODES_LONG_LIST = (10_000, 250)


class SharedValues:
    """Equal parts of many nodes held once: a cluster's nodes mostly repeat the same nodeInfo, conditions,
    annotations, taints and label values, and at 65,000 nodes a copy of each per node is most of the memory.

    Node data is read-only once collected (analysis is pure functions over it), so sharing is invisible;
    code that must change one node's part builds a new value instead of editing the shared one.
    """

    def __init__(self) -> None:
        self._held: dict[Any, Any] = {}

    def share(self, value: Any) -> Any:
        """The one held value equal to ``value`` (held now if it is the first)."""
        try:
            return self._held.setdefault(_frozen(value), value)
        except TypeError:  # a value of a shape JSON does not give: kept as it is
            return value

    def labels(self, labels: Mapping[str, Any], name: str) -> Any:
        """A node's labels, held once for all nodes that carry the same ones: ``kubernetes.io/hostname`` is
        left out where it repeats the node's name (the one label that differs on every node of a pool, and
        one no analysis reads), so a pool's nodes share one dict instead of each holding a copy."""
        return self.share({key: value for key, value in labels.items()
                           if not (key == HOSTNAME_LABEL and value == name)})


def _frozen(value: Any) -> Any:
    """A hashable key equal for equal JSON values, of a different type for each JSON type (1 is not True).

    The exact types JSON gives are tried first: a node is some 40 values, and an ABC check on each was most of
    the cost of compacting it."""
    kind = type(value)
    if kind is str:
        return "str", value
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        return "{}", tuple(sorted([(str(k), _frozen(v)) for k, v in value.items()]))
    if kind is list or isinstance(value, list):
        return "[]", tuple([_frozen(v) for v in value])
    return kind.__name__, value


def compact_node(node: Mapping[str, Any], shared: SharedValues | None = None) -> dict[str, Any]:
    """A node with only the fields analysis reads (no images, managedFields, capacity, heartbeats); equal
    parts of the nodes read in one list are held once (``SharedValues``)."""
    pool = shared or SharedValues()
    metadata = _mapping(node, "metadata")
    spec = _mapping(node, "spec")
    status = _mapping(node, "status")
    out: dict[str, Any] = {k: node[k] for k in ("kind", "apiVersion", ROW_MARK) if k in node}
    out["metadata"] = _compact_metadata(metadata, pool)
    out["spec"] = pool.share({k: spec[k] for k in _KEEP_SPEC if k in spec})
    info = _mapping(status, "nodeInfo")
    conditions = _list(status, "conditions")
    out["status"] = {
        "conditions": pool.share([{k: c[k] for k in _KEEP_CONDITION if k in c}
                                  for c in conditions if isinstance(c, Mapping)]),
        "nodeInfo": pool.share({k: info[k] for k in _KEEP_NODE_INFO if k in info}),
        "addresses": [address for address in _list(status, "addresses")
                      if isinstance(address, Mapping) and address.get("type") in _KEEP_ADDRESS_TYPES],
    }
    return out


def _compact_metadata(metadata: Mapping[str, Any], pool: SharedValues) -> dict[str, Any]:
    kept = {k: metadata[k] for k in _KEEP_METADATA if k in metadata}
    if isinstance(kept.get("labels"), Mapping):
        kept["labels"] = pool.labels(kept["labels"], str(kept.get("name", "")))
    if "annotations" in kept:
        kept["annotations"] = pool.share(kept["annotations"])
    return kept


def read_nodes_full(source: Source) -> Response:
    """Every node object, page by page, compacted as each page arrives."""
    shared = SharedValues()
    return list_all(source, NODES_PATH, keep=lambda node: compact_node(node, shared), long_list=WHOLE_NODES_LONG_LIST)


def read_nodes_lean(source: Source) -> Response:
    """Nodes as Table rows, with full objects only for the rows that need more (see the module doc)."""
    reader = table_reader(source)
    if reader is None:
        return read_nodes_full(source)
    nodes: list[dict[str, Any]] = []
    shared = SharedValues()
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
            nodes.extend(node for row in rows if (node := node_from_row(columns, row, shared)))
        else:  # the server does not print Tables: it sent the objects themselves
            nodes.extend(compact_node(item, shared) for item in page.items)
    wanted = rows_needing_objects(nodes)
    answers = gather([_getter(source, f"{NODES_PATH}/{raw_name(nodes[i])}") for i in wanted], max_in_flight(source))
    if any(not (answer.ok and isinstance(answer.data, dict)) for answer in answers):
        # The list worked and a GET did not (an account may list nodes and not get one): the whole list
        # serves what the GETs were for (control-plane taints, NotReady reasons, the providerID).
        whole = read_nodes_full(source)
        if whole.ok:
            return whole
    for index, answer in zip(wanted, answers, strict=True):
        if answer.ok and isinstance(answer.data, dict):
            nodes[index] = compact_node(answer.data, shared)
        else:  # keep the row; say why its detail is missing (new conditions: the row's are shared)
            status = nodes[index]["status"]
            why = f"the node object could not be read: {answer.error or answer.status}"
            status["conditions"] = [{**condition, "reason": why} for condition in status["conditions"]]
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


def node_from_row(columns: list[str], row: Any, shared: SharedValues | None = None) -> dict[str, Any] | None:
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
    pool = shared or SharedValues()
    node: dict[str, Any] = {
        ROW_MARK: ROW,
        "metadata": _compact_metadata(metadata, pool) | {"name": name},
        "spec": pool.share({"unschedulable": True} if "SchedulingDisabled" in status_words else {}),
        "status": {
            # "Unknown" when the kubelet never posted a Ready condition; NotReady rows are read whole.
            "conditions": pool.share([{"type": "Ready",
                                       "status": "True" if ready else (status_words[:1] or ["Unknown"])[0]}]),
            "nodeInfo": pool.share({
                "kubeletVersion": cells.get("version", ""),
                "containerRuntimeVersion": cells.get("container-runtime", ""),
                "kernelVersion": cells.get("kernel-version", ""),
                "osImage": cells.get("os-image", ""),
                "operatingSystem": str(labels.get("kubernetes.io/os", "")),
                "architecture": str(labels.get("kubernetes.io/arch", "")),
            }),
            "addresses": addresses,
        },
    }
    return node
