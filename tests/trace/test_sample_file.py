"""The hand-edited trace objects of the kind-ha sample follow Kubernetes' conventions and its capture time."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.model.raw import parse_time
from kubectl_arch.yamltext import safe_load, safe_load_all
from tests.trace.invariants import strings_in

SAMPLE = Path(__file__).resolve().parents[2] / "kubectl_arch/samples/kind-ha"
TRACE_FILES = ("objects/90-trace-shop.yaml", "objects/91-trace-lifecycle.yaml")


def _captured_at() -> dt.datetime:
    when = parse_time(safe_load((SAMPLE / "sample.yaml").read_text())["capturedAt"])
    assert when is not None
    return when


@functools.cache
def _objects(name: str) -> list[dict[str, Any]]:
    return [d for d in safe_load_all((SAMPLE / name).read_text()) if d]



@functools.lru_cache(maxsize=1)
def _all_objects() -> list[dict[str, Any]]:
    return [obj for path in sorted((SAMPLE / "objects").glob("*.yaml")) for obj in _objects(f"objects/{path.name}")]


@pytest.mark.parametrize("name", TRACE_FILES)
def test_owner_references_point_at_real_controllers(name: str) -> None:
    uids = {(o["kind"], o["metadata"]["name"]): o["metadata"]["uid"] for o in _all_objects()}
    for obj in _objects(name):
        for ref in obj["metadata"].get("ownerReferences") or []:
            assert ref["controller"] is True
            assert uids[(ref["kind"], ref["name"])] == ref["uid"], (obj["metadata"]["name"], ref)
        labels = obj["metadata"].get("labels") or {}
        if obj["kind"] == "Pod" and "pod-template-hash" in labels:
            assert obj["metadata"]["ownerReferences"][0]["name"].endswith(f"-{labels['pod-template-hash']}")


@pytest.mark.parametrize("name", TRACE_FILES)
def test_events_name_objects_that_exist(name: str) -> None:
    uids = {o["metadata"]["uid"] for o in _all_objects()}
    for event in (o for o in _objects(name) if o["kind"] == "Event"):
        assert event["involvedObject"]["uid"] in uids, event["metadata"]["name"]


@pytest.mark.parametrize("name", TRACE_FILES)
def test_nothing_happens_after_the_capture(name: str) -> None:
    captured = _captured_at()
    for obj in _objects(name):
        for value in strings_in(obj):
            when = parse_time(value) if value[:2] == "20" and "T" in value else None
            assert when is None or when <= captured, value


def test_the_expired_pod_is_older_than_the_event_ttl() -> None:
    objects = _objects(TRACE_FILES[0])
    pod = next(o for o in objects if o["kind"] == "Pod" and o["metadata"]["name"].startswith("reports-"))
    created = parse_time(pod["metadata"]["creationTimestamp"])
    assert created is not None and _captured_at() - created > dt.timedelta(hours=1)
    assert not [o for o in objects if o["kind"] == "Event" and "reports" in o["involvedObject"]["name"]]

