"""Prometheus text exposition read two ways: prometheus_client's parser, the reference, and a strict fast path.

prometheus_client parses a line in pure Python a character at a time (some 35 us a sample line): the
API server's /metrics is thousands of selected lines, and that was most of audit's analysis CPU. Nearly every
line an exporter writes has one plain shape, so ``strict_samples`` reads that shape with compiled regexes,
and answers None for a text with any other line: escapes, timestamps, exemplars, odd spacing, quoted
names and malformed lines all go to prometheus_client, whose semantics (and errors) stay the reference.
Within the strict shape both give the same samples; tests/model/test_exposition.py proves it on generated texts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from kubectl_arch.model.memo import once_per_process

Labels = tuple[tuple[str, str], ...]
# A histogram bucket's labels without "le", and its "le" (None: it has none).
BucketSplit = tuple[Labels, str | None]
# name, sorted labels, value, and the labels split as a bucket's when the parser had that for free (le written
# last, as every Prometheus client writes it); None: whoever groups buckets splits them.
Sample = tuple[str, Labels, float, BucketSplit | None]

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
# A label name prometheus_client accepts under either name validation (no "__" prefix: reserved, and
# "__name__" names the metric), and a value with no backslash (no escapes) and so no quote inside.
_LABEL_NAME = r"(?!__)[a-zA-Z_][a-zA-Z0-9_]*"
_LABEL_VALUE = r'[^"\\\n]*'
_PAIR = rf'{_LABEL_NAME}="{_LABEL_VALUE}"'
# The values every prometheus_client release reads as float() does. Recent ones read an integer through int()
# first, which differs from float() only for a negative zero (0.0, not -0.0) and past a float's range (an
# error, not inf): those, and spellings such as 1_0, inf, nan or Infinity, are left to it.
_VALUE = (r"(?!-0+\Z)(?![+-]?[0-9]{301})"
          r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN)")
# name, then {k="v",...} (possibly empty), one space and the value: no timestamp, no exemplar. The labels are
# captured as what precedes the last value ('k="v",...,k') and that value: lines of one series differ in the
# last value only (a bucket's le), so the rest is parsed once per series.
_SAMPLE = rf'({_NAME})(?:\{{(?:((?:{_PAIR},)*{_LABEL_NAME})="({_LABEL_VALUE})")?\}})? ({_VALUE})'
# What follows a sample line's last label value's opening quote: the rest of the value, "}", a space and the value.
_SAMPLE_TAIL = rf'({_LABEL_VALUE})"\}} ({_VALUE})'
_LABEL_PAIR = r'([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"'
# HELP (its text is free), TYPE with every type prometheus_client's Metric accepts ("untyped" is its alias for
# "unknown"), or another comment, which it ignores: "#" alone, or "# " and a word that is not HELP or TYPE.
_COMMENT = (rf"# HELP ({_NAME})(?: .*)?|# TYPE ({_NAME}) (counter|gauge|histogram|summary|untyped|unknown"
            r"|gaugehistogram|info|stateset)|#(?: (?!(?:HELP|TYPE)(?:\s|\Z))\S.*)?")


@once_per_process
def _grammar() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns, compiled on first use: a command that parses no metrics pays nothing for them at start-up."""
    return re.compile(_SAMPLE), re.compile(_SAMPLE_TAIL), re.compile(_LABEL_PAIR), re.compile(_COMMENT)


# The sample names a family's TYPE lets it own (prometheus_client's allowed_names): any other sample name
# starts a family of its own.
_OWNED = {"summary": ("_count", "_sum", ""), "histogram": ("_count", "_sum", "_bucket")}


