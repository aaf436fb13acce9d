"""X.509 certificates as facts: who they name, when they stop working, and how soon that is.

Only public certificates pass through here (PEM ``CERTIFICATE`` blocks): private keys are never read.
An expired certificate does not degrade gracefully: TLS handshakes fail at once, so the API server,
kubelets, webhooks or kubectl stop talking. Verdicts carry a ``Status`` (pass, warn, fail, skip) that the
certificate checks turn into findings, measured against the data's ``now``, never the local clock.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubectl_arch.model.profiles import Rotation
from kubectl_arch.model.status import Status

if TYPE_CHECKING:  # cryptography loads when a certificate is parsed (~40 ms), not when a check is declared
    from cryptography import x509

DEFAULT_WARN_DAYS = 30
DEFAULT_FAIL_DAYS = 7

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


@dataclass(frozen=True)
class Certificate:
    """The public facts of one certificate, and where it was found (for messages and suppressions)."""

    origin: str  # e.g. "the API server's serving chain [0]", "/etc/kubernetes/pki/apiserver.crt"
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    is_ca: bool
    sha256: str
    dns_names: tuple[str, ...] = ()

    def days_left(self, now: dt.datetime) -> float:
        return (self.not_after - now).total_seconds() / 86400

    @property
    def lifetime_days(self) -> float:
        return (self.not_after - self.not_before).total_seconds() / 86400

    def evidence(self, now: dt.datetime) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "subject": self.subject,
            "issuer": self.issuer,
            "ca": self.is_ca,
            "notBefore": _iso(self.not_before),
            "notAfter": _iso(self.not_after),
            "daysLeft": floor_tenths(self.days_left(now)),
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class CertificateError:
    """A certificate that could not be read: where, and why. Returned, never raised."""

    origin: str
    message: str


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _name(name: x509.Name) -> str:
    """A name as people say it: its CN, else the full RFC 4514 string."""
    from cryptography.x509.oid import NameOID

    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common:
        value = common[0].value
        return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    return name.rfc4514_string() or "(empty name)"


def _facts(cert: x509.Certificate, origin: str) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        is_ca = bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except (x509.ExtensionNotFound, ValueError):
        is_ca = False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = tuple(san.get_values_for_type(x509.DNSName))
    except (x509.ExtensionNotFound, ValueError):
        dns_names = ()
    return Certificate(
        origin=origin,
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        is_ca=is_ca,
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
        dns_names=dns_names,
    )


def parse_pem_bundle(text: str | bytes, origin: str) -> list[Certificate] | CertificateError:
    """Every ``CERTIFICATE`` block of a PEM bundle (a chain or a CA bundle), in order.

    Other blocks (keys included) are ignored without being decoded. No certificate, or one that does
    not parse, gives a ``CertificateError`` naming ``origin``.
    """
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    if not isinstance(text, str):
        return CertificateError(origin, f"expected PEM text, got {type(text).__name__}")
    blocks = [m for m in _PEM_BLOCK.finditer(text) if m.group(1) == "CERTIFICATE"]
    if not blocks:
        return CertificateError(origin, "holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)")
    from cryptography import x509

    certificates = []
    for position, block in enumerate(blocks):
        where = origin if len(blocks) == 1 else f"{origin} [{position}]"
        try:
            cert = x509.load_pem_x509_certificate(block.group(0).encode("ascii", errors="replace"))
            certificates.append(_facts(cert, where))
        except (ValueError, TypeError) as exc:
            return CertificateError(where, f"is not a valid X.509 certificate ({_first_line(exc)})")
    return certificates


def parse_ca_bundle(value: object, origin: str) -> list[Certificate] | CertificateError:
    """A ``caBundle`` field as the API returns it (base64 of PEM, as webhooks and APIServices carry it)."""
    if not isinstance(value, str) or not value.strip():
        return CertificateError(origin, "has an empty caBundle")
    try:
        pem = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return CertificateError(origin, "has a caBundle that is not valid base64")
    return parse_pem_bundle(pem, origin)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


# -- verdicts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiryPolicy:
    """When an approaching expiry becomes a warning or a failure (configurable per check)."""

    warn_days: float = DEFAULT_WARN_DAYS
    fail_days: float = DEFAULT_FAIL_DAYS
    # Certificates the distribution replaces on its own schedule warn only once that replacement is overdue.
    rotation: Rotation | None = None

    @classmethod
    def from_thresholds(cls, thresholds: Mapping[str, Any]) -> ExpiryPolicy:
        return cls(float(thresholds.get("warn_days", DEFAULT_WARN_DAYS)),
                   float(thresholds.get("fail_days", DEFAULT_FAIL_DAYS)))

    def rotated(self, cert: Certificate) -> Rotation | None:
        """The rotation that replaces this certificate: a leaf its signers issued, living no longer than it issues."""
        rotation = self.rotation
        if rotation is None or cert.is_ca or rotation.issuer_marker not in cert.issuer:
            return None
        return rotation if cert.lifetime_days <= rotation.lifetime_days + 1 else None

    def warn_days_for(self, cert: Certificate) -> float:
        rotation = self.rotated(cert)
        return rotation.warn_days if rotation else self.warn_days

    def level(self, cert: Certificate, now: dt.datetime) -> Status:
        if now < cert.not_before or cert.days_left(now) < self.fail_days:
            return Status.FAIL
        return Status.WARN if cert.days_left(now) < self.warn_days_for(cert) else Status.PASS


@dataclass(frozen=True)
class Verdict:
    """What a certificate check reports about one certificate or one unreadable one."""

    level: Status
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    object: str | None = None


def floor_tenths(days: float) -> float:
    """Days to one decimal, rounded down: below a threshold (of at most one decimal) exactly when the days are, so
    12.96 days left is never shown as 13.0 beside a warning for fewer than 13. Past expiry, toward zero (3.04 days
    ago is -3.0), as "expired 3 days ago" says."""
    return math.floor(days * 10) / 10 if days >= 0 else -math.floor(-days * 10) / 10


def describe_expiry(cert: Certificate, now: dt.datetime, thresholds: Iterable[float] = ()) -> str:
    """'expired 3 days ago (2026-11-17)', 'expires in 5 days (2026-11-30)' or 'is not valid until ...'. Days are
    rounded down, as daysLeft is, and within a day of one of ``thresholds`` (the days left the verdict turns at)
    shown to one decimal: the number is on the same side of the threshold as the verdict, never "13 days" for a
    warning below 13."""
    date = cert.not_after.strftime("%Y-%m-%d %H:%M UTC")
    if now < cert.not_before:
        return f"is not valid until {cert.not_before.strftime('%Y-%m-%d %H:%M UTC')} (a clock or issuing error)"
    days = cert.days_left(now)
    if days < 0:
        return f"expired {_days(-days)} ago ({date})"
    return f"expires in {_days(days, tuple(thresholds))} ({date})"


def _days(days: float, thresholds: tuple[float, ...] = ()) -> str:
    if days < 1:
        hours = int(days * 24)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if any(abs(days - threshold) < 1 for threshold in thresholds):
        return f"{floor_tenths(days):.1f} days"  # 12.9 days, beside "fewer than 13 days left"
    whole = math.floor(days)  # whole days left, rounded down like daysLeft: 4.99 is "4 days" beside 4.9
    return f"{whole} day{'s' if whole != 1 else ''}"


def _thresholds(policy: ExpiryPolicy, cert: Certificate) -> tuple[float, ...]:
    """The days left at which this certificate's verdict changes, and where its replacement is due."""
    rotation = policy.rotated(cert)
    return (policy.fail_days, policy.warn_days_for(cert), *((rotation.replaced_at_days_left,) if rotation else ()))


