"""apiserver-certificate-expiry: the serving chain the API endpoint presents, read by a TLS handshake.

When the API server's serving certificate expires every client (kubectl, kubelets, controllers,
operators) fails its TLS handshake at once: the cluster keeps running what it runs but can no longer
be changed or observed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, chosen_by_user
from kubectl_arch.audit.helpers import (
    RELEASE_NEEDS,
    profile_of,
    release_of,
    with_fix,
    with_teaching,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.certificates import ExpiryPolicy, expiry_verdicts, parse_pem_bundle
from kubectl_arch.model.profiles import RENEW_CERTS

ID = "apiserver-certificate-expiry"
# Why it matters anywhere; the distribution's profile says who issues these certificates and what renews them.
WHY = ("Every client of the cluster (kubectl, kubelets, controllers, operators) verifies the API server's serving "
       "certificate on each connection. When it, or a CA in its chain, expires, all of them fail their TLS handshake "
       "at the same moment: nodes turn NotReady and nothing can be changed.")
BEST_PRACTICES = "https://kubernetes.io/docs/setup/best-practices/certificates/"
NEED = "apiserver-certificates"

META = CheckMeta(
    id=ID,
    title="API server serving certificate chain expiry",
    component="certificates",
    why=(
        f"{WHY} How long they last and what renews them depends on the distribution (audit says it for the "
        "cluster it reads): kubeadm, for one, issues them for one year and renews them only on a control-plane "
        "upgrade."
    ),
    fix=(
        "Renew the API server's serving certificate the distribution's way on each control-plane node and "
        "restart the API server (audit prints the commands for the cluster it reads; kubeadm's are in the "
        "first reference). Upgrading the control plane renews it too. With a managed control plane the provider "
        "renews it; with a load balancer terminating TLS, renew the certificate where it is issued."
    ),
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/",
        BEST_PRACTICES,
    ),
    needs=(NEED,),
    optional_needs=RELEASE_NEEDS,  # the fix: the distribution's, by OpenShift's release
    thresholds={"warn_days": 30, "fail_days": 7},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    answer = data.json(NEED)
    chain = answer if isinstance(answer, list) else []
    groups = [(f"apiserver-certificate/{position}", "the API server's serving chain",
               parse_pem_bundle(str(pem), f"chain[{position}]{', the leaf' if position == 0 else ''}"))
              for position, pem in enumerate(chain)]
    profile = profile_of(data)
    policy = ExpiryPolicy.from_thresholds(thresholds)
    if profile.serving_rotation is not None and not chosen_by_user(thresholds, META, "warn_days"):
        # Replaced on the distribution's schedule (OpenShift: at 15 of 30 days): warn once that is overdue, not
        # on every healthy cluster. A warn_days from the config file still wins.
        policy = dataclasses.replace(policy, rotation=profile.serving_rotation)
    verdicts = expiry_verdicts(groups, data.now, policy, "certificates in the API server's serving chain")
    findings = [Finding(ID, v.level, v.message, v.evidence, v.object) for v in verdicts]
    if profile.name != "unknown":  # this distribution's lifetimes and renewal, never kubeadm's elsewhere
        with_teaching(findings, f"{WHY} {profile.serving_certificates}",
                      (*profile.certificate_references, BEST_PRACTICES))
    renew = profile.fix_at(RENEW_CERTS, release_of(data))  # OpenShift's release: whether etcd's rotate
    if profile.hidden:
        return with_fix(findings, f"{profile.title} renews the API server's certificates: if one nears expiry, "
                                  "raise it with the provider's support. A certificate a load balancer or proxy of "
                                  "yours presents in front of it is yours to renew where it is issued.")
    where = "Renew it on each control-plane node:" if profile.renewal_per_node else f"On {profile.title}:"
    return with_fix(findings, f"{where} {renew}" if renew else None)
