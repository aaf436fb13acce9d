"""etcd_request_duration_seconds has had three label shapes: ``type`` holding the Go type (``*core.Pod``) before
1.26, ``type`` holding the group-resource (``deployments.apps``) from 1.26 (kubernetes#112042), ``group`` and
``resource`` from 1.34 (kubernetes#131845). Each sample's scrape must use its own release's shape, and the check
that ranks operations by it must name one resource the same way whichever shape it reads: 1.34's was read as the
bare resource, so ``deployments`` of two groups were summed into one row and named unlike 1.33's."""

from __future__ import annotations

import re

import pytest

from checks.etcd_disk_latency import slowest_operations
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.model.metrics import APISERVER_ETCD_REQUEST, Metrics, etcd_request_object, parse_metrics
from kubectl_arch.model.window import Reading
from tests.checks.one_check import check_findings


def _scrape(name: str) -> Metrics:
    source = SampleSource.named(name)
    metrics = parse_metrics(source.get("/metrics").text or "", name, (APISERVER_ETCD_REQUEST,))
    assert isinstance(metrics, Metrics)
    return metrics


def _minor(name: str) -> int:
    version = SampleSource.named(name).get("/version").data
    return int(re.match(r"\d+", str(version["minor"]))[0])  # type: ignore[index]


@pytest.mark.parametrize("name", sample_names())
def test_each_sample_labels_etcd_requests_as_its_release_does(name: str) -> None:
    series = _scrape(name).histograms[APISERVER_ETCD_REQUEST]
    assert series
    minor = _minor(name)
    for one in series:
        labels = dict(one.labels)
        if minor >= 34:
            assert "type" not in labels and labels.get("resource"), (name, labels)
        else:
            assert "resource" not in labels and "group" not in labels, (name, labels)
            assert labels["type"].startswith("*") == (minor < 26), (name, minor, labels)


@pytest.mark.parametrize(("labels", "stored"), [
    ({"operation": "get", "type": "deployments.apps"}, "deployments.apps"),
    ({"operation": "get", "group": "apps", "resource": "deployments"}, "deployments.apps"),
    ({"operation": "list", "type": "pods"}, "pods"),
    ({"operation": "list", "group": "", "resource": "pods"}, "pods"),
    ({"operation": "get", "type": "*core.Pod"}, "*core.Pod"),
    ({"operation": "get"}, ""),
])
def test_every_label_shape_names_what_was_stored_alike(labels: dict[str, str], stored: str) -> None:
    assert etcd_request_object(labels) == stored


def _as_1_34(text: str) -> str:
    """The same scrape as a 1.34 API server writes it: ``type="resource.group"`` split into group and resource."""
    def split(found: re.Match[str]) -> str:
        resource, _, group = found[2].partition(".")
        return f'group="{group}",operation="{found[1]}",resource="{resource}"'
    return re.sub(r'operation="([^"]*)",type="([^"]*)"', split, text)


def test_the_slowest_operations_read_alike_in_the_1_33_and_1_34_shapes() -> None:
    text = SampleSource.named("gke").get("/metrics").text or ""
    newer = _as_1_34(text)
    assert 'resource="leases"' in newer and "type=" not in newer.split("etcd_request_duration_seconds", 1)[1]
    old, new = (parse_metrics(t, "gke", (APISERVER_ETCD_REQUEST,)) for t in (text, newer))
    assert isinstance(old, Metrics) and isinstance(new, Metrics)
    ranked = [slowest_operations(Reading(source="gke", first=m), None) for m in (old, new)]
    assert ranked[0] == ranked[1] and any(row["object"] == "leases.coordination.k8s.io" for row in ranked[0])


def test_the_checks_evidence_names_a_resource_in_the_1_26_shape_on_a_1_33_cluster() -> None:
    rows = [row for finding in check_findings("etcd-disk-latency", SampleSource.named("gke"))
            for row in finding.evidence.get("slowestOperations", [])]
    assert rows and all(not row["object"].startswith("*") for row in rows), rows
