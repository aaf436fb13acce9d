"""client-certificate-expiry: the kubeconfig's client certificate and the cluster CA it trusts.

A kubeconfig that authenticates with a client certificate stops working the moment it expires, and
client certificates cannot be revoked, so they are usually short-lived (kubeadm's admin.conf: one year).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    PROFILE_NEEDS,
    profile_of,
    teaches_its_own,
    with_distribution_pages,
    with_fix,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.certificates import ExpiryPolicy, expiry_verdicts, parse_pem_bundle
from kubectl_arch.model.profiles import KUBEADM_CERTS_DOC, RENEW_ADMIN_KUBECONFIG

ID = "client-certificate-expiry"
# What to do about a user's own certificate, anywhere (a distribution's admin kubeconfig has its own command).
USER_CERTIFICATE_FIX = ("For a user certificate: issue a new one through a CertificateSigningRequest (signer "
                        "kubernetes.io/kube-apiserver-client) and update the kubeconfig with `kubectl config "
                        "set-credentials`. Prefer short-lived tokens or an OIDC/exec login for people.")
CERTIFICATE_AUTH = "client-certificate"

META = CheckMeta(
    id=ID,
    title="kubeconfig client certificate and cluster CA expiry",
    component="certificates",
    why=(
        "A kubeconfig that logs in with a client certificate is refused (HTTP 401) from the second it "
        "expires, which often locks operators and CI jobs out of the cluster exactly when they need it. "
        "The cluster CA in the kubeconfig is what kubectl trusts: when it expires or is rotated, every "
        "kubeconfig that embeds it must be redistributed."
    ),
    fix=(
        "For a kubeconfig the distribution issued (kubeadm's admin.conf, k3s's k3s.yaml): renew it the "
        "distribution's way (audit prints the command for the cluster it reads). For a user certificate: issue "
        "a new one through a "
        "CertificateSigningRequest (signer kubernetes.io/kube-apiserver-client) and update the kubeconfig "
        "with `kubectl config set-credentials`. Prefer short-lived tokens or an OIDC/exec login for people."
    ),
    references=(
        KUBEADM_CERTS_DOC,
        "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#normal-user",
        "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates",
    ),
    needs=(),
    optional_needs=PROFILE_NEEDS,  # the fix and pages: the distribution's
    thresholds={"warn_days": 30, "fail_days": 7},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    credentials = data.credentials
    context = credentials.context or "the current context"
    client_object = f"kubeconfig/{context}/client-certificate"
    groups = []
    if credentials.client_certificate_pem:
        groups.append((client_object, f"the client certificate of {context}",
                       parse_pem_bundle(credentials.client_certificate_pem, "the kubeconfig's client certificate")))
    if credentials.certificate_authority_pem:
        groups.append((f"kubeconfig/{context}/certificate-authority", f"the cluster CA trusted by {context}",
                       parse_pem_bundle(credentials.certificate_authority_pem, "the kubeconfig's CA")))
    findings = []
    if groups:
        policy = ExpiryPolicy.from_thresholds(thresholds)
        verdicts = expiry_verdicts(groups, data.now, policy, "kubeconfig certificates")
        findings = [Finding(ID, v.level, v.message, v.evidence, v.object) for v in verdicts]
    if not credentials.client_certificate_pem:
        other_auth = credentials.auth not in (CERTIFICATE_AUTH, "unknown")
        reason = (f"{context} authenticates with {credentials.auth}, not a client certificate: there is no "
                  "client certificate to expire" if other_auth
                  else f"no client certificate of {context} is available to check")
        status = Status.PASS if other_auth and findings else Status.SKIP
        findings.append(Finding(ID, status, reason, {"auth": credentials.auth}, client_object))
    profile = profile_of(data)
    renew = profile.fix(RENEW_ADMIN_KUBECONFIG)
    if renew:
        fix: str | None = f"{renew}. {USER_CERTIFICATE_FIX}"
    else:  # no admin kubeconfig of the distribution's to renew here: never kubeadm's admin.conf elsewhere
        fix = USER_CERTIFICATE_FIX if teaches_its_own(profile) else None
    return with_distribution_pages(with_fix(findings, fix), data, META, RENEW_ADMIN_KUBECONFIG)
