"""Windowed figures: two scrapes judged on their difference, like Prometheus' rate() and increase().

The expected values are computed here from the bucket counts, independently of the code under test:
the window's p99 is the quantile of (second - first) per bucket, and a counter that went down means a
restart, after which the second scrape alone is the increase.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_arch.audit.command import ONE_SCRAPE, window_options
from kubectl_arch.cli.options import ClusterOptions
from kubectl_arch.errors import UsageError
from kubectl_arch.model.durations import parse_duration
from kubectl_arch.model.metrics import Metrics, bucket_quantile, parse_metrics
from kubectl_arch.model.window import (
    LIFETIME,
    WINDOW,
    Reading,
    count_words,
    counter_increase,
    duration_words,
    windowed_quantile,
)

NAME = "etcd_disk_wal_fsync_duration_seconds"
BOUNDS = (0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, math.inf)
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)


def scrape(per_bucket: list[int], start: float | None = None, counter: float | None = None) -> Metrics:
    """A scrape with one histogram (non-cumulative counts per bucket), a start time and a counter."""
    lines = [f"# TYPE {NAME} histogram"]
    total = 0
    for bound, count in zip(BOUNDS, per_bucket, strict=True):
        total += count
        le = "+Inf" if math.isinf(bound) else f"{bound:g}"
        lines.append(f'{NAME}_bucket{{le="{le}"}} {total}')
    lines.append(f"{NAME}_count {total}")
    lines.append(f"{NAME}_sum 0")
    if start is not None:
        lines += ["# TYPE process_start_time_seconds gauge", f"process_start_time_seconds {start}"]
    if counter is not None:
        lines += ["# TYPE etcd_server_leader_changes_seen_total counter",
                  f"etcd_server_leader_changes_seen_total {counter}"]
    parsed = parse_metrics("\n".join(lines) + "\n", "etcd test")
    assert isinstance(parsed, Metrics)
    return parsed


def cumulative(per_bucket: list[int]) -> list[tuple[float, float]]:
    out, total = [], 0
    for bound, count in zip(BOUNDS, per_bucket, strict=True):
        total += count
        out.append((bound, float(total)))
    return out


START = NOW.timestamp() - 3 * 86400


counts = st.lists(st.integers(min_value=0, max_value=5000), min_size=len(BOUNDS), max_size=len(BOUNDS))


@settings(max_examples=60, deadline=None)
@given(before=counts, added=counts)
def test_the_windowed_p99_is_the_quantile_of_the_bucket_difference(before: list[int], added: list[int]) -> None:
    after = [a + b for a, b in zip(before, added, strict=True)]
    reading = Reading("etcd test", scrape(before, START), scrape(after, START), 10.0, NOW)
    q = windowed_quantile(reading, NAME, 0.99, min_samples=1)
    observed = sum(added)
    if observed >= 1:
        expected = bucket_quantile(0.99, cumulative(added))
        assert q.basis is not None and q.basis.kind == WINDOW
        assert q.samples == observed
        assert q.value == pytest.approx(expected)
        assert q.basis.describe() == f"window: 10s, {count_words(observed)} samples"
    else:
        # Nothing happened in the window: lifetime figures, and the basis says why.
        assert q.basis is not None and q.basis.kind == LIFETIME
        assert "window held only 0 observations" in q.basis.note
        assert q.samples == sum(after)


@settings(max_examples=30, deadline=None)
@given(before=counts, after=counts)
def test_a_restart_between_scrapes_is_said_and_the_second_scrape_counts_alone(before: list[int],
                                                                              after: list[int]) -> None:
    reading = Reading("etcd test", scrape(before, START), scrape(after, NOW.timestamp() - 5), 10.0, NOW)
    q = windowed_quantile(reading, NAME, 0.99, min_samples=1)
    assert q.basis is not None and q.basis.kind == LIFETIME
    assert "restarted between the two scrapes" in q.basis.note
    assert q.samples == sum(after)
    assert q.basis.seconds == pytest.approx(5.0)


def test_counts_that_go_down_without_a_start_time_are_a_restart_too() -> None:
    reading = Reading("etcd test", scrape([100] * 12), scrape([1] * 12), 10.0, NOW)
    q = windowed_quantile(reading, NAME, 0.99, min_samples=1)
    assert q.basis is not None and "restarted" in q.basis.note
    assert q.basis.describe().startswith("since start (time not exposed)")


def test_one_scrape_gives_lifetime_figures_dated_by_the_process_start() -> None:
    reading = Reading("etcd test", scrape([900, 90, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0], START), now=NOW,
                      no_window="--window 0 reads each metrics source once")
    q = windowed_quantile(reading, NAME, 0.99)
    assert q.basis is not None
    assert q.basis.describe() == "since start (3d), 1,000 samples"
    assert q.basis.note == "--window 0 reads each metrics source once"
    assert q.basis.evidence()["kind"] == "lifetime"


def test_counter_increase_over_the_window_and_its_rate() -> None:
    reading = Reading("etcd test", scrape([0] * 12, START, counter=4), scrape([0] * 12, START, counter=7), 30.0, NOW)
    increase = counter_increase(reading, "etcd_server_leader_changes_seen_total")
    assert increase is not None
    assert increase.value == 3 and increase.basis.kind == WINDOW
    assert increase.per(3600) == pytest.approx(3 / 30 * 3600)


def test_counter_that_went_down_is_a_restart_and_the_new_total_is_the_increase() -> None:
    reading = Reading("etcd test", scrape([0] * 12, START, counter=9), scrape([0] * 12, START, counter=2), 30.0, NOW)
    increase = counter_increase(reading, "etcd_server_leader_changes_seen_total")
    assert increase is not None and increase.value == 2
    assert increase.basis.kind == LIFETIME and "restarted" in increase.basis.note


@pytest.mark.parametrize(("seconds", "words"), [(10, "10s"), (125, "2m 5s"), (3600, "1h"), (273900, "3d 4h"),
                                                (0.5, "0.5s"), (None, "unknown")])
def test_durations_read_as_people_say_them(seconds: float | None, words: str) -> None:
    assert duration_words(seconds) == words


@pytest.mark.parametrize(("count", "words"), [(312, "312"), (48201, "48,201"), (250_000, "250k"),
                                              (1_234_567, "1.2M")])
def test_sample_counts_read_short(count: int, words: str) -> None:
    assert count_words(count) == words


@pytest.mark.parametrize(("text", "seconds"), [("10s", 10), ("0", 0), ("1m30s", 90), ("500ms", 0.5), ("90", 90),
                                               ("250000us", 0.25)])  # every unit a kubelet event prints
def test_window_durations_parse(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["abc", "-1", "10 s", "", "1x", "2h"])
def test_a_bad_window_is_one_clear_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="--window"):
        window_options(text, ClusterOptions())


def test_samples_and_snapshots_hold_one_scrape_and_say_so() -> None:
    offline = {"window": 0.0, "window-off": ONE_SCRAPE}
    assert window_options("10s", ClusterOptions(sample="kind-ha")) == offline
    assert window_options("10s", ClusterOptions(snapshot="x.json.gz")) == offline
    assert window_options("0", ClusterOptions()) == offline
    assert window_options("30s", ClusterOptions()) == {"window": 30.0}