def strict_samples(lines: Iterable[str]) -> list[Sample] | None:
    """The samples of ``lines`` (name, sorted labels, value) in order, as prometheus_client gives them, when every
    line is blank, a plain comment (HELP, TYPE or another) or a plain sample line; None when one is not.

    prometheus_client groups samples into families by the comments before them, and renames the samples of a
    counter whose name lacks ``_total`` (``# TYPE x counter`` then ``x 1`` gives ``x_total``): that is kept.
    """
    sample_re, tail_re, pair_re, comment_re = _grammar()
    match_sample, match_tail, match_comment = sample_re.fullmatch, tail_re.fullmatch, comment_re.fullmatch
    out: list[Sample] = []
    family, kind, start = "", "untyped", 0
    owned: tuple[str, ...] = ()
    # What precedes a line's last label value ('k="v",...,k'), parsed: the same for every line of a series.
    around: dict[str, _Around] = {}
    # The last sample line with labels up to its last value's opening quote, its name and its labels: the next
    # line of its series (the next bucket) starts the same, so only the rest is read (a plain sample line splits
    # into name, labels before the last value, that value and the sample's value one way only).
    series_start, series_name, series = "", "", None
    for line in lines:
        tail = match_tail(line, len(series_start)) if series_start and line.startswith(series_start) else None
        if tail is not None:
            name, known = series_name, series
            last_value, value = tail.groups()
        elif (sample := match_sample(line)) is not None:
            name, head, last_value, value = sample.groups()
            known = None
            if head is not None:
                known = around.get(head)
                if known is None:
                    known = _around(head, pair_re)
                    if known is None:
                        return None  # a label named twice: prometheus_client's error to give
                    around[head] = known
                series_start, series_name, series = line[:sample.start(3)], name, known
        elif not line:
            continue
        else:
            comment = match_comment(line)
            if comment is None:
                return None
            help_name, type_name, type_kind = comment.groups()
            named = help_name or type_name
            if not named:
                continue  # another comment
            if named != family:
                _rename_counter(out, start, family, kind)
                family, kind, owned, start = named, "untyped", (named,), len(out)
            if type_name:
                kind = type_kind
                owned = tuple(named + suffix for suffix in _OWNED.get(kind, ("",)))
            continue
        split: BucketSplit | None = None
        if known is None:
            labels: Labels = ()
        else:
            before, last_name, after, rest = known
            labels = (*before, (last_name, last_value), *after)
            if last_name == "le":
                split = rest, last_value
        if name not in owned:  # a sample outside the family is a family of its own, untyped
            _rename_counter(out, start, family, kind)
            family, kind, owned = "", "untyped", ()
        out.append((name, labels, float(value), split))
    _rename_counter(out, start, family, kind)
    return out


# A line's labels around its last one: those sorted before its name, its name, those sorted after it, and both
# together (the labels without the last one).
_Around = tuple[Labels, str, Labels, Labels]


def _around(head: str, pair_re: re.Pattern[str]) -> _Around | None:
    """``head`` ('k="v",...,k': a label set up to its last value) parsed; None when a label is named twice."""
    pairs, _, last_name = head.rpartition(",")  # a label name has no comma: the last one is the separator
    rest = tuple(sorted(pair_re.findall(pairs)))
    names = [label for label, _ in rest]
    if len(set(names)) < len(names) or last_name in names:
        return None
    at = bisect.bisect(names, last_name)  # sorted as the label pairs are: by name, each name once
    return rest[:at], last_name, rest[at:], rest


def _rename_counter(out: list[Sample], start: int, family: str, kind: str) -> None:
    """prometheus_client's counter naming, applied when a family ends with its last TYPE a counter: when the
    family's name lacks ``_total``, each of its samples (``out[start:]``) takes ``_total`` after its own name."""
    if family and kind == "counter" and not family.endswith("_total"):
        out[start:] = [(name + "_total", labels, value, split) for name, labels, value, split in out[start:]]


def reference_samples(text: str) -> Iterator[Sample]:
    """The samples of ``text`` as prometheus_client parses it; it raises on malformed text as it reads."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted((str(k), str(v)) for k, v in sample.labels.items()))
            yield sample.name, labels, float(sample.value), None
