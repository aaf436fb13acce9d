"""The terminal view of ``kubectl arch explain``: both layers as tables, the nodes, and the HA diagram.

Formatting only: every fact comes from the ClusterMap. Colour marks health on a terminal; the words
carry the same meaning when plain (NO_COLOR, pipes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import page_for_component
from kubectl_arch.explain.views import (
    CONTROL_PLANE,
    DEGRADED,
    DOWN,
    HEALTHY,
    HIDDEN,
    KUBE_PROXY,
    NODE_LAYER,
    VERSION_ORIGIN_MEANING,
    ComponentView,
)
from kubectl_arch.model.leases import LeaseInfo
from kubectl_arch.model.nodes import NodeInfo
from kubectl_arch.output.console import trimmed_lines
from kubectl_arch.output.sanitise import from_markup, markup
from kubectl_arch.output.tables import (
    Column,
    Stacked,
    first_fitting,
    fits,
    fold_or_drop,
    fold_to_fit,
    kubectl_table,
    standouts_and_alike,
    without,
)
from kubectl_arch.wording import listed, plural

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table

HEALTH_STYLE = {HEALTHY: "green", DEGRADED: "yellow", DOWN: "bold red", HIDDEN: "dim"}
MAX_LISTED_NODES = 5  # beyond this, WHERE says "N nodes" instead of listing them


def health_cell(view: ComponentView) -> str:
    if view.unknown:
        return f"[yellow]unknown[/]\n[dim]{markup(view.unknown)}[/]"
    style = HEALTH_STYLE.get(view.health, "")
    return f"[{style}]{view.health}[/]" if style else view.health


def ready_cell(view: ComponentView) -> str:
    """kubectl's READY: ready/replicas ("hidden" for a managed control plane, "0" when there is none)."""
    if view.unknown:
        return "?"
    if view.replicas is None:
        return "hidden" if view.managed else "?"
    return f"{view.ready if view.ready is not None else '?'}/{view.replicas}" if view.replicas else "0"


def where_cell(view: ComponentView, counts_only: bool = False) -> str:
    """Node names one per line when few; "all N nodes" for what runs everywhere; the placement otherwise.

    ``counts_only`` says "N nodes" instead of listing names, for terminals too narrow to show them whole.
    """
    if view.unknown:
        return "?"
    if view.replicas is None:
        return "provider" if view.managed else markup(view.placement) if view.placement else "?"
    nodes = view.where
    everywhere = bool(view.placement and view.placement.startswith("all "))
    if len(view.instances) < (view.replicas or 0) or everywhere or not nodes:
        return markup(view.placement) if view.placement else (plural(len(nodes), "node") if nodes else "-")
    if counts_only or len(nodes) > MAX_LISTED_NODES:
        return plural(len(nodes), "node")
    return "\n".join(markup(node) for node in nodes)


def leader_text(lease: LeaseInfo) -> tuple[str, str]:
    """Who holds a leader Lease (short host name) and how fresh it is, or why nobody does."""
    if not lease.held:
        return "[bold red]none[/]", "lease expired"
    age = f"{lease.renew_age_seconds:.0f}s ago" if lease.renew_age_seconds is not None else "at an unknown time"
    holder = (lease.holder_node or "?").split(".", 1)[0]  # ip-10-0-0-1.ec2.internal -> ip-10-0-0-1
    return markup(holder), f"renewed {age}"


def leader_cell(view: ComponentView) -> str:
    if view.leader is None:
        return "-"
    holder, freshness = leader_text(view.leader)
    return f"{holder}\n[dim]{freshness}[/]"


def _product_versions(view: ComponentView) -> list[str]:
    """Each version as "product version" where the product is not already in it (calico v3.28.2)."""
    versions = [markup(v.replace("://", " ")) for v in view.versions]
    kind = markup(view.kind)
    if view.name == KUBE_PROXY or not view.kind:
        return versions
    if view.version_of:  # the version read is another workload's (AKS's azure-cns), never the product's own
        return [f"{kind} ({markup(view.version_of)} {version})" for version in versions] or [kind]
    if all(k in " ".join(versions) for k in kind.split(", ")):
        return versions
    return [f"{kind} {version}" for version in versions] or [kind]


