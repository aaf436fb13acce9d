"""The test API server itself: what the read-only proof and every live test rely on it to do."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.harness.apiserver import DEFAULT_TOKEN, ApiServer
from tests.harness.tiny import CAPTURED_AT


def send(server: ApiServer, method: str, path: str, token: str | None = DEFAULT_TOKEN) -> tuple[int, dict]:
    """A raw HTTPS request with the stdlib, trusting the server's CA: no kubectl-arch code involved."""
    context = ssl.create_default_context(cadata=server.ca_pem)
    request = urllib.request.Request(server.url + path, method=method, data=b"{}" if method != "GET" else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_method_is_recorded_and_writes_are_refused(tiny_server: ApiServer, method: str) -> None:
    # If writes went unrecorded, the read-only proof could never fail.
    status, body = send(tiny_server, method, "/api/v1/namespaces/default/pods")
    assert status == 405 and body["kind"] == "Status"
    assert [(r.method, r.path) for r in tiny_server.requests] == [(method, "/api/v1/namespaces/default/pods")]


def test_requests_without_credentials_are_401_and_recorded_without_the_token(tiny_server: ApiServer) -> None:
    assert send(tiny_server, "GET", "/version", token=None)[0] == 401
    assert send(tiny_server, "GET", "/version", token="wrong")[0] == 401
    assert send(tiny_server, "GET", "/version")[0] == 200
    anonymous, wrong, right = tiny_server.requests
    assert (anonymous.user, anonymous.authorization) == ("system:anonymous", False)
    assert (wrong.user, wrong.authorization) == ("system:anonymous", True)
    assert right.user == "test-user"
    assert all(DEFAULT_TOKEN not in json.dumps(r.headers) for r in tiny_server.requests)


def test_authorizer_answers_403_per_user_and_path(api_server: Callable[..., ApiServer]) -> None:
    from tests.harness.tiny import tiny_store

    server = api_server(tiny_store(), tokens={"reader": "alice", "nobody": "bob"},
                        authorizer=lambda user, path, _query: user == "alice" or path == "/version")
    assert send(server, "GET", "/api/v1/nodes", token="reader")[0] == 200
    status, body = send(server, "GET", "/api/v1/nodes", token="nobody")
    assert status == 403 and body["reason"] == "Forbidden" and '"bob"' in body["message"]
    assert send(server, "GET", "/version", token="nobody")[0] == 200


def test_date_header_is_the_pinned_capture_time(tiny_server: ApiServer) -> None:
    context = ssl.create_default_context(cadata=tiny_server.ca_pem)
    request = urllib.request.Request(tiny_server.url + "/version", headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"})
    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
        assert answer.headers["Date"] == CAPTURED_AT.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_faults_apply_the_given_number_of_times(tiny_server: ApiServer) -> None:
    tiny_server.fail("/api/v1/namespaces/*/pods", status=503, times=2)
    statuses = [send(tiny_server, "GET", "/api/v1/namespaces/default/pods")[0] for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert send(tiny_server, "GET", "/api/v1/nodes")[0] == 200, "a glob matches only its paths"


def test_a_held_request_is_answered_once_released_and_not_before(tiny_server: ApiServer) -> None:
    held = tiny_server.hold("/api/v1/nodes", at_most=30)
    answers: list[int] = []
    reader = threading.Thread(target=lambda: answers.append(send(tiny_server, "GET", "/api/v1/nodes")[0]))
    reader.start()
    while not tiny_server.requests_to("/api/v1/nodes"):
        time.sleep(0.01)
    reader.join(0.2)
    assert answers == [], "answered while held"
    held.release()
    reader.join(10)
    assert answers == [200]


def test_a_held_request_is_answered_after_at_most(tiny_server: ApiServer) -> None:
    tiny_server.hold("/api/v1/nodes", at_most=0.1)
    assert send(tiny_server, "GET", "/api/v1/nodes")[0] == 200


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed on this machine")
def test_real_kubectl_discovers_and_lists_through_the_server(tiny_server: ApiServer,
                                                             kubeconfig_for: Callable[..., Path],
                                                             cli_home: Path) -> None:
    # Benchmarks run `kubectl get nodes -o json` beside kubectl-arch: discovery and paging must work.
    kubeconfig = kubeconfig_for(tiny_server)
    done = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(cli_home / "cache"),
                           "get", "nodes", "-o", "json", "--chunk-size", "3"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["items"]) == 7
    node_pages = tiny_server.requests_to("/api/v1/nodes")
    assert [r.query.get("limit") for r in node_pages] == ["3", "3", "3"]
    assert {r.method for r in tiny_server.requests} == {"GET"}


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed on this machine")
def test_real_kubectl_resolves_short_names_as_on_a_cluster(tiny_server: ApiServer, kubeconfig_for: Callable[..., Path],
                                                           cli_home: Path) -> None:
    """A tester's `kubectl get ns` or `get deploy -A` against the test server works as against kube-apiserver."""
    kubeconfig = kubeconfig_for(tiny_server)
    for short, plural in (("no", "nodes"), ("po", "pods")):
        done = [subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(cli_home / "cache"),
                                "get", name, "-A", "-o", "name"], capture_output=True, text=True, timeout=60,
                               check=False) for name in (short, plural)]
        assert done[0].returncode == 0, done[0].stderr
        assert done[0].stdout == done[1].stdout and done[0].stdout.strip(), short


def test_a_failing_backend_answers_500_and_is_kept(api_server: Callable[..., ApiServer]) -> None:
    class Broken:
        def get(self, path: str, query: object = None) -> object:
            raise RuntimeError("backend bug")

    server = api_server(Broken())
    assert send(server, "GET", "/version")[0] == 500
    assert server.errors == ["/version: RuntimeError('backend bug')"]
