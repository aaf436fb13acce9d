"""explain for people (`-o wide` or no -o): the overview, a component page, the walkthrough or the what-if."""

from __future__ import annotations

from kubectl_arch.explain.request import ExplainView
from kubectl_arch.output.console import make_console


def render(view: ExplainView, format_name: str) -> None:
    """Each view's renderer is imported only when that view is shown: the overview's start-up pays for no other."""
    console = make_console()
    if view.page is not None:
        from kubectl_arch.explain.render.page import print_page

        print_page(console, view.page, view.cluster_map)
    elif view.steps is not None:
        from kubectl_arch.explain.render.story import print_walkthrough

        print_walkthrough(console, view.steps, view.wait_for_enter)
    elif view.scenarios is not None:
        from kubectl_arch.explain.render.story import print_scenarios

        print_scenarios(console, view.scenarios)
    else:
        from kubectl_arch.explain.render.terminal import print_overview

        print_overview(console, view.cluster_map, wide=format_name == "wide")
