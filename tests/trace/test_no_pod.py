"""Owners without pods, and CronJobs, end to end: the real CLI on the bundled sample and on the test API server.

kubeadm-degraded's payments/checkout Deployment cannot create a single pod: OPA's admission webhook is
called through a CA that expired, and its failure policy is Fail. CronJobs are served from an ApiStore
built here (no bundled sample has one), over real HTTPS with the real kubernetes client.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.collect.source import Response
from kubectl_arch.trace.collect import collect_trace
from kubectl_arch.trace.report import analyse
from kubectl_arch.trace.target import parse_target
from tests.golden import assert_golden
from tests.trace.conftest import CountingSource
from tests.trace.test_collect import MAX_REQUESTS, assert_selective

CHECKOUT = ["trace", "deployment/checkout", "-n", "payments"]
POD_STAGES = ["persisted", "scheduled", "sandbox-ready", "images-pulled", "init-containers", "containers-started",
              "ready"]


def test_owner_without_pods_is_diagnosed_on_the_sample(run_cli: Callable[..., Any]) -> None:
    code, stdout, stderr = run_cli([*CHECKOUT, "--sample", "kubeadm-degraded"])
    assert code == 0, stderr
    assert_golden("trace-no-pod.txt", stdout)
    assert "Owners: Deployment checkout -> ReplicaSet checkout-84c5b6f9d7 -> (no pod)" in stdout
    assert "Stuck at controller: FailedCreate" in stdout
    assert "'opa-admission-ca'" in stdout and "has expired" in stdout


def test_owner_without_pods_over_https_keeps_the_json_contract(run_cli: Callable[..., Any], api_server: Any,
                                                               kubeconfig_for: Any) -> None:
    server = api_server("kubeadm-degraded")
    kubeconfig = kubeconfig_for(server)
    server.clear_requests()
    code, stdout, stderr = run_cli([*CHECKOUT, "--kubeconfig", str(kubeconfig), "-o", "json"])
    assert code == 0, stderr
    data = json.loads(stdout)
    assert set(data) >= {"pod", "owners", "stages", "stuck", "startupSeconds", "eventsExpired"}
    assert data["pod"] is None and data["startupSeconds"] is None and data["eventsExpired"] is False
    assert data["owners"] == [{"kind": "ReplicaSet", "name": "checkout-84c5b6f9d7"},
                              {"kind": "Deployment", "name": "checkout"}]
    assert [s["name"] for s in data["stages"]] == ["submitted", "controller", *POD_STAGES]
    assert [s["status"] for s in data["stages"]] == ["done", "failed", *["not-reached"] * len(POD_STAGES)]
    controller = data["stages"][1]
    assert controller["actor"] == "replicaset-controller (kube-controller-manager)"
    assert controller["start"] == "2026-11-20T08:33:55Z" and controller["end"] is None
    stuck = data["stuck"]
    assert stuck["stage"] == "controller" and stuck["reason"] == "FailedCreate"
    assert "validating-webhook.openpolicyagent.org" in stuck["explanation"]
    assert "kubectl get pods,endpointslices -n opa" in stuck["next"]
    requests = [r for r in server.requests if r.path != "/version"]
    assert 0 < len(requests) <= MAX_REQUESTS and all(r.method == "GET" for r in requests)
    assert_selective([(r.path, dict(r.query)) for r in requests])
    listed = {r.path: dict(r.query) for r in requests}
    assert listed["/apis/apps/v1/namespaces/payments/replicasets"] == {"labelSelector": "app=checkout"}
    assert {"fieldSelector": "involvedObject.uid=26e8502e-8934-5aef-8817-483385d0ba42"} in \
        [dict(r.query) for r in requests if r.path == "/api/v1/namespaces/payments/events"]


@pytest.mark.parametrize("timeout", ["1", "2m", "1m30s"])
def test_follow_refuses_an_owner_without_pods(run_cli: Callable[..., Any], timeout: str) -> None:
    """--timeout is written as every command's (2m) or in seconds, as it always was (1)."""
    code, stdout, stderr = run_cli([*CHECKOUT, "--sample", "kubeadm-degraded", "--follow", "--timeout", timeout])
    assert code == 4 and stdout == "" and stderr.count("\n") == 1
    assert "has no pod to follow" in stderr


@pytest.mark.parametrize("timeout, words", [("0", "shorter than 1s"), ("500ms", "shorter than 1s"),
                                            ("soon", "is not a duration")])
def test_a_follow_timeout_that_cannot_bound_a_watch_is_a_usage_error(run_cli: Callable[..., Any], timeout: str,
                                                                     words: str) -> None:
    code, stdout, stderr = run_cli([*CHECKOUT, "--sample", "kubeadm-degraded", "--follow", "--timeout", timeout])
    assert code == 2 and stdout == "" and stderr.count("\n") == 1 and words in stderr, stderr


# -- CronJobs -----------------------------------------------------------------------------------------

CAPTURED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)


def _meta(name: str, uid: str, created: str, owner: tuple[str, str, str] | None = None,
          labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "ops", "uid": uid, "creationTimestamp": created,
                            "labels": labels or {}}
    if owner:
        kind, owner_name, owner_uid = owner
        meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": kind, "name": owner_name, "uid": owner_uid,
                                    "controller": True}]
    return meta


