"""A pod that has run for months: its timeline columns stay apart and its times say which day they are.

kubeadm-degraded's static control-plane pods were started a year before the capture and restart today, so
their steps span 360 days: a trace of them is what an SRE sees on any long-lived pod that now crashes.
"""

from __future__ import annotations

import re

from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.trace.render.timeline import format_seconds

SCHEDULER = ["trace", "pod", "kube-scheduler-k8s-cp-1", "-n", "kube-system", "--sample", "kubeadm-degraded"]
APISERVER = ["trace", "pod", "kube-apiserver-k8s-cp-1", "-n", "kube-system", "--sample", "kubeadm-degraded"]
STAGE_ROW = re.compile(r"^[ >] (?P<name>[a-z-]+) +(?P<status>[a-z-]+) +(?P<at>\S+) +(?P<took>\S+)(?:  |$)")


def _trace(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args, env={"NO_COLOR": "1", "COLUMNS": "100"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_durations_of_days_read_in_days() -> None:
    assert format_seconds(86_399) == "23h59m"
    assert format_seconds(86_400) == "1d00h"
    assert format_seconds(360 * 86_400 - 60) == "359d23h"


def test_a_year_long_step_keeps_its_at_and_took_columns_apart() -> None:
    for args in (SCHEDULER, APISERVER):
        lines = _trace(args).splitlines()
        top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("STAGE"))
        rows = lines[top + 1:next(i for i, line in enumerate(lines) if line.startswith("~ approximate"))]
        assert len(rows) >= 6
        bar_column = lines[top].index("0s")
        for row in rows:
            fields = STAGE_ROW.match(row)
            assert fields is not None
            for value in (fields["at"], fields["took"]):
                assert re.fullmatch(r"~?[+-]?(\d+(d\d\dh|h\d\dm|m\d\ds|\.\d+s|ms|s))|-|\?|\.\.\.", value), (value, row)
            assert row[bar_column - 2:bar_column] == "  " or len(row) < bar_column, row


def test_times_on_another_day_than_the_pods_creation_carry_their_date() -> None:
    text = _trace(SCHEDULER)
    assert "the kubelet read the manifest at 09:01:27" in text  # the pod's own day: time only
    assert "first started at or before 2026-11-20 08:54:18" in text
    apiserver = _trace(APISERVER)
    assert "running again since 2026-11-20 05:43:00" in apiserver
    assert "Ready=True at 2026-11-20 05:43:09" in apiserver


def test_a_bound_on_startup_above_the_slo_does_not_say_the_pod_missed_it() -> None:
    """Events expired and the container restarted since: its first start is only bounded (at or before the
    oldest run the status keeps), so 'at most 1d 4h' cannot tell whether startup took more than 5 s."""
    from kubectl_arch.trace.report import TraceReport
    from tests.trace.podmaker import condition, report_for, running_pod

    pod = running_pod()
    created = "2026-11-18T08:00:00Z"
    pod["metadata"]["creationTimestamp"] = pod["status"]["startTime"] = created
    pod["status"]["conditions"] = [condition("PodScheduled", at=created),
                                   condition("PodReadyToStartContainers", at="2026-11-18T08:00:01Z"),
                                   condition("Initialized", at=created),
                                   condition("ContainersReady", at="2026-11-20T08:30:05Z"),
                                   condition("Ready", at="2026-11-20T08:30:05Z")]
    pod["status"]["containerStatuses"][0].update(
        restartCount=3, state={"running": {"startedAt": "2026-11-20T08:30:00Z"}},
        lastState={"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": "2026-11-19T12:00:00Z",
                                  "finishedAt": "2026-11-20T08:29:50Z"}})
    report: TraceReport = report_for(pod)
    note = next(n for n in report.notes if n.startswith("Startup"))
    assert "above the 5s" not in note and "Startup at most 1d 4h " in note, note
    assert "cannot tell whether it met the 5s pod-startup SLO" in note, note
