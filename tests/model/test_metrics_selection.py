"""Parsing only the families checks read gives exactly what a full parse gives for them, on every sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubectl_arch.collect.sample_source import SAMPLES_DIR, sample_names
from kubectl_arch.model.metrics import APISERVER_FAMILIES, Metrics, parse_metrics
from kubectl_arch.model.metrics import sample_names as names_of

OTHER_FAMILIES = """# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 1234
# TYPE rest_client_request_duration_seconds histogram
rest_client_request_duration_seconds_bucket{verb="GET",le="0.1"} 5
rest_client_request_duration_seconds_bucket{verb="GET",le="+Inf"} 6
rest_client_request_duration_seconds_sum{verb="GET"} 0.4
rest_client_request_duration_seconds_count{verb="GET"} 6
"""


@pytest.mark.parametrize("sample", sample_names())
def test_selected_families_parse_as_in_a_full_parse(sample: str) -> None:
    # A real scrape carries hundreds of other families; a histogram and a gauge stand for them here.
    text = (Path(SAMPLES_DIR) / sample / "raw" / "metrics.txt").read_text() + OTHER_FAMILIES
    full = parse_metrics(text, "full")
    lean = parse_metrics(text, "lean", APISERVER_FAMILIES)
    assert isinstance(full, Metrics) and isinstance(lean, Metrics)
    wanted = names_of(APISERVER_FAMILIES)
    assert {k: v for k, v in full.by_name.items() if k in wanted} == dict(lean.by_name)
    assert lean.by_name, "the sample's scrape has some of the families checks read"
    assert not {"go_goroutines", "rest_client_request_duration_seconds_bucket"} & set(lean.by_name)
    assert {"go_goroutines", "rest_client_request_duration_seconds_bucket"} <= set(full.by_name)


def test_reading_a_family_that_was_not_selected_is_a_bug_not_an_absent_metric() -> None:
    text = "# TYPE go_goroutines gauge\ngo_goroutines 42\n# TYPE apiserver_request_total counter\n" \
           'apiserver_request_total{code="200"} 7\n'
    lean = parse_metrics(text, "lean", APISERVER_FAMILIES)
    assert isinstance(lean, Metrics)
    assert [s.value for s in lean.samples("apiserver_request_total")] == [7.0]
    with pytest.raises(KeyError, match="go_goroutines"):
        lean.samples("go_goroutines")
