"""The shop objects in kind-ha are what the generator writes, and they follow Kubernetes' conventions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from kubectl_arch.model.raw import parse_time
from tests.trace import shop_sample


def test_sample_file_is_generated() -> None:
    assert shop_sample.OUTPUT.read_text() == shop_sample.render(), \
        "regenerate with `python -m tests.trace.shop_sample`"


def test_capture_time_matches_the_sample() -> None:
    meta = yaml.safe_load((shop_sample.OUTPUT.parents[1] / "sample.yaml").read_text())
    assert parse_time(meta["capturedAt"]) == shop_sample.CAPTURED_AT


def _objects() -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(shop_sample.OUTPUT.read_text()) if d]


def test_owner_references_point_at_real_controllers() -> None:
    objects = _objects()
    uids = {(o["kind"], o["metadata"]["name"]): o["metadata"]["uid"] for o in objects}
    for obj in objects:
        for ref in obj["metadata"].get("ownerReferences") or []:
            assert ref["controller"] is True
            assert uids[(ref["kind"], ref["name"])] == ref["uid"]
        if obj["kind"] == "Pod":
            template_hash = obj["metadata"]["labels"]["pod-template-hash"]
            assert obj["metadata"]["ownerReferences"][0]["name"].endswith(f"-{template_hash}")


def test_nothing_happens_after_the_capture() -> None:
    for obj in _objects():
        for value in _strings(obj):
            when = parse_time(value) if value[:2] == "20" and "T" in value else None
            assert when is None or when <= shop_sample.CAPTURED_AT, value


def test_the_expired_pod_is_older_than_the_event_ttl() -> None:
    pod = next(o for o in _objects() if o["kind"] == "Pod" and o["metadata"]["name"].startswith("reports-"))
    created = parse_time(pod["metadata"]["creationTimestamp"])
    assert created is not None and shop_sample.CAPTURED_AT - created > dt.timedelta(hours=1)
    assert not [o for o in _objects() if o["kind"] == "Event" and "reports" in o["involvedObject"]["name"]]


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []
