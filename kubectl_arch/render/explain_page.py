"""``kubectl arch explain COMPONENT``: the teaching page with the component's live instances and flags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import Page
from kubectl_arch.explain.views import ComponentView
from kubectl_arch.render.explain_view import health_cell, leader_cell, ready_cell, two_columns, version_cell

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table


def instances_table(view: ComponentView) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("NODE", "POD", "VERSION", "READY", "LEADER", "RESTARTS"):
        table.add_column(column, overflow="fold")
    for instance in view.instances:
        leader = "-" if instance.leader is None else "yes" if instance.leader else "standby"
        table.add_row(instance.node or "-", instance.pod or "-", instance.version or "-",
                      "yes" if instance.ready else "[bold red]no[/]", leader, str(instance.restarts))
    return table


def flags_rows(page: Page, view: ComponentView) -> list[tuple[str, str]]:
    """Each flag the page explains, with its live value (or 'not set') from the first instance."""
    rows = []
    for flag, why in page.flags.items():
        values = [i.flags[flag] for i in view.instances if flag in i.flags]
        value = values[0] if values else "not set (default)" if view.instances else "not visible"
        rows.append((f"  --{flag}", f"{value}\n[dim]{why}[/]"))
    return rows


def page_renderables(page: Page, cluster: ClusterMap) -> list[RenderableType]:
    from rich.text import Text

    view = cluster.component(page.component)
    out: list[RenderableType] = [Text(page.title, style="bold"), Text(page.summary, style="dim"), Text(""),
                                 Text("What it does", style="bold"), Text(page.what), Text(""),
                                 Text("In this cluster", style="bold")]
    facts = [("  ready", "hidden (run by the provider)" if view.replicas is None else ready_cell(view)),
             ("  health", health_cell(view)), ("  versions", version_cell(view))]
    if view.leader is not None:
        facts.append(("  leader", leader_cell(view).replace("\n", " ")))
    if view.name == "etcd" and cluster.etcd.size is not None:
        facts.append(("  quorum", f"{cluster.etcd.quorum} of {cluster.etcd.size} members; tolerates "
                                  f"{cluster.etcd.failures_tolerated} failure(s) ({cluster.etcd.mode})"))
    facts += [("  evidence", line) for line in view.evidence]
    facts += [("  note", line) for line in view.notes]
    out.append(two_columns(facts))
    if view.instances:
        out.append(instances_table(view))
    if page.flags:
        out += [Text("Flags that matter", style="bold"), two_columns(flags_rows(page, view)), Text("")]
    out += [Text("When it fails", style="bold"), Text(page.failure), Text(""),
            Text("Look further", style="bold")]
    out.append(two_columns(("  $", command) for command in page.commands))
    out += [Text(""), Text("Read more", style="bold")]
    out.extend(Text(f"  {link}") for link in page.docs)
    return out


def print_page(console: Console, page: Page, cluster: ClusterMap) -> None:
    for renderable in page_renderables(page, cluster):
        console.print(renderable)
