"""Fixtures for trace tests: the kind-ha sample, a request-counting source, and pod builders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.collect.source import Credentials, Query, Response, Source


class CountingSource:
    """Passes requests to ``inner`` and keeps each (path, query), to prove what trace reads."""

    def __init__(self, inner: Source) -> None:
        self.inner = inner
        self.requests: list[tuple[str, dict[str, str]]] = []

    @property
    def description(self) -> str:
        return self.inner.description

    def get(self, path: str, query: Query | None = None) -> Response:
        self.requests.append((path, dict(query or {})))
        return self.inner.get(path, query)

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        self.requests.append((path, {**dict(query or {}), "watch": "1"}))
        return self.inner.watch(path, query, timeout_seconds)

    def peer_certificates(self) -> Response:
        return self.inner.peer_certificates()

    def credentials(self) -> Credentials:
        return self.inner.credentials()

    def now(self) -> dt.datetime:
        return self.inner.now()


@pytest.fixture(scope="session")
def kind_ha_sample() -> Any:
    return load_sample("kind-ha")


@pytest.fixture
def kind_ha(kind_ha_sample: Any) -> CountingSource:
    return CountingSource(SampleSource(kind_ha_sample))


@pytest.fixture
def run_inline(monkeypatch: pytest.MonkeyPatch, kind_ha_sample: Any) -> Callable[..., tuple[int, str, str]]:
    """Run `kubectl-arch ARGS` in this process with plain 100-column output; the sample is loaded once."""
    monkeypatch.setattr("kubectl_arch.collect.sample_source.load_sample", lambda name: kind_ha_sample)

    def run(args: list[str]) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, args, env={"NO_COLOR": "1", "COLUMNS": "100"}, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run
