"""What trace reads: selectors only, at most a dozen requests whatever the cluster's size, clear errors."""

from __future__ import annotations

import copy

import pytest

from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.errors import ArchError, ExitCode, NotFoundError
from kubectl_arch.trace.collect import collect_trace, pod_event_uid
from kubectl_arch.trace.render.document import trace_document
from kubectl_arch.trace.report import analyse
from kubectl_arch.trace.target import Target, parse_target
from tests.trace.conftest import CountingSource

MAX_REQUESTS = 12
SCENARIOS = ["deployment/api", "deployment/checkout", "deployment/cart", "deployment/payments", "deployment/reports"]


def _pod_name(source: CountingSource, target: str) -> str:
    return str(collect_trace(source, "shop", parse_target(target)).pod["metadata"]["name"])


def assert_selective(requests: list[tuple[str, dict[str, str]]]) -> None:
    """Pods and events are never listed without a selector; nothing is read cluster-wide."""
    for path, query in requests:
        if path.endswith("/pods") or path.endswith("/events") or path.endswith("/endpointslices"):
            assert query.get("labelSelector") or query.get("fieldSelector"), (path, query)
        assert path.startswith(("/api/v1/namespaces/", "/apis/", "/api/v1/nodes/")), path
        if path.startswith("/apis/"):
            assert "/namespaces/" in path, path


@pytest.mark.parametrize("target", SCENARIOS)
def test_owner_targets_stay_within_a_dozen_selective_requests(kind_ha: CountingSource, target: str) -> None:
    data = collect_trace(kind_ha, "shop", parse_target(target))
    assert len(kind_ha.requests) <= MAX_REQUESTS, kind_ha.requests
    assert_selective(kind_ha.requests)
    assert data.pod["metadata"]["name"].startswith(target.split("/")[1] + "-")
    assert [o.kind for o in data.owners] == ["ReplicaSet", "Deployment"]


@pytest.mark.parametrize("target", SCENARIOS)
def test_pod_targets_stay_within_a_dozen_selective_requests(kind_ha_sample: object, target: str) -> None:
    name = _pod_name(CountingSource(SampleSource(kind_ha_sample)), target)  # type: ignore[arg-type]
    source = CountingSource(SampleSource(kind_ha_sample))  # type: ignore[arg-type]
    collect_trace(source, "shop", Target("Pod", name))
    assert len(source.requests) <= MAX_REQUESTS
    assert_selective(source.requests)
    event_queries = [q for p, q in source.requests if p.endswith("/events")]
    assert all(q["fieldSelector"].startswith("involvedObject.uid=") for q in event_queries)


def _grown_sample(extra: int) -> SampleSource:
    """kind-ha plus ``extra`` pods and events in the traced namespace and elsewhere."""
    sample = load_sample("kind-ha")
    template = next(p for p in sample.store.objects("Pod") if p["metadata"]["namespace"] == "shop")
    event = next(e for e in sample.store.objects("Event") if e["metadata"]["namespace"] == "shop")
    for index in range(extra):
        for namespace in ("shop", "load"):
            pod = copy.deepcopy(template)
            pod["metadata"].update(name=f"filler-{index}", namespace=namespace, uid=f"filler-{namespace}-{index}",
                                   labels={"app": "filler"}, ownerReferences=[])
            sample.store.add(pod)
            noise = copy.deepcopy(event)
            noise["metadata"].update(name=f"filler-{index}.1", namespace=namespace)
            noise["involvedObject"] = {"kind": "Pod", "name": f"filler-{index}", "uid": f"filler-{namespace}-{index}"}
            sample.store.add(noise)
    return SampleSource(sample)


def test_request_count_does_not_grow_with_the_cluster(kind_ha: CountingSource) -> None:
    name = _pod_name(CountingSource(kind_ha.inner), "deployment/api")
    collect_trace(kind_ha, "shop", Target("Pod", name))
    big = CountingSource(_grown_sample(400))
    data = collect_trace(big, "shop", Target("Pod", name))
    assert [p for p, _ in big.requests] == [p for p, _ in kind_ha.requests]
    assert all(e["involvedObject"]["uid"] == data.pod["metadata"]["uid"] for e in data.pod_events.items)


