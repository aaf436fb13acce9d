"""Event parsing: both event APIs read alike, messages parse in old and new formats, odd input never raises."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_arch.model.durations import parse_go_duration
from kubectl_arch.trace.events import (
    event_view,
    event_views,
    parse_failed_scheduling,
    parse_pulled,
)
from kubectl_arch.trace.render.document import trace_document

UTC = dt.timezone.utc


def test_scheduler_event_written_through_events_api_keeps_microseconds() -> None:
    view = event_view({"reason": "Scheduled", "eventTime": "2026-11-20T08:52:10.412345Z", "firstTimestamp": None,
                       "lastTimestamp": None, "reportingComponent": "default-scheduler", "source": {},
                       "message": "Successfully assigned shop/a to w"})
    assert view.first == dt.datetime(2026, 11, 20, 8, 52, 10, 412345, tzinfo=UTC)
    assert view.component == "default-scheduler" and view.count == 1


def test_series_gives_count_and_last_time() -> None:
    view = event_view({"reason": "FailedScheduling", "eventTime": "2026-11-20T08:55:02.183000Z",
                       "series": {"count": 6, "lastObservedTime": "2026-11-20T08:59:30.000000Z"}})
    assert view.count == 6 and view.last == dt.datetime(2026, 11, 20, 8, 59, 30, tzinfo=UTC)


def test_kubelet_event_container_and_precedence() -> None:
    view = event_view({"reason": "Pulled", "firstTimestamp": "2026-11-20T08:52:14Z", "lastTimestamp":
                       "2026-11-20T08:52:20Z", "count": 2, "source": {"component": "kubelet", "host": "w2"},
                       "involvedObject": {"fieldPath": "spec.initContainers{migrate}"}})
    assert view.container == "migrate" and view.init_container and view.host == "w2" and view.count == 2


def test_undated_events_sort_last() -> None:
    views = event_views([{"reason": "B"}, {"reason": "A", "firstTimestamp": "2026-11-20T08:00:00Z"}])
    assert [v.reason for v in views] == ["A", "B"]


def test_pulled_new_and_old_formats() -> None:
    new = parse_pulled('Successfully pulled image "nginx:1.27" in 1.2s (1.3s including waiting). '
                       "Image size: 72195292 bytes.")
    assert new is not None and (new.seconds, new.seconds_including_waiting, new.size_bytes) == (1.2, 1.3, 72195292)
    old = parse_pulled('Successfully pulled image "nginx:1.27" in 2m3.5s')
    assert old is not None and old.seconds == 123.5 and old.size_bytes is None
    present = parse_pulled('Container image "nginx:1.27" already present on machine')
    assert present is not None and present.already_present
    assert parse_pulled("Created container: web") is None


def test_go_durations() -> None:
    assert parse_go_duration("523ms") == 0.523
    assert parse_go_duration("1h2m3s") == 3723.0
    assert parse_go_duration("850µs") is not None
    assert parse_go_duration("fast") is None and parse_go_duration("") is None


def test_failed_scheduling_split_into_reasons() -> None:
    failure = parse_failed_scheduling(
        "0/5 nodes are available: 2 Insufficient memory, 3 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }. preemption: 0/5 nodes are available: 2 No preemption victims "
        "found for incoming pod, 3 Preemption is not helpful for scheduling.")
    assert (failure.available_nodes, failure.total_nodes) == (0, 5)
    assert [(r.count, r.category) for r in failure.reasons] == [(2, "insufficient-resources"), (3, "taint")]
    assert failure.reasons[1].text == "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
    assert failure.preemption is not None and failure.preemption.startswith("0/5 nodes")


def test_failed_scheduling_without_the_summary_keeps_the_text() -> None:
    failure = parse_failed_scheduling('pod has unbound immediate PersistentVolumeClaims (repeated 3 times)')
    assert failure.total_nodes is None
    assert failure.reasons[0].category == "unbound-volume"


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_parsers_never_raise_on_any_text(text: str) -> None:
    parse_pulled(text)
    parse_go_duration(text)
    parse_failed_scheduling(text)
    parse_failed_scheduling(f"0/3 nodes are available: {text}")
    parse_pulled(f'Successfully pulled image "x" in {text}')


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                                 max_size=4), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["reason", "message", "eventTime", "firstTimestamp", "lastTimestamp",
                                        "series", "count", "source", "involvedObject", "metadata", "type",
                                        "reportingComponent", "note"]), JSONISH))
def test_event_view_never_raises_on_odd_events(event: dict[str, object]) -> None:
    event_views([event])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["reason", "message", "eventTime", "firstTimestamp", "series",
                                                 "count", "involvedObject", "type"]), JSONISH), max_size=4),
       st.sampled_from(["Pulled", "Pulling", "FailedScheduling", "Scheduled", "Unhealthy", "Failed", "BackOff",
                        "FailedMount", "FailedCreatePodSandBox", "Created", "Started"]))
def test_whole_analysis_survives_odd_events(events: list[dict[str, object]], reason: str) -> None:
    from tests.trace.podmaker import pending_pod, report_for, running_pod

    odd = [{**e, "reason": reason} for e in events]
    trace_document(report_for(running_pod(), odd))
    trace_document(report_for(pending_pod(), odd))
