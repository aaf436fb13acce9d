"""Compressed answers, as kubectl reads them: gzip asked for, large answers decoded as read, and kubectl's
opt-outs (the cluster entry's ``disable-compression``, the ``--disable-compression`` flag) honoured.

A laptop reading a big cluster over a real network pays for every byte: JSON lists shrink about tenfold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.connection import Connection
from kubectl_arch.collect.kube import KubeSource
from tests.harness.apiserver import GZIP_THRESHOLD_BYTES, ApiServer
from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig

NODES = "/api/v1/nodes"


def _big_store() -> ApiStore:
    """Nodes whose list is well over the server's compression threshold."""
    store = ApiStore()
    for index in range(400):
        store.add({"kind": "Node", "apiVersion": "v1",
                   "metadata": {"name": f"node-{index:03d}", "labels": {f"pool.example.com/{k}": "x" * 40
                                                                        for k in range(8)}},
                   "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}]}})
    return store


def _read(server: ApiServer, kubeconfig: Path, **flags: bool) -> tuple[object, int, str]:
    """The node list read through KubeSource, the body bytes the server sent, and the Accept-Encoding it saw."""
    server.clear_requests()
    source = KubeSource(connection=Connection(kubeconfig=str(kubeconfig), **flags), request_timeout=10.0)
    response = source.get(NODES, {"limit": "500"})
    assert response.ok, response.error
    request = server.requests_to(NODES)[-1]
    return response.data, server.body_bytes_sent, request.headers.get("accept-encoding", "")


def test_a_large_list_comes_compressed_and_reads_the_same(api_server: Callable[..., ApiServer],
                                                           kubeconfig_for: Callable[..., Path]) -> None:
    server = api_server(_big_store())
    kubeconfig = kubeconfig_for(server)
    compressed, sent_compressed, asked = _read(server, kubeconfig)
    plain, sent_plain, asked_plain = _read(server, kubeconfig, disable_compression=True)
    assert "gzip" in asked and "gzip" not in asked_plain
    assert sent_plain > GZIP_THRESHOLD_BYTES and sent_compressed < sent_plain / 5, (sent_compressed, sent_plain)
    assert compressed == plain


@pytest.mark.parametrize("setting", [True, "true"])
def test_the_cluster_entry_can_turn_compression_off(api_server: Callable[..., ApiServer], tmp_path: Path,
                                                     setting: object) -> None:
    """kubectl's ``disable-compression: true`` on a cluster entry (a YAML boolean; the string is not one, and
    kubectl refuses such a file: here it leaves compression on rather than guess)."""
    server = api_server(_big_store())
    document = kubeconfig_dict(server.url, server.ca_pem)
    document["clusters"][0]["cluster"]["disable-compression"] = setting
    _data, _sent, asked = _read(server, write_kubeconfig(tmp_path / "kubeconfig", document))
    assert ("gzip" not in asked) is (setting is True), asked


def test_a_small_answer_is_sent_as_it_is(api_server: Callable[..., ApiServer],
                                         kubeconfig_for: Callable[..., Path]) -> None:
    """Under the threshold the server does not compress (as kube-apiserver): the read is the same either way."""
    server = api_server("kind-ha")
    data, sent, asked = _read(server, kubeconfig_for(server))
    assert "gzip" in asked and 0 < sent <= GZIP_THRESHOLD_BYTES and isinstance(data, dict) and data.get("items")
