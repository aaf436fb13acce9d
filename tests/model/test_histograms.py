"""Histograms summed from label sets grouped once equal a straight scan of every sample.

The reference below is the definition (``sum by (le)`` over the accepted samples), written the plain
way: the grouped implementation must agree with it on real scrapes and on awkward ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from checks.etcd_disk_latency import P99, slowest_operations
from kubectl_arch.model.metrics import (
    APISERVER_ETCD_REQUEST,
    Histogram,
    Metrics,
    bucket_quantile,
    histogram,
    histogram_series,
    histograms_by,
    parse_metrics,
)
from kubectl_arch.model.window import Reading

SAMPLES = Path(__file__).resolve().parents[2] / "kubectl_arch" / "samples"

# Interleaved series, a bucket with no valid bound, and a series only in the +Inf bucket.
AWKWARD = """\
# TYPE etcd_request_duration_seconds histogram
etcd_request_duration_seconds_bucket{operation="get",type="pods",le="0.1"} 3
etcd_request_duration_seconds_bucket{operation="list",resource="nodes",le="0.1"} 1
etcd_request_duration_seconds_bucket{operation="get",type="pods",le="1"} 8
etcd_request_duration_seconds_bucket{operation="get",type="pods",le="+Inf"} 9
etcd_request_duration_seconds_bucket{operation="list",resource="nodes",le="1"} 4
etcd_request_duration_seconds_bucket{operation="list",resource="nodes",le="+Inf"} 4
etcd_request_duration_seconds_bucket{operation="get",type="secrets",le="+Inf"} 2
etcd_request_duration_seconds_bucket{operation="list",resource="pods",le="NaN"} 7
etcd_request_duration_seconds_bucket{operation="get",group="apps",resource="pods",le="0.1"} 5
etcd_request_duration_seconds_bucket{operation="get",group="apps",resource="pods",le="+Inf"} 5
"""


def scrapes() -> list[Metrics]:
    found = [parse_metrics((folder / "raw" / "metrics.txt").read_text(), folder.name)
             for folder in sorted(SAMPLES.iterdir()) if (folder / "raw" / "metrics.txt").is_file()]
    found.append(parse_metrics(AWKWARD, "awkward"))
    assert all(isinstance(m, Metrics) for m in found)
    return [m for m in found if isinstance(m, Metrics)]


def reference(metrics: Metrics, name: str, where: Callable[[Mapping[str, str]], bool]) -> Histogram | None:
    totals: dict[float, float] = {}
    series: set[tuple[tuple[str, str], ...]] = set()
    for sample in metrics.samples(f"{name}_bucket"):
        labels = dict(sample.labels)
        le = labels.pop("le", None)
        bound = float(le) if le is not None else math.nan
        if math.isnan(bound) or not where(labels):
            continue
        totals[bound] = totals.get(bound, 0.0) + sample.value
        series.add(tuple(sorted(labels.items())))
    return Histogram(name, tuple(sorted(totals.items())), len(series)) if totals else None


def operation(labels: Mapping[str, str]) -> tuple[str, str]:
    """(operation, what it stored): 1.34's group and resource as 1.26-1.33's ``type`` spelled them (resource.group)."""
    group, resource = labels.get("group", ""), labels.get("resource", "")
    stored = f"{resource}.{group}" if resource and group else resource or labels.get("type", "")
    return labels.get("operation", ""), stored


def of_operation(key: tuple[str, str]) -> Callable[[Mapping[str, str]], bool]:
    return lambda labels: operation(labels) == key


def everything(_labels: Mapping[str, str]) -> bool:
    return True


@pytest.mark.parametrize("metrics", scrapes(), ids=lambda m: m.source)
def test_grouped_sums_equal_a_scan_of_every_sample(metrics: Metrics) -> None:
    grouped = histograms_by(metrics, APISERVER_ETCD_REQUEST, operation)
    assert grouped, "the scrape has etcd request histograms"
    keys = {operation(dict(s.labels)) for s in metrics.samples(f"{APISERVER_ETCD_REQUEST}_bucket")}
    for key in keys:
        expected = reference(metrics, APISERVER_ETCD_REQUEST, of_operation(key))
        assert grouped.get(key) == expected
        assert histogram(metrics, APISERVER_ETCD_REQUEST, of_operation(key)) == expected
    assert histogram(metrics, APISERVER_ETCD_REQUEST) == reference(metrics, APISERVER_ETCD_REQUEST, everything)


@pytest.mark.parametrize("metrics", scrapes(), ids=lambda m: m.source)
def test_slowest_operations_rank_the_reference_quantiles(metrics: Metrics) -> None:
    ranked = []
    for key in {operation(dict(s.labels)) for s in metrics.samples(f"{APISERVER_ETCD_REQUEST}_bucket")}:
        found = reference(metrics, APISERVER_ETCD_REQUEST, of_operation(key))
        value = bucket_quantile(P99, found.buckets) if found else math.nan
        if math.isfinite(value) and found:
            ranked.append((-value, *key, int(found.count)))
    expected = [{"operation": op, "object": kind, "p99_seconds": round(-value, 6), "samples": samples}
                for value, op, kind, samples in sorted(ranked)[:3]]
    assert slowest_operations(Reading(metrics.source, metrics), None) == expected


def test_awkward_scrape_groups_as_promql_would() -> None:
    metrics = parse_metrics(AWKWARD, "awkward")
    assert isinstance(metrics, Metrics)
    grouped = histograms_by(metrics, APISERVER_ETCD_REQUEST, operation)
    assert grouped[("get", "pods")] == Histogram(APISERVER_ETCD_REQUEST, ((0.1, 3.0), (1.0, 8.0), (math.inf, 9.0)), 1)
    # group="apps",resource="pods" is another group's resource (1.34's labels), never core pods.
    assert grouped[("get", "pods.apps")] == Histogram(APISERVER_ETCD_REQUEST, ((0.1, 5.0), (math.inf, 5.0)), 1)
    assert ("list", "pods") not in grouped  # its only bucket has no valid bound
    # get/pods: rank 8.91 of 9 falls in +Inf, answered by the highest finite bound (1 s); list/nodes:
    # 0.1 + 0.9 * (3.96 - 1) / 3 = 0.988 s; get/pods.apps: 0.1 * 4.95 / 5 = 0.099 s; get/secrets has only +Inf.
    ranked = slowest_operations(Reading("awkward", metrics), None)
    assert [(row["object"], row["p99_seconds"]) for row in ranked] == [("pods", 1.0), ("nodes", 0.988),
                                                                       ("pods.apps", 0.099)]


def test_label_sets_are_grouped_once_per_scrape() -> None:
    metrics = parse_metrics(AWKWARD, "awkward")
    assert isinstance(metrics, Metrics)
    first = histogram_series(metrics, APISERVER_ETCD_REQUEST)
    assert histogram_series(metrics, APISERVER_ETCD_REQUEST) is first
    assert len(first) == 4  # get/pods, list/nodes, get/secrets, get/apps/pods
    with pytest.raises(TypeError):
        first[0].labels["operation"] = "changed"  # type: ignore[index]
