"""Every stuck signature of issue 5 gives the right stage, reason and an explanation a newcomer can act on."""

from __future__ import annotations

import copy

from kubectl_arch.collect.source import Response
from kubectl_arch.trace.diagnose import Diagnosis, classify_pull_failure
from kubectl_arch.trace.render.document import trace_document
from kubectl_arch.trace.report import TraceReport
from tests.trace.podmaker import (
    condition,
    event,
    lease,
    node,
    pending_pod,
    report_for,
    running_pod,
    with_container_state,
)


def stage_status(report: TraceReport, name: str) -> str:
    return next(s for s in report.stages if s.name == name).status.value


def diagnosis_of(report: TraceReport, reason: str, stage: str | None = None,
                 says: tuple[str, ...] = ()) -> Diagnosis:
    """The stuck diagnosis, checked to carry ``reason``, to be at ``stage`` and to explain with ``says``."""
    assert report.stuck is not None, [(s.name, s.status.value) for s in report.stages]
    assert report.stuck.diagnosis.reason == reason, report.stuck
    if stage is not None:
        assert report.stuck.stage == stage, report.stuck.stage
        assert stage == "terminating" or stage_status(report, stage) in ("failed", "in-progress")
    assert isinstance(says, tuple)
    for phrase in says:
        assert phrase in report.stuck.diagnosis.explanation, (phrase, report.stuck.diagnosis.explanation)
    return report.stuck.diagnosis


def test_running_ready_pod_without_owner_or_events_is_not_stuck() -> None:
    report = report_for(running_pod())
    assert report.stuck is None
    assert "controller" not in [s.name for s in report.stages]  # a bare pod has no controller step
    assert report.stages[0].actor == "a client"


def test_clock_skew_is_said_and_never_a_negative_duration() -> None:
    pod = running_pod()
    pod["status"]["conditions"][1]["lastTransitionTime"] = "2026-11-20T08:49:58Z"  # node clock 2 s behind
    report = report_for(pod)
    sandbox = next(s for s in report.stages if s.name == "sandbox-ready")
    assert sandbox.duration_seconds == 0.0 and sandbox.skew_seconds == 2.0
    assert any(n.startswith("Clock skew: sandbox-ready") for n in report.notes)
    assert all((s.duration_seconds or 0) >= 0 for s in report.stages)
    as_json = next(s for s in trace_document(report)["stages"] if s["name"] == "sandbox-ready")
    assert as_json["clockSkewSeconds"] == 2.0 and as_json["durationSeconds"] == 0.0


def test_not_ready_node_explains_the_frozen_pod() -> None:
    pod = with_container_state(running_pod(), {"running": {"startedAt": "2026-11-20T08:50:03Z"}})
    report = report_for(pod, node=node("Unknown"))
    diagnosis = diagnosis_of(report, "NodeNotReady", "ready")
    assert "worker-1 is NotReady" in diagnosis.explanation
    assert "kubectl describe node worker-1" in diagnosis.next


def test_terminating_pod_held_by_finalizers() -> None:
    pod = running_pod()
    pod["metadata"].update(deletionTimestamp="2026-11-20T08:55:00Z", finalizers=["example.com/cleanup"])
    report = report_for(pod)
    diagnosis_of(report, "Terminating", "terminating",
                 says=("example.com/cleanup", "should have been gone 300s ago"))


def test_terminating_within_grace_is_not_stuck() -> None:
    pod = running_pod()
    pod["metadata"].update(deletionTimestamp="2026-11-20T09:00:20Z")
    assert report_for(pod).stuck is None


def test_missing_configmap_is_a_config_error_at_start() -> None:
    pod = with_container_state(running_pod(), {"waiting": {"reason": "CreateContainerConfigError",
                                                           "message": 'configmap "web-config" not found'}})
    report = report_for(pod)
    diagnosis_of(report, "CreateContainerConfigError", "containers-started",
                 says=("ConfigMap or Secret it reads", 'configmap "web-config" not found'))


def test_failed_mount_blocks_the_sandbox() -> None:
    pod = pending_pod()
    pod["spec"]["nodeName"] = "worker-1"
    pod["status"]["conditions"] = [condition("PodScheduled", at="2026-11-20T08:50:00Z"),
                                   condition("PodReadyToStartContainers", "False")]
    mount = event("FailedMount", 'MountVolume.SetUp failed for volume "certs" : secret "web-tls" not found',
                  container=None, count=7)
    report = report_for(pod, [mount])
    diagnosis_of(report, "FailedMount", "sandbox-ready", says=("does not exist in the namespace",))


