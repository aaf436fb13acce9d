"""How the live reader authenticates: bearer tokens, client certificates, exec plugins, in-cluster config."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.source import NO_STATUS
from tests.conftest import CliResult
from tests.harness.apiserver import DEFAULT_TOKEN, ApiServer
from tests.harness.kubeconfig import exec_user, kubeconfig_for_server
from tests.harness.pki import make_ca, make_leaf
from tests.harness.tiny import tiny_store


def test_bearer_token_is_sent_and_never_exposed(tiny_server: ApiServer, kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    assert source.get("/version").ok
    (request,) = tiny_server.requests
    assert request.authorization and request.user == "test-user"
    creds = source.credentials()
    assert creds.auth == "token"
    assert DEFAULT_TOKEN not in repr(creds)


def test_wrong_token_is_401(tiny_server: ApiServer, kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server, token="expired-token")
    response = source.get("/version")
    assert response.status == 401
    assert "credentials rejected" in response.skip_reason("the API server version")


def test_client_certificate_authenticates_as_its_common_name(api_server: Callable[..., ApiServer],
                                                             kube_source: Callable[..., KubeSource]) -> None:
    client_ca = make_ca("kubernetes-client-ca")
    server = api_server(tiny_store(), client_ca=client_ca, tokens={})
    admin = make_leaf(client_ca, "kubernetes-admin", organizations=["kubeadm:cluster-admins"],
                      server=False, client=True)
    source = kube_source(server, token=None, client_cert=admin)

    assert source.get("/version").ok
    (request,) = server.requests
    assert request.client_certificate and request.user == "kubernetes-admin" and not request.authorization
    creds = source.credentials()
    assert creds.auth == "client-certificate"
    assert creds.client_certificate_pem == admin.cert_pem
    assert "PRIVATE KEY" not in repr(creds)


def test_expired_client_certificate_fails_as_data(api_server: Callable[..., ApiServer],
                                                  kube_source: Callable[..., KubeSource]) -> None:
    client_ca = make_ca("kubernetes-client-ca")
    server = api_server(tiny_store(), client_ca=client_ca, tokens={})
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    expired = make_leaf(client_ca, "kubernetes-admin", server=False, client=True,
                        not_before=long_ago, not_after=long_ago + dt.timedelta(days=365))
    source = kube_source(server, token=None, client_cert=expired)

    response = source.get("/version")

    assert not response.ok
    assert response.status in (NO_STATUS, 401)
    assert server.requests == [], "no request may be served over a handshake that failed"


def credential_plugin(tmp_path: Path) -> dict[str, Any]:
    """A kubeconfig exec user running a tiny plugin that prints an ExecCredential, as cloud CLIs do."""
    plugin = tmp_path / "credential-plugin.py"
    plugin.write_text(
        "import json, os\n"
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', 'kind': 'ExecCredential',\n"
        "                  'status': {'token': os.environ['PLUGIN_TOKEN']}}))\n"
    )
    return exec_user(sys.executable, [str(plugin)], env={"PLUGIN_TOKEN": DEFAULT_TOKEN})


def test_exec_plugin_supplies_the_token(tiny_server: ApiServer, kube_source: Callable[..., KubeSource],
                                        tmp_path: Path) -> None:
    source = kube_source(tiny_server, exec_spec=credential_plugin(tmp_path))

    assert source.get("/version").ok
    assert tiny_server.requests[0].user == "test-user"
    assert source.credentials().auth == "exec"


def test_in_cluster_config_reads_the_service_account(tiny_server: ApiServer, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from kubernetes.config import incluster_config

    token_file, ca_file = tmp_path / "token", tmp_path / "ca.crt"
    token_file.write_text(DEFAULT_TOKEN)
    ca_file.write_text(tiny_server.ca_pem)
    # The paths a pod has under /var/run/secrets/kubernetes.io/serviceaccount/, pointed at temp files.
    monkeypatch.setattr(incluster_config, "SERVICE_TOKEN_FILENAME", str(token_file))
    monkeypatch.setattr(incluster_config, "SERVICE_CERT_FILENAME", str(ca_file))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(tiny_server.port))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.kube/config

    source = KubeSource(None, None, 5.0, sleep=lambda _s: None)

    assert source.get("/version").ok
    assert tiny_server.requests[0].user == "test-user"
    assert source.credentials().auth == "in-cluster"
    assert source.description.startswith("context in-cluster")


def test_kubeconfig_namespace_becomes_the_default(tiny_server: ApiServer, tmp_path: Path) -> None:
    path = kubeconfig_for_server(tiny_server, tmp_path / "config", namespace="shop", extra_contexts=["other"])
    assert KubeSource(str(path), None, 5.0).credentials().namespace == "shop"
    assert KubeSource(str(path), "other", 5.0).credentials().context == "other"


def test_exec_plugin_works_through_the_console_script(tiny_server: ApiServer, kubeconfig_for: Callable[..., Path],
                                                      run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    kubeconfig = kubeconfig_for(tiny_server, exec_spec=credential_plugin(tmp_path))
    result = run_cli(["snapshot", "-o", str(tmp_path / "s.json.gz"), "--kubeconfig", str(kubeconfig)])
    assert result.code == 0, result.stderr
    assert tiny_server.requests and {r.user for r in tiny_server.requests} == {"test-user"}
