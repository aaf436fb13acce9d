"""``SampleSource``: a bundled sample served through the ``Source`` protocol, beside the other sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kubectl_arch.collect.source import Credentials, Query, Response
from kubectl_arch.samples import Sample, load_sample


class SampleSource:
    """Serves a bundled sample through the ``Source`` protocol, with no network."""

    def __init__(self, sample: Sample) -> None:
        self.sample = sample

    @classmethod
    def named(cls, name: str) -> SampleSource:
        return cls(load_sample(name))

    @property
    def description(self) -> str:
        return f"sample {self.sample.name} (illustrative data, not a live cluster)"

    def get(self, path: str, query: Query | None = None) -> Response:
        return self.sample.store.get(path, query)

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        return iter(())

    def peer_certificates(self) -> Response:
        if not self.sample.peer_certificates:
            return Response(status=0, error="this sample has no API server certificate")
        return Response(status=200, data=list(self.sample.peer_certificates))

    def credentials(self) -> Credentials:
        return self.sample.credentials

    def now(self) -> dt.datetime:
        return self.sample.captured_at
