"""An owner with no pod at all: its controller asked for one and the API server refused.

The refusal is visible only on the object that creates pods (a ReplicaSet, Job, StatefulSet or DaemonSet):
its ``FailedCreate`` events ("Error creating: ...") and its ``ReplicaFailure`` condition. The message is the
API server's own answer, so the cause is read from it: an admission webhook that denied the pod or could
not be called (down, or its certificate not trusted), an exceeded ResourceQuota, a PodSecurity violation, a
missing ServiceAccount. Each gets a plain explanation and the commands that show more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.model import raw
from kubectl_arch.model.raw import parse_time
from kubectl_arch.trace.collect import OwnerData, TraceData, objects
from kubectl_arch.trace.diagnose import DOCS, Diagnosis
from kubectl_arch.trace.events import EventView, event_views, first_match
from kubectl_arch.trace.podview import PodView
from kubectl_arch.trace.stages import Stage, StageInputs, StageStatus, submitted
from kubectl_arch.trace.target import OWNER_KINDS

# The pod's own steps, none of which can happen before the pod exists.
POD_STAGES = ("persisted", "scheduled", "sandbox-ready", "images-pulled", "init-containers", "containers-started",
              "ready")
WEBHOOK_DOCS = f"{DOCS}/reference/access-authn-authz/extensible-admission-controllers/"
_CAUSE_DOCS = {
    "webhook-certificate": WEBHOOK_DOCS,
    "webhook-unreachable": WEBHOOK_DOCS,
    "webhook-denied": WEBHOOK_DOCS,
    "quota": f"{DOCS}/concepts/policy/resource-quotas/",
    "pod-security": f"{DOCS}/concepts/security/pod-security-admission/",
    "service-account": f"{DOCS}/concepts/security/service-accounts/",
    "limit-range": f"{DOCS}/concepts/policy/limit-range/",
}
CONTROLLERS_DOCS = f"{DOCS}/concepts/workloads/controllers/"

# (cause, words of the API server's refusal that identify it), after webhook call failures are ruled out.
_CAUSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("webhook-denied", ("denied the request",)),
    ("quota", ("exceeded quota", "failed quota")),
    ("pod-security", ("violates podsecurity",)),
    ("service-account", ("error looking up service account", "serviceaccount")),
    ("limit-range", ("usage per container is", "usage per pod is", "ratio per container is")),  # LimitRanger
)
_WEBHOOK_NAME = re.compile(r'webhook "([^"]+)"')
_WEBHOOK_SERVICE = re.compile(r"https://([a-z0-9-]+)\.([a-z0-9-]+)\.svc")
_AUTHORITY = re.compile(r'authority certificate "([^"]+)"')
_QUOTA_NAME = re.compile(r"(?:exceeded|failed) quota: ([a-z0-9.-]+)")
_POD_SECURITY = re.compile(r'violates PodSecurity "([^"]+)": (.*)$', re.DOTALL)
_SERVICE_ACCOUNT = re.compile(r'serviceaccount "([^"]+)" not found')


def creation_cause(message: str) -> str:
    """Which admission step refused the pod, from the API server's message ("other" when none fits)."""
    lowered = message.lower()
    if "failed calling webhook" in lowered or "failed to call webhook" in lowered:
        tls = any(word in lowered for word in ("x509", "tls:", "certificate"))
        return "webhook-certificate" if tls else "webhook-unreachable"
    return first_match(message, _CAUSES, "other")


@dataclass(frozen=True)
class Creator:
    """The object that should have created the pod, spelled for kubectl."""

    kind: str
    name: str
    namespace: str
    uid: str

    @classmethod
    def of(cls, owner: OwnerData, namespace: str) -> Creator:
        return cls(owner.kind, owner.name, namespace, str(raw.mapping(owner.object.get("metadata")).get("uid", "")))

    @property
    def describe(self) -> str:
        return f"kubectl describe {self.kind.lower()} {self.name} -n {self.namespace}"

    @property
    def events(self) -> str:
        return f"kubectl get events -n {self.namespace} --field-selector involvedObject.uid={self.uid}"


def _match(pattern: re.Pattern[str], text: str, default: str) -> str:
    found = pattern.search(text)
    return found.group(1) if found else default


def _certificate_state(message: str) -> str:
    """What the TLS error says about the webhook's chain, against the caBundle of its configuration."""
    if "expired" not in message.lower():
        return ("the webhook's certificate is not signed by the CA in the caBundle of its webhook configuration "
                "(or is for another name)")
    authority = _match(_AUTHORITY, message, "")
    if authority:
        return f"the CA certificate {authority!r} that the caBundle of its webhook configuration holds has expired"
    return "the webhook's certificate (or the CA in the caBundle of its webhook configuration) has expired"