def test_unknown_pod_is_not_found(kind_ha: CountingSource) -> None:
    with pytest.raises(NotFoundError) as raised:
        collect_trace(kind_ha, "shop", Target("Pod", "no-such-pod"))
    assert raised.value.code == ExitCode.NOT_FOUND
    assert "no-such-pod" in raised.value.one_line() and "\n" not in raised.value.one_line()


def test_unknown_namespace_is_named(kind_ha: CountingSource) -> None:
    with pytest.raises(NotFoundError, match="namespace 'nowhere' does not exist"):
        collect_trace(kind_ha, "nowhere", Target("Deployment", "api"))


def test_unknown_owner_is_not_found(kind_ha: CountingSource) -> None:
    with pytest.raises(NotFoundError, match="Deployment 'ghost' not found"):
        collect_trace(kind_ha, "shop", Target("Deployment", "ghost"))


def test_forbidden_events_are_explained_and_the_rest_still_runs(kind_ha_sample: object) -> None:
    sample = load_sample("kind-ha")
    sample.store.forbid(lambda path, _query: path.endswith("/events"))
    source = SampleSource(sample)
    report = analyse(collect_trace(source, "shop", parse_target("deployment/api")))
    assert any("forbidden to read the pod's events" in note for note in report.notes)
    assert report.view.node_name == "kind-ha-worker2"
    assert report.stuck is None


def test_forbidden_pod_is_one_clear_error() -> None:
    sample = load_sample("kind-ha")
    sample.store.forbid(lambda path, _query: "/pods/" in path)
    with pytest.raises(ArchError, match="forbidden to read pod shop/x"):
        collect_trace(SampleSource(sample), "shop", Target("Pod", "x"))


def test_mirror_pod_events_are_read_by_the_static_pod_uid() -> None:
    pod = {"metadata": {"uid": "mirror-uid", "annotations": {"kubernetes.io/config.mirror": "static-uid"}}}
    assert pod_event_uid(pod) == "static-uid"
    assert pod_event_uid({"metadata": {"uid": "u1"}}) == "u1"


def test_live_requests_recorded_by_the_test_api_server(api_server, kubeconfig_for) -> None:  # type: ignore[no-untyped-def]
    """The real kubernetes client over HTTPS: the server itself counts what one trace costs."""
    server = api_server("kind-ha")
    source = KubeSource(str(kubeconfig_for(server, namespace="shop")), None)
    server.clear_requests()
    data = collect_trace(source, "shop", parse_target("deployment/payments"))
    requests = server.requests
    assert 0 < len(requests) <= MAX_REQUESTS
    assert all(r.method == "GET" for r in requests)
    assert_selective([(r.path, dict(r.query)) for r in requests])
    offline = collect_trace(SampleSource(load_sample("kind-ha")), "shop", parse_target("deployment/payments"))
    live = trace_document(analyse(data))
    assert live == trace_document(analyse(offline)) | {"observedAt": live["observedAt"]}


def test_a_snapshot_replays_the_same_trace(kind_ha_sample: object) -> None:
    from kubectl_arch.collect.snapshot import RecordingSource, SnapshotSource

    recorder = RecordingSource(SampleSource(kind_ha_sample))  # type: ignore[arg-type]
    live = trace_document(analyse(collect_trace(recorder, "shop", parse_target("deployment/cart"))))
    replayed = analyse(collect_trace(SnapshotSource(recorder.document()), "shop", parse_target("deployment/cart")))
    assert trace_document(replayed) == live


