"""Windowed figures: one metrics source read twice, judged on the difference, as Prometheus' ``rate``.

A single scrape of ``/metrics`` holds counters and histograms summed since the process started, so a
quantile of it is a lifetime figure: months of good samples drown a disk that turned slow ten minutes
ago. Two scrapes a window apart give what ``histogram_quantile(0.99, rate(x_bucket[10s]))`` gives: the
observations made inside the window. Every figure carries its ``Basis`` (window or lifetime, how long,
how many samples, and why a window was not used), because a number without its basis misleads.

A counter that went down between the scrapes means the process restarted: as Prometheus' ``increase``
does, the second scrape alone is then the increase, and the figure says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.model.metrics import (
    Histogram,
    LabelFilter,
    Metrics,
    Quantile,
    bucket_quantile,
    gauge,
    histogram,
)

WINDOW = "window"
LIFETIME = "lifetime"
CURRENT = "current"  # a gauge: its value at the last scrape
PROCESS_START = "process_start_time_seconds"
DEFAULT_MIN_SAMPLES = 20  # fewer observations in the window than this and its p99 means little
RESTART_TOLERANCE_SECONDS = 1.0  # process_start_time_seconds is a float; only a real change is a restart


def duration_words(seconds: float | None) -> str:
    """A duration as people say it, to two units: '10s', '2m 5s', '3d 4h'; 'unknown' when not known."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "unknown"
    if seconds < 10:
        return f"{seconds:.1f}s".replace(".0s", "s")
    whole = round(seconds)
    parts: list[tuple[int, str]] = []
    for name, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        value, whole = divmod(whole, size)
        if value or parts:
            parts.append((value, name))
    return " ".join(f"{value}{name}" for value, name in parts[:2] if value)


def count_words(count: float) -> str:
    """A sample count, short when large: '312', '48,201', '1.2M'."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 100_000:
        return f"{count / 1000:.0f}k"
    return f"{int(count):,}"


@dataclass(frozen=True)
class Basis:
    """What a figure rests on: the window between two scrapes, or the process' lifetime.

    ``seconds`` is the window's length or the process' age (None when the process start time is not
    exposed); ``samples`` the observations a quantile rests on (None for counters and gauges); ``note``
    why the window was not used, or what happened in it (a restart), in words.
    """

    kind: str
    seconds: float | None
    samples: int | None = None
    note: str = ""

    def describe(self) -> str:
        """'window: 10s, 312 samples' or 'since start (3d 4h), 1.2M samples'."""
        if self.kind == CURRENT:
            return "current value, at the last scrape"
        head = (f"window: {duration_words(self.seconds)}" if self.kind == WINDOW
                else f"since start ({duration_words(self.seconds)})" if self.seconds is not None
                else "since start (time not exposed)")
        return head if self.samples is None else f"{head}, {count_words(self.samples)} samples"

    def sentence(self) -> str:
        """The basis with its note, to end a message: '(window: 10s, 312 samples)'."""
        return f"({self.describe()}{'; ' + self.note if self.note else ''})"

    def evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "seconds": None if self.seconds is None else round(self.seconds, 1),
                               "description": self.describe()}
        if self.samples is not None:
            out["samples"] = self.samples
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Reading:
    """One metrics source read once or twice: everything a windowed figure is computed from.

    ``second`` is None when there is no second scrape, and ``no_window`` says why (``--window 0``, a
    sample or snapshot holding one scrape, the second read failed). ``now`` dates the lifetime basis.
    """

    source: str
    first: Metrics
    second: Metrics | None = None
    elapsed: float | None = None  # seconds between the two scrapes
    now: dt.datetime | None = None
    no_window: str = ""
    second_error: str | None = None  # the second read failed: the source stopped answering mid-window

    @property
    def latest(self) -> Metrics:
        return self.second if self.second is not None else self.first

    @property
    def windowed(self) -> bool:
        return self.second is not None and self.elapsed is not None and self.elapsed > 0

    def process_age(self, metrics: Metrics | None = None) -> float | None:
        """Seconds since the process started (``process_start_time_seconds`` against ``now``)."""
        start = gauge(metrics or self.latest, PROCESS_START)
        if start is None or self.now is None or start <= 0:
            return None
        return max(self.now.timestamp() - start, 0.0)

    def restarted(self) -> bool:
        """The process started again between the scrapes (its start time moved forward)."""
        if self.second is None:
            return False
        before, after = gauge(self.first, PROCESS_START), gauge(self.second, PROCESS_START)
        return before is not None and after is not None and after - before > RESTART_TOLERANCE_SECONDS

    def restart_note(self) -> str:
        return "it restarted between the two scrapes (its counters went down): figures count only since then"

    def lifetime(self, samples: int | None, note: str = "") -> Basis:
        return Basis(LIFETIME, self.process_age(), samples, note or self.no_window)

    def current(self, name: str) -> tuple[float | None, Basis]:
        """A gauge's value at the last scrape (None when absent), and that basis."""
        return gauge(self.latest, name), Basis(CURRENT, None)


