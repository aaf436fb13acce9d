"""The kubernetes client without what a GET never runs (collect/client_imports.py), and everything still real.

Each test runs in a fresh interpreter: what a run imports shows only there (this process imported it all).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.collect.client_imports import layout_known
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig

REPO = Path(__file__).resolve().parents[2]
# What a GET never runs: none of it may be imported on the way to (and through) the first request.
DEFERRED_MODULES = (
    "pydantic", "requests", "requests_oauthlib", "oauthlib.oauth2", "dateutil.parser",
    "kubernetes.client.api_response", "kubernetes.dynamic", "kubernetes.watch", "kubernetes.stream",
    "kubernetes.informer", "kubernetes.leaderelection", "kubernetes.utils.create_from_yaml", "multiprocessing.pool",
    "importlib.metadata",
)


def run_python(script: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``script`` in a new interpreter (``loaded()`` names the deferred modules imported so far); its
    last line of output is JSON."""
    prelude = ("import json, sys\n"
               f"def loaded(): return [name for name in {DEFERRED_MODULES!r} if name in sys.modules]\n")
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(script), *args], cwd=REPO,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_building_a_source_and_a_get_import_nothing_deferred(kubeconfig_for: Callable[..., Path],
                                                              tiny_server: ApiServer) -> None:
    result = run_python("""
        from kubectl_arch.collect.kube import KubeSource
        source = KubeSource(sys.argv[1], None, 5.0)
        print(json.dumps({"ok": source.get("/version").ok, "loaded": loaded()}))
    """, str(kubeconfig_for(tiny_server)))
    assert result == {"ok": True, "loaded": []}


def test_deferred_names_are_the_real_objects_once_used(kubeconfig_for: Callable[..., Path],
                                                       tiny_server: ApiServer) -> None:
    result = run_python("""
        import datetime as dt
        from kubectl_arch.collect.kube import KubeSource
        source = KubeSource(sys.argv[1], None, 5.0)
        before = loaded()

        from kubernetes.client import api_client, ApiClient, CoreV1Api
        # A model call: the client deserialises into a model and wraps it in its pydantic ApiResponse.
        namespaces = CoreV1Api(ApiClient(source._configuration)).list_namespace()
        import pydantic
        from kubernetes.client.api_response import ApiResponse
        secret = pydantic.SecretStr("s3cret")
        when = ApiClient().deserialize('"2024-05-06T07:08:09Z"', "datetime", "application/json")
        import dateutil.parser
        import kubernetes
        from kubernetes import watch
        import multiprocessing.pool
        pool = ApiClient().pool  # what async_req calls run on
        import importlib.metadata
        import urllib3.http2
        urllib3_version = urllib3.http2.version("urllib3")  # what switching HTTP/2 on asks first (of h2)
        from kubernetes import utils
        print(json.dumps({
            "before": before,
            "namespaces": type(namespaces).__name__,
            "response_class": api_client.ApiResponse is ApiResponse,
            "secret": ApiClient().sanitize_for_serialization(secret),
            "isinstance": isinstance(secret, api_client.SecretStr) and not isinstance("s3cret", api_client.SecretStr),
            "secret_class": api_client.SecretStr is pydantic.SecretStr,
            "date": when == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc),
            "parse": api_client.parse is dateutil.parser.parse,
            "package": [kubernetes.__version__.split(".")[0], watch.Watch.__name__, kubernetes.watch is watch],
            "metadata": [urllib3_version == urllib3.__version__, urllib3.http2.version is importlib.metadata.version],
            "pool": [isinstance(pool, multiprocessing.pool.ThreadPool),
                     api_client.ThreadPool is multiprocessing.pool.ThreadPool],
            "utils": [utils.create_from_yaml is sys.modules["kubernetes.utils.create_from_yaml"].create_from_yaml,
                      utils.retry.__name__,
                      callable(utils.parse_quantity)],
        }))
    """, str(kubeconfig_for(tiny_server)))
    assert result == {
        "before": [], "namespaces": "V1NamespaceList", "response_class": True, "secret": "s3cret", "isinstance": True,
        "secret_class": True, "date": True, "parse": True, "package": [result["package"][0], "Watch", True],
        "pool": [True, True], "utils": [True, "kubernetes.utils.retry", True], "metadata": [True, True],
    }


def _jwt(claims: dict[str, Any]) -> str:
    """An unsigned JWT the client accepts: URL-safe base64 without padding, and never 3 padding characters."""
    def part(data: dict[str, Any]) -> str:
        text = json.dumps(data)
        while len(base64.urlsafe_b64encode(text.encode()).rstrip(b"=")) % 4 == 1:
            text += " "
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