def test_trace_needs_give_rbac_rules_for_everything_trace_reads() -> None:
    from kubectl_arch.collect.needs import rbac_rules
    from kubectl_arch.trace import TRACE_NEEDS

    granted = {(group, resource, verb) for rule in rbac_rules(TRACE_NEEDS) for group in rule.api_groups
               for resource in rule.resources for verb in rule.verbs}
    for needed in [("", "pods", "get"), ("", "pods", "list"), ("", "pods", "watch"), ("", "events", "list"),
                   ("apps", "replicasets", "get"), ("apps", "deployments", "get"), ("apps", "statefulsets", "get"),
                   ("apps", "daemonsets", "get"), ("batch", "jobs", "get"), ("batch", "cronjobs", "get"),
                   ("", "services", "list"), ("discovery.k8s.io", "endpointslices", "list"), ("", "nodes", "get"),
                   ("coordination.k8s.io", "leases", "get"), ("", "namespaces", "get")]:
        assert needed in granted, needed
    assert all(verb in ("get", "list", "watch") for _, _, verb in granted)


def _job_chain_store() -> SampleSource:
    """A CronJob -> Job -> Pod chain added to kind-ha, as the CronJob and Job controllers write it."""
    sample = load_sample("kind-ha")
    cron = {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "nightly", "namespace": "shop", "uid": "cron-uid",
                         "creationTimestamp": "2026-11-19T10:00:00Z"},
            "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {}}}}
    job = {"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"name": "nightly-29391000", "namespace": "shop", "uid": "job-uid",
                        "creationTimestamp": "2026-11-20T08:59:00Z",
                        "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly",
                                             "uid": "cron-uid", "controller": True}]},
           "spec": {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "job-uid"}}}}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "nightly-29391000-x7k2p", "namespace": "shop", "uid": "job-pod-uid",
                        "creationTimestamp": "2026-11-20T08:59:00Z",
                        "labels": {"batch.kubernetes.io/controller-uid": "job-uid", "job-name": "nightly-29391000"},
                        "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "nightly-29391000",
                                             "uid": "job-uid", "controller": True}]},
           "spec": {"containers": [{"name": "backup", "image": "backup:1"}]},
           "status": {"phase": "Pending"}}
    sample.store.add_all([cron, job, pod])
    return SampleSource(sample)


def test_job_target_follows_the_chain_to_the_cronjob() -> None:
    source = CountingSource(_job_chain_store())
    data = collect_trace(source, "shop", parse_target("job/nightly-29391000"))
    assert data.pod["metadata"]["name"] == "nightly-29391000-x7k2p"
    assert [(o.kind, o.name) for o in data.owners] == [("Job", "nightly-29391000"), ("CronJob", "nightly")]
    job_gets = [p for p, _ in source.requests if p.endswith("/jobs/nightly-29391000")]
    assert len(job_gets) == 1  # the Job read for the target is reused for the chain
    assert len(source.requests) <= MAX_REQUESTS
    assert_selective(source.requests)
    report = analyse(data)
    assert next(s for s in report.stages if s.name == "controller").actor.startswith("job-controller")
    assert report.stages[0].evidence[-2].startswith("CronJob shop/nightly created")
    assert "its schedule (0 2 * * *) started this run" in report.stages[0].evidence[-1]


JUNK = {"a string": "junk", "a list": [1, 2], "items of junk": {"items": [1, "two", None, {"metadata": "x"}]},
        "no data": None}


@pytest.mark.parametrize("shape", list(JUNK))
def test_answers_of_the_wrong_shape_do_not_crash(kind_ha_sample: object, shape: str) -> None:
    """Every answer but the pod itself replaced by junk in a snapshot: a trace, never a traceback."""
    from kubectl_arch.collect.snapshot import RecordingSource, SnapshotSource

    name = _pod_name(CountingSource(SampleSource(kind_ha_sample)), "deployment/api")  # type: ignore[arg-type]
    recorder = RecordingSource(SampleSource(kind_ha_sample))  # type: ignore[arg-type]
    collect_trace(recorder, "shop", Target("Pod", name))
    document = recorder.document()
    for key, record in document["responses"].items():
        if not key.endswith(f"/pods/{name}"):
            record["data"] = JUNK[shape]
    report = analyse(collect_trace(SnapshotSource(document), "shop", Target("Pod", name)))
    assert trace_document(report)["pod"]["name"] == name
