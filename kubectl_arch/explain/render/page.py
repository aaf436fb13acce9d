"""``kubectl arch explain COMPONENT``: the teaching page with the component's live instances and flags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import Page, failure_text, page_commands, what_text
from kubectl_arch.explain.render.terminal import (
    NODES_LISTED_MAX,
    health_cell,
    labelled,
    leader_text,
    ready_cell,
    two_columns,
    version_cell,
)
from kubectl_arch.explain.views import NONE, ComponentView, InstanceView
from kubectl_arch.output.console import trimmed_lines
from kubectl_arch.output.sanitise import markup
from kubectl_arch.output.tables import Column, first_fitting, kubectl_table, standouts_and_alike, without
from kubectl_arch.wording import plural

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def listed_instances(instances: Sequence[InstanceView]) -> list[InstanceView]:
    """Every instance, or on a big cluster the ones that stand out (not ready, restarted, leading, on another
    version than most) and one ``(N more)`` row per version for the alike rest, as the Nodes section does."""
    if len(instances) <= NODES_LISTED_MAX:
        return list(instances)
    usual = Counter(i.version for i in instances).most_common(1)[0][0]

    def stands_out(i: InstanceView) -> bool:
        return not i.ready or i.restarts > 0 or bool(i.leader) or i.version != usual

    listed, alike = standouts_and_alike(instances, stands_out, lambda i: i.version)
    return [*listed, *(InstanceView(node=f"({count:,} more)", pod=None, version=first.version, ready=True)
                       for first, count in alike)]


def instances_section(view: ComponentView, width: int) -> list[RenderableType]:
    """The live instances, sized from content; the POD column goes first when the terminal is narrow."""
    from rich.text import Text

    instances = listed_instances(view.instances)
    columns: list[Column] = [
        ("NODE", [markup(i.node or "-") for i in instances]), ("POD", [markup(i.pod or "-") for i in instances]),
        ("VERSION", [markup(i.version or "-") for i in instances]),
        ("READY", ["yes" if i.ready else "[bold red]no[/]" for i in instances]),
        ("LEADER", ["-" if i.leader is None else "yes" if i.leader else "standby" for i in instances]),
        ("RESTARTS", [str(i.restarts) for i in instances])]
    if all(i.leader is None for i in instances):
        columns = without(columns, "LEADER")
    chosen, layout = first_fitting([columns, without(columns, "POD")], width)
    out: list[RenderableType] = [kubectl_table(layout, fold_last=True)]
    if chosen:
        static = all(i.pod == f"{view.name}-{i.node}" for i in view.instances)
        out.append(Text(f"  pods: {view.name}-<node>" if static else "  pod names: -o json", style="dim"))
    return out


def flags_rows(page: Page, view: ComponentView) -> list[tuple[str, str]]:
    """Each flag the page explains, with its live value (or 'not set') from the first instance; for a component
    that does not run here (kine instead of etcd, a kube-proxy replacement), or that the provider runs out of
    sight (EKS, GKE, AKS), that, not "not visible"."""
    rows = []
    for flag, why in page.flags.items():
        reading = view.flag_reading(flag).words()
        if view.health == NONE:
            words = f"{view.name} does not run in this cluster"
        elif view.managed and not view.instances:
            words = "set by the provider, which runs it out of sight: not readable through the API"
        else:
            words = reading
        rows.append((f"  --{flag}", f"{markup(words)}\n[dim]{why}[/]"))
    return rows


def page_renderables(page: Page, cluster: ClusterMap, width: int = 100) -> list[RenderableType]:
    from rich.text import Text

    view = cluster.component(page.component)
    out: list[RenderableType] = [Text(page.title, style="bold"), Text(page.summary, style="dim"), Text(""),
                                 Text("What it does", style="bold"), Text(what_text(page, cluster)), Text(""),
                                 Text("In this cluster", style="bold")]
    facts = [("  ready", "hidden (run by the provider)" if view.managed else ready_cell(view)),
             ("  health", health_cell(view)), ("  versions", version_cell(view))]
    if view.leader is not None:
        holder, freshness = leader_text(view.leader)
        facts.append(("  leader", f"{holder} ({freshness})"))
    store = cluster.datastore
    if view.name == "etcd" and store.members is not None:
        facts.append(("  quorum", f"{store.quorum} of {plural(store.members, 'member')}; tolerates "
                                  f"{plural(store.failures_tolerated or 0, 'failure')} ({store.short})"))
    if view.name == "etcd":
        quota = "not known" if store.quota_bytes is None else f"{store.quota_bytes / 1024**3:g} GiB"
        origin = f"assumed: {store.quota_source}" if store.quota_assumed else store.quota_source
        facts.append(("  datastore", f"{markup(store.kind)}; size limit {quota} ({markup(origin)})"))
    facts += labelled("  evidence", [markup(e) for e in view.evidence])
    facts += labelled("  notes", [markup(n) for n in view.notes])
    out.append(two_columns(facts))
    if view.instances:
        out += [Text(""), *instances_section(view, width)]
    out.append(Text(""))
    if page.flags:
        out += [Text("Flags that matter", style="bold"), two_columns(flags_rows(page, view)), Text("")]
    out += [Text("When it fails", style="bold"), Text(failure_text(page, cluster)), Text(""),
            Text("Look further", style="bold")]
    # A command is never wrapped: it stays one line to copy, past the right margin if it must.
    out.extend(Text("  $ " + command.replace("\n", "\n    "), no_wrap=True) for command in page_commands(page, cluster))
    out += [Text(""), Text("Read more", style="bold")]
    out.extend(Text(f"  {link}", no_wrap=True) for link in page.docs)
    return out


def print_page(console: Console, page: Page, cluster: ClusterMap) -> None:
    from rich.text import Text

    with trimmed_lines(console):
        for renderable in page_renderables(page, cluster, console.width):
            console.print(renderable, soft_wrap=isinstance(renderable, Text) and bool(renderable.no_wrap))
