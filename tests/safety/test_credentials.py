"""Credentials: a failing or hanging exec plugin stops the run with one line (never an anonymous run),
a combined certificate+key PEM never puts the key where a snapshot could store it, snapshots are 0600."""

from __future__ import annotations

import gzip
import stat
import sys
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