def _cronjob(name: str) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": _meta(name, f"{name}-uid", "2026-11-19T00:00:00Z"),
            "spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {}}}}


def _job(name: str, cronjob: str, created: str) -> dict[str, Any]:
    labels = {"batch.kubernetes.io/controller-uid": f"{name}-uid"}
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": _meta(name, f"{name}-uid", created, ("CronJob", cronjob, f"{cronjob}-uid")),
            "spec": {"selector": {"matchLabels": labels}}, "status": {}}


def _pod(name: str, job: str, created: str) -> dict[str, Any]:
    labels = {"batch.kubernetes.io/controller-uid": f"{job}-uid", "job-name": job}
    meta = _meta(name, f"{name}-uid", created, ("Job", job, f"{job}-uid"), labels)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "main", "image": "busybox"}], "nodeName": "worker-1"},
            "status": {"phase": "Succeeded", "conditions": [
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": created}]}}


def _cronjob_store() -> ApiStore:
    store = ApiStore()
    store.set_raw("/version", Response(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0"}))
    store.add_all([
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ops", "uid": "ns-uid"}},
        _cronjob("nightly"), _cronjob("backup"),
        _job("nightly-29391000", "nightly", "2026-11-20T07:00:00Z"),
        _job("nightly-29391060", "nightly", "2026-11-20T08:00:00Z"),
        _pod("nightly-29391000-aaaaa", "nightly-29391000", "2026-11-20T07:00:01Z"),
        _pod("nightly-29391060-bbbbb", "nightly-29391060", "2026-11-20T08:00:01Z"),
        _job("backup-29391060", "backup", "2026-11-20T08:00:00Z"),
        {"apiVersion": "v1", "kind": "Event", "reason": "FailedCreate", "type": "Warning", "count": 3,
         "message": 'Error creating: pods "backup-29391060-ccccc" is forbidden: exceeded quota: ops-quota, '
                    "requested: pods=1, used: pods=10, limited: pods=10",
         "firstTimestamp": "2026-11-20T08:00:01Z", "lastTimestamp": "2026-11-20T08:06:00Z",
         "involvedObject": {"kind": "Job", "name": "backup-29391060", "namespace": "ops",
                            "uid": "backup-29391060-uid"},
         "metadata": {"name": "backup-29391060.1", "namespace": "ops", "uid": "ev-uid"}},
    ])
    return store


def test_cronjob_traces_the_newest_jobs_newest_pod(run_cli: Callable[..., Any], api_server: Any,
                                                   kubeconfig_for: Any) -> None:
    server = api_server(_cronjob_store(), now=CAPTURED)
    kubeconfig = kubeconfig_for(server, namespace="ops")
    server.clear_requests()
    code, stdout, stderr = run_cli(["trace", "cj/nightly", "--kubeconfig", str(kubeconfig), "-o", "json"])
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["pod"]["name"] == "nightly-29391060-bbbbb"
    assert data["owners"] == [{"kind": "Job", "name": "nightly-29391060"}, {"kind": "CronJob", "name": "nightly"}]
    assert data["stuck"] is None
    controller = next(s for s in data["stages"] if s["name"] == "controller")
    assert controller["actor"].startswith("job-controller")
    requests = [r for r in server.requests if r.path != "/version"]
    assert len(requests) <= MAX_REQUESTS and all(r.method == "GET" for r in requests)
    assert_selective([(r.path, dict(r.query)) for r in requests])


def test_cronjob_whose_job_cannot_create_pods(run_cli: Callable[..., Any], api_server: Any,
                                              kubeconfig_for: Any) -> None:
    server = api_server(_cronjob_store(), now=CAPTURED)
    code, stdout, stderr = run_cli(["trace", "cronjob/backup", "-n", "ops", "--kubeconfig",
                                    str(kubeconfig_for(server)), "-o", "json"])
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["pod"] is None
    assert data["owners"] == [{"kind": "Job", "name": "backup-29391060"}, {"kind": "CronJob", "name": "backup"}]
    assert data["stuck"]["stage"] == "controller" and data["stuck"]["reason"] == "FailedCreate"
    assert "ResourceQuota (ops-quota)" in data["stuck"]["explanation"]
    assert data["stages"][1]["actor"].startswith("job-controller")


def test_cronjob_that_never_ran_is_exit_4(run_cli: Callable[..., Any], api_server: Any, kubeconfig_for: Any) -> None:
    store = _cronjob_store()
    store.add(_cronjob("weekly"))
    server = api_server(store, now=CAPTURED)
    code, _, stderr = run_cli(["trace", "cj/weekly", "-n", "ops", "--kubeconfig", str(kubeconfig_for(server))])
    assert code == 4 and stderr.count("\n") == 1 and "has not created a Job yet" in stderr


def test_replicaset_without_pods_shows_its_deployment_too() -> None:
    source = CountingSource(SampleSource(load_sample("kubeadm-degraded")))
    report = analyse(collect_trace(source, "payments", parse_target("rs/checkout-84c5b6f9d7")))
    assert report.owners == [("ReplicaSet", "checkout-84c5b6f9d7"), ("Deployment", "checkout")]
    assert report.stuck is not None and report.stuck.stage == "controller"
    assert len(source.requests) <= MAX_REQUESTS
    assert_selective(source.requests)