def test_cni_failure_blocks_the_sandbox() -> None:
    pod = pending_pod()
    pod["spec"]["nodeName"] = "worker-1"
    sandbox = event("FailedCreatePodSandBox", 'Failed to create pod sandbox: rpc error: plugin type="calico" failed '
                    "(add): stat /var/lib/calico/nodename: no such file or directory", container=None)
    report = report_for(pod, [sandbox])
    diagnosis = diagnosis_of(report, "FailedCreatePodSandBox", "sandbox-ready")
    assert "network plugin (CNI)" in diagnosis.explanation
    assert any("spec.nodeName=worker-1" in c for c in diagnosis.next)


def test_failing_readiness_probe_keeps_the_pod_out_of_endpoints() -> None:
    pod = with_container_state(running_pod(), {"running": {"startedAt": "2026-11-20T08:50:03Z"}})
    probe = event("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=40)
    report = report_for(pod, [probe])
    assert stage_status(report, "containers-started") == "done"
    diagnosis_of(report, "Unhealthy", "ready", says=("statuscode: 503", "out of its Services' endpoints"))


def test_readiness_gate_not_set() -> None:
    pod = running_pod()
    pod["spec"]["readinessGates"] = [{"conditionType": "target-health.elbv2.k8s.aws/web"}]
    pod["status"]["conditions"][-1] = condition("Ready", "False", reason="ReadinessGatesNotReady")
    report = report_for(pod)
    diagnosis_of(report, "ReadinessGatesNotReady", says=("target-health.elbv2.k8s.aws/web",))


def test_failing_init_container() -> None:
    pod = running_pod()
    pod["spec"]["initContainers"] = [{"name": "migrate", "image": "migrate:1"}]
    pod["status"]["conditions"][2] = condition("Initialized", "False", reason="ContainersNotInitialized")
    pod["status"]["initContainerStatuses"] = [{
        "name": "migrate", "image": "migrate:1", "ready": False, "restartCount": 3,
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 2, "reason": "Error", "startedAt": "2026-11-20T08:58:00Z",
                                     "finishedAt": "2026-11-20T08:58:01Z"}}}]
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "PodInitializing"}}
    report = report_for(pod)
    diagnosis = diagnosis_of(report, "InitContainerFailed", "init-containers")
    assert "code 2" in diagnosis.explanation
    assert "kubectl logs web-0 -n shop -c migrate --previous" in diagnosis.next


def test_crash_loop_with_an_error_exit_code() -> None:
    pod = with_container_state(running_pod(), {"waiting": {"reason": "CrashLoopBackOff"}}, restarts=2,
                               last={"exitCode": 1, "reason": "Error"})
    report = report_for(pod)
    assert "exits with code 1" in diagnosis_of(report, "CrashLoopBackOff").explanation


def test_scheduling_gates_hold_the_pod() -> None:
    pod = pending_pod()
    pod["spec"]["schedulingGates"] = [{"name": "example.com/quota"}]
    pod["status"]["conditions"] = [condition("PodScheduled", "False", reason="SchedulingGated")]
    report = report_for(pod)
    assert stage_status(report, "scheduled") == "in-progress"
    diagnosis_of(report, "SchedulingGated", says=("example.com/quota",))


def test_no_scheduling_event_and_a_stale_scheduler_lease() -> None:
    report = report_for(pending_pod(), lease=lease("2026-11-20T08:40:00Z"))
    diagnosis_of(report, "SchedulerNotRunning", says=("last renewed 1200s ago",))


def test_no_scheduling_event_and_no_scheduler_lease() -> None:
    missing = Response(404, error='leases.coordination.k8s.io "kube-scheduler" not found')
    report = report_for(pending_pod(), lease=missing)
    diagnosis_of(report, "NoSchedulingEvents", says=("no kube-scheduler Lease exists",))


def test_a_fresh_scheduler_lease_means_the_pod_is_only_queued() -> None:
    report = report_for(pending_pod(), lease=lease("2026-11-20T08:59:58Z"))
    diagnosis_of(report, "InProgress", "scheduled")
    assert stage_status(report, "scheduled") == "in-progress"