def _proxy_mode(view: ComponentView) -> str | None:
    if view.name != KUBE_PROXY or not view.kind:
        return None
    if view.kind == "replaced":  # by what, where it is known: never "replaced mode"
        return f"replaced by {markup(view.replaced_by)}" if view.replaced_by else "replaced"
    return "mode unknown" if view.kind == "unknown" else f"{markup(view.kind)} mode"


def version_cell(view: ComponentView) -> str:
    """The versions on one line, with what the component is where the name does not say it, and where they were
    read when not from its own pods (/version, a ClusterOperator)."""
    parts = [*_product_versions(view), *filter(None, [_proxy_mode(view)])]
    origin = f" (from {view.version_origin})" if view.version_origin and view.versions else ""
    return (", ".join(parts) + origin) or "-"


def version_lines(view: ComponentView, split_product: bool = False, with_origin: bool = True) -> str:
    """The versions one per line for tables; ``split_product`` puts "calico" and "v3.28.2" on two lines;
    without ``with_origin`` where they were read is left to a note below the table."""
    lines = _product_versions(view)
    if split_product:
        lines = [part for line in lines for part in line.split(" ", 1)]
    mode = _proxy_mode(view)
    shown = with_origin and view.version_origin and lines
    origin = [f"[dim]from {markup(view.version_origin)}[/]"] if shown else []
    return "\n".join([*lines, *origin, *([mode] if mode else [])]) or "-"


def layer_section(title: str, views: Sequence[ComponentView], width: int) -> list[RenderableType]:
    """A layer's table, sized from its content: names are never cut; leaders move below when it is narrow."""
    from rich.text import Text

    names = [view.name for view in views]

    def columns(split: bool, counts: bool) -> list[Column]:
        return [("COMPONENT", names), ("READY", [ready_cell(v) for v in views]),
                ("WHERE", [where_cell(v, counts) for v in views]),
                ("VERSION", [version_lines(v, split) for v in views]), ("HEALTH", [health_cell(v) for v in views])]

    leaders = [view for view in views if view.leader is not None]
    leader_column: Column = ("LEADER", [leader_cell(v) for v in views])
    layouts = [[*columns(False, False), leader_column]] if leaders else []
    layouts += [columns(False, False), columns(True, False), columns(True, True)]
    _, layout = first_fitting(layouts, width)
    below: list[RenderableType] = []
    if not fits(layout, width):
        layout, below = narrow_layer(views, layout, width)
    out: list[RenderableType] = [Text(title, style="bold"),
                                 kubectl_table(layout, wrap=() if fits(layout, width) else ("WHERE", "VERSION")),
                                 *below]
    if leaders and not any(header == "LEADER" for header, _ in layout):
        rows = []
        for view in leaders:
            assert view.leader is not None
            holder, freshness = leader_text(view.leader)
            rows.append((f"  {view.name}", f"{holder} ({freshness})"))
        out += [Text(""), Text("Leaders (Lease holders)", style="bold"), two_columns(rows)]
    out.append(Text(""))
    return out


def narrow_layer(views: Sequence[ComponentView], layout: Sequence[Column],
                 width: int) -> tuple[list[Column], list[RenderableType]]:
    """A layer's table when no layout fits, and what moves below it: names, headers and verdicts stay whole.

    HEALTH, the verdict a reader scans for, moves beside READY; cells wrap between words; where the versions were
    read ("from ClusterOperator") becomes a note below, and if the versions still do not fit whole they go below,
    one line per component. Only when even that cannot fit does rich wrap WHERE and VERSION mid-word.
    """
    from rich.text import Text

    keep = ("COMPONENT",)
    ordered = [*without(layout, "WHERE", "VERSION", "HEALTH"), *(c for c in layout if c[0] == "HEALTH"),
               *(c for c in layout if c[0] == "WHERE")]
    versions: Column = ("VERSION", [version_lines(v, split_product=True, with_origin=False) for v in views])
    table = fold_to_fit([*ordered, versions], width, keep, whole_words=True)
    if table is not None:
        by_origin: dict[str, list[str]] = {}
        for view in views:
            if view.version_origin and view.versions:
                by_origin.setdefault(view.version_origin, []).append(view.name)
        return table, [Text(f"  {listed(names)}: {'version' if len(names) == 1 else 'versions'} from {origin}",
                            style="dim") for origin, names in by_origin.items()]
    table = fold_to_fit(ordered, width, keep, whole_words=True) or fold_to_fit(ordered, width, keep)
    if table is None:
        return [*ordered, *(c for c in layout if c[0] == "VERSION")], []
    rows = [(f"  {view.name}", version_cell(view)) for view in views]
    return table, [Text(""), Text("Versions", style="bold"), two_columns(rows)]


