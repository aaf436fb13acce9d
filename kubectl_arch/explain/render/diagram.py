"""``kubectl arch explain -o svg|html``: the cluster's architecture as one picture.

The control plane on top (controllers -> API server -> etcd), the API endpoint under it and the node
groups at the bottom, their arrows converging on the endpoint: every arrow ends at the API server and
only the API server's reaches etcd. Nodes are grouped by role, zone, kubelet version and runtime, so a
5,000-node cluster is a handful of boxes. Geometry is computed here; ``output.pictures`` draws it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.request import ExplainView
from kubectl_arch.explain.views import (
    CNI,
    DEGRADED,
    DNS,
    DOWN,
    HEALTHY,
    HIDDEN,
    KUBE_PROXY,
    NONE,
    ComponentView,
)
from kubectl_arch.model.components import (
    CLOUD_CONTROLLER_MANAGER,
    ETCD,
    KUBE_APISERVER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_SCHEDULER,
)
from kubectl_arch.model.facts import EMBEDDED_ETCD, EXTERNAL_ETCD, STACKED_ETCD, LeaderElectionFacts
from kubectl_arch.model.nodes import NodeInfo
from kubectl_arch.model.versions import minor_skew, parse_version
from kubectl_arch.output import pictures
from kubectl_arch.output.pictures import BAD, INFO, OFF, OK, WARN, Arrow, Box, Label, Line, Scene
from kubectl_arch.output.pictures import HIDDEN as HIDDEN_STATE
from kubectl_arch.wording import plural

WIDTH = 1080.0
MARGIN = 20.0
GAP = 18.0
INSET = 16.0  # between a boundary and the boxes inside it
HEAD = 36.0  # a boundary's title band
MAX_INSTANCES = 3  # instance lines per component box; the rest are counted and listed in the tooltip
MAX_GROUPS = 8  # node-group boxes before smaller groups are merged
GROUPS_PER_ROW = 4
MAX_TOOLTIP_NODES = 40
ZONE_LABEL = "topology.kubernetes.io/zone"
KUBELET_MAX_SKEW = 3

_STATES = {HEALTHY: OK, DEGRADED: WARN, DOWN: BAD, HIDDEN: HIDDEN_STATE, NONE: OFF}
_WORDS = {OK: "healthy", WARN: "degraded", BAD: "down", OFF: "none", HIDDEN_STATE: "hidden"}


def box_height(lines: int, datastore: bool = False) -> float:
    extra = 14.0 if datastore else 0.0
    return pictures.PAD * 2 + pictures.TITLE_SIZE + 4 + lines * pictures.LINE_HEIGHT + extra


def state_of(view: ComponentView) -> str:
    return _STATES.get(view.health, WARN)


# ---------------------------------------------------------------- component boxes


def _instance_lines(view: ComponentView) -> list[Line]:
    lines = []
    for instance in view.instances[:MAX_INSTANCES]:
        mark = "✓" if instance.ready else "✗"
        lead = " (leader)" if instance.leader else ("" if instance.ready else " not ready")
        lines.append(Line(f"{mark} {instance.node or instance.pod or '?'}", "" if instance.ready else BAD, suffix=lead))
    hidden = len(view.instances) - MAX_INSTANCES
    if hidden > 0:
        down = sum(1 for i in view.instances[MAX_INSTANCES:] if not i.ready)
        lines.append(Line(f"+{hidden} more" + (f", {down} not ready" if down else ""), BAD if down else ""))
    return lines


def _tooltip(view: ComponentView) -> list[str]:
    tips = [f"{i.node or '?'}{' (' + i.pod + ')' if i.pod else ''}: {'ready' if i.ready else 'NOT READY'}"
            f"{', leader' if i.leader else ''}{', ' + plural(i.restarts, 'restart') if i.restarts else ''}"
            for i in view.instances[:MAX_TOOLTIP_NODES]]
    unread = [f"not read: {view.unknown}"] if view.unknown else []
    leader = [f"leader: {view.leader.holder_node or view.leader.holder}"] if view.leader and view.leader.held else []
    return [*unread, *leader, *tips, *(f"evidence: {e}" for e in view.evidence), *(f"note: {n}" for n in view.notes)]


def component_lines(view: ComponentView, election: LeaderElectionFacts | None = None) -> list[Line]:
    """What a control-plane component's box says: count, health, version, leader, instances.

    ``election`` is the fact base's record of its leader election: a Lease that could not be read is
    said to be unknown, not left out as if the component had no leader."""
    state = state_of(view)
    if view.unknown:  # its pods could not be read: not hidden, not none
        lines = [Line("not known: could not be read", WARN), Line(view.unknown, WARN)]
        if view.leader is not None and view.leader.held:  # the Lease was read: the leader is known
            lines.append(Line(f"leader: {view.leader.holder_node or view.leader.holder}"))
        return lines
    if view.replicas is None:
        lines = [Line("run by the provider", HIDDEN_STATE), Line("not visible through the API", OFF)]
        lines += _version_lines(view)
        if view.leader is not None and view.leader.held:
            lines.append(Line(f"leader: {view.leader.holder_node or view.leader.holder}"))
        return lines
    if view.replicas == 0:
        if view.name == CLOUD_CONTROLLER_MANAGER:
            return [Line("none found", OFF), Line("normal without a cloud provider", OFF)]
        return [Line("none found", OFF)]
    lines = [Line(f"{view.ready}/{view.replicas} ready · {_WORDS.get(state, view.health)}", state, bold=True)]
    lines += _version_lines(view)
    if view.leader is not None:
        if view.leader.held:
            lines.append(Line(f"leader: {view.leader.holder_node or view.leader.holder}"))
        else:
            lines.append(Line("no leader: Lease expired", BAD))
    elif election is not None and election.settings.enabled and election.problem:
        lines.append(Line("leader: no Lease found", WARN) if election.problem == "does not exist"
                     else Line("leader: not known", WARN))
    return lines + _instance_lines(view)


def _version_lines(view: ComponentView, mixed: str = WARN) -> list[Line]:
    """The versions (``mixed`` the state of several), and where they were read when not from the component's own
    pods: never /version's answer (one API server's) or an operator's report passed off as the instances'."""
    if not view.versions:
        return []
    origin = f" (from {view.version_origin})" if view.version_origin else ""
    return [Line(f"version {', '.join(view.versions)}{origin}", mixed if len(view.versions) > 1 else "")]


def _component_box(view: ComponentView, cluster: ClusterMap, extra: Sequence[Line] = ()) -> Box:
    election = cluster.facts.leader_election.get(view.name)
    lines = component_lines(view, election) + list(extra)
    state = state_of(view)
    if any(line.state == BAD for line in extra) and state == OK:
        state = WARN
    badge = "missing" if view.replicas == 0 and view.name in (KUBE_APISERVER, KUBE_SCHEDULER,
                                                                KUBE_CONTROLLER_MANAGER) and not cluster.managed else ""
    if badge == "missing":
        state = BAD
    return Box(0, 0, 0, box_height(len(lines)), title=view.name, lines=lines, state=state, tooltip=_tooltip(view),
               badge=badge, ident=f"component-{view.name}")


def _readyz_lines(cluster: ClusterMap) -> list[Line]:
    readyz = cluster.readyz
    if readyz.ok is True:
        return [Line("/readyz ok", OK)]
    if readyz.ok is False:
        return [Line("/readyz failing: " + (", ".join(readyz.failed) or "(no detail)"), BAD)]
    return [Line("/readyz not read", OFF)]


def _datastore_box(cluster: ClusterMap) -> Box:
    """The datastore as the fact base has it: members, quorum and what is not visible (its leader lives in etcd)."""
    store, view = cluster.datastore, cluster.component(ETCD)
    failing = [c for c in cluster.readyz.failed if c.startswith("etcd")]
    if cluster.managed and store.members is None:
        lines = [Line("run by the provider", HIDDEN_STATE), Line("members and quorum", OFF), Line("not visible", OFF)]
        return Box(0, 0, 0, box_height(len(lines), True), "etcd", lines, HIDDEN_STATE, _tooltip(view),
                   kind="datastore", ident="datastore")
    if view.unknown and store.members is None:  # the pods it would be found by could not be read: not "none"
        lines = [Line("not known:", WARN, bold=True), Line("could not be read", WARN), Line(view.unknown, WARN)]
        return Box(0, 0, 0, box_height(len(lines), True), "datastore", lines, WARN, _tooltip(view),
                   kind="datastore", ident="datastore")
    if store.members is None:
        hint = ("no node has the etcd role: k3s then keeps its state in SQLite or an external database (kine)"
                if cluster.distribution.name == "k3s" else "no etcd pods and no --etcd-servers flag visible")
        lines = [Line("not visible through the API", OFF), *[Line(text, OFF) for text in pictures.wrap(hint, 200)]]
        return Box(0, 0, 0, box_height(len(lines), True), "datastore", lines, OFF,
                   [hint, *store.evidence, *_tooltip(view)], kind="datastore", ident="datastore")
    state = state_of(view)
    ready = f" · {store.ready}/{store.members} ready" if store.ready is not None else ""
    lines = [Line(f"{plural(store.members, 'member')}{ready}", state, bold=True)]
    tolerated = store.failures_tolerated or 0
    lines.append(Line(f"quorum: {store.quorum} of {store.members}"))
    lines.append(Line(f"tolerates {plural(tolerated, 'failure')}", WARN if not tolerated else ""))
    if store.kind == EXTERNAL_ETCD:
        lines.append(Line("outside the cluster: health not visible", OFF))
    lines.append(Line("leader: not in the API", OFF))
    lines += _version_lines(view, mixed="")
    if store.kind == EXTERNAL_ETCD:
        lines += [Line(endpoint) for endpoint in store.endpoints[:MAX_INSTANCES]]
    else:
        lines += _instance_lines(view)
    if failing:
        lines += [Line("API server /readyz:", BAD), Line(f"{failing[0]} check failing", BAD)]
        state = BAD if state == BAD else WARN
    title = {STACKED_ETCD: "etcd (stacked)", EXTERNAL_ETCD: "etcd (external)",
             EMBEDDED_ETCD: "etcd (embedded in k3s)"}.get(store.kind, "etcd")
    return Box(0, 0, 0, box_height(len(lines), True), title, lines, state, [*store.evidence, *_tooltip(view)],
               kind="datastore", ident="datastore")


# ---------------------------------------------------------------- node groups


@dataclass
class NodeGroup:
    """Nodes that look alike: same role, zone, kubelet version and runtime."""

    role: str
    zone: str
    kubelet: str
    runtime: str
    nodes: list[NodeInfo] = field(default_factory=list)


def _role(node: NodeInfo) -> str:
    if node.control_plane:
        return "control-plane"
    roles = [r for r in node.roles if r not in ("worker",)]
    return ",".join(roles) if roles else "worker"


def node_groups(nodes: Sequence[NodeInfo], limit: int = MAX_GROUPS) -> list[NodeGroup]:
    """Group alike nodes; coarser keys when there are too many groups, the smallest merged as a last resort."""
    keys: list[Callable[[NodeInfo], tuple[str, str, str, str]]] = [
        lambda n: (_role(n), n.labels.get(ZONE_LABEL, ""), n.kubelet_version, n.container_runtime),
        lambda n: (_role(n), "", n.kubelet_version, n.container_runtime),
        lambda n: (_role(n), "", n.kubelet_version, ""),
        lambda n: (_role(n), "", "", ""),
    ]
    for key in keys:
        groups: dict[tuple[str, str, str, str], NodeGroup] = {}
        for node in nodes:
            k = key(node)
            groups.setdefault(k, NodeGroup(*k)).nodes.append(node)
        if len(groups) <= limit:
            break
    ordered = sorted(groups.values(), key=lambda g: (g.role != "control-plane", -len(g.nodes), g.role, g.zone,
                                                      g.kubelet, g.runtime))
    if len(ordered) > limit:
        rest = [n for g in ordered[limit - 1:] for n in g.nodes]
        ordered = [*ordered[: limit - 1], NodeGroup("other", "", "", "", rest)]
    return ordered


def _on(view: ComponentView, names: set[str]) -> tuple[int, int]:
    here = [i for i in view.instances if i.node in names]
    return sum(1 for i in here if i.ready), len(here)


def _group_box(group: NodeGroup, cluster: ClusterMap) -> Box:
    nodes = group.nodes
    names = {n.name for n in nodes}
    ready = sum(1 for n in nodes if n.ready)
    state = OK if ready == len(nodes) else (BAD if ready == 0 else WARN)
    lines = [Line(f"{ready}/{len(nodes)} Ready", state, bold=True)]
    not_ready = [n.name for n in nodes if not n.ready]
    if not_ready:
        lines.append(Line("✗ NotReady: " + ", ".join(not_ready), BAD))
    pressured = [f"{n.name} {p}" for n in nodes for p in n.pressures]
    if pressured:
        lines.append(Line("pressure: " + ", ".join(pressured), WARN))
        state = WARN if state == OK else state
    if group.zone:
        lines.append(Line(f"zone {group.zone}"))
    lines.append(_kubelet_line(nodes, cluster.version))
    if lines[-1].state:
        state = WARN if state == OK else state
    runtimes = sorted({n.container_runtime.replace("://", " ") for n in nodes if n.container_runtime})
    lines.append(Line(", ".join(runtimes) or "runtime unknown", "" if runtimes else OFF))
    cni = _addon_line(cluster.component(CNI), "CNI", names, cluster.facts.cni.kind)
    for line in (_proxy_line(cluster, names), cni):
        lines.append(line)
        if line.state == BAD:
            state = WARN if state == OK else state
    dns_ready, dns_here = _on(cluster.component(DNS), names)
    if dns_here:
        dns = cluster.component(DNS)
        lines.append(Line(f"DNS {dns.kind or ''}: {plural(dns_here, 'pod')} here"
                          + ("" if dns_ready == dns_here else f", {dns_here - dns_ready} not ready"),
                          "" if dns_ready == dns_here else BAD))
    listed = sorted(names)
    tooltip = [*listed[:MAX_TOOLTIP_NODES]] + ([f"and {len(listed) - MAX_TOOLTIP_NODES} more"]
                                               if len(listed) > MAX_TOOLTIP_NODES else [])
    lines.append(Line(", ".join(listed[:3]) + (f", +{len(listed) - 3} more" if len(listed) > 3 else ""), OFF))
    title = f"{group.role} nodes ×{len(nodes)}" if group.role != "other" else f"other nodes ×{len(nodes)}"
    return Box(0, 0, 0, box_height(len(lines)), title, lines, state, tooltip, ident=f"nodes-{group.role}")


def _node_count(cluster: ClusterMap) -> str:
    """How many nodes and how many Ready, as the fact base counted them (unknown when they could not be read)."""
    if cluster.nodes_unknown:
        return f"not known (nodes could not be read: {cluster.nodes_unknown})"
    return f"{plural(cluster.facts.nodes, 'node')}, {cluster.facts.ready_nodes} Ready"


def _dns_summary(cluster: ClusterMap) -> str:
    """Cluster DNS as the fact base has it: its kind and ready replicas, or why it is not known."""
    dns, view = cluster.facts.dns, cluster.component(DNS)
    if dns.kind:
        return f"DNS {dns.kind} {dns.ready}/{dns.desired} ready"
    if dns.desired is None:  # its Deployment could not be read
        return f"DNS not known ({view.unknown or 'not read'})"
    return "no cluster DNS found: Service names will not resolve"


def _kubelet_line(nodes: Sequence[NodeInfo], api_version: str | None) -> Line:
    versions = sorted({n.kubelet_version for n in nodes if n.kubelet_version})
    api = parse_version(api_version)
    skewed = []
    for version in versions:
        parsed = parse_version(version)
        if api is not None and parsed is not None:
            skew = minor_skew(api, parsed)
            if skew < 0 or skew > KUBELET_MAX_SKEW:
                skewed.append(version)
    text = "kubelet " + (", ".join(versions) or "version unknown")
    if skewed:
        return Line(text + " (outside skew policy)", WARN)
    return Line(text, "" if versions else OFF)


def _proxy_line(cluster: ClusterMap, names: set[str]) -> Line:
    proxy, view = cluster.facts.service_proxy, cluster.component(KUBE_PROXY)
    if proxy.mode in ("absent", "unknown") and view.unknown:
        return Line(f"kube-proxy not known ({view.unknown})", WARN)
    if proxy.mode == "replaced":
        return Line(f"no kube-proxy: {proxy.replaced_by or cluster.component(CNI).kind or 'the CNI'} replaces it",
                    INFO)
    if proxy.mode == "absent":
        return Line("no kube-proxy found", WARN)
    ready, here = _on(view, names)
    mode = proxy.mode if proxy.mode != "unknown" else "mode unknown"
    if not here:
        return Line(f"kube-proxy {mode}")
    return Line(f"kube-proxy {mode} · {ready}/{here} ready", "" if ready == here else BAD)


def _addon_line(view: ComponentView, label: str, names: set[str], kind: str | None = None) -> Line:
    """An add-on in a node group: its kind (the fact base's when given), and how many of its pods run here."""
    kind = kind or view.kind or "unknown"
    if view.unknown and not view.kind:  # its DaemonSet could not be read: not "none found"
        return Line(f"{label} not known ({view.unknown})", WARN)
    if view.replicas == 0:
        return Line(f"{label}: none found", BAD)
    ready, here = _on(view, names)
    if not here:
        return Line(f"{label} {kind}")
    return Line(f"{label} {kind} · {ready}/{here} ready", "" if ready == here else BAD)


# ---------------------------------------------------------------- layout


def _row(boxes: Sequence[Box], x: float, y: float, width: float, gap: float = GAP, columns: int = 0) -> float:
    """Place boxes side by side across ``width`` (in ``columns`` slots, default one per box), all as tall as the
    tallest; returns the row's bottom."""
    if not boxes:
        return y
    slots = max(columns, len(boxes))
    each = (width - gap * (slots - 1)) / slots
    height = max(b.h for b in boxes)
    for index, box in enumerate(boxes):
        box.x, box.y, box.w, box.h = x + index * (each + gap), y, each, height
    return y + height


def architecture_scene(cluster: ClusterMap, header: bool = True) -> Scene:
    """The whole picture: header (left out inside a page that has its own), control plane, API endpoint,
    node groups, legend."""
    scene = Scene(WIDTH, 0, title=_title(cluster), description=_description(cluster), kind="architecture")
    inner_x, inner_w = MARGIN + INSET, WIDTH - 2 * (MARGIN + INSET)
    y = MARGIN
    if header:
        scene.labels += [Label(MARGIN, 34, scene.title, "ka-heading"),
                         Label(MARGIN, 54, pictures.fit(f"{cluster.server} · {cluster.source}", WIDTH - 2 * MARGIN),
                               "ka-sub", tooltip=f"{cluster.server} · {cluster.source}")]
        y = 72.0

    # The control plane: controllers over the API server, etcd on the right.
    managed = cluster.managed
    plane = Box(MARGIN, y, WIDTH - 2 * MARGIN, 0, kind="boundary", state=HIDDEN_STATE if managed else OK,
                title=(f"Control plane: run by {cluster.distribution.managed_by}, hidden from the API" if managed
                       else "Control plane · the Brain: decides what runs where"))
    etcd_w = 210.0
    left_w = inner_w - etcd_w - 84
    controllers = [_component_box(cluster.component(name), cluster) for name in
                   (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER, CLOUD_CONTROLLER_MANAGER)]
    row_a = _row(controllers, inner_x, y + HEAD, left_w)
    api = _component_box(cluster.component(KUBE_APISERVER), cluster, _readyz_lines(cluster))
    api.x, api.y, api.w = inner_x, row_a + 46, left_w
    datastore = _datastore_box(cluster)
    datastore.x, datastore.y, datastore.w = inner_x + left_w + 84, y + HEAD, etcd_w
    datastore.h = max(datastore.h, api.bottom - datastore.y)
    api.h = max(api.h, datastore.bottom - api.y)
    plane.h = max(api.bottom, datastore.bottom) + INSET - y
    scene.boxes += [plane, *controllers, api, datastore]
    for box in controllers:
        scene.arrows.append(Arrow([(box.cx, box.bottom), (box.cx, api.y)], dashed=box.state in (OFF, HIDDEN_STATE),
                                  label=f"{box.title} watches and writes through the API server"))
    etcd_y = api.y + min(api.h / 2, 40)
    scene.arrows.append(Arrow([(api.right, etcd_y), (datastore.x, etcd_y)], state=BAD if datastore.state == BAD
                              else "", dashed=datastore.state in (OFF, HIDDEN_STATE),
                              label="only the API server reads and writes etcd"))
    scene.labels.append(Label(api.right + 6, etcd_y + 14, "only the API", "ka-arrow-label"))
    scene.labels.append(Label(api.right + 6, etcd_y + 27, "server talks", "ka-arrow-label"))
    store = "to etcd" if cluster.datastore.members is not None or cluster.managed else "to its store"
    scene.labels.append(Label(api.right + 6, etcd_y + 40, store, "ka-arrow-label"))
    y = plane.bottom + 44

    # The API endpoint every client uses, and the clients beside it.
    endpoint = _endpoint_box(cluster)
    endpoint.w = 340.0
    endpoint.x, endpoint.y = api.cx - endpoint.w / 2, y
    clients = Box(endpoint.right + 70, y, 230.0, endpoint.h, "kubectl, CI, operators",
                  [Line("everyone outside the cluster"), Line("uses the same endpoint")], INFO,
                  ["kubectl reads the server address from the kubeconfig"], ident="clients")
    scene.boxes += [endpoint, clients]
    scene.arrows.append(Arrow([(endpoint.cx, endpoint.y), (endpoint.cx, api.bottom)],
                              label="HTTPS to the API server(s)"))
    scene.arrows.append(Arrow([(clients.x, clients.cy), (endpoint.right, clients.cy)], label="kubectl -> API"))
    y = endpoint.bottom + 50

    # The node layer: groups in rows of up to four; their arrows rise to the endpoint.
    groups = [_group_box(group, cluster) for group in node_groups(cluster.nodes)]
    seen: dict[str, int] = {}
    for box in groups:  # one id per box: a role split by zone or version is several groups
        seen[box.ident] = seen.get(box.ident, 0) + 1
        box.ident += f"-{seen[box.ident]}" if seen[box.ident] > 1 else ""
    nodes_boundary = Box(MARGIN, y, WIDTH - 2 * MARGIN, 0, kind="boundary", state=OK, title_below=True,
                         title=f"Nodes · the Muscle: {_node_count(cluster)} · {_dns_summary(cluster)}")
    row_y = y + INSET
    if not groups:
        empty = Box(inner_x, row_y, inner_w, box_height(1), "no nodes", [Line(
            "no Node objects were read" if not cluster.skipped else "nodes could not be read: see below", WARN)],
            WARN, ident="nodes-none")
        groups = [empty]
        row_y = empty.bottom
    else:
        columns = min(GROUPS_PER_ROW, max(2, len(groups)))
        for start in range(0, len(groups), columns):
            row_y = _row(groups[start:start + columns], inner_x, row_y, inner_w, columns=columns) + GAP
        row_y -= GAP
    nodes_boundary.h = row_y + HEAD - 8 - y
    scene.boxes.insert(0, nodes_boundary)
    scene.boxes += groups
    bus = endpoint.bottom + 25
    scene.arrows += _node_arrows(groups, endpoint, bus)
    scene.labels.append(Label(endpoint.cx + 8, bus - 6, "every node's kubelet, kube-proxy and CNI agent call the API "
                              "here", "ka-arrow-label"))
    y = nodes_boundary.bottom + 26
    y = _footer(scene, cluster, y)
    scene.height = y + MARGIN
    return scene


def _node_arrows(groups: Sequence[Box], endpoint: Box, bus: float) -> list[Arrow]:
    """Each node group's arrow up to the bus under the endpoint; groups in lower rows climb through the
    gaps between the boxes above them."""
    arrows = []
    first_row_y = min(box.y for box in groups)
    above = [box for box in groups if box.y == first_row_y]
    gaps = [(left.right + right.x) / 2 for left, right in itertools.pairwise(above)]
    label = "kubelets, kube-proxy, CNI agents and DNS watch the API"
    for box in groups:
        if box.y == first_row_y:
            arrows.append(Arrow([(box.cx, box.y), (box.cx, bus), (endpoint.cx, bus), (endpoint.cx, endpoint.bottom)],
                                label))
            continue
        if not gaps:
            continue
        gap = min(gaps, key=lambda g: abs(g - box.cx))
        start = min(max(gap, box.x + pictures.PAD), box.right - pictures.PAD)
        turn = box.y - GAP / 2
        arrows.append(Arrow([(start, box.y), (start, turn), (gap, turn), (gap, bus), (endpoint.cx, bus),
                             (endpoint.cx, endpoint.bottom)], label))
    return arrows


def _endpoint_box(cluster: ClusterMap) -> Box:
    api = cluster.component(KUBE_APISERVER)
    lines = [Line(cluster.server or "server unknown", bold=True)]
    if cluster.apiserver_endpoints:
        lines.append(Line(f"default/kubernetes: {plural(len(cluster.apiserver_endpoints), 'address', 'addresses')}"))
    if api.replicas is None and api.managed:
        lines.append(Line("the provider's load balancer", HIDDEN_STATE))
    elif (api.replicas or 0) > 1:
        lines.append(Line(f"spreads clients over {api.replicas} API servers"))
    tooltip = [f"address {a}" for a in cluster.apiserver_endpoints[:MAX_TOOLTIP_NODES]]
    return Box(0, 0, 0, box_height(len(lines)), "API endpoint / load balancer", lines, INFO, tooltip,
               ident="endpoint")


def _footer(scene: Scene, cluster: ClusterMap, y: float) -> float:
    legend = [(OK, "■ healthy"), (WARN, "■ degraded"), (BAD, "■ down / failing"), (OFF, "■ none found"),
              (HIDDEN_STATE, "■ hidden (managed)"), (INFO, "■ endpoint / clients")]
    x = MARGIN
    for state, text in legend:
        scene.labels.append(Label(x, y, text, f"ka-text-{state} ka-legend"))
        x += pictures.text_width(text) + 22
    for reason in cluster.skipped:
        for line in pictures.wrap(f"not read: {reason}", WIDTH - 2 * MARGIN):
            y += pictures.LINE_HEIGHT
            scene.labels.append(Label(MARGIN, y, line, "ka-text-warn"))
    return y


def _title(cluster: ClusterMap) -> str:
    version = cluster.version or "version unknown"
    return f"Cluster {version} · {cluster.distribution_words}"


def _description(cluster: ClusterMap) -> str:
    api = cluster.component(KUBE_APISERVER)
    count = "an unknown number of" if api.unknown else "hidden" if api.replicas is None else str(api.replicas)
    nodes = "an unknown number of nodes" if cluster.nodes_unknown else plural(cluster.facts.nodes, "node")
    return (f"Architecture of the {cluster.distribution.name} cluster at {cluster.server}: {count} API server(s), "
            f"{nodes}. Controllers, kubelets and clients reach the API server through "
            "its endpoint; only the API server talks to etcd.")


def explain_svg(cluster: ClusterMap) -> str:
    return pictures.svg(architecture_scene(cluster))


def explain_html(cluster: ClusterMap) -> str:
    """A page of its own: the diagram, then the notes the analysis made (skew, spread, external etcd)."""
    from markupsafe import Markup

    scene = architecture_scene(cluster, header=False)
    notes = [(view.name, note) for view in cluster.components for note in view.notes]
    return pictures.render("explain.html.j2", title=scene.title, subtitle=f"{cluster.server} · {cluster.source}",
                           picture=Markup(pictures.svg(scene, standalone=False)), notes=notes,
                           skipped=cluster.skipped, source=cluster.source)


def render(view: ExplainView, format_name: str) -> None:
    """``-o svg`` or ``-o html`` of the overview (the command refuses them with a page or a story)."""
    import click

    click.echo((explain_html if format_name == "html" else explain_svg)(view.cluster_map), nl=False)
