"""``kubectl arch explain [COMPONENT]``: collect explain's needs once, build the map, render the view asked.

Imports of rich and the kubernetes client stay inside the function so `kubectl arch --help` stays light.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

import click

from kubectl_arch.cli.options import ClusterOptions, cluster_options, open_source
from kubectl_arch.output.formats import Formats, OutputFormat, jsonpath_formats

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from kubectl_arch.explain.analysis import ClusterMap
    from kubectl_arch.explain.pages import Page
    from kubectl_arch.explain.request import ExplainView

FORMATS: Formats[ExplainView] = Formats(
    OutputFormat("text", "kubectl_arch.explain.render.screen:render"),
    OutputFormat("wide", "kubectl_arch.explain.render.screen:render"),
    OutputFormat("json", "kubectl_arch.explain.render.document:render"),
    OutputFormat("yaml", "kubectl_arch.explain.render.document:render"),
    *jsonpath_formats("kubectl_arch.explain.render.document:render"),
    OutputFormat("mermaid", "kubectl_arch.explain.render.mermaid:render"),
    OutputFormat("svg", "kubectl_arch.explain.render.diagram:render"),
    OutputFormat("html", "kubectl_arch.explain.render.diagram:render"),
    default="text",
)
COMPONENT_NAMES = ("apiserver", "etcd", "scheduler", "controller-manager", "cloud-controller-manager", "kubelet",
                   "kube-proxy", "runtime", "cni", "dns")


def _complete_components(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The component pages by the names the help lists, each with its page's title."""
    from click.shell_completion import CompletionItem

    from kubectl_arch.explain.pages import PAGES

    return [CompletionItem(page.key, help=page.title) for page in PAGES if page.key.startswith(incomplete)]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("component", required=False, metavar="[COMPONENT]", shell_complete=_complete_components)
@FORMATS.option(help="wide adds flags; json/yaml give the facts as data; mermaid gives the diagram as text; "
                    "svg/html draw it (html: a page that works offline).")
@click.option("--walkthrough", is_flag=True, help="Follow `kubectl apply -f deployment.yaml` step by step "
              "through this cluster (Enter between steps on a terminal).")
@click.option("--what-if", "what_if", is_flag=True, help="Work out failures on this topology: losing etcd members, "
              "a control-plane node, a network partition.")
@click.option("--lose", "lose", type=click.IntRange(min=1), metavar="N",
              help="With --what-if: the number of etcd members to lose (default: each count up to losing quorum).")
@cluster_options
def explain(cluster: ClusterOptions, component: str | None, output: str | None, walkthrough: bool, what_if: bool,
            lose: int | None) -> None:
    """Map every component of the cluster and teach what each does.

    COMPONENT shows one component's page: apiserver, etcd, scheduler, controller-manager,
    cloud-controller-manager, kubelet, kube-proxy, runtime, cni, dns.

    Try it without a cluster: `kubectl arch explain --sample kind-ha`
    """
    from kubectl_arch.errors import UsageError
    from kubectl_arch.explain.pages import find_page

    page = find_page(component) if component else None
    if component and page is None:
        raise UsageError(f"unknown component {component!r}", hint=f"choose one of: {', '.join(COMPONENT_NAMES)}")
    if sum(bool(x) for x in (component, walkthrough, what_if)) > 1:
        raise UsageError("choose one of COMPONENT, --walkthrough and --what-if")
    if lose is not None and not what_if:
        raise UsageError("--lose only applies with --what-if")
    if output in ("svg", "html") and (component or walkthrough or what_if):
        raise UsageError(f"-o {output} draws the whole cluster",
                         hint="leave out COMPONENT, --walkthrough and --what-if")
    # The terminal view reads nodes lean (Table rows); -o wide, data outputs and pictures show every node's
    # pressure conditions and taints, which only whole objects carry.
    cluster_map = _collect_map(cluster, whole_nodes=output in ("wide", "json", "yaml", "svg", "html"))
    if lose is not None:
        _check_lose(cluster_map, lose)
    FORMATS.render(output, _view(cluster_map, output, page, walkthrough, what_if, lose))


def _check_lose(cluster_map: ClusterMap, lose: int) -> None:
    """``--lose N`` is bounded by the etcd members this cluster has: a usage error beyond, or without any."""
    from kubectl_arch.errors import UsageError

    store = cluster_map.datastore
    members = store.members if store.is_etcd else None
    if members is None:
        raise UsageError(f"--lose {lose}: this cluster shows no etcd members to lose (datastore: {store.kind})",
                         hint="run --what-if without --lose")
    if lose > members:
        raise UsageError(f"--lose {lose}: this cluster has {members} etcd member{'s' if members != 1 else ''}",
                         hint=f"choose 1 to {members}")


def _collect_map(options: ClusterOptions, whole_nodes: bool = False) -> ClusterMap:
    """Read explain's needs (with a spinner on a terminal's stderr) and build the cluster map."""
    from kubectl_arch.collect.concurrency import import_in_background
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.explain import EXPLAIN_NEEDS
    from kubectl_arch.output.progress import reading_progress

    names = [*EXPLAIN_NEEDS, "nodes-full"] if whole_nodes else EXPLAIN_NEEDS
    with reading_progress("the cluster") as progress:
        source = open_source(options)
        # Analysis and rendering are not needed for the first request: once it is out, they load while
        # the reads are in flight.
        import_in_background("kubectl_arch.explain.analysis", "kubectl_arch.explain.render.terminal")
        data = collect(source, names, progress=progress)
    from kubectl_arch.explain.analysis import build_map

    return build_map(data)


def _view(cluster_map: ClusterMap, output: str | None, page: Page | None, walkthrough: bool, what_if: bool,
          lose: int | None) -> ExplainView:
    """The analysed view the user asked for (the walkthrough waits for Enter only on an interactive terminal)."""
    from kubectl_arch.explain.request import ExplainView

    if page is not None:
        return ExplainView(cluster_map, page=page)
    if walkthrough:
        from kubectl_arch.explain.walkthrough import walkthrough_steps
        from kubectl_arch.output.console import wants_plain

        interactive = output in (None, "text", "wide") and sys.stdin.isatty() and not wants_plain(sys.stdout)
        return ExplainView(cluster_map, steps=walkthrough_steps(cluster_map),
                           wait_for_enter=_wait_for_enter if interactive else None)
    if what_if:
        from kubectl_arch.explain.what_if import scenarios

        return ExplainView(cluster_map, scenarios=scenarios(cluster_map, lose))
    return ExplainView(cluster_map)


def _wait_for_enter() -> None:
    with contextlib.suppress(EOFError):
        input("  [Enter] next step ")