def flags_section(cluster: ClusterMap) -> RenderableType:
    """-o wide: the flags that matter per component, one per line so long values stay readable; when there are
    none, why, since a heading alone would read as a failed read."""
    rows = [(f"  {view.name}" if index == 0 else "", markup(f"--{key}={value}"))
            for view in cluster.components for index, (key, value) in enumerate(view.flags().items())]
    if rows:
        return two_columns(rows)
    distribution = cluster.distribution
    if distribution.name == "k3s":
        why = ("k3s runs its control plane and kube-proxy inside the k3s process, not as pods: their flags are "
               "the k3s server's arguments, recorded in each server node's k3s.io/node-args annotation")
    elif distribution.managed:
        why = (f"{markup(distribution.managed_by)} runs the control plane out of sight of the API, and no pod the "
               "API shows sets a flag this view looks for")
    else:
        why = "no pod the API shows sets a flag this view looks for"
    return two_columns([("  none shown:", f"[dim]{why}[/]")])


def versions_section(views: Iterable[ComponentView]) -> Table | None:
    """-o wide: the control-plane versions read elsewhere than their own pods, and why others show none (hidden,
    digests, a failed read); None when every version came from the components' own pods or nodes."""
    rows = []
    for view in views:
        if view.versions and view.version_origin:
            why = VERSION_ORIGIN_MEANING[view.version_origin]
            rows.append((f"  {view.name}", f"{markup(', '.join(view.versions))} from {markup(view.version_source)} "
                                           f"[dim]({why})[/]"))
        elif view.version_unknown:
            rows.append((f"  {view.name}", f"[dim]unknown:[/] {markup(view.version_unknown)}"))
    return two_columns(rows) if rows else None


def node_status_cell(node: NodeInfo) -> str:
    status = "[green]Ready[/]" if node.ready else f"[bold red]NotReady[/] ({markup(node.ready_status)})"
    if node.pressures:
        status += "\n[yellow]" + markup(",".join(node.pressures)) + "[/]"
    if node.unschedulable:
        status += "\nSchedulingDisabled"
    return status


# Up to this many nodes each gets its row; a bigger cluster lists the nodes that stand out (control plane,
# not Ready, cordoned, under pressure) and one row per group of alike others: 65,000 rows teach nothing
# and cost a minute to lay out.
NODES_LISTED_MAX = 100


def node_rows(nodes: Sequence[NodeInfo]) -> list[tuple[str, str, str, str, str, str]]:
    """(name, roles, status, kubelet, runtime, OS) per row: every node, or on a big cluster the nodes that
    stand out and ``(N more)`` rows for alike Ready nodes."""
    def row(n: NodeInfo, name: str) -> tuple[str, str, str, str, str, str]:
        return (name, ",".join(n.roles) or "<none>", node_status_cell(n), n.kubelet_version, n.container_runtime,
                n.os_image)

    if len(nodes) <= NODES_LISTED_MAX:
        return [row(n, n.name) for n in nodes]
    listed, alike = standouts_and_alike(
        nodes, lambda n: n.control_plane or not n.ready or n.unschedulable or bool(n.pressures),
        lambda n: (",".join(n.roles), n.kubelet_version, n.container_runtime, n.os_image))
    return [*(row(n, n.name) for n in listed), *(row(first, f"({count:,} more)") for first, count in alike)]


