"""``ClusterData``: what one run collected, the input of every analysis (model, checks, explain).

It lives apart from the needs catalogue so that the model can read collected data without importing
the catalogue that fetches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.source import Credentials, Response


@dataclass
class ClusterData:
    """Everything one run collected: raw responses by need name, plus when and from where."""

    source: str
    now: dt.datetime
    credentials: Credentials
    responses: dict[str, Response] = field(default_factory=dict)
    # Command-line inputs beyond the cluster, keyed by flag name without dashes ("pki-dir"), as the checks
    # declare them in META.options (audit.check.CheckOption). Set before collection so a Need's ``fetch``
    # can read them; a key is absent when its flag was not given.
    options: dict[str, Any] = field(default_factory=dict)
    # Facts derived from the responses that several checks and explain share (nodes, components), each
    # computed once per run: see kubectl_arch/model/memo.py. A cache, not data: no part of equality or repr.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # What each need reads, in words (from the needs catalogue), for skip reasons.
    descriptions: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # The permission each need's read takes, with the `kubectl auth can-i` line that confirms it (from the
    # catalogue's rules), so a refusal says which permission is missing, not only which read.
    permissions: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # HTTP statuses that are answers rather than failed reads, for needs where that is not just 404
    # (/readyz answers 500 as its verdict).
    answers: Mapping[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)
    # When each need's answer arrived (time.monotonic()), for the second scrape of a --window. Not data.
    read_at: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, name: str) -> Response:
        response = self.responses.get(name)
        if response is None:
            raise KeyError(f"need {name!r} was not collected: declare it in the check or command")
        return response

    def items(self, name: str) -> list[dict[str, Any]]:
        return self[name].items

    def json(self, name: str) -> Any:
        response = self[name]
        return response.data if response.ok else None

    def mapping(self, name: str) -> dict[str, Any]:
        """The JSON object of a need, or an empty one when it was not read or is not an object."""
        value = self.json(name)
        return value if isinstance(value, dict) else {}

    def text(self, name: str) -> str | None:
        response = self[name]
        return response.text if response.ok else None

    def skip_reason(self, name: str) -> str | None:
        """None when the need was read; otherwise why it could not be, in words a user acts on."""
        response = self[name]
        return None if response.ok else response.skip_reason(self.descriptions.get(name, name),
                                                              self.permissions.get(name))

    def unread(self, name: str) -> str | None:
        """Why a need's read failed (so what depends on it is unknown), or None when the cluster answered,
        an absence (404, nothing to read by design) included."""
        response = self.responses.get(name)
        if response is None or response.answered(self.answers.get(name, (404,))):
            return None
        return response.skip_reason(self.descriptions.get(name, name), self.permissions.get(name))

    def unread_needs(self) -> dict[str, str]:
        """Every collected need whose read failed, with why: reports name them so no reader mistakes a
        failed read for an empty answer."""
        return {name: reason for name in self.responses if (reason := self.unread(name))}
