"""An owner with no pod: each FailedCreate cause explained in plain words, and the fallbacks without events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kubectl_arch.collect.source import Response
from kubectl_arch.trace.collect import OwnerData, TraceData
from kubectl_arch.trace.creation import Creator, creation_cause, creation_problem, explain_refusal
from kubectl_arch.trace.render.document import trace_document
from kubectl_arch.trace.report import analyse

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)
CREATOR = Creator("ReplicaSet", "web-5d8f", "shop", "rs-uid")
POD = 'pods "web-5d8f-abcde" is forbidden'

# Messages as the API server words them (k8s.io/apiserver admission, quota, PodSecurity, ServiceAccount plugins).
WEBHOOK_TLS = ('Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc": failed to call '
               'webhook: Post "https://kyverno-svc.kyverno.svc:443/validate?timeout=10s": tls: failed to verify '
               'certificate: x509: certificate signed by unknown authority')
WEBHOOK_EXPIRED_CA = ('Error creating: Internal error occurred: failed calling webhook "v.opa.org": failed to call '
                      'webhook: Post "https://opa.opa.svc:443/": tls: failed to verify certificate: x509: certificate '
                      'signed by unknown authority (possibly because of "x509: certificate has expired or is not yet '
                      'valid" while trying to verify candidate authority certificate "opa-ca")')
WEBHOOK_DOWN = ('Error creating: Internal error occurred: failed calling webhook "mutate.linkerd.io": failed to call '
                'webhook: Post "https://linkerd-proxy-injector.linkerd.svc:443/?timeout=10s": dial tcp '
                '10.96.12.7:443: connect: connection refused')
WEBHOOK_DENIED = ('Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [require-team] '
                  'you must provide labels: {"team"}')
QUOTA = (f"Error creating: {POD}: exceeded quota: compute-quota, requested: requests.memory=256Mi, "
         "used: requests.memory=1Gi, limited: requests.memory=1Gi")
QUOTA_LIMITS = f"Error creating: {POD}: failed quota: compute-quota: must specify limits.cpu for: web"
POD_SECURITY = (f'Error creating: {POD}: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false '
                '(container "web" must set securityContext.allowPrivilegeEscalation=false)')
SERVICE_ACCOUNT = (f'Error creating: {POD}: error looking up service account shop/web-sa: serviceaccount "web-sa" '
                   'not found')


@pytest.mark.parametrize(("message", "cause"), [
    (WEBHOOK_TLS, "webhook-certificate"), (WEBHOOK_EXPIRED_CA, "webhook-certificate"),
    (WEBHOOK_DOWN, "webhook-unreachable"), (WEBHOOK_DENIED, "webhook-denied"), (QUOTA, "quota"),
    (QUOTA_LIMITS, "quota"), (POD_SECURITY, "pod-security"), (SERVICE_ACCOUNT, "service-account"),
    ("Error creating: etcdserver: request timed out", "other"),
])
def test_each_refusal_has_its_cause(message: str, cause: str) -> None:
    assert creation_cause(message) == cause


# message: (phrases the explanation must hold, a command it must offer, how its docs link ends)
EXPLAINED: dict[str, tuple[tuple[str, ...], str, str]] = {
    WEBHOOK_TLS: (("admission webhook validate.kyverno.svc", "not signed by the CA in the caBundle",
                   "ReplicaSet web-5d8f cannot create any"),
                  "kubectl get pods,endpointslices -n kyverno", "/extensible-admission-controllers/"),
    WEBHOOK_EXPIRED_CA: (("the CA certificate 'opa-ca'", "has expired"), "kubectl arch audit",
                         "/extensible-admission-controllers/"),
    WEBHOOK_DOWN: (("admission webhook mutate.linkerd.io", "cannot reach it"),
                   "kubectl get pods,endpointslices -n linkerd", "/extensible-admission-controllers/"),
    WEBHOOK_DENIED: (("validation.gatekeeper.sh examined the pod and refused it", 'you must provide labels: {"team"}',
                      "not an outage"),
                     "kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations",
                     "/extensible-admission-controllers/"),
    QUOTA: (("ResourceQuota (compute-quota)", "raise the quota"), "kubectl describe resourcequota -n shop",
            "/resource-quotas/"),
    QUOTA_LIMITS: (("every pod must state them", "LimitRange"), "kubectl describe resourcequota -n shop",
                   "/resource-quotas/"),
    POD_SECURITY: (("Pod Security Standard restricted:latest", "allowPrivilegeEscalation != false"),
                   "kubectl get namespace shop --show-labels", "/pod-security-admission/"),
    SERVICE_ACCOUNT: (("ServiceAccount web-sa, which does not exist in the namespace shop",),
                      "kubectl get serviceaccounts -n shop", "/service-accounts/"),
}


@pytest.mark.parametrize("message", list(EXPLAINED), ids=lambda m: creation_cause(m) + "-" + m[-12:])
def test_each_cause_is_explained_with_its_next_command(message: str) -> None:
    phrases, command, docs = EXPLAINED[message]
    diagnosis = explain_refusal(message, CREATOR)
    assert diagnosis.reason == "FailedCreate"
    for phrase in phrases:
        assert phrase in diagnosis.explanation
    assert command in diagnosis.next and diagnosis.next[:2] == (CREATOR.describe, CREATOR.events)
    assert diagnosis.docs.endswith(docs)


def test_only_call_failures_blame_the_certificate_or_the_webhooks_pods() -> None:
    unreachable = explain_refusal(WEBHOOK_DOWN, CREATOR)
    denied = explain_refusal(WEBHOOK_DENIED, CREATOR)
    assert "certificate" not in unreachable.explanation
    assert not any("endpointslices" in c for c in denied.next)  # the webhook answered: nothing is down


def test_unknown_refusal_keeps_the_api_servers_words_for_the_evidence() -> None:
    diagnosis = explain_refusal("Error creating: etcdserver: request timed out", CREATOR)
    assert "was refused" in diagnosis.explanation
    assert diagnosis.next == (CREATOR.describe, CREATOR.events)


# -- the whole analysis, from raw owners -----------------------------------------------------------------

def replica_set(replicas: int = 2, condition: str | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"replicas": 0}
    if condition:
        status["conditions"] = [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                                 "message": condition}]
    return {"kind": "ReplicaSet", "metadata": {"name": "web-5d8f", "namespace": "shop", "uid": "rs-uid",
                                               "creationTimestamp": "2026-11-20T08:40:00Z"},
            "spec": {"replicas": replicas}, "status": status}


def deployment(progressing: str = "ReplicaSetUpdated") -> dict[str, Any]:
    return {"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop", "uid": "dep-uid",
                                               "creationTimestamp": "2026-11-20T08:40:00Z"},
            "status": {"conditions": [{"type": "Progressing", "status": "False", "reason": progressing}]}}


def failed_create(message: str) -> dict[str, Any]:
    return {"kind": "Event", "reason": "FailedCreate", "message": message, "type": "Warning", "count": 4,
            "firstTimestamp": "2026-11-20T08:40:01Z", "lastTimestamp": "2026-11-20T08:45:00Z",
            "involvedObject": {"kind": "ReplicaSet", "name": "web-5d8f", "uid": "rs-uid"},
            "metadata": {"name": "web-5d8f.1"}}


def data_for(rs: dict[str, Any], events: list[dict[str, Any]], owner: dict[str, Any] | None = None) -> TraceData:
    owners = [OwnerData(rs, Response(200, {"items": events}))]
    owners.append(OwnerData(owner or deployment(), Response(200, {"items": []})))
    return TraceData(namespace="shop", now=NOW, pod={}, pod_events=Response(200, {"items": []}), owners=owners)


def test_the_latest_event_wins_and_the_condition_is_evidence() -> None:
    report = analyse(data_for(replica_set(condition=QUOTA), [failed_create(SERVICE_ACCOUNT)]))
    assert report.stuck is not None and report.stuck.stage == "controller"
    assert "ServiceAccount web-sa" in report.stuck.diagnosis.explanation
    assert "ReplicaSet event FailedCreate x4 at 08:40:01-08:45:00" in report.stuck.diagnosis.evidence
    assert "ReplicaSet condition ReplicaFailure=True (FailedCreate)" in report.stuck.diagnosis.evidence


def test_without_events_the_replica_failure_condition_tells_the_cause() -> None:
    report = analyse(data_for(replica_set(condition=POD_SECURITY), []))
    assert report.stuck is not None and report.stuck.diagnosis.reason == "FailedCreate"
    assert "Pod Security Standard restricted:latest" in report.stuck.diagnosis.explanation
    assert trace_document(report)["pod"] is None


def test_no_failure_reported_points_at_expired_events_or_the_controller_manager() -> None:
    report = analyse(data_for(replica_set(), []))
    stages = {s.name: s.status.value for s in report.stages}
    assert stages["controller"] == "in-progress" and stages["scheduled"] == "not-reached"
    assert report.stuck is not None and report.stuck.diagnosis.reason == "NoPodCreated"
    assert any("kube-controller-manager" in c for c in report.stuck.diagnosis.next)


def test_scaled_to_zero_is_not_a_failure() -> None:
    diagnosis = creation_problem(data_for(replica_set(replicas=0), []))
    assert diagnosis.reason == "ScaledToZero" and "spec.replicas is 0" in diagnosis.explanation


def test_progress_deadline_exceeded_is_noted() -> None:
    report = analyse(data_for(replica_set(), [failed_create(QUOTA)], deployment("ProgressDeadlineExceeded")))
    assert any("ProgressDeadlineExceeded" in note for note in report.notes)
    assert not any("cannot create pods" in note for note in report.notes)  # the stuck step says it once


def test_a_time_on_another_day_than_the_pod_carries_its_date() -> None:
    """An owner written weeks before its pod must not read as written that morning."""
    import datetime as dt

    from kubectl_arch.trace.stage import at

    pod_created = dt.datetime(2026, 12, 3, 8, 15, tzinfo=dt.timezone.utc)
    assert at(dt.datetime(2026, 12, 3, 7, 5, tzinfo=dt.timezone.utc), pod_created) == "07:05:00"
    assert at(dt.datetime(2026, 11, 10, 10, 5, tzinfo=dt.timezone.utc), pod_created) == "2026-11-10 10:05:00"
    assert at(dt.datetime(2026, 11, 10, 10, 5, tzinfo=dt.timezone.utc)) == "10:05:00", "no day to compare with"
    assert at(None, pod_created) == "?"


def _pod_40_days_after_its_deployment() -> TraceData:
    from tests.trace.podmaker import running_pod

    pod = running_pod()
    pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f",
                                           "uid": "rs-uid", "controller": True}]
    rs, dep = replica_set(1), deployment()
    for owner in (rs, dep):
        owner["metadata"]["creationTimestamp"] = "2026-10-11T08:40:00Z"
    dep["metadata"]["managedFields"] = [{"manager": "kubectl-client-side-apply", "operation": "Update",
                                         "time": "2026-10-11T08:40:00Z"}]
    return TraceData(namespace="shop", now=NOW, pod=pod, pod_events=Response(200, {"items": []}),
                     owners=[OwnerData(rs, Response(200, {"items": []})), OwnerData(dep, Response(200, {"items": []}))],
                     services=Response(200, {"items": []}))


def test_an_owner_written_weeks_before_its_pod_is_earlier_than_the_clock_not_minus_weeks() -> None:
    """The trace's clock starts at this pod's first step: a Deployment written 40 days before reads 'earlier', with
    its age in words in a note (text and -o json alike), never as 'submitted -39d23h'."""
    import io

    from rich.console import Console

    from kubectl_arch.trace.render.timeline import render_timeline

    report = analyse(_pod_40_days_after_its_deployment())
    console = Console(file=io.StringIO(), width=120, no_color=True)
    render_timeline(report, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    row = next(line for line in text.splitlines() if line.strip().startswith("submitted"))
    assert "earlier" in row and "-" not in row.split("done", 1)[1], row
    note = next(n for n in report.notes if "before the pod was created" in n)
    assert "Deployment web was last written 40 days before" in note and "2026-10-11 08:40:00" in note
    assert "that write did not create this pod" in note
    document = trace_document(report)
    assert document["timelineStart"] == "2026-11-20T08:50:00Z"
    stages = {s["name"]: s for s in document["stages"]}
    assert stages["submitted"]["beforeTimeline"] is True and stages["submitted"]["start"] == "2026-10-11T08:40:00Z"
    assert "beforeTimeline" not in stages["persisted"]
    assert note in document["notes"]
    assert any("written 40 days before this pod" in line for line in stages["submitted"]["evidence"])


SPANS = [(301, "5 minutes and 1 second"), (3 * 3600 + 720, "3 hours and 12 minutes"),
         (86_400 * 2 + 3 * 3600, "2 days and 3 hours"), (9 * 86_400 + 22 * 3600, "10 days"), (40 * 86_400, "40 days")]


@pytest.mark.parametrize(("seconds", "words"), SPANS)
def test_a_long_span_reads_in_words(seconds: float, words: str) -> None:
    from kubectl_arch.wording import span_words

    assert span_words(seconds) == words
