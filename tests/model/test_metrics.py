"""Prometheus parsing and histogram quantiles: the numbers the etcd checks judge must be right.

Expected quantiles are worked out by hand from Prometheus' histogram_quantile rules (promql/quantile.go):
linear interpolation inside the bucket where the rank falls, 0 as the start of a positive lowest
bucket, the highest finite bound when the rank falls in +Inf.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_arch.model.metrics import (
    APISERVER_ETCD_REQUEST,
    WAL_FSYNC,
    Metrics,
    MetricsError,
    bucket_quantile,
    db_sizes,
    histogram,
    object_counts,
    parse_metrics,
    quantile,
)

INF = math.inf

# A real etcd 3.4 scrape excerpt (buckets 1 ms doubling), as the etcd docs show it.
FSYNC_TEXT = """\
# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.
# TYPE etcd_disk_wal_fsync_duration_seconds histogram
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 76848
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.002"} 97194
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.004"} 99219
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.008"} 99663
etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 100037
etcd_disk_wal_fsync_duration_seconds_sum 95.69
etcd_disk_wal_fsync_duration_seconds_count 100037
"""


def parsed(text: str, source: str = "test") -> Metrics:
    result = parse_metrics(text, source)
    assert isinstance(result, Metrics), result
    return result


def test_p99_interpolates_inside_the_bucket_where_the_rank_falls() -> None:
    q = quantile(parsed(FSYNC_TEXT, "etcd http://127.0.0.1:2379"), WAL_FSYNC, 0.99)
    # rank 0.99 * 100037 = 99036.63 falls in (0.002, 0.004]: 0.002 + 0.002 * (99036.63 - 97194) / (99219 - 97194)
    assert q.value == pytest.approx(0.002 + 0.002 * (99036.63 - 97194) / (99219 - 97194))
    assert q.samples == 100037
    assert q.source == "etcd http://127.0.0.1:2379"
    assert "since the process started" in q.note


@pytest.mark.parametrize(
    ("buckets", "q", "expected"),
    [
        pytest.param([(0.1, 10), (INF, 100)], 0.99, 0.1, id="rank in +Inf: highest finite bound"),
        pytest.param([(0.5, 100), (INF, 100)], 0.5, 0.25, id="lowest bucket starts at 0"),
        pytest.param([(-1, 50), (1, 100), (INF, 100)], 0.25, -1, id="lowest bound <= 0 is returned as is"),
        pytest.param([(1, 10), (2, 8), (INF, 10)], 0.5, 0.5, id="decreasing counts raised to the running max"),
        pytest.param([(1, 5), (1, 5), (INF, 10)], 0.5, 0.5, id="equal bounds are summed"),
        pytest.param([(INF, 10), (2, 10), (1, 0)], 0.5, 1.5, id="order of the input does not matter"),
    ],
)
def test_bucket_quantile_follows_prometheus(buckets: list[tuple[float, float]], q: float, expected: float) -> None:
    assert bucket_quantile(q, buckets) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("buckets", "q", "expected"),
    [
        pytest.param([(0.1, 5), (0.2, 10)], 0.5, "nan", id="no +Inf bucket"),
        pytest.param([(INF, 10)], 0.5, "nan", id="fewer than two buckets"),
        pytest.param([(0.1, 0), (INF, 0)], 0.5, "nan", id="no observations"),
        pytest.param([(0.1, 5), (INF, 10)], math.nan, "nan", id="q is NaN"),
        pytest.param([(1, 0), (2, 10), (INF, 10)], 0.0, "nan", id="q=0 over an empty lowest bucket (0/0)"),
        pytest.param([(0.1, 5), (INF, 10)], -0.1, "-inf", id="q below 0"),
        pytest.param([(0.1, 5), (INF, 10)], 1.1, "inf", id="q above 1"),
    ],
)
def test_bucket_quantile_special_cases(buckets: list[tuple[float, float]], q: float, expected: str) -> None:
    value = bucket_quantile(q, buckets)
    if expected == "nan":
        assert math.isnan(value)
    else:
        assert value == float(expected)


def test_no_observations_is_an_undefined_quantile_with_zero_samples() -> None:
    text = FSYNC_TEXT.replace(" 76848", " 0").replace(" 97194", " 0").replace(" 99219", " 0")
    text = text.replace(" 99663", " 0").replace(" 100037", " 0")
    q = quantile(parsed(text), WAL_FSYNC, 0.99)
    assert (q.value, q.samples) == (None, 0)
    assert quantile(parsed(text), "etcd_not_there_seconds", 0.99).value is None


# The API server's view: older releases label by type, newer by group and resource.
APISERVER_TEXT = """\
# TYPE etcd_request_duration_seconds histogram
etcd_request_duration_seconds_bucket{operation="get",type="*core.Pod",le="0.005"} 90
etcd_request_duration_seconds_bucket{operation="get",type="*core.Pod",le="0.025"} 100
etcd_request_duration_seconds_bucket{operation="get",type="*core.Pod",le="+Inf"} 100
etcd_request_duration_seconds_bucket{group="",operation="list",resource="pods",le="0.005"} 0
etcd_request_duration_seconds_bucket{group="",operation="list",resource="pods",le="0.025"} 50
etcd_request_duration_seconds_bucket{group="",operation="list",resource="pods",le="+Inf"} 100
"""


def test_histograms_sum_every_label_set_unless_filtered() -> None:
    metrics = parsed(APISERVER_TEXT)
    summed = histogram(metrics, APISERVER_ETCD_REQUEST)
    assert summed is not None
    assert summed.buckets == ((0.005, 90.0), (0.025, 150.0), (INF, 200.0))
    assert summed.series == 2
    # rank 0.5 * 200 = 100 falls in (0.005, 0.025]: 0.005 + 0.02 * (100 - 90) / (150 - 90)
    assert quantile(metrics, APISERVER_ETCD_REQUEST, 0.5).value == pytest.approx(0.005 + 0.02 * 10 / 60)
    gets = quantile(metrics, APISERVER_ETCD_REQUEST, 0.5, lambda labels: labels.get("operation") == "get")
    assert gets.samples == 100
    assert gets.value == pytest.approx(0.005 * 50 / 90)


@pytest.mark.parametrize(
    ("text", "metric", "target"),
    [
        ("etcd_mvcc_db_total_size_in_bytes 4.2e+07\n", "etcd_mvcc_db_total_size_in_bytes", "etcd"),
        ("etcd_debugging_mvcc_db_total_size_in_bytes 4.2e+07\n", "etcd_debugging_mvcc_db_total_size_in_bytes", "etcd"),
        ('apiserver_storage_size_bytes{storage_cluster_id="etcd-0"} 4.2e+07\n', "apiserver_storage_size_bytes",
         "etcd-0"),
        ('apiserver_storage_db_total_size_in_bytes{endpoint="https://10.0.0.1:2379"} 4.2e+07\n',
         "apiserver_storage_db_total_size_in_bytes", "https://10.0.0.1:2379"),
        ('etcd_db_total_size_in_bytes{endpoint="https://10.0.0.1:2379"} 4.2e+07\n', "etcd_db_total_size_in_bytes",
         "https://10.0.0.1:2379"),
    ],
)
def test_database_size_under_every_name_it_has_had(text: str, metric: str, target: str) -> None:
    [size] = db_sizes(parsed(text, "etcd"))
    assert (size.bytes, size.metric, size.target) == (42_000_000, metric, target)


def test_object_counts_under_old_and_new_names() -> None:
    old = parsed('apiserver_storage_objects{resource="pods"} 12\napiserver_storage_objects{resource="events"} 900\n')
    new = parsed('apiserver_resource_objects{group="apps",resource="deployments"} 4\n'
                 'apiserver_resource_objects{group="",resource="pods"} 12\n')
    assert object_counts(old) == {"pods": 12, "events": 900}
    assert object_counts(new) == {"deployments.apps": 4, "pods": 12}


@pytest.mark.parametrize(
    "text",
    [
        'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001" 3\n',
        "etcd_server_has_leader one\n",
        "# TYPE x histogram\nx_bucket{le=0.1} 1\n",
        '{le="0.1"} 3\n',
    ],
)
def test_malformed_text_is_a_clear_error_value(text: str) -> None:
    result = parse_metrics(text, "etcd https://10.0.0.1:2379")
    assert isinstance(result, MetricsError)
    assert result.message.startswith("the metrics text from etcd https://10.0.0.1:2379 is malformed")
    assert "\n" not in result.message


METRIC_TOKENS = [*'abcdefgh_{}="\\,#+-.:eE0123456789 \t\nIiNnFfle', "le=", "+Inf", "NaN", "# TYPE ", "# HELP "]
METRIC_ALPHABET = st.sampled_from(METRIC_TOKENS)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(parse_metrics(text, "fuzz"), (Metrics, MetricsError))


@settings(max_examples=300, deadline=None)
@given(st.lists(METRIC_ALPHABET, max_size=120).map("".join))
def test_parser_never_raises_on_metric_shaped_text(text: str) -> None:
    result = parse_metrics(text, "fuzz")
    assert isinstance(result, (Metrics, MetricsError))
    if isinstance(result, Metrics):  # whatever parsed must be usable downstream without raising
        for name in list(result.by_name):
            quantile(result, name.removesuffix("_bucket"), 0.99)
        db_sizes(result)
        object_counts(result)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0001, 100), st.integers(0, 1000)), min_size=1, max_size=12),
    st.floats(0.001, 1),
    st.floats(0.001, 1),
)
def test_quantiles_grow_with_q_and_stay_inside_the_bucket_range(
    pairs: list[tuple[float, int]], q1: float, q2: float
) -> None:
    bounds = sorted({bound for bound, _ in pairs})
    counts = sorted(count for _, count in pairs)[: len(bounds)]
    buckets = [*zip(bounds, counts, strict=True), (INF, counts[-1] + 1)]
    low, high = sorted((q1, q2))
    first, second = bucket_quantile(low, buckets), bucket_quantile(high, buckets)
    assert first <= second + 1e-9
    assert first >= 0
    assert second <= bounds[-1] + 1e-9
