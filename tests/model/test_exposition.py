"""The strict fast path of metrics parsing gives exactly what prometheus_client gives, and is taken on real scrapes.

prometheus_client stays the reference: on generated texts (plain lines, and the awkward ones: escapes,
timestamps, exemplars, odd spacing, trailing commas, quoted names, values float() reads and the parser
does not, malformed lines) ``parse_metrics`` with the fast path and with it switched off give the same
samples, value for value (NaN as NaN, -0.0 as -0.0), or the same error.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from benchmarks.apiserver_metrics import RESOURCES, apiserver_metrics
from kubectl_arch.collect.sample_source import SAMPLES_DIR
from kubectl_arch.model import metrics
from kubectl_arch.model.metrics import APISERVER_FAMILIES, Metrics, MetricsError, parse_metrics

FAMILIES = ("a", "b_total", "h", "s")
NAMES = ["a", "a_total", "a_created", "a_bucket", "b", "b_total", "h", "h_bucket", "h_count", "h_sum", "s", "s_count",
         "s_sum", "x:y"]
TYPES = ["counter", "gauge", "histogram", "summary", "untyped", "unknown", "info", "stateset", "gaugehistogram"]
LABEL_NAMES = ["le", "quantile", "code", "a_b", "A"]
VALUE = st.one_of(st.sampled_from(["0", "1", "-0.0", "+5", "1e3", ".5", "5.", "+Inf", "-Inf", "NaN", "9" * 300]),
                  st.integers().map(str), st.floats(allow_nan=False, allow_infinity=False).map(repr))
# Label values with the characters the label syntax uses (a value may hold "}", "," and "=").
LABEL_VALUE = st.text(st.sampled_from([*"ab }{,=#\u00e9"]), max_size=6)

# What an awkward line has instead of the plain part: values float() reads and the parser may not, escapes and
# line breaks in label values, names either parser refuses or that are reserved.
ODD_NAMES = ["__name__", "0bad", "", "a.b", "a-b"]
ODD_TYPES = ["bogus", "Counter", "counter extra", ""]
ODD_LABEL_NAMES = ["__name__", "__x", "b:c", "0a", "le"]
ODD_LABEL_VALUES = st.lists(st.sampled_from([*'ab}{,="\\\t', "\\n", '\\"', "\\\\", "\u2028", "\x85", "\r"]),
                            min_size=1, max_size=6).map("".join)
ODD_VALUES = ["-0", "-00", "+0", "007", "1E-3", "-1.5e+07", "Inf", "nan", "inf", "Infinity", "+NaN", "0x10", "1_0",
              "\u0661", "9" * 301, "9" * 400, "9007199254740993", "18446744073709551615", "1e400", "", "abc", "1 2",
              "1\t2"]


@st.composite
def _line(draw: st.DrawFn, odd: bool = False) -> str:
    """A line in the common shape: a sample, HELP, TYPE, another comment or blank; ``odd``: one part of it is not."""
    kind = draw(st.sampled_from(["sample"] * 6 + ["help", "type", "type", "note", "blank"]))
    if kind != "sample":
        return _comment(draw, kind, odd)
    name = draw(st.sampled_from(NAMES))
    pairs = draw(st.lists(st.tuples(st.sampled_from(LABEL_NAMES), LABEL_VALUE), max_size=4,
                          unique_by=lambda pair: pair[0]))
    around, comma, separator, value, after = "=", ",", " ", draw(VALUE), ""
    deviation = draw(st.sampled_from(["name", "label name", "label value", "around", "comma", "separator", "value",
                                      "timestamp", "exemplar", "padding"])) if odd else ""
    if deviation == "name":
        name = draw(st.sampled_from(ODD_NAMES))
    elif deviation in ("label name", "label value"):
        odd_pair = (draw(st.sampled_from(ODD_LABEL_NAMES)), draw(LABEL_VALUE)) if deviation == "label name" \
            else (draw(st.sampled_from(LABEL_NAMES)), draw(ODD_LABEL_VALUES))
        pairs.insert(draw(st.integers(0, len(pairs))), odd_pair)
    elif deviation in ("around", "comma", "separator"):
        replaced = draw(st.sampled_from({"around": [" = ", "= ", " ="], "comma": [", ", " ,"],
                                         "separator": ["  ", "\t", ""]}[deviation]))
        around, comma, separator = [replaced if deviation == part else plain for part, plain in
                                    (("around", around), ("comma", comma), ("separator", separator))]
    elif deviation == "value":
        value = draw(st.sampled_from(ODD_VALUES))
    elif deviation in ("timestamp", "exemplar"):
        after = draw(st.sampled_from([" 1700000000000", " 1.5", " x"] if deviation == "timestamp" else
                                     [' # {trace_id="abc"} 1', " # {} 1"]))
    body = comma.join(f'{label}{around}"{label_value}"' for label, label_value in pairs)
    if deviation == "comma":
        body = draw(st.sampled_from([body.replace(",", replaced), body + ",", "," + body, "{" + body]))
    labels = f"{{{body}}}" if pairs or deviation == "comma" or draw(st.booleans()) else ""
    line = f"{name}{labels}{separator}{value}{after}"
    if deviation == "padding":
        line = draw(st.sampled_from([" " + line, line + " ", line + "\r", line + "\t"]))
    return line


def _comment(draw: st.DrawFn, kind: str, odd: bool) -> str:
    name = draw(st.sampled_from(NAMES))
    if not odd:
        return {"help": f"# HELP {name} some help", "type": f"# TYPE {name} {draw(st.sampled_from(TYPES))}",
                "note": "# a note", "blank": ""}[kind]
    odd_name = draw(st.sampled_from(ODD_NAMES))
    return draw(st.sampled_from({
        "help": [f"# HELP {odd_name} help", f'# HELP "{name}" quoted', f"# HELP {name}\ttabbed", f"#  HELP {name} x",
                 f"# HELP {name} some \\n help \\\\", "# HELP"],
        "type": [f"# TYPE {name} {draw(st.sampled_from(ODD_TYPES))}", f"# TYPE {odd_name} counter",
                 f"# TYPE {name}  counter", f"#TYPE {name} counter", "# TYPE"],
        "note": ["#", "# HELPER x", '# "HELP" x', "# TYPE\tx", "#x", "# \u00a0HELP a"],
        "blank": ["  ", "\t", "garbage", "{}", '{le="1"} 1'],
    }[kind]))


@st.composite
def _text(draw: st.DrawFn) -> str:
    """Plain lines only (the fast path's own ground), plain lines and one odd line (which the fast path must read
    as prometheus_client does, or leave to it), or any lines, joined by newlines (or CRLF)."""
    mode = draw(st.sampled_from(["plain", "one odd", "any"]))
    lines = draw(st.lists(_line(), max_size=12) if mode != "any" else
                 st.lists(st.one_of(_line(), _line(odd=True), st.text(st.sampled_from([*'a_{}="\\ #\t1.']))),
                          max_size=12))
    if mode == "one odd":
        lines.insert(draw(st.integers(0, len(lines))), draw(_line(odd=True)))
    lines = [sibling for line in lines for sibling in [line, *draw(_series(line))]]
    end = draw(st.sampled_from(["\n", "\r\n"])) if mode == "any" else "\n"
    return end.join(lines) + (end if draw(st.booleans()) else "")


# What may follow the opening quote of a series' last label value on its next line: plain rests, and rests that
# are not (a quote or an escape in the value, another label after it, odd spacing, a timestamp, a bad value).
SERIES_RESTS = st.sampled_from(['"} 1', '"} 2.5', '"} +Inf', '"} -0', '"} NaN', '"}  1', '"} 1 2', '"}1', '" } 1',
                                '"} 1x', '"} 1e', '",le="2"} 1', '",x="1"} 1', '\\"} 1', '"} 1 # {a="b"} 1', '"}',
                                '"'])


@st.composite
def _series(draw: st.DrawFn, line: str) -> list[str]:
    """Lines that start as ``line`` does up to the opening quote of its last label value (the next buckets of a
    series), each with a value of its own and a rest drawn from ``SERIES_RESTS``; none when ``line`` has no label."""
    quote = line.rfind('="')
    if quote < 0:
        return []
    start = line[:quote + 2]
    return [start + draw(LABEL_VALUE) + draw(SERIES_RESTS) for _ in range(draw(st.integers(0, 3)))]


def _reference(text: str, families: tuple[str, ...] | None) -> Metrics | MetricsError:
    """``parse_metrics`` with the fast path switched off: prometheus_client parses every text."""
    with mock.patch.object(metrics, "strict_samples", lambda lines: None):
        return parse_metrics(text, "t", families)


def _exactly(result: Metrics | MetricsError) -> object:
    """A parse as a comparable value: samples in order with each value's repr (NaN equals NaN, -0.0 is not 0.0),
    and the histograms grouped from them (the fast path groups buckets its own way: by the labels before le)."""
    if isinstance(result, MetricsError):
        return result
    return ([(name, [(s.name, s.labels, repr(s.value)) for s in samples]) for name, samples in result.by_name.items()],
            [(name, [(one.key, dict(one.labels), repr(one.buckets)) for one in series])
             for name, series in result.histograms.items()])


@settings(max_examples=500)
@given(_text(), st.sampled_from([None, FAMILIES]))
@example("# TYPE a counter\na 1\na_created 2\n", None)  # a counter's samples take _total
@example("# TYPE a gauge\na 1\n# TYPE a counter\na 2\n", None)  # the TYPE that ends the family counts
@example('# TYPE h histogram\nh_bucket{le="1"} 1\n# TYPE h counter\nh 2\n', None)  # h_bucket_total
@example('a{x="}",y=",",z="=",w="a=\\"b\\""} 1\n', None)
@example('a{x="1",} 1\na{,x="1"} 2\na{} 3\n', None)
@example('a{x="1",x="2"} 1\n', None)
@example('a{x="\\n\\\\"} 1\n', None)  # escapes
@example("# TYPE a bogus\na 1\n", None)  # a type prometheus_client refuses
@example("a 1_0\n", None)  # float() reads it, prometheus_client refuses it
@example("a -0\n", None)  # prometheus_client reads an integer through int(): 0.0, not -0.0
@example("a 9" + "9" * 400 + "\n", None)  # and int() past a float's range is an error, not inf
@example('a{__name__="b"} 1\n', None)
@example('{__name__="a"} 1\n', FAMILIES)  # a line that starts with "{" is not selected (it raised IndexError)
@example('h_bucket{code="1",le="1"} 1\nh_bucket{le="2",code="1"} 2\nh_bucket{A="",le="+Inf"} 3\n', None)
@example('h_bucket{le="x"} 1\nh_bucket{le="NaN"} 2\nh_bucket{code="a,le=",le="1_0"} 3\nh_bucket 4\n', None)
def test_the_fast_path_parses_as_prometheus_client(text: str, families: tuple[str, ...] | None) -> None:
    fast = parse_metrics(text, "t", families)
    reference = _reference(text, families)
    assert _exactly(fast) == _exactly(reference)
    if isinstance(fast, Metrics) and isinstance(reference, Metrics):
        assert fast.selected == reference.selected
        # A scrape built from its samples alone groups its histograms as the parser did.
        assert _exactly(Metrics(fast.source, fast.by_name)) == _exactly(fast)


def test_an_integer_past_a_float_is_a_malformed_scrape_not_an_exception() -> None:
    result = parse_metrics("etcd_server_has_leader " + "9" * 400 + "\n", "etcd")
    # Recent prometheus_client releases read it through int() (an OverflowError), older ones as float() (inf).
    if isinstance(result, MetricsError):
        assert "too large" in result.message
    else:
        assert result.samples("etcd_server_has_leader")[0].value == float("inf")


def _realistic_scrapes() -> list[object]:
    """The benchmark's API server /metrics and every bundled sample's scrapes."""
    counts = {resource: 10 for resource in RESOURCES}
    scrapes = [pytest.param(apiserver_metrics(counts, storage_bytes=56_000_000), id="benchmark")]
    scrapes += [pytest.param(path.read_text(), id=f"{path.parent.parent.name}/{path.name}")
                for path in sorted(Path(SAMPLES_DIR).glob("*/raw/*metrics*.txt"))]
    return scrapes


@pytest.mark.parametrize("text", _realistic_scrapes())
def test_real_scrapes_take_the_fast_path(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [_exactly(_reference(text, families)) for families in (None, APISERVER_FAMILIES)]
    monkeypatch.setattr(metrics, "reference_samples", lambda text: pytest.fail(
        "a line outside the strict shape sent the scrape to prometheus_client"))
    assert [_exactly(parse_metrics(text, "t", families)) for families in (None, APISERVER_FAMILIES)] == expected
    assert expected[1], "the scrape has some of the families checks read"
