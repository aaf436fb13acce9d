"""Prometheus text metrics as facts: samples by name, histogram quantiles, etcd database sizes.

Everything here reads one scrape. Histograms in ``/metrics`` are cumulative since the process started,
so a quantile computed from one scrape is a lifetime figure, not the last five minutes:
``kubectl_arch.model.window`` judges two scrapes a window apart, and every figure names its basis.
Quantiles follow Prometheus' ``histogram_quantile`` exactly
(linear interpolation inside the bucket, 0 as the lowest bucket's start, the +Inf bucket answered by
the highest finite bound), so an operator comparing with their dashboards sees the same number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from kubectl_arch.model.window import Basis

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.exposition import BucketSplit, Labels, Sample, reference_samples, strict_samples
from kubectl_arch.model.memo import memo, once_per_process

# etcd's own metrics (served by each member on its client URL or --listen-metrics-urls).
WAL_FSYNC = "etcd_disk_wal_fsync_duration_seconds"
BACKEND_COMMIT = "etcd_disk_backend_commit_duration_seconds"
PEER_ROUND_TRIP = "etcd_network_peer_round_trip_time_seconds"
HAS_LEADER = "etcd_server_has_leader"
LEADER_CHANGES = "etcd_server_leader_changes_seen_total"
QUOTA_BACKEND_BYTES = "etcd_server_quota_backend_bytes"
# The physical database size, newest name first (etcd 3.2 exposed it under etcd_debugging_ too).
ETCD_DB_SIZE_NAMES = ("etcd_mvcc_db_total_size_in_bytes", "etcd_debugging_mvcc_db_total_size_in_bytes")

# The API server's view of etcd, labelled by operation and by what it stored, in three shapes: ``type`` holding
# the Go type (``*core.Pod``) before 1.26; ``type`` holding the group-resource (``pods``, ``deployments.apps``)
# from 1.26 (kubernetes#112042); ``group`` and ``resource`` from 1.34 (kubernetes#131845, an urgent upgrade note).
APISERVER_ETCD_REQUEST = "etcd_request_duration_seconds"


def etcd_request_object(labels: Mapping[str, str]) -> str:
    """What an ``etcd_request_duration_seconds`` series stored, the same on every release that can say it: 1.34's
    group and resource joined as 1.26-1.33 wrote them in ``type`` (``deployments.apps``; core: ``pods``), so one
    resource is one row whichever shape the API server uses, and two groups' resources of one name stay apart."""
    resource = labels.get("resource")
    if resource:
        group = labels.get("group") or ""
        return f"{resource}.{group}" if group else resource
    return labels.get("type") or ""
# The database size as the API server sees it, newest name first: 1.28+ (stable, storage_cluster_id),
# 1.26-1.28 (endpoint), then the oldest name (endpoint).
APISERVER_DB_SIZE_NAMES = (
    "apiserver_storage_size_bytes",
    "apiserver_storage_db_total_size_in_bytes",
    "etcd_db_total_size_in_bytes",
)
# Stored objects per resource: apiserver_resource_objects{group,resource} replaced
# apiserver_storage_objects{resource} (deprecated in 1.34).
OBJECT_COUNT_NAMES = ("apiserver_resource_objects", "apiserver_storage_objects")

# Every family any check reads from the API server's /metrics (2-3.5 MB on real clusters): only their lines
# are parsed. A check reading another family must add it here; reading one not selected raises.
APISERVER_FAMILIES = (APISERVER_ETCD_REQUEST, *ETCD_DB_SIZE_NAMES, *APISERVER_DB_SIZE_NAMES, QUOTA_BACKEND_BYTES,
                      *OBJECT_COUNT_NAMES, "apiserver_request_total", "apiserver_flowcontrol_rejected_requests_total",
                      "process_start_time_seconds")  # dates lifetime figures and tells a restart between scrapes
SAMPLE_SUFFIXES = ("", "_bucket", "_count", "_sum", "_total", "_created")

SINCE_START_NOTE = "histograms count every observation since the process started: this is a lifetime figure"


class MetricSample(NamedTuple):
    """One line of a scrape: a sample name, its labels (sorted) and its value. A named tuple: a scrape holds
    thousands, and a frozen dataclass took three times as long to make."""

    name: str
    labels: Labels
    value: float

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)


