"""Spies on the model's finders, for tests that prove a fact is found once, by the fact base, and shown as found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest


def spy_on_cluster_dns(monkeypatch: pytest.MonkeyPatch, kind: str, readers: Iterable[str]) -> list[int]:
    """Replace ``cluster_dns`` in the fact base and in ``readers`` by a finder that counts its calls and names
    what it finds ``kind``: only what reads the fact base shows that name. Returns the list of calls."""
    from kubectl_arch.model import addons

    real, calls = addons.cluster_dns, []

    def renamed(data: Any) -> Any:
        calls.append(1)
        found = real(data)
        return replace(found, kind=kind) if found is not None else None

    for module in ("kubectl_arch.model.addons", "kubectl_arch.model.facts", *readers):
        monkeypatch.setattr(f"{module}.cluster_dns", renamed, raising=False)
    return calls
