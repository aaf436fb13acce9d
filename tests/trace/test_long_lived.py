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
    """Events expired two days on: the pull is inside the 30 s from creation to start, so 'at most 30.0s'
    cannot tell whether startup without the pull took more than 5 s."""
    from tests.trace.podmaker import report_for

    pod = _restarted_pod(0, "")
    pod["status"]["containerStatuses"][0].update(lastState={}, state={"running": {"startedAt": "2026-11-18T08:00:30Z"}})
    note = next(n for n in report_for(pod).notes if n.startswith("Startup"))
    assert "above the 5s" not in note and "Startup at most 30.0s " in note, note
    assert "cannot tell whether it met the 5s pod-startup SLO" in note, note


def test_a_first_start_lost_to_restarts_gives_no_startup_at_all() -> None:
    from tests.trace.podmaker import report_for

    report = report_for(_restarted_pod(3, "2026-11-19T12:00:00Z"))
    assert report.startup_seconds is None and not any(n.startswith("Startup") for n in report.notes)


def _restarted_pod(restarts: int, last_started: str) -> dict[str, object]:
    """web-0, created 08:00 two days ago and running since today 08:30 after ``restarts`` restarts; no events."""
    from tests.trace.podmaker import condition, running_pod

    pod = running_pod()
    created = "2026-11-18T08:00:00Z"
    pod["metadata"]["creationTimestamp"] = pod["status"]["startTime"] = created
    pod["status"]["conditions"] = [condition("PodScheduled", at=created),
                                   condition("PodReadyToStartContainers", at="2026-11-18T08:00:01Z"),
                                   condition("Initialized", at=created),
                                   condition("ContainersReady", at="2026-11-20T08:30:05Z"),
                                   condition("Ready", at="2026-11-20T08:30:05Z")]
    pod["status"]["containerStatuses"][0].update(
        restartCount=restarts, state={"running": {"startedAt": "2026-11-20T08:30:00Z"}},
        lastState={"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": last_started,
                                  "finishedAt": "2026-11-20T08:29:50Z"}})
    return pod


def test_a_first_start_lost_to_restarts_is_not_drawn_as_a_day_long_pull() -> None:
    """Three restarts and no events: the first run is gone from the status, so the pull and start took an
    unknown time, not the 1d 4h up to the oldest run the status keeps."""
    from tests.trace.podmaker import report_for

    stages = {s.name: s for s in report_for(_restarted_pod(3, "2026-11-19T12:00:00Z")).stages}
    for name in ("images-pulled", "containers-started"):
        assert stages[name].done and stages[name].duration_seconds is None, (name, stages[name])
    assert "first started at or before" in " ".join(stages["containers-started"].evidence)


def test_one_restart_keeps_the_first_run_in_the_status_so_its_start_is_exact() -> None:
    from tests.trace.podmaker import report_for

    stages = {s.name: s for s in report_for(_restarted_pod(1, "2026-11-18T08:00:03Z")).stages}
    started = stages["containers-started"]
    assert started.duration_seconds == 2.0 and not started.approximate, started
    assert "first started 08:00:03" in " ".join(started.evidence)
