"""An owner's pods in a picture: a few charted (the newest, the ones in trouble, the slowest), the rest counted.

The charted pods must say what `trace pod/NAME` says of each; the newest must be the pod `trace OWNER`
prints; every pod is either charted or counted once; the reads stay bounded however many pods there are.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.model import raw
from kubectl_arch.trace import pods
from kubectl_arch.trace.collect import collect_trace, collect_trace_set
from kubectl_arch.trace.render.gantt import gantt_scene, trace_html, trace_svg
from kubectl_arch.trace.report import analyse, analyse_set
from kubectl_arch.trace.target import Target, parse_target
from tests.pictures.markup import SVG, check_html, parse_svg
from tests.pictures.test_markup import assert_laid_out
from tests.trace.conftest import CountingSource
from tests.trace.test_collect import assert_selective

BASE = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)
# (state, weight): what a pod of the grown Deployment looks like, by index.
TROUBLE = {
    "ImagePullBackOff": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}},
    "CrashLoopBackOff": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting"}},
}


def _stamp(seconds: float) -> str:
    return (BASE + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _variant(template: dict[str, Any], index: int, kind: str) -> dict[str, Any]:
    """The api pod copied under a new name, created ``index`` minutes after BASE, in state ``kind``."""
    pod = copy.deepcopy(template)
    created = index * 60.0
    pod["metadata"].update(name=f"api-7d9f8b6c5d-g{index:04d}", uid=f"grown-{index}", creationTimestamp=_stamp(created))
    pod["metadata"].pop("managedFields", None)
    status = pod["status"]
    ready_after = 5 + index % 7
    for condition in status.get("conditions") or []:
        condition["lastTransitionTime"] = _stamp(created + (ready_after if condition["type"] in (
            "Ready", "ContainersReady") else 1))
    if kind in TROUBLE:
        container = status["containerStatuses"][0]
        container.update(state=copy.deepcopy(TROUBLE[kind]), ready=False)
        for condition in status["conditions"]:
            if condition["type"] in ("Ready", "ContainersReady"):
                condition.update(status="False", reason="ContainersNotReady")
    elif kind == "Pending":
        pod["spec"].pop("nodeName", None)
        pod["status"] = {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "lastTransitionTime":
             _stamp(created), "message": "0/5 nodes are available: 5 Insufficient cpu."}]}
    else:
        for container in status.get("containerStatuses") or []:
            container["state"] = {"running": {"startedAt": _stamp(created + 3)}}
    return pod


def grown(count: int, trouble_every: int = 9) -> SampleSource:
    """kind-ha with the api Deployment grown to ``count`` more pods, some in each kind of trouble."""
    sample = load_sample("kind-ha")
    template = next(p for p in sample.store.objects("Pod") if p["metadata"]["name"].startswith("api-"))
    kinds = ["ImagePullBackOff", "CrashLoopBackOff", "Pending"]
    for index in range(count):
        kind = kinds[(index // trouble_every) % 3] if index % trouble_every == 0 else "Running"
        sample.store.add(_variant(template, index, kind))
    return SampleSource(sample)


def test_the_newest_pod_comes_first_as_trace_prints_it_and_each_pod_says_what_its_own_trace_says() -> None:
    source = grown(60)
    data = collect_trace_set(source, "shop", parse_target("deployment/api"))
    newest = collect_trace(source, "shop", parse_target("deployment/api")).pod
    assert raw.name(data.traces[0].pod) == raw.name(newest)
    view = analyse_set(data)
    assert 1 < len(view.reports) <= pods.MAX_CHARTED
    for report in view.reports:
        alone = analyse(collect_trace(source, "shop", Target("Pod", report.view.name)))
        assert (report.stuck and (report.stuck.stage, report.stuck.diagnosis.reason)) == \
            (alone.stuck and (alone.stuck.stage, alone.stuck.diagnosis.reason))
        assert [(s.name, s.status) for s in report.stages] == [(s.name, s.status) for s in alone.stages]
    charted = {r.view.name for r in view.reports}
    counted = [name for alike in view.alike for name in alike.names]
    owned = [p for p in source.sample.store.objects("Pod") if raw.name(p).startswith("api-")]
    assert sorted([*charted, *counted]) == sorted(raw.name(p) for p in owned)  # each pod once
    states = {pods.state_of(p) for p in owned if pods.in_trouble(p)}
    assert states <= {pods.state_of(r.view.pod) for r in view.reports}  # every kind of trouble is charted


def test_reads_do_not_grow_with_the_owners_pods() -> None:
    small, big = CountingSource(grown(20)), CountingSource(grown(400))
    collect_trace_set(small, "shop", parse_target("deployment/api"))
    collect_trace_set(big, "shop", parse_target("deployment/api"))
    assert len(big.requests) == len(small.requests) <= 12 * pods.MAX_CHARTED
    assert_selective(big.requests)
    assert sum(1 for path, _ in big.requests if path.endswith("/services")) == 1


@pytest.mark.parametrize("count", [1, 60, 400])
def test_many_pods_draw_a_bounded_chart_with_a_count_of_the_rest(count: int) -> None:
    view = analyse_set(collect_trace_set(grown(count), "shop", parse_target("deployment/api")))
    scene = gantt_scene(view)
    assert_laid_out(scene)
    assert scene.height < 700 * pods.MAX_CHARTED
    assert view.total == count + 1
    svg = trace_svg(view)
    text = "".join(parse_svg(svg).itertext())
    assert f"{count + 1} pods, {len(view.reports)} charted" in text
    more = sum(a.count for a in view.alike)
    if more:
        assert f"{more} more pods of Deployment api" in text
        assert all(f"{a.count} more alike: {a.state}" in text for a in view.alike)
    for report in view.reports:
        if report.stuck is not None:
            assert f"stuck: {report.stuck.diagnosis.reason}" in text
    stuck_bars = [g for g in parse_svg(svg).iter(f"{SVG}g") if "ka-bad" in (g.get("class") or "")]
    assert len(stuck_bars) >= sum(1 for r in view.reports if r.stuck and r.stuck.diagnosis.reason != "InProgress"
                                  and any(s.status.value == "failed" for s in r.stages))
    page = trace_html(view)
    assert check_html(page) == []
    assert page.count("<h2>Pod ") == len(view.reports) if len(view.reports) > 1 else True


@pytest.mark.parametrize("target", ["daemonset/kube-proxy", "deployment/coredns"])
def test_system_owners_chart_their_newest_pod_and_count_the_rest(target: str) -> None:
    source = SampleSource(load_sample("kind-ha"))
    view = analyse_set(collect_trace_set(source, "kube-system", parse_target(target)))
    newest = collect_trace(source, "kube-system", parse_target(target)).pod
    assert view.reports[0].view.name == raw.name(newest)
    assert view.total == len([p for p in source.sample.store.objects("Pod")
                              if raw.name(p).startswith(target.split("/")[1] + "-")])


def _pod(index: int, state: str, minute: int, ready_after: int) -> dict[str, Any]:
    ready = state == "Running"
    return {"metadata": {"name": f"p{index}", "creationTimestamp": _stamp(minute * 60)},
            "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Failed" if state == "Error" else "Running" if ready else "Pending",
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                       "lastTransitionTime": _stamp(minute * 60 + ready_after)}],
                       "containerStatuses": [{"name": "c", "ready": ready, "state": {
                           "waiting": {"reason": state}} if state not in ("Running", "Error") else {}}]}}


pod_specs = st.lists(st.tuples(st.sampled_from(["Running", "Running", "ImagePullBackOff", "CrashLoopBackOff",
                                                "ErrImagePull", "Error", "CreateContainerConfigError"]),
                               st.integers(0, 500), st.integers(0, 900)), max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pod_specs, st.integers(1, 6))
def test_choice_charts_a_few_and_counts_every_other_pod_once(specs: list[tuple[str, int, int]], limit: int) -> None:
    objects = [_pod(i, *spec) for i, spec in enumerate(specs)]
    choice = pods.choose(objects, limit)
    assert min(1, len(objects)) <= len(choice.picks) <= min(limit, len(objects))  # healthy alike pods are counted
    names = [raw.name(p.pod) for p in choice.picks] + [n for a in choice.alike for n in a.names]
    assert Counter(names) == Counter(raw.name(p) for p in objects)
    assert len(choice.alike) <= pods.MAX_ALIKE_LINES + 1
    if objects:
        assert choice.picks[0].pod is pods.newest_first(objects)[0]
        trouble = {pods.state_of(p) for p in objects if pods.in_trouble(p)}
        charted = {pods.state_of(p.pod) for p in choice.picks}
        if len(trouble) < limit:
            assert trouble <= charted
        timed = [pods.seconds_to_ready(p) for p in objects]
        slowest = max((t for t in timed if t is not None), default=None)
        if slowest is not None and len(trouble) < limit - 1:
            assert slowest in {pods.seconds_to_ready(p.pod) for p in choice.picks}


def test_an_owner_with_pods_not_ready_says_so_beside_its_healthy_newest_pod() -> None:
    """`trace daemonset/kube-proxy` follows the newest pod, Ready; the DaemonSet's own status counts 5 of 6
    ready (one on the NotReady node): 'Not stuck' alone answered the question about the DaemonSet wrongly."""
    from click.testing import CliRunner

    from kubectl_arch.cli.main import cli

    args = ["trace", "daemonset/kube-proxy", "-n", "kube-system", "--sample", "kubeadm-degraded"]
    result = CliRunner().invoke(cli, args, env={"NO_COLOR": "1", "COLUMNS": "100"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Not stuck" in text
    assert "DaemonSet kube-proxy has 5 of 6 pods ready (its status): this is one pod" in text, text
    healthy = CliRunner().invoke(cli, ["trace", "deployment/api", "-n", "shop", "--sample", "kind-ha"],
                                 env={"NO_COLOR": "1", "COLUMNS": "100"}, catch_exceptions=False)
    assert "pods ready (its status)" not in healthy.stdout
