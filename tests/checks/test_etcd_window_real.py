"""--window against a REAL three-member etcd cluster on loopback, loaded during the window.

The audit's collection reads each member twice, a short window apart, while a bounded loop of puts
runs. The test then computes each member's windowed p99 itself, from the two raw scrapes the audit
kept, with its own parsing of the bucket lines, and compares. A member stopped between the scrapes
must show as missing, never as healthy.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import AuditReport, evaluate_checks, need_names
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.needs import NEEDS, collect
from kubectl_arch.model.metrics import WAL_FSYNC, bucket_quantile
from tests.harness.apiserver import ApiServer
from tests.harness.etcd import EtcdCluster, etcd_binary
from tests.harness.tiny import tiny_store

pytestmark = pytest.mark.heavy  # a real three-member etcd under load for a window (`make test-quick` leaves it out)

WINDOW_SECONDS = 2.0  # long enough for a few hundred puts on loopback, short enough for the suite
MAX_PUTS = 3000  # the load loop is bounded whatever happens
ENDPOINT_NEED = "etcd-endpoint-metrics"
BUCKET = re.compile(rf'^{WAL_FSYNC}_bucket\{{le="([^"]+)"\}} (\S+)$', re.MULTILINE)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[EtcdCluster]:
    if etcd_binary() is None:
        pytest.skip("Debian's etcd binary is not installed (`apt-get install etcd-server`, or `make etcd` as root)")
    members = EtcdCluster(tmp_path, size=3)
    try:
        yield members
    finally:
        members.stop()


@pytest.fixture
def kubeconfig(api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> Path:
    return kubeconfig_for(api_server(tiny_store()))


def own_buckets(text: str) -> dict[float, float]:
    """The WAL fsync buckets of one scrape, parsed here with a regex (not by the code under test)."""
    return {math.inf if le == "+Inf" else float(le): float(value) for le, value in BUCKET.findall(text)}


def windowed_p99_by_the_test(first: str, second: str) -> tuple[float, int]:
    before, after = own_buckets(first), own_buckets(second)
    difference = sorted((bound, after[bound] - before[bound]) for bound in after)
    return bucket_quantile(0.99, difference), int(difference[-1][1])


def audit_with_window(kubeconfig: Path, cluster: EtcdCluster, check_ids: list[str],
                      during_window: Callable[[str], None] | None = None) -> tuple[ClusterData, AuditReport]:
    """The audit's own collection and evaluation, with --window, while a bounded loop of puts loads etcd."""
    checks = [catalogue()[check_id] for check_id in check_ids]
    options: dict[str, Any] = {"etcd-endpoints": cluster.client_urls, "window": WINDOW_SECONDS}
    stop = threading.Event()

    def load() -> None:
        for index in range(MAX_PUTS):
            if stop.is_set():
                return
            try:
                cluster.members[0].put(f"/registry/load/key-{index % 50}", "x" * 128)
            except OSError:  # 503 while the members elect a new leader (a member was stopped): keep loading
                continue

    writer = threading.Thread(target=load, daemon=True)
    writer.start()
    try:
        data = collect(KubeSource(kubeconfig=str(kubeconfig)), need_names(checks, options), options=options,
                       progress=during_window)
    finally:
        stop.set()
        writer.join(timeout=30)
    return data, evaluate_checks(data, checks, AuditConfig())


def scrape_texts(data: ClusterData, need: str) -> dict[str, str]:
    response = data.responses[need]
    record = response.data["answer"]["data"] if need.endswith("-later") else response.data
    return {scrape["source"]: scrape["text"] for scrape in record["scrapes"] if scrape["text"]}


@pytest.mark.etcd
def test_the_windowed_p99_of_each_member_equals_the_difference_of_its_two_scrapes(
        cluster: EtcdCluster, kubeconfig: Path) -> None:
    data, report = audit_with_window(kubeconfig, cluster, ["etcd-disk-latency"])
    firsts, seconds = scrape_texts(data, ENDPOINT_NEED), scrape_texts(data, f"{ENDPOINT_NEED}-later")
    assert set(firsts) == set(seconds) == {f"etcd {url}" for url in cluster.client_urls}
    assert data.responses[f"{ENDPOINT_NEED}-later"].data["elapsedSeconds"] >= WINDOW_SECONDS
    fsyncs = [f for f in report.results[0].findings if f.evidence.get("metric") == WAL_FSYNC]
    assert len(fsyncs) == 3
    for finding in fsyncs:
        expected, observed = windowed_p99_by_the_test(firsts[finding.object], seconds[finding.object])
        assert observed >= 20, "the load loop should give every member fsyncs inside the window"
        assert finding.evidence["basis"]["kind"] == "window", finding.message
        assert finding.evidence["samples"] == observed
        assert finding.evidence["p99_seconds"] == pytest.approx(expected, abs=1e-6)
        assert f"window: {finding.evidence['basis']['description'].split(': ', 1)[1]}" in finding.message
        assert finding.status.value in ("pass", "warn", "fail")


@pytest.mark.etcd
def test_a_member_stopped_during_the_window_shows_as_missing(cluster: EtcdCluster, kubeconfig: Path) -> None:
    stopped = cluster.members[2]
    second_scrape = NEEDS[f"{ENDPOINT_NEED}-later"].description

    def stop_before_the_second_scrape(what: str) -> None:
        # Only this route's second read: reads go out together, so another route's second read (the pod
        # proxy's) may start while this route's first scrape is still under way.
        if what == second_scrape:
            stopped.stop()

    _data, report = audit_with_window(kubeconfig, cluster, ["etcd-disk-latency", "etcd-leader"],
                                      stop_before_the_second_scrape)
    for result in report.results:
        about_stopped = [f for f in result.findings if f.object == f"etcd {stopped.client_url}"]
        assert about_stopped, f"{result.meta.id} says nothing about the stopped member"
        assert all(f.status.value == "fail" for f in about_stopped), [f.message for f in about_stopped]
        assert any("missing" in f.message for f in about_stopped)
        others = [f for f in result.findings if f.object != f"etcd {stopped.client_url}"]
        assert others and all(f.status.value != "skip" for f in others)