def _difference(first: Histogram, second: Histogram) -> tuple[tuple[float, float], ...] | None:
    """Bucket counts of ``second`` minus ``first``; None when a count went down or the buckets differ."""
    before = dict(first.buckets)
    if set(before) != {bound for bound, _ in second.buckets}:
        return None
    out = []
    for bound, count in second.buckets:
        if count < before[bound]:
            return None
        out.append((bound, count - before[bound]))
    return tuple(out)


NOT_NUMBERS = "its counts are not all finite numbers (NaN or Inf): nothing is judged from them"


def _counted(metrics: Metrics, name: str, where: LabelFilter | None) -> Histogram | str | None:
    """The histogram, None when absent, or why its counts cannot be judged (a NaN or Inf count)."""
    found = histogram(metrics, name, where)
    if found is not None and not all(math.isfinite(count) for _bound, count in found.buckets):
        return NOT_NUMBERS
    return found


def windowed_histogram(reading: Reading, name: str, where: LabelFilter | None = None,
                       min_samples: int = DEFAULT_MIN_SAMPLES) -> tuple[Histogram | None, Basis]:
    """The histogram to judge and its basis: the window's difference when the window holds at least
    ``min_samples`` observations, else the lifetime histogram, with the reason in the basis note. A
    histogram whose counts are not numbers is not judged (None, and the basis says why)."""
    latest = _counted(reading.latest, name, where)
    if isinstance(latest, str):
        return None, reading.lifetime(None, latest)
    lifetime_samples = int(latest.count) if latest else 0
    if not reading.windowed or latest is None:
        return latest, reading.lifetime(lifetime_samples)
    earlier = _counted(reading.first, name, where)
    if isinstance(earlier, str):
        return latest, reading.lifetime(lifetime_samples, "the first scrape's counts are not all finite numbers "
                                                          "(NaN or Inf): lifetime figures instead")
    difference = _difference(earlier, latest) if earlier is not None else None
    if reading.restarted() or (earlier is not None and difference is None):
        return latest, reading.lifetime(lifetime_samples, reading.restart_note())
    if difference is None:  # the histogram appeared during the window: everything in it is new
        difference = latest.buckets
    window = Histogram(name, difference, latest.series)
    if window.count < min_samples:
        note = (f"the {duration_words(reading.elapsed)} window held only {int(window.count)} observation"
                f"{'' if int(window.count) == 1 else 's'} (fewer than {min_samples}): lifetime figures instead")
        return latest, reading.lifetime(lifetime_samples, note)
    return window, Basis(WINDOW, reading.elapsed, int(window.count))


def windowed_quantile(reading: Reading, name: str, q: float, where: LabelFilter | None = None,
                      min_samples: int = DEFAULT_MIN_SAMPLES) -> Quantile:
    """The q-quantile of histogram ``name`` on the window (or lifetime, said in its basis)."""
    found, basis = windowed_histogram(reading, name, where, min_samples)
    if found is None:
        return Quantile(q, None, 0, name, reading.source, basis)
    value = bucket_quantile(q, found.buckets)
    return Quantile(q, value if math.isfinite(value) else None, int(found.count), name, reading.source, basis)


def _series_totals(metrics: Metrics, name: str, where: LabelFilter | None) -> dict[tuple[tuple[str, str], ...], float]:
    """Each series' value; a NaN or Inf sample is no count at all, so it is left out."""
    return {sample.labels: sample.value for sample in metrics.samples(name)
            if math.isfinite(sample.value) and (where is None or where(dict(sample.labels)))}


@dataclass(frozen=True)
class Increase:
    """How much a counter grew, over which basis; ``per(60)`` is the rate per minute."""

    value: float
    basis: Basis
    by_labels: Mapping[tuple[tuple[str, str], ...], float]

    def per(self, seconds: float) -> float | None:
        """The rate per ``seconds`` over the basis' duration; None when the duration is not known."""
        if not self.basis.seconds:
            return None
        return self.value / self.basis.seconds * seconds


def counter_increase(reading: Reading, name: str, where: LabelFilter | None = None) -> Increase | None:
    """The increase of counter ``name`` (summed over the series ``where`` accepts), like ``increase()``
    over the window; the lifetime total when there is no window; None when the scrape lacks it."""
    latest = _series_totals(reading.latest, name, where)
    if not latest:
        return None
    total = sum(latest.values())
    if not reading.windowed:
        return Increase(total, reading.lifetime(None), latest)
    earlier = _series_totals(reading.first, name, where)
    if reading.restarted() or any(value < earlier.get(labels, 0.0) for labels, value in latest.items()):
        return Increase(total, reading.lifetime(None, reading.restart_note()), latest)
    grown = {labels: value - earlier.get(labels, 0.0) for labels, value in latest.items()}
    return Increase(sum(grown.values()), Basis(WINDOW, reading.elapsed), grown)