@dataclass(frozen=True)
class Metrics:
    """A parsed scrape: its samples indexed by sample name, and where it came from."""

    source: str
    by_name: Mapping[str, tuple[MetricSample, ...]] = field(default_factory=dict)
    # Every histogram's buckets grouped by label set, derived from ``by_name`` when the scrape is built:
    # checks ask for one histogram per operation, and rescanning every sample for each was the cost.
    histograms: Mapping[str, tuple[Series, ...]] = field(init=False, compare=False, repr=False)
    # The sample names parsed when only some families were (None: all): asking for another is a bug in the
    # caller, not an absent metric, so it raises instead of answering "no samples".
    selected: frozenset[str] | None = field(default=None, compare=False, repr=False)
    # ``histograms`` when the parser has grouped them already, from the samples ``by_name`` holds.
    grouped: InitVar[Mapping[str, tuple[Series, ...]] | None] = None

    def __post_init__(self, grouped: Mapping[str, tuple[Series, ...]] | None) -> None:
        if grouped is None:
            grouped = group_histograms((name, sample.labels, sample.value, None)
                                       for name, samples in self.by_name.items() for sample in samples)
        object.__setattr__(self, "histograms", grouped)

    def samples(self, name: str) -> tuple[MetricSample, ...]:
        if self.selected is not None and name not in self.selected:
            raise KeyError(f"metric {name!r} was not selected when {self.source} was parsed (APISERVER_FAMILIES)")
        return self.by_name.get(name, ())

    def first_present(self, names: Iterable[str]) -> str | None:
        """The first of ``names`` this scrape has samples for (metric renames across versions)."""
        return next((name for name in names if self.samples(name)), None)


@dataclass(frozen=True)
class MetricsError:
    """Why a scrape could not be parsed: the value ``parse_metrics`` returns instead of raising."""

    source: str
    message: str


def scrape_metrics(data: ClusterData, need: str, source: str,
                   families: Iterable[str] | None = None) -> Metrics | MetricsError:
    """The text of ``need`` (empty when not read) parsed once per ``ClusterData``: several checks read one scrape.

    With ``families``, only their lines are parsed (see ``parse_metrics``).
    """
    chosen = tuple(sorted(families)) if families is not None else None
    return memo(data, f"metrics.{need}.{source}.{chosen}", (need,),
                lambda read: parse_metrics(read.text(need) or "", source, chosen))


def parse_metrics(text: str, source: str, families: Iterable[str] | None = None) -> Metrics | MetricsError:
    """Parse Prometheus text exposition format; malformed text gives a ``MetricsError``, never an exception.

    With ``families``, only their lines are parsed (a histogram's ``_bucket``, ``_sum`` and ``_count``
    samples, a counter's ``_total``): most of a big /metrics (2-3.5 MB on real clusters) is never parsed.
    Lines in the common plain shape are read by ``strict_samples``; a text with any other line is
    prometheus_client's to parse (see ``kubectl_arch.model.exposition``).
    """
    if not isinstance(text, str):
        return MetricsError(source, f"expected metrics text, got {type(text).__name__}")
    selected = sample_names(families) if families is not None else None
    lines = selected_lines(text, selected) if selected else text.split("\n")  # split as the parser's StringIO
    index: dict[str, list[MetricSample]] = {}
    try:
        strict = strict_samples(lines)
        samples = strict if strict is not None else list(reference_samples(
            "\n".join(lines) + "\n" if selected else text))
    # The parser reports malformed input with whichever exception the bad token triggers (OverflowError: an
    # integer past a float's range).
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return MetricsError(source, f"the metrics text from {source} is malformed: {detail[:200]}")
    for name, labels, value, _ in samples:
        index.setdefault(name, []).append(MetricSample(name, labels, value))
    return Metrics(source, {name: tuple(samples) for name, samples in index.items()}, selected=selected,
                   grouped=group_histograms(samples))


def sample_names(families: Iterable[str]) -> frozenset[str]:
    """Every sample (and comment) name the families' lines carry."""
    return frozenset(family + suffix for family in families for suffix in SAMPLE_SUFFIXES)


