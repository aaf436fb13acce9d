"""explain for people (`-o wide` or no -o): the overview, a component page, the walkthrough or the what-if."""

from __future__ import annotations

from kubectl_arch.explain.request import ExplainView
from kubectl_arch.output.console import make_console


def render(view: ExplainView, format_name: str) -> None:
    from kubectl_arch.explain.render.page import print_page
    from kubectl_arch.explain.render.story import print_scenarios, print_walkthrough
    from kubectl_arch.explain.render.terminal import print_overview

    console = make_console()
    if view.page is not None:
        print_page(console, view.page, view.cluster_map)
    elif view.steps is not None:
        print_walkthrough(console, view.steps, view.wait_for_enter)
    elif view.scenarios is not None:
        print_scenarios(console, view.scenarios)
    else:
        print_overview(console, view.cluster_map, wide=format_name == "wide")
