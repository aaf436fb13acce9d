"""The bundled shop scenarios: each gives the right stages, the right stuck stage and a true explanation."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_arch.collect.sample_source import SampleSource
from kubectl_arch.trace.collect import collect_trace
from kubectl_arch.trace.render.document import trace_document
from kubectl_arch.trace.report import TraceReport, analyse
from kubectl_arch.trace.target import parse_target


def trace(sample: Any, target: str) -> TraceReport:
    return analyse(collect_trace(SampleSource(sample), "shop", parse_target(target)))


def statuses(report: TraceReport) -> dict[str, str]:
    return {s.name: s.status.value for s in report.stages}


ALL_DONE = ["submitted", "controller", "persisted", "scheduled", "sandbox-ready", "init-containers", "images-pulled",
            "containers-started", "ready", "endpoints-published"]


def test_healthy_pod_has_every_stage_done_with_exact_times(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deployment/api")
    assert [s.name for s in report.stages] == ALL_DONE
    assert set(statuses(report).values()) == {"done"}
    assert report.stuck is None and not report.events_expired
    by_name = {s.name: s for s in report.stages}
    assert by_name["scheduled"].duration_seconds == 0.412  # eventTime is MicroTime: sub-second precision
    assert by_name["scheduled"].actor == "default-scheduler"
    assert by_name["sandbox-ready"].actor.startswith("kubelet on kind-ha-worker2")
    assert by_name["images-pulled"].duration_seconds == 3.0
    assert by_name["ready"].duration_seconds == 5.0  # readiness probe initialDelaySeconds 5
    assert by_name["submitted"].actor == "kubectl-client-side-apply"
    assert by_name["controller"].actor.startswith("replicaset-controller")
    assert report.pulls[0].seconds == 2.871 and report.pulls[0].size_bytes == 48213561
    # 4 s from creation to start, minus the 3 s pull window: the SLO's definition
    assert report.startup_seconds == 1.0 and not report.startup_approximate
    assert any("within the 5s pod-startup SLO" in n for n in report.notes)
    assert report.owners == [("ReplicaSet", "api-7d9f8b6c5d"), ("Deployment", "api")]


def test_unschedulable_pod_is_stuck_at_scheduling_with_each_reason_explained(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deployment/checkout")
    assert statuses(report)["scheduled"] == "failed"
    assert all(statuses(report)[n] == "not-reached" for n in ALL_DONE[4:])
    assert report.stuck is not None and report.stuck.stage == "scheduled"
    diagnosis = report.stuck.diagnosis
    assert diagnosis.reason == "FailedScheduling"
    assert "all 5 nodes" in diagnosis.explanation
    assert "2 node(s) have not enough unreserved capacity" in diagnosis.explanation
    assert "[Insufficient memory]" in diagnosis.explanation
    assert "3 node(s) have a taint the pod does not tolerate" in diagnosis.explanation
    assert "preemption found no victims" in diagnosis.explanation
    assert diagnosis.next[0] == f"kubectl describe pod {report.view.name} -n shop"
    assert any("TAINTS:.spec.taints" in c for c in diagnosis.next)
    assert report.startup_seconds is None


def test_image_pull_backoff_is_stuck_at_images_and_says_the_tag_is_missing(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deployment/cart")
    assert statuses(report)["sandbox-ready"] == "done"
    assert statuses(report)["images-pulled"] == "failed"
    assert statuses(report)["containers-started"] == "not-reached"
    assert report.stuck is not None and report.stuck.stage == "images-pulled"
    assert report.stuck.diagnosis.reason == "ImagePullBackOff"
    assert "no such image or tag" in report.stuck.diagnosis.explanation
    assert "ghcr.io/example/shop-cart:2.0.1" in report.stuck.diagnosis.explanation
    assert "endpoints-published" not in statuses(report)  # no Service selects cart
    assert any("No Service selects this pod" in n for n in report.notes)


def test_crash_loop_started_and_is_stuck_staying_up_with_the_oom_kill_explained(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deployment/payments")
    assert statuses(report)["images-pulled"] == "done"
    assert report.pulls[0].already_present
    assert statuses(report)["containers-started"] == "done"  # it started six times
    assert statuses(report)["staying-up"] == "failed"
    assert statuses(report)["ready"] == statuses(report)["endpoints-published"] == "not-reached"
    assert report.stuck is not None and report.stuck.stage == "staying-up"
    diagnosis = report.stuck.diagnosis
    assert diagnosis.reason == "CrashLoopBackOff"
    assert "OOMKilled" in diagnosis.explanation and "limits.memory 128Mi" in diagnosis.explanation
    assert "5 restarts" in diagnosis.explanation
    assert f"kubectl logs {report.view.name} -n shop -c payments --previous" in diagnosis.next


def test_expired_events_are_said_and_times_rebuilt_from_the_pod(kind_ha_sample: Any) -> None:
    report = trace(kind_ha_sample, "deployment/reports")
    assert report.events_expired
    assert set(statuses(report).values()) == {"done"}
    assert report.stuck is None
    by_name = {s.name: s for s in report.stages}
    assert by_name["images-pulled"].approximate  # pull events are gone: bounded by the container's start
    assert not by_name["containers-started"].approximate  # never restarted: startedAt is the first start
    assert not by_name["ready"].approximate  # condition times survive the events
    # from the sandbox (07:12:06) through migrate's pull and run (07:12:08 -> 07:12:10)
    assert by_name["init-containers"].duration_seconds == 4.0
    assert by_name["ready"].duration_seconds == 5.0
    assert any("1 hour by default" in n and "--event-ttl" in n for n in report.notes)
    # created 07:12:04, app container started 07:12:12, minus the init step (its pull and run, 4 s)
    assert report.startup_approximate and report.startup_seconds == 4.0


@pytest.mark.parametrize("target", ["deployment/api", "deployment/checkout", "deployment/cart",
                                    "deployment/payments", "deployment/reports"])
def test_json_contract(kind_ha_sample: Any, target: str) -> None:
    data = trace_document(trace(kind_ha_sample, target))
    assert set(data) >= {"pod", "owners", "stages", "stuck", "startupSeconds", "eventsExpired"}
    assert set(data["pod"]) == {"namespace", "name", "uid", "node", "phase"}
    assert data["owners"] == [{"kind": "ReplicaSet", "name": data["owners"][0]["name"]},
                              {"kind": "Deployment", "name": target.split("/")[1]}]
    for stage in data["stages"]:
        assert {"name", "status", "start", "end", "durationSeconds", "actor", "evidence"} <= set(stage)
        assert stage["status"] in {"done", "in-progress", "failed", "not-reached", "unknown"}
        for key in ("start", "end"):
            assert stage[key] is None or stage[key].endswith("Z")
        assert stage["durationSeconds"] is None or stage["durationSeconds"] >= 0
    stuck = data["stuck"]
    if stuck is not None:
        assert {"stage", "reason", "explanation", "next"} <= set(stuck)
        assert stuck["next"] and all(c.startswith("kubectl ") for c in stuck["next"])
