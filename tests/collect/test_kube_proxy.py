"""The live reader takes its proxy from the environment as kubectl does, and reads that environment once a run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.source import NO_STATUS
from tests.harness.apiserver import ApiServer

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                   "NO_PROXY", "no_proxy")
CLOSED_PORT = "http://127.0.0.1:9"  # nothing listens on the discard port here: a proxy that refuses


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_proxy_environment_is_read_once_not_before_every_request(
        tiny_server: ApiServer, kube_source: Callable[..., KubeSource], monkeypatch: pytest.MonkeyPatch) -> None:
    from kubernetes.client import configuration as client_configuration

    scans: list[int] = []
    real = client_configuration.getproxies
    monkeypatch.setattr(client_configuration, "getproxies", lambda: scans.append(1) or real())
    source = kube_source(tiny_server)
    after_loading = len(scans)

    for _ in range(5):
        assert source.get("/version").ok

    assert len(scans) == after_loading, "the client rescanned the environment's proxies for each request"


def test_an_https_proxy_in_the_environment_is_used(tiny_server: ApiServer, kubeconfig_for: Callable[..., Path],
                                                   monkeypatch: pytest.MonkeyPatch, sleeps: list[float]) -> None:
    monkeypatch.setenv("HTTPS_PROXY", CLOSED_PORT)
    source = KubeSource(str(kubeconfig_for(tiny_server)), sleep=sleeps.append)

    response = source.get("/version")

    assert response.status == NO_STATUS and tiny_server.requests == [], "the request went around the proxy"
    assert "through a proxy" in (source.peer_certificates().error or "")
    # A refused proxy refuses again: one line that names it, and no back-off spent retrying it.
    assert "proxy could not be reached" in (response.error or "") and "refused" in (response.error or "")
    assert sleeps == [] and source.requests_sent == 1
    from kubectl_arch.collect.kube import cluster_unreadable

    assert "HTTPS_PROXY" in cluster_unreadable(response, source).one_line(), "the line points at the proxy"


def test_no_proxy_lets_the_server_be_reached_directly(tiny_server: ApiServer, kubeconfig_for: Callable[..., Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", CLOSED_PORT)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

    assert KubeSource(str(kubeconfig_for(tiny_server))).get("/version").ok
