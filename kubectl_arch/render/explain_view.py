"""The terminal view of ``kubectl arch explain``: both layers as tables, the nodes, and the HA diagram.

Formatting only: every fact comes from the ClusterMap. Colour marks health on a terminal; the words
carry the same meaning when plain (NO_COLOR, pipes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import page_for_component
from kubectl_arch.explain.views import CONTROL_PLANE, DEGRADED, DOWN, HEALTHY, HIDDEN, NODE_LAYER, ComponentView

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table

HEALTH_STYLE = {HEALTHY: "green", DEGRADED: "yellow", DOWN: "bold red", HIDDEN: "dim"}
OS_WIDTH = 16
MAX_LISTED_NODES = 5  # beyond this, WHERE says "N nodes" instead of listing them


def health_cell(view: ComponentView) -> str:
    style = HEALTH_STYLE.get(view.health, "")
    return f"[{style}]{view.health}[/]" if style else view.health


def ready_cell(view: ComponentView) -> str:
    """kubectl's READY: ready/replicas ("hidden" for a managed control plane, "0" when there is none)."""
    if view.replicas is None:
        return "hidden"
    return f"{view.ready if view.ready is not None else '?'}/{view.replicas}" if view.replicas else "0"


def where_cell(view: ComponentView) -> str:
    """Node names one per line when few; "all N nodes" for what runs everywhere; the placement otherwise."""
    if view.replicas is None:
        return "provider"
    nodes = view.where
    everywhere = bool(view.placement and view.placement.startswith("all "))
    if len(view.instances) < (view.replicas or 0) or everywhere or not nodes:
        return view.placement or (f"{len(nodes)} nodes" if nodes else "-")
    return "\n".join(nodes) if len(nodes) <= MAX_LISTED_NODES else f"{len(nodes)} nodes"


def leader_cell(view: ComponentView) -> str:
    lease = view.leader
    if lease is None:
        return "-"
    age = f"{lease.renew_age_seconds:.0f}s ago" if lease.renew_age_seconds is not None else "?"
    if not lease.held:
        return "[bold red]none[/] (lease expired)"
    holder = (lease.holder_node or "?").split(".", 1)[0]  # ip-10-0-0-1.ec2.internal -> ip-10-0-0-1
    return f"{holder}\n[dim]renewed {age}[/]"


def version_cell(view: ComponentView) -> str:
    """The versions, with what the component is where the name does not say it (calico, ipvs mode...)."""
    versions = ", ".join(v.replace("://", " ") for v in view.versions)
    if view.name == "kube-proxy" and view.kind:
        mode = "mode unknown" if view.kind == "unknown" else f"{view.kind} mode"
        return f"{versions}, {mode}" if versions else view.kind
    if view.kind and not all(kind in versions for kind in view.kind.split(", ")):
        return f"{view.kind} {versions}".strip()
    return versions or "-"


def layer_table(title: str, views: Iterable[ComponentView], wide: bool) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    for column in ("COMPONENT", "READY", "WHERE", "VERSION", "HEALTH"):
        table.add_column(column, no_wrap=column != "VERSION", overflow="fold")
    table.add_column("LEADER", overflow="fold")
    for view in views:
        table.add_row(view.name, ready_cell(view), where_cell(view), version_cell(view), health_cell(view),
                      leader_cell(view))
    return table


def flags_section(views: Iterable[ComponentView]) -> Table:
    """-o wide: the flags that matter per component, one per line so long values stay readable."""
    return two_columns((f"  {view.name}" if index == 0 else "", f"--{key}={value}")
                       for view in views for index, (key, value) in enumerate(view.flags().items()))


def nodes_table(cluster: ClusterMap) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=f"Nodes ({len(cluster.nodes)})", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    rows = []
    for node in cluster.nodes:
        status = "[green]Ready[/]" if node.ready else f"[bold red]NotReady[/] ({node.ready_status})"
        if node.pressures:
            status += "\n[yellow]" + ",".join(node.pressures) + "[/]"
        if node.unschedulable:
            status += "\nSchedulingDisabled"
        rows.append([node.name, ",".join(node.roles) or "<none>", status, node.kubelet_version,
                     node.container_runtime.replace("://", " "), node.os_image])
    for index, column in enumerate(("NAME", "ROLES", "STATUS")):  # never cut: people copy these
        longest = max((len(line) for row in rows for line in _plain(row[index]).splitlines()), default=0)
        table.add_column(column, no_wrap=True, min_width=max(longest, len(column)))
    table.add_column("KUBELET", overflow="fold")
    table.add_column("RUNTIME", overflow="fold")
    table.add_column("OS", no_wrap=True, overflow="ellipsis", max_width=OS_WIDTH)  # in full: -o wide, JSON
    for row in rows:
        table.add_row(*row)
    return table


def _plain(markup: str) -> str:
    from rich.text import Text

    return Text.from_markup(markup).plain