Explanation = tuple[str, tuple[str, ...]]  # the text, and the commands that show more
WEBHOOK_CONFIGS = "kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations"


def _blocked(creator: Creator) -> str:
    return (f"Its failure policy is Fail, so the API server refuses every pod it cannot check, and the {creator.kind} "
            f"{creator.name} cannot create any.")


def _webhook_certificate(message: str, creator: Creator) -> Explanation:
    return (f"Before storing a pod the API server must call the admission webhook {_webhook(message)}, and the TLS "
            f"handshake fails: {_certificate_state(message)}. {_blocked(creator)} Renew the webhook's serving "
            "certificate and its caBundle together (cert-manager's CA injector keeps them in step); if the webhook "
            "is no longer used, delete its configuration.", (WEBHOOK_CONFIGS, "kubectl arch audit"))


def _webhook_unreachable(message: str, creator: Creator) -> Explanation:
    return (f"Before storing a pod the API server must call the admission webhook {_webhook(message)}, and cannot "
            f"reach it: its Service has no ready endpoints, or its pods are down or too slow. {_blocked(creator)} "
            "Bring the webhook's pods back; if the webhook is gone, delete its configuration.", (WEBHOOK_CONFIGS,))


def _webhook_denied(message: str, creator: Creator) -> Explanation:
    verdict = message.split("denied the request", 1)[-1].lstrip(": ").strip() or "no reason given"
    return (f"The admission webhook {_webhook(message)} examined the pod and refused it: {verdict}. This is a policy "
            f"decision (OPA Gatekeeper, Kyverno ...), not an outage: change the {creator.kind}'s pod template to "
            "comply, or ask the policy's owner for an exception.", (WEBHOOK_CONFIGS,))


def _quota(message: str, creator: Creator) -> Explanation:
    if "must specify" in message:
        detail = ("it counts requests or limits, so every pod must state them: set resources in the pod template, "
                  "or add a LimitRange that gives defaults.")
    else:
        detail = ("one more pod would use more than it allows: lower the pod's requests, remove pods that are no "
                  "longer needed, or raise the quota.")
    return (f"The namespace {creator.namespace} has a ResourceQuota ({_match(_QUOTA_NAME, message, '?')}) and "
            f"admission refused the pod because {detail}", (f"kubectl describe resourcequota -n {creator.namespace}",))


def _pod_security(message: str, creator: Creator) -> Explanation:
    found = _POD_SECURITY.search(message)
    level, broken = (found.group(1), found.group(2).strip()) if found else ("?", message)
    return (f"The namespace {creator.namespace} enforces the Pod Security Standard {level} (its label "
            f"pod-security.kubernetes.io/enforce) and the pod template breaks it: {broken}. Fix the template's "
            "securityContext (runAsNonRoot, allowPrivilegeEscalation: false, capabilities drop ALL, seccompProfile "
            "RuntimeDefault), or lower the namespace's level if the workload truly needs it.",
            (f"kubectl get namespace {creator.namespace} --show-labels",))


def _service_account(message: str, creator: Creator) -> Explanation:
    account = _match(_SERVICE_ACCOUNT, message, "named in spec.serviceAccountName")
    return (f"The pod template asks for the ServiceAccount {account}, which does not exist in the namespace "
            f"{creator.namespace}, so admission refuses the pod. Create the ServiceAccount or fix serviceAccountName "
            "in the template.", (f"kubectl get serviceaccounts -n {creator.namespace}",))


def _limit_range(message: str, creator: Creator) -> Explanation:
    broken = message.split("forbidden: ", 1)[-1].strip()
    return (f"The namespace {creator.namespace} has a LimitRange and the pod template breaks it: {broken}. Change "
            "the template's resources to fit its minimum and maximum, or change the LimitRange.",
            (f"kubectl describe limitrange -n {creator.namespace}",))


def _other(_message: str, creator: Creator) -> Explanation:
    return (f"The {creator.kind} {creator.name} asked the API server for a pod and was refused; the API server's "
            "reason is the message below.", ())


_EXPLAIN = {"webhook-certificate": _webhook_certificate, "webhook-unreachable": _webhook_unreachable,
            "webhook-denied": _webhook_denied, "quota": _quota, "pod-security": _pod_security,
            "service-account": _service_account, "limit-range": _limit_range}


def _webhook(message: str) -> str:
    return _match(_WEBHOOK_NAME, message, "(unnamed)")


