"""Every connection of a live run shares one TLS context (collect/pool.py), which checks what it checked before."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization

from kubectl_arch.collect.concurrency import gather
from kubectl_arch.collect.connection import Connection
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.source import NO_STATUS
from tests.harness.apiserver import ApiServer
from tests.harness.pki import make_ca, make_leaf
from tests.harness.tiny import tiny_store

AT_ONCE = 4  # reads held open together, so the pool opens this many connections


class TlsSpy:
    """What the client side of each TLS connection was built with: its context, and the trust loaded."""

    def __init__(self) -> None:
        self.contexts: list[ssl.SSLContext] = []
        self.loads: list[str] = []


@pytest.fixture
def tls_spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsSpy]:
    spy = TlsSpy()
    wrap, load_verify, load_default = (ssl.SSLContext.wrap_socket, ssl.SSLContext.load_verify_locations,
                                       ssl.SSLContext.load_default_certs)

    def wrap_socket(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("server_side"):
            spy.contexts.append(self)
        return wrap(self, *args, **kwargs)

    def verify_locations(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
        spy.loads.append("CA")
        return load_verify(self, *args, **kwargs)

    def default_certs(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
        spy.loads.append("system trust store")
        return load_default(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "wrap_socket", wrap_socket)
    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", verify_locations)
    monkeypatch.setattr(ssl.SSLContext, "load_default_certs", default_certs)
    yield spy


def _read_together(server: ApiServer, source: KubeSource) -> None:
    """AT_ONCE reads that overlap (each answer is held back a little), so each needs its own connection."""
    server.delay("/api/v1/nodes", seconds=0.2, times=None)
    responses = gather([lambda: source.get("/api/v1/nodes")] * AT_ONCE, limit=AT_ONCE)
    assert all(response.ok for response in responses), [response.error for response in responses]


def test_connections_share_one_tls_context_that_loads_the_ca_once(
        tiny_server: ApiServer, kube_source: Callable[..., KubeSource], tls_spy: TlsSpy) -> None:
    source = kube_source(tiny_server)
    _read_together(tiny_server, source)

    assert len(tls_spy.contexts) >= AT_ONCE, "the reads did not open a connection each: the test proves nothing"
    assert len({id(context) for context in tls_spy.contexts}) == 1
    assert tls_spy.loads == ["CA"], "the CA was loaded once for the run, not once per connection"


def test_insecure_skip_tls_verify_never_loads_the_system_trust_store(
        tiny_server: ApiServer, kubeconfig_for: Callable[..., Path], tls_spy: TlsSpy) -> None:
    source = KubeSource(str(kubeconfig_for(tiny_server)), connection=Connection(insecure_skip_tls_verify=True))
    _read_together(tiny_server, source)

    assert len(tls_spy.contexts) >= AT_ONCE
    assert tls_spy.loads == [], "nothing is verified, so no trust is loaded (it cost ~30 ms a connection)"


def test_a_client_certificate_is_presented_on_every_shared_connection(
        api_server: Callable[..., ApiServer], kube_source: Callable[..., KubeSource], tls_spy: TlsSpy) -> None:
    client_ca = make_ca("kubernetes-client-ca")
    server = api_server(tiny_store(), client_ca=client_ca, tokens={})
    admin = make_leaf(client_ca, "kubernetes-admin", server=False, client=True)
    source = kube_source(server, token=None, client_cert=admin)
    _read_together(server, source)

    assert len({id(context) for context in tls_spy.contexts}) == 1
    assert {(r.user, r.client_certificate) for r in server.requests} == {("kubernetes-admin", True)}


def test_an_encrypted_client_key_fails_as_data_and_asks_for_no_password(
        api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> None:
    client_ca = make_ca("kubernetes-client-ca")
    server = api_server(tiny_store(), client_ca=client_ca, tokens={})
    admin = make_leaf(client_ca, "kubernetes-admin", server=False, client=True)
    path = kubeconfig_for(server, token=None, client_cert=admin)
    config = yaml.safe_load(path.read_text())
    encrypted = admin.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.BestAvailableEncryption(b"secret"))
    config["users"][0]["user"]["client-key-data"] = base64.b64encode(encrypted).decode()
    path.write_text(yaml.safe_dump(config))

    response = KubeSource(str(path)).get("/version")

    assert response.status == NO_STATUS
    assert "encrypted" in (response.error or ""), response.error
    assert server.requests == []
