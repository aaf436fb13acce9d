"""pods-without-requests counts a pod when one of its containers requests nothing, which is not the same as the
pod being BestEffort: its words must say only what the count supports."""

from __future__ import annotations

from checks import pods_without_requests


def _pod(*resources: dict[str, dict[str, str]]) -> dict[str, object]:
    return {"metadata": {"name": "p", "namespace": "shop"},
            "spec": {"containers": [{"name": f"c{i}", "resources": r} for i, r in enumerate(resources)]}}


def test_a_container_with_limits_only_has_requests_defaulted_to_them() -> None:
    """The API server copies limits into missing requests, so such a container is scheduled by them."""
    assert not pods_without_requests.lacks_requests(_pod({"limits": {"cpu": "1", "memory": "1Gi"}}))
    assert pods_without_requests.lacks_requests(_pod({}))
    assert pods_without_requests.lacks_requests(_pod({"requests": {"cpu": "1"}}, {}))


def test_why_does_not_call_every_counted_pod_best_effort() -> None:
    """A pod with one container requesting and one not is Burstable, yet it is counted."""
    why = pods_without_requests.META.why
    assert "pods without requests (BestEffort)" not in why
    assert "BestEffort" not in why or "no request or limit" in why