def explain_refusal(message: str, creator: Creator) -> Diagnosis:
    """The FailedCreate message in plain words, with what to do and the commands that show more."""
    cause = creation_cause(message)
    text, extra = _EXPLAIN.get(cause, _other)(message, creator)
    commands = [creator.describe, creator.events, *extra]
    service = _WEBHOOK_SERVICE.search(message) if cause.startswith("webhook") else None
    if service is not None:
        commands.append(f"kubectl get pods,endpointslices -n {service.group(2)}")
    return Diagnosis("FailedCreate", text, tuple(commands), _CAUSE_DOCS.get(cause, CONTROLLERS_DOCS))


def _at(event: EventView) -> str:
    first = event.first.strftime("%H:%M:%S") if event.first else "?"
    last = event.last.strftime("%H:%M:%S") if event.last else "?"
    return first if first == last else f"{first}-{last}"


def _replica_failure(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for condition in raw.sequence(raw.mapping(obj.get("status")).get("conditions")):
        if condition.get("type") == "ReplicaFailure" and condition.get("status") == "True":
            return condition
    return None


def creation_problem(data: TraceData) -> Diagnosis:
    """Why the first owner has no pod: its latest refusal (event, else ReplicaFailure condition), or no report."""
    owner = data.owners[0]
    creator = Creator.of(owner, data.namespace)
    refused = PodView.of({}, objects(owner.events)).last_event("FailedCreate")
    evidence = [f"{owner.kind} event FailedCreate x{refused.count} at {_at(refused)}"] if refused else []
    conditions = [(o.kind, c) for o in data.owners if (c := _replica_failure(o.object)) is not None]
    evidence += [f"{kind} condition ReplicaFailure=True ({c.get('reason') or '-'})" for kind, c in conditions]
    message = refused.message if refused else str(next((c.get("message") for _, c in conditions), "") or "")
    if message:
        diagnosis = explain_refusal(message, creator)
        return Diagnosis(diagnosis.reason, diagnosis.explanation, diagnosis.next, diagnosis.docs,
                         (*evidence, f"API server: {message}"))
    replicas = raw.mapping(owner.object.get("spec")).get("replicas")
    if replicas == 0:
        return Diagnosis("ScaledToZero", f"The {owner.kind} {owner.name} wants no pods (spec.replicas is 0): nothing "
                         "is stuck. Scale it up to get pods.", (creator.describe,), CONTROLLERS_DOCS)
    return Diagnosis(
        "NoPodCreated",
        f"The {owner.kind} {owner.name} has no pod and reports no failure. Its events may have expired (the API "
        "server keeps them 1 hour by default), or kube-controller-manager is not running: check its pods and Lease.",
        (creator.describe, creator.events, "kubectl get pods -n kube-system -l component=kube-controller-manager",
         "kubectl get lease kube-controller-manager -n kube-system"), CONTROLLERS_DOCS, tuple(evidence))


def controller_stage(data: TraceData, previous: Stage) -> Stage:
    """The controller's step: started when its owner asked for pods (or when it was created), never ended."""
    owner = data.owners[0]
    kind = OWNER_KINDS.get(owner.kind)
    problem = creation_problem(data)
    status = StageStatus.FAILED if problem.reason == "FailedCreate" else StageStatus.IN_PROGRESS
    stage = Stage("controller", status, parse_time(raw.mapping(owner.object.get("metadata")).get("creationTimestamp")),
                  None, f"{kind.controller if kind else owner.kind} (kube-controller-manager)", problem=problem)
    for parent in data.owners[1:2]:
        for event in event_views(objects(parent.events)):
            if event.reason == "ScalingReplicaSet" and owner.name in event.message:
                stage.start = event.first or stage.start
                stage.evidence.append(f"{parent.kind} event ScalingReplicaSet at {_at(event)}: {event.message}")
    if stage.start is None:
        stage.start = previous.end
    stage.evidence.append(f"{owner.kind} {raw.namespace(owner.object) or data.namespace}/{owner.name}: no pod exists "
                          f"(status.replicas {raw.mapping(owner.object.get('status')).get('replicas', 0)})")
    stage.evidence.extend(problem.evidence[:1])
    return stage


def stages_without_pod(data: TraceData) -> list[Stage]:
    """submitted and controller as they happened, then the pod's own steps, not reached."""
    first = submitted(StageInputs(data, PodView.of({})))
    return [first, controller_stage(data, first), *(Stage(name, StageStatus.NOT_REACHED) for name in POD_STAGES)]
