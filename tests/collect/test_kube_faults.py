"""Transient and permanent failures through the real client: data, bounded retries, never exceptions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kubectl_arch.collect import kube
from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.source import NO_STATUS
from tests.harness.apiserver import ApiServer

NODES = "/api/v1/nodes"


def test_403_is_data_and_the_rest_of_the_run_goes_on(tiny_server: ApiServer,
                                                     kube_source: Callable[..., KubeSource]) -> None:
    assert isinstance(tiny_server.backend, ApiStore)
    tiny_server.backend.forbid(lambda path, _query: path == NODES)
    source = kube_source(tiny_server)

    data = collect(source, ["nodes", "version", "daemonsets"])

    assert data["nodes"].status == 403
    assert data["daemonsets"].ok
    assert data.skip_reason("nodes") is not None and "forbidden" in data.skip_reason("nodes")  # type: ignore[operator]
    assert "kubectl arch rbac" in (data.skip_reason("nodes") or "")
    assert data.json("version")["gitVersion"] == "v1.32.4"
    assert len(tiny_server.requests_to(NODES)) == 1, "a 403 is final: it must not be retried"


def test_404_is_data_with_the_servers_message(tiny_server: ApiServer, kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    response = source.get("/api/v1/namespaces/kube-system/configmaps/kube-proxy")
    assert response.not_found
    assert response.error == 'configmaps "kube-proxy" not found'
    assert response.skip_reason("the kube-proxy ConfigMap") == "the kube-proxy ConfigMap not found (HTTP 404)"


def test_429_honours_retry_after_then_succeeds(tiny_server: ApiServer, kube_source: Callable[..., KubeSource],
                                               sleeps: list[float]) -> None:
    source = kube_source(tiny_server)
    tiny_server.fail(NODES, status=429, times=2, retry_after=2)

    response = source.get(NODES)

    assert response.ok and len(response.items) == 7
    assert sleeps == [2.0, 2.0]
    assert len(tiny_server.requests_to(NODES)) == 3


def test_429_retry_after_is_bounded_and_attempts_are_capped(tiny_server: ApiServer,
                                                            kube_source: Callable[..., KubeSource],
                                                            sleeps: list[float]) -> None:
    source = kube_source(tiny_server)
    tiny_server.fail(NODES, status=429, times=None, retry_after=3600)

    response = source.get(NODES)

    assert response.status == 429 and not response.ok
    assert sleeps == [kube.MAX_RETRY_AFTER_SECONDS] * (kube.MAX_ATTEMPTS - 1)
    assert len(tiny_server.requests_to(NODES)) == kube.MAX_ATTEMPTS
    assert f"after {kube.MAX_ATTEMPTS} attempts" in (response.error or "")


def test_500_then_success_backs_off_once(tiny_server: ApiServer, kube_source: Callable[..., KubeSource],
                                         sleeps: list[float]) -> None:
    source = kube_source(tiny_server)
    tiny_server.fail(NODES, status=500, times=1)

    response = source.get(NODES)

    assert response.ok
    assert sleeps == [kube.BACKOFF_SECONDS]


def test_503_burst_backs_off_exponentially_then_reports(tiny_server: ApiServer,
                                                        kube_source: Callable[..., KubeSource],
                                                        sleeps: list[float]) -> None:
    source = kube_source(tiny_server)
    tiny_server.fail(NODES, status=503, times=10)

    response = source.get(NODES)

    assert response.status == 503
    assert sleeps == [kube.BACKOFF_SECONDS * 2**i for i in range(kube.MAX_ATTEMPTS - 1)]
    assert "could not read nodes" in response.skip_reason("nodes")


@pytest.mark.parametrize("mid_response", [False, True], ids=["before-response", "mid-response"])
def test_connection_reset_then_success(tiny_server: ApiServer, kube_source: Callable[..., KubeSource],
                                       sleeps: list[float], mid_response: bool) -> None:
    source = kube_source(tiny_server)
    source.get("/version")  # a pooled keep-alive connection exists, as in a real run
    tiny_server.reset(NODES, mid_response=mid_response)

    response = source.get(NODES)

    assert response.ok and len(response.items) == 7
    assert len(sleeps) == 1
    assert len(tiny_server.requests_to(NODES)) == 2


def test_timeout_is_reported_and_not_retried(tiny_server: ApiServer, kube_source: Callable[..., KubeSource],
                                             sleeps: list[float]) -> None:
    source = kube_source(tiny_server, request_timeout=1.0)
    tiny_server.delay(NODES, seconds=3)

    response = source.get(NODES)

    assert response.status == NO_STATUS
    assert response.error == "timed out after 1s (--request-timeout)"
    assert sleeps == []
    assert len(tiny_server.requests_to(NODES)) == 1


def test_truncated_body_is_retried_then_succeeds(tiny_server: ApiServer,
                                                 kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    tiny_server.truncate(NODES, times=1)
    response = source.get(NODES)
    assert response.ok and len(response.items) == 7


def test_always_truncated_body_ends_as_an_error_not_a_crash(tiny_server: ApiServer,
                                                            kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    tiny_server.truncate(NODES, times=None)
    response = source.get(NODES)
    assert not response.ok and response.data is None
    assert len(tiny_server.requests_to(NODES)) == kube.MAX_ATTEMPTS


def test_invalid_json_with_status_200_is_an_error(api_server: Callable[..., ApiServer],
                                                  kube_source: Callable[..., KubeSource]) -> None:
    from kubectl_arch.collect.source import Response

    store = ApiStore()
    store.set_raw("/api/v1/nodes", Response(status=200, text='{"kind": "NodeList", "items": [',
                                            headers={"content-type": "application/json"}))
    source = kube_source(api_server(store))
    response = source.get(NODES)
    assert not response.ok
    assert "not valid JSON" in (response.error or "")


def test_watch_streams_scripted_events(tiny_server: ApiServer, kube_source: Callable[..., KubeSource]) -> None:
    events = [{"type": "ADDED", "object": {"kind": "Pod", "metadata": {"name": f"web-{i}"}}} for i in range(3)]
    tiny_server.script_watch("/api/v1/namespaces/default/pods", events)
    source = kube_source(tiny_server)

    received = list(source.watch("/api/v1/namespaces/default/pods", {"fieldSelector": "metadata.name=web-0"}, 5))

    assert received == events
    (request,) = tiny_server.requests_to("/api/v1/namespaces/default/pods")
    assert request.is_watch and request.query["timeoutSeconds"] == "5"
    assert request.query["fieldSelector"] == "metadata.name=web-0"


def test_a_dropped_watch_ends_the_stream_after_what_arrived(tiny_server: ApiServer,
                                                            kube_source: Callable[..., KubeSource]) -> None:
    events = [{"type": "MODIFIED", "object": {"kind": "Pod", "metadata": {"name": "web-0"}}}] * 4
    tiny_server.script_watch("/api/v1/pods", events, drop_after=2)
    source = kube_source(tiny_server)
    assert list(source.watch("/api/v1/pods", None, 5)) == events[:2]


def test_now_is_the_servers_clock(tiny_server: ApiServer, kube_source: Callable[..., KubeSource]) -> None:
    from tests.harness.tiny import CAPTURED_AT

    source = kube_source(tiny_server)
    assert source.now() == CAPTURED_AT, "before any answer, now() asks the server"
    assert [r.path for r in tiny_server.requests] == ["/version"]
    source.get("/api/v1/nodes")
    assert source.now() == CAPTURED_AT
    assert len(tiny_server.requests) == 2


def test_peer_certificates_are_the_served_chain(tiny_server: ApiServer, kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    chain = source.peer_certificates()
    assert chain.ok
    assert chain.data[0].strip() == tiny_server.serving.cert_pem.strip()


def test_5xx_through_a_proxy_is_retried_like_any_read(tiny_server: ApiServer,
                                                      kube_source: Callable[..., KubeSource],
                                                      sleeps: list[float]) -> None:
    # One flaky 500 through the pod proxy must not decide etcd's verdict (it used to fall back to a milder view).
    proxy = "/api/v1/namespaces/kube-system/pods/etcd-cp-1:2381/proxy/metrics"
    tiny_server.fail(proxy, status=500, times=1)
    source = kube_source(tiny_server)
    assert source.get(proxy).status != 500
    assert len(sleeps) == 1 and len(tiny_server.requests_to(proxy)) == 2
    tiny_server.fail(proxy, status=503, times=None)
    failed = source.get(proxy)
    assert failed.status == 503 and "after 4 attempts" in (failed.error or "")


def test_failing_readyz_is_the_answer_not_a_fault(tiny_server: ApiServer, kube_source: Callable[..., KubeSource],
                                                  sleeps: list[float]) -> None:
    from kubectl_arch.collect.source import Response

    assert isinstance(tiny_server.backend, ApiStore)
    verdict = "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n"
    tiny_server.backend.set_raw("/readyz", Response(status=500, text=verdict), {"verbose": "true"})
    response = kube_source(tiny_server).get("/readyz", {"verbose": "true"})
    assert response.status == 500 and response.text == verdict
    assert sleeps == []