def expiry_verdicts(
    groups: Iterable[tuple[str | None, str, list[Certificate] | CertificateError]],
    now: dt.datetime,
    policy: ExpiryPolicy,
    what: str,
    unreadable_level: Status = Status.WARN,
    empty_level: Status = Status.SKIP,
) -> list[Verdict]:
    """One verdict per certificate that needs attention, or one passing summary when none does.

    ``groups`` are ``(object, label, parsed)``: the object a finding is about (for suppressions), how a
    message names it ("the webhook pods.example.com"), and its parsed bundle or why it did not parse.
    With nothing to check the one verdict is ``empty_level`` (a skip, or a pass where none is normal).
    """
    problems: list[Verdict] = []
    healthy: list[Certificate] = []
    for obj, label, parsed in groups:
        if isinstance(parsed, CertificateError):
            problems.append(Verdict(unreadable_level, f"{label}: {parsed.origin} {parsed.message}",
                                    {"origin": parsed.origin, "unreadable": parsed.message}, obj))
            continue
        for cert in parsed:
            level = policy.level(cert, now)
            if level is Status.PASS:
                healthy.append(cert)
                continue
            kind = "CA certificate" if cert.is_ca else "certificate"
            message = (f"{label}: the {kind} {cert.subject!r} ({cert.origin}) "
                       f"{describe_expiry(cert, now, _thresholds(policy, cert))}")
            rotation = policy.rotated(cert)
            if rotation is not None and cert.days_left(now) >= 0:
                message += (f": {rotation.by} replaces it with {rotation.replaced_at_days_left:g} days left, so "
                            f"{rotation.overdue}")
            evidence = {**cert.evidence(now), "warnDays": policy.warn_days_for(cert), "failDays": policy.fail_days,
                        **_rotation_evidence(rotation)}
            problems.append(Verdict(level, message, evidence, obj))
    if problems:
        return problems
    if not healthy:
        return [Verdict(empty_level, f"no {what} to check")]
    soonest = min(healthy, key=lambda c: c.not_after)
    count = len(healthy)
    rotation = policy.rotated(soonest)
    if rotation is not None:  # inside its replacement schedule: say so, never "valid for at least 30 days"
        message = (f"{what}: {count} checked; the first to expire is {soonest.subject!r} ({soonest.origin}), which "
                   f"{describe_expiry(soonest, now, _thresholds(policy, soonest))}: {rotation.by} replaces it with "
                   f"{rotation.replaced_at_days_left:g} days left, and a warning comes only with fewer than "
                   f"{rotation.warn_days:g} days left, once that replacement is overdue")
    else:
        message = (f"{what}: {count} checked, {'valid' if count == 1 else 'all valid'} for at least "
                   f"{policy.warn_days:g} days; the first to expire is {soonest.subject!r} ({soonest.origin}), "
                   f"which {describe_expiry(soonest, now, _thresholds(policy, soonest))}")
    return [Verdict(Status.PASS, message, {"checked": count, "soonest": soonest.evidence(now),
                                           **_rotation_evidence(rotation)})]


def _rotation_evidence(rotation: Rotation | None) -> dict[str, Any]:
    """What a rotation-aware verdict was judged on (nothing without one)."""
    if rotation is None:
        return {}
    return {"rotatedBy": rotation.by, "replacedAtDaysLeft": rotation.replaced_at_days_left,
            "rotationWarnDays": rotation.warn_days}
