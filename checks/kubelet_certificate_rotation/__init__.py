"""kubelet-certificate-rotation: kubelet CSRs left pending or denied, the sign that rotation is failing.

Kubelets renew their client certificate (to talk to the API server) and, when serving-certificate
rotation is on, their serving certificate (for logs, exec and metrics) through CertificateSigningRequests.
A request nobody approves means the old certificate runs out: a node without a client certificate goes
NotReady, and one without a serving certificate breaks `kubectl logs` and `exec` on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    PROFILE_NEEDS,
    profile_of,
    with_fix,
    with_teaching,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import Need, Rule, register
from kubectl_arch.model import raw
from kubectl_arch.model.profiles import APPROVE_KUBELET_CSRS
from kubectl_arch.wording import plural

ID = "kubelet-certificate-rotation"
CSRS = "certificatesigningrequests"
CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet"
SERVING_SIGNER = "kubernetes.io/kubelet-serving"
# What an unanswered request of each signer costs, and so how severe it is.
CONSEQUENCES = {
    CLIENT_SIGNER: (Status.FAIL, "the node cannot renew its client certificate and goes NotReady when the "
                                 "current one expires (or cannot join at all)"),
    SERVING_SIGNER: (Status.WARN, "the kubelet gets no new serving certificate, so once its current one "
                                  "expires (at once on a new node) `kubectl logs`, `exec` and metrics "
                                  "scraping of this node fail with a TLS error"),
}

register(Need(CSRS, "certificate signing requests", "/apis/certificates.k8s.io/v1/certificatesigningrequests",
              paged=True, rule=Rule(api_groups=("certificates.k8s.io",), resources=(CSRS,))))

# Why it matters anywhere; the distribution's profile says who signs these certificates and approves the requests.
WHY = ("A kubelet's certificates are issued for a limited time and renewed before they expire, through "
       "CertificateSigningRequests wherever the kubelet bootstraps and rotates them that way.")
CONSEQUENCE = ("A request left pending or denied for more than a few minutes means rotation is failing: the node "
               "goes NotReady when its client certificate expires, and `kubectl logs`/`exec` to it fail once it has "
               "no valid serving certificate.")

META = CheckMeta(
    id=ID,
    title="Kubelet certificate rotation (pending or denied kubelet CSRs)",
    component="kubelet",
    why=(
        f"{WHY} Who signs them and approves the requests depends on the distribution (audit says it for the "
        "cluster it reads); upstream, the controller manager signs them for one year by default "
        "(--cluster-signing-duration) and approves client requests (signer "
        "kubernetes.io/kube-apiserver-client-kubelet) when RBAC grants the node that permission, but never "
        "serving requests (kubernetes.io/kubelet-serving, with serverTLSBootstrap): those wait for a person or an "
        f"approver installed in the cluster. {CONSEQUENCE}"
    ),
    fix=(
        "Look at the requests: `kubectl get csr`. Approve legitimate ones (`kubectl certificate approve "
        "NAME`) after checking the requesting node and names. For serving certificates, where nothing in the "
        "cluster approves them, install an approver (e.g. kubelet-csr-approver) rather than approving by hand. "
        "If client requests stay pending, check "
        "that kube-controller-manager runs with its csrapproving and csrsigning controllers and the "
        "cluster CA key (--cluster-signing-cert-file/--cluster-signing-key-file)."
    ),
    references=(
        "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/",
        "https://kubernetes.io/docs/tasks/tls/certificate-rotation/",
        "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/",
    ),
    needs=(CSRS,),
    optional_needs=PROFILE_NEEDS,  # the fix and pages: the distribution's
    thresholds={"pending_minutes": 10},
)


def csr_state(csr: Mapping[str, Any]) -> str:
    """approved, denied, failed, or pending (no decision yet); an issued certificate counts as approved."""
    status = raw.mapping(csr.get("status"))
    for condition in raw.sequence(status.get("conditions")):
        if condition.get("status", "True") != "True":
            continue
        kind = str(condition.get("type", ""))
        if kind in ("Denied", "Failed"):
            return kind.lower()
        if kind == "Approved":
            return "approved"
    return "approved" if status.get("certificate") else "pending"


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    limit_minutes = float(thresholds["pending_minutes"])
    findings = []
    kubelet_requests = 0
    for csr in data.items(CSRS):
        spec = raw.mapping(csr.get("spec"))
        signer = str(spec.get("signerName", ""))
        if signer not in CONSEQUENCES:
            continue
        kubelet_requests += 1
        state = csr_state(csr)
        age = raw.age_seconds(raw.mapping(csr.get("metadata")).get("creationTimestamp"), data.now)
        if state == "approved" or age is None or age < limit_minutes * 60:
            continue
        status, consequence = CONSEQUENCES[signer]
        name, requestor = raw.name(csr), str(spec.get("username", "?"))
        message = (f"the {signer.rsplit('/', 1)[-1]} request {name} from {requestor} has been {state} for "
                   f"{int(age // 60)} minutes: {consequence}")
        evidence = {"csr": name, "signerName": signer, "requestor": requestor, "state": state,
                    "ageMinutes": int(age // 60), "limitMinutes": limit_minutes}
        findings.append(Finding(ID, status, message, evidence, f"certificatesigningrequest/{name}"))
    if not findings:
        findings.append(Finding(ID, Status.PASS, f"no kubelet certificate request has waited more than "
                                f"{limit_minutes:g} minutes ({plural(kubelet_requests, 'kubelet request')} seen)",
                                {"kubeletRequests": kubelet_requests, "limitMinutes": limit_minutes}))
    profile = profile_of(data)
    if profile.name != "unknown":  # who signs and approves here, never "never approved automatically" on OpenShift
        generic = tuple(page for page in META.references if page not in profile.kubelet_certificate_references)
        with_teaching(findings, f"{WHY} {profile.kubelet_certificates} {CONSEQUENCE}",
                      (*profile.kubelet_certificate_references, *generic))
    return with_fix(findings, profile.fix(APPROVE_KUBELET_CSRS))
