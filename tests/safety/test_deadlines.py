"""--request-timeout bounds each whole request (a trickled body included); --timeout bounds the run."""

from __future__ import annotations

import time
from collections.abc import Callable

from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.source import NO_STATUS
from tests.harness.apiserver import ApiServer

NODES = "/api/v1/nodes"


def test_a_trickled_body_is_cut_at_the_request_timeout(tiny_server: ApiServer,
                                                       kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server, request_timeout=1.5)
    tiny_server.trickle(NODES, seconds=0.2, times=None)  # every socket read is quick; the body takes minutes
    started = time.monotonic()
    response = source.get(NODES)
    took = time.monotonic() - started
    assert response.status == NO_STATUS and "timed out after 1.5s" in (response.error or ""), response
    assert took < 4, f"the request ran {took:.1f}s past a 1.5s --request-timeout"
    assert len(tiny_server.requests_to(NODES)) == 1


def test_the_run_timeout_fails_later_reads_with_the_reason(tiny_server: ApiServer,
                                                           kubeconfig_for: Callable[..., object]) -> None:
    source = KubeSource(str(kubeconfig_for(tiny_server)), None, 5.0, run_timeout=1.0)
    assert source.get("/version").ok
    tiny_server.delay(NODES, seconds=5)
    started = time.monotonic()
    slow = source.get(NODES)
    assert time.monotonic() - started < 3 and slow.status == NO_STATUS
    after = source.get("/api/v1/namespaces")  # not /version: its first answer is kept for the whole run
    assert not after.ok and "--timeout of 1s had passed" in (after.error or "")


def test_no_request_timeout_waits_for_a_slow_answer_within_the_run_timeout(
        tiny_server: ApiServer, kubeconfig_for: Callable[..., object]) -> None:
    """--request-timeout 0 (no limit per request) still leaves the run's --timeout in force."""
    source = KubeSource(str(kubeconfig_for(tiny_server)), None, None, run_timeout=2.0)
    tiny_server.delay(NODES, seconds=0.5)
    assert source.get(NODES).ok
    tiny_server.delay("/api/v1/namespaces", seconds=10)
    late = source.get("/api/v1/namespaces")
    assert late.status == NO_STATUS
