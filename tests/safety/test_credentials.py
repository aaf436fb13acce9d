"""Credentials: a failing or hanging exec plugin stops the run with one line (never an anonymous run),
a combined certificate+key PEM never puts the key where a snapshot could store it, snapshots are 0600."""

from __future__ import annotations

import gzip
import stat
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch.collect import kube
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.errors import ArchError, ExitCode
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import exec_user, kubeconfig_dict, write_kubeconfig
from tests.harness.pki import make_ca, make_leaf
from tests.harness.tiny import CAPTURED_AT, tiny_store


@pytest.fixture
def server(api_server: Callable[..., ApiServer]) -> ApiServer:
    return api_server(tiny_store(), now=CAPTURED_AT, allow_anonymous=True)


def _plugin(tmp_path: Path, body: str) -> dict[str, object]:
    plugin = tmp_path / "plugin.py"
    plugin.write_text(body)
    return exec_user(sys.executable, [str(plugin)])



def test_a_failing_exec_plugin_is_one_line_and_exit_3(server: ApiServer, kubeconfig_for: Callable[..., Path],
                                                      tmp_path: Path, run: Callable[..., tuple[int, str]]) -> None:
    spec = _plugin(tmp_path, "import sys\nsys.stderr.write('the SSO session has expired\\n')\nsys.exit(1)\n")
    code, output = run(["audit", "--kubeconfig", str(kubeconfig_for(server, exec_spec=spec))])
    assert code == ExitCode.CLUSTER_UNREADABLE, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "getting credentials" in lines[0] and "the SSO session has expired" in lines[0]
    assert server.requests == [], "nothing may be read as system:anonymous"


def test_a_hanging_exec_plugin_is_stopped_at_its_deadline(server: ApiServer, kubeconfig_for: Callable[..., Path],
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kube, "EXEC_PLUGIN_DEADLINE_SECONDS", 1.0)
    spec = _plugin(tmp_path, "import time\ntime.sleep(60)\n")
    started = time.monotonic()
    with pytest.raises(ArchError) as raised:
        KubeSource(str(kubeconfig_for(server, exec_spec=spec)), None, 5.0)
    assert time.monotonic() - started < 30
    assert raised.value.code == ExitCode.CLUSTER_UNREADABLE
    assert "did not finish within 1s" in raised.value.one_line()


def test_a_combined_certificate_and_key_pem_keeps_only_the_certificate(server: ApiServer, tmp_path: Path,
                                                                       run: Callable[..., tuple[int, str]]) -> None:
    ca = make_ca("client-ca")
    leaf = make_leaf(ca, "admin", server=False, client=True)
    combined = tmp_path / "admin.pem"
    combined.write_text(leaf.cert_pem + leaf.key_pem)  # kubectl accepts cert and key in one file
    document = kubeconfig_dict(server.url, server.ca_pem, token=None)
    document["users"][0]["user"] = {"client-certificate": str(combined), "client-key": str(combined)}
    config = write_kubeconfig(tmp_path / "config", document)

    creds = KubeSource(str(config), None, 5.0).credentials()

    assert creds.client_certificate_pem is not None
    assert "PRIVATE KEY" not in creds.client_certificate_pem
    assert creds.client_certificate_pem.strip() == leaf.cert_pem.strip()
    snapshot = tmp_path / "s.json.gz"
    code, output = run(["snapshot", "-o", str(snapshot), "--kubeconfig", str(config)])
    assert code in (0, 1), output
    assert "PRIVATE KEY" not in gzip.decompress(snapshot.read_bytes()).decode()
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600


def test_snapshots_are_written_owner_only_even_over_a_wider_file(tmp_path: Path,
                                                                run: Callable[..., tuple[int, str]]) -> None:
    target = tmp_path / "s.json.gz"
    target.write_text("old")
    target.chmod(0o644)
    code, output = run(["snapshot", "-o", str(target), "--sample", "kind-ha"])
    assert code == 0, output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_contexts_loaded_at_once_each_keep_their_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`audit --all-contexts` loads its contexts in threads. The client writes certificate-authority-data to a
    temporary file it names to other threads before the bytes are in: a context sharing that CA, loaded
    meanwhile, read an empty file, and its CA's expiry went unchecked ("no client certificate": a skip)."""
    from kubernetes.config import kube_config

    ca = make_ca("shared-cluster-ca")
    path = write_kubeconfig(tmp_path / "config", kubeconfig_dict("https://127.0.0.1:1", ca.cert_pem))
    monkeypatch.setattr(kube_config, "_temp_files", {})
    writing = threading.Event()

    def slow_open(name: str, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode:  # the client's write of the CA, after it has shared the file's name
            writing.set()
            time.sleep(0.3)
        return open(name, mode, *args, **kwargs)

    monkeypatch.setattr(kube_config, "open", slow_open, raising=False)
    results: dict[str, object] = {}

    def load(name: str) -> None:
        try:
            results[name] = KubeSource(str(path), None, 5.0).credentials().certificate_authority_pem
        except Exception as exc:  # the test reports what the thread met
            results[name] = exc

    first = threading.Thread(target=load, args=("first",))
    first.start()
    assert writing.wait(10)
    second = threading.Thread(target=load, args=("second",))
    second.start()
    first.join()
    second.join()
    assert results == {"first": ca.cert_pem, "second": ca.cert_pem}


def test_contexts_loaded_at_once_leave_the_clients_exec_provider_as_it_was(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Each load swaps the client's module-wide ExecProvider for one that keeps its plugin failures. Two loads
    at once, the first finishing first, left the first's class installed for good (the second "restored" it):
    a later load's failing plugin could then go unseen and the run go on as system:anonymous."""
    from kubernetes.config import kube_config

    original = kube_config.ExecProvider
    monkeypatch.setattr(kube_config, "ExecProvider", original)  # put back after the test, even when it fails
    first_started, second_started, release = (tmp_path / n for n in ("first", "second", "release"))

    def kubeconfig(name: str, started: Path, wait_for: Path) -> Path:
        # The plugin says it started, waits (briefly) for the other side, then hands out a token.
        body = (f"import json, pathlib, time\npathlib.Path({str(started)!r}).touch()\n"
                f"deadline = time.time() + 1.5\n"
                f"while not pathlib.Path({str(wait_for)!r}).exists() and time.time() < deadline:\n"
                "    time.sleep(0.02)\n"
                "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', 'kind': 'ExecCredential',"
                " 'status': {'token': 't'}}))\n")
        (tmp_path / name).mkdir()
        spec = _plugin(tmp_path / name, body)
        return write_kubeconfig(tmp_path / name / "config", kubeconfig_dict("https://127.0.0.1:1", None,
                                                                            exec_spec=spec))

    first = threading.Thread(target=KubeSource, args=(str(kubeconfig("a", first_started, second_started)), None, 5.0))
    second = threading.Thread(target=KubeSource, args=(str(kubeconfig("b", second_started, release)), None, 5.0))
    first.start()
    deadline = time.monotonic() + 10
    while not first_started.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    second.start()
    first.join()
    release.touch()
    second.join()
    assert kube_config.ExecProvider is original
