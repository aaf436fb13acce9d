"""The collection halves of the etcd and PKI checks: the pod proxy route, and certificate files on disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_audit
from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.source import Credentials, Response
from tests.checks.one_check import run_audit_data
from tests.harness.apiserver import ApiServer
from tests.harness.pki import make_ca, make_leaf, write_pem
from tests.harness.tiny import tiny_store

FSYNC = """\
# TYPE etcd_disk_wal_fsync_duration_seconds histogram
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 10
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.002"} 20
etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 20
"""


def etcd_pod(name: str, metrics_url: str) -> dict[str, Any]:
    command = ["etcd", "--data-dir=/var/lib/etcd", f"--listen-metrics-urls={metrics_url}"]
    labels = {"component": "etcd", "tier": "control-plane"}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "kube-system", "labels": labels,
                         "annotations": {"kubernetes.io/config.mirror": "x"}},
            "spec": {"nodeName": name.removeprefix("etcd-"), "containers": [{"name": "etcd", "command": command}]},
            "status": {"phase": "Running"}}


def test_etcd_metrics_are_read_through_the_pod_proxy_when_etcd_listens_beyond_loopback(
    api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]
) -> None:
    store: ApiStore = tiny_store()
    store.add_all([etcd_pod("etcd-cp-1", "http://0.0.0.0:2381"), etcd_pod("etcd-cp-2", "http://127.0.0.1:2381")])
    store.set_raw("/api/v1/namespaces/kube-system/pods/etcd-cp-1:2381/proxy/metrics", Response(status=200, text=FSYNC))
    server = api_server(store)
    report = run_audit(KubeSource(kubeconfig=str(kubeconfig_for(server))), [catalogue()["etcd-disk-latency"]],
                       AuditConfig())
    findings = report.results[0].findings
    fsync = next(f for f in findings if f.evidence["metric"] == "etcd_disk_wal_fsync_duration_seconds")
    assert fsync.evidence["source"] == "pod kube-system/etcd-cp-1 via the pod proxy"
    assert fsync.evidence["samples"] == 20
    # rank 0.99 * 20 = 19.8 in (0.001, 0.002]: 0.001 + 0.001 * (19.8 - 10) / 10
    assert fsync.evidence["p99_seconds"] == 0.00198
    # The loopback-only member is not asked for (the proxy cannot reach it) and says why.
    assert any("etcd-cp-2" in note and "127.0.0.1:2381 only" in note for note in fsync.evidence["otherSources"])
    proxied = [r.path for r in server.requests if "/proxy/" in r.path]
    assert proxied == ["/api/v1/namespaces/kube-system/pods/etcd-cp-1:2381/proxy/metrics"]
    assert all(r.method == "GET" for r in server.requests)


def _days(days: float) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)


def test_pki_dir_is_read_like_kubeadm_certs_check_expiration_without_touching_keys(tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    ca = make_ca("kubernetes")
    etcd_ca = make_ca("etcd-ca")
    ca.write(pki, "ca")  # writes ca.crt and ca.key, as kubeadm lays them out
    make_leaf(ca, "kube-apiserver", not_before=_days(-360), not_after=_days(5)).write(pki, "apiserver")
    make_leaf(etcd_ca, "cp-1", not_before=_days(-30), not_after=_days(335)).write(pki / "etcd", "server")
    write_pem(pki / "etcd" / "ca.crt", etcd_ca)
    (pki / "sa.pub").write_text("-----BEGIN PUBLIC KEY-----\nnot read\n-----END PUBLIC KEY-----\n")
    (pki / "broken.crt").write_text("this is not a certificate\n")

    catalogue()  # importing the catalogue registers the check's own needs, pki-files among them
    data = collect(_FileOnlySource(), ["pki-files"], options={"pki-dir": str(pki)})
    files = data.json("pki-files")["files"]
    assert [f["path"] for f in files] == ["apiserver.crt", "broken.crt", "ca.crt", "etcd/ca.crt", "etcd/server.crt"]
    assert "PRIVATE KEY" not in str(data.responses["pki-files"].to_record())

    findings = {f.object: f for f in run_audit_data("pki-expiry", data)}
    assert findings["file/apiserver.crt"].status.value == "fail"
    # Issued for 5 days from a moment ago: under 5 left, rounded down as kubeadm's check-expiration does ("4d").
    assert "expires in 4 days" in findings["file/apiserver.crt"].message
    assert findings["file/broken.crt"].status.value == "warn"
    assert "holds no PEM certificate" in findings["file/broken.crt"].message
    assert set(findings) == {"file/apiserver.crt", "file/broken.crt"}  # the healthy ones do not add noise


def test_pki_expiry_skips_with_the_flag_to_pass_when_no_dir_is_given() -> None:
    data = collect(_FileOnlySource(), ["pki-files"], options={})
    [finding] = run_audit_data("pki-expiry", data)
    assert finding.status.value == "skip"
    assert "run on a control-plane node with --pki-dir" in finding.message


class _FileOnlySource:
    """A source that must not be asked anything: reading --pki-dir is not a cluster read."""

    description = "no cluster"

    def get(self, path: str, query: Any = None) -> Response:
        raise AssertionError(f"pki-expiry read {path} from the cluster")

    def watch(self, path: str, query: Any = None, timeout_seconds: int = 60) -> Any:
        raise AssertionError("no watch expected")

    def peer_certificates(self) -> Response:
        raise AssertionError("no handshake expected")

    def credentials(self) -> Credentials:
        return Credentials()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)