REFRESHED_ID_TOKEN = _jwt({"sub": "oidc-user", "exp": 4102444800})  # 2100


@pytest.fixture
def identity_provider() -> Iterator[str]:
    """An OpenID provider on http://127.0.0.1: its discovery document and a token endpoint that refreshes."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._json({"issuer": self.issuer, "token_endpoint": f"{self.issuer}/token"})

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._json({"access_token": "access", "token_type": "Bearer", "expires_in": 3600,
                        "refresh_token": "refresh-2", "id_token": REFRESHED_ID_TOKEN})

        def _json(self, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

        issuer = ""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Handler.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Handler.issuer
    server.shutdown()
    server.server_close()


def test_an_oidc_refresh_uses_the_real_oauth_session(api_server: Callable[..., ApiServer], tmp_path: Path,
                                                     identity_provider: str) -> None:
    from tests.harness.tiny import tiny_store

    server = api_server(tiny_store(), tokens={REFRESHED_ID_TOKEN: "oidc-user"})
    document = kubeconfig_dict(server.url, server.ca_pem, token=None)
    document["users"][0]["user"] = {"auth-provider": {"name": "oidc", "config": {
        "client-id": "kubectl", "client-secret": "secret", "idp-issuer-url": identity_provider,
        "id-token": _jwt({"sub": "oidc-user", "exp": int(time.time()) - 3600}), "refresh-token": "refresh-1",
    }}}
    kubeconfig = write_kubeconfig(tmp_path / "oidc.yaml", document)

    result = run_python("""
        import kubectl_arch.collect.kube as kube
        from kubernetes.config import kube_config
        before = loaded()
        source = kube.KubeSource(sys.argv[1], None, 5.0)  # loading the kubeconfig refreshes the expired token
        import oauthlib.oauth2, requests_oauthlib
        refused = kube_config.oauthlib.oauth2.rfc6749.errors.InvalidClientIdError  # what a refused refresh raises
        print(json.dumps({"before": before, "ok": source.get("/version").ok, "auth": source.credentials().auth,
                          "session": kube_config.OAuth2Session is requests_oauthlib.OAuth2Session,
                          "refused": refused is oauthlib.oauth2.rfc6749.errors.InvalidClientIdError}))
    """, str(kubeconfig), env={"OAUTHLIB_INSECURE_TRANSPORT": "1"})  # the provider speaks plain HTTP

    assert result == {"before": [], "ok": True, "auth": "auth-provider", "session": True, "refused": True}
    assert [r.user for r in server.requests] == ["oidc-user"]


def test_an_unknown_client_version_is_imported_plainly(kubeconfig_for: Callable[..., Path],
                                                       tiny_server: ApiServer) -> None:
    result = run_python("""
        from kubectl_arch.collect import client_imports
        client_imports.SUPPORTED_MAJORS = range(0)
        from kubectl_arch.collect.kube import KubeSource
        print(json.dumps({"ok": KubeSource(sys.argv[1], None, 5.0).get("/version").ok, "loaded": loaded()}))
    """, str(kubeconfig_for(tiny_server)))
    assert result == {"ok": True, "loaded": list(DEFERRED_MODULES)}


def test_a_client_that_uses_a_deferred_name_on_import_is_imported_plainly(kubeconfig_for: Callable[..., Path],
                                                                          tiny_server: ApiServer) -> None:
    result = run_python("""
        from kubectl_arch.collect import client_imports
        def used_on_import(self, parameters):  # as a client would that subclasses or parametrises ApiResponse
            raise TypeError("a deferred name was used while the client's module ran")
        client_imports.Deferred.__getitem__ = used_on_import
        from kubectl_arch.collect.kube import KubeSource
        source = KubeSource(sys.argv[1], None, 5.0)
        import pydantic
        from kubernetes.client import api_client
        print(json.dumps({"ok": source.get("/version").ok, "secret_class": api_client.SecretStr is pydantic.SecretStr,
                          "loaded": loaded()}))
    """, str(kubeconfig_for(tiny_server)))
    assert result == {"ok": True, "secret_class": True, "loaded": list(DEFERRED_MODULES)}


@pytest.mark.parametrize(("version", "known"), [("37.0.2", True), ("39.1.0", True), ("36.0.0", False),
                                                ("40.0.0", False), (None, False)])
def test_only_the_pinned_client_versions_are_deferred(tmp_path: Path, version: str | None, known: bool) -> None:
    init = tmp_path / "__init__.py"
    init.write_text(f'__project__ = "kubernetes"\n__version__ = "{version}"\n' if version else "from . import client\n")

    class Spec:
        origin = str(init)

    assert layout_known(Spec()) is known
