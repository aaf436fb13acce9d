"""Generate the bundled samples' public X.509 certificates and CSRs, and embed them where objects need them.

Why a tool: certificate checks must read real certificates (parsed by ``cryptography``), yet a sample
is frozen at its ``capturedAt``. This script issues each sample's certificates with validity dates
fixed relative to that time (so "expires in 5 days" stays true forever), writes only the public PEMs
to ``<sample>/tls/``, and throws every private key away. Object YAML that carries certificate bytes
(webhook ``caBundle``, APIService ``caBundle``, CSR ``request``) marks the value with a trailing
``# from tls/NAME`` comment; the script rewrites those values with the base64 of that file.

Run from the repository root:  python tools/make_sample_certs.py [--embed-only] [SAMPLE ...]
(keys are new on every run, so PEM bytes change; dates, names and extensions do not. After editing
objects only, ``--embed-only`` refreshes the marked values from the committed PEM files.)
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import ipaddress
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "kubectl_arch" / "samples"
MARKER = re.compile(r"^(?P<head>\s*(?:- )?[A-Za-z]+: )(?P<value>\S*)(?P<tail>\s+# from tls/(?P<file>[\w.-]+))$")
KUBEADM_BACKDATE = dt.timedelta(minutes=5)  # kubeadm back-dates NotBefore to tolerate clock skew


@dataclass(frozen=True)
class Cert:
    """One certificate (or CSR) of a sample, with its dates relative to the sample's capture time."""

    file: str  # written to <sample>/tls/<file>
    common_name: str
    issued_days_ago: float  # NotBefore, in days before capturedAt (before back-dating)
    valid_days: float
    issuer: str | None = None  # file of the signing CA; None: self-signed
    organization: str | None = None
    is_ca: bool = False
    server: bool = False
    client: bool = False
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    csr: bool = False  # a certificate signing request (a kubelet's), not a certificate
    ec_key: bool = False  # kubelets use ECDSA P-256 keys; kubeadm uses RSA-2048
    with_issuer: bool = False  # write the issuing CA after the leaf (k3s's kubeconfig client certificate)


def _kubeadm_apiserver(days_ago: float, valid: float, node: str, ips: tuple[str, ...],
                       extra_dns: tuple[str, ...] = ()) -> Cert:
    dns = (node, *extra_dns, "kubernetes", "kubernetes.default", "kubernetes.default.svc",
           "kubernetes.default.svc.cluster.local", "localhost")
    return Cert("apiserver.pem", "kube-apiserver", days_ago, valid, issuer="ca.pem", server=True, dns_names=dns,
                ip_addresses=ips)


KIND_AGE = 7 + 46 / 1440  # kind-ha was created 7 days 46 minutes before capture
DEGRADED_RENEWED = 365 - 5 + 2 / 1440  # certificates renewed by the last `kubeadm upgrade`: 5 days left
CILIUM_AGE = 41 + 3 / 24  # cilium-kpr was created 41 days 3 hours before capture
K3S_AGE = 36 + 2 / 24  # k3s was installed 36 days 2 hours before capture ...
K3S_CREATED = 1792047600  # ... at this Unix time, which k3s writes into its CA names (k3s-server-ca@<time>)
MINIKUBE_AGE = 2 + 1 / 24  # minikube started 2 days 1 hour before capture; its CA is older (~/.minikube)