def selected_lines(text: str, names: frozenset[str]) -> list[str]:
    """The lines of ``text`` about ``names`` (samples, and their # HELP / # TYPE), in order.

    A line's name is the first word of a sample line (before any "{"), or the third of a # HELP or # TYPE
    line, words and lines as ``str.split`` and ``str.splitlines`` cut them. Where those cut only at spaces,
    tabs and newlines (an ASCII text without the other separators) and the names are plain metric names,
    one regex scan over the text finds the lines; otherwise each line is split.
    """
    scanner = _line_scanner(names) if _plain_separators(text) else None
    if scanner is not None:
        return scanner.findall("\n" + text)  # every line, the first too, follows a newline
    return split_selected_lines(text, names)


def split_selected_lines(text: str, names: frozenset[str]) -> list[str]:
    """``selected_lines`` for any text: each line split into words (what defines which lines are selected)."""
    kept = []
    for line in text.splitlines():
        if line.startswith("#"):
            parts = line.split(None, 3)
            name = parts[2] if len(parts) > 2 and parts[1] in ("HELP", "TYPE") else ""
        else:
            words = line.split("{", 1)[0].split(None, 1)  # none for a line that starts with "{"
            name = words[0] if words else ""
        if name in names:
            kept.append(line)
    return kept


# What str.splitlines and str.split (no argument) cut at in an ASCII text besides spaces, tabs and newlines.
_OTHER_SEPARATORS = "\r\x0b\x0c\x1c\x1d\x1e\x1f"
_PLAIN_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"


def _plain_separators(text: str) -> bool:
    """Whether lines in ``text`` end only at "\\n" and words only at spaces and tabs (isascii is O(1) on str)."""
    return text.isascii() and not any(separator in text for separator in _OTHER_SEPARATORS)


@once_per_process
def _line_scanner(names: frozenset[str]) -> re.Pattern[str] | None:
    """A pattern whose ``findall`` over "\\n" + text gives the lines ``selected_lines`` keeps, for a text with
    plain separators; None unless every name is a plain metric name (no space, "{" or "#" to take apart).

    The names are written as a trie: a line's start tries a few characters, not every name in turn (an
    alternation of the 72 names was slower than splitting every line).
    """
    if not names or not all(re.fullmatch(_PLAIN_NAME, name) for name in names):
        return None
    name = _trie(names)
    sample = rf"[ \t]*{name}(?=[ \t{{\n]|\Z)"  # the first word, ended by a space, a tab, "{" or the line's end
    comment = rf"#[^ \t\n]*[ \t]+(?:HELP|TYPE)[ \t]+{name}(?=[ \t\n]|\Z)"  # the first word starts with "#"
    return re.compile(rf"\n((?:{sample}|{comment})[^\n]*)")


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly ``words`` (none empty), each shared prefix written once."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def written(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + written(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        either = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{either})?" if "" in node else either

    return written(tree)


# -- histograms -------------------------------------------------------------------------------------

LabelFilter = Callable[[Mapping[str, str]], bool]


@dataclass(frozen=True)
class Histogram:
    """Cumulative buckets (upper bound, count) summed over the label sets chosen, sorted by bound."""

    name: str
    buckets: tuple[tuple[float, float], ...]
    series: int  # how many label sets were summed

    @property
    def count(self) -> float:
        """Observations in the histogram: the count of its +Inf bucket (0 when it has none)."""
        if self.buckets and math.isinf(self.buckets[-1][0]):
            return self.buckets[-1][1]
        return 0.0


@dataclass(frozen=True)
class Series:
    """One label set of a histogram (``le`` left out) and its buckets with a valid bound, in scrape order."""

    key: Labels
    labels: Mapping[str, str]  # the same labels as a read-only mapping, for label filters
    buckets: tuple[tuple[float, float], ...]


def histogram_series(metrics: Metrics, name: str) -> tuple[Series, ...]:
    """The label sets of histogram ``name`` in order of first appearance, grouped once per scrape."""
    return metrics.histograms.get(name, ())


BUCKET_SUFFIX = "_bucket"


