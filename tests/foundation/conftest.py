"""Fixtures for the foundation's tests: the tiny cluster on the test API server, and a live reader for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.collect.kube import KubeSource
from tests.harness.apiserver import ApiServer
from tests.harness.tiny import tiny_store


@pytest.fixture
def tiny_server(api_server: Callable[..., ApiServer]) -> ApiServer:
    """The tiny cluster (7 nodes, 3 pods, 2 Secrets) served over HTTPS, Date pinned to its capture time."""
    from tests.harness.tiny import CAPTURED_AT

    return api_server(tiny_store(), now=CAPTURED_AT)


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff sleeps a KubeSource asked for, recorded instead of slept."""
    return []


@pytest.fixture
def kube_source(kubeconfig_for: Callable[..., Path], sleeps: list[float]) -> Callable[..., KubeSource]:
    """Factory: a real KubeSource reading ``server`` through a kubeconfig; sleeps go to ``sleeps``."""

    def make(server: ApiServer, request_timeout: float = 5.0, **kubeconfig: Any) -> KubeSource:
        path = kubeconfig_for(server, **kubeconfig)
        return KubeSource(str(path), None, request_timeout, sleep=sleeps.append)

    return make