def nodes_section(cluster: ClusterMap, width: int, wide: bool) -> list[RenderableType]:
    """Nodes as kubectl shows them; OS goes first when narrow (-o wide and JSON carry it in full)."""
    from rich.text import Text

    nodes = cluster.nodes
    rows = node_rows(nodes)

    def columns(split_runtime: bool) -> list[Column]:
        runtimes = [markup(r[4]).replace("://", "\n" if split_runtime else " ") for r in rows]
        return [("NAME", [markup(r[0]) for r in rows]), ("ROLES", [markup(r[1]) for r in rows]),
                ("STATUS", [r[2] for r in rows]),  # node_status_cell: markup built from escaped parts
                ("KUBELET", [markup(r[3]) for r in rows]), ("RUNTIME", runtimes)]

    with_os = [*columns(False), ("OS", [markup(r[5]) for r in rows])]
    layouts = [columns(False), columns(True)] if wide else [with_os, columns(False), columns(True)]
    _, layout = first_fitting(layouts, width)
    table: RenderableType = kubectl_table(layout, fold_last=True)
    if not fits(layout, width):  # names stay whole, they go into the next command: other cells wrap, then
        # columns give way from the right (-o json carries them); STATUS, the verdict, stays; and when even
        # NAME and STATUS cannot stand side by side, each node is a record
        folded = fold_or_drop(layout, width, keep=("NAME",), give_way=("RUNTIME", "KUBELET", "ROLES"))
        layout = folded or layouts[0]
        table = kubectl_table(layout, fold_last=True) if folded else Stacked(layout)
    left_out = [header for header in ("ROLES", "KUBELET", "RUNTIME") if all(header != shown for shown, _ in layout)]
    if cluster.nodes_unknown:
        return [Text(f"Nodes (?, {cluster.nodes_unknown})", style="bold"), Text("")]
    out: list[RenderableType] = [Text(f"Nodes ({len(nodes)})", style="bold"), table]
    if len(rows) < len(nodes):
        out.append(Text("  each (N more) row stands for Ready nodes alike in role, kubelet, runtime and OS: "
                        "`kubectl get nodes` lists them", style="dim"))
    # A control-plane or NotReady node is read whole on purpose: as a row, its whole read failed.
    unread = [n for n in nodes if not n.whole and (n.control_plane or not n.ready)]
    lean = sum(not n.whole for n in nodes) - len(unread)
    if lean:  # a Table row says Ready or NotReady, never a pressure condition or a taint
        # -o wide reads the whole list: rows there mean that read failed, and pointing at -o wide would loop.
        then = "the whole node list could not be read" if wide else "-o wide reads them whole"
        out.append(Text(f"  {plural(lean, 'Ready node')} read as table rows (no pressure conditions, no taints): "
                        f"{then}", style="yellow" if wide else "dim"))
    elif not unread and not wide and not any(header == "OS" for header, _ in layout):
        out.append(Text("  OS, kernel, addresses and taints: -o wide", style="dim"))
    if left_out:
        out.append(left_out_note(left_out))
    if unread:
        names = ", ".join(n.name for n in unread)
        why = unread[0].ready_reason.removeprefix("the node object could not be read: ")
        out.append(Text(f"  {plural(len(unread), 'node')} could not be read whole ({names}: {why}): their taints, "
                        "pressures and NotReady reasons are unknown", style="yellow"))
    out.append(Text(""))
    return out


def left_out_note(left_out: Sequence[str]) -> RenderableType:
    from rich.text import Text

    return Text(f"  {listed(left_out)} left out to keep names whole at this width: -o json has each node's",
                style="dim")


