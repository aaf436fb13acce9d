"""pki-expiry: every certificate in the control plane's PKI directory, like `kubeadm certs check-expiration`.

The control plane's own certificates (API server serving and kubelet-client, front-proxy, etcd peer
and server, the CAs) live as files on each control-plane node; most are invisible through the API.
Run with ``--pki-dir /etc/kubernetes/pki`` on a control-plane node to check them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.certificates import CertificateError, ExpiryPolicy, expiry_verdicts, parse_pem_bundle

from .collect import PKI_DIR, PKI_FILES

ID = "pki-expiry"

META = CheckMeta(
    id=ID,
    title="Control-plane PKI certificate expiry (--pki-dir)",
    component="certificates",
    why=(
        "The control plane authenticates its own parts with certificates kept as files on each "
        "control-plane node: the API server's serving and kubelet-client certificates, the front-proxy "
        "client, etcd's server, peer and healthcheck certificates, and the CAs that sign them. kubeadm "
        "issues the leaves for one year and the CAs for ten. An expired one breaks the link it secures "
        "(etcd peers stop replicating, the API server loses etcd or the kubelets) with no warning first."
    ),
    fix=(
        "On each control-plane node: `kubeadm certs check-expiration`, then `kubeadm certs renew all` and "
        "restart the control-plane static pods (kube-apiserver, kube-controller-manager, kube-scheduler, "
        "etcd). A control-plane upgrade renews the leaves too. An expiring CA needs a planned rotation: "
        "see the manual rotation guide."
    ),
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/",
        "https://kubernetes.io/docs/setup/best-practices/certificates/",
        "https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/",
    ),
    needs=(),
    optional_needs=(PKI_FILES,),
    options=(PKI_DIR,),
    thresholds={"warn_days": 30, "fail_days": 7},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    response = data.responses.get(PKI_FILES)
    if response is None or not response.ok or not isinstance(response.data, dict):
        reason = response.error if response is not None and response.error else "the PKI files were not read"
        return [Finding(ID, Status.SKIP, f"{reason}: run on a control-plane node with --pki-dir /etc/kubernetes/pki "
                        "to check the control plane's certificate files", {"need": PKI_FILES})]
    directory = str(response.data.get("dir", "--pki-dir"))
    groups = []
    for entry in response.data.get("files") or []:
        if not isinstance(entry, dict):
            continue
        path = str(entry.get("path", "?"))
        parsed = (CertificateError(path, str(entry["error"])) if entry.get("error")
                  else parse_pem_bundle(str(entry.get("pem", "")), path))
        groups.append((f"file/{path}", directory, parsed))
    verdicts = expiry_verdicts(groups, data.now, ExpiryPolicy.from_thresholds(thresholds),
                               f"certificates under {directory}")
    return [Finding(ID, v.level, v.message, v.evidence, v.object) for v in verdicts]
