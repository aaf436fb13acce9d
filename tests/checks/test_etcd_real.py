"""The etcd checks against a REAL etcd: its /metrics read through the same collection path as the CLI.

The API server here is the HTTPS test server over a tiny store with no metrics and no etcd pods, so
anything the checks report about etcd can only have come from etcd itself.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import AuditReport, run_audit
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.model.metrics import (
    BACKEND_COMMIT,
    QUOTA_BACKEND_BYTES,
    WAL_FSYNC,
    Metrics,
    gauge,
    parse_metrics,
    quantile,
)
from tests.checks.conftest import WRITES
from tests.harness.apiserver import ApiServer
from tests.harness.etcd import EtcdServer
from tests.harness.tiny import tiny_store


def _audit(check_id: str, kubeconfig: Path, options: dict[str, Any]) -> AuditReport:
    source = KubeSource(kubeconfig=str(kubeconfig))
    return run_audit(source, [catalogue()[check_id]], AuditConfig(), options=options)


def _own_scrape(etcd: EtcdServer) -> str:
    """etcd's /metrics read independently of the code under test, to compare with."""
    context = etcd.tls.client_context() if etcd.tls else ssl.create_default_context()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    with opener.open(etcd.client_url + "/metrics", timeout=10) as answer:
        return str(answer.read().decode())