CERTS: dict[str, list[Cert]] = {
    "kind-ha": [
        Cert("ca.pem", "kubernetes", KIND_AGE, 3650, is_ca=True),
        _kubeadm_apiserver(KIND_AGE, 365, "kind-ha-control-plane", ("10.96.0.1", "172.18.0.5", "127.0.0.1"),
                           ("kind-ha-external-load-balancer",)),
        Cert("admin.pem", "kubernetes-admin", KIND_AGE, 365, issuer="ca.pem", organization="kubeadm:cluster-admins",
             client=True),
        Cert("cert-manager-webhook-ca.pem", "cert-manager-webhook-ca", 6.9, 365, is_ca=True),
        Cert("metrics-server-ca.pem", "metrics-server-ca", 6.9, 365, is_ca=True),
    ],
    "kubeadm-degraded": [
        Cert("ca.pem", "kubernetes", 1257.3, 3650, is_ca=True),
        _kubeadm_apiserver(DEGRADED_RENEWED, 365, "k8s-cp-1", ("10.96.0.1", "10.0.0.11", "10.0.0.10"),
                           ("k8s-api.internal.example",)),
        Cert("admin.pem", "kubernetes-admin", DEGRADED_RENEWED, 365, issuer="ca.pem",
             organization="kubeadm:cluster-admins", client=True),
        Cert("opa-webhook-ca.pem", "opa-admission-ca", 377, 365, is_ca=True),
        Cert("metrics-server-ca.pem", "metrics-server-ca", 201, 365, is_ca=True),
        Cert("kubelet-serving-k8s-worker-1.csr.pem", "system:node:k8s-worker-1", 0, 0, organization="system:nodes",
             dns_names=("k8s-worker-1",), ip_addresses=("10.0.0.21",), csr=True, ec_key=True),
    ],
    "eks": [
        Cert("ca.pem", "kubernetes", 626.4, 3650, is_ca=True),
        Cert("apiserver.pem", "kube-apiserver", 41.2, 365, issuer="ca.pem", server=True,
             dns_names=("3f9c2a17b5e84d0c9a6e1f28d4b7c593.gr7.us-east-1.eks.amazonaws.com",
                        "ip-172-16-62-48.ec2.internal", "kubernetes", "kubernetes.default",
                        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"),
             ip_addresses=("172.20.0.1", "172.16.62.48")),
        Cert("aws-load-balancer-webhook-ca.pem", "aws-load-balancer-controller-ca", 212, 3650, is_ca=True),
    ],
    # GKE: a cluster CA valid 30 years (its CN a generated UUID); the API server's serving certificate is for the
    # control plane's endpoints (the kubernetes Service IP, the private and the public endpoint).
    "gke": [
        Cert("ca.pem", "5e1c9a3f-7b2d-4e80-a6c4-0d9f8b1e2a47", 535.83, 10957, is_ca=True),
        Cert("apiserver.pem", "172.16.0.2", 8.26, 365, issuer="ca.pem", server=True,
             dns_names=("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                        "kubernetes.default.svc.cluster.local"),
             ip_addresses=("34.118.224.1", "172.16.0.2", "34.27.112.9")),
    ],
    # AKS: a cluster CA valid 30 years (CN "ca"); the API server's serving certificate (two years, renewed by AKS)
    # for the cluster's FQDN, the kubernetes Service IP and the in-cluster names.
    "aks": [
        Cert("ca.pem", "ca", 431.02, 10957, is_ca=True),
        Cert("apiserver.pem", "apiserver", 9.45, 730, issuer="ca.pem", server=True,
             dns_names=("aks-prod-dns-4f2a9c1b.hcp.westeurope.azmk8s.io", "kubernetes", "kubernetes.default",
                        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"),
             ip_addresses=("10.0.0.1",)),
    ],
    "k3s": [
        Cert("server-ca.pem", f"k3s-server-ca@{K3S_CREATED}", K3S_AGE, 3650, is_ca=True),
        Cert("client-ca.pem", f"k3s-client-ca@{K3S_CREATED}", K3S_AGE, 3650, is_ca=True),
        Cert("apiserver.pem", "k3s", K3S_AGE, 365, issuer="server-ca.pem", organization="k3s", server=True,
             dns_names=("k3s-server", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                        "kubernetes.default.svc.cluster.local", "localhost"),
             ip_addresses=("10.0.0.50", "10.43.0.1", "127.0.0.1", "::1")),
        Cert("admin.pem", "system:admin", K3S_AGE, 365, issuer="client-ca.pem", organization="system:masters",
             client=True, with_issuer=True),
    ],
    "minikube": [
        Cert("ca.pem", "minikubeCA", 212.4, 3650, is_ca=True),
        Cert("apiserver.pem", "minikube", MINIKUBE_AGE, 1095, issuer="ca.pem", server=True,
             dns_names=("minikubeCA", "control-plane.minikube.internal", "kubernetes.default.svc.cluster.local",
                        "kubernetes.default.svc", "kubernetes.default", "kubernetes", "localhost"),
             ip_addresses=("192.168.49.2", "10.96.0.1", "127.0.0.1", "10.0.0.1")),
        Cert("admin.pem", "minikube-user", 212.4, 1095, issuer="ca.pem", organization="system:masters", client=True),
    ],
    "openshift": [
        Cert("ca.pem", "kube-apiserver-lb-signer", 172, 3650, organization="openshift", is_ca=True),
        Cert("apiserver.pem", "api.ocp47.example.com", 14.2, 30, issuer="ca.pem", server=True,
             dns_names=("api.ocp47.example.com",)),
        Cert("admin.pem", "system:admin", 172, 3650, issuer="ca.pem", organization="system:masters", client=True),
    ],
    "cilium-kpr": [
        Cert("ca.pem", "kubernetes", CILIUM_AGE, 3650, is_ca=True),
        _kubeadm_apiserver(CILIUM_AGE, 365, "lab-cp-1", ("10.96.0.1", "10.10.0.10")),
        Cert("admin.pem", "kubernetes-admin", CILIUM_AGE, 365, issuer="ca.pem", organization="kubeadm:cluster-admins",
             client=True),
    ],
}


def _serial(sample: str, cert: Cert) -> int:
    return int.from_bytes(hashlib.sha256(f"{sample}/{cert.file}".encode()).digest()[:16], "big") >> 1


def _name(cert: Cert) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, cert.common_name)]
    if cert.organization:
        attributes.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, cert.organization))
    return x509.Name(attributes)


