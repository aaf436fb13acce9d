"""What one `kubectl arch explain` run shows: the map plus the view the user asked for, analysed.

The command builds it (collection and analysis); every renderer reads it (formatting only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.pages import Page

if TYPE_CHECKING:  # the overview, the common view, loads neither: the views that do import them to build them
    from kubectl_arch.explain.walkthrough import Step
    from kubectl_arch.explain.what_if import Scenario


@dataclass
class ExplainView:
    """The overview (nothing else set), one component's page, the walkthrough or the what-if scenarios."""

    cluster_map: ClusterMap
    page: Page | None = None
    steps: list[Step] | None = None
    scenarios: list[Scenario] | None = None
    # Between walkthrough steps on an interactive terminal: wait for Enter.
    wait_for_enter: Callable[[], None] | None = None