def node_details_section(cluster: ClusterMap, width: int) -> list[RenderableType]:
    """-o wide: what the kubelet reports beyond versions, and the taints that steer scheduling.

    Names, addresses and taints go into the next command (`kubectl taint nodes NAME key=value:Effect-`): they
    are never cut or folded. The other columns wrap, then give way; the taints move to a table of their own, and
    a table whose kept columns cannot stand side by side becomes a record per node (tables.Stacked).
    """
    from rich.text import Text

    nodes = cluster.nodes
    details: list[Column] = [("NAME", [markup(n.name) for n in nodes]),
                             ("ARCH", [markup(n.architecture) for n in nodes]),
                             ("INTERNAL-IP", [markup(n.internal_ip or "-") for n in nodes]),
                             ("KERNEL", [markup(n.kernel_version) for n in nodes]),
                             ("OS", [markup(n.os_image) for n in nodes])]
    # A row's taints were not read (its whole read failed): unknown, never "-" for none.
    taints = [("\n".join(markup(t) for t in n.taints) or "-") if n.whole else "?" for n in nodes]
    out: list[RenderableType] = [Text("Node details", style="bold")]
    full = [*details, ("TAINTS", taints)]
    if fits(full, width):
        return [*out, kubectl_table(full), Text("")]
    shown = fold_or_drop(details, width, KEPT_DETAILS, give_way=("OS", "KERNEL", "ARCH"))
    out += [kubectl_table(shown, fold_last=True) if shown else Stacked(details)]
    left_out = [header for header, _ in details if shown and all(header != kept for kept, _ in shown)]
    out += [left_out_note(left_out)] if left_out else []
    out.append(Text(""))
    tainted = [(markup(n.name), cell) for n, cell in zip(nodes, taints, strict=True) if n.taints]
    if tainted:
        taint_columns: list[Column] = [("NAME", [name for name, _ in tainted]), ("TAINTS", [t for _, t in tainted])]
        fitted = fold_to_fit(taint_columns, width, KEPT_DETAILS)
        out += [kubectl_table(fitted) if fitted else Stacked(taint_columns), Text("")]
    return out


KEPT_DETAILS = ("NAME", "INTERNAL-IP", "TAINTS")  # what is copied into a command: never folded


def ha_boxes(cluster: ClusterMap) -> list[list[str]]:
    """The HA path's boxes, top to bottom, each as its lines: endpoint, API servers, etcd."""
    api = cluster.component("kube-apiserver")
    managed_by = cluster.distribution.managed_by
    endpoint = ["load balancer / API endpoint", f"  {cluster.server or 'not known'}"]
    if api.unknown:
        api_box = [f"API servers: unknown ({api.unknown})"]
    elif api.replicas is None:
        visible = len(cluster.apiserver_endpoints)
        api_box = [f"API servers: hidden, run by {managed_by}"]
        if visible:
            api_box.append(f"  {plural(visible, 'endpoint')} visible in EndpointSlice default/kubernetes")
    else:
        ready = sum(1 for i in api.instances if i.ready)
        api_box = [f"{plural(api.replicas, 'API server')} ({ready} ready)"]
        names = [i.node or i.pod or "?" for i in api.instances]
        longest = max((len(name) for name in names), default=0)
        api_box += [f"  {name.ljust(longest)}   {'ready' if i.ready else 'NOT READY'}"
                    for name, i in zip(names, api.instances, strict=True)]
    store = cluster.datastore
    etcd_view = cluster.component("etcd")
    if store.members is None and etcd_view.unknown:
        etcd_box = [f"etcd: unknown ({etcd_view.unknown})"]
    elif store.members is not None:
        etcd_box = [f"etcd ({store.short}): {plural(store.members, 'member')}",
                    f"  quorum {store.quorum}, tolerates {plural(store.failures_tolerated or 0, 'failure')}"]
    elif cluster.managed:
        etcd_box = [f"etcd: hidden, run by {managed_by}"]
    elif store.kind in ("kine-sqlite", "kine-external"):
        etcd_box = [f"datastore: kine over {'SQLite' if store.kind == 'kine-sqlite' else 'an external database'}",
                    "  no etcd members, no quorum"]
    else:
        etcd_box = ["datastore: not visible through the API"]
    return [endpoint, api_box, etcd_box]


