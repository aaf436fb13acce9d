"""Bundled samples loaded once per session: parsing a sample's YAML costs far more than auditing it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest

from kubectl_arch.collect.sample_source import Sample, SampleSource, load_sample


@functools.cache
def _sample(name: str) -> Sample:
    return load_sample(name)


@pytest.fixture
def sample_source() -> Iterator[Callable[[str], SampleSource]]:
    """Factory: a SampleSource over a once-loaded sample; forbid() rules added by a test are removed after it."""
    used: list[Sample] = []

    def make(name: str) -> SampleSource:
        sample = _sample(name)
        used.append(sample)
        return SampleSource(sample)

    yield make
    for sample in used:
        sample.store.forbidden.clear()
