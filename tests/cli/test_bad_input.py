"""Bad input never ends in a traceback: one clear line and the documented exit code (kubectl_arch/errors.py).

Each case runs the installed CLI in a subprocess, as a user would, against the test API server serving a
synthetic kubeadm cluster (benchmarks/generate.py) or against a broken file.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import SyntheticCluster
from kubectl_arch.collect.source import Response
from kubectl_arch.errors import ExitCode
from tests.conftest import CliResult
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
CLUSTER = SyntheticCluster(6, now=NOW)
NAMESPACE, POD = CLUSTER.trace_target()
RunCli = Callable[..., CliResult]


CLICK_USAGE_LINES = ("Usage: ", "Try '")  # click's own usage errors add these two lines before theirs


def one_error_line(result: CliResult, code: int, *words: str) -> str:
    """Assert the run failed with ``code`` and one error line on stderr (naming ``words``); return it."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code == code, f"exit {result.code}, expected {code}: {result.stderr}"
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith(CLICK_USAGE_LINES)]
    assert len(lines) == 1, f"expected one line, got:\n{result.stderr}"
    assert lines[0].lower().startswith("error: "), lines[0]
    for word in words:
        assert word in lines[0], f"{word!r} is not in {lines[0]!r}"
    return lines[0]


@pytest.fixture
def served(api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> Path:
    """A kubeconfig for the synthetic cluster on the test API server."""
    return kubeconfig_for(api_server(CLUSTER.store(), now=NOW))


# -- names that do not exist ------------------------------------------------------------------------


def test_a_pod_that_does_not_exist_is_exit_4(run_cli: RunCli, served: Path) -> None:
    result = run_cli(["trace", "pod", "no-such-pod", "-n", NAMESPACE, "--kubeconfig", str(served)])
    one_error_line(result, ExitCode.NOT_FOUND, "no-such-pod", NAMESPACE)


@pytest.mark.parametrize("target", [["pod", POD], ["deployment/api"]])
def test_a_namespace_that_does_not_exist_is_exit_4_and_says_so(run_cli: RunCli, served: Path,
                                                                target: list[str]) -> None:
    result = run_cli(["trace", *target, "-n", "no-such-namespace", "--kubeconfig", str(served)])
    line = one_error_line(result, ExitCode.NOT_FOUND, "no-such-namespace")
    assert "namespace" in line


# -- snapshots --------------------------------------------------------------------------------------


def _gzip(path: Path, text: str) -> Path:
    with gzip.open(path, "wt") as handle:
        handle.write(text)
    return path


def _document(**changes: Any) -> str:
    document = {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-25T12:00:00Z",
                "source": "test", "credentials": {}, "responses": {}}
    document.update(changes)
    return json.dumps(document)


MALFORMED_SNAPSHOTS = ("missing", "not gzip", "gzip, not JSON", "truncated gzip", "JSON, not a snapshot",
                       "another kind", "future version", "bad capture time", "a directory")


def malformed_snapshot(case: str, folder: Path) -> Path:
    """A file given as --snapshot that is not a readable snapshot, in the way ``case`` names."""
    path = folder / "snapshot.json.gz"
    if case == "not gzip":
        path.write_text(_document())
    elif case == "gzip, not JSON":
        _gzip(path, "kind: KubectlArchSnapshot\n")
    elif case == "truncated gzip":
        path.write_bytes(gzip.compress(_document().encode())[:40])
    elif case == "JSON, not a snapshot":
        _gzip(path, json.dumps([1, 2, 3]))
    elif case == "another kind":
        _gzip(path, _document(kind="PodList"))
    elif case == "future version":
        _gzip(path, _document(version=9))
    elif case == "bad capture time":
        _gzip(path, _document(capturedAt="yesterday"))
    elif case == "a directory":
        path.mkdir()
    return path  # "missing": never written


@pytest.mark.parametrize("case", MALFORMED_SNAPSHOTS)
def test_a_malformed_snapshot_is_exit_2(run_cli: RunCli, tmp_path: Path, case: str) -> None:
    path = malformed_snapshot(case, tmp_path)
    one_error_line(run_cli(["explain", "--snapshot", str(path)]), ExitCode.USAGE, "snapshot")


@pytest.mark.parametrize("case, words", [("future version", ["has version 9", "newer kubectl-arch", "upgrade"]),
                                         ("another version", ["has version \"1\"", "take a new one"])])
def test_a_snapshot_of_another_format_says_what_to_do(run_cli: RunCli, tmp_path: Path, case: str,
                                                      words: list[str]) -> None:
    path = _gzip(tmp_path / "s.json.gz", _document(version=9 if case == "future version" else "1"))
    one_error_line(run_cli(["explain", "--snapshot", str(path)]), ExitCode.USAGE, *words)


@pytest.mark.parametrize("case", ["not gzip", "future version"])
@pytest.mark.parametrize("command", [["audit"], ["trace", "pod", POD, "-n", NAMESPACE]], ids=["audit", "trace"])
def test_every_command_refuses_a_malformed_snapshot(run_cli: RunCli, tmp_path: Path, case: str,
                                                    command: list[str]) -> None:
    path = malformed_snapshot(case, tmp_path)
    one_error_line(run_cli([*command, "--snapshot", str(path)]), ExitCode.USAGE, "snapshot")


@pytest.fixture(scope="module")
def recorded_snapshot(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A snapshot of the synthetic cluster taken by the real `snapshot` command, as a document."""
    import subprocess

    from tests.conftest import CLI, cli_environment
    from tests.harness.kubeconfig import kubeconfig_for_server

    folder = tmp_path_factory.mktemp("recorded")
    with ApiServer(CLUSTER.store(), now=NOW) as server:
        kubeconfig = kubeconfig_for_server(server, folder / "kubeconfig")
        done = subprocess.run([CLI, "snapshot", "-o", str(folder / "good.json.gz"), "--kubeconfig", str(kubeconfig)],
                              env=cli_environment(folder), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with gzip.open(folder / "good.json.gz", "rt") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


JUNK: dict[str, Any] = {"a string": "surprise", "a list": [1, 2], "items not a list": {"items": "x"},
                        "items of junk": {"items": [1, "two", None, {"metadata": "x"}]}, "no data": None}
# Found by this test: the analysis assumes every answer has the shape a real API server gives.
KNOWN_CRASHES: dict[tuple[str, str], str] = {}  # (command, shape) -> why it still crashes; empty: none do


@pytest.mark.parametrize("shape", list(JUNK))
@pytest.mark.parametrize("command", ["explain", "audit"])
def test_answers_of_the_wrong_shape_in_a_snapshot_do_not_crash(run_cli: RunCli, recorded_snapshot: dict[str, Any],
                                                                 tmp_path: Path, shape: str, command: str,
                                                                 request: pytest.FixtureRequest) -> None:
    known = KNOWN_CRASHES.get((command, shape))
    if known:
        request.applymarker(pytest.mark.xfail(reason=known, strict=True))
    document = json.loads(json.dumps(recorded_snapshot))
    for record in document["responses"].values():
        record["data"] = JUNK[shape]
        record.pop("text", None)
    broken = _gzip(tmp_path / "broken.json.gz", json.dumps(document))
    result = run_cli([command, "--snapshot", str(broken)])
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    # Answers a server never gives: reading on (0, 1) or refusing the file as malformed (2) are both fine.
    assert result.code in (ExitCode.OK, ExitCode.FINDINGS, ExitCode.USAGE), result.stderr


# -- kubeconfigs ------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [["explain"], ["audit"], ["trace", "pod", POD], ["snapshot", "-o", "x.json.gz"]],
                         ids=["explain", "audit", "trace", "snapshot"])
def test_a_kubeconfig_pointing_nowhere_is_exit_3(run_cli: RunCli, tmp_path: Path, command: list[str]) -> None:
    kubeconfig = write_kubeconfig(tmp_path / "nowhere.yaml",
                                  kubeconfig_dict(f"https://127.0.0.1:{_closed_port()}", None))
    result = run_cli([*command, "--kubeconfig", str(kubeconfig)], cwd=tmp_path)
    one_error_line(result, ExitCode.CLUSTER_UNREADABLE, "127.0.0.1")
    assert not (tmp_path / "x.json.gz").exists()


@pytest.mark.parametrize("content,words", [
    (None, ["no kubeconfig"]),
    ("clusters: [unclosed\n", ["kubeconfig"]),
    ("apiVersion: v1\nkind: Config\ncontexts: []\nclusters: []\nusers: []\n", ["kubeconfig"]),
])
def test_a_kubeconfig_that_cannot_be_used_is_exit_3(run_cli: RunCli, tmp_path: Path, content: str | None,
                                                     words: list[str]) -> None:
    path = tmp_path / "config.yaml"
    if content is not None:
        path.write_text(content)
    result = run_cli(["audit", "--kubeconfig", str(path)])
    one_error_line(result, ExitCode.CLUSTER_UNREADABLE, *words)


def test_a_kubeconfig_whose_ca_is_not_a_certificate_is_exit_3(run_cli: RunCli, tmp_path: Path,
                                                                api_server: Callable[..., ApiServer]) -> None:
    server = api_server(CLUSTER.store(), now=NOW)
    kubeconfig = write_kubeconfig(tmp_path / "bad-ca.yaml",
                                  kubeconfig_dict(server.url, "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                                                              "-----END CERTIFICATE-----\n"))
    result = run_cli(["audit", "--kubeconfig", str(kubeconfig)])
    one_error_line(result, ExitCode.CLUSTER_UNREADABLE)


# -- data that cannot be parsed ---------------------------------------------------------------------


def _report_line(output: str, check: str) -> str:
    line = next((line for line in output.splitlines() if check in line), None)
    assert line is not None, f"{check} is not in the report:\n{output}"
    return line


def test_metrics_that_are_not_prometheus_text_skip_with_a_reason(run_cli: RunCli, tmp_path: Path,
                                                                 api_server: Callable[..., ApiServer],
                                                                 kubeconfig_for: Callable[..., Path]) -> None:
    store = CLUSTER.store()
    store.set_raw("/metrics", Response(status=200, text="<html><body>502 Bad Gateway</body></html>\n{{{ nope"))
    result = run_cli(["audit", "--kubeconfig", str(kubeconfig_for(api_server(store, now=NOW)))])
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    assert result.code in (ExitCode.OK, ExitCode.FINDINGS), result.stderr
    line = _report_line(result.stdout, "apiserver-overload")
    assert "SKIP" in line and "metrics" in line, line


def test_certificates_that_cannot_be_parsed_are_reported_not_raised(run_cli: RunCli, tmp_path: Path,
                                                                    served: Path) -> None:
    pki = tmp_path / "pki"
    (pki / "etcd").mkdir(parents=True)
    (pki / "apiserver.crt").write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    (pki / "etcd" / "server.crt").write_bytes(b"\x00\x01 binary junk")
    result = run_cli(["audit", "--check", "pki-expiry", "--pki-dir", str(pki), "--kubeconfig", str(served)])
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    assert result.code in (ExitCode.OK, ExitCode.FINDINGS), result.stderr
    assert "apiserver.crt" in result.stdout, result.stdout


def test_a_recorded_server_certificate_that_cannot_be_parsed_is_reported(
        run_cli: RunCli, recorded_snapshot: dict[str, Any], tmp_path: Path) -> None:
    document = json.loads(json.dumps(recorded_snapshot))
    document["responses"]["tls:peer-certificates"] = {"status": 200, "data": ["-----BEGIN CERTIFICATE-----\nAAAA\n"
                                                                              "-----END CERTIFICATE-----\n"]}
    broken = _gzip(tmp_path / "bad-tls.json.gz", json.dumps(document))
    result = run_cli(["audit", "--check", "apiserver-certificate-expiry", "--snapshot", str(broken)])
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    assert result.code in (ExitCode.OK, ExitCode.FINDINGS), result.stderr
    line = _report_line(result.stdout, "apiserver-certificate-expiry")
    assert "SKIP" in line or "FAIL" in line or "WARN" in line, line
