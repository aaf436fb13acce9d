"""Check fixtures: small YAML files of raw responses whose name states the expected outcome.

``checks/<id>/fixtures/fail-two-members.yaml`` must make its check's worst status ``fail``. The format::

    now: 2026-11-20T09:00:00Z
    responses:                      # by need name; a need not listed answers 404
      nodes: {status: 200, data: {items: [...]}}
      readyz: {status: 500, text: "[-]etcd failed: reason withheld\\n..."}
    options: {pki-dir: ...}         # optional: data.options
    credentials: {auth: token}      # optional: data.credentials fields
    thresholds: {min_ready: 3}      # optional: overrides of the check's defaults
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubectl_arch.audit.check import Status
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import answers, descriptions, permissions
from kubectl_arch.collect.source import Credentials, Response
from kubectl_arch.yamltext import safe_load

OUTCOMES = {status.value for status in Status}


@dataclass
class Fixture:
    """A loaded fixture: the data to evaluate, threshold overrides and the outcome its name promises."""

    path: Path
    expected: Status
    data: ClusterData
    thresholds: dict[str, Any]


def expected_status(path: Path) -> Status:
    """The outcome a fixture's name promises: the prefix before the first '-'."""
    prefix = path.stem.split("-", 1)[0]
    if prefix not in OUTCOMES:
        raise ValueError(f"fixture {path.name} must start with one of {sorted(OUTCOMES)} and '-'")
    return Status(prefix)


def load_fixture(path: Path, needs: Iterable[str]) -> Fixture:
    """Read ``path`` into ClusterData holding every one of ``needs`` (unlisted ones answer 404)."""
    doc = safe_load(path.read_text()) or {}
    now = doc.get("now")
    if isinstance(now, str):
        now = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    if not isinstance(now, dt.datetime):
        raise ValueError(f"fixture {path.name} needs `now:` as an ISO time")
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    responses = {name: Response.from_record(record) for name, record in (doc.get("responses") or {}).items()}
    for name in needs:
        responses.setdefault(name, Response(status=404, error=f"{name} is not in this fixture"))
    credentials = Credentials(**(doc.get("credentials") or {}))
    data = ClusterData(source=f"fixture {path.name}", now=now, credentials=credentials, responses=responses,
                       options=dict(doc.get("options") or {}), descriptions=descriptions(),
                       answers=answers(), permissions=permissions())
    return Fixture(path=path, expected=expected_status(path), data=data, thresholds=dict(doc.get("thresholds") or {}))