@pytest.fixture
def kubeconfig(api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> Path:
    return kubeconfig_for(api_server(tiny_store()))


@pytest.mark.etcd
def test_disk_latency_is_read_from_a_real_etcds_metrics(etcd: EtcdServer, kubeconfig: Path) -> None:
    report = _audit("etcd-disk-latency", kubeconfig, {"etcd-endpoints": [etcd.client_url]})
    findings = report.results[0].findings
    assert [f.evidence["metric"] for f in findings] == [WAL_FSYNC, BACKEND_COMMIT]
    after = parse_metrics(_own_scrape(etcd), "check")
    assert isinstance(after, Metrics)
    for finding in findings:
        assert finding.status.value in ("pass", "warn", "fail"), finding.message
        assert finding.evidence["source"] == f"etcd {etcd.client_url}"
        assert finding.object == f"etcd {etcd.client_url}"
        # No --window here: a lifetime figure, dated by etcd's own process start time.
        assert finding.evidence["basis"]["kind"] == "lifetime"
        assert finding.evidence["basis"]["description"].startswith("since start (")
        assert "start time not exposed" not in finding.evidence["basis"]["description"]
        # The figures are etcd's own: the samples can only grow between the check's scrape and ours.
        later = quantile(after, finding.evidence["metric"], 0.99)
        assert 0 < finding.evidence["samples"] <= later.samples
        assert finding.evidence["p99_seconds"] > 0
        assert f"{finding.evidence['samples']} samples" in finding.message
    assert findings[0].evidence["samples"] >= WRITES  # every put was fsynced to the WAL


@pytest.mark.etcd
def test_etcd_with_client_certificates_is_read_as_etcdctl_would(etcd_tls: EtcdServer, kubeconfig: Path) -> None:
    assert etcd_tls.tls is not None
    options = {"etcd-endpoints": [etcd_tls.client_url], "etcd-cacert": str(etcd_tls.tls.ca_file),
               "etcd-cert": str(etcd_tls.tls.client_cert), "etcd-key": str(etcd_tls.tls.client_key)}
    findings = _audit("etcd-disk-latency", kubeconfig, options).results[0].findings
    assert {f.evidence["source"] for f in findings} == {f"etcd {etcd_tls.client_url}"}
    assert all(f.evidence["samples"] > 0 for f in findings)


@pytest.mark.etcd
def test_without_its_client_certificate_etcd_refuses_and_the_reason_is_shown(etcd_tls: EtcdServer,
                                                                               kubeconfig: Path) -> None:
    assert etcd_tls.tls is not None
    options = {"etcd-endpoints": [etcd_tls.client_url], "etcd-cacert": str(etcd_tls.tls.ca_file)}
    result = _audit("etcd-disk-latency", kubeconfig, options).results[0]
    finding, unread = result.findings
    # etcd refused the handshake, and the empty test API server has no metrics to fall back on.
    assert result.status.value == "skip" and finding.status.value == "skip"
    assert "--etcd-endpoints gave nothing" in finding.message
    [note] = [n for n in finding.evidence["otherSources"] if etcd_tls.client_url in n]
    assert "could not read" in note
    # The member that refused is named as a failed read: 0 of 1 endpoints answered.
    assert unread.evidence == {"unread": ["etcd-endpoint-metrics"]}
    assert "0 of 1 etcd endpoints answered, fewer than a quorum (1)" in unread.message


@pytest.mark.etcd
def test_members_that_do_not_answer_are_named_and_the_rest_shown(etcd: EtcdServer, kubeconfig: Path) -> None:
    import socket

    closed = []
    for _ in range(2):  # two loopback ports nothing listens on: members that are down
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            closed.append(f"http://127.0.0.1:{sock.getsockname()[1]}")
    result = _audit("etcd-disk-latency", kubeconfig, {"etcd-endpoints": [etcd.client_url, *closed]}).results[0]
    assert result.status.value in ("skip", "fail"), "a check must not pass on the one member of three left"
    shown = {f.evidence.get("source") for f in result.findings}
    assert f"etcd {etcd.client_url}" in shown, "the member that answered is still shown"
    [unread] = [f for f in result.findings if "unread" in f.evidence]
    assert "1 of 3 etcd endpoints answered, fewer than a quorum (2)" in unread.message
    assert all(url in unread.message for url in closed)


def test_bad_etcd_tls_files_are_one_line_and_exit_2(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    garbage = tmp_path / "ca.crt"
    garbage.write_text("not a certificate")
    for flags in (["--etcd-cacert", str(tmp_path / "missing.crt")], ["--etcd-cacert", str(garbage)]):
        code, _out, err = run_cli(["audit", "--sample", "kind-ha", "--check", "etcd-disk-latency",
                                  "--etcd-endpoints", "https://127.0.0.1:2379", *flags])
        assert code == 2, err
        assert len(err.strip().splitlines()) == 1 and "--etcd-cacert" in err


@pytest.mark.etcd
def test_db_size_is_measured_against_the_quota_etcd_reports(etcd: EtcdServer, kubeconfig: Path) -> None:
    [finding] = _audit("etcd-db-size", kubeconfig, {"etcd-endpoints": [etcd.client_url]}).results[0].findings
    scrape = parse_metrics(_own_scrape(etcd), "check")
    assert isinstance(scrape, Metrics)
    assert finding.evidence["quotaBytes"] == gauge(scrape, QUOTA_BACKEND_BYTES)
    assert finding.evidence["quotaFrom"] == QUOTA_BACKEND_BYTES
    assert 0 < finding.evidence["bytes"] < finding.evidence["quotaBytes"]
    assert finding.status.value == "pass"


@pytest.mark.etcd
def test_the_cli_reads_etcd_with_the_etcdctl_flags(etcd_tls: EtcdServer, kubeconfig: Path,
                                                     run_cli: Callable[..., Any]) -> None:
    assert etcd_tls.tls is not None
    code, out, err = run_cli(["audit", "--kubeconfig", str(kubeconfig), "--check", "etcd-disk-latency",
                              "--etcd-endpoints", etcd_tls.client_url, "--etcd-cacert", str(etcd_tls.tls.ca_file),
                              "--etcd-cert", str(etcd_tls.tls.client_cert), "--etcd-key", str(etcd_tls.tls.client_key),
                              "-o", "json"])
    assert code in (0, 1), err
    findings = json.loads(out)["findings"]
    assert {f["evidence"]["source"] for f in findings} == {f"etcd {etcd_tls.client_url}"}
    assert all(f["check"] == "etcd-disk-latency" and f["evidence"]["samples"] > 0 for f in findings)
    assert "PRIVATE KEY" not in out + err
