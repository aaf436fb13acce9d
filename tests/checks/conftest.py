"""Fixtures for the etcd and certificate checks: a real etcd (plain and mutual-TLS) with a few writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.etcd import EtcdServer, EtcdTls, etcd_binary

WRITES = 25  # enough puts that the WAL fsync and backend commit histograms have samples


def _started(directory: Path, tls: EtcdTls | None) -> Iterator[EtcdServer]:
    if etcd_binary() is None:
        pytest.skip("Debian's etcd binary is not installed (`apt-get install etcd-server`, or `make etcd` as root)")
    server = EtcdServer(directory, tls)
    try:
        for index in range(WRITES):
            server.put(f"/registry/test/key-{index}", "x" * 64)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    """A real etcd on 127.0.0.1 serving plain HTTP, after a few writes."""
    yield from _started(tmp_path_factory.mktemp("etcd"), None)


@pytest.fixture(scope="module")
def etcd_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    """A real etcd that serves HTTPS and demands client certificates, as kubeadm's etcd does."""
    directory = tmp_path_factory.mktemp("etcd-tls")
    yield from _started(directory, EtcdTls.create(directory))
