"""A field of the wrong type never crashes a command: every key of every sample, mistyped in turn.

Cluster data is untrusted: a hand-edited snapshot, a broken controller or an aggregated API can put an
object where a string belongs. For each small group of keys of a sample's answers, every value under
those keys is replaced, as the cluster sends it, by one of another JSON type (object -> string, array -> number,
string -> boolean, number -> string, boolean -> string) and the audit, explain's analysis and both
terminal renderings run over it. None may raise, and no check may end as ``error`` (a check that crashed):
a mistyped field reads as absent or unknown, never as a traceback.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.report.terminal import render_terminal
from kubectl_arch.audit.runner import evaluate_checks
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.collect.source import Query, Response
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.terminal import print_overview
from kubectl_arch.output.console import make_console
from kubectl_arch.rbac.role import all_need_names

pytestmark = pytest.mark.heavy  # every key of every sample mistyped in turn (`make test-quick` leaves it out)

# Keys mistyped together in one run: every key of a sample is mistyped in some run, at a twentieth of the cost
# of one run per key. A group can only hide a crash if another key of it stops the analysis first, and
# the groups differ per sample, so a crash hidden in one sample shows in another.
KEYS_PER_RUN = 24


def wrong_type(value: Any) -> Any:
    """A value of another JSON type than ``value``'s."""
    if isinstance(value, dict):
        return "not-an-object"
    if isinstance(value, list):
        return 7
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "15s"
    if isinstance(value, str):
        return True  # neither iterable nor sized: `"x" in value` and `len(value)` fail, as on no other type
    return ["unexpected"]


def mistype(value: Any, keys: frozenset[str]) -> Any:
    """``value`` with every value under one of ``keys``, at any depth, of the wrong type."""
    if isinstance(value, dict):
        return {k: wrong_type(v) if k in keys else mistype(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [mistype(v, keys) for v in value]
    return value


def keys_of(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


class MistypedSource:
    """``inner``'s answers with every value under ``keys`` of the wrong type: what the cluster sends, so
    the needs' own fetch code (summaries, lock reads) meets the mistyped data too."""

    def __init__(self, inner: SampleSource, keys: frozenset[str]) -> None:
        self._inner = inner
        self._keys = keys
        self.seen: set[str] = set()  # every key of every answer, before mistyping

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _mistyped(self, response: Response) -> Response:
        self.seen.update(keys_of(response.data))
        return dataclasses.replace(response, data=mistype(response.data, self._keys))

    def get(self, path: str, query: Query | None = None) -> Response:
        return self._mistyped(self._inner.get(path, query))

    def get_table(self, path: str, query: Query | None = None) -> Response:
        return self._mistyped(self._inner.get_table(path, query))


def _collect(sample: str, keys: frozenset[str]) -> tuple[ClusterData, set[str]]:
    source = MistypedSource(SampleSource(load_sample(sample)), keys)
    return collect(source, all_need_names(include_workloads=True)), source.seen


def _groups(keys: Iterable[str]) -> list[frozenset[str]]:
    ordered = sorted(set(keys))
    return [frozenset(ordered[i:i + KEYS_PER_RUN]) for i in range(0, len(ordered), KEYS_PER_RUN)]


@pytest.mark.parametrize("sample", sample_names())
def test_mistyped_fields_never_crash_the_audit_or_explain(sample: str) -> None:
    _clean, seen = _collect(sample, frozenset())
    checks = list(catalogue().values())
    assert len(seen) > 50, "the sample should have many keys to mistype"
    groups = _groups(seen)
    problems: list[str] = []
    for keys in groups:
        data, _seen = _collect(sample, keys)
        where = f"{sample} with {sorted(keys)} mistyped"
        try:
            report = evaluate_checks(data, checks, AuditConfig())
            problems += [f"{where}: {r.meta.id}: {r.findings[0].message}" for r in report.results
                         if r.status is Status.ERROR]
            cluster_map = build_map(data)
            buffer = io.StringIO()
            console = make_console(buffer, width=120)
            render_terminal([report], console)
            print_overview(console, cluster_map)
            assert cluster_map.components and "Audit of" in buffer.getvalue(), where
        except Exception as exc:
            problems.append(f"{where}: {type(exc).__name__}: {exc} at {_where_raised(exc)}")
    assert not problems, "\n".join(problems)


def _where_raised(exc: BaseException) -> str:
    import traceback

    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{frame.filename.rsplit('kubectl_arch/', 1)[-1]}:{frame.lineno}"


TRACE_TARGETS = ("deployment/api", "deploy/cart", "deployment/checkout")  # kind-ha's trace scenarios (shop)


@pytest.mark.parametrize("target", TRACE_TARGETS)
def test_mistyped_fields_never_crash_trace(target: str) -> None:
    """The same for trace: its pod, owners, events and Services, each key mistyped in some run."""
    from kubectl_arch.errors import ArchError
    from kubectl_arch.trace.collect import collect_trace
    from kubectl_arch.trace.render.timeline import render_timeline
    from kubectl_arch.trace.report import analyse
    from kubectl_arch.trace.target import parse_target

    def trace(keys: frozenset[str]) -> set[str]:
        source = MistypedSource(SampleSource(load_sample("kind-ha")), keys)
        try:
            report = analyse(collect_trace(source, "shop", parse_target(target)))  # type: ignore[arg-type]
        except ArchError:
            return source.seen  # a mistyped owner or pod that cannot be found: one line, as for any bad input
        render_timeline(report, make_console(io.StringIO(), width=120), wide=True)
        return source.seen

    problems = []
    for keys in _groups(trace(frozenset())):
        try:
            trace(keys)
        except Exception as exc:
            problems.append(f"{target} with {sorted(keys)} mistyped: {type(exc).__name__}: {exc} at "
                            f"{_where_raised(exc)}")
    assert not problems, "\n".join(problems)
