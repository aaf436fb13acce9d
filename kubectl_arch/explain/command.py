"""``kubectl arch explain [COMPONENT]``: collect explain's needs once, build the map, render the view asked.

Imports of rich and the kubernetes client stay inside the function so `kubectl arch --help` stays light.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any

import click

from kubectl_arch.cli.options import ClusterOptions, cluster_options, open_source

if TYPE_CHECKING:
    from kubectl_arch.explain.analysis import ClusterMap
    from kubectl_arch.explain.pages import Page

OUTPUTS = ("wide", "json", "yaml", "mermaid")
COMPONENT_NAMES = ("apiserver", "etcd", "scheduler", "controller-manager", "cloud-controller-manager", "kubelet",
                   "kube-proxy", "runtime", "cni", "dns")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("component", required=False, metavar="[COMPONENT]")
@click.option("-o", "--output", type=click.Choice(OUTPUTS), help="wide adds flags; json/yaml give the facts as data; "
              "mermaid gives the diagram.")
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

    \b
    COMPONENT shows one component's page: apiserver, etcd, scheduler, controller-manager,
    cloud-controller-manager, kubelet, kube-proxy, runtime, cni, dns.
    Try it without a cluster: kubectl arch explain --sample kind-ha
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
    cluster_map = _collect_map(cluster)
    text = _structured(cluster_map, output, page, walkthrough, what_if, lose)
    if text is not None:
        click.echo(text, nl=False)
        return
    _print_terminal(cluster_map, output, page, walkthrough, what_if, lose)


def _collect_map(options: ClusterOptions) -> ClusterMap:
    """Read explain's needs (with a spinner on a terminal's stderr) and build the cluster map."""
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.explain import EXPLAIN_NEEDS
    from kubectl_arch.explain.analysis import build_map
    from kubectl_arch.render.console import progress_console

    spinner_console = progress_console()
    if spinner_console is None:
        data = collect(open_source(options), EXPLAIN_NEEDS)
    else:
        with spinner_console.status("connecting...") as status:
            source = open_source(options)
            data = collect(source, EXPLAIN_NEEDS, progress=lambda what: status.update(f"reading {what}..."))
    return build_map(data)


def _structured(cluster_map: ClusterMap, output: str | None, page: Page | None, walkthrough: bool, what_if: bool,
                lose: int | None) -> str | None:
    """The json/yaml/mermaid text for the view asked, or None for the terminal views."""
    if output not in ("json", "yaml", "mermaid"):
        return None
    if output == "mermaid":
        from kubectl_arch.render.explain_mermaid import mermaid

        return mermaid(cluster_map)
    import dataclasses

    from kubectl_arch.render.data import to_json, to_yaml
    from kubectl_arch.render.explain_data import cluster_map_data, component_data

    data: Any
    if page is not None:
        data = component_data(cluster_map.component(page.component))
    elif walkthrough:
        from kubectl_arch.explain.walkthrough import walkthrough_steps

        data = {"steps": [dataclasses.asdict(step) for step in walkthrough_steps(cluster_map)]}
    elif what_if:
        from kubectl_arch.explain.what_if import scenarios

        data = {"scenarios": [dataclasses.asdict(s) for s in scenarios(cluster_map, lose)]}
    else:
        data = cluster_map_data(cluster_map)
    return to_json(data) if output == "json" else to_yaml(data)


def _print_terminal(cluster_map: ClusterMap, output: str | None, page: Page | None, walkthrough: bool, what_if: bool,
                    lose: int | None) -> None:
    from kubectl_arch.render.console import make_console, wants_plain

    console = make_console()
    if page is not None:
        from kubectl_arch.render.explain_page import print_page

        print_page(console, page, cluster_map)
    elif walkthrough:
        from kubectl_arch.explain.walkthrough import walkthrough_steps
        from kubectl_arch.render.explain_story import print_walkthrough

        interactive = sys.stdin.isatty() and not wants_plain(sys.stdout)
        print_walkthrough(console, walkthrough_steps(cluster_map), _wait_for_enter if interactive else None)
    elif what_if:
        from kubectl_arch.explain.what_if import scenarios
        from kubectl_arch.render.explain_story import print_scenarios

        print_scenarios(console, scenarios(cluster_map, lose))
    else:
        from kubectl_arch.render.explain_view import print_overview

        print_overview(console, cluster_map, wide=output == "wide")


def _wait_for_enter() -> None:
    with contextlib.suppress(EOFError):
        input("  [Enter] next step ")