def test_a_pod_asking_for_another_scheduler() -> None:
    pod = pending_pod()
    pod["spec"]["schedulerName"] = "volcano"
    report = report_for(pod, lease=lease("2026-11-20T08:59:58Z"))
    diagnosis_of(report, "NoScheduler", says=("'volcano'",))


def test_a_young_pod_with_no_event_is_just_queued() -> None:
    pod = pending_pod()
    pod["metadata"]["creationTimestamp"] = "2026-11-20T08:59:55Z"
    report = report_for(pod, lease=Response(404, error="not found"))
    diagnosis_of(report, "InProgress", "scheduled")


def test_unschedulable_reasons_for_affinity_cordon_and_volumes() -> None:
    pod = pending_pod()
    message = ("0/6 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node "
               "affinity/selector, 3 node(s) had volume node affinity conflict. preemption: not eligible.")
    pod["status"]["conditions"] = [condition("PodScheduled", "False", reason="Unschedulable", message=message)]
    explanation = report_for(pod).stuck.diagnosis.explanation  # type: ignore[union-attr]
    assert "1 node(s) have scheduling disabled: they are cordoned" in explanation
    assert "2 node(s) have labels that do not match the pod's nodeSelector" in explanation
    assert "3 node(s) have no access to the zone or node where the pod's volume lives" in explanation


def test_condition_message_wins_over_an_older_event() -> None:
    pod = pending_pod()
    pod["status"]["conditions"] = [condition("PodScheduled", "False", reason="Unschedulable",
                                             message="0/3 nodes are available: 3 Insufficient cpu.")]
    old = event("FailedScheduling", "0/3 nodes are available: 3 node(s) had untolerated taint {a: b}.",
                container=None)
    explanation = report_for(pod, [old]).stuck.diagnosis.explanation  # type: ignore[union-attr]
    assert "Insufficient cpu" in explanation and "taint" not in explanation


def test_pull_failures_are_told_apart() -> None:
    assert "refused access" in classify_pull_failure("failed to authorize: 401 Unauthorized")
    assert "rate-limiting" in classify_pull_failure("429 Too Many Requests - toomanyrequests: You have reached "
                                                    "your pull rate limit")
    assert "cannot reach the registry" in classify_pull_failure("dial tcp: lookup registry.local: no such host")
    assert "no such image or tag" in classify_pull_failure("manifest unknown")


def test_err_image_pull_from_the_container_status_alone() -> None:
    pod = with_container_state(running_pod(), {"waiting": {"reason": "ErrImagePull",
                                                           "message": "pull access denied, repository does not "
                                                                      "exist or may require authorization"}})
    report = report_for(pod)
    diagnosis_of(report, "ErrImagePull", "images-pulled")


def test_succeeded_pod_is_finished_not_stuck() -> None:
    pod = with_container_state(running_pod(), {"terminated": {"exitCode": 0, "reason": "Completed",
                                                              "finishedAt": "2026-11-20T08:51:00Z"}})
    pod["status"]["phase"] = "Succeeded"
    report = report_for(copy.deepcopy(pod))
    assert report.stuck is None and report.finished is not None
    assert report.verdict.summary == "finished: container web exited 0 (Completed) at 2026-11-20T08:51:00Z"
    assert stage_status(report, "finished") == "done"


def finished_of(report: TraceReport, reason: str, says: tuple[str, ...] = ()) -> Diagnosis:
    """The finished verdict of a terminal pod: never stuck, never in progress."""
    assert report.stuck is None and report.finished is not None, report.stuck
    assert report.finished.reason == reason, report.finished
    assert all(s.status.value != "in-progress" for s in report.stages)
    for phrase in says:
        assert phrase in report.finished.explanation, (phrase, report.finished.explanation)
    return report.finished


