"""Real X.509 for tests: a CA, leaves it signs, chosen validity windows, PEM files.

The test API server serves a real TLS chain made here, and certificate checks need certificates that
expire on a chosen day; both come from one place so no test hand-writes PEM text.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

# kubeadm's defaults: a 10-year CA and 1-year leaves.
CA_VALIDITY = dt.timedelta(days=3650)
LEAF_VALIDITY = dt.timedelta(days=365)


def new_key(kind: str = "ec", bits: int = 2048) -> PrivateKey:
    """A fresh private key: EC P-256 by default (fast), RSA when a test needs kubeadm's RSA 2048."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key kind {kind!r} (ec or rsa)")


@dataclass(frozen=True)
class CertKey:
    """A certificate and its private key, with PEM forms ready to write or embed in a kubeconfig."""

    cert: x509.Certificate
    key: PrivateKey

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def key_pem(self) -> str:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    def write(self, directory: str | Path, name: str) -> tuple[Path, Path]:
        """Write ``NAME.crt`` and ``NAME.key`` (mode 0600) into ``directory``; returns their paths."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
        cert_path.write_text(self.cert_pem)
        key_path.write_text(self.key_pem)
        key_path.chmod(0o600)
        return cert_path, key_path


def _name(common_name: str, organizations: Sequence[str] = ()) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org) for org in organizations]
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _window(not_before: dt.datetime | None, not_after: dt.datetime | None,
            validity: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    """The validity window: by default from an hour ago (clock skew) for ``validity``."""
    start = not_before or dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    return start, not_after or start + validity


def _builder(subject: x509.Name, issuer: x509.Name, key: PrivateKey, window: tuple[dt.datetime, dt.datetime],
             *, ca: bool) -> x509.CertificateBuilder:
    """What every certificate here shares: names, key, serial, validity, basic constraints, key usage."""
    usage = x509.KeyUsage(digital_signature=True, key_encipherment=True, key_cert_sign=ca, crl_sign=ca,
                          content_commitment=False, data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(window[0])
        .not_valid_after(window[1])
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )


def make_ca(
    common_name: str = "kubernetes",
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: PrivateKey | None = None,
    issuer: CertKey | None = None,
) -> CertKey:
    """A CA certificate: self-signed (a root, like kubeadm's), or signed by ``issuer`` (an intermediate)."""
    key = key or new_key()
    start, end = _window(not_before, not_after, CA_VALIDITY)
    subject = _name(common_name)
    signer_key = issuer.key if issuer else key
    builder = _builder(subject, issuer.cert.subject if issuer else subject, key, (start, end), ca=True)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return CertKey(builder.sign(signer_key, hashes.SHA256()), key)


def make_leaf(
    ca: CertKey,
    common_name: str,
    *,
    dns_names: Iterable[str] = (),
    ip_addresses: Iterable[str] = (),
    organizations: Sequence[str] = (),
    server: bool = True,
    client: bool = False,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: PrivateKey | None = None,
) -> CertKey:
    """A leaf signed by ``ca``: a serving cert (SANs), a client cert (CN = user, O = groups), or both."""
    key = key or new_key()
    start, end = _window(not_before, not_after, LEAF_VALIDITY)
    usages = [usage for usage, wanted in ((ExtendedKeyUsageOID.SERVER_AUTH, server),
                                          (ExtendedKeyUsageOID.CLIENT_AUTH, client)) if wanted]
    builder = _builder(_name(common_name, organizations), ca.cert.subject, key, (start, end), ca=False)
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in dns_names]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return CertKey(builder.sign(ca.key, hashes.SHA256()), key)


def make_serving_pair(common_name: str = "kube-apiserver",
                      valid_at: dt.datetime | None = None) -> tuple[CertKey, CertKey]:
    """A CA and a serving certificate for 127.0.0.1 and localhost: what the test API server presents.

    Both are valid now (the client's TLS checks the real clock) and at ``valid_at``, a sample's capture
    time, so certificate checks that measure against the capture time do not find them not yet valid.
    """
    real_now = dt.datetime.now(dt.timezone.utc)
    moments = [real_now, valid_at or real_now]
    start = min(moments) - dt.timedelta(days=1)
    ca = make_ca("kubernetes", not_before=start, not_after=max(moments) + CA_VALIDITY)
    leaf = make_leaf(ca, common_name, dns_names=["localhost", "kubernetes", "kubernetes.default"],
                     ip_addresses=["127.0.0.1"], not_before=start, not_after=max(moments) + LEAF_VALIDITY)
    return ca, leaf


def write_pem(path: str | Path, *certificates: CertKey) -> Path:
    """Write one or more certificates (a chain or a bundle) as concatenated PEM; returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(c.cert_pem for c in certificates))
    return target