def _san(cert: Cert) -> x509.SubjectAlternativeName | None:
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in cert.dns_names]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in cert.ip_addresses]
    return x509.SubjectAlternativeName(names) if names else None


def _new_key(cert: Cert) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if cert.ec_key:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _csr(cert: Cert) -> bytes:
    key = _new_key(cert)
    builder = x509.CertificateSigningRequestBuilder().subject_name(_name(cert))
    san = _san(cert)
    if san is not None:
        builder = builder.add_extension(san, critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def issue(sample: str, captured_at: dt.datetime, specs: Iterable[Cert]) -> dict[str, bytes]:
    """PEM bytes by file name; CAs are issued before the certificates they sign, keys never leave here."""
    issued: dict[str, tuple[x509.Certificate, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey]] = {}
    out: dict[str, bytes] = {}
    for cert in sorted(specs, key=lambda c: (c.issuer is not None, c.file)):
        if cert.csr:
            out[cert.file] = _csr(cert)
            continue
        key = _new_key(cert)
        not_before = captured_at - dt.timedelta(days=cert.issued_days_ago) - KUBEADM_BACKDATE
        not_after = not_before + KUBEADM_BACKDATE + dt.timedelta(days=cert.valid_days)
        issuer_name, signing_key = _name(cert), key
        if cert.issuer:
            ca_cert, signing_key = issued[cert.issuer]
            issuer_name = ca_cert.subject
        builder = (x509.CertificateBuilder().subject_name(_name(cert)).issuer_name(issuer_name)
                   .public_key(key.public_key()).serial_number(_serial(sample, cert))
                   .not_valid_before(not_before).not_valid_after(not_after)
                   .add_extension(x509.BasicConstraints(ca=cert.is_ca, path_length=None), critical=True))
        usage = dict(digital_signature=True, content_commitment=False, key_encipherment=not cert.is_ca,
                     data_encipherment=False, key_agreement=False, key_cert_sign=cert.is_ca, crl_sign=False,
                     encipher_only=False, decipher_only=False)
        builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
        purposes = ([ExtendedKeyUsageOID.SERVER_AUTH] if cert.server else []) + \
                   ([ExtendedKeyUsageOID.CLIENT_AUTH] if cert.client else [])
        if purposes:
            builder = builder.add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
        san = _san(cert)
        if san is not None:
            builder = builder.add_extension(san, critical=False)
        certificate = builder.sign(signing_key, hashes.SHA256())
        issued[cert.file] = (certificate, key)
        out[cert.file] = certificate.public_bytes(serialization.Encoding.PEM)
        if cert.with_issuer and cert.issuer:
            out[cert.file] += issued[cert.issuer][0].public_bytes(serialization.Encoding.PEM)
    return out


def embed(folder: Path) -> int:
    """Rewrite every ``value  # from tls/NAME`` in the sample's objects with base64(tls/NAME); count them."""
    replaced = 0
    for path in sorted((folder / "objects").glob("*.yaml")):
        lines = path.read_text().splitlines(keepends=True)
        changed = False
        for i, line in enumerate(lines):
            match = MARKER.match(line.rstrip("\n"))
            if not match:
                continue
            encoded = base64.b64encode((folder / "tls" / match["file"]).read_bytes()).decode()
            new = f"{match['head']}{encoded}{match['tail']}\n"
            if new != line:
                lines[i] = new
                changed = True
            replaced += 1
        if changed:
            path.write_text("".join(lines))
    return replaced


def captured_at(folder: Path) -> dt.datetime:
    meta = yaml.safe_load((folder / "sample.yaml").read_text()) or {}
    return dt.datetime.fromisoformat(str(meta["capturedAt"]).replace("Z", "+00:00"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("samples", nargs="*", help=f"samples to regenerate (default: {', '.join(CERTS)})")
    parser.add_argument("--embed-only", action="store_true",
                        help="keep the committed PEM files; only refresh the values marked `# from tls/NAME`")
    args = parser.parse_args(argv)
    for sample in args.samples or list(CERTS):
        if sample not in CERTS:
            print(f"error: no certificate list for sample {sample!r}", file=sys.stderr)
            return 2
        folder = SAMPLES_DIR / sample
        tls = folder / "tls"
        tls.mkdir(exist_ok=True)
        if not args.embed_only:
            for file, pem in issue(sample, captured_at(folder), CERTS[sample]).items():
                (tls / file).write_bytes(pem)
        print(f"{sample}: {len(CERTS[sample])} PEM files, {embed(folder)} embedded values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
