"""Every pod state of issue 11 on a bundled kind-ha pod: the kubelet's order, finished and crash-looping pods,
static and DaemonSet pods, kept scheduling history, unknown (not stuck) reads, newer events winning.

Each case has a golden timeline (what users read) and checks of the facts behind it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.collect.source import Query
from kubectl_arch.trace.collect import collect_trace
from kubectl_arch.trace.render.document import trace_document
from kubectl_arch.trace.report import TraceReport, analyse
from kubectl_arch.trace.target import parse_target
from tests.golden import assert_golden

CASES = {
    "finished-failed": ("job/import-orders", "batch"),
    "finished-succeeded": ("job/migrate-db", "batch"),
    "cronjob": ("cj/nightly-report", "batch"),
    "between-restarts": ("deploy/worker", "shop"),
    "sidecar": ("deploy/frontend", "shop"),
    "slow-init-pull": ("deploy/search", "shop"),
    "static": ("pod/etcd-kind-ha-control-plane", "kube-system"),
    "daemonset-late-node": ("pod/kube-proxy-87fnd", "kube-system"),
    "waited-for-node": ("deploy/ledger", "shop"),
    "newer-events": ("deploy/notify", "shop"),
}


def trace(sample: Any, target: str, namespace: str) -> TraceReport:
    return analyse(collect_trace(SampleSource(sample), namespace, parse_target(target)))


def stages(report: TraceReport) -> dict[str, Any]:
    return {s.name: s for s in report.stages}


@pytest.fixture
def forbid(kind_ha_sample: Any) -> Iterator[Callable[[str], None]]:
    """Answer 403 to paths containing a word, for one test, on the shared sample."""
    added: list[Callable[[str, Query], bool]] = []

    def add(word: str) -> None:
        predicate: Callable[[str, Query], bool] = lambda path, _query: word in path  # noqa: E731
        added.append(predicate)
        kind_ha_sample.store.forbid(predicate)

    yield add
    for predicate in added:
        kind_ha_sample.store.forbidden.remove(predicate)


@pytest.mark.parametrize("case", sorted(CASES))
def test_timeline_golden(run_inline: Callable[..., Any], case: str) -> None:
    target, namespace = CASES[case]
    code, stdout, stderr = run_inline(["trace", target, "-n", namespace, "--sample", "kind-ha"])
    assert code == 0, stderr
    assert_golden(f"trace-{case}.txt", stdout)


def test_failed_job_pod_is_finished_with_its_exit_code_never_in_progress(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "job/import-orders", "batch")
    assert report.stuck is None and report.verdict.state == "finished"
    assert report.verdict.summary == "finished: container import exited 42 (Error) at 2026-11-20T08:40:12Z"
    assert report.finished is not None and report.finished.next[0] == \
        f"kubectl logs {report.view.name} -n batch -c import"
    by_name = stages(report)
    assert by_name["finished"].status.value == "failed" and "ready" not in by_name
    # PodReadyToStartContainers is False (sandbox torn down): the sandbox was ready by the first pull
    assert by_name["sandbox-ready"].done and by_name["sandbox-ready"].approximate
    assert all(s.status.value != "in-progress" for s in report.stages)


def test_succeeded_job_pod_runs_its_init_container_before_pulling_the_app_image(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "job/migrate-db", "batch")
    by_name = stages(report)
    assert report.verdict.summary == "finished: container migrate exited 0 (Completed) at 2026-11-20T08:30:41Z"
    init, images, started = by_name["init-containers"], by_name["images-pulled"], by_name["containers-started"]
    assert init.end is not None and images.start is not None and init.end <= images.start  # wait-db, then pull
    assert images.duration_seconds == 5.0 and started.end == images.end  # pulled, created, started in turn
    assert json.loads(json.dumps(trace_document(report)))["finished"]["reason"] == "Completed"


def test_cronjob_pod_is_traced_through_its_job(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "cj/nightly-report", "batch")
    assert [kind for kind, _ in report.owners] == ["Job", "CronJob"]
    assert report.verdict.state == "finished" and report.stuck is None
    assert any("schedule (15 8 * * *) started this run" in line for line in stages(report)["submitted"].evidence)


def test_pod_between_restarts_started_and_fails_staying_up(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deploy/worker", "shop")
    by_name = stages(report)
    assert by_name["containers-started"].done  # it started three times
    assert report.stuck is not None and report.stuck.stage == "staying-up"
    diagnosis = report.stuck.diagnosis
    assert "exited 0 (Completed) at 2026-11-20T08:59:41Z" in diagnosis.explanation
    assert "2 restarts" in diagnosis.explanation and "back-off of about 20s" in diagnosis.explanation
    assert f"kubectl logs {report.view.name} -n shop -c worker --previous" in diagnosis.next


def test_crash_loop_back_off_comes_from_the_kubelet_message(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deploy/payments", "shop")
    assert report.stuck is not None and report.stuck.stage == "staying-up"
    assert "waits 2m40s before the next restart" in report.stuck.diagnosis.explanation


def test_sidecar_init_container_starts_and_keeps_running(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deploy/frontend", "shop")
    init = stages(report)["init-containers"]
    assert init.done and any("log-shipper (sidecar: restartPolicy Always)" in e and "running" in e
                             for e in init.evidence)
    assert init.end is not None and init.end.strftime("%H:%M:%S") == "08:45:02"  # its start, not an exit
    assert report.stuck is None and report.verdict.summary == "the pod is Running, Ready and published"


def test_slow_init_image_pull_is_inside_the_init_step_and_out_of_the_slo(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deploy/search", "shop")
    by_name = stages(report)
    assert by_name["init-containers"].duration_seconds == 44.0  # 38 s pull + 5 s run, from the sandbox
    assert by_name["images-pulled"].start is not None and by_name["init-containers"].end is not None
    assert by_name["images-pulled"].start >= by_name["init-containers"].end
    assert report.startup_seconds == 2.0  # 48 s from creation to start, minus the 46 s init step


def test_static_pod_has_no_scheduler_no_skew_blame_and_no_endpoint(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "pod/etcd-kind-ha-control-plane", "kube-system")
    names = [s.name for s in report.stages]
    assert names == ["submitted", "sandbox-ready", "init-containers", "images-pulled", "containers-started", "ready"]
    assert report.owners == [("Node", "kind-ha-control-plane")]
    assert not any("Clock skew" in n or "NTP" in n for n in report.notes)
    assert report.startup_seconds is None and any("mirror pod" in n for n in report.notes)
    assert report.verdict.summary == "the static pod is Running and Ready (no Service selects it)"
    assert trace_document(report)["static"] is True


def test_daemonset_controller_latency_counts_from_the_node_joining(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "pod/kube-proxy-87fnd", "kube-system")
    controller = stages(report)["controller"]
    assert controller.start is not None and controller.start.strftime("%H:%M:%S") == "08:15:42"  # node registered
    assert controller.duration_seconds == 20.0  # not the 1m48s since the DaemonSet was created
    assert any("later of the DaemonSet's creation" in e for e in controller.evidence)


def test_scheduling_history_stays_after_the_pod_is_scheduled(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deploy/ledger", "shop")
    scheduled = stages(report)["scheduled"]
    assert scheduled.done and scheduled.duration_seconds == 242.071
    assert scheduled.evidence[0].startswith("event FailedScheduling x2, first 08:50:00, last 08:54:00: 0/5 nodes")
    history = trace_document(report)["schedulingHistory"]
    assert [(h["count"], h["firstSeen"], h["lastSeen"]) for h in history] == [
        (2, "2026-11-20T08:50:00.118000Z", "2026-11-20T08:54:00.402000Z")]


def test_newer_events_move_a_stage_forward_over_a_stale_status(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deploy/notify", "shop")
    started = stages(report)["containers-started"]
    assert report.view.containers()[0].reason == "ContainerCreating"  # what the status still says
    assert started.done and started.end is not None and started.end.strftime("%H:%M:%S") == "08:59:53"
    assert any("newer than the pod status" in e for e in started.evidence)


def test_forbidden_services_are_unknown_not_stuck(run_inline: Callable[..., Any], forbid: Callable[[str], None],
                                                   kind_ha_sample: Any) -> None:
    forbid("/services")
    report = trace(kind_ha_sample, "deploy/api", "shop")
    endpoints = stages(report)["endpoints-published"]
    assert endpoints.status.value == "unknown" and report.stuck is None
    assert "grant `list` on services in namespace shop" in endpoints.evidence[-1]
    data = trace_document(report)
    assert data["stuck"] is None and data["unknown"][0]["stage"] == "endpoints-published"
    code, stdout, _ = run_inline(["trace", "deploy/api", "-n", "shop", "--sample", "kind-ha"])
    assert code == 0
    assert_golden("trace-services-forbidden.txt", stdout)


def test_forbidden_events_make_an_unfinished_step_unknown(forbid: Callable[[str], None], kind_ha_sample: Any) -> None:
    forbid("/events")
    report = trace(kind_ha_sample, "deploy/notify", "shop")  # without its events, the status says ContainerCreating
    by_name = stages(report)
    assert by_name["images-pulled"].status.value == "unknown" and report.stuck is None
    assert "grant `list` on events in namespace shop" in by_name["images-pulled"].evidence[-1]
    assert by_name["containers-started"].status.value == "unknown"  # not "not-reached": nobody could see
    assert report.verdict.state == "unknown" and "images-pulled" in report.verdict.summary


def with_service_selecting_api(name: str, spec: dict[str, Any]) -> Any:
    """kind-ha with one more Service in shop, of ``spec``, selecting deploy/api's pod by its labels."""
    sample = load_sample("kind-ha")
    pod = next(p for p in sample.store.objects("Pod") if p["metadata"]["name"].startswith("api-"))
    sample.store.add({"apiVersion": "v1", "kind": "Service",
                      "metadata": {"name": name, "namespace": "shop", "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, name)),
                                   "creationTimestamp": "2026-11-20T08:00:00Z"},
                      "spec": {**spec, "selector": dict(pod["metadata"]["labels"])}})
    return sample