def ha_diagram_lines(cluster: ClusterMap, width: int = 100) -> list[str]:
    """The HA path drawn with live counts: load balancer -> API servers -> etcd (quorum, tolerance)."""
    import textwrap

    boxes = ha_boxes(cluster)
    inner = min(max(len(line) for box in boxes for line in box), width - 4)
    border = "+" + "-" * (inner + 2) + "+"
    lines: list[str] = []
    for index, box in enumerate(boxes):
        lines.append(border)
        for line in box:
            indent = " " * (len(line) - len(line.lstrip()))
            for part in textwrap.wrap(line, inner, subsequent_indent=indent + "  ", break_long_words=False,
                                      break_on_hyphens=False) or [""]:
                lines.append("| " + part.ljust(inner) + " |")
        lines.append(border)
        if index < len(boxes) - 1:
            lines += [" " * (inner // 2 + 2) + "|", " " * (inner // 2 + 2) + "v"]
    return lines


def header_section(cluster: ClusterMap) -> list[RenderableType]:
    """Who the cluster is, where the facts come from, and why we think it is this distribution."""

    distribution = cluster.distribution
    out: list[RenderableType] = [
        from_markup(f"[bold]Cluster[/] {markup(cluster.version or 'version unknown')} · "
                    f"{markup(cluster.distribution_words)} · {markup(cluster.server or 'server unknown')}"),
        two_columns(labelled("  source", [markup(cluster.source)])
                    + labelled("  evidence", [markup(e) for e in distribution.evidence] or ["-"]))]
    if distribution.managed:
        out.append(from_markup(
            f"[yellow]Managed control plane:[/] {markup(distribution.managed_by)} runs the API servers, etcd, the "
            "scheduler and the controller managers, out of sight of the cluster's API. Below is what the API "
            "still shows."))
    if cluster.readyz.ok is False:
        out.append(from_markup(f"[bold red]/readyz is failing:[/] "
                               f"{markup(', '.join(cluster.readyz.failed) or 'see /readyz?verbose')}"))
    return out


def labelled(label: str, items: Sequence[str]) -> list[tuple[str, str]]:
    """Rows with the label on the first only, so each group reads as a list."""
    return [(label if index == 0 else "", item) for index, item in enumerate(items)]


def notes_lines(cluster: ClusterMap) -> list[str]:
    lines = [f"{view.name}: {note}" for view in cluster.components for note in view.notes]
    lines.append(f"kube-proxy: {cluster.kube_proxy.detail}")
    lines += [f"skipped: {reason}" for reason in cluster.skipped]
    return lines


def two_columns(rows: Iterable[tuple[str, str]]) -> Table:
    """A borderless grid whose second column wraps under itself (notes, summaries)."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for left, right in rows:
        grid.add_row(left, right)
    return grid


def overview(cluster: ClusterMap, wide: bool = False, width: int = 100) -> list[RenderableType]:
    """Everything the default view prints, in order."""
    from rich.text import Text

    control = [v for v in cluster.components if v.layer == CONTROL_PLANE]
    node_layer = [v for v in cluster.components if v.layer == NODE_LAYER]
    out: list[RenderableType] = [*header_section(cluster), Text("")]
    out += layer_section("The Brain: control plane (decides what runs where)", control, width)
    out += layer_section("The Muscle: node components (run the pods on every node)", node_layer, width)
    if wide:
        out += [Text("Flags that matter", style="bold"), flags_section(cluster), Text("")]
        versions = versions_section(control)
        if versions is not None:
            out += [Text("Control-plane versions (where each was read)", style="bold"), versions, Text("")]
    out += nodes_section(cluster, width, wide)
    if wide:
        out += node_details_section(cluster, width)
    out.append(Text("High availability path", style="bold"))
    out.append(Text("\n".join(ha_diagram_lines(cluster, width)), no_wrap=True))
    out.append(Text(""))
    out.append(Text("Notes", style="bold"))
    out.append(two_columns(("  -", markup(line)) for line in notes_lines(cluster)))
    out.append(Text(""))
    out.append(Text("What each part does (kubectl arch explain NAME)", style="bold"))
    out.append(two_columns((f"  {page_for_component(v.name).key}", page_for_component(v.name).summary)
                           for v in cluster.components))
    out.append(Text(""))
    out.append(Text("Next: kubectl arch explain NAME (e.g. etcd) for one part; --walkthrough follows a deploy "
                    "through this cluster; --what-if works out failures.", style="dim"))
    return out


def print_overview(console: Console, cluster: ClusterMap, wide: bool = False) -> None:
    with trimmed_lines(console):
        for renderable in overview(cluster, wide, console.width):
            console.print(renderable, crop=False)  # a Stacked line may overflow: a name or taint copied whole