def node_details_table(cluster: ClusterMap) -> Table:
    """-o wide: what the kubelet reports beyond versions, and the taints that steer scheduling."""
    from rich import box
    from rich.table import Table

    table = Table(title="Node details", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("NAME", "ARCH", "INTERNAL-IP", "KERNEL", "OS", "TAINTS"):
        table.add_column(column, no_wrap=column in ("NAME", "ARCH", "INTERNAL-IP"), overflow="fold")
    for node in cluster.nodes:
        table.add_row(node.name, node.architecture, node.internal_ip or "-", node.kernel_version, node.os_image,
                      "\n".join(str(t) for t in node.taints) or "-")
    return table


def ha_diagram_lines(cluster: ClusterMap, width: int = 100) -> list[str]:
    """The HA path drawn with live counts: load balancer -> API servers -> etcd (quorum, tolerance)."""
    import textwrap

    api = cluster.component("kube-apiserver")
    endpoint = cluster.server or "the API endpoint"
    if api.replicas is None:
        api_line = (f"API servers: hidden, run by {cluster.distribution.managed_by}"
                    + (f" ({len(cluster.apiserver_endpoints)} endpoint(s) visible)" if cluster.apiserver_endpoints
                       else ""))
    else:
        marks = "  ".join(f"{i.node or i.pod} {'ok' if i.ready else 'NOT READY'}" for i in api.instances)
        api_line = f"{api.replicas} API server{'s' if api.replicas != 1 else ''}: {marks or '-'}"
    etcd = cluster.etcd
    if etcd.size is None:
        etcd_line = (f"etcd: hidden, run by {cluster.distribution.managed_by}" if cluster.managed
                     else "datastore: not visible through the API")
    else:
        tolerated = etcd.failures_tolerated
        etcd_line = (f"etcd ({etcd.mode}): {etcd.size} member{'s' if etcd.size != 1 else ''}, quorum {etcd.quorum}, "
                     f"tolerates {tolerated} failure{'s' if tolerated != 1 else ''}")
    boxes = [f"load balancer / endpoint: {endpoint}", api_line, etcd_line]
    inner = min(max(len(b) for b in boxes), width - 5)
    lines: list[str] = []
    for index, text in enumerate(boxes):
        wrapped = textwrap.wrap(text, inner, break_on_hyphens=False) or [""]
        lines.append("+" + "-" * (inner + 2) + "+")
        lines += ["| " + part.ljust(inner) + " |" for part in wrapped]
        lines.append("+" + "-" * (inner + 2) + "+")
        if index < len(boxes) - 1:
            lines += [" " * (inner // 2 + 2) + "|", " " * (inner // 2 + 2) + "v"]
    return lines


def header_lines(cluster: ClusterMap) -> list[str]:
    distribution = cluster.distribution
    lines = [f"[bold]Cluster[/] {cluster.version or 'version unknown'} · {distribution.name} · "
             f"{cluster.server or '-'}",
             f"[dim]source: {cluster.source}[/]",
             f"[dim]distribution evidence: {'; '.join(distribution.evidence)}[/]"]
    if distribution.managed:
        lines.append(f"[yellow]Managed control plane:[/] {distribution.managed_by} runs the API servers, etcd, "
                     "the scheduler and the controller managers; they are hidden from the cluster's API. "
                     "What you see below is what the API still shows.")
    if cluster.readyz.ok is False:
        lines.append(f"[bold red]/readyz is failing:[/] {', '.join(cluster.readyz.failed) or 'see /readyz?verbose'}")
    return lines


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
    out: list[RenderableType] = [Text.from_markup(line) for line in header_lines(cluster)]
    out.append(Text(""))
    out.append(layer_table("The Brain: control plane (decides what should run)", control, wide))
    out.append(layer_table("The Muscle: node components (run it on every node)", node_layer, wide))
    if wide:
        out += [Text("Flags that matter", style="bold"), flags_section(cluster.components), Text("")]
    out.append(nodes_table(cluster))
    if wide:
        out.append(node_details_table(cluster))
    out.append(Text("High availability path", style="bold"))
    out.append(Text("\n".join(ha_diagram_lines(cluster, width)), no_wrap=True))
    out.append(Text(""))
    out.append(Text("Notes", style="bold"))
    out.append(two_columns(("  -", line) for line in notes_lines(cluster)))
    out.append(Text(""))
    out.append(Text("What each part does (kubectl arch explain NAME):", style="bold"))
    out.append(two_columns((f"  {page_for_component(v.name).key}", page_for_component(v.name).summary)
                           for v in cluster.components))
    out.append(Text(""))
    out.append(Text("Next: `kubectl arch explain COMPONENT` (e.g. etcd), `--walkthrough`, `--what-if`.", style="dim"))
    return out


def print_overview(console: Console, cluster: ClusterMap, wide: bool = False) -> None:
    for renderable in overview(cluster, wide, console.width):
        console.print(renderable)