def group_histograms(samples: Iterable[Sample]) -> Mapping[str, tuple[Series, ...]]:
    """Each ``<name>_bucket`` sample's bucket under its label set (``le`` left out), buckets in scrape order.

    A sample split by its parser (``BucketSplit``) is not split again.
    """
    grouped_by: dict[str, dict[Labels, list[tuple[float, float]]]] = {}
    bounds: dict[str | None, float | None] = {}  # a histogram repeats its few bounds on every label set
    for sample_name, labels, value, split in samples:
        if not sample_name.endswith(BUCKET_SUFFIX):
            continue
        grouped = grouped_by.get(sample_name)
        if grouped is None:
            grouped = grouped_by[sample_name] = {}
        key, le = split if split is not None else _without_le(labels)
        if le not in bounds:
            bounds[le] = _bound(le)
        bound = bounds[le]
        if bound is not None:
            grouped.setdefault(key, []).append((bound, value))
    return MappingProxyType({
        sample_name.removesuffix(BUCKET_SUFFIX): tuple(
            Series(key, MappingProxyType(dict(key)), tuple(buckets)) for key, buckets in grouped.items())
        for sample_name, grouped in grouped_by.items()})


def _without_le(labels: Labels) -> BucketSplit:
    rest = dict(labels)  # sorted: the key keeps that order
    le = rest.pop("le", None)
    return tuple(rest.items()), le


GroupKey = TypeVar("GroupKey", bound=Hashable)


def histograms_by(metrics: Metrics, name: str, group: Callable[[Mapping[str, str]], GroupKey]
                  ) -> dict[GroupKey, Histogram]:
    """One histogram per value of ``group(labels)``, like ``sum by (<group>, le) (name_bucket)``, in one pass."""
    grouped: dict[GroupKey, list[Series]] = {}
    for one in histogram_series(metrics, name):
        grouped.setdefault(group(one.labels), []).append(one)
    return {key: _summed(name, chosen) for key, chosen in grouped.items()}


def histogram(metrics: Metrics, name: str, where: LabelFilter | None = None) -> Histogram | None:
    """The histogram ``name`` summed over every label set ``where`` accepts (all by default), like
    ``sum by (le) (name_bucket)``; None when the scrape has no buckets for it."""
    chosen = [one for one in histogram_series(metrics, name) if where is None or where(one.labels)]
    return _summed(name, chosen) if chosen else None


def _summed(name: str, chosen: Sequence[Series]) -> Histogram:
    """The buckets of ``chosen`` label sets added bound by bound: only the series asked for are summed
    (summing the rest too made one histogram per operation cost a pass over every bucket of the scrape)."""
    summed: dict[float, float] = {}
    for one in chosen:
        for bound, value in one.buckets:
            summed[bound] = summed.get(bound, 0.0) + value
    return Histogram(name, tuple(sorted(summed.items())), len(chosen))


def _bound(le: str | None) -> float | None:
    if le is None:
        return None
    try:
        bound = float(le)
    except ValueError:
        return None
    return None if math.isnan(bound) else bound


def bucket_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float:
    """The q-quantile of cumulative ``(upper bound, count)`` buckets, as Prometheus' histogram_quantile.

    NaN when it is undefined: no +Inf bucket, fewer than two buckets, no observations, or q is NaN;
    -Inf for q < 0 and +Inf for q > 1. Counts that decrease are raised to the running maximum.
    """
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    merged: dict[float, float] = {}
    for bound, count in buckets:
        merged[bound] = merged.get(bound, 0.0) + count
    ordered = sorted(merged.items())
    if len(ordered) < 2 or ordered[-1][0] != math.inf:
        return math.nan
    bounds = [bound for bound, _ in ordered]
    counts = _monotonic([count for _, count in ordered])
    observations = counts[-1]
    if not observations > 0:
        return math.nan
    rank = q * observations
    index = next((i for i, count in enumerate(counts[:-1]) if count >= rank), len(counts) - 1)
    if index == len(counts) - 1:
        return bounds[-2]  # inside the +Inf bucket: the highest finite bound is the best answer
    if index == 0 and bounds[0] <= 0:
        return bounds[0]
    start, previous = (bounds[index - 1], counts[index - 1]) if index > 0 else (0.0, 0.0)
    in_bucket = counts[index] - previous
    if in_bucket == 0:
        return math.nan  # q = 0 over an empty lowest bucket: Prometheus divides 0 by 0 here
    return start + (bounds[index] - start) * ((rank - previous) / in_bucket)


def _monotonic(counts: list[float]) -> list[float]:
    """Counts raised to their running maximum (a scrape racing an observation can dip by one)."""
    out: list[float] = []
    highest = -math.inf
    for count in counts:
        highest = max(highest, count)
        out.append(highest)
    return out