def test_an_externalname_service_gets_no_endpoints_so_none_is_waited_for() -> None:
    """The EndpointSlice controller skips ExternalName Services (kubernetes#105986), selector or not: a Ready pod
    such a Service selects read as stuck at endpoints-published, waiting for slices that never come."""
    sample = with_service_selecting_api("api-alias", {"type": "ExternalName", "externalName": "api.example.com"})
    report = trace(sample, "deploy/api", "shop")
    assert report.stuck is None and report.verdict.state == "ready", report.verdict.summary


def test_a_pod_ready_for_minutes_and_still_not_published_is_stuck_not_in_progress() -> None:
    """The EndpointSlice controller publishes a Ready pod within seconds: one Ready for 7 minutes (or 40 days) and
    missing from its Service's slices is not "not published yet", it is a controller or slice problem."""
    sample = with_service_selecting_api("api-internal", {"type": "ClusterIP",
                                                         "ports": [{"port": 80, "targetPort": 8080}]})
    report = trace(sample, "deploy/api", "shop")
    assert report.stuck is not None and report.stuck.stage == "endpoints-published"
    assert stages(report)["endpoints-published"].status.value == "failed"
    explanation = report.stuck.diagnosis.explanation
    assert "api-internal" in explanation and "7m 41s" in explanation, explanation
    assert any("kubernetes.io/service-name=api-internal" in step for step in report.stuck.diagnosis.next)


def test_a_pod_on_an_unreachable_node_is_evicted_only_as_its_tolerations_say() -> None:
    """A DaemonSet pod tolerates an unreachable node for good: it was told it would be evicted after 300 s and
    replaced elsewhere, which a DaemonSet never does. A Deployment's pod keeps its 300 s."""
    sample = load_sample("kind-ha")
    node = next(n for n in sample.store.objects("Node") if n["metadata"]["name"] == "kind-ha-worker2")
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    ready.update(status="Unknown", reason="NodeStatusUnknown", message="Kubelet stopped posting node status.",
                 lastTransitionTime="2026-11-20T08:58:00Z")
    daemon = trace(sample, "pod/kube-proxy-87fnd", "kube-system")
    assert daemon.stuck is not None and daemon.stuck.diagnosis.reason == "NodeNotReady"
    text = daemon.stuck.diagnosis.explanation
    assert "300 s" not in text and "replaces it elsewhere" not in text and "never evicted" in text, text
    api = trace(sample, "deploy/api", "shop")
    assert api.stuck is not None and api.stuck.diagnosis.reason == "NodeNotReady"
    text = api.stuck.diagnosis.explanation
    assert "node.kubernetes.io/unreachable for 300 s" in text and "stopped reporting" in text, text
