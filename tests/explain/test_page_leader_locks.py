"""The scheduler's and controller manager's pages say which lock their leader holds as the cluster shows it: a
Lease in kube-system by default, OpenShift 4.7's ConfigMaps (openshift-kube-scheduler/kube-scheduler), or wherever
the --leader-elect-resource-* flags put it. Held over every sample and layout."""

from __future__ import annotations

import io

import pytest

from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.pages import page_for_component
from kubectl_arch.explain.render.page import print_page
from kubectl_arch.explain.walkthrough import walkthrough_steps
from kubectl_arch.explain.what_if import scenarios
from kubectl_arch.output.console import make_console
from tests.explain.fixtures import LAYOUTS, VARIANTS, cluster_data

EVERY_CLUSTER = [*sample_names(), *LAYOUTS, *VARIANTS]
ELECTED = ("kube-scheduler", "kube-controller-manager")


def _teaching(name: str, component: str) -> tuple[str, str]:
    """The page's 'What it does' and 'When it fails' paragraphs, unwrapped, and the lock the facts read."""
    cluster = build_map(cluster_data(name))
    buffer = io.StringIO()
    print_page(make_console(buffer, width=400), page_for_component(component), cluster)
    text = buffer.getvalue()
    taught = text.split("What it does\n", 1)[1].split("\n", 1)[0] + " " + \
        text.split("When it fails\n", 1)[1].split("\n", 1)[0]
    election = cluster.facts.leader_election.get(component)
    lock = election.settings.describe if election is not None and election.settings.visible else ""
    return taught, lock


@pytest.mark.parametrize("component", ELECTED)
@pytest.mark.parametrize("name", EVERY_CLUSTER)
def test_a_page_names_the_leader_lock_the_cluster_uses(name: str, component: str) -> None:
    taught, lock = _teaching(name, component)
    assert "{lock" not in taught, taught
    if not lock:
        return
    kind, where = lock.split(" ", 1)
    if kind == "ConfigMap":
        assert "Lease" not in taught, f"{name}: {component} holds {lock}, the page says: {taught}"
        assert "ConfigMap" in taught, f"{name}: {component} holds {lock}, the page says: {taught}"
    if component == "kube-scheduler":
        assert where in taught, f"{name}: {component} holds {lock}, the page says: {taught}"


@pytest.mark.parametrize("name", EVERY_CLUSTER)
def test_what_if_and_the_walkthrough_name_the_leader_lock_the_cluster_uses(name: str) -> None:
    cluster = build_map(cluster_data(name))
    said = [line for scenario in scenarios(cluster)
            for line in (*scenario.keeps_working, *scenario.stops, *scenario.advice)]
    said += [step.here for step in walkthrough_steps(cluster)]
    for component in ELECTED:
        election = cluster.facts.leader_election.get(component)
        if election is None or not election.settings.visible or not election.settings.describe.startswith("ConfigMap"):
            continue
        wrong = [line for line in said if line.startswith(component) and "Lease" in line]
        assert not wrong, f"{name}: {component} holds {election.settings.describe}: {wrong}"