@dataclass(frozen=True)
class Quantile:
    """A quantile with what it rests on: how many observations, from which metric and scrape, and its
    basis (a window between two scrapes, or the lifetime; None: one scrape, lifetime, age unknown)."""

    q: float
    value: float | None  # None when undefined (no observations, no +Inf bucket)
    samples: int
    metric: str
    source: str
    basis: Basis | None = None

    @property
    def note(self) -> str:
        return self.basis.describe() if self.basis is not None else SINCE_START_NOTE

    def evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "metric": self.metric,
            f"p{round(self.q * 100):d}_seconds": None if self.value is None else round(self.value, 6),
            "samples": self.samples,
            "source": self.source,
        }
        if self.basis is not None:
            out["basis"] = self.basis.evidence()
        else:
            out["note"] = SINCE_START_NOTE
        return out


def quantile(metrics: Metrics, name: str, q: float, where: LabelFilter | None = None) -> Quantile:
    """The q-quantile of histogram ``name`` over the label sets ``where`` accepts, with its sample count."""
    return histogram_quantile(q, histogram(metrics, name, where), name, metrics.source)


def histogram_quantile(q: float, found: Histogram | None, name: str, source: str) -> Quantile:
    """The q-quantile of a histogram already summed (None: the scrape had no buckets for ``name``)."""
    if found is None:
        return Quantile(q, None, 0, name, source)
    if not math.isfinite(found.count):  # a NaN or Inf count: nothing to judge, and no count to give
        return Quantile(q, None, 0, name, source)
    value = bucket_quantile(q, found.buckets)
    usable = value if math.isfinite(value) else None
    return Quantile(q, usable, int(found.count), name, source)


# -- gauges -----------------------------------------------------------------------------------------


def gauge(metrics: Metrics, name: str) -> float | None:
    """The value of a metric with one series (the first when there are more), None when absent or not a
    finite number (an exporter's NaN or Inf is no value to judge)."""
    samples = metrics.samples(name)
    return samples[0].value if samples and math.isfinite(samples[0].value) else None


@dataclass(frozen=True)
class DbSize:
    """One etcd database size: bytes, the metric it came from, and which etcd (endpoint or cluster id)."""

    bytes: float
    metric: str
    target: str


def db_sizes(metrics: Metrics) -> list[DbSize]:
    """Database sizes in a scrape of etcd or of the API server, under whichever name its version uses."""
    name = metrics.first_present((*ETCD_DB_SIZE_NAMES, *APISERVER_DB_SIZE_NAMES))
    if name is None:
        return []
    sizes = []
    for sample in metrics.samples(name):
        target = sample.label("endpoint") or sample.label("storage_cluster_id") or metrics.source
        sizes.append(DbSize(sample.value, name, target))
    return sizes


def object_counts(metrics: Metrics) -> dict[str, float]:
    """Stored objects per resource (``resource.group``, or ``resource`` for the core group)."""
    name = metrics.first_present(OBJECT_COUNT_NAMES)
    counts: dict[str, float] = {}
    for sample in metrics.samples(name) if name else ():
        resource = sample.label("resource") or "unknown"
        group = sample.label("group")
        key = f"{resource}.{group}" if group else resource
        counts[key] = counts.get(key, 0.0) + sample.value
    return counts


# -- scrapes carried through collection --------------------------------------------------------------


@dataclass(frozen=True)
class Scrape:
    """One /metrics answer collected for analysis: where it came from and its text, or why it failed.

    Needs that scrape several targets (each etcd member) return ``{"scrapes": [record, ...]}``.
    """

    source: str
    text: str | None = None
    error: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"source": self.source, "text": self.text, "error": self.error}

    @classmethod
    def from_record(cls, record: Any) -> Scrape:
        if not isinstance(record, Mapping):
            return cls("unknown", error="the scrape record is not a mapping")
        text = record.get("text")
        error = record.get("error")
        return cls(str(record.get("source", "unknown")), text if isinstance(text, str) else None,
                   None if error is None else str(error))

    def parse(self) -> Metrics | MetricsError:
        if self.error is not None or self.text is None:
            return MetricsError(self.source, self.error or "no metrics text was read")
        return parse_metrics(self.text, self.source)


def scrapes_from(data: Any) -> list[Scrape]:
    """The scrapes in a multi-target need's data (``{"scrapes": [...]}``), empty when it has none."""
    records = data.get("scrapes") if isinstance(data, Mapping) else None
    return [Scrape.from_record(r) for r in records] if isinstance(records, list) else []
