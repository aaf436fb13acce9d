"""The architecture picture says what `explain -o json` says: every number and word it draws comes from the
fact base, so the picture can never disagree with JSON or with audit.

Over every sample as read, and again with each read the picture rests on forbidden: what could not be
read is drawn as not known with the reason, never as none, hidden, 0 or "not visible".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.explain import EXPLAIN_NEEDS
from kubectl_arch.explain.analysis import ClusterMap, build_map
from kubectl_arch.explain.render.diagram import explain_html, explain_svg
from kubectl_arch.explain.render.document import cluster_map_data
from kubectl_arch.explain.render.mermaid import mermaid
from kubectl_arch.wording import plural
from tests.pictures import cases
from tests.pictures.markup import SVG, check_html, parse_svg

CONTROL_PLANE = ("kube-apiserver", "kube-scheduler", "kube-controller-manager", "cloud-controller-manager")
# Reads the picture rests on, each forbidden in turn (as RBAC or a broken aggregated API would).
FORBIDDEN: dict[str, Callable[[str, Any], bool]] = {
    "kube-system-pods": lambda path, _query: path.endswith("kube-system/pods"),
    "nodes": lambda path, _query: path == "/api/v1/nodes",
    "daemonsets": lambda path, _query: "/daemonsets" in path,
    "deployments": lambda path, _query: "/deployments" in path,
    "leases": lambda path, _query: "/leases" in path,
}


def drawn(svg: str) -> dict[str, tuple[str, str]]:
    """Each labelled box and boundary of the picture: (its visible text, its tooltip)."""
    out = {}
    for group in parse_svg(svg).iter(f"{SVG}g"):
        name = group.get("data-box") or group.get("data-boundary")
        if name:
            title = group.find(f"{SVG}title")
            visible = " | ".join(t.text or "" for t in group.iter(f"{SVG}text"))
            out[name] = (visible, title.text or "" if title is not None else "")
    return out


def _box(boxes: dict[str, tuple[str, str]], prefix: str) -> tuple[str, str]:
    found = [box for name, box in boxes.items() if name.startswith(prefix)]
    assert len(found) == 1, (prefix, list(boxes))
    return found[0]


def assert_picture_agrees(cluster: ClusterMap) -> None:
    """Every component, the datastore, the node count, kube-proxy, CNI and DNS as `explain -o json` has them."""
    document = cluster_map_data(cluster)
    facts = document["facts"]
    boxes = drawn(explain_svg(cluster))
    for name in CONTROL_PLANE:
        fact = facts["components"][name]
        text, tooltip = _box(boxes, name)
        if fact["runs"] == "unknown":
            assert "not known: could not be read" in text, (name, text)
        elif fact["runs"] == "hidden":
            assert "run by the provider" in text, (name, text)
        elif fact["runs"] == "none":
            assert "none found" in text, (name, text)
        else:
            assert f"{fact['ready']}/{fact['replicas']} ready · {fact['health']}" in text, (name, fact, text)
            if fact["version"]:
                assert f"version {fact['version']}" in text, (name, text)
        election = facts["leaderElection"].get(name)
        if election and election["held"] and fact["runs"] != "none":
            holder = election["holderHost"] or election["holder"]
            assert "leader: " in text and f"leader: {holder}" in tooltip, (name, holder, text, tooltip)
        elif election and election["enabled"] and election["problem"] and fact["runs"] in ("pods", "embedded") \
                and fact["replicas"]:
            assert "leader: not known" in text or "leader: no Lease found" in text, (name, election, text)
        if fact["runs"] != "unknown":
            assert "not known: could not be read" not in text, (name, text)
    store, etcd = facts["datastore"], facts["components"]["etcd"]
    text, _ = _box(boxes, "etcd" if store["kind"] not in ("kine-sqlite", "kine-external", "unknown") or
                   cluster.managed else "datastore")
    if etcd["runs"] == "unknown" and not cluster.managed:
        assert "not known:" in text and "could not be read" in text and "not visible" not in text, text
    elif store["members"] is not None:
        ready = f" · {store['ready']}/{store['members']} ready" if store["ready"] is not None else ""
        assert f"{plural(store['members'], 'member')}{ready}" in text, (store, text)
        assert f"quorum: {store['quorum']} of {store['members']}" in text, text
        assert f"tolerates {plural(store['failuresTolerated'], 'failure')}" in text, text
    elif cluster.managed:
        assert "run by the provider" in text, text
    nodes_title, _ = _box(boxes, "Nodes ·")
    if cluster.nodes_unknown:
        assert "not known" in nodes_title and "0 nodes" not in nodes_title, nodes_title
    else:
        total, ready = facts["nodes"]["total"], facts["nodes"]["ready"]
        assert f"{plural(total, 'node')}, {ready} Ready" in nodes_title, nodes_title
    dns = facts["dns"]
    if dns["kind"]:
        assert f"DNS {dns['kind']} {dns['ready']}/{dns['desired']} ready" in nodes_title, nodes_title
    elif dns["desired"] is None:
        assert "DNS not known" in nodes_title and "no cluster DNS" not in nodes_title, nodes_title
    else:
        assert "no cluster DNS found" in nodes_title, nodes_title
    groups = [text for name, (text, _) in boxes.items() if " nodes ×" in name]
    proxy = facts["serviceProxy"]["mode"]
    cni = {**next(c for c in document["components"] if c["name"] == "cni"), "kind": facts["cni"]["kind"]}
    for text in groups:
        if proxy == "replaced":
            assert "no kube-proxy:" in text and "replaces it" in text, text
        elif proxy == "absent":
            assert "no kube-proxy found" in text, text
        elif proxy == "unknown":
            assert "kube-proxy mode unknown" in text or "kube-proxy not known" in text, text
        else:
            assert f"kube-proxy {proxy}" in text, text
        if cni["unknown"] and not cni["kind"]:
            assert "CNI not known" in text and "none found" not in text, text
        elif cni["replicas"] == 0:
            assert "CNI: none found" in text, text
        else:
            assert f"CNI {cni['kind']}" in text, text


@pytest.mark.parametrize("name", cases.map_names())
def test_the_picture_says_what_explain_json_says(name: str) -> None:
    assert_picture_agrees(cases.cluster_map(name))


@pytest.mark.parametrize("forbidden", list(FORBIDDEN))
@pytest.mark.parametrize("sample", sample_names())
def test_what_could_not_be_read_is_drawn_as_not_known(sample: str, forbidden: str) -> None:
    loaded = load_sample(sample)
    loaded.store.forbid(FORBIDDEN[forbidden])
    cluster = build_map(collect(SampleSource(loaded), [*EXPLAIN_NEEDS, "nodes-full"]))
    assert_picture_agrees(cluster)
    assert check_html(explain_html(cluster)) == []
    chart = mermaid(cluster)
    for view in cluster.components:
        if view.unknown and view.name in CONTROL_PLANE[1:3]:
            assert "hidden" not in chart.split(view.name, 1)[1].split("\n", 1)[0], chart
    if cluster.nodes_unknown:
        assert "0 nodes" not in chart and "nodes not known" in chart, chart

