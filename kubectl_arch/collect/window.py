"""The second scrape of ``audit --window``: each metrics need read again, a window after its first read.

``later(need)`` makes ``<need>-later``. It waits until the window has passed since ``need`` was first
read (the rest of the run is read meanwhile, so the wait overlaps it), reads ``need`` again the same
way, and answers ``{"windowSeconds": asked, "elapsedSeconds": measured, "answer": <response record>}``.
A source whose first read failed is not read again. Samples and snapshots hold one scrape of each
source, so the audit does not ask for these needs there; ``second_read`` then says why there is none.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import NEEDS, Need, register
from kubectl_arch.collect.source import NO_STATUS, Response, Source

LATER = "-later"
WINDOW_OPTION = "window"  # data.options["window"]: the window in seconds; 0 or absent: one scrape
NO_WINDOW_OPTION = "window-off"  # data.options["window-off"]: why there is no second scrape, in words


def later_name(name: str) -> str:
    return f"{name}{LATER}"


def later(first: Need) -> Need:
    """The second read of ``first``, registered beside it; same request, same permission."""

    def fetch(source: Source, data: ClusterData) -> Response:
        window = float(data.options.get(WINDOW_OPTION) or 0)
        if window <= 0:
            return Response(status=NO_STATUS, error="no --window was asked for", absent=True)
        earlier = data.responses.get(first.name)
        if earlier is None or not 200 <= earlier.status < 300:
            # Nothing to read again: the first read's own failure is what the report names.
            return Response(status=NO_STATUS, error=f"{first.description} could not be read the first time",
                            absent=True)
        started = data.read_at.get(first.name, time.monotonic())
        wait = started + window - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        second = first.answer(source, data)
        elapsed = time.monotonic() - started
        record = {"windowSeconds": window, "elapsedSeconds": round(elapsed, 3), "answer": second.to_record()}
        if second.answered(first.answers):
            return Response(status=200, data=record)
        # The record is kept (what answered is still judged), and the failed read is named like any other.
        return Response(status=200, data=record, error=second.skip_reason(first.description))

    return register(Need(later_name(first.name), f"{first.description} again, after the --window",
                         rule=first.rule, after=(first.name,), fetch=fetch))


def window_needs(names: list[str], window: float) -> list[str]:
    """The second-scrape needs for the metrics needs among ``names`` (none without a window)."""
    if window <= 0:
        return []
    return [later_name(name) for name in names if later_name(name) in NEEDS]


@dataclass(frozen=True)
class Second:
    """A need's second read as recorded: its answer and how long after the first, or why there is none."""

    response: Response | None
    elapsed: float | None
    why_not: str = ""


def second_read(data: ClusterData, first: str) -> Second:
    """The second read of need ``first`` from ``data``; recorded data is untrusted, so shapes are checked."""
    recorded = data.responses.get(later_name(first))
    if recorded is None:
        return Second(None, None, str(data.options.get(NO_WINDOW_OPTION) or ""))
    record = recorded.data if isinstance(recorded.data, Mapping) else None
    if not 200 <= recorded.status < 300 or record is None:  # a record with an error still holds its answer
        return Second(None, None, f"the second scrape was not taken: {recorded.error or f'HTTP {recorded.status}'}")
    answer, elapsed = record.get("answer"), record.get("elapsedSeconds")
    if not isinstance(answer, Mapping) or not isinstance(elapsed, (int, float)) or isinstance(elapsed, bool) \
            or not elapsed >= 0:
        return Second(None, None, "the second scrape's record is malformed")
    try:
        response = Response.from_record(answer)
    except (TypeError, ValueError):
        return Second(None, None, "the second scrape's record is malformed")
    if response.text is not None and not isinstance(response.text, str):
        return Second(None, None, "the second scrape's record is malformed")
    return Second(response, float(elapsed))


APISERVER_METRICS_LATER = later(NEEDS["apiserver-metrics"])
