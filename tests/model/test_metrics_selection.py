"""Parsing only the families checks read gives exactly what a full parse gives for them, on every sample; the regex
scan that finds their lines in a plain text selects exactly the lines that splitting each line selects."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kubectl_arch.collect.sample_source import SAMPLES_DIR, sample_names
from kubectl_arch.model import metrics
from kubectl_arch.model.metrics import APISERVER_FAMILIES, Metrics, parse_metrics, selected_lines, split_selected_lines
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


# Words a line is made of: selected names, names one is a prefix of or that are a prefix of one, comment words,
# label braces and values; separators: what str.split and str.splitlines cut at (ASCII and not) and what they don't.
SELECTED = names_of(("ab", "c:d"))
WORDS = ["ab", "ab_bucket", "c:d", "c:d_total", "a", "abc", "ab_", "ab_bucketx", "ab_sum_count", "c", "c:", "b",
         "#", "#ab", "# ", "HELP", "TYPE", "HELPER", "help", "{", "}", '{le="1"}', 'ab{le="1"}', "{ab}", "1", "",
         "\u00e9", "ab\u00e9", "\x00"]
SEPARATORS = [" ", " ", "\t", "  ", "", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0",
              "\u2028", "\u2029", "\u3000", "\u200b"]
LINE_ENDS = ["\n"] * 8 + ["\r\n", "\r", "\x0b", "\x1c", "\x85", "\u2028"]


@st.composite
def _metrics_like(draw: st.DrawFn) -> str:
    """Lines of words and separators: ``plain``, only space, tab and newline (the regex scan's ground); ``ascii``,
    ASCII's other separators too; ``any``, unicode's too."""
    mode = draw(st.sampled_from(["plain", "ascii", "any"]))
    words = st.sampled_from(WORDS if mode == "any" else [word for word in WORDS if word.isascii()])
    separators = st.sampled_from({"plain": [" ", "\t", "  ", ""], "any": SEPARATORS,
                                  "ascii": [separator for separator in SEPARATORS if separator.isascii()]}[mode])
    ends = st.sampled_from({"plain": ["\n"], "any": LINE_ENDS,
                            "ascii": [end for end in LINE_ENDS if end.isascii()]}[mode])
    lines = draw(st.lists(st.lists(st.tuples(separators, words), max_size=5), max_size=8))
    return "".join("".join(a + b for a, b in line) + draw(ends) for line in lines) + draw(st.sampled_from(["", "x"]))


@settings(max_examples=600)
@given(_metrics_like(), st.sampled_from([SELECTED, frozenset({"ab"}), frozenset({"#ab", "ab"}), frozenset({""}),
                                         frozenset({"a b"}), frozenset()]))
@example("ab 1\n", SELECTED)
@example("ab_sum_count 1\n#\tTYPE\tab_sum rest\n  ab{x} 1\nc:d\x85 1", SELECTED)
@example("ab\x1f1\n", SELECTED)  # ASCII, and split at \x1f
@example("ab\r\n", SELECTED)
@example("#ab HELP ab\n# HELP ab{\n#HELP ab\n{ab} 1\nab\n", SELECTED)
def test_the_regex_scan_selects_the_lines_splitting_selects(text: str, names: frozenset[str]) -> None:
    # The line-by-line split is the definition; the scan is taken where it cuts the same lines and words.
    assert selected_lines(text, names) == split_selected_lines(text, names)
    scanner = metrics._line_scanner(names)
    if scanner is not None and metrics._plain_separators(text):
        assert scanner.findall("\n" + text) == split_selected_lines(text, names)


def test_a_plain_scrape_is_scanned_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (Path(SAMPLES_DIR) / "kind-ha" / "raw" / "metrics.txt").read_text() + OTHER_FAMILIES
    expected = split_selected_lines(text, names_of(APISERVER_FAMILIES))
    monkeypatch.setattr(metrics, "split_selected_lines", lambda text, names: pytest.fail("the scrape was split"))
    assert selected_lines(text, names_of(APISERVER_FAMILIES)) == expected
    assert expected, "the sample's scrape has some of the families checks read"
