"""The certificate model: bundles parsed in order, keys never decoded, bad input as one clear value."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_arch.model.certificates import (
    Certificate,
    CertificateError,
    ExpiryPolicy,
    expiry_verdicts,
    parse_ca_bundle,
    parse_pem_bundle,
)
from kubectl_arch.model.status import Status
from tests.harness.pki import make_ca, make_leaf

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)


def days(n: float) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


def test_a_bundle_is_parsed_in_order_and_private_keys_are_skipped() -> None:
    ca = make_ca("root", not_before=days(-10), not_after=days(3000))
    leaf = make_leaf(ca, "leaf", not_before=days(-10), not_after=days(50))
    parsed = parse_pem_bundle(leaf.key_pem + leaf.cert_pem + ca.cert_pem, "bundle")
    assert isinstance(parsed, list)
    assert [(c.subject, c.issuer, c.is_ca, c.origin) for c in parsed] == [
        ("leaf", "root", False, "bundle [0]"), ("root", "root", True, "bundle [1]")]
    assert parsed[0].not_after == days(50).replace(microsecond=0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "holds no PEM certificate"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "holds no PEM certificate"),
        ("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", "is not a valid X.509"),
    ],
)
def test_unreadable_pem_is_one_clear_error(text: str, reason: str) -> None:
    parsed = parse_pem_bundle(text, "the file")
    assert isinstance(parsed, CertificateError)
    assert reason in parsed.message


def test_ca_bundles_are_base64_of_pem() -> None:
    ca = make_ca("webhook-ca")
    parsed = parse_ca_bundle(base64.b64encode(ca.cert_pem.encode()).decode(), "its caBundle")
    assert isinstance(parsed, list) and parsed[0].subject == "webhook-ca"
    assert isinstance(parse_ca_bundle("%%%not base64", "x"), CertificateError)
    assert isinstance(parse_ca_bundle("", "x"), CertificateError)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parsing_never_raises(text: str) -> None:
    wrapped = f"-----BEGIN CERTIFICATE-----\n{text}\n-----END CERTIFICATE-----\n"
    for candidate in (text, wrapped):
        assert isinstance(parse_pem_bundle(candidate, "fuzz"), (list, CertificateError))
    assert isinstance(parse_ca_bundle(text, "fuzz"), (list, CertificateError))


def _cert(not_before: float, not_after: float) -> Certificate:
    ca = make_ca("root", not_before=days(not_before), not_after=days(not_after))
    parsed = parse_pem_bundle(ca.cert_pem, "ca.crt")
    assert isinstance(parsed, list)
    return parsed[0]


@pytest.mark.parametrize(
    ("not_before", "not_after", "policy", "level"),
    [
        (-100, 100, ExpiryPolicy(), "pass"),
        (-100, 29, ExpiryPolicy(), "warn"),
        (-100, 6, ExpiryPolicy(), "fail"),
        (-100, -1, ExpiryPolicy(), "fail"),
        (2, 400, ExpiryPolicy(), "fail"),  # not valid yet: every client refuses it
        (-100, 60, ExpiryPolicy(warn_days=90, fail_days=14), "warn"),
        (-100, 10, ExpiryPolicy(warn_days=90, fail_days=14), "fail"),
        (-100, 10, ExpiryPolicy.from_thresholds({"warn_days": 5, "fail_days": 1}), "pass"),
    ],
)
def test_levels_follow_the_policy(not_before: float, not_after: float, policy: ExpiryPolicy, level: str) -> None:
    assert policy.level(_cert(not_before, not_after), NOW) is Status(level)


def test_verdicts_report_problems_one_by_one_or_one_healthy_summary() -> None:
    policy = ExpiryPolicy()
    healthy = [_cert(-10, 300), _cert(-10, 200)]
    [summary] = expiry_verdicts([("a", "set A", healthy)], NOW, policy, "certificates")
    assert summary.level is Status.PASS
    assert summary.evidence["checked"] == 2
    assert "expires in 200 days" in summary.message
    problems = expiry_verdicts([("a", "set A", healthy), ("b", "set B", [_cert(-400, -2)]),
                                ("c", "set C", CertificateError("its caBundle", "is not valid base64"))],
                               NOW, policy, "certificates", unreadable_level=Status.FAIL)
    assert [(v.level, v.object) for v in problems] == [(Status.FAIL, "b"), (Status.FAIL, "c")]
    assert problems[0].message.startswith("set B: the CA certificate 'root' (ca.crt) expired 2 days ago")
    assert expiry_verdicts([], NOW, policy, "certificates", empty_level=Status.PASS)[0].level is Status.PASS
