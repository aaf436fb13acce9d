"""pki-expiry: every certificate in the control plane's PKI directory and the client certificates of the
kubeconfigs beside it, like `kubeadm certs check-expiration`.

The control plane's own certificates (API server serving and kubelet-client, front-proxy, etcd peer
and server, the CAs) live as files on each control-plane node; most are invisible through the API.
Run with ``--pki-dir DIR`` on a control-plane node (kubeadm: /etc/kubernetes/pki; k3s:
/var/lib/rancher/k3s/server/tls) to check them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    RELEASE_NEEDS,
    profile_of,
    release_of,
    with_distribution_pages,
    with_fix,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.certificates import CertificateError, ExpiryPolicy, expiry_verdicts, parse_pem_bundle
from kubectl_arch.model.components import OPENSHIFT_PODS_NEED
from kubectl_arch.model.profiles import CHECK_CERTS, KUBEADM, KUBEADM_CERTS_DOC, RENEW_CERTS, Profile, split_comment

from .collect import PKI_DIR, PKI_FILES

ID = "pki-expiry"
# Why it matters anywhere; the distribution's profile says where the files are, who issues them and for how long.
WHY = ("The control plane authenticates its own parts with certificates kept as files on the machines it runs on: the "
       "API server's serving and kubelet-client certificates, the front-proxy client, etcd's server, peer and client "
       "certificates where etcd runs, and the CAs that sign them. An expired one breaks the link it secures (etcd "
       "peers stop replicating, the API server loses etcd or the kubelets) with no warning first.")

# Rotating a CA by hand, where the distribution's own operators or tools replace its certificates, fights them.
MANUAL_CA_ROTATION = "https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/"


META = CheckMeta(
    id=ID,
    title="Control-plane PKI certificate expiry (--pki-dir)",
    component="certificates",
    why=f"{WHY} {KUBEADM.pki_certificates}",
    fix=(
        "On each control-plane node, list and renew the certificates the distribution's way (audit prints the "
        "commands for the cluster it reads), then restart the components that use them. A control-plane "
        "upgrade renews the leaves too. An expiring CA needs a planned rotation: see the manual rotation guide."
    ),
    references=(
        KUBEADM_CERTS_DOC,
        "https://kubernetes.io/docs/setup/best-practices/certificates/",
        MANUAL_CA_ROTATION,
    ),
    needs=(),
    optional_needs=(PKI_FILES, *RELEASE_NEEDS, OPENSHIFT_PODS_NEED),  # pods: which revision runs (OpenShift)
    options=(PKI_DIR,),
    thresholds={"warn_days": 30, "fail_days": 7},
)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    profile = profile_of(data)  # its files, lifetimes and pages, never kubeadm's on another distribution
    findings = with_distribution_pages(_evaluate(data, thresholds, profile), data, META, CHECK_CERTS,
                                       why=f"{WHY} {profile.pki_certificates}")
    if not profile.renewal_per_node:
        for finding in findings:
            pages = finding.references or META.references
            finding.references = tuple(dict.fromkeys(page for page in (*pages, *profile.certificate_references)
                                                     if page != MANUAL_CA_ROTATION))
    return findings


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any], profile: Profile) -> list[Finding]:
    response = data.responses.get(PKI_FILES)
    if response is None or not response.ok or not isinstance(response.data, dict):
        reason = response.error if response is not None and response.error else "the PKI files were not read"
        skipped = [Finding(ID, Status.SKIP, f"{reason}: {_where_to_run(profile)}", {"need": PKI_FILES})]
        return with_fix(skipped, _fix(profile, release_of(data)))  # what to run here, not per-node renewal
    directory = str(response.data.get("dir", "--pki-dir"))
    entries = [entry for entry in raw.sequence(response.data.get("files")) if isinstance(entry, dict)]
    judged, superseded, unread = in_use_revisions(entries, running_revisions(data))
    groups = []
    for entry in entries:
        path = str(entry.get("path", "?"))
        if path not in judged:
            continue
        kubeconfig = entry.get("kind") == "kubeconfig"
        origin = f"{path} (its embedded client certificate)" if kubeconfig else path
        parsed = (CertificateError(origin, str(entry["error"])) if entry.get("error")
                  else parse_pem_bundle(str(entry.get("pem", "")), origin))
        groups.append((f"file/{path}", path if kubeconfig else directory, parsed))
    read_at = raw.parse_time(response.data.get("readAt"))
    verdicts = expiry_verdicts(groups, read_at or data.now, ExpiryPolicy.from_thresholds(thresholds),
                               f"certificates under {directory} and its kubeconfigs")
    findings = [Finding(ID, v.level, v.message, v.evidence, v.object) for v in verdicts]
    for finding in findings:  # what was left out, and why, on every finding: never a silent narrowing
        if superseded:
            finding.evidence["superseded_revisions_not_judged"] = superseded
        if unread:
            finding.evidence["revisions_judged"] = unread
    return with_fix(findings, _fix(profile, release_of(data)))


# OpenShift's installer copies each revision of a control-plane static pod into static-pod-resources/<pod>-<N>
# (kube-apiserver-pod-9, etcd-pod-4) and the prune controller keeps some older ones (library-go's
# pkg/operator/staticpod README: "installer pods copies the resources ... for the current revision to the host
# filesystem"; "prune ... removing old revisioned resources"); the certificates in use are the running revision's and
# the shared <component>-certs directories'. Each revision's static pod carries its number as label ``revision``.
REVISION_DIR = re.compile(r"^([a-z0-9-]+-pod)-(\d+)$")
REVISION_NAMESPACES = {"kube-apiserver-pod": "openshift-kube-apiserver", "etcd-pod": "openshift-etcd",
                       "kube-controller-manager-pod": "openshift-kube-controller-manager",
                       "kube-scheduler-pod": "openshift-kube-scheduler"}


def running_revisions(data: ClusterData) -> dict[str, set[int]] | None:
    """The revisions each control-plane static pod runs at (by revision directory prefix), from its mirror pods'
    ``revision`` label; None when those pods were not read."""
    response = data.responses.get(OPENSHIFT_PODS_NEED)
    if response is None or not response.ok:
        return None
    running: dict[str, set[int]] = {}
    for prefix, namespace in REVISION_NAMESPACES.items():
        for pod in response.items:
            revision = raw.labels(pod).get("revision", "")
            if raw.namespace(pod) == namespace and raw.is_mirror_pod(pod) and revision.isdigit():
                running.setdefault(prefix, set()).add(int(revision))
    return running


def in_use_revisions(entries: list[dict[str, Any]], running: dict[str, set[int]] | None) \
        -> tuple[set[str], list[str], list[str]]:
    """Which files to judge: every file outside a revision directory, and in revision directories those of the
    revisions the pods run; where that was not read for a component, its newest installed revision (as OpenShift's
    cluster-backup.sh picks it). Also the superseded revision directories left out, and the components whose
    running revision was not read (what was judged instead)."""
    revisions: dict[str, set[int]] = {}
    for entry in entries:
        found = REVISION_DIR.match(str(entry.get("path", "")).split("/", 1)[0])
        if found and entry.get("kind") != "kubeconfig":
            revisions.setdefault(found[1], set()).add(int(found[2]))
    keep: dict[str, set[int]] = {}
    unread = []
    for prefix, installed in sorted(revisions.items()):
        known = (running or {}).get(prefix)
        if known:
            keep[prefix] = known
        else:
            keep[prefix] = {max(installed)}
            unread.append(f"{prefix}-{max(installed)}: the newest installed, as which revision runs was not read")
    judged, superseded = set(), set()
    for entry in entries:
        path = str(entry.get("path", "?"))
        found = REVISION_DIR.match(path.split("/", 1)[0])
        if found and entry.get("kind") != "kubeconfig" and int(found[2]) not in keep[found[1]]:
            superseded.add(found[0])
        else:
            judged.add(path)
    return judged, sorted(superseded, key=lambda d: (d.rsplit("-", 1)[0], int(d.rsplit("-", 1)[1]))), unread


def _where_to_run(profile: Profile) -> str:
    if profile.hidden:
        return (f"{profile.title} keeps the control plane's certificate files on machines it runs, which no node "
                "of the cluster can read; the provider rotates them")
    if profile.pki_copy:
        return f"{profile.pki_copy} to check the control plane's certificate files ({profile.title} keeps them in " \
               f"{profile.pki_dir} on each control-plane node)"
    if profile.pki_dir:
        return f"run on a control-plane node with --pki-dir {profile.pki_dir} to check the control plane's " \
               f"certificate files ({profile.title} keeps them there)"
    return "run on a control-plane node with --pki-dir <the directory of the control plane's certificate files>"


def _fix(profile: Profile, release: str | None) -> str | None:
    if profile.hidden:
        return (f"Nothing to run on a node here: {profile.title} runs the control plane and keeps its certificate "
                "files. The cluster CA your kubeconfig trusts is checked by client-certificate-expiry.")
    check, renew = profile.fix_at(CHECK_CERTS, release), profile.fix_at(RENEW_CERTS, release)
    if not check and not renew:
        return None
    listing = ""
    if check:  # its note after the command, never inside the code a reader copies
        code, note = split_comment(check)
        listing = f"Check them: `{code}`" + (f" ({note})" if note else "") + "."
    renewal = "" if not renew else f"Renew them: {renew}." if profile.renewal_per_node else \
        f"On {profile.title}: {renew}."
    return " ".join(part for part in (listing, renewal) if part)