def test_evicted_pod_says_it_will_not_run_again() -> None:
    pod = with_container_state(running_pod(), {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown"}})
    pod["status"].update(phase="Failed", reason="Evicted",
                         message="The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi.")
    report = report_for(pod)
    finished_of(report, "Evicted", says=("node pressure", "Nothing recreates a bare pod"))


def test_kubelet_admission_rejection() -> None:
    pod = pending_pod()
    pod["spec"]["nodeName"] = "worker-1"
    pod["status"].update(phase="Failed", reason="OutOfmemory", message="Pod was rejected: Node didn't have enough "
                                                                       "resource: memory")
    report = report_for(pod)
    finished_of(report, "OutOfmemory", says=("no memory left",))
    assert stage_status(report, "sandbox-ready") == "not-reached"
    assert stage_status(report, "finished") == "failed"


def test_pod_past_its_active_deadline_is_finished_with_the_reason() -> None:
    pod = with_container_state(running_pod(), {"terminated": {"exitCode": 137, "reason": "Error"}})
    pod["spec"]["activeDeadlineSeconds"] = 60
    pod["status"].update(phase="Failed", reason="DeadlineExceeded",
                         message="Pod was active on the node longer than the specified deadline")
    report = report_for(pod)
    finished_of(report, "DeadlineExceeded", says=("activeDeadlineSeconds", "longer than the specified deadline"))
    assert report.verdict.summary == "finished: the pod failed (DeadlineExceeded)"


def _unschedulable_explanation(message: str) -> str:
    pod = pending_pod()
    pod["status"]["conditions"] = [condition("PodScheduled", "False", reason="Unschedulable", message=message)]
    return report_for(pod).stuck.diagnosis.explanation  # type: ignore[union-attr]


def test_node_condition_taints_send_to_the_nodes_not_to_a_toleration() -> None:
    """The node controller's taints (NotReady, unreachable, pressure, cordon) say a node is unwell or held: the
    fix is the node, and a toleration would place the pod on a broken node."""
    explanation = _unschedulable_explanation(
        "0/6 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had "
        "untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) had untolerated taint "
        "{node.kubernetes.io/disk-pressure: }, 1 node(s) had untolerated taint {node.kubernetes.io/unschedulable: }, "
        "2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: not eligible.")
    sentences = {s.split(" [", 1)[1].split("]", 1)[0]: s for s in explanation.split(". ") if " [" in s}
    for taint in ("not-ready", "unreachable", "disk-pressure", "unschedulable"):
        sentence = next(s for key, s in sentences.items() if f"node.kubernetes.io/{taint}" in key)
        assert "toleration" not in sentence and "control-plane nodes carry one" not in sentence, sentence
    assert "1 node(s) have a NotReady status" in explanation
    assert "1 node(s) have scheduling disabled: they are cordoned" in explanation
    assert "1 node(s) have a condition taint" in explanation and "disk-pressure" in explanation
    control_plane = next(s for key, s in sentences.items() if "control-plane" in key)
    assert "add a toleration if the pod really belongs there" in control_plane


def test_an_unbound_claim_is_the_pods_not_the_nodes() -> None:
    explanation = _unschedulable_explanation(
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are "
        "available: 3 Preemption is not helpful for scheduling.")
    assert "Some nodes have" not in explanation, explanation
    assert "The pod has a PersistentVolumeClaim that is not bound to a volume yet" in explanation, explanation


def test_a_pod_that_lost_readiness_is_stuck_since_then_not_since_it_started() -> None:
    """The node controller marks a NotReady node's pods not Ready (only that condition, at that moment): a pod Ready
    for weeks is stuck since its node went, and its stage says so, instead of a bar from its first start."""
    pod = running_pod()
    ready = next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")
    ready.update(status="False", lastTransitionTime="2026-11-20T08:55:40Z")  # ContainersReady stays True
    report = report_for(pod, node=node("Unknown"))
    stage = next(s for s in report.stages if s.name == "ready")
    assert stage.start is not None and stage.start.isoformat() == "2026-11-20T08:55:40+00:00"
    assert any(line.startswith("was Ready; not Ready since") for line in stage.evidence)
    diagnosis_of(report, "NodeNotReady", "ready")


def test_a_pod_never_ready_is_stuck_since_its_containers_started() -> None:
    """Ready is False from creation: a transition before the containers started is no loss."""
    pod = with_container_state(running_pod(), {"running": {"startedAt": "2026-11-20T08:50:03Z"}})
    report = report_for(pod)
    stage = next(s for s in report.stages if s.name == "ready")
    started = next(s for s in report.stages if s.name == "containers-started")
    assert stage.start == started.anchor
    assert not any(line.startswith("was Ready") for line in stage.evidence)
